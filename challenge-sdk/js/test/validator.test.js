// `validator`: the contract's records in and out, and what happens when the author gets the
// shape wrong.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { File, ValidatorError, Verdict, judge, validator } from '../src/index.js';

const record = {
  challenge: 'c', team: 'team-1', answer: ' 42 ',
  files: [{ path: 'hello.txt', content: new TextEncoder().encode('hello') }],
  endpoints: [],
};

test('validate gets a Submission and returns the contract\'s verdict record', () => {
  const { validate } = validator({
    validate(s) {
      return judge(10, (v) => v.check('answer', s.answer() === '42', `${s.team}: ${s.text('hello.txt')}`));
    },
  });
  assert.deepEqual(validate(record), {
    passed: true, score: 10, maxScore: 10, feedback: 'Passed: all 1 checks are green.',
    checks: [{ name: 'answer', passed: true, message: 'team-1: hello' }], notes: '',
  });
});

test('an async validate returns a promise of the record', async () => {
  const { validate } = validator({ async validate() { return Verdict.pass(3, 'ok'); } });
  const out = validate(record);
  assert.ok(out instanceof Promise);
  assert.equal((await out).score, 3);
});

test('materials default to none and accept Files or plain objects', async () => {
  assert.deepEqual(validator({ validate: () => Verdict.pass(1, '') }).materials('t'), []);
  const { materials } = validator({
    validate: () => Verdict.pass(1, ''),
    materials: (team) => [new File('a.txt', team), { path: 'b.bin', content: new Uint8Array([1, 2]) }],
  });
  assert.deepEqual(materials('team-9'), [
    { path: 'a.txt', content: new TextEncoder().encode('team-9') },
    { path: 'b.bin', content: new Uint8Array([1, 2]) },
  ]);
  const asyncMaterials = validator({ validate: () => Verdict.pass(1, ''), materials: async () => [new File('x', 'y')] }).materials;
  assert.equal((await asyncMaterials('t')).length, 1);
});

test('the wrong shapes are the validator\'s bugs, with a hint', () => {
  assert.throws(() => validator({}), TypeError);
  assert.throws(() => validator({ validate() {}, materials: 3 }), TypeError);
  const builder = validator({ validate: () => Verdict.builder(1).check('a', true, '') });
  assert.throws(() => builder.validate(record), { name: 'ValidatorError', message: /call `.finish\(\)` on the builder/ });
  const plain = validator({ validate: () => ({ passed: true }) });
  assert.throws(() => plain.validate(record), ValidatorError);
  const badMaterials = validator({ validate: () => Verdict.pass(1, ''), materials: () => 'x' });
  assert.throws(() => badMaterials.materials('t'), /materials must return an array/);
});
