// The entry points the server calls, `validate` and `materials` (the world's exports), made
// from the author's functions: the contract's records in, the SDK's types to the author, and
// back.

import { ValidatorError } from './errors.js';
import { File, Submission } from './submission.js';
import { Verdict } from './verdict.js';

/**
 * A challenge's validator: the component's two exports, made from the author's functions.
 *
 * ```js
 * export const { validate, materials } = validator({
 *   validate(submission) { return judge(100, (v) => { … }); },
 *   materials(team) { return [new File('events.csv', generate(team))]; }, // optional
 * });
 * ```
 *
 * The module must export both names (the world's exports); componentize-js calls them with
 * the contract's records, which `validator` turns into a `Submission`, and back.
 *
 * `validate` judges one submission (a `Submission`) and returns a `Verdict`, or a promise of
 * one (an `async` validate, to `await http.getJson(…)`). It runs for every submission, so it
 * must be deterministic: the same submission always gets the same verdict. Whatever it
 * throws, or a value that is not a `Verdict`, ends the run as a *validator error*: reported to
 * the authors, never counted against the team. Use `judge` to turn the team's mistakes into
 * failed checks instead.
 *
 * `materials` returns the files a team starts from (`File`s, or `{path, content}` with
 * string or byte content), derived from its opaque, stable team id (see `TeamRng`); the
 * default is none.
 *
 * @param {{validate: (s: Submission) => Verdict | Promise<Verdict>,
 *   materials?: (team: string) => Array<File | {path: string, content: string | Uint8Array}>
 *     | Promise<Array<File | {path: string, content: string | Uint8Array}>>}} spec
 * @returns {{validate: Function, materials: Function}}
 */
export function validator(spec) {
  if (typeof spec?.validate !== 'function') {
    throw new TypeError('validator({ validate(submission) { … } }): `validate` must be a function');
  }
  if (spec.materials !== undefined && typeof spec.materials !== 'function') {
    throw new TypeError('validator({ materials(team) { … } }): `materials` must be a function');
  }
  return {
    /** @param {object} record the contract's `submission` */
    validate(record) {
      const submission = record instanceof Submission ? record : Submission.fromRecord(record);
      return then(spec.validate(submission), toVerdictRecord);
    },
    /** @param {string} team */
    materials(team) {
      if (!spec.materials) {
        return [];
      }
      return then(spec.materials(String(team)), toFileRecords);
    },
  };
}

function then(value, convert) {
  return value && typeof value.then === 'function' ? Promise.resolve(value).then(convert) : convert(value);
}

/** The contract's `verdict` record, from what `validate` returned. */
function toVerdictRecord(verdict) {
  if (!(verdict instanceof Verdict)) {
    const hint = verdict && typeof verdict.finish === 'function'
      ? ': call `.finish()` on the builder'
      : '; build one with `Verdict.builder(points)…finish()` or `judge(points, (v) => { … })`';
    throw new ValidatorError(`validate must return a Verdict, got ${describeValue(verdict)}${hint}`);
  }
  return {
    passed: verdict.passed,
    score: verdict.score,
    maxScore: verdict.maxScore,
    feedback: verdict.feedback,
    checks: verdict.checks.map((c) => ({ name: c.name, passed: c.passed, message: c.message })),
    notes: verdict.notes,
  };
}

/** The contract's `list<file>`, from what `materials` returned. */
function toFileRecords(files) {
  if (!Array.isArray(files)) {
    throw new ValidatorError(`materials must return an array of files, got ${describeValue(files)}`);
  }
  return files.map((f) => {
    const file = f instanceof File ? f : new File(f?.path, f?.content ?? '');
    return { path: file.path, content: file.content };
  });
}

function describeValue(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return typeof value;
}
