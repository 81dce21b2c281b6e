"""Expected failures, each turned into a clear message at the edge (CLI, Slack, logs)."""

from __future__ import annotations

from dataclasses import dataclass


class FactBotError(Exception):
    """Base class for failures FactBot expects and explains. `exit_code` is what the command
    line exits with: 2 for unusable input or settings, 1 for what could not be done now."""

    exit_code = 2


class ConfigError(FactBotError):
    """A setting is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file, printed as `file:line: fact-id: message`.

    `fatal` marks input that cannot be used at all (unreadable file, bad YAML).
    """

    file: str
    line: int
    fact_id: str
    message: str
    fatal: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: {self.fact_id}: {self.message}"
            if self.fact_id
            else f"{where}: {self.message}"
        )


class StoreUnavailable(FactBotError):
    """The store could not be read or written (read-only, vanished, locked too long)."""

    exit_code = 1


class SlackUnavailable(FactBotError):
    """Slack cannot be reached or refused the app at start (`exit_code` says which)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class NothingYet(FactBotError):
    """There is nothing to work on yet (no database before the first question)."""

    exit_code = 1


class SheetError(FactBotError):
    """A fact sheet or article file cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
