"""The daily digest's content: facts of the day, yesterday in numbers, what went unanswered.

Pure domain code: no Slack here. bot/slack/digest_job.py turns a Digest into Block Kit, and
`render_text` into what `factbot digest --dry-run` prints.

Rotation: every curated fact is shown once before any is shown again (a *cycle*); within a
cycle the day's facts come from different articles where possible, preferring articles that
were shown least recently. A day's picks are stored, so every channel and every rerun of the
same day shows the same facts.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz

from bot.articles import Article
from bot.factsheet import Fact, FactSheet
from bot.store import AskedQuestion, Store, question_key

# A digest shows at most this many facts of the day (FACTBOT_DIGEST_FACTS is capped here).
MAX_FACTS_SHOWN = 10

GROUP_THRESHOLD = 85.0
MAX_UNANSWERED = 10
WIDTH = 88
_HYPHEN_IN_WORD = re.compile(r"(?<=\w)-(?=\w)")


@dataclass(frozen=True, slots=True)
class FactOfTheDay:
    """A fact with the article it cites."""

    fact: Fact
    article: Article


@dataclass(frozen=True, slots=True)
class Numbers:
    """How yesterday went."""

    asked: int
    answered: int
    ambiguous: int
    declined: int

    @property
    def share_answered(self) -> float | None:
        return self.answered / self.asked if self.asked else None


@dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Near-duplicate unanswered questions: the commonest wording, how often, other wordings."""

    question: str
    count: int
    variants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Digest:
    """Everything one day's digest says."""

    day: dt.date
    facts: tuple[FactOfTheDay, ...]
    numbers: Numbers
    unanswered: tuple[UnansweredGroup, ...]
    more_unanswered: int = 0
    show_unanswered: bool = True


# -- rotation -------------------------------------------------------------------------------
def choose_facts(
    facts: Sequence[Fact],
    n: int,
    *,
    cycle: int,
    shown: set[str],
    history: Sequence[str] = (),
    seed: str = "",
) -> list[tuple[str, int]]:
    """Pick n facts as (fact id, cycle): unshown ones first, spread across articles.

    `shown` are the facts already shown in `cycle`; `history` every shown fact id, newest first
    (it ranks articles by how recently they were shown). When the cycle runs out part-way, the
    rest of the day's facts open the next cycle, never repeating a fact within the day.
    """
    by_id = {f.id: f for f in facts}
    n = min(n, len(by_id))
    rng = random.Random(seed)
    article_last_seen: dict[str, int] = {}
    for age, fid in enumerate(history):
        if fid in by_id:
            article_last_seen.setdefault(by_id[fid].article, age)
    picks: list[tuple[str, int]] = []
    remaining = [f for f in by_id.values() if f.id not in shown]
    if not remaining:
        cycle, remaining = cycle + 1, list(by_id.values())
    while len(picks) < n:
        taken = {fid for fid, _ in picks}
        pool = [f for f in remaining if f.id not in taken]
        want = n - len(picks)
        chosen = _spread(pool, want, article_last_seen, {by_id[fid].article for fid in taken}, rng)
        picks += [(f.id, cycle) for f in chosen]
        if len(picks) < n:
            cycle += 1
            remaining = [f for f in by_id.values() if f.id not in {fid for fid, _ in picks}]
    return picks


def _spread(
    pool: list[Fact],
    want: int,
    last_seen: dict[str, int],
    used_articles: set[str],
    rng: random.Random,
) -> list[Fact]:
    """Up to `want` facts, one per article in turn, least recently shown articles first."""
    by_article: dict[str, list[Fact]] = {}
    for fact in sorted(pool, key=lambda f: f.id):
        by_article.setdefault(fact.article, []).append(fact)
    for group in by_article.values():
        rng.shuffle(group)
    never = len(last_seen) + 1
    articles = sorted(by_article)
    rng.shuffle(articles)
    # Articles never shown first, then the longest ago; today's articles go last.
    articles.sort(key=lambda a: (a in used_articles, -last_seen.get(a, never)))
    chosen: list[Fact] = []
    while len(chosen) < want and any(by_article.values()):
        for article in articles:
            if by_article[article] and len(chosen) < want:
                chosen.append(by_article[article].pop())
    return chosen


def facts_of_the_day(
    store: Store, sheet: FactSheet, day: dt.date, n: int, *, persist: bool = True
) -> list[FactOfTheDay]:
    """The day's facts: those stored for the day, else a fresh choice (stored if `persist`)."""
    curated = {f.id: f for f in sheet.curated}
    ids = store.picks_for(day)
    if ids is None or not any(i in curated for i in ids):
        cycle, shown, history = store.rotation_state()
        picks = choose_facts(
            list(curated.values()),
            n,
            cycle=cycle,
            shown=shown & set(curated),
            history=history,
            seed=day.isoformat(),
        )
        ids = store.save_picks(day, picks) if persist and picks else [fid for fid, _ in picks]
    return [
        FactOfTheDay(curated[i], sheet.articles[curated[i].article]) for i in ids if i in curated
    ]


