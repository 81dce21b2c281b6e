"""The store: what FactBot records, and the claims that make the digest exactly-once."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core import Core
from bot.store import SCHEMA_VERSION, Store, new_owner

T0 = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 10)


class Clock:
    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(db_url: str, clock: Clock) -> Iterator[Store]:
    """A store on SQLite, then on PostgreSQL: every test using it runs on both."""
    with Store(db_url, clock=clock) as s:
        yield s


def ask(store: Store, core: Core, question: str, user: str = "U1") -> None:
    store.record_question(
        surface="slash", channel="C1", user=user, question=question, result=core.answer(question)
    )


def test_new_database_is_migrated_to_current_schema_in_wal_mode(tmp_path: Path) -> None:
    """Opening a new file creates every table at the current schema version, in WAL mode."""
    with Store(tmp_path / "f.db") as store:
        assert store.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(tmp_path / "f.db")
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    assert {"questions", "feedback", "events", "digest_claims", "digest_picks"} <= tables


def test_old_schema_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    """A version-1 database gains the digest tables and keeps recorded questions."""
    from bot.databases import Sqlite
    from bot.store import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    try:
        conn.executescript(Sqlite(str(path)).ddl(MIGRATIONS[0]) + "; PRAGMA user_version = 1;")
        conn.execute(
            "INSERT INTO questions (at, surface, question, normalised, outcome)"
            " VALUES (?, 'cli', 'old?', 'old', 'no_match')",
            (T0.timestamp(),),
        )
        conn.commit()
    finally:
        conn.close()
    with Store(path, clock=Clock()) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.top_questions(days=1) == [("old?", 1)]
        assert store.claim_digest("C1", DAY) is not None


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    """A database written by a newer FactBot is not silently used."""
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="schema version"):
        Store(path)


def test_record_question_keeps_outcome_fact_score_and_normalised_text(
    store: Store, core: Core
) -> None:
    """Each question is stored with time, surface, channel, user, outcome, fact id and score."""
    ask(store, core, "How many exhibitors came to the 6th CIIE?")
    ask(store, core, "what is the   wifi password\x00")
    rows = store.questions_between(T0 - dt.timedelta(hours=1), T0 + dt.timedelta(hours=1))
    assert [r.outcome for r in rows] == ["answer", "no_match"]
    assert rows[0].fact_id and rows[0].score and rows[0].score >= 0.6
    assert rows[0].surface == "slash" and rows[0].channel == "C1" and rows[0].user == "U1"
    assert rows[0].at == T0
    assert rows[1].question == "what is the wifi password"
    assert rows[1].fact_id is None
    assert "wifi" in rows[1].normalised


def test_top_questions_folds_phrasings_and_respects_the_window(
    store: Store, core: Core, clock: Clock
) -> None:
    """Case and word order do not split a question; questions older than `days` do not count."""
    clock.now = T0 - dt.timedelta(days=10)
    ask(store, core, "ancient question")
    clock.now = T0
    for q in ("Wifi password?", "wifi password", "password wifi?", "Where is lunch?"):
        ask(store, core, q)
    assert store.top_questions(days=7, limit=5) == [("Wifi password?", 3), ("Where is lunch?", 1)]
    assert store.top_questions(days=7, limit=1) == [("Wifi password?", 3)]


def test_claim_event_is_true_only_the_first_time_within_a_day(store: Store, clock: Clock) -> None:
    """A redelivered event id is refused; after a day the id is forgotten."""
    assert store.claim_event("Ev1") is True
    assert store.claim_event("Ev1") is False
    assert store.claim_event("Ev2") is True
    clock.now = T0 + dt.timedelta(days=1, minutes=1)
    assert store.claim_event("Ev1") is True


def test_claim_event_from_many_threads_has_one_winner(store: Store) -> None:
    """Eight threads racing for one event id: exactly one wins."""
    wins: list[bool] = []
    barrier = threading.Barrier(8)

    def race() -> None:
        barrier.wait()
        wins.append(store.claim_event("EvRace"))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False] * 7 + [True]


def test_claims_across_connections_have_one_winner_each(db_url: str, clock: Clock) -> None:
    """Four connections (as four replicas) race for the same 50 events, digest days and owed
    replies: each is won exactly once."""
    stores = [Store(db_url, clock=clock) for _ in range(4)]
    barrier = threading.Barrier(4)
    won: list[tuple[str, str]] = []
    lock = threading.Lock()

    def race(store: Store) -> None:
        barrier.wait()
        for i in range(50):
            mine = []
            if store.claim_event(f"Ev{i}", job="{}"):
                mine.append(("event", f"Ev{i}"))
            if store.claim_digest(f"C{i}", DAY) is not None:
                mine.append(("digest", f"C{i}"))
            with lock:
                won.extend(mine)

    try:
        threads = [threading.Thread(target=race, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(won) == sorted(
            [("event", f"Ev{i}") for i in range(50)] + [("digest", f"C{i}") for i in range(50)]
        )
        clock.now += dt.timedelta(minutes=1)  # every event's lease ran out: all owed again
        taken: list[str] = []
        barrier = threading.Barrier(4)

        def sweep(store: Store) -> None:
            barrier.wait()
            for _ in range(10):
                due = [event_id for event_id, _, _ in store.due_replies(limit=7)]
                with lock:
                    taken.extend(due)

        threads = [threading.Thread(target=sweep, args=(s,)) for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(taken) == sorted(f"Ev{i}" for i in range(50))
    finally:
        for s in stores:
            s.close()


def test_feedback_is_counted_per_fact(store: Store) -> None:
    """Helpful and not-helpful clicks are summed per fact."""
    store.record_feedback(user="U1", fact_id="a", helpful=True, question="q?")
    store.record_feedback(user="U2", fact_id="a", helpful=True)
    store.record_feedback(user="U3", fact_id="a", helpful=False)
    store.record_feedback(user="U3", fact_id="b", helpful=False)
    assert sorted(store.feedback_by_fact(7)) == [("a", 2, 1), ("b", 0, 1)]


def test_cleanup_deletes_only_logs_older_than_retention(
    store: Store, core: Core, clock: Clock
) -> None:
    """Retention removes old questions and feedback and keeps recent ones."""
    clock.now = T0 - dt.timedelta(days=91)
    ask(store, core, "old question")
    store.record_feedback(user="U1", fact_id="a", helpful=True)
    clock.now = T0 - dt.timedelta(days=89)
    ask(store, core, "recent question")
    clock.now = T0
    removed = store.cleanup(retention_days=90)
    assert removed["questions"] == 1 and removed["feedback"] == 1
    assert store.top_questions(days=365) == [("recent question", 1)]
    assert store.last_cleanup() == T0


def test_digest_claim_is_won_once_and_posted_claim_is_final(store: Store) -> None:
    """The first claim wins; after it is marked posted nobody can claim that channel and day."""
    first = store.claim_digest("C1", DAY)
    assert first is not None
    assert store.claim_digest("C1", DAY) is None
    assert store.claim_digest("C2", DAY) is not None
    assert store.claim_digest("C1", DAY + dt.timedelta(days=1)) is not None
    assert store.mark_sending(first)
    assert store.mark_posted(first, "1.0001")
    assert store.claim_digest("C1", DAY) is None
    row = store.digest_claim("C1", DAY)
    assert row is not None and row.state == "posted" and row.ts == "1.0001"


def test_released_claim_is_taken_again_and_permanent_failure_only_on_request(
    store: Store,
) -> None:
    """A released claim is retried; a permanent failure waits for retry_failed."""
    claim = store.claim_digest("C1", DAY)
    assert claim and store.release_claim(claim, "ratelimited")
    again = store.claim_digest("C1", DAY)
    assert again is not None and not again.recovered
    assert store.release_claim(again, "not_in_channel", permanent=True)
    assert store.claim_digest("C1", DAY) is None
    assert store.claim_digest("C1", DAY, retry_failed=True) is not None


def test_expired_lease_is_taken_over_and_says_whether_a_post_may_have_gone(
    store: Store, clock: Clock
) -> None:
    """A claim abandoned mid-post is recovered after its lease, flagged maybe_sent."""
    dead = store.claim_digest("C1", DAY, owner="elsewhere:1:dead")
    assert dead and store.mark_sending(dead)
    assert store.claim_digest("C1", DAY) is None  # lease still running
    clock.now = T0 + dt.timedelta(minutes=6)
    taken = store.claim_digest("C1", DAY)
    assert taken is not None and taken.recovered and taken.maybe_sent
    assert not store.mark_posted(dead, "x")  # the old owner can no longer finish
    assert store.mark_posted(taken, "y")


def test_claim_of_a_dead_process_on_this_host_is_recovered_at_once_on_sqlite(
    store: Store, clock: Clock
) -> None:
    """On SQLite (one host) a claim owned by a process that no longer runs needs no lease
    wait; on PostgreSQL (several hosts, pids mean nothing) only the lease decides."""
    import socket
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    owner = f"{socket.gethostname()}:{proc.stdout.strip()}:abcd"
    assert store.claim_digest("C1", DAY, owner=owner) is not None
    taken = store.claim_digest("C1", DAY, owner=new_owner())
    if store.db.one_host:
        assert taken is not None and taken.recovered and not taken.maybe_sent
    else:
        assert taken is None
        clock.now += dt.timedelta(minutes=6)
        taken = store.claim_digest("C1", DAY, owner=new_owner())
        assert taken is not None and taken.recovered


def test_picks_are_saved_once_per_day(store: Store) -> None:
    """The first process to save a day's picks wins; later saves get the stored picks."""
    assert store.save_picks(DAY, [("a", 0), ("b", 0)]) == ["a", "b"]
    assert store.save_picks(DAY, [("c", 0)]) == ["a", "b"]
    assert store.picks_for(DAY) == ["a", "b"]
    assert store.rotation_state() == (0, {"a", "b"}, ["b", "a"])


