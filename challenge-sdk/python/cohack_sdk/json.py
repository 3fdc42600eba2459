"""JSON helpers (the standard library's `json`): parse with errors that say where the
problem is."""

import json as _json
from typing import Any

from .errors import Error

__all__ = ["parse", "to_pretty"]


def parse(text: str) -> Any:
    """`text` parsed as JSON (dicts, lists, str, int, float, bool, None). The error says what
    is wrong and where: "is not valid JSON: Expecting ',' delimiter at line 3 column 5"."""
    try:
        return _json.loads(text)
    except _json.JSONDecodeError as e:
        raise Error(f"is not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None


def to_pretty(value: Any) -> str:
    """`value` as pretty JSON (for materials)."""
    return _json.dumps(value, indent=2, ensure_ascii=False)
