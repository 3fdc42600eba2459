"""Reading a submission: its short answer, its files by path, and the team's endpoints, with
errors for the team."""

from typing import Any, Dict, Iterable, List, Mapping, Optional, Union

from . import csv as _csv
from . import json as _json
from . import toml as _toml
from ._wit import Endpoint, File, WitSubmission
from .errors import Error

__all__ = ["Submission", "file_text"]

Content = Union[str, bytes]


class Submission:
    """What a team submitted for a challenge.

    `answer` is the short answer with surrounding whitespace removed (`raw_answer` as sent);
    `files` and `endpoints` are the contract's `File` and `Endpoint` records.

    Build one in a test with keywords:
    `Submission("my-challenge", "team-1", answer="42", files={"out.csv": "a,b\\n"})`.
    """

    def __init__(
        self,
        challenge: str = "",
        team: str = "",
        *,
        answer: str = "",
        files: Union[Mapping[str, Content], Iterable[File], None] = None,
        endpoints: Union[Mapping[str, str], Iterable[Endpoint], None] = None,
    ):
        self.challenge = challenge
        self.team = team
        self.raw_answer = answer
        self.files: List[File] = []
        self.endpoints: List[Endpoint] = []
        if isinstance(files, Mapping):
            for path, content in files.items():
                self.add_file(path, content)
        else:
            self.files.extend(files or ())
        if isinstance(endpoints, Mapping):
            for name, url in endpoints.items():
                self.endpoints.append(Endpoint(name, url))
        else:
            self.endpoints.extend(endpoints or ())

    @classmethod
    def from_wit(cls, record: WitSubmission) -> "Submission":
        """The submission the host passed in (the contract's `submission` record)."""
        return cls(
            record.challenge,
            record.team,
            answer=record.answer,
            files=record.files,
            endpoints=record.endpoints,
        )

    def add_file(self, path: str, content: Content) -> "Submission":
        """Adds a file (text is stored as UTF-8); returns the submission, for chaining."""
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        self.files.append(File(path, data))
        return self

    @property
    def answer(self) -> str:
        """The short answer with surrounding whitespace removed."""
        return self.raw_answer.strip()

    def endpoint(self, name: str) -> str:
        """The URL the team set for its endpoint `name` (one of the manifest's `[network]
        team_endpoints`), or an `Error` telling the team to set it."""
        for endpoint in self.endpoints:
            if endpoint.name == name and endpoint.url.strip():
                return endpoint.url.strip()
        raise Error(
            f"Set your team's endpoint `{name}` in the workspace's Endpoints panel, then "
            "submit again."
        )

    def file(self, path: str) -> File:
        """The submitted file at `path`, or an `Error` listing what was submitted instead.

        Paths match exactly after normalising `\\` to `/` and dropping a leading `./` or
        `/`, so `"./out.csv"` finds `out.csv`. Paths are case-sensitive; the error suggests
        a file that differs only in case or sits in a sub-folder."""
        wanted = _normalize(path)
        found = self.find_file(wanted)
        if found is None:
            raise Error(self._missing_file_message(wanted))
        return found

    def find_file(self, path: str) -> Optional[File]:
        """The submitted file at `path`, if any (same matching as `file`)."""
        wanted = _normalize(path)
        return next((f for f in self.files if _normalize(f.path) == wanted), None)

    def has_file(self, path: str) -> bool:
        """Whether a file was submitted at `path`."""
        return self.find_file(path) is not None

    def paths(self) -> List[str]:
        """The paths of the submitted files, in submission order."""
        return [f.path for f in self.files]

    def text(self, path: str) -> str:
        """The file at `path` as UTF-8 text (a leading byte-order mark is dropped)."""
        return file_text(self.file(path))

    def json(self, path: str) -> Any:
        """The file at `path` parsed as JSON; the error names the file and the place."""
        text = self.text(path)
        try:
            return _json.parse(text)
        except Error as e:
            raise e.context(f"`{path}`") from None

    def toml(self, path: str) -> Dict[str, Any]:
        """The file at `path` parsed as TOML into a dict; the error names the file."""
        text = self.text(path)
        try:
            return _toml.parse(text)
        except Error as e:
            raise e.context(f"`{path}`") from None

    def csv(self, path: str, delimiter: str = ",") -> _csv.Table:
        """The file at `path` parsed as comma-separated values with a header row."""
        text = self.text(path)
        try:
            return _csv.Table.parse(text, delimiter)
        except Error as e:
            raise e.context(f"`{path}`") from None

    def _missing_file_message(self, wanted: str) -> str:
        message = f"`{wanted}` is missing from the submission"
        lower = wanted.lower()
        base = wanted.rsplit("/", 1)[-1]
        case = next((f for f in self.files if _normalize(f.path).lower() == lower), None)
        folder = next(
            (f for f in self.files if _normalize(f.path).rsplit("/", 1)[-1] == base), None
        )
        if case is not None:
            message += f" (found `{case.path}`: file names are case-sensitive)"
        elif folder is not None:
            message += f" (found `{folder.path}`: submit it as `{wanted}`)"
        elif not self.files:
            message += " (no files were submitted)"
        else:
            names = ", ".join(f"`{f.path}`" for f in self.files[:10])
            more = ", …" if len(self.files) > 10 else ""
            message += f" (submitted: {names}{more})"
        return message + "."

    def __repr__(self) -> str:
        return (
            f"Submission(challenge={self.challenge!r}, team={self.team!r}, "
            f"answer={self.raw_answer!r}, files={self.paths()!r})"
        )


def file_text(file: File) -> str:
    """A file's content as UTF-8 text, without a leading byte-order mark; the error names the
    file and the line of the first invalid byte."""
    data = bytes(file.content)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise Error(
            f"`{file.path}` is not UTF-8 text (invalid byte on line {line}); save it as UTF-8"
        ) from None


def _normalize(path: str) -> str:
    """`\\` → `/`, and no leading `./` or `/`."""
    path = path.strip().replace("\\", "/")
    while True:
        if path.startswith("./"):
            path = path[2:]
        elif path.startswith("/"):
            path = path[1:]
        else:
            return path
