"""Reading submissions: answers, files by path, text, parsers, endpoints."""

import unittest

from cohack_sdk import Error, File, Submission


def sample():
    return Submission(
        "c",
        "t",
        answer="  42\n",
        files={
            "out.csv": "a,b\n1,2\n",
            "results/Report.json": "{}",
            "bom.txt": b"\xef\xbb\xbfhi",
            "bin.dat": b"ok\n\xff",
        },
    )


class Submissions(unittest.TestCase):
    def test_answer_is_trimmed(self):
        s = sample()
        self.assertEqual(s.answer, "42")
        self.assertEqual(s.raw_answer, "  42\n")

    def test_files_are_found_by_normalised_path(self):
        s = sample()
        self.assertTrue(s.has_file("./out.csv"))
        self.assertTrue(s.has_file("/out.csv"))
        self.assertTrue(s.has_file("results\\Report.json"))
        self.assertEqual(s.text("out.csv"), "a,b\n1,2\n")
        self.assertIsInstance(s.file("out.csv"), File)
        self.assertEqual(s.paths(), ["out.csv", "results/Report.json", "bom.txt", "bin.dat"])

    def test_missing_files_get_helpful_errors(self):
        s = sample()
        with self.assertRaises(Error) as case:
            s.file("results/report.json")
        self.assertIn("case-sensitive", case.exception.message)
        with self.assertRaises(Error) as folder:
            s.file("Report.json")
        self.assertIn("found `results/Report.json`", folder.exception.message)
        with self.assertRaises(Error) as other:
            s.file("nope.txt")
        self.assertIn("submitted: `out.csv`", other.exception.message)
        with self.assertRaises(Error) as empty:
            Submission("c", "t").file("x")
        self.assertEqual(
            empty.exception.message, "`x` is missing from the submission (no files were submitted)."
        )

    def test_text_drops_bom_and_reports_bad_utf8(self):
        s = sample()
        self.assertEqual(s.text("bom.txt"), "hi")
        with self.assertRaises(Error) as bad:
            s.text("bin.dat")
        self.assertEqual(
            bad.exception.message,
            "`bin.dat` is not UTF-8 text (invalid byte on line 2); save it as UTF-8",
        )

    def test_endpoints_are_found_by_name_or_asked_for(self):
        s = Submission("c", "t", endpoints={"api": " https://team.example/ "})
        self.assertEqual(s.endpoint("api"), "https://team.example/")
        with self.assertRaises(Error) as missing:
            s.endpoint("admin")
        self.assertEqual(
            missing.exception.message,
            "Set your team's endpoint `admin` in the workspace's Endpoints panel, then submit "
            "again.",
        )
        with self.assertRaises(Error):
            Submission("c", "t", endpoints={"api": ""}).endpoint("api")

    def test_json_and_toml_errors_name_the_file(self):
        s = Submission("c", "t", files={"r.json": "{\n  \"a\": 1\n  \"b\": 2\n}", "p.toml": "[sink]\nkind = ts\n"})
        with self.assertRaises(Error) as bad_json:
            s.json("r.json")
        message = bad_json.exception.message
        self.assertTrue(message.startswith("`r.json`: is not valid JSON"), message)
        self.assertIn("line 3", message)
        with self.assertRaises(Error) as bad_toml:
            s.toml("p.toml")
        message = bad_toml.exception.message
        self.assertTrue(message.startswith("`p.toml`: is not valid TOML"), message)
        self.assertIn("line 2", message)
        self.assertEqual(Submission("c", "t", files={"r.json": '{"x": 1}'}).json("r.json"), {"x": 1})
        with self.assertRaises(Error) as missing:
            s.json("other.json")
        self.assertTrue(missing.exception.message.startswith("`other.json` is missing"))


if __name__ == "__main__":
    unittest.main()
