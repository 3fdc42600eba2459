"""The verdict rules, as the Rust SDK's tests state them."""

import unittest

from cohack_sdk import (
    MAX_SHOWN_CHECKS,
    Error,
    Submission,
    Verdict,
    VerdictBuilder,
    fail_verdict,
    failed_checks,
    judge,
    pass_verdict,
)


class VerdictRules(unittest.TestCase):
    def test_all_checks_green_passes_with_full_marks(self):
        v = (
            VerdictBuilder(100)
            .check("a", True, "ok")
            .check("b", True, "ok")
            .note("ref=1")
            .note("x")
            .finish()
        )
        self.assertIsInstance(v, Verdict)
        self.assertTrue(v.passed)
        self.assertEqual((v.score, v.max_score), (100, 100))
        self.assertEqual(v.feedback, "Passed: all 2 checks are green.")
        self.assertEqual(v.notes, "ref=1\nx")

    def test_one_red_check_fails_with_zero(self):
        v = VerdictBuilder(100).pass_check("a", "ok").fail_check("b", "fix b").finish()
        self.assertFalse(v.passed)
        self.assertEqual(v.score, 0)
        self.assertEqual([c.name for c in failed_checks(v)], ["b"])
        self.assertEqual(v.feedback, "Not yet: 1 of 2 checks failed; see below.")

    def test_no_checks_is_not_a_pass(self):
        self.assertFalse(VerdictBuilder(10).finish().passed)

    def test_scored_checks_give_partial_credit(self):
        v = (
            VerdictBuilder(300)
            .scored_check("header", 100, True, "ok")
            .scored_check("rows", 100, False, "2 rows missing")
            .scored_check("sorted", 100, True, "ok")
            .finish()
        )
        self.assertFalse(v.passed)
        self.assertEqual(v.score, 200)
        self.assertEqual(VerdictBuilder(300).scored_check("x", 100, False, "no").finish().score, 0)

    def test_scores_are_clamped_and_ratios_rounded(self):
        self.assertEqual(VerdictBuilder(10).points(7).points(7).passed(True).finish().score, 10)
        self.assertEqual(VerdictBuilder(100).ratio(2, 3).passed(True).finish().score, 67)
        self.assertEqual(VerdictBuilder(100).ratio(5, 0).finish().score, 0)
        self.assertEqual(VerdictBuilder(100).ratio(9, 3).finish().score, 100)
        self.assertEqual(VerdictBuilder(500).fraction(0.999).finish().score, 499)
        self.assertEqual(VerdictBuilder(500).fraction(1.5).finish().score, 500)
        self.assertEqual(VerdictBuilder(500).fraction(float("nan")).finish().score, 0)
        self.assertEqual(VerdictBuilder(500).fraction(0.3).finish().score, 150)

    def test_explicit_pass_and_feedback_win(self):
        v = (
            VerdictBuilder(500)
            .check("valid", True, "ok")
            .score(120)
            .feedback("Route: 412 km.")
            .finish()
        )
        self.assertTrue(v.passed)
        self.assertEqual(v.score, 120)
        self.assertEqual(v.feedback, "Route: 412 km.")
        self.assertFalse(VerdictBuilder(5).check("a", True).passed(False).finish().passed)
        self.assertEqual(pass_verdict(5, "yes").score, 5)
        self.assertEqual(fail_verdict(5, "no").score, 0)

    def test_many_checks_are_summarised(self):
        b = VerdictBuilder(1)
        for i in range(100):
            b.check(f"row {i}", i % 10 != 0, "")
        v = b.finish()
        self.assertEqual(len(v.checks), MAX_SHOWN_CHECKS + 1)
        last = v.checks[-1]
        self.assertFalse(last.passed)
        self.assertEqual(last.message, "… and 60 more checks not shown, 6 of them failed.")
        self.assertFalse(v.passed)
        self.assertIn("10 of 100", v.feedback)

    def test_finish_resets_the_builder(self):
        b = VerdictBuilder(3)
        b.check("a", False)
        b.finish()
        self.assertTrue(b.all_checks_passed())
        self.assertEqual(b.current_score(), 0)


class Judge(unittest.TestCase):
    def test_errors_become_a_failed_submission_check(self):
        @judge(100)
        def validate(s, v):
            v.scored_check("first", 10, True, "ok")
            raise Error("`x.csv` is missing\nmore detail")

        v = validate(Submission("c", "t"))
        self.assertFalse(v.passed)
        self.assertEqual(v.score, 10)
        self.assertEqual([c.name for c in v.checks], ["first", "submission"])
        self.assertEqual(v.checks[1].message, "`x.csv` is missing\nmore detail")
        self.assertEqual(v.feedback, "`x.csv` is missing")

    def test_a_clean_run_finishes_the_verdict(self):
        @judge(100)
        def validate(s, v):
            v.check("a", True, "ok")

        v = validate(Submission("c", "t"))
        self.assertTrue(v.passed)
        self.assertEqual(v.score, 100)

    def test_other_exceptions_are_the_validators_bugs(self):
        @judge(100)
        def validate(s, v):
            raise KeyError("oops")

        with self.assertRaises(KeyError):
            validate(Submission("c", "t"))

    def test_a_missing_file_through_judge(self):
        @judge(100)
        def validate(s, v):
            text = s.text("answer.txt")
            v.check("greeting", text.strip() == "hello", "Say `hello`.")

        v = validate(Submission("hello", "team-1"))
        self.assertFalse(v.passed)
        self.assertEqual(v.checks[0].name, "submission")
        self.assertIn("no files were submitted", v.checks[0].message)


if __name__ == "__main__":
    unittest.main()
