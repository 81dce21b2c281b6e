"""Articles: the seed texts, their curated metadata, and what their own headers say."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bot.errors import Problem, SheetError
from bot.yamlfile import fields, line_of, load_yaml

METADATA_FILE = "articles.yml"
_REQUIRED = ("id", "file", "title", "date")
_KNOWN = {*_REQUIRED, "title_descriptive", "outlet", "url", "byline", "confirm"}

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*(.*)$", re.MULTILINE)
_SOURCE_LINE = re.compile(
    r"Source:\s*(?P<outlet>[^|\n]+?)\s*\|\s*Date:\s*(?P<date>\d{4}-\d{2}-\d{2})"
)
_BYLINE = re.compile(
    r"^\(?(?P<outlet>[A-Z][\w .&'-]+?)\)\s+\d{1,2}:\d{2},\s+(?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})",
    re.MULTILINE,
)
# Plain Markdown or text: "# Title", "Date: 2024-05-02", "By Jane Doe, The Weekly".
_MARKDOWN_TITLE = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$")
_LABELLED_DATE = re.compile(r"^\s*(?:Date|Published|Updated)\s*:\s*(\d{4}-\d{2}-\d{2})\s*$", re.I)
_BY_LINE = re.compile(r"^\s*By\s+(?P<byline>[^,\n|]+?)\s*(?:[,|]\s*(?P<outlet>[^\n]+?))?\s*$")
_OTHER_HEADER = re.compile(r"^\s*(?:Source|Author|Outlet)\s*:", re.I)
_CAPTION = re.compile(
    r"^\s*[\[(]?\s*(?:Photo|Image|Picture|Caption)\b|/(?:Xinhua|AFP|Reuters)\b", re.I
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z“\"(])")


@dataclass(frozen=True, slots=True)
class ParsedHeader:
    """What an article's own text says about itself; any part may be missing."""

    title: str | None
    outlet: str | None
    date: dt.date | None
    byline: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One source article with its curated metadata."""

    id: str
    title: str
    title_descriptive: bool
    outlet: str | None
    date: dt.date
    url: str | None
    text: str
    path: str

    @property
    def source(self) -> str:
        """Title and outlet as shown beside an answer."""
        title = f"{self.title} (descriptive title)" if self.title_descriptive else self.title
        return f"{title}, {self.outlet}" if self.outlet else title

    def sentences(self) -> list[str]:
        """The body split into sentences, whitespace folded."""
        body = fold_whitespace(self.text)
        return [s.strip() for s in _SENTENCE_END.split(body) if s.strip()]

    def body_sentences(self) -> list[str]:
        """Sentences of the body only: no header line (headline, date, byline, source), no
        caption or photo credit, no heading (a line that does not end like a sentence)."""
        sentences = []
        for paragraph in body_paragraphs(self.text):
            sentences += [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]
        return sentences


def fold_whitespace(text: str) -> str:
    """Collapse every run of whitespace (including non-breaking spaces) to one space."""
    return " ".join(text.split())  # str.split() knows every Unicode space, NBSP included


def body_paragraphs(text: str) -> list[str]:
    """The article's paragraphs of running text, header and captions left out."""
    header = parse_header(text)
    paragraphs = []
    for index, line in enumerate(text.replace("\u00a0", " ").splitlines()):
        line = line.strip()
        if not line:
            continue
        if m := _DATE_LINE.match(line):
            rest = m.group(2).strip()
            if not rest or _headline(rest):
                continue
            line = rest  # " date 2021-03-11 <first sentence of the body>"
        if index < 8 and (
            _MARKDOWN_TITLE.match(line)
            or _LABELLED_DATE.match(line)
            or _BY_LINE.match(line)
            or _OTHER_HEADER.match(line)
            or _SOURCE_LINE.search(line)
            or _BYLINE.match(line)
            or (header.title and fold(line) == fold(header.title))
        ):
            continue
        if _CAPTION.search(line) or line[-1] not in '.!?"”’)':
            continue  # a caption, a credit, a heading
        paragraphs.append(fold_whitespace(line))
    return paragraphs


def parse_header(text: str) -> ParsedHeader:
    """Read title, outlet and date from the inconsistent headers the seed articles carry.

    Seen: ` date 2021-03-11 <first sentence>`, ` date 2023-11-08 <headline>`, a headline line
    followed by `Source:X | Date:YYYY-MM-DD`, and a `(China Daily) 14:02, September 20, 2021`
    byline. A first line counts as a headline only when short and not ending like a sentence.
    """
    text = text.replace("\u00a0", " ")
    title = outlet = byline = None
    date = None
    top = [ln for ln in text.splitlines() if ln.strip()][:8]
    if m := _DATE_LINE.search(text):
        date = _parse_date(m.group(1))
        title = _headline(m.group(2))
    else:
        first = top[0] if top else ""
        heading = _MARKDOWN_TITLE.match(first)
        title = heading.group(1).strip() if heading else _headline(first)
    for line in top:
        if (m := _LABELLED_DATE.match(line)) and date is None:
            date = _parse_date(m.group(1))
        if (m := _BY_LINE.match(line)) and byline is None:
            byline = m.group("byline").strip()
            outlet = m.group("outlet").strip() if m.group("outlet") else outlet
    if m := _SOURCE_LINE.search(text):
        outlet = m.group("outlet").replace("_", " ").strip()
        date = date or _parse_date(m.group("date"))
    if m := _BYLINE.search(text):
        outlet = outlet or m.group("outlet").strip()
        byline_date = _parse_long_date(m.group("date"))
        date = date or byline_date
    return ParsedHeader(title=title, outlet=outlet, date=date, byline=byline)


