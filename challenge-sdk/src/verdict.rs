//! Building verdicts: pass/fail, partial credit and one [`Check`] per success criterion.
//!
//! The rules [`VerdictBuilder::finish`] applies, so a validator only states what it observed:
//! - **passed** is what [`VerdictBuilder::passed`] said, or else "there is at least one check
//!   and every check passed";
//! - **score** is what [`score`](VerdictBuilder::score), [`points`](VerdictBuilder::points),
//!   [`ratio`](VerdictBuilder::ratio) and [`scored_check`](VerdictBuilder::scored_check) made
//!   it, clamped to `max`; if none of them was used, `max` for a pass and `0` for a fail;
//! - **feedback** is what [`feedback`](VerdictBuilder::feedback) said, or else a one-line
//!   summary of the checks.

use crate::{Check, Error, Result, Verdict};

/// At most this many checks are shown; the rest are summed up in one last check so a
/// validator that checks every row cannot flood the team's screen.
pub const MAX_SHOWN_CHECKS: usize = 40;

/// Builds a [`Verdict`]; start with [`Verdict::builder`]. Methods take `&mut self` so it works
/// both chained (`Verdict::builder(10).check(..).finish()`) and step by step (`let mut v = ..;
/// v.check(..); v.finish()`), as in [`judge`].
#[derive(Debug, Clone, Default)]
pub struct VerdictBuilder {
    max_score: u32,
    checks: Vec<Check>,
    hidden_checks: u32,
    hidden_failed: u32,
    any_failed: bool,
    score: Option<u64>,
    passed: Option<bool>,
    feedback: Vec<String>,
    notes: Vec<String>,
}

impl Verdict {
    /// Starts a verdict out of `max_score` points.
    pub fn builder(max_score: u32) -> VerdictBuilder {
        VerdictBuilder {
            max_score,
            ..VerdictBuilder::default()
        }
    }

    /// A pass with full marks and this feedback.
    pub fn pass(max_score: u32, feedback: impl Into<String>) -> Self {
        Self::builder(max_score)
            .passed(true)
            .feedback(feedback)
            .finish()
    }

    /// A fail with no points and this feedback.
    pub fn fail(max_score: u32, feedback: impl Into<String>) -> Self {
        Self::builder(max_score)
            .passed(false)
            .feedback(feedback)
            .finish()
    }

    /// The checks that failed.
    pub fn failed_checks(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed)
    }
}

impl VerdictBuilder {
    /// Records one success criterion. `message` should tell the team what was expected and
    /// what to change, e.g. "`sink.retention_days` must be 30 (got 365)".
    pub fn check(
        &mut self,
        name: impl Into<String>,
        passed: bool,
        message: impl Into<String>,
    ) -> &mut Self {
        self.any_failed |= !passed;
        if self.checks.len() < MAX_SHOWN_CHECKS {
            self.checks.push(Check {
                name: name.into(),
                passed,
                message: message.into(),
            });
        } else {
            self.hidden_checks += 1;
            self.hidden_failed += u32::from(!passed);
        }
        self
    }

    /// Records a check built elsewhere, e.g. a failed request's
    /// [`HttpError::into_check`](crate::http::HttpError::into_check).
    pub fn add_check(&mut self, check: Check) -> &mut Self {
        self.check(check.name, check.passed, check.message)
    }

    /// Records a passed check.
    pub fn pass_check(&mut self, name: impl Into<String>, message: impl Into<String>) -> &mut Self {
        self.check(name, true, message)
    }

    /// Records a failed check.
    pub fn fail_check(&mut self, name: impl Into<String>, message: impl Into<String>) -> &mut Self {
        self.check(name, false, message)
    }

    /// Records a check from a result: `Ok(message)` passes, `Err(message)` fails.
    pub fn check_result<M: Into<String>, E: std::fmt::Display>(
        &mut self,
        name: impl Into<String>,
        result: std::result::Result<M, E>,
    ) -> &mut Self {
        match result {
            Ok(message) => self.check(name, true, message),
            Err(e) => self.check(name, false, e.to_string()),
        }
    }

    /// Records a check worth `points`: they are added to the score when it passes.
    pub fn scored_check(
        &mut self,
        name: impl Into<String>,
        points: u32,
        passed: bool,
        message: impl Into<String>,
    ) -> &mut Self {
        if passed {
            self.points(points);
        } else {
            self.score.get_or_insert(0);
        }
        self.check(name, passed, message)
    }

    /// Sets the score (clamped to the maximum when finished).
    pub fn score(&mut self, score: u32) -> &mut Self {
        self.score = Some(u64::from(score));
        self
    }

    /// Adds `points` to the score.
    pub fn points(&mut self, points: u32) -> &mut Self {
        *self.score.get_or_insert(0) += u64::from(points);
        self
    }

    /// Sets the score to `numerator / denominator` of the maximum, rounded to the nearest
    /// point; a zero denominator gives zero.
    pub fn ratio(&mut self, numerator: u64, denominator: u64) -> &mut Self {
        let score = if denominator == 0 {
            0
        } else {
            let numerator = numerator.min(denominator);
            (u64::from(self.max_score) * numerator * 2 + denominator) / (denominator * 2)
        };
        self.score = Some(score);
        self
    }

