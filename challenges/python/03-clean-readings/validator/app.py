"""`clean-readings`, in Python: clean a messy export of thermometer readings. Every team gets
the same `readings_raw.csv`; the judge recomputes the clean table from it and gives partial
credit per cleaning rule, so a team that got most of it right sees exactly which rule is
left.

The Rust twin is challenges/03-clean-readings/validator/src/lib.rs: the same checks, points
and messages, on the same samples (package/tests/parity.rs holds them to it).
"""

import math
from typing import Dict, List, NamedTuple, Optional, Tuple

from cohack_sdk import Error, File, Submission, VerdictBuilder, export, judge
from cohack_sdk.csv import Table

import timefmt
from raw import raw_csv

POINTS = 300
# The file teams submit.
OUTPUT = "readings_clean.csv"
HEADER = ["device_id", "timestamp", "temp_c"]
# Half a unit of the last decimal, plus room for rounding the other way.
TOLERANCE = 0.1 + 1e-9

# A reading's identity: device and time (seconds since the epoch).
Key = Tuple[str, int]


def parse_float(text: Optional[str]) -> Optional[float]:
    """`text` as a float the way Rust's `str::parse::<f64>` reads it (no spaces, no `_`)."""
    if text is None or "_" in text or text != text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        return None


def round_half_away(value: float) -> float:
    """Rust's `f64::round`: halves away from zero (Python's `round` goes to even)."""
    whole = math.floor(abs(value))
    if abs(value) - whole >= 0.5:
        whole += 1
    return math.copysign(whole, value)


def reference() -> Dict[Key, float]:
    """The clean table, by key: the hidden reference."""
    clean: Dict[Key, float] = {}
    for r in Table.parse(raw_csv()).records():
        device, time, temp, unit = r.get("device"), r.get("time"), r.get("temp"), r.get("unit")
        if device is None or time is None or temp is None or unit is None:
            continue
        seconds, value = timefmt.parse_any(time), parse_float(temp)
        if seconds is None or value is None:
            continue
        celsius = (value - 32.0) * 5.0 / 9.0 if unit == "F" else value
        clean[(device.strip().upper(), seconds)] = round_half_away(celsius * 10.0) / 10.0
    return dict(sorted(clean.items()))


# The module's top level runs when the component is built, so the reference is computed once
# there and costs no run any fuel.
REFERENCE = reference()


def reference_csv() -> str:
    """The reference rendered as the expected file."""
    rows = (f"{d},{timefmt.iso(t)},{temp:.1f}\n" for (d, t), temp in REFERENCE.items())
    return "device_id,timestamp,temp_c\n" + "".join(rows)


class Submitted(NamedTuple):
    """One submitted row, read leniently so that one mistake does not hide the others."""

    line: int
    # As written, spaces included.
    device: str
    timestamp: str
    key: Optional[Key]
    temp: Optional[float]


@judge(POINTS)
def validate(s: Submission, v: VerdictBuilder) -> None:
    table = s.csv(OUTPUT)
    exact = table.headers == HEADER
    if exact:
        message = "The header is `device_id,timestamp,temp_c`."
    else:
        hint = (
            " Fields must be separated by commas, not semicolons."
            if len(table.headers) == 1 and ";" in table.headers[0]
            else ""
        )
        message = (
            "The header must be exactly `device_id,timestamp,temp_c`, "
            f"got `{','.join(table.headers)}`.{hint}"
        )
    v.scored_check("header", 30, exact, message)
    try:
        table.require_columns(HEADER)
    except Error as e:
        raise e.context(f"`{OUTPUT}`") from None
    judge_rows(v, table, REFERENCE)
    v.note(f"reference: {len(REFERENCE)} rows")


