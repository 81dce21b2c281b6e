"""The digest schedule with a controlled clock, and exactly-once across restarts and processes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.core import Core
from bot.delivery import day_finished
from bot.scheduler import DigestScheduler, FakeClock, due_day, next_run, run_time
from bot.slack.digest_job import post_digest
from bot.store import Store

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("clean_env")


class StubClient:
    """Stands in for WebClient: records each digest post."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []

    def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:  # noqa: N802
        self.posts.append(kwargs)
        return {"ok": True, "ts": f"{len(self.posts)}.000100"}


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def settings_for(tz: ZoneInfo, at: dt.time, channels: tuple[str, ...] = ("C1", "C2")) -> Settings:
    return Settings(digest_channels=channels, digest_time=at, timezone=tz)


class Harness:
    """A scheduler wired to the real store and post_digest, a stub client and a fake clock."""

    def __init__(self, store_path: Path, core: Core, settings: Settings, clock: FakeClock) -> None:
        self.clock = clock
        self.client = StubClient()
        self.store = Store(store_path, clock=clock.now)
        self.settings = settings
        self.core = core
        self.scheduler = self.new_scheduler()

    def new_scheduler(self) -> DigestScheduler:
        def post(day: dt.date) -> bool:
            return day_finished(
                post_digest(
                    self.client,  # type: ignore[arg-type]
                    self.store,
                    self.core,
                    self.settings,
                    day,
                    backoff=(0.0, 0.0, 0.0),
                    sleep=lambda seconds: None,
                )
            )

        return DigestScheduler(
            at=self.settings.digest_time, tz=self.settings.timezone, post=post, clock=self.clock
        )

    def run_until(self, until: dt.datetime) -> None:
        stop = threading.Event()
        while self.clock.now() < until:
            delay = self.scheduler.step()
            self.clock.wait(min(delay, (until - self.clock.now()).total_seconds() or 1), stop)


@pytest.fixture
def harness_factory(tmp_path: Path, core: Core) -> Iterator[Any]:
    made: list[Harness] = []

    def make(settings: Settings, start: dt.datetime) -> Harness:
        harness = Harness(tmp_path / "factbot.db", core, settings, FakeClock(start))
        original = harness.client.chat_postMessage

        def timed(**kwargs: Any) -> dict[str, Any]:
            kwargs["_at"] = harness.clock.now()
            return original(**kwargs)

        harness.client.chat_postMessage = timed  # type: ignore[method-assign]
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.store.close()


def test_run_time_is_the_local_wall_time_on_both_sides_of_dst() -> None:
    """09:00 London is 09:00Z in winter and 08:00Z in summer."""
    assert run_time(dt.date(2026, 3, 28), dt.time(9), LONDON) == utc(2026, 3, 28, 9)
    assert run_time(dt.date(2026, 3, 30), dt.time(9), LONDON) == utc(2026, 3, 30, 8)


def test_a_time_skipped_or_repeated_by_dst_still_runs_once() -> None:
    """01:30 runs at 02:30 BST when clocks skip it, and at the first 01:30 when it repeats."""
    assert run_time(dt.date(2026, 3, 29), dt.time(1, 30), LONDON) == utc(2026, 3, 29, 1, 30)
    assert run_time(dt.date(2026, 10, 25), dt.time(1, 30), LONDON) == utc(2026, 10, 25, 0, 30)
    after_first = utc(2026, 10, 25, 0, 31)  # between the two 01:30s
    assert next_run(after_first, dt.time(1, 30), LONDON) == utc(2026, 10, 26, 1, 30)


def test_due_day_is_today_only_after_the_local_time() -> None:
    """Before the local run time nothing is due; after it, today's local date is."""
    assert due_day(utc(2026, 7, 1, 12, 59), dt.time(9), NEW_YORK) is None
    assert due_day(utc(2026, 7, 1, 13, 0), dt.time(9), NEW_YORK) == dt.date(2026, 7, 1)
    # 02:00Z on 2 July is still 1 July in New York
    assert due_day(utc(2026, 7, 2, 2, 0), dt.time(9), NEW_YORK) == dt.date(2026, 7, 1)


def test_posts_at_the_local_time_every_day_across_a_dst_change(harness_factory: Any) -> None:
    """Over five days across the spring change, each channel gets one post a day at 09:00 local."""
    h = harness_factory(settings_for(LONDON, dt.time(9)), utc(2026, 3, 27, 6))
    h.run_until(utc(2026, 4, 1, 6))
    times = [p["_at"] for p in h.client.posts if p["channel"] == "C1"]
    assert [t.astimezone(LONDON).strftime("%m-%d %H:%M") for t in times] == [
        "03-27 09:00",
        "03-28 09:00",
        "03-29 09:00",
        "03-30 09:00",
        "03-31 09:00",
    ]
    assert times[2] == utc(2026, 3, 29, 8)
    assert len(h.client.posts) == 10


