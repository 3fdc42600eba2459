// The verdict rules, the Rust SDK's tests ported (challenge-sdk/src/verdict.rs).

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { MAX_SHOWN_CHECKS, SubmissionError, ValidatorError, Verdict, judge, testing } from '../src/index.js';

beforeEach(() => testing.reset());

test('all checks green passes with full marks', () => {
  const v = Verdict.builder(100).check('a', true, 'ok').check('b', true, 'ok').note('ref=1').note('x').finish();
  assert.equal(v.passed, true);
  assert.equal(v.score, 100);
  assert.equal(v.maxScore, 100);
  assert.equal(v.feedback, 'Passed: all 2 checks are green.');
  assert.equal(v.notes, 'ref=1\nx');
});

test('one red check fails with zero', () => {
  const v = Verdict.builder(100).passCheck('a', 'ok').failCheck('b', 'fix b').finish();
  assert.equal(v.passed, false);
  assert.equal(v.score, 0);
  assert.deepEqual(v.failedChecks().map((c) => c.name), ['b']);
  assert.equal(v.feedback, 'Not yet: 1 of 2 checks failed; see below.');
});

test('no checks is not a pass', () => {
  assert.equal(Verdict.builder(10).finish().passed, false);
  assert.equal(Verdict.builder(10).finish().feedback, 'Not passed.');
});

test('scored checks give partial credit', () => {
  const v = Verdict.builder(300)
    .scoredCheck('header', 100, true, 'ok')
    .scoredCheck('rows', 100, false, '2 rows missing')
    .scoredCheck('sorted', 100, true, 'ok')
    .finish();
  assert.equal(v.passed, false);
  assert.equal(v.score, 200);
  assert.equal(Verdict.builder(300).scoredCheck('x', 100, false, 'no').finish().score, 0);
});

test('scores are clamped and ratios rounded', () => {
  assert.equal(Verdict.builder(10).points(7).points(7).passed(true).finish().score, 10);
  assert.equal(Verdict.builder(100).ratio(2, 3).passed(true).finish().score, 67);
  assert.equal(Verdict.builder(100).ratio(5, 0).finish().score, 0);
  assert.equal(Verdict.builder(100).ratio(9, 3).finish().score, 100);
  assert.equal(Verdict.builder(100).ratio(1n, 200n).finish().score, 1);
  assert.equal(Verdict.builder(500).fraction(0.999).finish().score, 499);
  assert.equal(Verdict.builder(500).fraction(1.5).finish().score, 500);
  assert.equal(Verdict.builder(500).fraction(NaN).finish().score, 0);
  assert.equal(Verdict.builder(500).fraction(0.3).finish().score, 150);
});

test('scores must be non-negative integers: anything else is the validator\'s bug', () => {
  assert.throws(() => Verdict.builder(10).score(2.5), ValidatorError);
  assert.throws(() => Verdict.builder(10).points(-1), ValidatorError);
  assert.throws(() => Verdict.builder(-3), ValidatorError);
});

test('explicit pass and feedback win', () => {
  let v = Verdict.builder(500).check('valid', true, 'ok').score(120).feedback('Route: 412 km.').finish();
  assert.equal(v.passed, true);
  assert.equal(v.score, 120);
  assert.equal(v.feedback, 'Route: 412 km.');
  v = Verdict.builder(5).check('a', true, '').passed(false).finish();
  assert.equal(v.passed, false);
  assert.equal(Verdict.pass(5, 'yes').score, 5);
  assert.equal(Verdict.fail(5, 'no').score, 0);
  assert.equal(Verdict.fail(5, 'no').feedback, 'no');
});

test('checkResult passes on a return and fails on a SubmissionError', () => {
  const v = Verdict.builder(1)
    .checkResult('a', () => 'fine')
    .checkResult('b', () => { throw new SubmissionError('broken'); })
    .finish();
  assert.equal(v.checks[0].passed, true);
  assert.equal(v.checks[0].message, 'fine');
  assert.equal(v.checks[1].passed, false);
  assert.equal(v.checks[1].message, 'broken');
  assert.throws(() => Verdict.builder(1).checkResult('c', () => { throw new TypeError('bug'); }), TypeError);
});

test('many checks are summarised', () => {
  const b = Verdict.builder(1);
  for (let i = 0; i < 100; i += 1) {
    b.check(`row ${i}`, i % 10 !== 0, '');
  }
  const v = b.finish();
  assert.equal(v.checks.length, MAX_SHOWN_CHECKS + 1);
  const last = v.checks.at(-1);
  assert.equal(last.passed, false);
  assert.equal(last.message, '… and 60 more checks not shown, 6 of them failed.');
  assert.equal(v.passed, false);
  assert.match(v.feedback, /10 of 100/);
});

test('judge turns SubmissionErrors into failed checks', () => {
  let v = judge(100, (b) => {
    b.scoredCheck('first', 10, true, 'ok');
    throw new SubmissionError('`x.csv` is missing');
  });
  assert.equal(v.passed, false);
  assert.equal(v.score, 10);
  assert.equal(v.checks.length, 2);
  assert.equal(v.checks[1].name, 'submission');
  assert.equal(v.feedback, '`x.csv` is missing');
  v = judge(100, (b) => {
    b.check('a', true, 'ok');
  });
  assert.equal(v.passed, true);
  assert.equal(v.score, 100);
  assert.deepEqual(testing.takeLogs(), []);
});

test('judge keeps only the first line of a long message as the feedback', () => {
  const v = judge(5, () => {
    throw new SubmissionError('line one\nline two');
  });
  assert.equal(v.feedback, 'line one');
  assert.equal(v.checks[0].message, 'line one\nline two');
});

test('judge lets other errors through as the validator\'s bug, and logs their stack', () => {
  assert.throws(
    () =>
      judge(100, () => {
        const report = JSON.parse('{}');
        return report.total.toFixed(2);
      }),
    TypeError,
  );
  const logs = testing.takeLogs();
  assert.equal(logs.length, 1);
  assert.equal(logs[0][0], 'error');
  assert.match(logs[0][1], /^judge: TypeError: .*\n\s+at /);
});

test('judge lets a ValidatorError through: the run is a validator error', () => {
  assert.throws(() => judge(1, () => { throw new ValidatorError('reference data is broken'); }), ValidatorError);
});

test('judge with an async function returns a promise of the verdict', async () => {
  const ok = judge(10, async (b) => {
    await null;
    b.check('a', true, 'ok');
  });
  assert.ok(ok instanceof Promise);
  assert.equal((await ok).score, 10);
  const failed = await judge(10, async (b) => {
    b.scoredCheck('a', 3, true, 'ok');
    await null;
    throw new SubmissionError('no answer');
  });
  assert.equal(failed.score, 3);
  assert.equal(failed.checks[1].message, 'no answer');
  await assert.rejects(judge(10, async () => { throw new ValidatorError('x'); }), ValidatorError);
});

test('finish resets the builder', () => {
  const b = Verdict.builder(3);
  b.check('a', false, '');
  b.finish();
  assert.equal(b.allChecksPassed(), true);
  assert.equal(b.currentScore(), 0);
});
