"""The SDK's errors: `Error` for the team's mistakes, `ConfigError` for the author's."""


class Error(Exception):
    """A problem with a submission, worded for the team ("`report.json` is missing",
    "line 4: `abc` is not a number").

    Raised inside a function decorated with `judge`, it becomes a failed `submission` check:
    the team sees the message. Any *other* exception is a bug of the validator: the run ends
    as a validator error, its traceback goes to the run's log for the authors, and it never
    counts against the team.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def context(self, where: object) -> "Error":
        """This error with where it happened in front: `context("pipeline.toml")` turns
        "bad value" into "pipeline.toml: bad value"."""
        return Error(f"{where}: {self.message}")

    def __str__(self) -> str:
        return self.message


class ConfigError(Exception):
    """A setting of the challenge's `[config]` that is missing or malformed: the author's or
    the organizer's mistake, never the team's, so it is not caught by `judge` and the run
    ends as a validator error."""
