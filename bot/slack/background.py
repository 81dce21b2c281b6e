"""What `factbot serve` does besides answering: reload an edited sheet, post the digest, tidy up.

- The sheet watcher looks at the fact sheet's files every few seconds (and at once on SIGHUP
  when started from the main thread) and swaps in an edited sheet only after it passes every
  check; a broken edit keeps the last good sheet serving (Core.reload logs each problem).
- The digest scheduler runs when FACTBOT_DIGEST_CHANNELS is set (bot/scheduler.py).
- Retention: question and feedback logs older than FACTBOT_RETENTION_DAYS go once a day.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from typing import Any

from slack_sdk import WebClient

from bot.config import Settings
from bot.core import Core
from bot.delivery import day_finished
from bot.scheduler import Clock, DigestScheduler, SystemClock
from bot.slack.digest_job import post_digest
from bot.store import Store

log = logging.getLogger(__name__)

POLL_SECONDS = 3.0
CLEANUP_EVERY = dt.timedelta(days=1)


class Background:
    """The running background threads; `stop()` ends them."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.wake = threading.Event()
        self.threads: list[threading.Thread] = []
        self.scheduler: DigestScheduler | None = None
        self._previous_hup: Any = None

    def spawn(self, name: str, target: Any) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def reload_now(self) -> None:
        """Ask the watcher to reload at once (what SIGHUP does)."""
        self.wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.wake.set()
        for thread in self.threads:
            thread.join(timeout)
        if self._previous_hup is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGHUP, self._previous_hup)
            self._previous_hup = None


def watch_sheet(
    core: Core, store: Store, settings: Settings, jobs: Background, poll: float
) -> None:
    """Reload the sheet when its files change or on request; clean up the store daily."""
    while not jobs.stopping.is_set():
        requested = jobs.wake.wait(poll)
        jobs.wake.clear()
        if jobs.stopping.is_set():
            break
        try:
            if requested or core.changed():
                problems = core.reload()
                if problems:
                    log.error(
                        "the edited fact sheet has %d problem(s); still serving the sheet loaded"
                        " at %s",
                        len(problems),
                        core.loaded_at.isoformat(timespec="seconds"),
                    )
            clean_up_if_due(store, settings)
        except Exception:
            log.exception("background check failed; trying again in %.0f s", poll)


def clean_up_if_due(store: Store, settings: Settings) -> bool:
    """Run retention cleanup if the last one (by any process) was a day or more ago."""
    last = store.last_cleanup()
    if last is not None and store.clock() - last < CLEANUP_EVERY:
        return False
    store.cleanup(settings.retention_days)
    return True


def start(
    client: WebClient,
    core: Core,
    store: Store,
    settings: Settings,
    *,
    clock: Clock | None = None,
    poll: float = POLL_SECONDS,
) -> Background:
    """Start the watcher (and the digest scheduler when channels are set); return a handle."""
    jobs = Background()
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGHUP"):
        jobs._previous_hup = signal.signal(signal.SIGHUP, lambda signum, frame: jobs.reload_now())
    jobs.spawn("factbot-sheet-watcher", lambda: watch_sheet(core, store, settings, jobs, poll))
    if settings.digest_channels:

        def post(day: dt.date) -> bool:
            return day_finished(post_digest(client, store, core, settings, day))

        jobs.scheduler = DigestScheduler(
            at=settings.digest_time, tz=settings.timezone, post=post, clock=clock or SystemClock()
        )
        jobs.spawn("factbot-digest", lambda: jobs.scheduler.run(jobs.stopping))  # type: ignore[union-attr]
    else:
        log.info("no FACTBOT_DIGEST_CHANNELS: the daily digest is off")
    return jobs
