// CSV: a small RFC 4180 reader, no dependencies (the Rust SDK's, line for line).
//
// Quoted fields (with `""` for a quote, delimiters and line breaks inside), CRLF or LF line
// ends, a leading byte-order mark and a final newline are all accepted; blank lines are
// skipped. The first row is the header. Errors name the line, so the team can find the
// problem.

import { SubmissionError } from './errors.js';

/** One data row: the 1-based line it starts on and its fields as written (not trimmed). */
export class Row {
  /**
   * @param {number} line
   * @param {string[]} fields
   */
  constructor(line, fields) {
    this.line = line;
    this.fields = fields;
  }
}

/** A parsed CSV file: a header and data rows. */
export class Table {
  /**
   * @param {string[]} headers column names, trimmed
   * @param {Row[]} rows each with as many fields as the header
   */
  constructor(headers, rows) {
    this.headers = headers;
    this.rows = rows;
  }

  /**
   * Parses comma-separated `text` whose first row is the header.
   * @param {string} text
   * @returns {Table}
   * @throws {SubmissionError}
   */
  static parse(text) {
    return Table.parseWith(text, ',');
  }

  /**
   * Parses `text` with another single-character `delimiter` (e.g. `;` or `\t`).
   * @param {string} text
   * @param {string} delimiter
   * @returns {Table}
   * @throws {SubmissionError}
   */
  static parseWith(text, delimiter) {
    const rows = readRows(text.startsWith('\ufeff') ? text.slice(1) : text, delimiter);
    if (rows.length === 0) {
      throw new SubmissionError('is empty: expected a header row');
    }
    const headers = rows[0].fields.map((h) => h.trim());
    const data = rows.slice(1);
    for (const row of data) {
      if (row.fields.length !== headers.length) {
        const hint = row.fields.length === 1 && delimiter === ',' ? ' (is it comma-separated?)' : '';
        throw new SubmissionError(
          `line ${row.line} has ${row.fields.length} fields but the header has ${headers.length}${hint}`,
        );
      }
    }
    return new Table(headers, data);
  }

  /**
   * @param {string} name
   * @returns {number | undefined} the index of the column named `name`
   */
  column(name) {
    const i = this.headers.indexOf(name);
    return i === -1 ? undefined : i;
  }

  /**
   * Succeeds when every column in `names` is present.
   * @param {string[]} names
   * @throws {SubmissionError} listing the missing ones and what the header has
   */
  requireColumns(names) {
    const missing = names.filter((n) => this.column(n) === undefined).map((n) => `\`${n}\``);
    if (missing.length > 0) {
      throw new SubmissionError(
        `missing column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}; the header is \`${this.headers.join(',')}\``,
      );
    }
  }

  /** @returns {Record[]} the rows, readable by column name */
  records() {
    return this.rows.map((row) => new Record(this, row));
  }

  /** The number of data rows. */
  get length() {
    return this.rows.length;
  }

  /** @returns {boolean} whether there are no data rows */
  isEmpty() {
    return this.rows.length === 0;
  }
}

/** A row seen through its table's header, to read fields by column name. */
export class Record {
  #table;
  #row;

  /**
   * @param {Table} table
   * @param {Row} row
   */
  constructor(table, row) {
    this.#table = table;
    this.#row = row;
  }

  /** The 1-based line the row starts on. */
  get line() {
    return this.#row.line;
  }

  /** The raw fields. */
  get fields() {
    return this.#row.fields;
  }

  /**
   * @param {string} name
   * @returns {string | undefined} the field in column `name`, trimmed
   */
  get(name) {
    const i = this.#table.column(name);
    return i === undefined ? undefined : this.#row.fields[i].trim();
  }

  /**
   * The field in column `name`, trimmed.
   * @param {string} name
   * @returns {string}
   * @throws {SubmissionError} naming the line if the column is absent
   */
  require(name) {
    const value = this.get(name);
    if (value === undefined) {
      throw new SubmissionError(`line ${this.line}: no column \`${name}\``);
    }
    return value;
  }

  /**
   * The field in column `name` as a number (decimal, optional exponent, `inf`, `nan`).
   * @param {string} name
   * @returns {number}
   * @throws {SubmissionError} naming the line, the column and the value
   */
  number(name) {
    const raw = this.require(name);
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) {
      return Number(raw);
    }
    if (/^[+-]?(inf|infinity|nan)$/i.test(raw)) {
      const sign = raw.startsWith('-') ? -1 : 1;
      return /nan/i.test(raw) ? NaN : sign * Infinity;
    }
    throw this.#parseError(name, raw, 'invalid float literal');
  }

  /**
   * The field in column `name` as an integer (exact: within ±2^53).
   * @param {string} name
   * @returns {number}
   * @throws {SubmissionError} naming the line, the column and the value
   */
  integer(name) {
    const raw = this.require(name);
    if (raw === '') {
      throw this.#parseError(name, raw, 'cannot parse integer from empty string');
    }
    if (!/^[+-]?\d+$/.test(raw)) {
      throw this.#parseError(name, raw, 'invalid digit found in string');
    }
    const value = Number(raw);
    if (!Number.isSafeInteger(value)) {
      throw this.#parseError(name, raw, 'number too large to fit in target type');
    }
    return value;
  }

  #parseError(name, raw, problem) {
    return new SubmissionError(`line ${this.line}: column \`${name}\`: \`${raw}\`: ${problem}`);
  }
}

/** Splits `text` into rows of fields, honouring quotes. */
function readRows(text, delimiter) {
  const rows = [];
  let fields = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  // Whether the current row has any content, so blank lines are skipped.
  let rowStarted = false;
  const chars = [...text];
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i];
    if (inQuotes) {
      if (c === '"' && chars[i + 1] === '"') {
        i += 1;
        field += '"';
      } else if (c === '"') {
        inQuotes = false;
      } else {
        if (c === '\n') {
          line += 1;
        }
        field += c;
      }
      continue;
    }
    if (c === '"' && field.trim() === '') {
      field = '';
      inQuotes = true;
      quoteLine = line;
      rowStarted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      rowStarted = true;
    } else if (c === '\r' && chars[i + 1] === '\n') {
      // the `\n` ends the row
    } else if (c === '\n') {
      if (rowStarted || field !== '') {
        fields.push(field);
        rows.push(new Row(rowLine, fields));
        fields = [];
        field = '';
      }
      rowStarted = false;
      line += 1;
      rowLine = line;
    } else {
      field += c;
      rowStarted = true;
    }
  }
  if (inQuotes) {
    throw new SubmissionError(`line ${quoteLine}: a quoted field is never closed`);
  }
  if (rowStarted || field !== '') {
    fields.push(field);
    rows.push(new Row(rowLine, fields));
  }
  return rows;
}
