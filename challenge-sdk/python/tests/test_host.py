"""Config, logs and the component's entry points, with the host's stand-ins."""

import unittest

from cohack_sdk import (
    ConfigError,
    Error,
    File,
    Level,
    Verdict,
    VerdictBuilder,
    config,
    export,
    judge,
    log,
    testing,
)
from cohack_sdk._wit import WitSubmission


class Config(unittest.TestCase):
    def tearDown(self):
        testing.clear_config()
        testing.take_logs()

    def test_get_and_defaults(self):
        testing.set_config("mode", "strict")
        self.assertEqual(config.get("mode"), "strict")
        self.assertIsNone(config.get("other"))
        self.assertEqual(config.get_or("other", "lenient"), "lenient")
        testing.clear_config()
        self.assertIsNone(config.get("mode"))

    def test_typed_parse(self):
        testing.set_config("n", " 12 ")
        testing.set_config("bad", "twelve")
        testing.set_config("flag", "false")
        self.assertEqual(config.parse("n", int), 12)
        self.assertIsNone(config.parse("unset", int))
        self.assertIs(config.parse("flag", bool), False)
        with self.assertRaises(Error) as bad:
            config.parse("bad", int)
        self.assertTrue(
            bad.exception.message.startswith("config `bad` = `twelve` is not a valid int: "),
            bad.exception.message,
        )
        self.assertEqual(config.parse_or("unset", 3), 3)
        self.assertEqual(config.parse_or("n", 3), 12)
        self.assertEqual(config.require("n", int), 12)

    def test_malformed_values_stop_the_run_and_are_logged(self):
        testing.set_config("bad", "x")
        with self.assertRaises(ConfigError):
            config.parse_or("bad", 1)
        logs = testing.take_logs()
        self.assertEqual(len(logs), 1)
        self.assertEqual(logs[0][0], Level.ERROR)
        self.assertIn("config `bad`", logs[0][1])
        with self.assertRaises(ConfigError):
            config.require("missing", int)
        self.assertIn("is required but not set", testing.take_logs()[0][1])

    def test_logs_are_kept_in_order(self):
        log.info("parsed 3 rows")
        log.warn(42)
        self.assertEqual(
            testing.take_logs(), [(Level.INFO, "parsed 3 rows"), (Level.WARN, "42")]
        )
        self.assertEqual(testing.take_logs(), [])


class Export(unittest.TestCase):
    def test_the_entry_points_take_the_contracts_records(self):
        @judge(10)
        def validate(s, v):
            v.check("answer", s.answer == "42", "")
            v.check("file", s.text("a.txt") == "hi", "")

        def materials(team):
            return [File("for-" + team + ".txt", "hello"), ("raw.bin", b"\x00")]

        world = export(validate, materials)()
        record = WitSubmission("c", "t", " 42 ", [File("a.txt", b"hi")], [])
        verdict = world.validate(record)
        self.assertIsInstance(verdict, Verdict)
        self.assertTrue(verdict.passed)
        files = world.materials("blue")
        self.assertEqual(
            [(f.path, f.content) for f in files],
            [("for-blue.txt", b"hello"), ("raw.bin", b"\x00")],
        )
        self.assertEqual(export(validate)().materials("blue"), [])

    def test_a_validate_that_returns_no_verdict_is_named(self):
        world = export(lambda s: VerdictBuilder(1))()
        with self.assertRaises(TypeError) as wrong:
            world.validate(WitSubmission("c", "t", "", [], []))
        self.assertIn("validate returned VerdictBuilder, not a Verdict", str(wrong.exception))


if __name__ == "__main__":
    unittest.main()
