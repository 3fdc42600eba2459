// TOML: parse (with smol-toml, bundled at build time), look values up by dotted path, and name
// and show values in messages for the team.
//
// Syntax errors read as the Rust SDK's do (same line, column and layout, and the same words
// for the common mistakes), so a JavaScript validator tells a team what a Rust one would.
//
// Values are what smol-toml gives: plain objects for tables, arrays, strings, booleans,
// `TomlDate`s, numbers for floats and, by default here, `bigint`s for integers (`30n`), so
// that a validator can tell `30` from `30.0` as the Rust SDK's `toml::Value` does.

import { parse as parseToml } from 'smol-toml';
import { SubmissionError } from './errors.js';

/**
 * Parses `text` as TOML. The error quotes the line and column of the problem, in the layout
 * of the Rust SDK's: "is not valid TOML: TOML parse error at line 3, column 26" and then the
 * line with a caret under the spot.
 * @param {string} text
 * @param {{integersAsBigInt?: boolean | 'asNeeded'}} [options] integers as `bigint`s (the
 *   default, `true`), as numbers where exact (`"asNeeded"`), or always as numbers (`false`)
 * @returns {Record<string, any>}
 * @throws {SubmissionError}
 */
export function parse(text, options = {}) {
  const integersAsBigInt = options.integersAsBigInt ?? true;
  try {
    return parseToml(text, { integersAsBigInt });
  } catch (error) {
    if (typeof error?.line !== 'number') {
      throw error;
    }
    throw new SubmissionError(`is not valid TOML: ${describeError(text, error)}`);
  }
}

function describeError(text, error) {
  const { line } = error;
  const source = text.split(/\r?\n/)[line - 1] ?? '';
  const gutter = ' '.repeat(String(line).length);
  const { reason, span, shift = 0 } = reasonOf(error, source);
  const column = error.column + shift;
  return [
    `TOML parse error at line ${line}, column ${column}`,
    `${gutter} |`,
    `${line} | ${source}`,
    `${gutter} | ${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(span)}`,
    reason,
  ].join('\n');
}

/**
 * The reason, in the Rust SDK's words (the `toml` crate's) for the mistakes teams make most:
 * an unclosed string, a bare word, a duplicate key, a stray character; smol-toml's own words
 * for the rest. The same mistake then reads the same whichever language the validator is in.
 * `span` is how many carets underline the spot: the bare word or the key, as the Rust SDK
 * underlines them, or one; `shift` moves the spot to the last part of a dotted key, where the
 * Rust SDK points.
 * @returns {{reason: string, span: number, shift?: number}}
 */
