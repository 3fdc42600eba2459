// Reading a submission: its short answer, its files by path, and the team's endpoints, with
// errors for the team.

import { SubmissionError } from './errors.js';
import * as csv from './csv.js';
import * as json from './json.js';
import * as toml from './toml.js';

const encoder = new TextEncoder();

/** A file: a path and its bytes (a submitted file, or one of a team's materials). */
export class File {
  /**
   * @param {string} path `/`-separated, relative
   * @param {Uint8Array | ArrayBuffer | string} content bytes, or text (stored as UTF-8)
   */
  constructor(path, content) {
    /** The path, `/`-separated. */
    this.path = String(path);
    /** @type {Uint8Array} the bytes */
    this.content = toBytes(content);
  }

  /**
   * The content as UTF-8 text, without a leading byte-order mark.
   * @returns {string}
   * @throws {SubmissionError} naming the file and the line of the first invalid byte
   */
  text() {
    let bytes = this.content;
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3);
    }
    const invalid = firstInvalidUtf8(bytes);
    if (invalid !== -1) {
      let line = 1;
      for (let i = 0; i < invalid; i += 1) {
        line += bytes[i] === 0x0a ? 1 : 0;
      }
      throw new SubmissionError(
        `\`${this.path}\` is not UTF-8 text (invalid byte on line ${line}); save it as UTF-8`,
      );
    }
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  }
}

/**
 * What the team submitted: the contract's `submission` record, with readers that throw
 * `SubmissionError`s worded for the team.
 */
export class Submission {
  /**
   * A submission built in code, for tests: `new Submission("my-challenge", "team-1")
   * .withAnswer("42").withFile("out.csv", "a,b\n")`.
   * @param {string} challenge the challenge's slug
   * @param {string} team the opaque, stable team id
   */
  constructor(challenge, team) {
    /** The challenge's slug. */
    this.challenge = String(challenge);
    /** The opaque, stable team id: derive per-team variants from it (`TeamRng`). */
    this.team = String(team);
    /** The short answer as submitted (`answer()` trims it). */
    this.rawAnswer = '';
    /** @type {File[]} the files, in submission order */
    this.files = [];
    /** @type {Array<{name: string, url: string}>} the team's endpoints for this challenge */
    this.endpoints = [];
  }

  /**
   * The submission the sandbox hands to `validate` (the contract's record), wrapped.
   * @param {{challenge: string, team: string, answer: string,
   *   files: Array<{path: string, content: Uint8Array}>,
   *   endpoints?: Array<{name: string, url: string}>}} record
   * @returns {Submission}
   */
  static fromRecord(record) {
    const s = new Submission(record.challenge, record.team);
    s.rawAnswer = record.answer ?? '';
    s.files = (record.files ?? []).map((f) => new File(f.path, f.content));
    s.endpoints = (record.endpoints ?? []).map((e) => ({ name: e.name, url: e.url }));
    return s;
  }

  /**
   * Sets the short answer (for tests).
   * @param {string} answer
   * @returns {this}
   */
  withAnswer(answer) {
    this.rawAnswer = String(answer);
    return this;
  }

  /**
   * Adds a file (for tests).
   * @param {string} path
   * @param {Uint8Array | ArrayBuffer | string} content
   * @returns {this}
   */
  withFile(path, content) {
    this.files.push(new File(path, content));
    return this;
  }

  /**
   * Adds an endpoint, as if the team had set `name` to `url` (for tests).
   * @param {string} name
   * @param {string} url
   * @returns {this}
   */
  withEndpoint(name, url) {
    this.endpoints.push({ name: String(name), url: String(url) });
    return this;
  }

  /** @returns {string} the short answer with surrounding whitespace removed */
  answer() {
    return this.rawAnswer.trim();
  }

  /**
   * The URL the team set for its endpoint `name` (one of the manifest's `[network]
   * team_endpoints`). The server asks a team for its endpoints before it may submit, so the
   * error is rare: it covers a rejudge after the manifest gained an endpoint, say.
   * @param {string} name
   * @returns {string}
   * @throws {SubmissionError} telling the team to set it
   */
  endpoint(name) {
    const found = this.endpoints.find((e) => e.name === name && e.url.trim() !== '');
    if (!found) {
      throw new SubmissionError(
        `Set your team's endpoint \`${name}\` in the workspace's Endpoints panel, then submit again.`,
      );
    }
    return found.url.trim();
  }

