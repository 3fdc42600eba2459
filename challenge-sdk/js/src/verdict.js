// Building verdicts: pass/fail, partial credit and one check per success criterion.
//
// The rules `VerdictBuilder#finish` applies (the Rust SDK's, exactly), so a validator only
// states what it observed:
// - **passed** is what `passed(…)` said, or else "there is at least one check and every check
//   passed";
// - **score** is what `score`, `points`, `ratio`, `fraction` and `scoredCheck` made it,
//   clamped to the maximum; if none of them was used, the maximum for a pass and 0 for a fail;
// - **feedback** is what `feedback(…)` said, or else a one-line summary of the checks.

import { SubmissionError, ValidatorError } from './errors.js';
import { error as logError } from './log.js';

/**
 * At most this many checks are shown; the rest are summed up in one last check so a validator
 * that checks every row cannot flood the team's screen.
 */
export const MAX_SHOWN_CHECKS = 40;

const U32_MAX = 0xffff_ffff;

/**
 * One success criterion, shown to the team.
 * @typedef {{name: string, passed: boolean, message: string}} Check
 */

/** The verdict on one submission: the contract's `verdict` record. */
export class Verdict {
  /**
   * @param {{passed: boolean, score: number, maxScore: number, feedback: string,
   *   checks: Check[], notes: string}} fields
   */
  constructor({ passed, score, maxScore, feedback, checks, notes }) {
    /** Whether the submission passes. */
    this.passed = passed;
    /** Points earned, `0..=maxScore`. */
    this.score = score;
    /** The challenge's points. */
    this.maxScore = maxScore;
    /** Shown to the team. */
    this.feedback = feedback;
    /** @type {Check[]} one per criterion, shown to the team */
    this.checks = checks;
    /** Authors and organizers only. */
    this.notes = notes;
  }

  /**
   * Starts a verdict out of `maxScore` points.
   * @param {number} maxScore
   * @returns {VerdictBuilder}
   */
  static builder(maxScore) {
    return new VerdictBuilder(maxScore);
  }

  /**
   * A pass with full marks and this feedback.
   * @param {number} maxScore
   * @param {string} feedback
   */
  static pass(maxScore, feedback) {
    return Verdict.builder(maxScore).passed(true).feedback(feedback).finish();
  }

  /**
   * A fail with no points and this feedback.
   * @param {number} maxScore
   * @param {string} feedback
   */
  static fail(maxScore, feedback) {
    return Verdict.builder(maxScore).passed(false).feedback(feedback).finish();
  }

  /** @returns {Check[]} the checks that failed */
  failedChecks() {
    return this.checks.filter((c) => !c.passed);
  }
}

/**
 * Builds a `Verdict`; start with `Verdict.builder(maxScore)`. Every method but `finish`
 * returns the builder, so it works chained and step by step (as in `judge`).
 */
export class VerdictBuilder {
  /** @param {number} maxScore */
  constructor(maxScore) {
    this.#maxScore = points(maxScore, 'maxScore');
  }

  #maxScore;
  /** @type {Check[]} */
  #checks = [];
  #hiddenChecks = 0;
  #hiddenFailed = 0;
  #anyFailed = false;
  /** @type {number | undefined} */
  #score = undefined;
  /** @type {boolean | undefined} */
  #passed = undefined;
  /** @type {string[]} */
  #feedback = [];
  /** @type {string[]} */
  #notes = [];

  /**
   * Records one success criterion. `message` should tell the team what was expected and what
   * to change, e.g. "`sink.retention_days` must be 30 (got 365)".
   * @param {string} name
   * @param {boolean} passed
   * @param {string} message
   * @returns {this}
   */
  check(name, passed, message) {
    const ok = Boolean(passed);
    this.#anyFailed ||= !ok;
    if (this.#checks.length < MAX_SHOWN_CHECKS) {
      this.#checks.push({ name: String(name), passed: ok, message: String(message ?? '') });
    } else {
      this.#hiddenChecks += 1;
      this.#hiddenFailed += ok ? 0 : 1;
    }
    return this;
  }

  /**
   * Records a check built elsewhere, e.g. a failed request's `error.intoCheck("health")`.
   * @param {Check} check
   * @returns {this}
   */
  addCheck(check) {
    return this.check(check.name, check.passed, check.message);
  }

  /**
   * Records a passed check.
   * @param {string} name
   * @param {string} message
   * @returns {this}
   */
  passCheck(name, message) {
    return this.check(name, true, message);
  }

  /**
   * Records a failed check.
   * @param {string} name
   * @param {string} message
   * @returns {this}
   */
  failCheck(name, message) {
    return this.check(name, false, message);
  }

