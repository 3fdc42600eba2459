"""The Rust validator's unit tests, ported: run natively with

    python3 challenge-sdk/python/scripts/test.py challenges/python/03-clean-readings/validator/
"""

import unittest

from cohack_sdk import Submission
from cohack_sdk.csv import Table

import timefmt
from app import OUTPUT, POINTS, REFERENCE, reference_csv, validate
from raw import raw_csv


def verdict(csv: str):
    return validate(Submission("clean-readings", "t", files={OUTPUT: csv}))


class CleanReadings(unittest.TestCase):
    def test_the_reference_scores_full_marks(self):
        v = verdict(reference_csv())
        self.assertTrue(v.passed, v)
        self.assertEqual(v.score, POINTS)

    def test_the_raw_file_has_every_kind_of_mess(self):
        raw = raw_csv()
        self.assertTrue(",F\n" in raw and ",n/a," in raw and ",," in raw)
        self.assertTrue(" TH-" in raw or "th-" in raw)
        rows = len(raw.splitlines()) - 1
        self.assertGreater(rows, len(REFERENCE), "duplicates and empty readings are dropped")

    def test_unconverted_fahrenheit_loses_the_temperature_points_only(self):
        raw = Table.parse(raw_csv())
        f_devices = {
            r.get("device").strip().upper() for r in raw.records() if r.get("unit") == "F"
        }
        self.assertTrue(f_devices)
        wrong = "".join(
            f"{d},{timefmt.iso(t)},{(c * 9.0 / 5.0 + 32.0) if d in f_devices else c:.1f}\n"
            for (d, t), c in REFERENCE.items()
        )
        v = verdict(f"device_id,timestamp,temp_c\n{wrong}")
        self.assertFalse(v.passed)
        self.assertEqual(v.score, POINTS - 60)

    def test_a_missing_column_ends_judging_with_the_header_check(self):
        v = verdict("device;timestamp;temp\nTH-01;x;1\n")
        self.assertEqual(v.score, 0)
        self.assertEqual(len(v.checks), 2)
        self.assertIn("missing columns", v.checks[1].message)


class Time(unittest.TestCase):
    def test_the_three_spellings_agree(self):
        t = 1_715_674_500
        self.assertEqual(timefmt.parse_any("2024-05-14T08:15:00Z"), t)
        self.assertEqual(timefmt.parse_any("2024-05-14 08:15:00"), t)
        self.assertEqual(timefmt.parse_any("1715674500"), t)
        self.assertEqual(timefmt.iso(t), "2024-05-14T08:15:00Z")
        self.assertEqual(timefmt.iso(0), "1970-01-01T00:00:00Z")
        self.assertEqual(timefmt.iso(951_782_400), "2000-02-29T00:00:00Z")
        self.assertTrue(timefmt.is_iso("2024-05-14T08:15:00Z"))
        self.assertFalse(timefmt.is_iso("2024-05-14 08:15:00"))
        self.assertFalse(timefmt.is_iso("2024-13-14T08:15:00Z"))
        self.assertIsNone(timefmt.parse_any("yesterday"))

    def test_integers_are_read_as_rust_reads_them(self):
        self.assertEqual(timefmt.parse_int("+5"), 5)
        for bad in ("1_0", " 1", "", "1.0", str(2**63)):
            self.assertIsNone(timefmt.parse_int(bad), bad)


if __name__ == "__main__":
    unittest.main()
