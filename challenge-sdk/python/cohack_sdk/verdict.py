"""Building verdicts: pass/fail, partial credit and one check per success criterion.

The rules `VerdictBuilder.finish` applies, so a validator only states what it observed:
- **passed** is what `passed(...)` said, or else "there is at least one check and every
  check passed";
- **score** is what `score`, `points`, `ratio`, `fraction` and `scored_check` made it,
  clamped to the maximum; if none of them was used, the maximum for a pass and 0 for a fail;
- **feedback** is what `feedback` said, or else a one-line summary of the checks.

These are the Rust SDK's rules, word for word, so a challenge gets the same verdicts in
either language.
"""

import functools
import math
from typing import Callable, Iterator, List, Optional

from ._wit import Check, Verdict
from .errors import Error

__all__ = ["MAX_SHOWN_CHECKS", "VerdictBuilder", "fail_verdict", "failed_checks", "judge", "pass_verdict"]

#: At most this many checks are shown; the rest are summed up in one last check so a
#: validator that checks every row cannot flood the team's screen.
MAX_SHOWN_CHECKS = 40


class VerdictBuilder:
    """Builds a `Verdict` out of `max_score` points. Every method returns the builder, so
    calls chain: `VerdictBuilder(10).check("a", True, "ok").finish()`."""

    def __init__(self, max_score: int):
        self.max_score = max_score
        self._reset()

    def _reset(self) -> None:
        self._checks: List[Check] = []
        self._hidden_checks = 0
        self._hidden_failed = 0
        self._any_failed = False
        self._score: Optional[int] = None
        self._passed: Optional[bool] = None
        self._feedback: List[str] = []
        self._notes: List[str] = []

    def check(self, name: str, passed: bool, message: str = "") -> "VerdictBuilder":
        """Records one success criterion. `message` should tell the team what was expected
        and what to change, e.g. "`sink.retention_days` must be 30 (got 365)"."""
        passed = bool(passed)
        self._any_failed |= not passed
        if len(self._checks) < MAX_SHOWN_CHECKS:
            self._checks.append(Check(str(name), passed, str(message)))
        else:
            self._hidden_checks += 1
            self._hidden_failed += int(not passed)
        return self

    def add_check(self, check: Check) -> "VerdictBuilder":
        """Records a check built elsewhere."""
        return self.check(check.name, check.passed, check.message)

    def pass_check(self, name: str, message: str = "") -> "VerdictBuilder":
        """Records a passed check."""
        return self.check(name, True, message)

    def fail_check(self, name: str, message: str = "") -> "VerdictBuilder":
        """Records a failed check."""
        return self.check(name, False, message)

    def scored_check(
        self, name: str, points: int, passed: bool, message: str = ""
    ) -> "VerdictBuilder":
        """Records a check worth `points`: they are added to the score when it passes."""
        if passed:
            self.points(points)
        elif self._score is None:
            self._score = 0
        return self.check(name, passed, message)

    def score(self, score: int) -> "VerdictBuilder":
        """Sets the score (clamped to the maximum when finished)."""
        self._score = max(0, int(score))
        return self

    def points(self, points: int) -> "VerdictBuilder":
        """Adds `points` to the score."""
        self._score = (self._score or 0) + max(0, int(points))
        return self

    def ratio(self, numerator: int, denominator: int) -> "VerdictBuilder":
        """Sets the score to `numerator / denominator` of the maximum, rounded to the nearest
        point; a zero denominator gives zero."""
        if denominator <= 0:
            self._score = 0
        else:
            numerator = min(max(0, numerator), denominator)
            self._score = (self.max_score * numerator * 2 + denominator) // (denominator * 2)
        return self

    def fraction(self, fraction: float) -> "VerdictBuilder":
        """Sets the score to `fraction` (0.0 to 1.0) of the maximum, rounded down, so that
        only a perfect result earns full marks."""
        fraction = 0.0 if math.isnan(fraction) else min(max(fraction, 0.0), 1.0)
        self._score = math.floor(self.max_score * fraction + 1e-9)
        return self

    def passed(self, passed: bool) -> "VerdictBuilder":
        """Decides pass or fail explicitly instead of "every check passed" (an optimisation
        challenge passes any valid answer and lets the score rank quality)."""
        self._passed = bool(passed)
        return self

    def feedback(self, text: str) -> "VerdictBuilder":
        """Adds a paragraph of feedback for the team."""
        self._feedback.append(str(text))
        return self

    def note(self, text: str) -> "VerdictBuilder":
        """Adds a line to the private notes (authors and organizers only): reference values,
        internal diagnostics, never something the team may see."""
        self._notes.append(str(text))
        return self

    def current_score(self) -> int:
        """The score so far, before clamping."""
        return self._score or 0

    def all_checks_passed(self) -> bool:
        """Whether every check recorded so far passed."""
        return not self._any_failed

    def finish(self) -> Verdict:
        """Builds the verdict (see the module's rules) and resets the builder."""
        checks = list(self._checks)
        check_count = len(checks) + self._hidden_checks
        failed_count = sum(1 for c in checks if not c.passed) + self._hidden_failed
        if self._hidden_checks:
            hidden, failed = self._hidden_checks, self._hidden_failed
            checks.append(
                Check(
                    "more checks",
                    failed == 0,
                    f"… and {hidden} more checks not shown, {failed} of them failed.",
                )
            )
        passed = self._passed if self._passed is not None else check_count > 0 and not self._any_failed
        if self._score is not None:
            score = min(self._score, self.max_score)
        else:
            score = self.max_score if passed else 0
        if self._feedback:
            feedback = "\n\n".join(self._feedback)
        else:
            feedback = _default_feedback(passed, failed_count, check_count)
        verdict = Verdict(
            passed=passed,
            score=score,
            max_score=self.max_score,
            feedback=feedback,
            checks=checks,
            notes="\n".join(self._notes),
        )
        self._reset()
        return verdict

    def _fail_with(self, error: Error) -> Verdict:
        if self._score is None:
            self._score = 0
        self.check("submission", False, error.message).passed(False)
        if not self._feedback:
            # The first line only: the check carries the whole message.
            self.feedback(error.message.split("\n", 1)[0])
        return self.finish()


