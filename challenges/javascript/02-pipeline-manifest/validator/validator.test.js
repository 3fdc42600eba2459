// Unit tests, run natively with the SDK's stand-ins (the Rust validator's tests, ported):
//
//   node challenge-sdk/js/scripts/test.mjs challenges/javascript/02-pipeline-manifest/validator
//
// The sandbox check is package/tests/parity.rs: this validator on the Rust package's samples.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { beforeEach, test } from 'node:test';

import { Submission, testing } from '@cohack/sdk';
import { materials, validate } from './validator.js';

const GOOD = readFileSync(new URL('../../../02-pipeline-manifest/samples/pass/reference/pipeline.toml', import.meta.url), 'utf8');

beforeEach(() => testing.reset());

function verdict(text) {
  return validate(new Submission('pipeline-manifest', 't').withFile('pipeline.toml', text));
}

const failed = (v) => v.checks.filter((c) => !c.passed).map((c) => c.name);

test('the reference passes', () => {
  const v = verdict(GOOD);
  assert.equal(v.passed, true, JSON.stringify(v));
  assert.equal(v.score, 200);
  assert.equal(v.feedback, "Pipeline accepted: Lyon's temperatures are flowing into the time-series store.");
});

test('each field is reported on its own', () => {
  const v = verdict(GOOD.replace('mqtts://', 'mqtt://').replace('retention_days = 30', 'retention_days = "30"'));
  assert.deepEqual(failed(v), ['source.url', 'sink.retention_days']);
  assert.ok(v.checks.some((c) => c.message.includes('without quotes')));
});

test('typos get suggestions and config relaxes them', () => {
  const text = GOOD.replace('batch_size', 'batch_sise');
  const v = verdict(text);
  assert.deepEqual(failed(v), ['sink.batch_size', 'unknown-keys']);
  assert.ok(v.checks.some((c) => c.message.includes('did you mean `batch_size`')));
  testing.setConfig('allow_unknown_keys', 'true');
  assert.deepEqual(failed(verdict(text)), ['sink.batch_size']);
  assert.deepEqual(testing.takeLogs(), [['info', 'Unknown key(s), ignored by the pipeline: `sink.batch_sise` (did you mean `batch_size`?).']]);
});

test('a malformed setting is the organizers\' mistake: a validator error', () => {
  testing.setConfig('allow_unknown_keys', 'yes');
  assert.throws(() => verdict(GOOD), { name: 'ValidatorError' });
});

test('no materials', () => {
  assert.deepEqual(materials('team-blue'), []);
});
