"""Stand-ins for the host, for tests run outside the sandbox (`python3 -m unittest`): the
config a run sees and the log it writes. In a component the host answers instead."""

from typing import List, Tuple

from . import _host
from ._wit import Level

__all__ = ["clear_config", "set_config", "take_logs"]


def set_config(key: str, value: str) -> None:
    """Makes `config.get(key)` return `value`."""
    _host.config_values[key] = value


def clear_config() -> None:
    """Forgets every value `set_config` set."""
    _host.config_values.clear()


def take_logs() -> List[Tuple[Level, str]]:
    """The lines logged since the last call, as (level, message), and forgets them."""
    lines = list(_host.logged)
    _host.logged.clear()
    return lines
