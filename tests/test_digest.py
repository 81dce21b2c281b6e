"""Digest content: rotation, yesterday's numbers, unanswered groups, drafts, stats output."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core import Core
from bot.digest import (
    build_digest,
    choose_facts,
    facts_of_the_day,
    group_unanswered,
    local_day_bounds,
    render_text,
)
from bot.drafts import Draft, add_draft
from bot.factsheet import Fact, read_sheet
from bot.stats import collect, render
from bot.store import AskedQuestion, Store

DAY = dt.date(2026, 3, 10)
LONDON = ZoneInfo("Europe/London")


pytestmark = pytest.mark.usefixtures("clean_env")


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
def store(db_url: str, clock: Clock) -> Iterator[Store]:
    """A store on SQLite, then on PostgreSQL: every test using it runs on both."""
    with Store(db_url, clock=clock) as s:
        yield s


def fact(fid: str, article: str) -> Fact:
    return Fact(fid, ("q?",), "a", "q", article)


def asked(question: str, outcome: str = "no_match") -> AskedQuestion:
    from bot.store import question_key

    return AskedQuestion(
        at=dt.datetime(2026, 3, 9, tzinfo=dt.UTC),
        surface="slash",
        channel="C1",
        user="U1",
        question=question,
        normalised=question_key(question),
        outcome=outcome,
        fact_id=None,
        score=0.1,
    )


def test_rotation_shows_every_fact_once_before_any_repeats(store: Store, core: Core) -> None:
    """Over consecutive days every curated fact appears once before the first repeat."""
    curated = {f.id for f in core.sheet.curated}
    per_day = 7
    seen: list[str] = []
    day = DAY
    while len(seen) < len(curated):
        seen += [i.fact.id for i in facts_of_the_day(store, core.sheet, day, per_day)]
        day += dt.timedelta(days=1)
    first_cycle = seen[: len(curated)]
    assert set(first_cycle) == curated and len(set(first_cycle)) == len(first_cycle)
    # the next cycle starts again from the whole sheet, with no repeat inside a day
    for _ in range(3):
        picks = [i.fact.id for i in facts_of_the_day(store, core.sheet, day, per_day)]
        assert len(set(picks)) == per_day
        day += dt.timedelta(days=1)


def test_each_day_spreads_its_facts_across_articles(store: Store, core: Core) -> None:
    """With three facts a day and five articles, no day shows two facts from one article."""
    for offset in range(10):
        items = facts_of_the_day(store, core.sheet, DAY + dt.timedelta(days=offset), 3)
        assert len({i.fact.article for i in items}) == 3


def test_a_day_keeps_its_facts_and_dry_run_changes_nothing(store: Store, core: Core) -> None:
    """The same day gives the same facts again; a dry run does not advance the rotation."""
    peek = facts_of_the_day(store, core.sheet, DAY, 3, persist=False)
    assert store.picks_for(DAY) is None
    first = facts_of_the_day(store, core.sheet, DAY, 3)
    assert [i.fact.id for i in peek] == [i.fact.id for i in first]
    again = facts_of_the_day(store, core.sheet, DAY, 3)
    assert [i.fact.id for i in again] == [i.fact.id for i in first]


def test_choose_facts_crosses_into_a_new_cycle_without_repeating_within_the_day() -> None:
    """When fewer unshown facts remain than needed, the rest come from the next cycle."""
    facts = [fact(f"f{i}", f"art{i % 3}") for i in range(6)]
    picks = choose_facts(facts, 3, cycle=0, shown={"f0", "f1", "f2", "f3", "f4"}, seed="x")
    assert picks[0] == ("f5", 0)
    assert [c for _, c in picks[1:]] == [1, 1]
    assert len({fid for fid, _ in picks}) == 3


def test_choose_facts_prefers_articles_not_shown_lately() -> None:
    """An article shown yesterday waits behind articles not shown for longer."""
    facts = [fact("a1", "A"), fact("a2", "A"), fact("b1", "B"), fact("c1", "C")]
    picks = choose_facts(facts, 2, cycle=0, shown={"a1"}, history=["a1", "c1"], seed="s")
    assert picks == [("b1", 0), ("c1", 0)]


def test_unanswered_near_duplicates_are_grouped_most_asked_first() -> None:
    """Rephrasings of one question form one group, counted, with the commonest wording first."""
    groups = group_unanswered(
        [
            asked("What is the wifi password?"),
            asked("what is the wifi password"),
            asked("wifi password please"),
            asked("Whats the wi-fi password?"),
            asked("Where is the canteen?"),
            asked("How many exhibitors?", outcome="answer"),
        ]
    )
    assert [g.count for g in groups] == [4, 1]
    assert groups[0].question in ("What is the wifi password?", "what is the wifi password")
    assert len(groups[0].variants) == 3
    assert groups[1].question == "Where is the canteen?"


def test_local_day_spans_23_hours_when_clocks_go_forward() -> None:
    """Yesterday in London on the spring-forward day is 23 hours long."""
    start, end = local_day_bounds(dt.date(2026, 3, 29), LONDON)
    assert end.timestamp() - start.timestamp() == 23 * 3600


def test_digest_counts_yesterday_in_the_configured_zone(
    store: Store, core: Core, clock: Clock
) -> None:
    """Only questions asked on the previous local date count, answered share included."""
    tokyo = ZoneInfo("Asia/Tokyo")
    # 2026-03-09 local in Tokyo is 2026-03-08T15:00Z .. 2026-03-09T15:00Z
    for when, q in (
        (dt.datetime(2026, 3, 8, 14, 0, tzinfo=dt.UTC), "too early wifi"),
        (
            dt.datetime(2026, 3, 8, 16, 0, tzinfo=dt.UTC),
            "How many exhibitors came to the 6th CIIE?",
        ),
        (dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC), "what is the wifi password"),
        (dt.datetime(2026, 3, 9, 16, 0, tzinfo=dt.UTC), "too late lunch"),
    ):
        clock.now = when
        store.record_question(
            surface="dm", channel="D1", user="U1", question=q, result=core.answer(q)
        )
    digest = build_digest(store, core.sheet, DAY, tz=tokyo, persist=False)
    assert digest.numbers.asked == 2 and digest.numbers.answered == 1
    assert [g.question for g in digest.unanswered] == ["what is the wifi password"]
    text = render_text(digest)
    assert "Tuesday 10 March 2026" in text
    assert "2 questions asked, 1 answered (50%)" in text
    assert "- what is the wifi password" in text


def test_digest_without_unanswered_section_when_turned_off(store: Store, core: Core) -> None:
    """FACTBOT_DIGEST_UNANSWERED=off leaves the section out."""
    digest = build_digest(store, core.sheet, DAY, tz=LONDON, unanswered=False, persist=False)
    assert "couldn't answer" not in render_text(digest)
    assert len(digest.facts) == 3


def test_draft_is_appended_and_the_file_passes_check(tmp_path: Path, core: Core) -> None:
    """A valid draft lands in the drafts file with status draft; the file passes `check`."""
    source = core.sheet.curated[0]
    path = tmp_path / "drafts.yml"
    draft = Draft(
        "wifi-password", ("What is the wifi password?",), "An answer.", source.quote, source.article
    )
    assert add_draft(draft, path, core.sheet) == {}
    second = Draft("another-one", ("Another?",), "Another answer.", source.quote, source.article)
    assert add_draft(second, path, core.sheet) == {}
    sheet, problems = read_sheet(path, core.sheet.articles)
    assert problems == []
    assert [(f.id, f.status) for f in sheet.facts] == [
        ("wifi-password", "draft"),
        ("another-one", "draft"),
    ]


def test_bad_drafts_are_refused_field_by_field_and_nothing_is_written(
    tmp_path: Path, core: Core
) -> None:
    """A quote not in the article, a bad id, or an id already in the sheet write nothing."""
    source = core.sheet.curated[0]
    path = tmp_path / "drafts.yml"
    bad_quote = Draft("new-fact", ("Q?",), "A.", "words the article never says", source.article)
    assert "quote" in add_draft(bad_quote, path, core.sheet)
    bad_id = Draft("Not A Slug", ("Q?",), "A.", source.quote, source.article)
    assert "id" in add_draft(bad_id, path, core.sheet)
    taken = Draft(source.id, ("Q?",), "A.", source.quote, source.article)
    assert "id" in add_draft(taken, path, core.sheet)
    unknown = Draft("new-fact", ("Q?",), "A.", source.quote, "no-such-article")
    assert "article" in add_draft(unknown, path, core.sheet)
    assert not path.exists()


def test_stats_report_reads_well_and_shows_no_user_ids(store: Store, core: Core) -> None:
    """The stats report has the counts, top questions and feedback, and no user ids."""
    for q in ("How many exhibitors came to the 6th CIIE?", "wifi password?", "wifi password"):
        store.record_question(
            surface="slash", channel="C1", user="USECRET", question=q, result=core.answer(q)
        )
    store.record_feedback(user="USECRET", fact_id="some-fact", helpful=False)
    text = render(collect(store, days=7))
    assert "Questions asked  3" in text
    assert "Declined         2   67%" in text
    assert "     2  wifi password?" in text.split("Top unanswered questions")[1]
    assert "some-fact" in text.split("Least helpful facts")[1]
    assert "USECRET" not in text and "C1" not in text
    assert Counter(text.splitlines())["Top questions"] == 1
