// The HTTP client on the stand-ins (the Rust SDK's http tests, ported), with failures as the
// sandbox reports them to JavaScript: one `noResponse` kind.

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { Submission, ValidatorError, http, judge, testing } from '../src/index.js';

beforeEach(() => testing.reset());

test('join puts one slash between', () => {
  assert.equal(http.join('https://a.example/', '/health'), 'https://a.example/health');
  assert.equal(http.join('https://a.example/v1', 'echo?value=x'), 'https://a.example/v1/echo?value=x');
});

test('canned responses answer and are recorded', async () => {
  testing.respond('GET', 'https://a.example/health', 200, '{"status":"ok"}');
  const response = await http.get('https://a.example/health');
  assert.equal(response.status, 200);
  assert.equal(response.url, 'https://a.example/health');
  assert.equal(response.text(), '{"status":"ok"}');
  const sent = testing.takeRequests();
  assert.equal(sent.length, 1);
  assert.equal(sent[0].method, 'GET');
  assert.equal(http.budget().requestsLeft, http.budget().maxRequests - 1);
});

test('statuses outside 2xx become errors on request', async () => {
  testing.respond('GET', 'https://a.example/x', 500, 'Internal Server Error\n');
  const response = await http.get('https://a.example/x');
  assert.equal(response.isSuccess(), false);
  assert.throws(() => response.errorForStatus(), {
    name: 'HttpError',
    message: 'your service at https://a.example/x answered 500 instead of a 2xx status (body: `Internal Server Error`)',
  });
  testing.respondWith('GET', 'https://a.example/old', new http.Response(301).withHeader('Location', 'https://b.example/'));
  const moved = await http.get('https://a.example/old');
  assert.equal(moved.header('location'), 'https://b.example/');
  assert.throws(() => moved.errorForStatus(), /redirect to https:\/\/b.example\/: redirects are not followed/);
});

test('failures read as something a team can fix, whatever the failure', async () => {
  testing.fail('GET', 'https://a.example/slow', 'timeout');
  testing.fail('GET', 'https://a.example/down', 'connection_refused');
  testing.setBudget({ requestTimeoutMs: 1500, maxResponseBytes: 64 * 1024 });
  const slow = await http.get('https://a.example/slow').catch((e) => e);
  assert.equal(slow.kind.type, 'noResponse');
  assert.equal(slow.message, 'your service at https://a.example/slow gave no usable answer (no complete '
    + 'response within 1.5 s, a refused connection, a failed TLS handshake or more than the 64 KB this '
    + 'challenge accepts; the request listed with your verdict says which): is it running and reachable '
    + 'from the internet?');
  const down = await http.get('https://a.example/down').catch((e) => e);
  const check = down.intoCheck('health');
  assert.equal(check.name, 'health');
  assert.equal(check.passed, false);
  assert.match(check.message, /^your service at https:\/\/a.example\/down gave no usable answer/);
  assert.throws(() => testing.fail('GET', 'https://a.example/', 'gone'), TypeError);
});

test('a body over the budget\'s cap is no usable answer', async () => {
  testing.setBudget({ maxResponseBytes: 4 });
  testing.respond('GET', 'https://a.example/big', 200, 'too long');
  await assert.rejects(http.get('https://a.example/big'), { name: 'HttpError', message: /more than the 4 bytes/ });
});

test('invalid URLs are refused before sending', async () => {
  for (const url of ['', 'a.example/health', 'ftp://a.example/', 'https:///health', 'https://user:pw@a.example/', 'https://a.example/a b']) {
    const error = await http.get(url).catch((e) => e);
    assert.equal(error.kind.type, 'invalidUrl', url);
    assert.equal(error.isValidatorFault(), true);
  }
  assert.deepEqual(testing.takeRequests(), []);
});

test('requests nothing answers, or past the budget, are the validator\'s fault', async () => {
  await assert.rejects(http.get('https://nowhere.example/'), ValidatorError);
  testing.setBudget({ requestsLeft: 0, maxRequests: 2 });
  testing.respond('GET', 'https://a.example/', 200, '');
  await assert.rejects(http.get('https://a.example/'), { name: 'ValidatorError', message: /2 requests are spent/ });
});

test('JSON bodies parse or say what came back', async () => {
  testing.respond('GET', 'https://a.example/h', 200, '{"status":"ok"}');
  testing.respond('GET', 'https://a.example/html', 200, '<html>hi</html>');
  assert.deepEqual(await http.getJson('https://a.example/h'), { status: 'ok' });
  const error = await http.getJson('https://a.example/html').catch((e) => e);
  assert.match(error.message, /^your service at https:\/\/a.example\/html answered 200, but its body is not valid JSON: .+ \(body: `<html>hi<\/html>`\)$/);
  testing.respond('POST', 'https://a.example/items', 201, '');
  const created = await http.postJson('https://a.example/items', ['a']);
  assert.equal(created.status, 201);
  const sent = testing.takeRequests();
  assert.equal(new TextDecoder().decode(sent[2].body), '["a"]');
  assert.deepEqual(sent[2].headers.at(-1), ['content-type', 'application/json']);
  assert.deepEqual(sent[1].headers, [['accept', 'application/json']]);
});

test('in judge, a failed request is a failed check, worded for the team', async () => {
  testing.respond('GET', 'https://team.example/health', 503, 'down for maintenance');
  const s = new Submission('c', 't').withEndpoint('api', 'https://team.example/');
  const v = await judge(100, async (b) => {
    const health = await http.getJson(http.join(s.endpoint('api'), 'health'));
    b.check('health', health.status === 'ok', 'ok');
  });
  assert.equal(v.passed, false);
  assert.equal(v.checks[0].name, 'submission');
  assert.equal(v.checks[0].message, 'your service at https://team.example/health answered 503 instead of a 2xx status (body: `down for maintenance`)');
  assert.deepEqual(testing.takeLogs(), [], 'an HttpError is the team\'s: no stack logged');
});

test('excerpts are one short line', async () => {
  testing.respond('GET', 'https://a.example/long', 500, `  a\n\n b  ${'x'.repeat(500)}`);
  const response = await http.get('https://a.example/long');
  const message = (() => { try { response.errorForStatus(); return ''; } catch (e) { return e.message; } })();
  const body = /\(body: `(.*)`\)$/.exec(message)[1];
  assert.equal([...body].length, 161);
  assert.ok(body.startsWith('a b xxx'));
  assert.ok(body.endsWith('…'));
});
