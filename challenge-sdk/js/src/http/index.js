// Calling the team's deployed service (and the challenge's `allowed_hosts`) over HTTP, for
// validators of `cohack:validator@0.2.0`.
//
// On `fetch`, which componentize-js builds on the host's wasi:http (`scripts/build.mjs` turns
// that on only when the bundle uses `fetch`, so a validator that sends nothing imports no
// wasi:http). Every call is `async`: `await http.getJson(url)`. Redirects are never followed
// (a `301` comes back as a `Response` with its `location` header), and the sandbox never
// follows them either. Every request counts against the run's `budget()`.
//
// A failure is an `HttpError` whose message a team can act on; `error.intoCheck(name)` turns
// it into a failing check, and in `judge` it fails the `submission` check like any
// `SubmissionError`. A request the sandbox refuses (another host, the budget spent) is the
// validator's fault: the run ends as a validator error whatever the validator does with it.
//
// Off the sandbox (under `node --test`), requests are answered by the stand-ins that
// `testing.js` registers, and nothing is sent.

import { hostNetworkBudget, inSandbox } from '../host.js';
import { parse as parseJson } from '../json.js';
import { HttpError, excerpt } from './error.js';
import { sendWithStandIn } from './stand-in.js';
import { isSendable, join } from './url.js';

export { HttpError, join };

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** An HTTP request: build it, then `send()` it. */
export class Request {
  /**
   * @param {string} method `GET`, `POST`, … (upper-cased)
   * @param {string} url absolute `https://` (or `http://`)
   */
  constructor(method, url) {
    this.method = String(method).toUpperCase();
    this.url = String(url);
    /** @type {Array<[string, string]>} header names and values, in order */
    this.headers = [];
    /** @type {Uint8Array} the body; empty for none */
    this.body = new Uint8Array();
  }

  /**
   * @param {string} name
   * @param {string} value
   * @returns {this}
   */
  withHeader(name, value) {
    this.headers.push([String(name), String(value)]);
    return this;
  }

  /**
   * @param {Uint8Array | string} body bytes, or text (sent as UTF-8)
   * @returns {this}
   */
  withBody(body) {
    this.body = typeof body === 'string' ? encoder.encode(body) : body;
    return this;
  }

  /**
   * Sets the body to `value` as JSON, with `content-type: application/json`.
   * @param {unknown} value
   * @returns {this}
   */
  withJson(value) {
    return this.withHeader('content-type', 'application/json').withBody(JSON.stringify(value));
  }

  /**
   * Sends the request and reads the whole response. Any status is a `Response` (use
   * `errorForStatus()` to require a 2xx); an `HttpError` means no acceptable response came
   * back.
   * @returns {Promise<Response>}
   */
  async send() {
    if (!isSendable(this.url)) {
      throw new HttpError(this.url, { type: 'invalidUrl' });
    }
    if (inSandbox()) {
      return sendWithFetch(this);
    }
    const answer = sendWithStandIn(this);
    if ('failure' in answer) {
      throw noResponse(this.url, answer.failure);
    }
    const response = new Response(answer.status, answer.body);
    response.url = this.url;
    response.headers = answer.headers;
    return response;
  }
}

/** A response: its status, headers and whole body. */
export class Response {
  /**
   * @param {number} status
   * @param {Uint8Array | string} [body]
   */
  constructor(status, body = new Uint8Array()) {
    /** The URL that was asked for (a redirect is not followed: also the one that answered). */
    this.url = '';
    /** The HTTP status. */
    this.status = status;
    /** @type {Array<[string, string]>} header names (lower case) and values */
    this.headers = [];
    /** @type {Uint8Array} the whole body */
    this.body = typeof body === 'string' ? encoder.encode(body) : body;
  }

  /**
   * Adds a header (the name lower-cased), for `testing.respondWith`.
   * @param {string} name
   * @param {string} value
   * @returns {this}
   */
  withHeader(name, value) {
    this.headers.push([String(name).toLowerCase(), String(value)]);
    return this;
  }

