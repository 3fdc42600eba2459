"""Per-event challenge settings: the manifest's `[config]` defaults, overridden by organizers.

Values are strings; `parse` and `parse_or` convert them. A setting that is present but
malformed is the organizer's or author's mistake, never the team's, so `parse_or` and
`require` stop the run with a `ConfigError` (a validator error, logged) rather than fail the
submission.
"""

from typing import Callable, Optional, TypeVar

from . import _host, log
from .errors import ConfigError, Error

T = TypeVar("T")

__all__ = ["get", "get_or", "parse", "parse_or", "require"]


def get(key: str) -> Optional[str]:
    """The value of `key`, if set."""
    return _host.config(key)


def get_or(key: str, default: str) -> str:
    """The value of `key`, or `default` when it is not set."""
    value = get(key)
    return default if value is None else value


def _convert(raw: str, kind: Callable[[str], T]) -> T:
    text = raw.strip()
    if kind is bool:
        # As Rust's `bool`: exactly `true` or `false` (`bool("false")` would be True).
        if text in ("true", "false"):
            return text == "true"  # type: ignore[return-value]
        raise ValueError("provided string was not `true` or `false`")
    return kind(text)


def parse(key: str, kind: Callable[[str], T] = str) -> Optional[T]:  # type: ignore[assignment]
    """The value of `key` converted by `kind` (`int`, `float`, `bool`, …): `None` when unset,
    an `Error` naming the key and the value when it does not convert."""
    raw = get(key)
    if raw is None:
        return None
    try:
        return _convert(raw, kind)
    except (ValueError, TypeError) as e:
        name = getattr(kind, "__name__", str(kind))
        raise Error(f"config `{key}` = `{raw}` is not a valid {name}: {e}") from None


def parse_or(key: str, default: T, kind: Optional[Callable[[str], T]] = None) -> T:
    """The value of `key` converted like `default` (or by `kind`), or `default` when unset.

    Raises `ConfigError` (a validator error, logged with the key and the value) when the
    value is set but does not convert."""
    try:
        value = parse(key, kind or type(default))
    except Error as e:
        _abort(e.message)
    return default if value is None else value


def require(key: str, kind: Callable[[str], T] = str) -> T:  # type: ignore[assignment]
    """The value of `key` converted by `kind`; `ConfigError` (a validator error, logged)
    when it is unset or does not convert."""
    try:
        value = parse(key, kind)
    except Error as e:
        _abort(e.message)
    if value is None:
        _abort(f"config `{key}` is required but not set")
    return value


def _abort(message: str):
    log.error(message)
    raise ConfigError(message)
