"""TOML helpers (the standard library's `tomllib`): parse, and look values up by dotted path
for field-by-field feedback."""

import datetime as _datetime
import tomllib as _tomllib
from typing import Any, Dict, Optional

from .errors import Error

__all__ = ["lookup", "parse", "type_of"]


def parse(text: str) -> Dict[str, Any]:
    """`text` parsed as TOML into a dict; the error gives the line and column."""
    try:
        return _tomllib.loads(text)
    except _tomllib.TOMLDecodeError as e:
        raise Error(f"is not valid TOML: {e}") from None


def lookup(table: Dict[str, Any], path: str) -> Optional[Any]:
    """The value at a dotted `path` such as `"sink.retention_days"`, if every step exists."""
    value: Any = table
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def type_of(value: Any) -> str:
    """A short name for a value's TOML type, for messages: "expected an integer, got a
    string"."""
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, (_datetime.datetime, _datetime.date, _datetime.time)):
        return "a date-time"
    if isinstance(value, list):
        return "an array"
    return "a table"
