"""Recording asked questions off the reply path.

With HTTP replies sent only when a listener returns, a reply that waited for its SQLite write
also waited for the WAL checkpoints (an fsync, tens of milliseconds, with the store's lock held)
that every few hundred writes bring; at 16 concurrent /ask that was most of the p99. Here one
thread does the writes, in order and in batches (whatever queued up while the last write ran),
and the reply goes out at once. A crash loses at most the questions still queued.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Protocol

from bot.errors import StoreUnavailable
from bot.store import Store

log = logging.getLogger(__name__)

_STOP = object()
BATCH = 500


class QuestionLog(Protocol):
    """What listeners record questions with: a DirectLog, or a QuestionRecorder."""

    def record_question(
        self, *, surface: str, channel: str | None, user: str | None, question: str, result: Any
    ) -> None: ...


class DirectLog:
    """Writes each question at once, on the caller's thread (tests, and small set-ups); a
    store that cannot be written is logged at ERROR and the answer goes out regardless."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record_question(self, **fields: Any) -> None:
        try:
            self.store.record_question(**fields)
        except StoreUnavailable as exc:
            log.error("%s; a question was not recorded (the reply was sent)", exc)


class QuestionRecorder:
    """Hands `record_question` calls to one background thread; `close()` writes what is left."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="factbot-recorder", daemon=True)
        self._thread.start()

    def record_question(self, **fields: Any) -> None:
        self._queue.put(fields)

    def flush(self) -> None:
        """Wait until every question handed in so far is in the store."""
        self._queue.join()

    def close(self) -> None:
        """Write what is queued, then stop the thread."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            # What queued up meanwhile goes in the same write (one transaction, one fsync).
            while len(batch) < BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = any(fields is _STOP for fields in batch)
            try:
                self.store.record_questions(f for f in batch if f is not _STOP)
            except Exception:
                log.exception("could not record %d question(s); the replies were sent", len(batch))
            finally:
                for _ in batch:
                    self._queue.task_done()
            if stop:
                return
