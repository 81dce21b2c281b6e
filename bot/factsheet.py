"""The fact sheet: load, validate and describe curated facts, with file:line for every problem."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from bot.articles import Article, fold_whitespace
from bot.bulk import no_gc_pauses
from bot.errors import Problem, SheetError
from bot.yamlfile import fields, line_of, load_yaml

REQUIRED = ("id", "questions", "answer", "quote", "article")
KNOWN = {*REQUIRED, "tags", "status"}
MIN_PHRASINGS = 3
STATUSES = ("curated", "draft")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Fact:
    """One curated fact: how people ask it, the answer, and the verbatim quote behind it."""

    id: str
    questions: tuple[str, ...]
    answer: str
    quote: str
    article: str
    tags: tuple[str, ...] = ()
    status: str = "curated"
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class FactSheet:
    """Facts, glossary alias groups and the articles they cite."""

    facts: tuple[Fact, ...]
    glossary: tuple[tuple[str, ...], ...]
    articles: dict[str, Article] = field(default_factory=dict)
    # The sheet's own synonym groups: they extend, and for the words they hold override, the
    # general English ones (bot/data/synonyms.yml).
    synonyms: tuple[tuple[str, ...], ...] = ()
    # Names of the sheet's world that its articles do not capitalise (places, products, ...).
    names: tuple[str, ...] = ()

    def fact(self, fact_id: str) -> Fact | None:
        """The fact with this id, if any."""
        return next((f for f in self.facts if f.id == fact_id), None)

    def article_of(self, fact: Fact) -> Article:
        """The article a fact comes from."""
        return self.articles[fact.article]

    @property
    def curated(self) -> tuple[Fact, ...]:
        """Facts a curator has approved; drafts are never served as answers."""
        return tuple(f for f in self.facts if f.status == "curated")


def bundled_sheet_path() -> Path:
    """The fact sheet shipped inside the package: a folder of YAML files."""
    return Path(str(resources.files("bot"))) / "data" / "facts"


def sheet_files(path: Path) -> list[Path]:
    """The YAML files that make up a sheet: the file itself, or a folder's *.yml in name order."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml"))
    return [path]


def read_sheet(path: Path, articles: dict[str, Article]) -> tuple[FactSheet, list[Problem]]:
    """Parse and validate a sheet; return what is usable and every problem found."""
    with no_gc_pauses():
        return _read_sheet(path, articles)


def _read_sheet(path: Path, articles: dict[str, Article]) -> tuple[FactSheet, list[Problem]]:
    problems: list[Problem] = []
    facts: list[Fact] = []
    glossary: list[tuple[str, ...]] = []
    synonyms: list[tuple[str, ...]] = []
    names: list[str] = []
    files = sheet_files(path)
    if not path.exists():
        return FactSheet((), (), articles), [Problem(str(path), 1, "", "no such file", fatal=True)]
    if not files:
        return FactSheet((), (), articles), [
            Problem(str(path), 1, "", "folder holds no .yml files", fatal=True)
        ]
    for file in files:
        file_facts, file_glossary, file_problems, extra = _read_file(file, articles)
        facts += file_facts
        glossary += file_glossary
        problems += file_problems
        synonyms += extra.get("synonyms", [])
        names += extra.get("names", [])
    problems += _cross_fact_problems(facts)
    problems += _glossary_problems(glossary, str(path))
    sheet = FactSheet(
        tuple(facts), tuple(glossary), articles, tuple(synonyms), tuple(dict.fromkeys(names))
    )
    return sheet, problems


def load_sheet(path: Path, articles: dict[str, Article]) -> FactSheet:
    """Load a sheet that passes every check, or raise SheetError listing all problems."""
    sheet, problems = read_sheet(path, articles)
    if problems:
        raise SheetError(problems)
    return sheet


TOP_LEVEL = ("facts", "glossary", "synonyms", "names")


def _read_file(
    file: Path, articles: dict[str, Article]
) -> tuple[list[Fact], list[tuple[str, ...]], list[Problem], dict]:
    name = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [], [Problem(name, 1, "", f"cannot read: {exc}", fatal=True)], {}
    data, problems = load_yaml(text, name)
    if problems:
        return [], [], problems, {}
    if data is None:
        # An emptied file is a mistake, not a sheet with nothing in it: the last good sheet
        # keeps serving until it is fixed.
        return [], [], [Problem(name, 1, "", "file is empty: expected 'facts'", fatal=True)], {}
    if not isinstance(data, dict):
        return (
            [],
            [],
            [Problem(name, 1, "", "expected a mapping with 'facts' and 'glossary'", fatal=True)],
            {},
        )
    problems += [
        Problem(name, line_of(data, key), "", f"unknown top-level key '{key}'")
        for key in fields(data)
        if key not in TOP_LEVEL
    ]
    glossary = _read_glossary(data, name, problems)
    extra = {
        "synonyms": _read_glossary(data, name, problems, key="synonyms"),
        "names": _read_names(data, name, problems),
    }
    raw_facts = data.get("facts") or []
    if not isinstance(raw_facts, list):
        problems.append(Problem(name, line_of(data, "facts"), "", "'facts' must be a list"))
        raw_facts = []
    facts = []
    for raw in raw_facts:
        fact = _read_fact(raw, name, line_of(data, "facts"), articles, problems)
        if fact is not None:
            facts.append(fact)
    return facts, glossary, problems, extra


