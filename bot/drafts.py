"""Draft facts that curators write from the digest: checked, then appended to a drafts file.

The drafts file is a fact sheet file of its own (`facts:` with `status: draft`), never the
curated sheet: a curator reviews it and moves facts across by hand. Every append is checked
exactly as `factbot check <drafts file>` checks, so the file always passes.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.articles import Article
from bot.errors import Problem
from bot.factsheet import FactSheet, read_sheet
from bot.matcher import words

HEADER = (
    "# Draft facts written from FactBot's digest. Not served until a curator checks each one\n"
    "# (`factbot check <this file>`), removes `status: draft` and moves it into the fact sheet.\n"
)
FIELDS = ("id", "questions", "answer", "quote", "article")


@dataclass(frozen=True, slots=True)
class Draft:
    """What a curator typed into the Draft-a-fact form."""

    id: str
    questions: tuple[str, ...]
    answer: str
    quote: str
    article: str

    def entry(self) -> dict[str, object]:
        return {
            "id": self.id,
            "questions": list(self.questions),
            "answer": self.answer,
            "quote": self.quote,
            "article": self.article,
            "status": "draft",
        }


def suggest_id(question: str, taken: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """A slug from the question's first content words, unique among `taken`."""
    skip = {"what", "who", "when", "where", "how", "is", "are", "was", "the", "a", "an", "of", "do"}
    tokens = [w for w in words(question) if w not in skip][:5] or ["draft"]
    base = re.sub(r"-+", "-", "-".join(tokens)).strip("-")[:50] or "draft"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def field_of(problem: Problem) -> str:
    message = problem.message
    for name in FIELDS:
        if f"'{name}'" in message or message.startswith(name) or f" {name} " in f" {message} ":
            return name
    if "duplicate id" in message:
        return "id"
    if "question" in message:
        return "questions"
    return "answer"


def _entry_text(draft: Draft) -> str:
    dumped = yaml.safe_dump(
        [draft.entry()], sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )
    return "".join("  " + line if line.strip() else line for line in dumped.splitlines(True))


def _with_draft(existing: str | None, draft: Draft) -> str:
    if not existing or not existing.strip():
        return HEADER + "facts:\n" + _entry_text(draft)
    data = yaml.safe_load(existing)
    appendable = isinstance(data, dict) and list(data)[-1:] == ["facts"]
    if appendable and isinstance(data["facts"], list) and data["facts"]:
        return existing.rstrip("\n") + "\n" + _entry_text(draft)
    # An empty `facts:` or another layout: write it out again with the draft added.
    data = data if isinstance(data, dict) else {}
    data["facts"] = [*(data.get("facts") or []), draft.entry()]
    return HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _check(text: str, path: Path, articles: dict[str, Article]) -> list[Problem]:
    with tempfile.TemporaryDirectory() as tmp:
        candidate = Path(tmp) / path.name
        candidate.write_text(text, encoding="utf-8")
        _, problems = read_sheet(candidate, articles)
    return [
        Problem(str(path), p.line, p.fact_id, p.message.replace(str(candidate), str(path)), p.fatal)
        for p in problems
    ]


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """One writer at a time, across threads and processes (an flock beside the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def add_draft(draft: Draft, path: Path, sheet: FactSheet) -> dict[str, str]:
    """Append a draft if it passes every check; otherwise return {field: problem} and write nothing.

    The id must also be new to the serving sheet, so the draft can later move into it.
    """
    errors: dict[str, str] = {}
    if sheet.fact(draft.id) is not None:
        errors["id"] = f"'{draft.id}' is already a fact in the sheet: choose another id"
    if not draft.questions:
        errors["questions"] = "give at least one question"
    if errors:
        return errors
    with locked(path):
        existing = path.read_text(encoding="utf-8") if path.exists() else None
        before = (
            {(p.fact_id, p.message) for p in _check(existing, path, sheet.articles)}
            if (existing and existing.strip())
            else set()
        )
        text = _with_draft(existing, draft)
        for problem in _check(text, path, sheet.articles):
            if (problem.fact_id, problem.message) not in before:
                errors.setdefault(field_of(problem), problem.message)
        if errors:
            return errors
        replace_atomically(path, text)
    return {}


def replace_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: a reader (a server reloading the sheet) never sees
    half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
