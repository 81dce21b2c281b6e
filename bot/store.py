"""What FactBot records, in SQLite: questions, feedback, handled events, digest claims, rotation.

One connection per Store, guarded by a lock, so listeners on several threads can share it; WAL
mode and a busy timeout let several processes (a second `serve`, a cron `factbot digest --post`)
use the same file. The schema carries a version number and migrations run when a Store opens.

Exactly once per digest (channel, local date): a process *claims* the row before posting (an
INSERT that only one process can win), marks it *sending* just before the Slack call and *posted*
after. A claim has a lease; a live poster renews it while it retries. A claim whose lease ran
out belonged to a process that died; the next one to try takes it over. If that dead process was
not yet *sending*, nothing can have been posted and the takeover simply posts. If it was, the
post may or may not have reached Slack: the taker is told (`Claim.maybe_sent`) so it can look at
the channel's history before posting again (see bot/delivery.py for the choice made).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from bot.databases import Database, open_database
from bot.errors import StoreUnavailable
from bot.matcher import normalise, words

log = logging.getLogger(__name__)

SCHEMA_VERSION = 7
# How long a claim on an event holds before a redelivery may take it over (its owner is taken
# to have died): longer than any reply takes, shorter than Slack's first retry (about 1 min).
EVENT_LEASE = dt.timedelta(seconds=45)
# A reply Slack's Web API keeps refusing is retried this many times (backoff up to 30 s: about
# a quarter of an hour), then given up with an ERROR.
MAX_REPLY_ATTEMPTS = 40
EVENT_TTL = dt.timedelta(days=1)
# A thread's last question is kept this long for follow-ups (and deleted by the cleanup after).
THREAD_TTL = dt.timedelta(days=7)
DEFAULT_LEASE = dt.timedelta(minutes=5)
MAX_QUESTION_CHARS = 500

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Result(Protocol):
    outcome: str
    score: float


# Each migration takes the schema from version i to i + 1; they run in order, once, at open.
# {serial} and {float} are each database's own types (bot/databases.py).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE questions (
        id {serial},
        at {float} NOT NULL,
        surface TEXT NOT NULL,
        channel TEXT,
        "user" TEXT,
        question TEXT NOT NULL,
        normalised TEXT NOT NULL,
        outcome TEXT NOT NULL,
        fact_id TEXT,
        score {float}
    );
    CREATE INDEX questions_at ON questions (at);
    CREATE TABLE feedback (
        id {serial},
        at {float} NOT NULL,
        "user" TEXT,
        fact_id TEXT NOT NULL,
        helpful INTEGER NOT NULL,
        question TEXT
    );
    CREATE INDEX feedback_at ON feedback (at);
    CREATE TABLE events (
        event_id TEXT PRIMARY KEY,
        at {float} NOT NULL
    );
    """,
    """
    CREATE TABLE digest_claims (
        channel TEXT NOT NULL,
        day TEXT NOT NULL,
        state TEXT NOT NULL,           -- claimed | posted | released | failed
        owner TEXT NOT NULL,
        claimed_at {float} NOT NULL,
        lease_until {float} NOT NULL,
        sending INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        posted_at {float},
        ts TEXT,
        error TEXT,
        PRIMARY KEY (channel, day)
    );
    CREATE TABLE digest_picks (
        day TEXT NOT NULL,
        position INTEGER NOT NULL,
        fact_id TEXT NOT NULL,
        cycle INTEGER NOT NULL,
        PRIMARY KEY (day, position)
    );
    CREATE TABLE housekeeping (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 3: one vote per person per fact (the last click counts): keep each person's latest.
    """
    DELETE FROM feedback WHERE "user" IS NOT NULL AND id NOT IN (
        SELECT MAX(id) FROM feedback WHERE "user" IS NOT NULL GROUP BY "user", fact_id
    );
    CREATE UNIQUE INDEX feedback_one_vote ON feedback ("user", fact_id);
    """,
    # 4: an event is claimed while it is answered and done after; rows of older releases are done.
    """
    ALTER TABLE events ADD COLUMN state TEXT NOT NULL DEFAULT 'done';
    ALTER TABLE events ADD COLUMN lease_until {float} NOT NULL DEFAULT 0;
    """,
    # 5: an event's reply is kept with its claim until posted, so any process can post it
    # (after a crash, or once the Web API is back); state 'failed' = given up.
    """
    ALTER TABLE events ADD COLUMN job TEXT;
    ALTER TABLE events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX events_due ON events (state, lease_until);
    """,
    # 6: per thread the bot answered in, the question it last took (for follow-ups).
    """
    CREATE TABLE threads (
        channel TEXT NOT NULL,
        thread_ts TEXT NOT NULL,
        at {float} NOT NULL,
        question TEXT NOT NULL,
        fact_id TEXT,
        PRIMARY KEY (channel, thread_ts)
    );
    CREATE INDEX threads_at ON threads (at);
    """,
    # 7: who asked a curator for a fact a draft is about, to be told when it is added.
    """
    CREATE TABLE waiting (
        fact_id TEXT NOT NULL,
        "user" TEXT NOT NULL,
        question TEXT NOT NULL,
        at {float} NOT NULL,
        PRIMARY KEY (fact_id, "user")
    );
    """,
)
assert len(MIGRATIONS) == SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to post one channel's digest for one local date, until the lease runs out."""

    channel: str
    day: dt.date
    owner: str
    recovered: bool = False
    maybe_sent: bool = False
    claimed_at: float = 0.0


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A digest claim as stored, for status output and tests."""

    channel: str
    day: dt.date
    state: str
    owner: str
    sending: bool
    attempts: int
    ts: str | None
    error: str | None
    lease_until: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """One recorded question."""

    at: dt.datetime
    surface: str
    channel: str | None
    user: str | None
    question: str
    normalised: str
    outcome: str
    fact_id: str | None
    score: float | None


def clean_question(text: str) -> str:
    """The question as people should read it: whitespace folded, length capped."""
    return " ".join(text.replace("\x00", "").split())[:MAX_QUESTION_CHARS]


def question_key(text: str) -> str:
    """A key under which phrasings of the same question meet (order, case, stems folded)."""
    tokens = normalise(text)
    return " ".join(sorted(tokens)) if tokens else " ".join(words(text))


class Store:
    """FactBot's store, on SQLite (a file path) or PostgreSQL (a postgresql:// URL). Safe to
    share between threads; several processes (and, on PostgreSQL, hosts) can share one."""

    def __init__(
        self, path: str | os.PathLike[str] = "factbot.db", *, clock: Clock | None = None
    ) -> None:
        self.db: Database = open_database(path)
        self.path = self.db.shown()
        self.clock = clock or utc_now
        self._lock = threading.RLock()
        # What is wrong with the store right now (None when writes succeed), for /healthz.
        self.problem: str | None = None
        self.closed = False
        self._conn = self._open()

    def _open(self) -> Any:
        conn = self.db.connect()
        try:
            self._conn = conn
            self._migrate()
        except BaseException:
            conn.close()
            raise
        self._identity = self.db.identity()
        return conn

    # -- plumbing ---------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._conn.close()

    def check(self) -> str | None:
        """What is wrong with the store now, or None. A SQLite file deleted or replaced under
        us (writes would go to an unlinked file and vanish at restart) is opened afresh and
        said at ERROR; a lost PostgreSQL connection is opened again."""
        if self.closed:
            return self.problem
        with self._lock:
            if self._identity is not None and self.db.identity() != self._identity:
                log.error(
                    "the store's database file %s was deleted or replaced while in use; opening"
                    " it afresh (events being answered and statistics before now are not in it)",
                    self.path,
                )
                return self._reopen()
            if self.problem and not self.db.usable(self._conn):
                return self._reopen()
            return self.problem

    def _reopen(self) -> str | None:
        old = self._conn
        try:
            self._conn = self._open()
        except (*self.db.unavailable, OSError) as exc:
            self._conn = old
            self.problem = f"the database cannot be opened again: {exc}"
            return self.problem
        old.close()
        self.problem = None
        return None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self, *, exclusive: bool = False) -> Iterator[_Conn]:
        """A write transaction; `exclusive` when it reads what it then writes (one such
        transaction at a time across every process sharing the database).

        A failure of the database itself (read-only, locked too long, disk full, connection
        lost) is raised as StoreUnavailable and remembered in `problem` until a write succeeds
        again."""
        with self._lock, self._unavailable_as_error():
            if not self.db.usable(self._conn):
                self._reopen()
            conn = self._conn
            self.db.begin(conn, exclusive)
            try:
                yield _Conn(conn, self.db)
            except BaseException:
                if self.db.usable(conn) and self.db.in_transaction(conn):
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            self.problem = None

    @contextmanager
    def _unavailable_as_error(self) -> Iterator[None]:
        try:
            yield
        except self.db.unavailable as exc:
            if isinstance(exc, self.db.integrity):
                raise
            self.problem = f"{type(exc).__name__}: {exc}".strip()
            raise StoreUnavailable(f"the store {self.path} is unavailable: {exc}") from exc

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        with self._lock, self._unavailable_as_error():
            if not self.db.usable(self._conn):
                self._reopen()
            return self._conn.execute(self.db.sql(sql), tuple(params)).fetchall()

    def _migrate(self) -> None:
        # Exclusive: processes starting at once take turns, and each sees the others' work.
        with self._tx(exclusive=True) as conn:
            version = self.db.schema_version(conn.raw)
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} has schema version {version}; this FactBot knows up to "
                    f"{SCHEMA_VERSION}. Upgrade FactBot or point FACTBOT_DB elsewhere."
                )
            for index in range(version, SCHEMA_VERSION):
                for statement in self.db.ddl(MIGRATIONS[index]).split(";"):
                    if statement.strip():
                        conn.raw.execute(statement)
                self.db.set_schema_version(conn.raw, index + 1)
                log.info("store %s migrated to schema version %d", self.path, index + 1)

    @property
    def schema_version(self) -> int:
        with self._tx() as conn:
            return self.db.schema_version(conn.raw)

    def _now(self) -> float:
        return self.clock().timestamp()

    # -- questions, feedback, events ------------------------------------------------------
    def record_question(
        self,
        *,
        surface: str,
        channel: str | None,
        user: str | None,
        question: str,
        result: _Result,
    ) -> None:
        """Remember a question and how it was answered (outcome, fact id, score)."""
        self.record_questions(
            [dict(surface=surface, channel=channel, user=user, question=question, result=result)]
        )

    def record_questions(self, batch: Iterable[dict[str, Any]]) -> None:
        """Remember several questions (each as record_question's arguments) in one write."""
        now = self._now()
        rows = [_question_row(now, **fields) for fields in batch]
        if not rows:
            return
        with self._tx() as conn:
            conn.executemany(
                'INSERT INTO questions (at, surface, channel, "user", question, normalised, outcome,'
                " fact_id, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def record_feedback(
        self, *, user: str | None, fact_id: str, helpful: bool, question: str | None = None
    ) -> None:
        """Remember a Helpful / Not helpful click: one vote per person per fact, so a second
        click changes the vote rather than adding one."""
        with self._tx() as conn:
            conn.execute(
                'INSERT INTO feedback (at, "user", fact_id, helpful, question)'
                " VALUES (?, ?, ?, ?, ?)"
                ' ON CONFLICT ("user", fact_id) DO UPDATE SET'
                " at = excluded.at, helpful = excluded.helpful, question = excluded.question",
                (
                    self._now(),
                    user,
                    fact_id,
                    int(bool(helpful)),
                    clean_question(question) if question else None,
                ),
            )

    def claim_event(self, event_id: str, job: str | None = None) -> bool:
        """True when this process should answer the event: the first delivery, or a redelivery
        whose earlier claim was released (the reply failed) or whose owner died (its lease ran
        out). False while another delivery is being answered, and once one has been answered.

        `job` (the reply to post, as text) is kept with the claim until the reply is posted,
        so that any process can post it if this one cannot (see `due_replies`)."""
        now = self._now()
        lease = now + EVENT_LEASE.total_seconds()
        with self._tx() as conn:
            conn.execute("DELETE FROM events WHERE at < ?", (now - EVENT_TTL.total_seconds(),))
            cur = conn.execute(
                "INSERT INTO events (event_id, at, state, lease_until, job)"
                " VALUES (?, ?, 'claimed', ?, ?) ON CONFLICT (event_id) DO NOTHING",
                (event_id, now, lease, job),
            )
            if cur.rowcount == 1:
                return True
            cur = conn.execute(
                "UPDATE events SET at = ?, lease_until = ?, job = COALESCE(?, job)"
                " WHERE event_id = ? AND state = 'claimed' AND lease_until < ?",
                (now, lease, job, event_id, now),
            )
            return cur.rowcount == 1

    def retry_event(self, event_id: str, delay: dt.timedelta, *, failed: bool = True) -> int:
        """Posting the reply failed for now (or, not `failed`, had to wait for room): it is due
        again after `delay`, for whichever process takes it first. Returns the attempts so far."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE events SET lease_until = ?, attempts = attempts + ?"
                " WHERE event_id = ? AND state = 'claimed'",
                (self._now() + delay.total_seconds(), int(failed), event_id),
            )
            row = conn.execute(
                "SELECT attempts FROM events WHERE event_id = ?", (event_id,)
            ).fetchone()
        return int(row[0]) if row else 0

    def fail_event(self, event_id: str) -> None:
        """The reply was given up (Slack refused it for good): no process tries it again."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE events SET state = 'failed', job = NULL WHERE event_id = ?", (event_id,)
            )

    def due_replies(self, limit: int) -> list[tuple[str, str, int]]:
        """Take up to `limit` replies whose claim's lease ran out (their owner died, or a
        retry's delay passed): (event id, job, attempts so far), each leased to the caller."""
        now = self._now()
        due = "state = 'claimed' AND lease_until < ? AND job IS NOT NULL"
        if limit <= 0 or not self._query(f"SELECT 1 FROM events WHERE {due} LIMIT 1", (now,)):
            return []  # the usual case, read without taking the write lock
        with self._tx(exclusive=True) as conn:
            rows = conn.execute(
                f"SELECT event_id, job, attempts FROM events WHERE {due}"
                " ORDER BY lease_until LIMIT ?",
                (now, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE events SET lease_until = ? WHERE event_id = ?",
                [(now + EVENT_LEASE.total_seconds(), r[0]) for r in rows],
            )
        return [(r[0], r[1], int(r[2])) for r in rows]

    def finish_event(self, event_id: str) -> None:
        """The event was answered: redeliveries are ignored from now on."""
        with self._tx() as conn:
            # the question text goes with the job: it is kept only as long as the reply is owed
            conn.execute(
                "UPDATE events SET state = 'done', job = NULL WHERE event_id = ?", (event_id,)
            )

    def release_event(self, event_id: str) -> None:
        """Answering failed: Slack's next redelivery is answered (at least once)."""
        with self._tx() as conn:
            conn.execute("DELETE FROM events WHERE event_id = ? AND state = 'claimed'", (event_id,))

    # -- askers waiting for a fact ------------------------------------------------------------
    def wait_for_fact(self, fact_id: str, user: str, question: str) -> None:
        """`user` asked a curator; the draft `fact_id` is about their question."""
        with self._tx() as conn:
            conn.execute(
                'INSERT INTO waiting (fact_id, "user", question, at) VALUES (?, ?, ?, ?)'
                ' ON CONFLICT (fact_id, "user") DO NOTHING',
                (fact_id, user, clean_question(question), self._now()),
            )

    def take_waiting(self, fact_id: str) -> list[tuple[str, str]]:
        """(user, question) of everyone waiting for this fact; they are told once."""
        with self._tx(exclusive=True) as conn:
            rows = conn.execute(
                'SELECT "user", question FROM waiting WHERE fact_id = ?', (fact_id,)
            ).fetchall()
            conn.execute("DELETE FROM waiting WHERE fact_id = ?", (fact_id,))
        return [(r[0], r[1]) for r in rows]

    # -- threads ---------------------------------------------------------------------------
    def remember_thread(
        self, channel: str, thread_ts: str, question: str, fact_id: str | None
    ) -> None:
        """The question the bot last answered in a thread (as it took it), for a follow-up."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO threads (channel, thread_ts, at, question, fact_id)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, thread_ts) DO UPDATE SET"
                " at = excluded.at, question = excluded.question, fact_id = excluded.fact_id",
                (channel, thread_ts, self._now(), clean_question(question), fact_id),
            )

    def thread_turn(self, channel: str, thread_ts: str) -> tuple[str, str | None] | None:
        """The question last answered in this thread within THREAD_TTL (as the bot took it) and
        the fact it gave (None for a "did you mean"), if any."""
        rows = self._query(
            "SELECT question, fact_id FROM threads WHERE channel = ? AND thread_ts = ? AND at >= ?",
            (channel, thread_ts, self._now() - THREAD_TTL.total_seconds()),
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def questions_between(self, start: dt.datetime, end: dt.datetime) -> list[AskedQuestion]:
        """Every question recorded in [start, end), oldest first."""
        rows = self._query(
            "SELECT * FROM questions WHERE at >= ? AND at < ? ORDER BY at, id",
            (start.timestamp(), end.timestamp()),
        )
        return [
            AskedQuestion(
                at=dt.datetime.fromtimestamp(r["at"], dt.UTC),
                surface=r["surface"],
                channel=r["channel"],
                user=r["user"],
                question=r["question"],
                normalised=r["normalised"],
                outcome=r["outcome"],
                fact_id=r["fact_id"],
                score=r["score"],
            )
            for r in rows
        ]

    def _since(self, days: int) -> float:
        return self._now() - days * 86400

    def top_questions(
        self, days: int = 7, limit: int = 5, *, outcome: str | None = None
    ) -> list[tuple[str, int]]:
        """The most asked questions of the last `days` days, phrasings folded together.

        Each is shown in its most common wording, with how many times it was asked.
        """
        sql = "SELECT question, normalised FROM questions WHERE at >= ?"
        params: list[Any] = [self._since(days)]
        if outcome is not None:
            sql += " AND outcome = ?"
            params.append(outcome)
        counts: Counter[str] = Counter()
        wordings: dict[str, Counter[str]] = {}
        for row in self._query(sql, params):
            key = row["normalised"] or row["question"].casefold()
            counts[key] += 1
            wordings.setdefault(key, Counter())[row["question"]] += 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [(wordings[key].most_common(1)[0][0], n) for key, n in ranked]

    def top_answered_facts(
        self, days: int = 7, limit: int = 5, *, min_askers: int = 3
    ) -> list[tuple[str, int]]:
        """The facts most people were answered with over the last `days` days, as (fact id,
        how many people), only those that at least `min_askers` different people reached:
        what the App Home may show everyone, since it names no one's own words."""
        rows = self._query(
            'SELECT fact_id, COUNT(DISTINCT "user") AS n FROM questions'
            " WHERE at >= ? AND outcome = 'answer' AND fact_id IS NOT NULL"
            ' AND "user" IS NOT NULL GROUP BY fact_id HAVING COUNT(DISTINCT "user") >= ?'
            " ORDER BY n DESC, fact_id LIMIT ?",
            (self._since(days), min_askers, limit),
        )
        return [(row["fact_id"], row["n"]) for row in rows]

    def outcome_counts(self, days: int = 7) -> dict[str, int]:
        """How many questions ended in each outcome over the last `days` days."""
        rows = self._query(
            "SELECT outcome, COUNT(*) AS n FROM questions WHERE at >= ? GROUP BY outcome",
            (self._since(days),),
        )
        return {r["outcome"]: r["n"] for r in rows}

    def feedback_by_fact(self, days: int = 7) -> list[tuple[str, int, int]]:
        """(fact id, helpful clicks, not-helpful clicks) over the last `days` days."""
        rows = self._query(
            "SELECT fact_id, SUM(helpful) AS up, SUM(1 - helpful) AS down FROM feedback"
            " WHERE at >= ? GROUP BY fact_id",
            (self._since(days),),
        )
        return [(r["fact_id"], int(r["up"]), int(r["down"])) for r in rows]

    # -- retention ------------------------------------------------------------------------
    def cleanup(self, retention_days: int) -> dict[str, int]:
        """Delete question and feedback logs older than the retention, and stale bookkeeping."""
        now = self._now()
        cutoff = now - retention_days * 86400
        cutoff_day = (self.clock().date() - dt.timedelta(days=retention_days)).isoformat()
        with self._tx() as conn:
            removed = {
                "questions": conn.execute("DELETE FROM questions WHERE at < ?", (cutoff,)).rowcount,
                "feedback": conn.execute("DELETE FROM feedback WHERE at < ?", (cutoff,)).rowcount,
                "events": conn.execute(
                    "DELETE FROM events WHERE at < ?", (now - EVENT_TTL.total_seconds(),)
                ).rowcount,
                "threads": conn.execute(
                    "DELETE FROM threads WHERE at < ?", (now - THREAD_TTL.total_seconds(),)
                ).rowcount,
                "waiting": conn.execute("DELETE FROM waiting WHERE at < ?", (cutoff,)).rowcount,
                "digest_claims": conn.execute(
                    "DELETE FROM digest_claims WHERE day < ?", (cutoff_day,)
                ).rowcount,
            }
            # Rotation only needs the current cycle and the one before it (for article spread).
            cycle = conn.execute("SELECT MAX(cycle) FROM digest_picks").fetchone()[0]
            if cycle is not None:
                removed["digest_picks"] = conn.execute(
                    "DELETE FROM digest_picks WHERE cycle < ? AND day < ?", (cycle - 1, cutoff_day)
                ).rowcount
            conn.execute(
                "INSERT INTO housekeeping (name, value) VALUES ('cleanup', ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (self.clock().isoformat(),),
            )
        if any(removed.values()):
            log.info("retention cleanup removed %s", removed)
        return removed

    def last_cleanup(self) -> dt.datetime | None:
        rows = self._query("SELECT value FROM housekeeping WHERE name = 'cleanup'")
        return dt.datetime.fromisoformat(rows[0][0]) if rows else None

    # -- digest claims --------------------------------------------------------------------
    def claim_digest(
        self,
        channel: str,
        day: dt.date,
        *,
        owner: str | None = None,
        lease: dt.timedelta = DEFAULT_LEASE,
        retry_failed: bool = False,
    ) -> Claim | None:
        """Claim (channel, day) for posting; None when it is posted or someone else holds it.

        A claim left by a failed attempt (`released`) is taken again; one that failed for good
        (`failed`: not in channel, archived) only with `retry_failed`. A claim whose lease ran
        out is taken over and comes back with `recovered=True` (and `maybe_sent` if the dead
        owner had started the Slack call).
        """
        owner = owner or new_owner()
        now = self._now()
        key = (channel, day.isoformat())
        with self._tx(exclusive=True) as conn:
            row = conn.execute(
                "SELECT * FROM digest_claims WHERE channel = ? AND day = ?", key
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO digest_claims"
                    " (channel, day, state, owner, claimed_at, lease_until)"
                    " VALUES (?, ?, 'claimed', ?, ?, ?)",
                    (*key, owner, now, now + lease.total_seconds()),
                )
                return Claim(channel, day, owner, claimed_at=now)
            state = row["state"]
            # On one host a dead owner is seen at once; across hosts the lease decides.
            expired = state == "claimed" and (
                row["lease_until"] < now or (self.db.one_host and owner_is_dead(row["owner"]))
            )
            takeable = state == "released" or (state == "failed" and retry_failed) or expired
            if not takeable:
                return None
            maybe_sent = bool(row["sending"]) and state != "failed"
            if expired:
                log.warning(
                    "digest for %s on %s was claimed by %s, which stopped before finishing;"
                    " taking it over%s",
                    channel,
                    day,
                    row["owner"],
                    " (it may have posted: checking first)" if maybe_sent else "",
                )
            conn.execute(
                "UPDATE digest_claims SET state = 'claimed', owner = ?, claimed_at = ?,"
                " lease_until = ?, sending = ?, error = NULL WHERE channel = ? AND day = ?",
                (owner, now, now + lease.total_seconds(), int(maybe_sent), *key),
            )
            return Claim(
                channel,
                day,
                owner,
                recovered=expired,
                maybe_sent=maybe_sent,
                claimed_at=row["claimed_at"] if maybe_sent else now,
            )

    def _update_claim(self, claim: Claim, sql: str, params: Iterable[Any]) -> bool:
        with self._tx() as conn:
            cur = conn.execute(
                f"UPDATE digest_claims SET {sql} WHERE channel = ? AND day = ? AND owner = ?"
                " AND state = 'claimed'",
                (*params, claim.channel, claim.day.isoformat(), claim.owner),
            )
            return cur.rowcount == 1

    def mark_sending(self, claim: Claim, lease: dt.timedelta = DEFAULT_LEASE) -> bool:
        """Record that a post is about to be attempted; False if the claim was lost."""
        return self._update_claim(
            claim,
            "sending = 1, attempts = attempts + 1, lease_until = ?",
            (self._now() + lease.total_seconds(),),
        )

    def renew_claim(self, claim: Claim, lease: dt.timedelta = DEFAULT_LEASE) -> bool:
        """Extend the lease while still working on it (retrying with backoff)."""
        return self._update_claim(claim, "lease_until = ?", (self._now() + lease.total_seconds(),))

    def mark_posted(self, claim: Claim, ts: str | None = None) -> bool:
        """The digest is in the channel: nobody posts it again."""
        return self._update_claim(
            claim, "state = 'posted', posted_at = ?, ts = ?, sending = 0", (self._now(), ts)
        )

    def release_claim(
        self, claim: Claim, error: str, *, permanent: bool = False, maybe_sent: bool = False
    ) -> bool:
        """Give the claim back after a failed post, for a later retry.

        `permanent` (not in channel, archived) stops automatic retries for that day;
        `maybe_sent` (the connection broke mid-request) tells the next taker to check first.
        """
        state = "failed" if permanent else "released"
        return self._update_claim(
            claim, "state = ?, sending = ?, error = ?", (state, int(maybe_sent), error[:500])
        )

    def digest_claim(self, channel: str, day: dt.date) -> ClaimRow | None:
        rows = self._query(
            "SELECT * FROM digest_claims WHERE channel = ? AND day = ?", (channel, day.isoformat())
        )
        return _claim_row(rows[0]) if rows else None

    def digest_claims(self, day: dt.date | None = None) -> list[ClaimRow]:
        if day is None:
            rows = self._query("SELECT * FROM digest_claims ORDER BY day, channel")
        else:
            rows = self._query(
                "SELECT * FROM digest_claims WHERE day = ? ORDER BY channel", (day.isoformat(),)
            )
        return [_claim_row(r) for r in rows]

    # -- rotation -------------------------------------------------------------------------
    def picks_for(self, day: dt.date) -> list[str] | None:
        """The facts already chosen for a day (same for every channel), or None."""
        rows = self._query(
            "SELECT fact_id FROM digest_picks WHERE day = ? ORDER BY position", (day.isoformat(),)
        )
        return [r["fact_id"] for r in rows] or None

    def rotation_state(self) -> tuple[int, set[str], list[str]]:
        """(current cycle, facts shown in it, fact ids shown before today newest first)."""
        rows = self._query("SELECT day, position, fact_id, cycle FROM digest_picks")
        if not rows:
            return 0, set(), []
        cycle = max(r["cycle"] for r in rows)
        shown = {r["fact_id"] for r in rows if r["cycle"] == cycle}
        ordered = sorted(rows, key=lambda r: (r["day"], r["position"]), reverse=True)
        return cycle, shown, [r["fact_id"] for r in ordered]

    def save_picks(self, day: dt.date, picks: list[tuple[str, int]]) -> list[str]:
        """Store a day's (fact id, cycle) picks unless another process did first; return the
        day's picks as stored."""
        with self._tx(exclusive=True) as conn:
            existing = conn.execute(
                "SELECT fact_id FROM digest_picks WHERE day = ? ORDER BY position",
                (day.isoformat(),),
            ).fetchall()
            if existing:
                return [r["fact_id"] for r in existing]
            conn.executemany(
                "INSERT INTO digest_picks (day, position, fact_id, cycle) VALUES (?, ?, ?, ?)",
                [(day.isoformat(), i, fid, cycle) for i, (fid, cycle) in enumerate(picks)],
            )
            return [fid for fid, _ in picks]


def _question_row(
    at: float, *, surface: str, channel: str | None, user: str | None, question: str, result: Any
) -> tuple[Any, ...]:
    fact = getattr(result, "fact", None)
    fact_id = fact.id if fact is not None else None
    if fact_id is None and result.outcome == "ambiguous":
        candidates = getattr(result, "candidates", ())
        fact_id = candidates[0].fact.id if candidates else None
    text = clean_question(question)
    return (
        at,
        surface,
        channel,
        user,
        text,
        question_key(text),
        result.outcome,
        fact_id,
        float(result.score),
    )


def _claim_row(r: Any) -> ClaimRow:
    return ClaimRow(
        channel=r["channel"],
        day=dt.date.fromisoformat(r["day"]),
        state=r["state"],
        owner=r["owner"],
        sending=bool(r["sending"]),
        attempts=r["attempts"],
        ts=r["ts"],
        error=r["error"],
        lease_until=dt.datetime.fromtimestamp(r["lease_until"], dt.UTC),
    )


def new_owner() -> str:
    """An id for one process's claims: host, pid and a random part (pids get reused)."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    _LIVE_OWNERS.add(owner)
    return owner


_LIVE_OWNERS: set[str] = set()


def owner_is_dead(owner: str) -> bool:
    """Whether a claim's owner is a process on this host that no longer runs.

    Lets a restart on the same host recover at once instead of waiting for the lease to run
    out. Owners on other hosts cannot be checked: for them the lease decides.
    """
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        # Our pid but not an owner this process made: an earlier process that had our pid
        # (a container restarted with the same hostname, whose main process is always pid 1).
        return owner not in _LIVE_OWNERS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class _Conn:
    """A connection inside a transaction, taking the store's `?` placeholders on either
    database."""

    def __init__(self, raw: Any, db: Database) -> None:
        self.raw = raw
        self.db = db

    def execute(self, sql: str, params: Iterable[Any] = ()) -> Any:
        return self.raw.execute(self.db.sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> None:
        cursor = self.raw.cursor()
        try:
            cursor.executemany(self.db.sql(sql), [tuple(r) for r in rows])
        finally:
            cursor.close()