  /**
   * @param {string} name
   * @returns {string | undefined} the first value of the header `name` (case-insensitive)
   */
  header(name) {
    const wanted = String(name).toLowerCase();
    return this.headers.find(([n]) => n.toLowerCase() === wanted)?.[1];
  }

  /** @returns {boolean} whether the status is 2xx */
  isSuccess() {
    return this.status >= 200 && this.status < 300;
  }

  /**
   * This response when its status is 2xx.
   * @returns {this}
   * @throws {HttpError} saying what came back ("answered 500 …"; a redirect names where)
   */
  errorForStatus() {
    if (this.isSuccess()) {
      return this;
    }
    throw new HttpError(this.url, {
      type: 'status', status: this.status, location: this.header('location'), body: excerpt(this.body),
    });
  }

  /**
   * The body as UTF-8 text.
   * @returns {string}
   * @throws {HttpError} saying the service answered something else
   */
  text() {
    try {
      return decoder.decode(this.body);
    } catch {
      throw this.#bodyError('is not UTF-8 text');
    }
  }

  /**
   * The body parsed as JSON.
   * @returns {any}
   * @throws {HttpError} saying what is wrong with it, and showing its beginning
   */
  json() {
    const text = this.text();
    try {
      return parseJson(text);
    } catch (error) {
      throw this.#bodyError(error.message);
    }
  }

  #bodyError(problem) {
    return new HttpError(this.url, { type: 'body', status: this.status, problem, body: excerpt(this.body) });
  }
}

/**
 * Sends a `GET`. Any status is a `Response`.
 * @param {string} url
 * @returns {Promise<Response>}
 */
export function get(url) {
  return new Request('GET', url).send();
}

/**
 * Sends a `GET` (with `accept: application/json`), requires a 2xx and parses the body as JSON:
 * one call for "the service answers this JSON".
 * @param {string} url
 * @returns {Promise<any>}
 */
export async function getJson(url) {
  const response = await new Request('GET', url).withHeader('accept', 'application/json').send();
  return response.errorForStatus().json();
}

/**
 * Sends a `POST` with `value` as its JSON body. Any status is a `Response`.
 * @param {string} url
 * @param {unknown} value
 * @returns {Promise<Response>}
 */
export function postJson(url, value) {
  return new Request('POST', url).withHeader('accept', 'application/json').withJson(value).send();
}

/**
 * This run's network budget: requests left and allowed, the timeout of each, the response
 * cap (the manifest's `[network]` values, capped by the server).
 * @returns {{requestsLeft: number, maxRequests: number, requestTimeoutMs: number,
 *   maxResponseBytes: bigint}}
 */
export function budget() {
  return hostNetworkBudget();
}

/** The `noResponse` error for `url`, with this run's limits in its message. */
export function noResponse(url, detail) {
  const b = budget();
  return new HttpError(url, {
    type: 'noResponse', timeoutMs: b.requestTimeoutMs, limitBytes: Number(b.maxResponseBytes), detail,
  });
}

/**
 * Sends through `fetch`, in the sandbox, never following a redirect. One known limit, in the
 * sandbox rather than here: a request *with a body* whose exchange is replayed (a rejudge, a
 * sample's `exchanges.json`) may trap in StarlingMonkey's event loop, because the replaying
 * host answers without reading the body the engine is still writing; sent live, it works.
 * @param {Request} request
 * @returns {Promise<Response>}
 */
async function sendWithFetch(request) {
  const hasBody = request.body.length > 0 && request.method !== 'GET' && request.method !== 'HEAD';
  let answer;
  let bytes;
  try {
    answer = await fetch(new globalThis.Request(request.url, {
      method: request.method,
      headers: request.headers,
      body: hasBody ? request.body : undefined,
      redirect: 'manual',
    }));
    bytes = new Uint8Array(await answer.arrayBuffer());
  } catch (error) {
    throw noResponse(request.url, error instanceof Error ? error.message : String(error));
  }
  const response = new Response(answer.status, bytes);
  response.url = request.url;
  for (const [name, value] of answer.headers) {
    response.headers.push([name.toLowerCase(), value]);
  }
  return response;
}