def test_top_answered_facts_count_people_not_questions(store: Store, core: Core) -> None:
    """What the App Home shows everyone: facts several different people were answered with,
    counted by person; one person asking many times, or an unanswered question, never shows."""
    answered = core.answer("how many countries did china donate vaccines to")
    assert answered.outcome == "answer"
    for user in ("U1", "U1", "U1", "U2"):
        store.record_question(
            surface="dm", channel="D1", user=user, question="vaccines?", result=answered
        )
    unanswered = core.answer("is bob in hr getting fired")
    for user in ("U1", "U2", "U3", "U4"):
        store.record_question(
            surface="dm", channel="D1", user=user, question="bob?", result=unanswered
        )
    assert store.top_answered_facts(days=7, min_askers=3) == []
    store.record_question(surface="dm", channel="D2", user="U3", question="jabs?", result=answered)
    assert store.top_answered_facts(days=7, min_askers=3) == [(answered.fact.id, 3)]


def test_one_vote_per_person_per_fact(store: Store) -> None:
    """Clicking Helpful 240 times is one vote; clicking Not helpful after changes it."""
    for _ in range(240):
        store.record_feedback(user="U1", fact_id="f", helpful=True)
    store.record_feedback(user="U2", fact_id="f", helpful=True)
    store.record_feedback(user="U2", fact_id="f", helpful=False)
    rows = store._query('SELECT "user", helpful FROM feedback ORDER BY "user"', ())
    assert [(r["user"], r["helpful"]) for r in rows] == [("U1", 1), ("U2", 0)]
