"""Logging to the run's log, which authors and organizers read (teams never see it).

The host keeps a bounded amount per run, so log what helps diagnose a verdict, not every
row. What a validator prints goes to the log too (stdout as info, stderr as warnings), and
so does the traceback of an exception that ends the run.
"""

from . import _host
from ._wit import Level

__all__ = ["Level", "debug", "error", "info", "log", "warn"]


def log(level: Level, message: object) -> None:
    """Logs `message` at `level`."""
    _host.log(level, str(message))


def debug(message: object) -> None:
    """Logs at debug level."""
    log(Level.DEBUG, message)


def info(message: object) -> None:
    """Logs at info level."""
    log(Level.INFO, message)


def warn(message: object) -> None:
    """Logs at warn level."""
    log(Level.WARN, message)


def error(message: object) -> None:
    """Logs at error level."""
    log(Level.ERROR, message)
