// The two kinds of error a validator throws: the team's and the author's.
//
// - `SubmissionError`: a problem with the submission, worded for the team ("`report.json` is
//   missing"). The SDK's readers throw it; `judge` turns it into a failed check.
// - `ValidatorError`: the validator's own bug or a malformed setting (the Rust SDK panics
//   there). `judge` lets it through, so the run ends as a *validator error*: recorded for the
//   authors, never counted against the team.

/**
 * A problem with a submission, worded for the team: what is wrong and what to change. `judge`
 * turns it into a failed `submission` check carrying this message.
 */
export class SubmissionError extends Error {
  /** @param {string} message shown to the team as is */
  constructor(message) {
    super(message);
    this.name = 'SubmissionError';
  }

  /**
   * The same error with where it happened in front: `context("pipeline.toml")` turns
   * "bad value" into "pipeline.toml: bad value".
   * @param {string} where
   * @returns {SubmissionError}
   */
  context(where) {
    return new SubmissionError(`${where}: ${this.message}`);
  }
}

/**
 * The validator's fault, never the team's: a malformed `[config]` value, reference data that
 * cannot be, a request the sandbox refuses. `judge` does not catch it: the run ends as a
 * validator error, recorded for the authors.
 */
export class ValidatorError extends Error {
  /** @param {string} message for the authors */
  constructor(message) {
    super(message);
    this.name = 'ValidatorError';
  }
}
