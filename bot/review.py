"""Curators review drafts: approve one into the sheet (with edits), or reject it.

The file holding the draft is rewritten only if the whole sheet still passes every check
`factbot check` makes (three phrasings of a curated fact, a verbatim quote, no near-duplicate
question…); it is written atomically under a lock, so a running server (and every replica
sharing the folder) reloads a sheet that is whole. Comment lines at the top of the file are
kept; the rest is written out again by PyYAML.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from bot.articles import Article
from bot.drafts import field_of, locked, replace_atomically
from bot.factsheet import Fact, FactSheet, read_sheet, sheet_files

EDITABLE = ("questions", "answer", "quote")


def drafts_to_review(sheet: FactSheet) -> list[Fact]:
    """The sheet's drafts, in file order."""
    return [f for f in sheet.facts if f.status == "draft"]


def approve(
    sheet_path: Path,
    articles: dict[str, Article],
    fact_id: str,
    edits: dict[str, Any] | None = None,
) -> dict[str, str]:
    """Make a draft a curated fact (after `edits` to its questions, answer or quote). Returns
    {field: problem} and writes nothing when the result would not pass `factbot check`."""

    def change(entry: dict[str, Any], facts: list[Any]) -> None:
        for key, value in (edits or {}).items():
            if key in EDITABLE:
                entry[key] = value
        entry["status"] = "curated"
        tags = [t for t in entry.get("tags") or [] if t != "draft"]
        if tags:
            entry["tags"] = tags
        else:
            entry.pop("tags", None)

    return _rewrite(sheet_path, articles, fact_id, change)


def reject(sheet_path: Path, articles: dict[str, Article], fact_id: str) -> dict[str, str]:
    """Delete a draft from its file."""

    def change(entry: dict[str, Any], facts: list[Any]) -> None:
        facts.remove(entry)

    return _rewrite(sheet_path, articles, fact_id, change)


def _rewrite(
    sheet_path: Path, articles: dict[str, Article], fact_id: str, change: Any
) -> dict[str, str]:
    for file in sheet_files(sheet_path):
        with locked(file):
            text = file.read_text(encoding="utf-8")
            data = yaml.safe_load(text) or {}
            facts = data.get("facts") if isinstance(data, dict) else None
            entry = next(
                (e for e in facts or [] if isinstance(e, dict) and str(e.get("id")) == fact_id),
                None,
            )
            if entry is None:
                continue
            if entry.get("status") != "draft":
                return {"id": f"'{fact_id}' is not a draft"}
            change(entry, facts)
            comments = [ln for ln in text.splitlines() if ln.startswith("#")]
            kept = "\n".join(comments) + ("\n" if comments else "")
            new = kept + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
            errors = _problems_with(sheet_path, file, new, articles, fact_id)
            if errors:
                return errors
            replace_atomically(file, new)
            return {}
    return {"id": f"'{fact_id}' is no longer in the sheet"}


def _problems_with(
    sheet_path: Path, file: Path, text: str, articles: dict[str, Article], fact_id: str
) -> dict[str, str]:
    """What `factbot check` would say of the sheet with `file` replaced by `text`, about this
    fact (or the sheet as a whole)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "sheet"
        if sheet_path.is_dir():
            shutil.copytree(sheet_path, copy, ignore=shutil.ignore_patterns(".*"))
            (copy / file.name).write_text(text, encoding="utf-8")
        else:
            copy.mkdir()
            (copy / file.name).write_text(text, encoding="utf-8")
        _, problems = read_sheet(copy, articles)
    errors: dict[str, str] = {}
    for problem in problems:
        if problem.fact_id in (fact_id, "") or fact_id in problem.message:
            errors.setdefault(
                field_of(problem), problem.message.replace(str(copy), str(sheet_path))
            )
    return errors
