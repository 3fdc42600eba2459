// The network off the sandbox: canned answers that a test registers through `testing.js`, and
// a stand-in budget that counts requests the way the host does. Failures come back as the
// sandbox gives them: one `noResponse` kind, whatever the failure was.

import { ValidatorError } from '../errors.js';
import { standIn } from '../host.js';

/**
 * Answers `request` from the canned table, the latest registration first: what the sandbox
 * would give, a response (`status`, `headers`, `body`) or a `failure` (no usable response).
 * @param {{method: string, url: string, headers: Array<[string, string]>, body: Uint8Array}} request
 * @returns {{status: number, headers: Array<[string, string]>, body: Uint8Array}
 *   | {failure: string}}
 * @throws {ValidatorError} when the budget is spent or nothing was registered for the
 *   request: in the sandbox both end the run as a validator error
 */
export function sendWithStandIn(request) {
  const budget = standIn.budget;
  if (budget.requestsLeft <= 0) {
    throw new ValidatorError(
      `${request.method} ${request.url}: this run's ${budget.maxRequests} requests are spent (the `
      + 'sandbox would refuse the request and the run would be a validator error)',
    );
  }
  budget.requestsLeft -= 1;
  standIn.sent.push({
    method: request.method, url: request.url, headers: [...request.headers], body: request.body,
  });
  const canned = standIn.canned.findLast((c) => c.method === request.method && c.url === request.url);
  if (!canned) {
    throw new ValidatorError(
      `${request.method} ${request.url}: no canned response; register one with \`testing.respond\` `
      + "(in the sandbox, a request outside the team's endpoints and the allowed_hosts is refused "
      + 'and the run is a validator error)',
    );
  }
  const { answer } = canned;
  if (answer.failure) {
    return { failure: answer.failure };
  }
  if (answer.response.body.length > Number(budget.maxResponseBytes)) {
    return { failure: 'too_large' };
  }
  const { status, headers, body } = answer.response;
  return { status, headers: [...headers], body };
}
