"""The domain core every edge uses: the current fact sheet, its matcher, and answering."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from bot import buildcache
from bot.articles import Article, load_articles
from bot.errors import Problem, SheetError
from bot.factsheet import Fact, FactSheet, read_sheet, sheet_files
from bot.matcher import Matcher, Result, Turn
from bot.matching.followup import follow_up
from bot.metrics import metrics
from bot.project import locate

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A validated sheet, its matcher, and when and from what it was loaded."""

    sheet: FactSheet
    matcher: Matcher
    loaded_at: dt.datetime
    mtimes: tuple[float, ...]


def _mtimes(sheet_path: Path, articles_dir: Path) -> tuple[float, ...]:
    paths = [*sheet_files(sheet_path), articles_dir / "articles.yml"]
    return tuple(p.stat().st_mtime if p.exists() else 0.0 for p in paths)


def load(sheet_path: Path, articles_dir: Path) -> Loaded:
    """Load and validate articles and sheet; raise SheetError with every problem. A sheet
    whose files (and FactBot's) are unchanged since it last passed comes from the build cache."""
    mtimes = _mtimes(sheet_path, articles_dir)
    cache_key = buildcache.key(sheet_path, articles_dir)
    cached = buildcache.read(cache_key) if cache_key else None
    if cached is not None:
        sheet, matcher = cached
        matcher.attach_semantic()
        return Loaded(sheet, matcher, dt.datetime.now(dt.UTC), mtimes)
    articles, problems = load_articles(articles_dir)
    sheet, sheet_problems = read_sheet(sheet_path, articles)
    problems += sheet_problems
    if problems:
        raise SheetError(problems)
    matcher = Matcher(sheet)
    if cache_key and len(sheet.facts) <= buildcache.MAX_FACTS:
        buildcache.write(cache_key, (sheet, matcher))
    return Loaded(sheet, matcher, dt.datetime.now(dt.UTC), mtimes)


class Core:
    """Holds the serving sheet; swaps in a new one only after it passes every check."""

    def __init__(self, sheet_path: Path | None = None, articles_dir: Path | None = None) -> None:
        # A folder made by `factbot init` holds both; otherwise the bundled ones fill in.
        self.sheet_path, self.articles_dir = locate(
            Path(sheet_path) if sheet_path else None, Path(articles_dir) if articles_dir else None
        )
        self._loaded = load(self.sheet_path, self.articles_dir)
        self._lock = threading.Lock()

    @property
    def sheet(self) -> FactSheet:
        return self._loaded.sheet

    @property
    def matcher(self) -> Matcher:
        """The matcher over the current sheet."""
        return self._loaded.matcher

    @property
    def loaded_at(self) -> dt.datetime:
        return self._loaded.loaded_at

    def answer(self, question: str) -> Result:
        """Match a question against the current sheet."""
        result = self._loaded.matcher.match(question)
        metrics().answers.labels(result.outcome).inc()
        return result

    def find_source(self, message: str) -> Result:
        """The curated fact a posted message restates, if one says what it says."""
        return self._loaded.matcher.match_claim(message)

    def answer_in_thread(self, previous: Turn | None, question: str) -> tuple[Result, str]:
        """A question in a thread, read in the light of the bot's last reply there (bot/
        matching/followup.py); also the question it was taken as, for the next follow-up."""
        result, taken_as = follow_up(self._loaded.matcher, previous, question)
        metrics().answers.labels(result.outcome).inc()
        return result, taken_as

    def fact(self, fact_id: str) -> Fact | None:
        """A curated fact, or an answer about a source (its date, outlet, headline, photos)."""
        return self._loaded.sheet.fact(fact_id) or self._loaded.matcher.source_facts.get(fact_id)

    def article(self, fact: Fact) -> Article:
        return self._loaded.sheet.article_of(fact)

    def changed(self) -> bool:
        """Whether any sheet or article metadata file changed since the last load."""
        return _mtimes(self.sheet_path, self.articles_dir) != self._loaded.mtimes

    def reload(self) -> list[Problem]:
        """Try to load the sheet again; keep the last good one on any problem and return them."""
        with self._lock:
            try:
                fresh = load(self.sheet_path, self.articles_dir)
            except SheetError as exc:
                for problem in exc.problems:
                    log.error("fact sheet not reloaded: %s", problem)
                # Remember the broken files' times so a broken edit is reported once, not every poll.
                self._loaded = Loaded(
                    self._loaded.sheet,
                    self._loaded.matcher,
                    self._loaded.loaded_at,
                    _mtimes(self.sheet_path, self.articles_dir),
                )
                return exc.problems
            gone = sorted(
                {f.id for f in self._loaded.sheet.facts} - {f.id for f in fresh.sheet.facts}
            )
            if gone:
                log.warning(
                    "fact sheet reload dropped %d fact(s): %s%s",
                    len(gone),
                    ", ".join(gone[:10]),
                    " ..." if len(gone) > 10 else "",
                )
            self._loaded = fresh
            log.info("fact sheet loaded: %d facts from %s", len(fresh.sheet.facts), self.sheet_path)
            return []
