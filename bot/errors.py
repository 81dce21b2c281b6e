"""Expected failures, each turned into a clear message at the edge (CLI, Slack, logs)."""

from __future__ import annotations

from dataclasses import dataclass


class FactBotError(Exception):
    """Base class for failures FactBot expects and explains."""


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


class SheetError(FactBotError):
    """A fact sheet or article file cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
