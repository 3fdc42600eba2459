// Per-event challenge settings: the manifest's `[config]` defaults, overridden by organizers.
//
// Values are strings; `parse`, `parseOr` and `require` convert them. A setting that is
// present but malformed is the organizer's or author's mistake, never the team's, so they
// throw a `ValidatorError` (logged with the key and the value): the run ends as a validator
// error rather than failing the submission, as the Rust SDK's `config::parse_or` panics.

import { ValidatorError } from './errors.js';
import { hostConfig } from './host.js';
import { error as logError } from './log.js';

/**
 * The value of `key`, if set.
 * @param {string} key
 * @returns {string | undefined}
 */
export function get(key) {
  return hostConfig(key);
}

/**
 * The value of `key`, or `fallback` when it is not set.
 * @param {string} key
 * @param {string} fallback
 * @returns {string}
 */
export function getOr(key, fallback) {
  return get(key) ?? fallback;
}

/**
 * How a setting is read: `boolean` is `true` or `false`; `integer` an integer (a number);
 * `number` any finite decimal; `string` the value as is.
 * @typedef {'boolean' | 'integer' | 'number' | 'string'} Kind
 */

const READERS = {
  boolean: (raw) => (raw === 'true' ? true : raw === 'false' ? false : undefined),
  integer: (raw) => (/^[+-]?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined),
  number: (raw) => (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : undefined),
  string: (raw) => raw,
};

const KIND_NAMES = {
  boolean: 'boolean (`true` or `false`)',
  integer: 'integer',
  number: 'number',
  string: 'string',
};

/**
 * The value of `key` read as `kind`: `undefined` when unset.
 * @param {string} key
 * @param {Kind} kind
 * @returns {boolean | number | string | undefined}
 * @throws {ValidatorError} when the value is set but is not a `kind` (logged)
 */
export function parse(key, kind) {
  const read = READERS[kind];
  if (!read) {
    throw new TypeError(`config kind must be one of ${Object.keys(READERS).join(', ')}, got ${kind}`);
  }
  const raw = get(key);
  if (raw === undefined) {
    return undefined;
  }
  const value = read(raw.trim());
  if (value === undefined) {
    abort(`config \`${key}\` = \`${raw}\` is not a valid ${KIND_NAMES[kind]}`);
  }
  return value;
}

/**
 * The value of `key` read as the same kind as `fallback` (a boolean, a number or a string),
 * or `fallback` when unset: `parseOr("allow_unknown_keys", false)`,
 * `parseOr("threshold", 25)`. An integer `fallback` reads an integer.
 * @template {boolean | number | string} T
 * @param {string} key
 * @param {T} fallback
 * @returns {T}
 * @throws {ValidatorError} when the value is set but malformed (logged)
 */
export function parseOr(key, fallback) {
  const kind = typeof fallback === 'boolean' ? 'boolean'
    : typeof fallback === 'string' ? 'string'
      : Number.isInteger(fallback) ? 'integer'
        : typeof fallback === 'number' ? 'number'
          : undefined;
  if (!kind) {
    throw new TypeError(`config.parseOr: the fallback must be a boolean, a number or a string, got ${typeof fallback}`);
  }
  const value = parse(key, kind);
  return /** @type {T} */ (value === undefined ? fallback : value);
}

/**
 * The value of `key` read as `kind`.
 * @param {string} key
 * @param {Kind} [kind] `string` by default
 * @returns {boolean | number | string}
 * @throws {ValidatorError} when unset or malformed (logged)
 */
export function require(key, kind = 'string') {
  const value = parse(key, kind);
  if (value === undefined) {
    abort(`config \`${key}\` is required but not set`);
  }
  return value;
}

function abort(message) {
  logError(message);
  throw new ValidatorError(message);
}
