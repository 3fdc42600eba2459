#!/usr/bin/env python3
"""Runs a Python validator's unit tests natively, with `python3 -m unittest`:

    python3 challenge-sdk/python/scripts/test.py my-challenge/validator/

The tests (`test*.py` in that folder) import `app` and `cohack_sdk` as the component does.
The contract's types come from `componentize-py bindings` (generated into a temporary
folder by the componentize-py that `cohack challenge build` installed), and outside the
sandbox `config` and `log` use `cohack_sdk.testing`'s stand-ins. Run `cohack challenge build`
once first if componentize-py is not installed yet.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

SDK = Path(__file__).resolve().parent.parent
WIT = SDK.parent / "wit" / "validator.wit"
# Where `cohack challenge build` installs componentize-py (package/src/build/tools.rs).
COMPONENTIZE_PY = "0.25.1"


def tools_dir() -> Path:
    for variable, suffix in (("COHACK_TOOLS_DIR", ""), ("XDG_CACHE_HOME", "cohack/tools")):
        value = os.environ.get(variable)
        if value:
            return Path(value) / suffix
    return Path.home() / ".cache" / "cohack" / "tools"


def main(argv: list) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    validator = Path(argv[0]).resolve()
    if not (validator / "app.py").is_file():
        print(f"error: {validator} has no app.py: pass the validator's folder", file=sys.stderr)
        return 2
    python = tools_dir() / f"python-{COMPONENTIZE_PY}" / "bin" / "python"
    if not python.exists():
        print(
            f"error: componentize-py {COMPONENTIZE_PY} is not installed in {python.parent.parent}:"
            " run `cohack challenge build` on the package once",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="cohack-stubs-") as stubs:
        subprocess.run(
            [
                str(python),
                "-c",
                "import sys; from componentize_py import script; "
                "sys.argv[0] = 'componentize-py'; sys.exit(script())",
                "-d",
                str(WIT),
                "-w",
                "validator",
                "bindings",
                stubs,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([stubs, str(SDK), str(validator)])
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        command = [sys.executable, "-m", "unittest", "discover", "-s", str(validator), "-t", str(validator)]
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