  /**
   * Records a check from a function: what it returns is the message of a pass; a
   * `SubmissionError` it throws fails the check with the error's message. Any other error
   * goes on up (to `judge`).
   *
   * ```js
   * v.checkResult("sink.kind", () => {
   *   if (kind !== "timeseries") throw new SubmissionError(`\`sink.kind\` must be …`);
   *   return "`sink.kind` = `timeseries`.";
   * });
   * ```
   * @param {string} name
   * @param {() => string} fn
   * @returns {this}
   */
  checkResult(name, fn) {
    let message;
    try {
      message = fn();
    } catch (error) {
      if (error instanceof SubmissionError) {
        return this.check(name, false, error.message);
      }
      throw error;
    }
    return this.check(name, true, message);
  }

  /**
   * Records a check worth `points`: they are added to the score when it passes.
   * @param {string} name
   * @param {number} worth
   * @param {boolean} passed
   * @param {string} message
   * @returns {this}
   */
  scoredCheck(name, worth, passed, message) {
    if (passed) {
      this.points(worth);
    } else {
      this.#score ??= 0;
    }
    return this.check(name, passed, message);
  }

  /**
   * Sets the score (clamped to the maximum when finished).
   * @param {number} score a non-negative integer
   * @returns {this}
   */
  score(score) {
    this.#score = points(score, 'score');
    return this;
  }

  /**
   * Adds `n` points to the score.
   * @param {number} n a non-negative integer
   * @returns {this}
   */
  points(n) {
    this.#score = (this.#score ?? 0) + points(n, 'points');
    return this;
  }

  /**
   * Sets the score to `numerator / denominator` of the maximum, rounded to the nearest point
   * (halves up); a zero denominator gives zero. Exact for any integers (numbers or bigints).
   * @param {number | bigint} numerator
   * @param {number | bigint} denominator
   * @returns {this}
   */
  ratio(numerator, denominator) {
    const den = toBigInt(denominator, 'denominator');
    if (den === 0n) {
      this.#score = 0;
      return this;
    }
    let num = toBigInt(numerator, 'numerator');
    num = num < den ? num : den;
    this.#score = Number((BigInt(this.#maxScore) * num * 2n + den) / (den * 2n));
    return this;
  }

  /**
   * Sets the score to `fraction` (0..1) of the maximum, rounded down, so that only a perfect
   * result earns full marks.
   * @param {number} fraction
   * @returns {this}
   */
  fraction(fraction) {
    const f = Number.isNaN(fraction) ? 0 : Math.min(1, Math.max(0, Number(fraction)));
    this.#score = Math.floor(this.#maxScore * f + 1e-9);
    return this;
  }

  /**
   * Decides pass or fail explicitly instead of "every check passed" (e.g. an optimisation
   * challenge passes any valid answer and lets the score rank quality).
   * @param {boolean} passed
   * @returns {this}
   */
  passed(passed) {
    this.#passed = Boolean(passed);
    return this;
  }

  /**
   * Adds a paragraph of feedback for the team.
   * @param {string} text
   * @returns {this}
   */
  feedback(text) {
    this.#feedback.push(String(text));
    return this;
  }

  /**
   * Adds a line to the private notes (authors and organizers only): reference values,
   * internal diagnostics, never something the team may see.
   * @param {string} text
   * @returns {this}
   */
  note(text) {
    this.#notes.push(String(text));
    return this;
  }