def test_posts_once_when_the_wall_time_happens_twice(harness_factory: Any) -> None:
    """On the fall-back night a 01:30 digest posts once, not at both 01:30s."""
    h = harness_factory(settings_for(LONDON, dt.time(1, 30), ("C1",)), utc(2026, 10, 24, 23))
    h.run_until(utc(2026, 10, 25, 12))
    assert [p["_at"] for p in h.client.posts] == [utc(2026, 10, 25, 0, 30)]


def test_restart_after_posting_does_not_post_again(harness_factory: Any) -> None:
    """A new scheduler (a restarted process) on the same database finds today done."""
    settings = settings_for(NEW_YORK, dt.time(9))
    h = harness_factory(settings, utc(2026, 7, 1, 12))
    h.run_until(utc(2026, 7, 1, 14))
    assert len(h.client.posts) == 2
    restarted = harness_factory(settings, utc(2026, 7, 1, 14, 5))
    restarted.run_until(utc(2026, 7, 1, 20))
    assert restarted.client.posts == []
    restarted.run_until(utc(2026, 7, 2, 14))
    assert [p["channel"] for p in restarted.client.posts] == ["C1", "C2"]


def test_start_after_the_time_catches_up_at_once(harness_factory: Any) -> None:
    """Started at 15:00 after downtime through 09:00, today's digest goes out immediately."""
    h = harness_factory(settings_for(LONDON, dt.time(9)), utc(2026, 6, 2, 14))
    h.run_until(utc(2026, 6, 2, 14, 0, 1))
    assert [p["_at"] for p in h.client.posts] == [utc(2026, 6, 2, 14)] * 2
    assert h.store.digest_claim("C1", dt.date(2026, 6, 2)).state == "posted"  # type: ignore[union-attr]


def test_failed_post_is_retried_later_the_same_day(harness_factory: Any) -> None:
    """A post that fails every attempt is released and the scheduler tries again later."""
    h = harness_factory(settings_for(LONDON, dt.time(9), ("C1",)), utc(2026, 6, 2, 7, 59))
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web import SlackResponse

    calls = {"n": 0}
    good = h.client.chat_postMessage

    def flaky(**kwargs: Any) -> dict[str, Any]:
        calls["n"] += 1
        if calls["n"] <= 4:  # the first run: one try and three retries, all failing
            resp = SlackResponse(
                client=None,
                http_verb="POST",
                api_url="",
                req_args={},
                data={"ok": False, "error": "internal_error"},
                headers={},
                status_code=200,
            )
            raise SlackApiError("internal_error", resp)
        return good(**kwargs)

    h.client.chat_postMessage = flaky  # type: ignore[method-assign]
    h.run_until(utc(2026, 6, 2, 12))
    assert calls["n"] == 5
    assert len(h.client.posts) == 1
    assert h.client.posts[0]["_at"] == utc(2026, 6, 2, 8, 1)  # 09:00 BST failed; a minute later


CHILD = r"""
import datetime as dt, os, sys, time
from bot.config import Settings
from bot.core import Core
from bot.slack.digest_job import post_digest
from bot.store import Store

class FileClient:
    def chat_postMessage(self, **kwargs):
        time.sleep(0.2)  # a slow Slack widens the race window
        with open(sys.argv[2], "a") as f:
            f.write(f"{os.getpid()} {kwargs['channel']}\n")
        return {"ok": True, "ts": "1.0"}

settings = Settings(digest_channels=("C1", "C2", "C3"))
core = Core()
with Store(sys.argv[1]) as store:
    while not os.path.exists(sys.argv[3]):  # start line: both processes go at once
        time.sleep(0.005)
    statuses = post_digest(FileClient(), store, core, settings, dt.date(2026, 7, 1), wait=10)
print(statuses)
"""


def test_two_processes_on_one_database_post_once(tmp_path: Path) -> None:
    """Two separate processes racing for the same digest post each channel exactly once."""
    db, log, go = tmp_path / "factbot.db", tmp_path / "posts.log", tmp_path / "go"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["PYTHONPATH"] = str(ROOT)
    Store(db).close()  # migrate once up front so both start on the same schema
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(db), str(log), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    import time

    time.sleep(1.0)  # let both import and open the store
    go.touch()
    outputs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    posts = log.read_text().split()
    channels = sorted(posts[1::2])
    assert channels == ["C1", "C2", "C3"]
    with Store(db) as store:
        states = {r.channel: r.state for r in store.digest_claims(dt.date(2026, 7, 1))}
    assert states == {"C1": "posted", "C2": "posted", "C3": "posted"}
