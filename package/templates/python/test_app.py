"""Unit tests of the validator, run natively with the SDK's stand-ins for the host:

    python3 <challenge-sdk>/python/scripts/test.py validator/

`cohack challenge test` runs the samples in the real sandbox; these test the logic alone.
"""

import unittest

from cohack_sdk import Submission, testing

from app import validate


class Validate(unittest.TestCase):
    def tearDown(self):
        testing.clear_config()

    def test_the_right_answer_passes(self):
        s = Submission("c", "team", answer="42", files={"hello.txt": "hello, telemetry\n"})
        self.assertTrue(validate(s).passed)

    def test_the_answer_comes_from_the_config(self):
        testing.set_config("answer", "7")
        s = Submission("c", "team", answer="42", files={"hello.txt": "hello, telemetry\n"})
        verdict = validate(s)
        self.assertFalse(verdict.passed)
        self.assertEqual([c.name for c in verdict.checks if not c.passed], ["answer"])


if __name__ == "__main__":
    unittest.main()