    /// Sets the score to `fraction` (0.0..=1.0) of the maximum, rounded down, so that only a
    /// perfect result earns full marks.
    pub fn fraction(&mut self, fraction: f64) -> &mut Self {
        let fraction = if fraction.is_nan() {
            0.0
        } else {
            fraction.clamp(0.0, 1.0)
        };
        // Within 0..=max_score: the cast cannot truncate.
        let score = (f64::from(self.max_score) * fraction + 1e-9).floor() as u64;
        self.score = Some(score);
        self
    }

    /// Decides pass or fail explicitly instead of "every check passed" (e.g. an optimisation
    /// challenge passes any valid answer and lets the score rank quality).
    pub fn passed(&mut self, passed: bool) -> &mut Self {
        self.passed = Some(passed);
        self
    }

    /// Adds a paragraph of feedback for the team.
    pub fn feedback(&mut self, text: impl Into<String>) -> &mut Self {
        self.feedback.push(text.into());
        self
    }

    /// Adds a line to the private notes (authors and organizers only): reference values,
    /// internal diagnostics, never something the team may see.
    pub fn note(&mut self, text: impl Into<String>) -> &mut Self {
        self.notes.push(text.into());
        self
    }

    /// The score so far, before clamping.
    pub fn current_score(&self) -> u32 {
        u32::try_from(self.score.unwrap_or(0)).unwrap_or(u32::MAX)
    }

    /// Whether every check recorded so far passed.
    pub fn all_checks_passed(&self) -> bool {
        !self.any_failed
    }

    /// Builds the verdict (see the module docs for the rules) and resets the builder.
    pub fn finish(&mut self) -> Verdict {
        let mut this = std::mem::take(self);
        let check_count = this.checks.len() + this.hidden_checks as usize;
        let failed_count =
            this.checks.iter().filter(|c| !c.passed).count() + this.hidden_failed as usize;
        if this.hidden_checks > 0 {
            let (hidden, failed) = (this.hidden_checks, this.hidden_failed);
            this.checks.push(Check {
                name: "more checks".into(),
                passed: failed == 0,
                message: format!("… and {hidden} more checks not shown, {failed} of them failed."),
            });
        }
        let passed = this.passed.unwrap_or(check_count > 0 && !this.any_failed);
        let score = match this.score {
            Some(score) => u32::try_from(score).unwrap_or(u32::MAX).min(this.max_score),
            None if passed => this.max_score,
            None => 0,
        };
        let feedback = if this.feedback.is_empty() {
            default_feedback(passed, failed_count, check_count)
        } else {
            this.feedback.join("\n\n")
        };
        Verdict {
            passed,
            score,
            max_score: this.max_score,
            feedback,
            checks: this.checks,
            notes: this.notes.join("\n"),
        }
    }
}

fn default_feedback(passed: bool, failed: usize, check_count: usize) -> String {
    match (passed, check_count) {
        (true, 0) => "Passed.".into(),
        (false, 0) => "Not passed.".into(),
        (true, _) if failed == 0 => format!("Passed: all {check_count} checks are green."),
        (true, _) => format!("Passed, with {failed} of {check_count} checks to improve."),
        (false, _) => format!("Not yet: {failed} of {check_count} checks failed; see below."),
    }
}

/// Runs a judging closure and turns an [`Error`] into a failed verdict, so validators can use
/// `?` on the SDK's file and parsing helpers:
///
/// ```
/// use challenge_sdk::prelude::*;
///
/// fn validate(s: Submission) -> Verdict {
///     judge(100, |v| {
///         let text = s.text("answer.txt")?; // a missing file becomes a failed check
///         v.check("greeting", text.trim() == "hello", "Say `hello`.");
///         Ok(())
///     })
/// }
/// let v = validate(Submission::new("hello", "team-1"));
/// assert!(!v.passed);
/// assert_eq!(v.checks[0].name, "submission");
/// ```
///
/// On an error the verdict fails; it keeps the checks recorded before the error and adds a
/// failed `submission` check carrying the error's message (whose first line also becomes the
/// feedback, unless feedback was given), and the score is what was earned before the error (0
/// if nothing was scored).
pub fn judge(max_score: u32, f: impl FnOnce(&mut VerdictBuilder) -> Result<()>) -> Verdict {
    let mut builder = Verdict::builder(max_score);
    match f(&mut builder) {
        Ok(()) => builder.finish(),
        Err(error) => fail_with(&mut builder, &error),
    }
}