def _headline(line: str) -> str | None:
    line = line.strip()
    if not line or len(line) > 160 or line[-1] in '.!?"”':
        return None
    return line


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _parse_long_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%B %d, %Y").date()
    except ValueError:
        return None


def bundled_articles_dir() -> Path:
    """The articles shipped with the package, or the checkout's `seeds/` when run from source."""
    packaged = Path(str(resources.files("bot"))) / "seeds"
    if (packaged / METADATA_FILE).is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "seeds"


def load_articles(directory: Path | None = None) -> tuple[dict[str, Article], list[Problem]]:
    """Load `articles.yml` and each article's text; return the usable ones and every problem."""
    directory = directory or bundled_articles_dir()
    meta_path = directory / METADATA_FILE
    name = str(meta_path)
    try:
        raw = meta_path.read_text(encoding="utf-8")
    except OSError as exc:
        return {}, [Problem(name, 1, "", f"cannot read: {exc.strerror or exc}", fatal=True)]
    data, problems = load_yaml(raw, name)
    if problems:
        return {}, problems
    if not isinstance(data, list):
        return {}, [Problem(name, 1, "", "expected a list of articles", fatal=True)]
    articles: dict[str, Article] = {}
    for entry in data:
        if not isinstance(entry, dict):
            problems.append(Problem(name, 1, "", "each article must be a mapping"))
            continue
        article, entry_problems = _article_from(entry, directory, name)
        problems += entry_problems
        if article is None:
            continue
        if article.id in articles:
            problems.append(Problem(name, line_of(entry, "id"), article.id, "duplicate article id"))
            continue
        articles[article.id] = article
    return articles, problems


def _article_from(entry: dict, directory: Path, name: str) -> tuple[Article | None, list[Problem]]:
    values = fields(entry)
    art_id = str(values.get("id", ""))
    line = line_of(entry)
    problems = [
        Problem(name, line, art_id, f"missing field '{key}'")
        for key in _REQUIRED
        if key not in values
    ]
    problems += [
        Problem(name, line_of(entry, key), art_id, f"unknown field '{key}'")
        for key in values
        if key not in _KNOWN
    ]
    if problems:
        return None, problems
    date = values["date"]
    if isinstance(date, str):
        date = _parse_date(date)
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        return None, [
            Problem(
                name, line_of(entry, "date"), art_id, f"bad date {values['date']!r}: use YYYY-MM-DD"
            )
        ]
    path = directory / str(values["file"])
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, [
            Problem(
                name, line_of(entry, "file"), art_id, f"cannot read {path}: {exc.strerror or exc}"
            )
        ]
    article = Article(
        id=art_id,
        title=str(values["title"]),
        title_descriptive=bool(values.get("title_descriptive", False)),
        outlet=values.get("outlet") or None,
        date=date,
        url=values.get("url") or None,
        text=text,
        path=str(path),
    )
    return article, _header_disagreements(article, entry, name)


def _header_disagreements(article: Article, entry: dict, name: str) -> list[Problem]:
    """Where the text's own header says something other than the curated metadata."""
    parsed = parse_header(article.text)
    problems = []
    if parsed.date and parsed.date != article.date:
        problems.append(
            Problem(
                name,
                line_of(entry, "date"),
                article.id,
                f"date {article.date} disagrees with the text's header ({parsed.date})",
            )
        )
    if parsed.title and not article.title_descriptive and fold(parsed.title) != fold(article.title):
        problems.append(
            Problem(
                name,
                line_of(entry, "title"),
                article.id,
                f"title disagrees with the text's headline {parsed.title!r}",
            )
        )
    if parsed.title and article.title_descriptive:
        problems.append(
            Problem(
                name,
                line_of(entry, "title"),
                article.id,
                f"title marked descriptive but the text has a headline {parsed.title!r}",
            )
        )
    if parsed.outlet and article.outlet and fold(parsed.outlet) not in fold(article.outlet):
        problems.append(
            Problem(
                name,
                line_of(entry, "outlet"),
                article.id,
                f"outlet {article.outlet!r} disagrees with the text's {parsed.outlet!r}",
            )
        )
    return problems


def fold(text: str) -> str:
    """Case- and quote-insensitive form for comparing titles and outlets."""
    return fold_whitespace(text).casefold().replace("’", "'").replace("‘", "'")


def confirmations(directory: Path | None = None) -> list[str]:
    """Fields `factbot build` guessed and a curator has yet to confirm, one line each."""
    meta = (directory or bundled_articles_dir()) / METADATA_FILE
    try:
        data, problems = load_yaml(meta.read_text(encoding="utf-8"), str(meta))
    except OSError:
        return []
    if problems or not isinstance(data, list):
        return []
    notes = []
    for entry in data:
        if isinstance(entry, dict) and (confirm := fields(entry).get("confirm")):
            what = ", ".join(map(str, confirm)) if isinstance(confirm, list) else str(confirm)
            notes.append(
                f"{meta}:{line_of(entry, 'confirm')}: {fields(entry).get('id')}: confirm {what}"
                " (guessed by factbot build), then delete the `confirm` line"
            )
    return notes


def require_articles(directory: Path | None = None) -> dict[str, Article]:
    """Load articles or raise SheetError when any is unusable."""
    articles, problems = load_articles(directory)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        raise SheetError(fatal)
    return articles


def articles_from_headers(directory: Path) -> dict[str, Article]:
    """Articles for a folder that has texts but no articles.yml: metadata from each header."""
    articles = {}
    for path in sorted(directory.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        header = parse_header(text)
        articles[path.stem] = Article(
            id=path.stem,
            title=header.title or path.stem.replace("_", " "),
            title_descriptive=header.title is None,
            outlet=header.outlet,
            date=header.date or dt.date.fromtimestamp(path.stat().st_mtime),
            url=None,
            text=text,
            path=str(path),
        )
    return articles