def judge_rows(v: VerdictBuilder, table: Table, expected: Dict[Key, float]) -> None:
    device_column = table.column("device_id")
    rows: List[Submitted] = []
    for r in table.records():
        # Untrimmed: stray spaces are one of the things to clean.
        device = "" if device_column is None else r.fields[device_column]
        timestamp = r.get("timestamp") or ""
        seconds = timefmt.parse_any(timestamp)
        key = None if seconds is None else (device.strip().upper(), seconds)
        rows.append(Submitted(r.line, device, timestamp, key, parse_float(r.get("temp_c"))))

    # Rows: the set of readings, whatever their spelling.
    submitted = {r.key for r in rows if r.key is not None}
    missing = [k for k in expected if k not in submitted]
    extra = [r for r in rows if r.key is None or r.key not in expected]
    if not missing and not extra:
        rows_message = f"All {len(expected)} readings are there, and nothing else."
    else:
        parts = []
        if missing:
            k = missing[0]
            parts.append(
                f"{len(missing)} reading(s) missing, e.g. {k[0]} at {timefmt.iso(k[1])}"
            )
        if extra:
            r = extra[0]
            hint = ": readings without a temperature must be dropped" if r.temp is None else ""
            parts.append(f"{len(extra)} row(s) that are not readings, e.g. line {r.line}{hint}")
        rows_message = "; ".join(parts) + "."
    v.scored_check("rows", 50, not missing and not extra, rows_message)

    # Duplicates: the same reading twice.
    seen = set()
    duplicate = None
    for r in rows:
        if r.key is not None:
            if r.key in seen:
                duplicate = r
                break
            seen.add(r.key)
    v.scored_check(
        "duplicates",
        40,
        duplicate is None,
        "Every reading appears once."
        if duplicate is None
        else f"Line {duplicate.line} repeats a reading already listed: the gateway re-sends "
        "readings, keep one.",
    )

    # Device ids: `TH-` and two digits, nothing around.
    bad_device = next((r for r in rows if not is_canonical_device(r.device)), None)
    v.scored_check(
        "device-ids",
        40,
        bad_device is None,
        "Device ids are upper-case and trimmed."
        if bad_device is None
        else f"Line {bad_device.line}: device id `{bad_device.device}` must be upper-case with "
        "no spaces, like `TH-01`.",
    )

    # Timestamps: ISO 8601 in UTC with a `Z`.
    bad_time = next((r for r in rows if not timefmt.is_iso(r.timestamp)), None)
    v.scored_check(
        "timestamps",
        50,
        bad_time is None,
        "Timestamps are ISO 8601 UTC."
        if bad_time is None
        else f"Line {bad_time.line}: timestamp `{bad_time.timestamp}` must be ISO 8601 in UTC, "
        "like `2024-05-14T08:15:00Z`.",
    )

    # Temperatures, on the readings that can be matched.
    wrong = []
    for r in rows:
        want = None if r.key is None else expected.get(r.key)
        if want is None:
            continue
        if r.temp is not None and abs(r.temp - want) <= TOLERANCE:
            continue
        wrong.append((r, r.temp, want))
    if not wrong:
        temperatures_message = "Temperatures are in Celsius, to one decimal."
    else:
        r, got, want = wrong[0]
        if got is not None and abs(got - (want * 9.0 / 5.0 + 32.0)) <= 0.2:
            hint = " Was it still in Fahrenheit?"
        elif got is None:
            hint = " It is not a number."
        else:
            hint = ""
        temperatures_message = f"{len(wrong)} temperature(s) are off, e.g. line {r.line}.{hint}"
    v.scored_check("temperatures", 60, not wrong, temperatures_message)

    # Order: by device id, then time.
    keyed = [(r.line, r.key) for r in rows if r.key is not None]
    unsorted = next(
        ((a, b) for a, b in zip(keyed, keyed[1:]) if a[1] > b[1]),
        None,
    )
    v.scored_check(
        "order",
        30,
        unsorted is None,
        "Sorted by device id, then time."
        if unsorted is None
        else "Rows must be sorted by device id, then time: "
        f"line {unsorted[1][0]} should come before line {unsorted[0][0]}.",
    )


def is_canonical_device(id_: str) -> bool:
    return (
        len(id_.encode("utf-8")) == 5
        and id_.startswith("TH-")
        and all(c in "0123456789" for c in id_[3:])
    )


def materials(team: str) -> List[File]:
    return [File("readings_raw.csv", raw_csv())]


WitWorld = export(validate, materials)