fn fail_with(builder: &mut VerdictBuilder, error: &Error) -> Verdict {
    builder.score.get_or_insert(0);
    builder
        .check("submission", false, error.message())
        .passed(false);
    if builder.feedback.is_empty() {
        // The first line only: the check below carries the whole message (e.g. a TOML
        // error's quoted source line).
        let first_line = error.message().lines().next().unwrap_or_default();
        builder.feedback(first_line);
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_checks_green_passes_with_full_marks() {
        let v = Verdict::builder(100)
            .check("a", true, "ok")
            .check("b", true, "ok")
            .note("ref=1")
            .note("x")
            .finish();
        assert!(v.passed);
        assert_eq!(v.score, 100);
        assert_eq!(v.max_score, 100);
        assert_eq!(v.feedback, "Passed: all 2 checks are green.");
        assert_eq!(v.notes, "ref=1\nx");
    }

    #[test]
    fn one_red_check_fails_with_zero() {
        let v = Verdict::builder(100)
            .pass_check("a", "ok")
            .fail_check("b", "fix b")
            .finish();
        assert!(!v.passed);
        assert_eq!(v.score, 0);
        assert_eq!(
            v.failed_checks()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["b"]
        );
        assert_eq!(v.feedback, "Not yet: 1 of 2 checks failed; see below.");
    }

    #[test]
    fn no_checks_is_not_a_pass() {
        assert!(!Verdict::builder(10).finish().passed);
    }

    #[test]
    fn scored_checks_give_partial_credit() {
        let v = Verdict::builder(300)
            .scored_check("header", 100, true, "ok")
            .scored_check("rows", 100, false, "2 rows missing")
            .scored_check("sorted", 100, true, "ok")
            .finish();
        assert!(!v.passed);
        assert_eq!(v.score, 200);
        let none = Verdict::builder(300)
            .scored_check("x", 100, false, "no")
            .finish();
        assert_eq!(none.score, 0);
    }

    #[test]
    fn scores_are_clamped_and_ratios_rounded() {
        assert_eq!(
            Verdict::builder(10)
                .points(7)
                .points(7)
                .passed(true)
                .finish()
                .score,
            10
        );
        assert_eq!(
            Verdict::builder(100)
                .ratio(2, 3)
                .passed(true)
                .finish()
                .score,
            67
        );
        assert_eq!(Verdict::builder(100).ratio(5, 0).finish().score, 0);
        assert_eq!(Verdict::builder(100).ratio(9, 3).finish().score, 100);
        assert_eq!(Verdict::builder(500).fraction(0.999).finish().score, 499);
        assert_eq!(Verdict::builder(500).fraction(1.5).finish().score, 500);
        assert_eq!(Verdict::builder(500).fraction(f64::NAN).finish().score, 0);
        assert_eq!(Verdict::builder(500).fraction(0.3).finish().score, 150);
    }

    #[test]
    fn explicit_pass_and_feedback_win() {
        let v = Verdict::builder(500)
            .check("valid", true, "ok")
            .score(120)
            .feedback("Route: 412 km.")
            .finish();
        assert!(v.passed);
        assert_eq!(v.score, 120);
        assert_eq!(v.feedback, "Route: 412 km.");
        let v = Verdict::builder(5)
            .check("a", true, "")
            .passed(false)
            .finish();
        assert!(!v.passed);
        assert_eq!(Verdict::pass(5, "yes").score, 5);
        assert_eq!(Verdict::fail(5, "no").score, 0);
    }

    #[test]
    fn check_result_maps_ok_and_err() {
        let ok: std::result::Result<&str, String> = Ok("fine");
        let err: std::result::Result<&str, String> = Err("broken".into());
        let v = Verdict::builder(1)
            .check_result("a", ok)
            .check_result("b", err)
            .finish();
        assert!(v.checks[0].passed && !v.checks[1].passed);
        assert_eq!(v.checks[1].message, "broken");
    }

    #[test]
    fn many_checks_are_summarised() {
        let mut b = Verdict::builder(1);
        for i in 0..100 {
            b.check(format!("row {i}"), i % 10 != 0, "");
        }
        let v = b.finish();
        assert_eq!(v.checks.len(), MAX_SHOWN_CHECKS + 1);
        let last = v.checks.last().unwrap();
        assert!(!last.passed);
        assert_eq!(
            last.message,
            "… and 60 more checks not shown, 6 of them failed."
        );
        assert!(!v.passed);
        assert!(v.feedback.contains("10 of 100"), "{}", v.feedback);
    }

    #[test]
    fn judge_turns_errors_into_failed_checks() {
        let v = judge(100, |v| {
            v.scored_check("first", 10, true, "ok");
            Err(Error::new("`x.csv` is missing"))
        });
        assert!(!v.passed);
        assert_eq!(v.score, 10);
        assert_eq!(v.checks.len(), 2);
        assert_eq!(v.checks[1].name, "submission");
        assert_eq!(v.feedback, "`x.csv` is missing");
        let v = judge(100, |v| {
            v.check("a", true, "ok");
            Ok(())
        });
        assert!(v.passed);
        assert_eq!(v.score, 100);
    }

    #[test]
    fn finish_resets_the_builder() {
        let mut b = Verdict::builder(3);
        b.check("a", false, "");
        let _ = b.finish();
        assert!(b.all_checks_passed());
        assert_eq!(b.current_score(), 0);
    }
}
