// The CSV reader, the Rust SDK's tests ported (challenge-sdk/src/csv.rs).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { csv } from '../src/index.js';

test('parses quotes, CRLF and a BOM, and skips blank lines', () => {
  const t = csv.Table.parse('\ufeffid,name,note\r\n1,"Smith, J","say ""hi"""\r\n\r\n2,Lee,"two\nlines"\r\n3,,x');
  assert.deepEqual(t.headers, ['id', 'name', 'note']);
  assert.equal(t.length, 3);
  const r = t.records();
  assert.equal(r[0].get('name'), 'Smith, J');
  assert.equal(r[0].get('note'), 'say "hi"');
  assert.equal(r[1].get('note'), 'two\nlines');
  assert.equal(r[1].line, 4);
  assert.equal(r[2].line, 6);
  assert.equal(r[2].get('name'), '');
  assert.equal(r[2].integer('id'), 3);
  assert.equal(r[0].get('missing'), undefined);
});

test('errors name the line', () => {
  const t = csv.Table.parse('a,b\n1,2\nx,y\n');
  assert.throws(() => t.records()[1].integer('a'), { message: 'line 3: column `a`: `x`: invalid digit found in string' });
  assert.throws(() => t.records()[1].number('b'), { message: 'line 3: column `b`: `y`: invalid float literal' });
  assert.throws(() => t.records()[0].require('c'), { message: 'line 2: no column `c`' });
  assert.throws(() => csv.Table.parse('a,b\n1,2,3\n'), { message: 'line 2 has 3 fields but the header has 2' });
  assert.throws(() => csv.Table.parse('a,b\n1\n'), { message: 'line 2 has 1 fields but the header has 2 (is it comma-separated?)' });
  assert.throws(() => csv.Table.parse('a;b\n1;2\n').requireColumns(['a', 'b']), /missing columns `a`, `b`; the header is `a;b`/);
  assert.throws(() => csv.Table.parse('a,b\n"1,2\n'), { message: 'line 2: a quoted field is never closed' });
  assert.throws(() => csv.Table.parse(''), { message: 'is empty: expected a header row' });
});

test('numbers read as Rust reads them', () => {
  const t = csv.Table.parse('x\n1.5\n-2e3\n.5\ninf\nNaN\n+7\n');
  const xs = t.records().map((r) => r.number('x'));
  assert.deepEqual(xs.slice(0, 4), [1.5, -2000, 0.5, Infinity]);
  assert.ok(Number.isNaN(xs[4]));
  assert.equal(xs[5], 7);
  assert.throws(() => csv.Table.parse('x\n9007199254740993\n').records()[0].integer('x'), /too large/);
});

test('other delimiters', () => {
  const t = csv.Table.parseWith('a;b\n1;2\n', ';');
  assert.equal(t.records()[0].get('b'), '2');
  assert.equal(t.isEmpty(), false);
  assert.equal(t.column('b'), 1);
});
