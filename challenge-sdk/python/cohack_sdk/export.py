"""The component's entry points: what `app.py` hands to componentize-py.

componentize-py calls the methods of the class named `WitWorld` in the entry module, with
the contract's records. `export` makes that class from plain functions:

    WitWorld = export(validate, materials=materials)
"""

from typing import Callable, Iterable, List, Optional, Union

from ._wit import File, Verdict, WitSubmission
from .submission import Submission

__all__ = ["export"]


def export(
    validate: Callable[[Submission], Verdict],
    materials: Optional[Callable[[str], Iterable[File]]] = None,
) -> type:
    """The `WitWorld` class of a validator: `validate(submission) -> Verdict` judges every
    submission (it gets a `Submission`), and `materials(team) -> [File]`, when given, the
    files a team starts from (their content may be `str`, stored as UTF-8). Without
    `materials`, teams get none."""

    class WitWorld:
        def validate(self, submission: WitSubmission) -> Verdict:
            verdict = validate(Submission.from_wit(submission))
            if not isinstance(verdict, Verdict):
                raise TypeError(
                    f"validate returned {type(verdict).__name__}, not a Verdict: end it with "
                    "`return v.finish()`, or decorate it with `@judge(POINTS)`"
                )
            return verdict

        def materials(self, team: str) -> List[File]:
            if materials is None:
                return []
            return [_as_file(f) for f in materials(team)]

    WitWorld.__qualname__ = WitWorld.__name__ = "WitWorld"
    return WitWorld


def _as_file(file: Union[File, tuple]) -> File:
    path, content = (file.path, file.content) if isinstance(file, File) else file
    if isinstance(content, str):
        content = content.encode("utf-8")
    return File(path, bytes(content))