# -- yesterday ------------------------------------------------------------------------------
def local_day_bounds(day: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a local calendar day as aware datetimes (23 or 25 hours across DST)."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start, end


def numbers_of(questions: Sequence[AskedQuestion]) -> Numbers:
    counts = Counter(q.outcome for q in questions)
    return Numbers(
        asked=len(questions),
        answered=counts["answer"],
        ambiguous=counts["ambiguous"],
        declined=counts["no_match"],
    )


def group_unanswered(
    questions: Sequence[AskedQuestion], threshold: float = GROUP_THRESHOLD
) -> list[UnansweredGroup]:
    """Unanswered questions with near-duplicates folded together, most asked first."""
    by_key: dict[str, Counter[str]] = {}
    for q in questions:
        if q.outcome == "no_match" and q.question:
            # "wi-fi" and "wifi" are one word to people, two tokens to the matcher
            key = question_key(_HYPHEN_IN_WORD.sub("", q.question)) or q.normalised
            by_key.setdefault(key, Counter())[q.question] += 1
    ranked = sorted(by_key.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    groups: list[tuple[str, Counter[str]]] = []
    for key, wordings in ranked:
        for group_key, group in groups:
            if fuzz.token_set_ratio(key, group_key) >= threshold:
                group.update(wordings)
                break
        else:
            groups.append((key, Counter(wordings)))
    out = []
    for _, wordings in groups:
        ordered = [w for w, _ in sorted(wordings.items(), key=lambda kv: (-kv[1], kv[0]))]
        out.append(UnansweredGroup(ordered[0], sum(wordings.values()), tuple(ordered[1:])))
    out.sort(key=lambda g: (-g.count, g.question.casefold()))
    return out


def build_digest(
    store: Store,
    sheet: FactSheet,
    day: dt.date,
    *,
    tz: ZoneInfo,
    n_facts: int = 3,
    unanswered: bool = True,
    persist: bool = True,
) -> Digest:
    """The digest for a local date: its facts, and the day before's numbers and gaps."""
    start, end = local_day_bounds(day - dt.timedelta(days=1), tz)
    asked = store.questions_between(start, end)
    groups = group_unanswered(asked) if unanswered else []
    return Digest(
        day=day,
        facts=tuple(facts_of_the_day(store, sheet, day, n_facts, persist=persist)),
        numbers=numbers_of(asked),
        unanswered=tuple(groups[:MAX_UNANSWERED]),
        more_unanswered=max(0, len(groups) - MAX_UNANSWERED),
        show_unanswered=unanswered,
    )


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def numbers_line(numbers: Numbers) -> str:
    if not numbers.asked:
        return "No questions were asked."
    share = numbers.share_answered or 0.0
    asked = "1 question" if numbers.asked == 1 else f"{numbers.asked} questions"
    return (
        f"{asked} asked, {numbers.answered} answered ({share:.0%}), "
        f"{numbers.ambiguous} ambiguous, {numbers.declined} not answered."
    )


def render_text(digest: Digest) -> str:
    """The digest as a terminal reads it (for `factbot digest --dry-run`)."""
    lines = [f"FactBot digest for {long_date(digest.day)}", ""]
    lines.append("Facts of the day")
    if not digest.facts:
        lines.append("  (the fact sheet has no curated facts)")
    for i, item in enumerate(digest.facts, start=1):
        lines += textwrap.wrap(
            item.fact.answer, WIDTH, initial_indent=f"  {i}. ", subsequent_indent="     "
        )
        lines += textwrap.wrap(
            f"Source: {item.article.source}, {item.article.date.isoformat()}",
            WIDTH,
            initial_indent="     ",
            subsequent_indent="       ",
        )
        if item.article.url:
            lines.append(f"     {item.article.url}")
    lines += ["", "Yesterday in numbers", f"  {numbers_line(digest.numbers)}"]
    if digest.show_unanswered:
        lines += ["", "What I couldn't answer yesterday"]
        if not digest.unanswered:
            lines.append("  Nothing: every question got an answer or a suggestion.")
        for group in digest.unanswered:
            times = f" (asked {group.count} times)" if group.count > 1 else ""
            lines.append(f"  - {group.question}{times}")
            for variant in group.variants[:3]:
                lines.append(f"      also: {variant}")
        if digest.more_unanswered:
            lines.append(f"  ... and {digest.more_unanswered} more (see `factbot stats`)")
    return "\n".join(lines) + "\n"


def dry_run(day: dt.date | None) -> str:
    """`factbot digest --dry-run`: the digest as text. Needs no Slack, writes nothing: with no
    database yet it reads an empty one in memory, and the rotation is not advanced."""
    from bot.config import Settings
    from bot.core import Core
    from bot.store import Store

    settings = Settings.from_env(os.environ)
    core = Core(settings.facts_path)
    where = settings.db_path
    if isinstance(where, Path) and not where.exists():
        where = ":memory:"
    with Store(where) as store:
        digest = build_digest(
            store,
            core.sheet,
            day or dt.datetime.now(settings.timezone).date(),
            tz=settings.timezone,
            n_facts=min(settings.digest_facts, MAX_FACTS_SHOWN),
            unanswered=settings.digest_unanswered,
            persist=False,
        )
    return render_text(digest)
