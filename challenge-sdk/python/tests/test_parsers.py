"""CSV, JSON and TOML helpers."""

import unittest

from cohack_sdk import Error
from cohack_sdk import json as sdk_json
from cohack_sdk import toml as sdk_toml
from cohack_sdk.csv import Table


class Csv(unittest.TestCase):
    def test_parses_quotes_crlf_and_bom(self):
        t = Table.parse(
            '\ufeffid,name,note\r\n1,"Smith, J","say ""hi"""\r\n\r\n2,Lee,"two\nlines"\r\n3,,x'
        )
        self.assertEqual(t.headers, ["id", "name", "note"])
        self.assertEqual(len(t), 3)
        r = list(t.records())
        self.assertEqual(r[0].get("name"), "Smith, J")
        self.assertEqual(r[0].get("note"), 'say "hi"')
        self.assertEqual(r[1].get("note"), "two\nlines")
        self.assertEqual(r[1].line, 4)
        self.assertEqual(r[2].line, 6)
        self.assertEqual(r[2].get("name"), "")
        self.assertEqual(r[2].parse("id", int), 3)
        self.assertIsNone(r[2].get("nope"))

    def test_fields_keep_their_spaces_and_headers_are_trimmed(self):
        t = Table.parse("device_id , temp\n TH-01,1.5\n")
        self.assertEqual(t.headers, ["device_id", "temp"])
        record = next(t.records())
        self.assertEqual(record.fields, [" TH-01", "1.5"])
        self.assertEqual(record.get("device_id"), "TH-01")
        self.assertEqual(record.parse("temp"), 1.5)

    def test_errors_name_the_line(self):
        t = Table.parse("a,b\n1,2\nx,y\n")
        with self.assertRaises(Error) as bad:
            list(t.records())[1].parse("a", int)
        self.assertTrue(bad.exception.message.startswith("line 3: column `a`: `x`"))
        with self.assertRaises(Error) as count:
            Table.parse("a,b\n1,2,3\n")
        self.assertEqual(count.exception.message, "line 2 has 3 fields but the header has 2")
        with self.assertRaises(Error) as semicolons:
            Table.parse("a;b\n1;2\n").require_columns(["a", "b"])
        self.assertIn("missing columns `a`, `b`", semicolons.exception.message)
        with self.assertRaises(Error) as unclosed:
            Table.parse('a,b\n"1,2\n')
        self.assertEqual(unclosed.exception.message, "line 2: a quoted field is never closed")
        with self.assertRaises(Error):
            Table.parse("")
        with self.assertRaises(Error) as one:
            Table.parse("a,b\n1,2\n").require_columns(["c"])
        self.assertEqual(one.exception.message, "missing column `c`; the header is `a,b`")

    def test_other_delimiters(self):
        t = Table.parse("a;b\n1;2\n", ";")
        self.assertEqual(next(t.records()).get("b"), "2")


class JsonAndToml(unittest.TestCase):
    def test_json_syntax_errors_say_where(self):
        with self.assertRaises(Error) as bad:
            sdk_json.parse('{\n  "a": 1\n  "b": 2\n}')
        self.assertTrue(bad.exception.message.startswith("is not valid JSON"))
        self.assertIn("line 3", bad.exception.message)
        self.assertEqual(sdk_json.parse('{"x": [1, 2]}'), {"x": [1, 2]})

    def test_toml_lookup_walks_dotted_paths(self):
        table = sdk_toml.parse('[sink]\nkind = "ts"\n[sink.batch]\nsize = 64\n')
        self.assertEqual(sdk_toml.lookup(table, "sink.kind"), "ts")
        self.assertEqual(sdk_toml.lookup(table, "sink.batch.size"), 64)
        self.assertIsNone(sdk_toml.lookup(table, "sink.kind.x"))
        self.assertIsNone(sdk_toml.lookup(table, "source"))
        self.assertEqual(sdk_toml.type_of("x"), "a string")
        self.assertEqual(sdk_toml.type_of(True), "a boolean")
        self.assertEqual(sdk_toml.type_of(3), "an integer")
        self.assertEqual(sdk_toml.type_of({}), "a table")


if __name__ == "__main__":
    unittest.main()
