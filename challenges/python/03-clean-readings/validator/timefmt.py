"""The three timestamp spellings of the raw export, and the one the clean file wants.

Integers are read as Rust's `str::parse::<i64>` reads them (an optional sign and ASCII
digits, nothing else), so that this twin accepts exactly what the Rust validator accepts.
"""

import re
from typing import Optional, Tuple

_INTEGER = re.compile(r"[+-]?[0-9]+")
_I64 = range(-(2**63), 2**63)


def parse_int(text: str) -> Optional[int]:
    """`text` as a 64-bit integer, or None."""
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if value in _I64 else None


def parse_any(text: str) -> Optional[int]:
    """Seconds since the epoch of a timestamp in any of the raw export's spellings:
    `2024-05-14T08:15:00Z`, `2024-05-14 08:15:00` (UTC) or `1715674500`."""
    text = text.strip()
    if text and all(c in "0123456789" for c in text):
        return parse_int(text)
    if text.endswith("Z"):
        text = text[:-1]
    cut = min((i for i in (text.find("T"), text.find(" ")) if i >= 0), default=-1)
    if cut < 0:
        return None
    date, clock = text[:cut], text[cut + 1 :]
    parts = [parse_int(p) for p in date.split("-", 2)]
    times = [parse_int(p) for p in clock.split(":", 2)]
    if len(parts) < 3 or len(times) < 3 or None in parts or None in times:
        return None
    year, month, day = parts
    h, m, s = times
    if not 1 <= month <= 12 or not 1 <= day <= 31 or h > 23 or m > 59 or s > 59:
        return None
    return days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s


def is_iso(text: str) -> bool:
    """Whether `text` is exactly `YYYY-MM-DDTHH:MM:SSZ`."""
    if len(text.encode("utf-8")) != 20:
        return False
    for i, c in enumerate(text):
        expected = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 19: "Z"}.get(i)
        if expected is not None and c != expected:
            return False
        if expected is None and c not in "0123456789":
            return False
    return parse_any(text) is not None


def iso(seconds: int) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` for seconds since the epoch."""
    days, rest = divmod(seconds, 86_400)
    y, m, d = civil_from_days(days)
    return f"{y:04}-{m:02}-{d:02}T{rest // 3600:02}:{rest // 60 % 60:02}:{rest % 60:02}Z"


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (400-year eras)."""
    y = year - 1 if month <= 2 else year
    era = y // 400
    year_of_era = y - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def civil_from_days(days: int) -> Tuple[int, int, int]:
    """The inverse of `days_from_civil`."""
    z = days + 719_468
    era = z // 146_097
    day_of_era = z - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    mp = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return year_of_era + era * 400 + (1 if month <= 2 else 0), month, day
