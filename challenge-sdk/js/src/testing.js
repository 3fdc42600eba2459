// Stand-ins for the host, to unit-test a validator with `node --test` (no component built):
// its config, its log, and its network (canned HTTP answers and a request budget). They
// answer whenever the SDK runs outside the sandbox; in the sandbox the host answers and
// nothing here is used.
//
// State is per process and shared by the tests of a file: call `testing.reset()` in a
// `beforeEach`.
//
// ```js
// import { config, log, testing } from '@cohack/sdk';
//
// testing.setConfig('threshold', '7');
// assert.equal(config.parseOr('threshold', 5), 7);
// log.info('hello');
// assert.deepEqual(testing.takeLogs(), [['info', 'hello']]);
// ```
//
// The network: register what each request gets, then run the validator on a submission with
// endpoints (`submission.withEndpoint`). A request nothing was registered for throws a
// `ValidatorError`, as the sandbox would make the run a validator error.

import { DEFAULT_BUDGET, standIn } from './host.js';
import { Response } from './http/index.js';

/** How a canned request fails: the kinds a recorded exchange's `failed` outcome has. */
export const FAILURES = Object.freeze(['timeout', 'connection_refused', 'dns', 'tls', 'too_large', 'protocol']);

/**
 * Sets what `config.get(key)` returns.
 * @param {string} key
 * @param {string} value
 */
export function setConfig(key, value) {
  standIn.config.set(String(key), String(value));
}

/** Clears the config. */
export function clearConfig() {
  standIn.config.clear();
}

/**
 * Takes the messages logged so far (by `log.*` and by the SDK).
 * @returns {Array<[string, string]>} level and message
 */
export function takeLogs() {
  return standIn.logs.splice(0);
}

/**
 * Answers `method url` with `status` and `body`.
 * @param {string} method
 * @param {string} url
 * @param {number} status
 * @param {string | Uint8Array} [body]
 */
export function respond(method, url, status, body = '') {
  respondWith(method, url, new Response(status, body));
}

/**
 * Answers `method url` with `response` (built with `new http.Response(status, body)
 * .withHeader(…)`).
 * @param {string} method
 * @param {string} url
 * @param {Response} response
 */
export function respondWith(method, url, response) {
  standIn.canned.push({ method: method.toUpperCase(), url, answer: { response } });
}

/**
 * Makes `method url` fail as `failure` does in the sandbox (one of `FAILURES`): no usable
 * answer, an `HttpError` of kind `noResponse`.
 * @param {string} method
 * @param {string} url
 * @param {'timeout' | 'connection_refused' | 'dns' | 'tls' | 'too_large' | 'protocol'} failure
 */
export function fail(method, url, failure) {
  if (!FAILURES.includes(failure)) {
    throw new TypeError(`testing.fail: the failure must be one of ${FAILURES.join(', ')}, got ${failure}`);
  }
  standIn.canned.push({ method: method.toUpperCase(), url, answer: { failure } });
}

/**
 * Takes the requests sent so far, in order.
 * @returns {Array<{method: string, url: string, headers: Array<[string, string]>, body: Uint8Array}>}
 */
export function takeRequests() {
  return standIn.sent.splice(0);
}

/**
 * Sets the budget the next requests count against (fields not given keep their defaults:
 * 20 requests, 2 s each, 1 MB responses).
 * @param {{requestsLeft?: number, maxRequests?: number, requestTimeoutMs?: number,
 *   maxResponseBytes?: number | bigint}} budget
 */
export function setBudget(budget) {
  standIn.budget = { ...DEFAULT_BUDGET, ...budget, maxResponseBytes: BigInt(budget.maxResponseBytes ?? DEFAULT_BUDGET.maxResponseBytes) };
}

/** Forgets the canned answers and the requests sent, and restores the default budget. */
export function resetNetwork() {
  standIn.canned.length = 0;
  standIn.sent.length = 0;
  standIn.budget = { ...DEFAULT_BUDGET };
}

/** Resets every stand-in: config, log and network. */
export function reset() {
  clearConfig();
  takeLogs();
  resetNetwork();
}
