// Unit tests, run natively with the SDK's stand-ins for the host:
//   node <challenge-sdk>/js/scripts/test.mjs validator/
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Submission, testing } from '@cohack/sdk';
import { validate } from './validator.js';

test('the right answer passes', () => {
  const s = new Submission('c', 'team').withAnswer('42').withFile('hello.txt', 'hello, telemetry\n');
  assert.equal(validate(s).passed, true);
});

test('the answer comes from the config', () => {
  testing.setConfig('answer', '7');
  const s = new Submission('c', 'team').withAnswer('42').withFile('hello.txt', 'hello, telemetry\n');
  assert.equal(validate(s).passed, false);
  testing.reset();
});