def _read_names(data: dict, name: str, problems: list[Problem]) -> list[str]:
    raw = data.get("names") or []
    if not isinstance(raw, list) or not all(isinstance(n, str) and n.strip() for n in raw):
        problems.append(
            Problem(name, line_of(data, "names"), "", "'names' must be a list of names (strings)")
        )
        return []
    return [n.strip() for n in raw]


def _read_glossary(
    data: dict, name: str, problems: list[Problem], key: str = "glossary"
) -> list[tuple[str, ...]]:
    raw = data.get(key) or []
    line = line_of(data, key)
    what = "alias" if key == "glossary" else "synonym"
    if not isinstance(raw, list):
        problems.append(Problem(name, line, "", f"'{key}' must be a list of {what} lists"))
        return []
    groups = []
    for offset, group in enumerate(raw, start=1):
        if (
            not isinstance(group, list)
            or len(group) < 2
            or not all(isinstance(a, str) for a in group)
        ):
            problems.append(
                Problem(
                    name,
                    line + offset,
                    "",
                    f"{key} entry {group!r}: need a list of 2+ {'names' if key == 'glossary' else 'words'}",
                )
            )
            continue
        groups.append(tuple(a.strip() for a in group))
    return groups


def _read_fact(
    raw: object, name: str, parent_line: int, articles: dict[str, Article], problems: list[Problem]
) -> Fact | None:
    if not isinstance(raw, dict):
        problems.append(Problem(name, parent_line, "", f"each fact must be a mapping, got {raw!r}"))
        return None
    values = fields(raw)
    fact_id = values.get("id")
    line = line_of(raw)
    label = str(fact_id) if fact_id is not None else "?"
    before = len(problems)
    problems += [
        Problem(name, line, label, f"missing field '{k}'") for k in REQUIRED if k not in values
    ]
    if fact_id is not None and (not isinstance(fact_id, str) or not _ID.match(fact_id)):
        problems.append(
            Problem(name, line_of(raw, "id"), label, "id must be a slug of a-z, 0-9 and '-'")
        )
    questions = values.get("questions")
    if "questions" in values and (
        not isinstance(questions, list)
        or not questions
        or not all(isinstance(q, str) and q.strip() for q in questions)
    ):
        problems.append(
            Problem(
                name, line_of(raw, "questions"), label, "questions must be a non-empty list of text"
            )
        )
    for key in ("answer", "quote", "article"):
        if key in values and (not isinstance(values[key], str) or not values[key].strip()):
            problems.append(
                Problem(name, line_of(raw, key), label, f"'{key}' must be non-empty text")
            )
    tags = values.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(Problem(name, line_of(raw, "tags"), label, "tags must be a list of words"))
        tags = []
    status = values.get("status", "curated")
    if status not in STATUSES:
        problems.append(
            Problem(
                name, line_of(raw, "status"), label, f"status must be one of {', '.join(STATUSES)}"
            )
        )
    if len(problems) > before:
        return None
    if status == "curated" and len(questions) < MIN_PHRASINGS:
        # One phrasing is rarely what people type; the matcher needs a few ways of asking.
        problems.append(
            Problem(
                name,
                line_of(raw, "questions"),
                label,
                f"a curated fact needs at least {MIN_PHRASINGS} phrasings (has {len(questions)})",
            )
        )
    # Unknown fields are reported but do not hide the fact's other problems.
    problems += [
        Problem(name, line_of(raw, k), label, f"unknown field '{k}'")
        for k in values
        if k not in KNOWN
    ]
    article = articles.get(values["article"])
    if article is None:
        problems.append(
            Problem(name, line_of(raw, "article"), label, f"unknown article '{values['article']}'")
        )
    elif fold_whitespace(values["quote"]) not in fold_whitespace(article.text):
        problems.append(
            Problem(name, line_of(raw, "quote"), label, f"quote not found verbatim in {article.id}")
        )
    return Fact(
        id=fact_id,
        questions=tuple(q.strip() for q in questions),
        answer=fold_whitespace(values["answer"]),
        quote=fold_whitespace(values["quote"]),
        article=values["article"],
        tags=tuple(tags),
        status=status,
        file=name,
        line=line,
    )


def _cross_fact_problems(facts: list[Fact]) -> list[Problem]:
    """Duplicate ids, and questions that two facts share exactly or nearly."""
    from bot.matching.duplicates import near_duplicate_questions  # the matcher owns normalisation

    problems = []
    seen: dict[str, Fact] = {}
    for fact in facts:
        if fact.id in seen:
            first = seen[fact.id]
            problems.append(
                Problem(
                    fact.file,
                    fact.line,
                    fact.id,
                    f"duplicate id (first at {first.file}:{first.line})",
                )
            )
        else:
            seen[fact.id] = fact
    for a, qa, b, qb, exact in near_duplicate_questions(facts):
        kind = "duplicate" if exact else "near-duplicate"
        problems.append(
            Problem(
                b.file, b.line, b.id, f"{kind} question {qb!r} ~ {a.id}: {qa!r} ({a.file}:{a.line})"
            )
        )
    return problems


def _glossary_problems(glossary: list[tuple[str, ...]], name: str) -> list[Problem]:
    owner: dict[str, tuple[str, ...]] = {}
    problems = []
    for group in glossary:
        for alias in group:
            key = alias.casefold()
            if key in owner and owner[key] is not group:
                problems.append(
                    Problem(
                        name,
                        1,
                        "",
                        f"glossary alias {alias!r} is in two groups: {owner[key][0]} and {group[0]}",
                    )
                )
            owner.setdefault(key, group)
    return problems
