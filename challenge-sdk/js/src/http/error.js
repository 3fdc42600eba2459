// `HttpError`: why a request got no acceptable answer, worded for the team.

import { SubmissionError } from '../errors.js';

/** The longest piece of a body quoted in a message. */
const EXCERPT_CHARS = 160;

/**
 * What went wrong with a request:
 * - `status`: the service answered with a status outside 2xx (from `errorForStatus`);
 * - `body`: it answered, but not with the body expected (not UTF-8, not the JSON expected);
 * - `noResponse`: no acceptable response came back at all. In the sandbox, `fetch` cannot
 *   tell a timeout from a refused connection, a failed TLS handshake or a body over the cap,
 *   so this one kind covers them; the recorded request, shown to the team beside its verdict,
 *   says which it was;
 * - `invalidUrl`: the URL is not an absolute `https://` or `http://` URL (the validator's
 *   fault, as is a request the sandbox refuses, which ends the run as a validator error).
 * @typedef {{type: 'status', status: number, location?: string, body: string}
 *   | {type: 'body', status: number, problem: string, body: string}
 *   | {type: 'noResponse', timeoutMs: number, limitBytes: number, detail: string}
 *   | {type: 'invalidUrl'}} HttpErrorKind
 */

/**
 * A request that got no acceptable answer: the URL and what went wrong. Its message is written
 * for the team ("your service at https://…/health answered 500 instead of a 2xx status"). A
 * `SubmissionError`, so in `judge` it becomes a failed `submission` check; `intoCheck` makes
 * it a check of its own.
 */
export class HttpError extends SubmissionError {
  /**
   * @param {string} url
   * @param {HttpErrorKind} kind
   */
  constructor(url, kind) {
    super(describe(url, kind));
    this.name = 'HttpError';
    /** The URL asked for. */
    this.url = url;
    /** @type {HttpErrorKind} what went wrong */
    this.kind = kind;
  }

  /** @returns {boolean} whether the URL was malformed: the validator's fault */
  isValidatorFault() {
    return this.kind.type === 'invalidUrl';
  }

  /**
   * A failing check named `name` carrying this error's message:
   * `v.addCheck(error.intoCheck("health"))`.
   * @param {string} name
   * @returns {{name: string, passed: boolean, message: string}}
   */
  intoCheck(name) {
    return { name, passed: false, message: this.message };
  }
}

function describe(url, kind) {
  switch (kind.type) {
    case 'status':
      if (kind.status >= 300 && kind.status < 400 && kind.location) {
        return `your service at ${url} answered ${kind.status}, a redirect to ${kind.location}: `
          + 'redirects are not followed, so answer at this address directly';
      }
      return `your service at ${url} answered ${kind.status} instead of a 2xx status${quote(kind.body)}`;
    case 'body':
      return `your service at ${url} answered ${kind.status}, but its body ${kind.problem}${quote(kind.body)}`;
    case 'noResponse':
      return `your service at ${url} gave no usable answer (no complete response within `
        + `${duration(kind.timeoutMs)}, a refused connection, a failed TLS handshake or more than `
        + `the ${size(kind.limitBytes)} this challenge accepts; the request listed with your verdict `
        + 'says which): is it running and reachable from the internet?';
    case 'invalidUrl':
      return `\`${url}\` is not an absolute https:// or http:// URL`;
    default:
      return `the request to ${url} failed`;
  }
}

function quote(body) {
  return body ? ` (body: \`${body}\`)` : '';
}

/**
 * The beginning of a body on one line, for a message: at most 160 characters, whitespace runs
 * folded, `…` when cut.
 * @param {Uint8Array} body
 * @returns {string}
 */
export function excerpt(body) {
  const text = new TextDecoder().decode(body);
  const folded = text.split(/\s+/).filter(Boolean).join(' ');
  const chars = [...folded];
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join('')}…` : folded;
}

/**
 * `2 s`, `1.5 s`, `800 ms`.
 * @param {number} ms
 */
export function duration(ms) {
  if (ms < 1000) return `${ms} ms`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * `64 KB`, `1 MB`, `1500 bytes`.
 * @param {number | bigint} bytes
 */
export function size(bytes) {
  const n = Number(bytes);
  const KB = 1024;
  if (n >= KB * KB && n % (KB * KB) === 0) return `${n / (KB * KB)} MB`;
  if (n >= KB && n % KB === 0) return `${n / KB} KB`;
  return `${n} bytes`;
}