  /**
   * The submitted file at `path`. Paths match exactly after normalising `\` to `/` and
   * dropping a leading `./` or `/`, so `"./out.csv"` finds `out.csv`; they are
   * case-sensitive, and the error suggests a file that differs only in case or sits in a
   * sub-folder.
   * @param {string} path
   * @returns {File}
   * @throws {SubmissionError} listing what was submitted instead
   */
  file(path) {
    const wanted = normalize(path);
    const found = this.findFile(wanted);
    if (found) {
      return found;
    }
    throw new SubmissionError(this.#missingFileMessage(wanted));
  }

  /**
   * The submitted file at `path`, if any (same matching as `file`).
   * @param {string} path
   * @returns {File | undefined}
   */
  findFile(path) {
    const wanted = normalize(path);
    return this.files.find((f) => normalize(f.path) === wanted);
  }

  /**
   * @param {string} path
   * @returns {boolean} whether a file was submitted at `path`
   */
  hasFile(path) {
    return this.findFile(path) !== undefined;
  }

  /** @returns {string[]} the paths of the submitted files, in submission order */
  paths() {
    return this.files.map((f) => f.path);
  }

  /**
   * The file at `path` as UTF-8 text (a leading byte-order mark is dropped).
   * @param {string} path
   * @returns {string}
   */
  text(path) {
    return this.file(path).text();
  }

  /**
   * The file at `path` parsed as JSON.
   * @param {string} path
   * @returns {any}
   */
  json(path) {
    return parseFile(path, this.text(path), json.parse);
  }

  /**
   * The file at `path` parsed as TOML: a table of plain objects, arrays, strings, booleans,
   * `TomlDate`s, floats as numbers and integers as `bigint`s (`30n`), so that `30` and `30.0`
   * stay apart. `{ integersAsBigInt: "asNeeded" }` gives numbers instead where they are exact.
   * @param {string} path
   * @param {{integersAsBigInt?: boolean | 'asNeeded'}} [options]
   * @returns {Record<string, any>}
   */
  toml(path, options) {
    return parseFile(path, this.text(path), (text) => toml.parse(text, options));
  }

  /**
   * The file at `path` parsed as comma-separated values with a header row.
   * @param {string} path
   * @param {string} [delimiter] `,` by default
   * @returns {csv.Table}
   */
  csv(path, delimiter = ',') {
    return parseFile(path, this.text(path), (text) => csv.Table.parseWith(text, delimiter));
  }

  #missingFileMessage(wanted) {
    let message = `\`${wanted}\` is missing from the submission`;
    const lower = wanted.toLowerCase();
    const base = wanted.split('/').pop();
    const sameCase = this.files.find((f) => normalize(f.path).toLowerCase() === lower);
    const elsewhere = this.files.find((f) => normalize(f.path).split('/').pop() === base);
    if (sameCase) {
      message += ` (found \`${sameCase.path}\`: file names are case-sensitive)`;
    } else if (elsewhere) {
      message += ` (found \`${elsewhere.path}\`: submit it as \`${wanted}\`)`;
    } else if (this.files.length === 0) {
      message += ' (no files were submitted)';
    } else {
      const names = this.files.slice(0, 10).map((f) => `\`${f.path}\``);
      const more = this.files.length > 10 ? ', …' : '';
      message += ` (submitted: ${names.join(', ')}${more})`;
    }
    return `${message}.`;
  }
}

/** Parses the text of the file at `path`; a parse error names the file. */
function parseFile(path, text, parse) {
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof SubmissionError) {
      throw error.context(`\`${path}\``);
    }
    throw error;
  }
}

/** `\` → `/`, and no leading `./` or `/`. */
function normalize(path) {
  let p = String(path).trim().replaceAll('\\', '/');
  for (;;) {
    if (p.startsWith('./')) {
      p = p.slice(2);
    } else if (p.startsWith('/')) {
      p = p.slice(1);
    } else {
      return p;
    }
  }
}

function toBytes(content) {
  if (content instanceof Uint8Array) {
    return content;
  }
  if (content instanceof ArrayBuffer) {
    return new Uint8Array(content);
  }
  if (ArrayBuffer.isView(content)) {
    return new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
  }
  return encoder.encode(String(content));
}

/** The offset of the first byte that is not valid UTF-8, or -1. */
function firstInvalidUtf8(bytes) {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let extra;
    let min;
    if (b < 0x80) {
      i += 1;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      extra = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      extra = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      extra = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + extra >= bytes.length) {
      return i;
    }
    let cp = b & (0xff >> (extra + 2));
    for (let k = 1; k <= extra; k += 1) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) {
        return i;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return i;
    }
    i += extra + 1;
  }
  return -1;
}
