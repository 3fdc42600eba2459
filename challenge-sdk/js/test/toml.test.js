// TOML: lookups, type names, how values are shown, and syntax errors worded as the Rust SDK
// words them (its `toml` crate's messages, checked against it for these cases).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { toml } from '../src/index.js';

test('lookup walks dotted paths', () => {
  const t = toml.parse('[sink]\nkind = "ts"\n[sink.batch]\nsize = 64\n');
  assert.equal(toml.lookup(t, 'sink.kind'), 'ts');
  assert.equal(toml.lookup(t, 'sink.batch.size'), 64n);
  assert.equal(toml.lookup(t, 'sink.kind.x'), undefined);
  assert.equal(toml.lookup(t, 'source'), undefined);
  assert.equal(toml.lookup(t, 'toString'), undefined);
  assert.equal(toml.typeOf(toml.lookup(t, 'sink.kind')), 'a string');
});

test('type names', () => {
  const t = toml.parse('a = 1\nb = 1.0\nc = "x"\nd = true\ne = 1979-05-27T07:32:00Z\nf = [1]\ng = {}\n');
  assert.deepEqual(Object.keys(t).map((k) => toml.typeOf(t[k])),
    ['an integer', 'a float', 'a string', 'a boolean', 'a date-time', 'an array', 'a table']);
});

test('values are shown as the Rust SDK shows them', () => {
  const t = toml.parse([
    'a = "30"', 'c = "say \\"hi\\""', 'd = 30.0', 'e = 1e100', 'f = nan', 'g = -inf',
    'h = [1, "x", 2.5]', 'i = { y = "z", x = 1 }', 'k = true', 'l = "back\\\\slash"',
    'n = 0.1', 'o = -0.0', 'q = 3.0e-7', 'r = []', 's = {}', 'u = "tab\\there"', 'm = "line\\nbreak"',
  ].join('\n'));
  const shown = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, toml.display(v)]));
  assert.deepEqual(shown, {
    a: '"30"', c: '\'say "hi"\'', d: '30.0', e: `1${'0'.repeat(100)}.0`, f: 'nan', g: '-inf',
    h: '[1, "x", 2.5]', i: '{ x = 1, y = "z" }', k: 'true', l: "'back\\slash'", n: '0.1', o: '-0.0',
    q: '0.0000003', r: '[]', s: '{}', u: '"tab\\there"', m: '"""\nline\nbreak"""',
  });
});

test('syntax errors read as the Rust SDK\'s', () => {
  const reason = (text) => {
    try {
      toml.parse(text);
      return 'OK';
    } catch (e) {
      const lines = e.message.split('\n');
      return `${lines[0].replace('is not valid TOML: TOML parse error at ', '')} | ${lines.at(-1)}`;
    }
  };
  // What toml 0.9 says for each, as the Rust SDK's `toml::parse` reports it.
  const expected = {
    '[pipeline]\nname = "lyon-temperatures\nworkers = 4\n': 'line 2, column 26 | invalid basic string, expected `"`',
    "a = 'abc\n": "line 1, column 9 | invalid literal string, expected `'`",
    '[sink]\nkind = ts\n': 'line 2, column 8 | invalid boolean, expected `true`',
    'kind = mqtt\n': 'line 1, column 8 | string values must be quoted, expected literal string',
    'kind = fx\n': 'line 1, column 8 | invalid boolean, expected `false`',
    'a = \n': 'line 1, column 5 | string values must be quoted, expected literal string',
    '[a]\nb = 1\n[a]\nc = 2\n': 'line 3, column 2 | duplicate key',
    'a = 1\na = 2\n': 'line 2, column 1 | duplicate key',
    '[a\nb = 1\n': 'line 1, column 3 | unclosed table, expected `]`',
    '[[a]\n': 'line 1, column 5 | unclosed array table, expected `]`',
    'a b = 1\n': 'line 1, column 3 | key with no value, expected `=`',
    '= 1\n': 'line 1, column 1 | unquoted keys cannot be empty, expected letters, numbers, `-`, `_`',
    'a = 01\n': 'line 1, column 5 | unexpected leading zero, expected nothing',
    'a = "\\q"\n': 'line 1, column 7 | missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `"`, `x`, `u`, `U`',
    'kind = "a" "b"\n': 'line 1, column 12 | unexpected key or value, expected newline, `#`',
  };
  for (const [text, want] of Object.entries(expected)) {
    assert.equal(reason(text), want, JSON.stringify(text));
  }
});

test('carets underline the bare word or the key, as the Rust SDK\'s do', () => {
  const underline = (text) => {
    try {
      toml.parse(text);
      return 'OK';
    } catch (e) {
      return e.message.split('\n').slice(0, 1).concat(e.message.split('\n').slice(3, 4)).join(' ');
    }
  };
  assert.equal(underline('kind = timeseries\n'), 'is not valid TOML: TOML parse error at line 1, column 8   |        ^^^^^^^^^^');
  assert.equal(underline('[sink]\n[sink]\n'), 'is not valid TOML: TOML parse error at line 2, column 2   |  ^^^^');
  assert.equal(underline('[a.bc]\nx=1\n[a.bc]\n'), 'is not valid TOML: TOML parse error at line 3, column 4   |    ^^');
  assert.equal(underline('"q k" = 1\n"q k" = 2\n'), 'is not valid TOML: TOML parse error at line 2, column 1   | ^^^^^');
});

test('dates are shown as written', () => {
  const t = toml.parse('a = 1979-05-27T07:32:00Z\nb = 1979-05-27\nc = 07:32:00\nd = 1979-05-27T07:32:00\n');
  assert.deepEqual(Object.values(t).map(toml.display), ['1979-05-27T07:32:00Z', '1979-05-27', '07:32:00', '1979-05-27T07:32:00']);
});

test('the error quotes the line with a caret', () => {
  assert.throws(() => toml.parse(Array.from({ length: 11 }, (_, i) => `k${i} = ${i}\n`).join('') + 'b = \n'), {
    message: 'is not valid TOML: TOML parse error at line 12, column 5\n'
      + '   |\n12 | b = \n   |     ^\nstring values must be quoted, expected literal string',
  });
});
