"""Draft candidate facts from articles and merge them into a sheet without touching curated ones."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import yaml

from bot.articles import METADATA_FILE, Article, parse_header
from bot.errors import Problem, SheetError
from bot.factsheet import sheet_files

# A sentence worth a draft names a number, a date, or a capitalised name beyond its first word.
_INTERESTING = re.compile(
    r"\d|\b(January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b|(?<!^)(?<![.!?] )\b[A-Z][a-z]+ [A-Z][a-z]+"
)
_MIN_WORDS = 6
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
# A date, with the preposition that introduces it: becomes "when".
_DATE = re.compile(
    rf"(?:\b(?i:on|in|since|by|from|until|as of)\s+)?(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    # a bare year only after a preposition: "the 2025 edition" names an edition, not a time
    r"|\b(?i:in|since|by|from|until|as of)\s+(?:19|20)\d{2}\b(?!\s*(?:%|percent|per cent))"
)
# An amount: a number with what it counts ("3,400 exhibitors") or measures ("8.1 percent").
_AMOUNT = re.compile(
    r"(?:\b(?:about|around|nearly|almost|over|more than|some|up to)\s+)?[$€£¥]?(?<![\d:])\d[\d,.]*"
    r"(?![\d:])(?:\s*(?P<measure>%|percent|per cent|(?:million|billion|trillion)"
    r"(?:\s+(?:yuan|dollars|euros|US dollars))?|yuan|dollars|euros|square kilometers|km)"
    r"|\s+(?P<counted>[a-z][a-z-]+))?"
)
# Someone named as the doer: "President Jane Doe said" -> "who said".
_PERSON = re.compile(
    r"\b(?:[A-Z][a-z]+\s+){0,3}[A-Z][a-z]+\s+[A-Z][a-z]+(?=\s+(?:said|says|told|"
    r"announced|wrote|noted|added|stressed|called|sent|signed|leads|led|heads)\b)"
)
# A place after in/at/to/from: becomes "where".
_PLACE = re.compile(r"\b(?:in|at|to|from)\s+(?:the\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


def question_phrasings(sentence: str) -> list[str]:
    """Real questions a sentence answers, asked the way people check a fact: the sentence with
    its amount, date, person or place put as "how many / how much", "when", "who", "where".
    At most one question of each kind; none when the sentence holds none of them."""
    body = sentence.strip().rstrip(".!?;:").strip()
    found = []
    if m := _AMOUNT.search(_DATE.sub(lambda d: "\0" * len(d.group(0)), body)):
        counted = m.group("counted")
        ask = "how much" if m.group("measure") or not counted else f"how many {counted}"
        found.append(_echo(body, m.start(), m.end(), ask))
    if m := _DATE.search(body):
        found.append(_echo(body, m.start(), m.end(), "when"))
    if m := _PERSON.search(body):
        found.append(_echo(body, m.start(), m.end(), "who"))
    if m := _PLACE.search(_DATE.sub(lambda d: "\0" * len(d.group(0)), body)):
        found.append(_echo(body, m.start(), m.end(), "where"))
    return list(dict.fromkeys(q for q in found if q))


def _echo(body: str, start: int, end: int, ask: str) -> str:
    """`body` with body[start:end] asked about: at the start the question leads ("Who said
    ..."), elsewhere it is asked in place ("The fair drew how many exhibitors?")."""
    before = body[:start].rstrip(" ,")
    rest = body[end:]
    if rest.lstrip().startswith(",") and before and ask in ("when", "where"):
        # an aside after the date or place (", the opening day,") goes with it
        rest = rest.lstrip()[1:].partition(",")[2]
    after = rest.lstrip(" ,")
    if not before:
        # "In 2021, X grew" -> "X grew when"; "Jane Doe said" -> "Who said"
        question = (f"{after} {ask}" if ask in ("when", "where") else f"{ask} {after}").strip()
    elif not after:
        question = f"{before} {ask}"
    else:
        question = f"{before} {ask} {after}"
    question = " ".join(question.split())
    if len(question.split()) < 3:
        return ""
    return question[0].upper() + question[1:] + "?"


def draft_id(article: Article, sentence: str) -> str:
    """A stable id: the article's id plus a short hash of the sentence."""
    digest = hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:8]
    stem = re.sub(r"[^a-z0-9]+", "-", article.id.lower()).strip("-")[:24]
    return f"draft-{stem}-{digest}"


def draft_facts(articles: dict[str, Article]) -> list[dict]:
    """One draft per sentence of the body that names an amount, a date, a person or a place:
    the sentence verbatim as the quote (and, until a curator shortens it, the answer)."""
    drafts = []
    for article in articles.values():
        for sentence in article.body_sentences():
            if len(sentence.split()) < _MIN_WORDS or not _INTERESTING.search(sentence):
                continue
            questions = question_phrasings(sentence)
            if not questions:
                continue
            drafts.append(
                {
                    "id": draft_id(article, sentence),
                    "questions": questions,
                    "answer": sentence,
                    "quote": sentence,
                    "article": article.id,
                    "tags": ["draft"],
                    "status": "draft",
                }
            )
    return drafts


TEXT_SUFFIXES = (".txt", ".md")


def register_articles(folder: Path) -> list[dict]:
    """Add an articles.yml entry for each text in `folder` that has none, from what its header
    says; a field the header did not give is guessed and listed under `confirm` for a curator.
    Entries already there are never changed. Returns the new entries."""
    meta = folder / METADATA_FILE
    raw = meta.read_text(encoding="utf-8") if meta.exists() else ""
    data = yaml.safe_load(raw) if raw.strip() else []
    if not isinstance(data, list):
        raise SheetError([Problem(str(meta), 1, "", "expected a list of articles", fatal=True)])
    entries = [e for e in data if isinstance(e, dict)]
    files = {str(e.get("file")) for e in entries}
    ids = {str(e.get("id")) for e in entries}
    new = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in TEXT_SUFFIXES):
        if path.name in files:
            continue
        text = path.read_text(encoding="utf-8")
        header = parse_header(text)
        confirm = []
        title = header.title
        if not title:
            title = path.stem.replace("_", " ").replace("-", " ").strip().capitalize()
            confirm.append("title")
        date = header.date
        if date is None:
            date = dt.date.fromtimestamp(path.stat().st_mtime)
            confirm.append("date")
        article_id = base = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "article"
        n = 2
        while article_id in ids:
            article_id, n = f"{base}-{n}", n + 1
        ids.add(article_id)
        entry = {
            "id": article_id,
            "file": path.name,
            "title": title,
            "title_descriptive": header.title is None,
            "outlet": header.outlet,
            "byline": header.byline,
            "date": date,
            "url": None,
        }
        if confirm:
            entry["confirm"] = confirm
        new.append(entry)
    if new:
        chunk = yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=100)
        if not entries:  # the template's "[]" (or nothing) gives way to the entries
            kept = [ln for ln in raw.splitlines() if ln.strip().startswith("#")]
            text = "\n".join(kept) + ("\n" if kept else "") + chunk
        else:
            text = raw.rstrip("\n") + "\n" + chunk
        meta.write_text(text, encoding="utf-8")
    return new


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
