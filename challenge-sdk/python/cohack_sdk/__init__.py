"""`cohack_sdk`: write a cohack challenge validator in Python.

A validator is a WebAssembly component that the cohack server runs in a sandbox on every
submission. componentize-py builds it from your `app.py`, this package and the contract
(`challenge-sdk/wit/validator.wit`, whose types it binds as `wit_world`):

    from cohack_sdk import Submission, VerdictBuilder, export, judge

    POINTS = 100  # the same as `points` in challenge.toml

    @judge(POINTS)
    def validate(s: Submission, v: VerdictBuilder) -> None:
        ok = s.answer == "42"
        v.check("answer", ok, "Correct." if ok else "Not quite: re-read the log.")

    WitWorld = export(validate)

The pieces, named as in the Rust SDK:
- `export`: the component's entry points (`WitWorld`, which componentize-py looks for);
- `judge`, `VerdictBuilder`: pass/fail, partial credit, one check per criterion;
- `Submission.file`, `.text`, `.json`, `.toml`, `.csv`, `.endpoint`: what the team
  submitted, with errors (`Error`) the team can act on;
- `log` and `config`: the host functions; `TeamRng`: per-team variants;
- `testing`: stand-ins for the host outside the sandbox.
"""

from . import config, csv, json, log, testing, toml
from ._wit import Check, Endpoint, File, Level, Verdict
from .errors import ConfigError, Error
from .export import export
from .submission import Submission, file_text
from .variant import TeamRng
from .verdict import (
    MAX_SHOWN_CHECKS,
    VerdictBuilder,
    fail_verdict,
    failed_checks,
    judge,
    pass_verdict,
)

__version__ = "0.2.0"

__all__ = [
    "MAX_SHOWN_CHECKS",
    "Check",
    "ConfigError",
    "Endpoint",
    "Error",
    "File",
    "Level",
    "Submission",
    "TeamRng",
    "Verdict",
    "VerdictBuilder",
    "config",
    "csv",
    "export",
    "fail_verdict",
    "failed_checks",
    "file_text",
    "json",
    "judge",
    "log",
    "pass_verdict",
    "testing",
    "toml",
]
