"""Draft candidate facts from articles and merge them into a sheet without touching curated ones."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from bot.articles import Article
from bot.factsheet import sheet_files

# A sentence worth a draft names a number, a date, or a capitalised name beyond its first word.
_INTERESTING = re.compile(
    r"\d|\b(January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b|(?<!^)(?<![.!?] )\b[A-Z][a-z]+ [A-Z][a-z]+"
)
_MIN_WORDS = 6


def draft_id(article: Article, sentence: str) -> str:
    """A stable id: the article's number plus a short hash of the sentence."""
    digest = hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:8]
    return f"draft-{article.id.split('_')[0]}-{digest}"


def draft_facts(articles: dict[str, Article]) -> list[dict]:
    """One draft per interesting sentence: the sentence is both quote and answer."""
    drafts = []
    for article in articles.values():
        for sentence in article.sentences():
            if len(sentence.split()) < _MIN_WORDS or not _INTERESTING.search(sentence):
                continue
            words = re.findall(r"[A-Za-z0-9][\w,.-]*", sentence)
            drafts.append(
                {
                    "id": draft_id(article, sentence),
                    "questions": [" ".join(words[:12])],
                    "answer": sentence,
                    "quote": sentence,
                    "article": article.id,
                    "tags": ["draft"],
                    "status": "draft",
                }
            )
    return drafts


def existing_quotes_and_ids(sheet: Path) -> tuple[set[str], set[str]]:
    """Ids and whitespace-folded quotes already in a sheet (file or folder)."""
    ids, quotes = set(), set()
    if not sheet.exists():
        return ids, quotes
    for file in sheet_files(sheet):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for fact in data.get("facts") or []:
            if isinstance(fact, dict):
                ids.add(str(fact.get("id")))
                quotes.add(" ".join(str(fact.get("quote", "")).split()))
    return ids, quotes


def merge_drafts(articles: dict[str, Article], sheet: Path, target: Path) -> int:
    """Append drafts whose sentence no fact quotes yet to `target`; return how many were added.

    Curated facts are never rewritten: new drafts are appended as text to the target file, so
    comments and layout survive, and running it twice adds nothing the second time.
    """
    ids, quotes = existing_quotes_and_ids(sheet)
    if target != sheet:
        more_ids, more_quotes = existing_quotes_and_ids(target)
        ids |= more_ids
        quotes |= more_quotes
    new = [
        d
        for d in draft_facts(articles)
        if d["id"] not in ids and not any(d["quote"] in q or q in d["quote"] for q in quotes if q)
    ]
    if not new:
        return 0
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    chunk = yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=100)
    if not existing.strip():
        text = "facts:\n" + _indent(chunk)
    elif re.search(r"^facts:\s*$", existing, re.MULTILINE):
        text = existing.rstrip("\n") + "\n" + _indent(chunk)
    else:
        text = existing.rstrip("\n") + "\nfacts:\n" + _indent(chunk)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return len(new)


def _indent(chunk: str) -> str:
    return "".join(f"  {line}\n" if line else "\n" for line in chunk.splitlines())