def _default_feedback(passed: bool, failed: int, check_count: int) -> str:
    if check_count == 0:
        return "Passed." if passed else "Not passed."
    if passed and failed == 0:
        return f"Passed: all {check_count} checks are green."
    if passed:
        return f"Passed, with {failed} of {check_count} checks to improve."
    return f"Not yet: {failed} of {check_count} checks failed; see below."


def pass_verdict(max_score: int, feedback: str) -> Verdict:
    """A pass with full marks and this feedback."""
    return VerdictBuilder(max_score).passed(True).feedback(feedback).finish()


def fail_verdict(max_score: int, feedback: str) -> Verdict:
    """A fail with no points and this feedback."""
    return VerdictBuilder(max_score).passed(False).feedback(feedback).finish()


def failed_checks(verdict: Verdict) -> Iterator[Check]:
    """The checks of `verdict` that failed."""
    return (c for c in verdict.checks if not c.passed)


def judge(max_score: int) -> Callable[[Callable[..., None]], Callable[..., Verdict]]:
    """Decorates `validate(submission, v)`, which records checks on the `VerdictBuilder` `v`,
    into `validate(submission) -> Verdict`:

        @judge(100)
        def validate(s: Submission, v: VerdictBuilder) -> None:
            text = s.text("answer.txt")   # a missing file raises Error: a failed check
            v.check("greeting", text.strip() == "hello", "Say `hello`.")

    An `Error` raised inside (by the SDK's file and parsing helpers, or by the validator)
    fails the verdict: it keeps the checks recorded before the error and adds a failed
    `submission` check carrying the error's message (whose first line also becomes the
    feedback, unless feedback was given), and the score is what was earned before the error
    (0 if nothing was scored). Any other exception is the validator's bug: it propagates, and
    the run ends as a validator error with its traceback in the log.
    """

    def decorate(body: Callable[..., None]) -> Callable[..., Verdict]:
        @functools.wraps(body)
        def validate(submission, *args, **kwargs) -> Verdict:
            v = VerdictBuilder(max_score)
            try:
                body(submission, v, *args, **kwargs)
            except Error as error:
                return v._fail_with(error)
            return v.finish()

        return validate

    return decorate
