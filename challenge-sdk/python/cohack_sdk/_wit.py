"""The contract's types and host functions, as componentize-py binds them.

componentize-py generates the module `wit_world` from `challenge-sdk/wit/validator.wit`
while it builds a component, so there is no Python copy of the contract to keep in step:
`File`, `Endpoint`, `Check`, `Verdict` and the WIT `Submission` record are the generated
dataclasses. Outside a component (the SDK's own tests, an author's), the same module comes
from `componentize-py bindings DIR`: the same types, and host functions that only raise, so
`IN_COMPONENT` tells the SDK to use the stand-ins of `cohack_sdk.testing` instead.
"""

try:
    # A module of componentize-py's runtime: it exists only inside a component.
    import componentize_py_runtime as _runtime  # noqa: F401

    IN_COMPONENT = True
except ImportError:
    IN_COMPONENT = False

from wit_world.imports import host, types  # noqa: E402

File = types.File
Endpoint = types.Endpoint
Check = types.Check
Verdict = types.Verdict
WitSubmission = types.Submission
Level = host.Level

__all__ = [
    "IN_COMPONENT",
    "Check",
    "Endpoint",
    "File",
    "Level",
    "Verdict",
    "WitSubmission",
    "host",
]
