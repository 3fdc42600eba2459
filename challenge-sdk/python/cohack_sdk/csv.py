"""CSV helpers (the standard library's `csv`): a table with a header row, rows that know
their line, and errors the team can find.

Quoted fields (with `""` for a quote, commas and line breaks inside), CRLF or LF line ends,
a leading byte-order mark and a final newline are all accepted; blank lines are skipped.
"""

import csv as _csv
import io as _io
from typing import Callable, Iterator, List, Optional, Sequence, TypeVar

from .errors import Error

T = TypeVar("T")

__all__ = ["Record", "Row", "Table"]


class Row:
    """One data row: the 1-based `line` it starts on, and its `fields` as written (not
    trimmed)."""

    __slots__ = ("line", "fields")

    def __init__(self, line: int, fields: List[str]):
        self.line = line
        self.fields = fields

    def __repr__(self) -> str:
        return f"Row(line={self.line}, fields={self.fields!r})"


class Table:
    """A parsed CSV file: `headers` (trimmed) and data `rows`, each with as many fields as
    the header."""

    def __init__(self, headers: List[str], rows: List[Row]):
        self.headers = headers
        self.rows = rows

    @classmethod
    def parse(cls, text: str, delimiter: str = ",") -> "Table":
        """Parses `text`, whose first row is the header; `delimiter` is one character
        (`;`, `\\t`)."""
        rows = _read_rows(text[1:] if text.startswith("\ufeff") else text, delimiter)
        if not rows:
            raise Error("is empty: expected a header row")
        headers = [h.strip() for h in rows[0].fields]
        for row in rows[1:]:
            if len(row.fields) != len(headers):
                hint = (
                    " (is it comma-separated?)"
                    if len(row.fields) == 1 and delimiter == ","
                    else ""
                )
                raise Error(
                    f"line {row.line} has {len(row.fields)} fields but the header has "
                    f"{len(headers)}{hint}"
                )
        return cls(headers, rows[1:])

    def column(self, name: str) -> Optional[int]:
        """The index of the column named `name`, if present."""
        try:
            return self.headers.index(name)
        except ValueError:
            return None

    def require_columns(self, names: Sequence[str]) -> None:
        """Raises an `Error` listing the columns of `names` that are missing, and what the
        header has."""
        missing = [f"`{n}`" for n in names if self.column(n) is None]
        if missing:
            plural = "" if len(missing) == 1 else "s"
            raise Error(
                f"missing column{plural} {', '.join(missing)}; the header is "
                f"`{','.join(self.headers)}`"
            )

    def records(self) -> Iterator["Record"]:
        """The rows, readable by column name."""
        return (Record(self, row) for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)


class Record:
    """A row seen through its table's header, to read fields by column name."""

    __slots__ = ("_table", "_row")

    def __init__(self, table: Table, row: Row):
        self._table = table
        self._row = row

    @property
    def line(self) -> int:
        """The 1-based line the row starts on."""
        return self._row.line

    @property
    def fields(self) -> List[str]:
        """The raw fields."""
        return self._row.fields

    def get(self, name: str) -> Optional[str]:
        """The field in column `name`, trimmed; `None` if there is no such column."""
        index = self._table.column(name)
        return None if index is None else self._row.fields[index].strip()

    def require(self, name: str) -> str:
        """The field in column `name`, trimmed; an `Error` naming the line if the column is
        absent."""
        value = self.get(name)
        if value is None:
            raise Error(f"line {self._row.line}: no column `{name}`")
        return value

    def parse(self, name: str, kind: Callable[[str], T] = float) -> T:  # type: ignore[assignment]
        """The field in column `name` converted by `kind` (`float` by default, `int`, …);
        the error names the line, the column and the value."""
        raw = self.require(name)
        try:
            return kind(raw)
        except (ValueError, TypeError) as e:
            raise Error(f"line {self._row.line}: column `{name}`: `{raw}`: {e}") from None


def _read_rows(text: str, delimiter: str) -> List[Row]:
    reader = _csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: List[Row] = []
    previous_end = 0
    try:
        for fields in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if fields:
                rows.append(Row(start, fields))
    except _csv.Error as e:
        line = previous_end + 1
        if "unexpected end of data" in str(e):
            raise Error(f"line {line}: a quoted field is never closed") from None
        raise Error(f"line {line}: {e}") from None
    return rows
