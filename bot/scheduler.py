"""When the digest runs: a local wall-clock time in an IANA zone, every day, with catch-up.

The scheduler only decides *when*; whether a channel still needs its digest is the store's
claim (see bot/store.py), so a restart, a second process or a cron run never posts twice.
On start it runs at once if today's time has passed (catch-up); while some channel's digest
is still pending (a failed post, a claim held by a process that may have died) it checks
again with backoff until the local day ends.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Protocol
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)


class Clock(Protocol):
    """Tells the time and waits; tests pass a FakeClock to move time by hand."""

    def now(self) -> dt.datetime: ...

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Wait up to `seconds`; True if `stop` was set."""
        ...


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        return stop.wait(max(0.0, seconds))


class FakeClock:
    """A clock that only moves when told to: `wait` jumps ahead instead of sleeping."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(dt.UTC)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += dt.timedelta(seconds=seconds)

    def set(self, when: dt.datetime) -> None:
        with self._lock:
            self._now = when.astimezone(dt.UTC)

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        if stop.is_set():
            return True
        self.advance(max(0.0, seconds))
        return stop.is_set()


def run_time(day: dt.date, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of wall time `at` on local date `day`.

    zoneinfo with fold=0 resolves both DST cases the way people expect: a time that happens
    twice (clocks go back) means the first one; a time that never happens (clocks go forward)
    lands as many minutes after the jump as it was after the old offset (02:30 -> 03:30).
    """
    return dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)


def local_date(when: dt.datetime, tz: ZoneInfo) -> dt.date:
    return when.astimezone(tz).date()


def next_run(after: dt.datetime, at: dt.time, tz: ZoneInfo) -> dt.datetime:
    """The first scheduled instant strictly after `after`."""
    day = local_date(after, tz)
    for offset in range(3):
        when = run_time(day + dt.timedelta(days=offset), at, tz)
        if when > after:
            return when
    raise AssertionError("unreachable: a day always has a run time")


def due_day(now: dt.datetime, at: dt.time, tz: ZoneInfo) -> dt.date | None:
    """Today's local date if today's run time has passed (so a start-up catches up), else None."""
    today = local_date(now, tz)
    return today if now >= run_time(today, at, tz) else None


class DigestScheduler:
    """Calls `post(day)` at the local time each day until it reports the day done.

    `post` returns True when no channel needs anything more that day (posted, or failed for
    good); False asks to be called again later (with backoff, within the same local day).
    """

    def __init__(
        self,
        *,
        at: dt.time,
        tz: ZoneInfo,
        post: Callable[[dt.date], bool],
        clock: Clock | None = None,
        retry: float = 60.0,
        max_retry: float = 900.0,
    ) -> None:
        self.at = at
        self.tz = tz
        self.post = post
        self.clock = clock or SystemClock()
        self.retry = retry
        self.max_retry = max_retry
        self.done: dt.date | None = None
        self._delay = retry

    def step(self) -> float:
        """Do whatever is due now; return seconds until the next look."""
        now = self.clock.now()
        day = due_day(now, self.at, self.tz)
        if day is not None and day != self.done:
            try:
                finished = self.post(day)
            except Exception:
                log.exception("digest for %s failed; will retry", day)
                finished = False
            if finished:
                self.done = day
                self._delay = self.retry
            else:
                delay = self._delay
                self._delay = min(self._delay * 2, self.max_retry)
                upcoming = next_run(now, self.at, self.tz)
                return max(1.0, min(delay, (upcoming - now).total_seconds()))
        upcoming = next_run(self.clock.now(), self.at, self.tz)
        # Wake at least hourly so a changed wall clock (suspend, NTP step) is noticed.
        return max(1.0, min((upcoming - self.clock.now()).total_seconds(), 3600.0))

    def run(self, stop: threading.Event) -> None:
        """Loop until `stop` is set."""
        log.info(
            "digest scheduled daily at %s %s; next at %s",
            self.at.strftime("%H:%M"),
            self.tz.key,
            next_run(self.clock.now(), self.at, self.tz).astimezone(self.tz).isoformat(),
        )
        while not stop.is_set():
            delay = self.step()
            if self.clock.wait(delay, stop):
                break