  /** @returns {number} the score so far, before clamping */
  currentScore() {
    return Math.min(this.#score ?? 0, U32_MAX);
  }

  /** @returns {boolean} whether every check recorded so far passed */
  allChecksPassed() {
    return !this.#anyFailed;
  }

  /** @returns {boolean} whether feedback was given */
  hasFeedback() {
    return this.#feedback.length > 0;
  }

  /**
   * Builds the verdict (see the module's rules) and resets the builder.
   * @returns {Verdict}
   */
  finish() {
    const checks = this.#checks;
    const checkCount = checks.length + this.#hiddenChecks;
    const failedCount = checks.filter((c) => !c.passed).length + this.#hiddenFailed;
    if (this.#hiddenChecks > 0) {
      const hidden = this.#hiddenChecks;
      const failed = this.#hiddenFailed;
      checks.push({
        name: 'more checks',
        passed: failed === 0,
        message: `… and ${hidden} more checks not shown, ${failed} of them failed.`,
      });
    }
    const passed = this.#passed ?? (checkCount > 0 && !this.#anyFailed);
    const maxScore = this.#maxScore;
    const score = this.#score !== undefined
      ? Math.min(this.#score, U32_MAX, maxScore)
      : passed ? maxScore : 0;
    const feedback = this.#feedback.length === 0
      ? defaultFeedback(passed, failedCount, checkCount)
      : this.#feedback.join('\n\n');
    const verdict = new Verdict({ passed, score, maxScore, feedback, checks, notes: this.#notes.join('\n') });
    this.#reset();
    return verdict;
  }

  #reset() {
    this.#checks = [];
    this.#hiddenChecks = 0;
    this.#hiddenFailed = 0;
    this.#anyFailed = false;
    this.#score = undefined;
    this.#passed = undefined;
    this.#feedback = [];
    this.#notes = [];
  }

  /**
   * Fails the verdict with `error`'s message (for `judge`).
   * @param {unknown} error
   * @returns {Verdict}
   */
  failWith(error) {
    const message = messageOf(error);
    this.#score ??= 0;
    this.check('submission', false, message).passed(false);
    if (this.#feedback.length === 0) {
      // The first line only: the check carries the whole message (e.g. a TOML error's
      // quoted source line).
      this.feedback(message.split('\n')[0]);
    }
    return this.finish();
  }
}

function defaultFeedback(passed, failed, checkCount) {
  if (checkCount === 0) {
    return passed ? 'Passed.' : 'Not passed.';
  }
  if (passed && failed === 0) {
    return `Passed: all ${checkCount} checks are green.`;
  }
  if (passed) {
    return `Passed, with ${failed} of ${checkCount} checks to improve.`;
  }
  return `Not yet: ${failed} of ${checkCount} checks failed; see below.`;
}

/**
 * Runs a judging function and turns what it throws into a failed verdict, so a validator can
 * let the SDK's readers (`s.text`, `s.json`, `s.toml`, `s.csv`, `s.endpoint`, `http.*`) throw:
 *
 * ```js
 * judge(100, (v) => {
 *   const text = s.text("answer.txt"); // a missing file becomes a failed check
 *   v.check("greeting", text.trim() === "hello", "Say `hello`.");
 * });
 * ```
 *
 * On an error the verdict fails; it keeps the checks recorded before the error and adds a
 * failed `submission` check carrying the error's message (whose first line also becomes the
 * feedback, unless feedback was given), and the score is what was earned before the error (0
 * if nothing was scored). That is for a `SubmissionError` (what the SDK's readers throw, and
 * an `HttpError`: the team's service failed): the team's to fix. Any other error (a
 * `TypeError` on data of an unexpected shape, a `ValidatorError`) is the validator's bug, as
 * a panic is in Rust and any other exception in Python: it is not caught, its stack is
 * logged, and the run ends as a validator error the authors see, never counted against the
 * team.
 *
 * `fn` may be `async` (to `await http.getJson(…)`): `judge` then returns a promise of the
 * verdict, which `validate` may return as is.
 *
 * @param {number} maxScore
 * @param {(v: VerdictBuilder) => void | Promise<void>} fn
 * @returns {Verdict | Promise<Verdict>}
 */
export function judge(maxScore, fn) {
  const builder = Verdict.builder(maxScore);
  let outcome;
  try {
    outcome = fn(builder);
  } catch (error) {
    return failWith(builder, error);
  }
  if (outcome && typeof outcome.then === 'function') {
    return Promise.resolve(outcome).then(
      () => builder.finish(),
      (error) => failWith(builder, error),
    );
  }
  return builder.finish();
}

function failWith(builder, error) {
  if (!(error instanceof SubmissionError)) {
    if (!(error instanceof ValidatorError)) {
      logError(`judge: ${describe(error)}`);
    }
    throw error;
  }
  return builder.failWith(error);
}

/** The message of anything thrown. */
export function messageOf(error) {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** Name, message and stack of anything thrown, for the log. */
export function describe(error) {
  if (!(error instanceof Error)) {
    return `threw ${String(error)}`;
  }
  const stack = typeof error.stack === 'string' ? error.stack.trimEnd() : '';
  const head = `${error.name}: ${error.message}`;
  // V8 repeats the message at the top of the stack; SpiderMonkey lists frames only.
  return stack.startsWith(head) ? stack : stack ? `${head}\n${stack}` : head;
}

function points(value, what) {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ValidatorError(`${what} must be a non-negative integer, got ${value}`);
  }
  return Math.min(value, U32_MAX);
}

function toBigInt(value, what) {
  if (typeof value === 'bigint' ? value >= 0n : Number.isSafeInteger(value) && value >= 0) {
    return BigInt(value);
  }
  throw new ValidatorError(`ratio: the ${what} must be a non-negative integer, got ${value}`);
}
