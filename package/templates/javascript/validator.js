// The validator: judges every submission, in the cohack sandbox. (A minimal placeholder
// written against the contract directly, until the template using @cohack/sdk lands.)
import { config } from 'cohack:validator/host@0.2.0';

// The challenge's points: must match `points` in challenge.toml.
const POINTS = 100;

export function validate(submission) {
  const checks = [];
  const file = submission.files.find((f) => f.path === 'hello.txt');
  if (!file) {
    checks.push({ name: 'submission', passed: false, message: '`hello.txt` is missing from the submission.' });
  } else {
    const greeting = new TextDecoder().decode(file.content).trim();
    const greeted = greeting === 'hello, telemetry';
    checks.push({
      name: 'greeting',
      passed: greeted,
      message: greeted ? '`hello.txt` says hello.' : `\`hello.txt\` must contain \`hello, telemetry\`, not \`${greeting}\`.`,
    });
    const expected = config('answer') ?? '42';
    const right = submission.answer.trim() === expected;
    checks.push({ name: 'answer', passed: right, message: right ? 'Right.' : 'Not the answer we expected.' });
  }
  const passed = checks.every((c) => c.passed);
  const failed = checks.filter((c) => !c.passed).length;
  return {
    passed,
    score: passed ? POINTS : 0,
    maxScore: POINTS,
    feedback: passed ? `Passed: all ${checks.length} checks are green.` : `Not yet: ${failed} of ${checks.length} checks failed; see below.`,
    checks,
    notes: '',
  };
}

export function materials(team) {
  return [];
}
