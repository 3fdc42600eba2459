"""The host functions, or their stand-ins outside a component.

Inside a component the calls go to the sandbox (`log` into the run's log, `config` from the
event's settings). Outside one (tests on the author's machine) they go to the in-process
stand-ins that `cohack_sdk.testing` sets and reads.
"""

from typing import Dict, List, Optional, Tuple

from . import _wit

# The stand-ins' state, used only outside a component.
config_values: Dict[str, str] = {}
logged: List[Tuple["_wit.Level", str]] = []


def log(level: "_wit.Level", message: str) -> None:
    if _wit.IN_COMPONENT:
        _wit.host.log(level, message)
    else:
        logged.append((level, message))


def config(key: str) -> Optional[str]:
    if _wit.IN_COMPONENT:
        return _wit.host.config(key)
    return config_values.get(key)