function reasonOf(error, source) {
  const reason = String(error.message).replace(/^Invalid TOML document: /, '').split('\n\n')[0];
  const before = [...source].slice(0, error.column - 1).join('');
  const at = [...source].slice(error.column - 1).join('');
  const one = (text) => ({ reason: text, span: 1 });
  switch (reason) {
    case 'control characters are not allowed in strings':
      if (at === '') {
        return one(openQuote(before) === "'"
          ? "invalid literal string, expected `'`"
          : 'invalid basic string, expected `"`');
      }
      return one(openQuote(before) === '"'
        ? 'invalid basic string, expected non-double-quote visible characters, `\\`'
        : reason);
    case 'trying to redefine an already defined table or value': {
      const part = `(?:"(?:[^"\\\\]|\\\\.)*"|'[^']*'|[A-Za-z0-9_-]+)`;
      const key = new RegExp(`^((?:${part}[ \\t]*\\.[ \\t]*)*)(${part})`).exec(at);
      if (!key) return one('duplicate key');
      return { reason: 'duplicate key', span: [...key[2]].length, shift: [...key[1]].length };
    }
    case 'invalid value': {
      const bare = { t: 'invalid boolean, expected `true`', f: 'invalid boolean, expected `false`',
        i: 'invalid float, expected `inf`', n: 'invalid float, expected `nan`' };
      const word = /^[^\s#,\]}]+/.exec(at);
      return {
        reason: bare[at[0]] ?? 'string values must be quoted, expected literal string',
        span: word ? [...word[0]].length : 1,
      };
    }
    case 'each key-value declaration must be followed by an end-of-line':
      return one('unexpected key or value, expected newline, `#`');
    case 'illegal leading zero':
      return one('unexpected leading zero, expected nothing');
    case 'unrecognised escape sequence':
      return one('missing escaped value, expected `b`, `e`, `f`, `n`, `r`, `\\`, `"`, `x`, `u`, `U`');
    case 'illegal character in key':
      if (/^\s*\[\[/.test(source)) return one('unclosed array table, expected `]`');
      if (/^\s*\[/.test(source)) return one('unclosed table, expected `]`');
      return one('key with no value, expected `=`');
    case 'expected end of table array declaration':
      return one('unclosed array table, expected `]`');
    case 'unexpected end of key':
      return one('unquoted keys cannot be empty, expected letters, numbers, `-`, `_`');
    default:
      return one(reason);
  }
}

/** The quote that opened the string still open at the end of `text` (a line's start). */
function openQuote(text) {
  let open = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (open === '"' && c === '\\') {
      i += 1;
    } else if (open && c === open) {
      open = '';
    } else if (!open && (c === '"' || c === "'")) {
      open = c;
    } else if (!open && c === '#') {
      break;
    }
  }
  return open;
}

/**
 * The value at a dotted `path` such as `"sink.retention_days"`, if every step exists.
 * @param {Record<string, any>} table
 * @param {string} path
 * @returns {any}
 */
export function lookup(table, path) {
  let value = table;
  for (const part of path.split('.')) {
    if (!isTable(value) || !Object.hasOwn(value, part)) {
      return undefined;
    }
    value = value[part];
  }
  return value;
}

/**
 * Whether `value` is a TOML table (not an array, not a date).
 * @param {unknown} value
 * @returns {boolean}
 */
export function isTable(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/**
 * A short name for a value's TOML type, for messages: "expected an integer, got a string".
 * Integers are `bigint`s (as `parse` gives them by default), so a number is a float.
 * @param {unknown} value
 * @returns {string}
 */
export function typeOf(value) {
  switch (typeof value) {
    case 'string': return 'a string';
    case 'bigint': return 'an integer';
    case 'number': return 'a float';
    case 'boolean': return 'a boolean';
    default:
      if (value instanceof Date) return 'a date-time';
      if (Array.isArray(value)) return 'an array';
      return 'a table';
  }
}

/**
 * A value written as TOML, as the Rust SDK's messages show it: `"30"`, `30`, `30.0`,
 * `[1, 2]`, `{ a = 1 }`, `'say "hi"'`. Integers are `bigint`s, floats numbers (as `parse`
 * gives them by default).
 * @param {unknown} value
 * @returns {string}
 */
export function display(value) {
  switch (typeof value) {
    case 'string': return showString(value);
    case 'bigint': return String(value);
    case 'number': return showFloat(value);
    case 'boolean': return String(value);
    default:
      // As written, but JavaScript's milliseconds: `07:32:00`, not `07:32:00.000`.
      if (value instanceof Date) return value.toISOString().replace(/\.000(?=$|[Zz+-])/, '');
      if (Array.isArray(value)) return `[${value.map(display).join(', ')}]`;
      if (isTable(value)) {
        const keys = Object.keys(value).sort(byCodePoint);
        if (keys.length === 0) return '{}';
        return `{ ${keys.map((k) => `${showKey(k)} = ${display(value[k])}`).join(', ')} }`;
      }
      return String(value);
  }
}

/** Keys in the order the Rust SDK's tables keep them (byte order of their UTF-8). */
export function byCodePoint(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function showKey(key) {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : showString(key);
}

function showString(s) {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000a-\u001f\u007f]/;
  if (/[\n]/.test(s) && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s) && !s.includes('"""')) {
    return `"""\n${s.replaceAll('\\', '\\\\')}"""`;
  }
  if ((s.includes('"') || s.includes('\\')) && !s.includes("'") && !control.test(s) && !s.includes('\t')) {
    return `'${s}'`;
  }
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Rust's `Display` of an f64 as TOML writes it: plain digits, a `.0` when integral. */
function showFloat(x) {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0.0';
  let text = plainDecimal(x);
  if (!text.includes('.')) text += '.0';
  return text;
}

/** The shortest round-trip digits of `x`, without an exponent. */
function plainDecimal(x) {
  const text = String(x);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, int, frac = '', exp] = match;
  const digits = int + frac;
  const point = int.length + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
