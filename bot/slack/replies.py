"""Work done after Slack has its acknowledgement: posting replies, and buttons' follow-ups.

Slack wants every request acknowledged within 3 seconds, whatever its own Web API is doing. So
a listener only hands work to this bounded pool and returns: a slow or failing Web API holds
up pool threads, never the HTTP threads that acknowledge Slack and answer `/healthz`.

A reply to a mention or DM is owed: its claim in the store keeps the question (`job`) until the
reply is posted. A post that fails for a reason that passes (the Web API down, slow, rate
limited) is put back with a delay; the sweeper here (in every process) takes replies whose
delay or lease ran out and posts them, so an outage delays replies and a crash hands them to
another process, but none is lost. When the pool is full a reply waits in the store for the
sweeper instead of blocking Slack's request (shed, with a log line). Button follow-ups are not
owed in the same way: a full pool drops one with a WARNING.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import urllib.error
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.core import Core
from bot.errors import StoreUnavailable
from bot.matcher import Ambiguous, Answer, Turn
from bot.metrics import metrics
from bot.slack import blocks
from bot.slack.payloads import Asked
from bot.slack.recorder import QuestionLog
from bot.store import MAX_REPLY_ATTEMPTS, Store

log = logging.getLogger(__name__)

WORKERS = 16  # Web API calls wait on the network, not the CPU
CAPACITY = 256  # queued and running; past it replies wait in the store
SWEEP_SECONDS = 0.5
MAX_BACKOFF = 30.0

GREETINGS = frozenset({"", "help", "hi", "hello", "hey", "?"})

# Web API errors that pass: worth posting again later. Anything else Slack refuses (the bot
# is not in the channel, the channel is archived, the token is revoked) will not change.
PASSING_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def passes(exc: BaseException) -> bool:
    """Whether a failed Web API call may succeed if tried again later."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        return status >= 500 or status == 429 or exc.response.get("error") in PASSING_ERRORS
    return isinstance(exc, (OSError, urllib.error.URLError, TimeoutError))


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(MAX_BACKOFF, 0.5 * 2**attempts))


class Replies:
    """The pool, its sweeper thread, and how a reply is posted."""

    def __init__(
        self,
        client: WebClient,
        core: Core,
        store: Store,
        recorder: QuestionLog,
        settings: Settings,
        *,
        workers: int = WORKERS,
        capacity: int = CAPACITY,
        sweep_seconds: float = SWEEP_SECONDS,
    ) -> None:
        self.client, self.core, self.store = client, core, store
        self.recorder, self.settings = recorder, settings
        self.capacity = capacity
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="factbot-reply")
        self._lock = threading.Lock()
        self._busy = 0
        self._stopping = threading.Event()
        self._store_was_down = False
        self._sweeper = threading.Thread(
            target=self._sweep, args=(sweep_seconds,), name="factbot-sweeper", daemon=True
        )
        self._sweeper.start()

    # -- what listeners call ----------------------------------------------------------------
    def answer(self, event_id: str | None, asked: Asked) -> None:
        """Post the answer to `asked` from the pool (the event's claim is already stored)."""
        if self._submit(self.deliver, event_id, asked, 0):
            return
        log.warning("reply pool full (%d); event %s waits in the store", self.capacity, event_id)
        if event_id is None:
            log.error("reply pool full and the store unavailable: a reply was dropped")
            return
        self._store_call(self.store.retry_event, event_id, dt.timedelta(0), failed=False)

    def run(self, what: str, work: Callable[..., Any], *args: Any) -> None:
        """A button's follow-up (a Web API call or response_url post) off the request path."""
        if not self._submit(work, *args):
            log.warning("reply pool full (%d); dropped a %s", self.capacity, what)

    @property
    def busy(self) -> int:
        """Replies and follow-ups queued or running."""
        return self._busy

    def close(self) -> None:
        """Stop taking work; finish what runs. Replies still queued stay owed in the store."""
        self._stopping.set()
        self._sweeper.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- posting ------------------------------------------------------------------------------
    def deliver(self, event_id: str | None, asked: Asked, attempts: int) -> None:
        """Answer, post, then mark the event done; a passing failure puts it back with a delay."""
        question = asked.text
        core = self.core
        taken_as = question
        if question.lower().strip("!.?") in GREETINGS:
            if asked.surface == "thread":  # a reply that is not a question: stay silent
                return self._done_silently(event_id)
            result = None
            text = "How to ask FactBot"
            shown = blocks.render_help(
                blocks.pick_examples(core.sheet.curated), self.settings.command
            )
        else:
            if asked.surface in ("mention", "thread") and asked.in_thread and asked.thread_ts:
                turn = self._store_call(self.store.thread_turn, asked.channel, asked.thread_ts)
                if asked.surface == "thread" and turn is None:
                    return self._done_silently(event_id)  # not a thread the bot answered in
                result, taken_as = core.answer_in_thread(Turn(*turn) if turn else None, question)
            else:
                result = core.answer(question)
            if asked.surface == "thread" and not isinstance(result, Answer):
                # Unasked: speak only when sure, and keep nothing of what was not answered.
                return self._done_silently(event_id)
            text = blocks.result_text(result, core.sheet.articles)
            shown = blocks.render_result(
                result,
                core.sheet.articles,
                asker=asked.user,
                command=self.settings.command,
                public=asked.surface == "mention",
                curators=bool(self.settings.curator_channel),
                slack_feedback=asked.surface == "dm",
            )
        if isinstance(result, Answer | Ambiguous) and asked.thread_ts and asked.surface != "dm":
            # Remembered before the reply goes out, so a follow-up sent the moment it appears
            # is read against it (a retried reply remembers the same again). A "did you mean"
            # is remembered too: the next message may narrow it down.
            given = result.fact.id if isinstance(result, Answer) else None
            self._store_call(
                self.store.remember_thread, asked.channel, asked.thread_ts, taken_as, given
            )
        try:
            self.client.chat_postMessage(
                channel=asked.channel,
                thread_ts=asked.thread_ts,
                text=text,
                blocks=blocks.to_payload(shown),
                unfurl_links=False,
                unfurl_media=False,
            )
        except Exception as exc:
            self._failed(event_id, exc, attempts)
            return
        if event_id is not None:
            self._store_call(self.store.finish_event, event_id)
        if result is not None:
            self.recorder.record_question(
                surface=asked.surface,
                channel=asked.channel,
                user=asked.user,
                question=question,
                result=result,
            )

    def _done_silently(self, event_id: str | None) -> None:
        if event_id is not None:
            self._store_call(self.store.finish_event, event_id)

    def _failed(self, event_id: str | None, exc: Exception, attempts: int) -> None:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        metrics().slack_errors.labels(str(reason)).inc()
        if event_id is None:
            log.error("a reply could not be posted (%s) and the store is unavailable", reason)
            return
        if passes(exc) and attempts + 1 < MAX_REPLY_ATTEMPTS:
            log.warning("reply to event %s not posted (%s); trying again later", event_id, reason)
            self._store_call(self.store.retry_event, event_id, backoff(attempts))
            return
        if isinstance(exc, SlackApiError) or passes(exc):
            log.error("reply to event %s given up: Slack said %s", event_id, reason)
        else:
            log.error("reply to event %s failed unexpectedly", event_id, exc_info=exc)
        self._store_call(self.store.fail_event, event_id)

    # -- the pool and the sweeper -------------------------------------------------------------
    def _submit(self, work: Callable[..., Any], *args: Any) -> bool:
        with self._lock:
            if self._busy >= self.capacity or self._stopping.is_set():
                return False
            self._busy += 1
        metrics().reply_queue.inc()
        try:
            self._pool.submit(self._guarded, work, *args)
        except RuntimeError:  # shut down meanwhile
            self._done()
            return False
        return True

    def _guarded(self, work: Callable[..., Any], *args: Any) -> None:
        try:
            work(*args)
        except Exception:
            log.exception("unhandled error in work done after the acknowledgement")
        finally:
            self._done()

    def _done(self) -> None:
        with self._lock:
            self._busy -= 1
        metrics().reply_queue.dec()

    def _store_call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except StoreUnavailable as exc:
            log.error("%s", exc)
            return None

    def _sweep(self, every: float) -> None:
        while not self._stopping.wait(every):
            if self.store.closed:
                return
            try:
                self.store.check()
                due = self.store.due_replies(self.capacity - self._busy)
            except StoreUnavailable as exc:
                if not self._store_was_down:
                    log.error("%s; owed replies wait until it is back", exc)
                self._store_was_down = True
                continue
            self._store_was_down = False
            for event_id, job, attempts in due:
                if not self._submit(self.deliver, event_id, Asked.from_json(job), attempts):
                    delay = dt.timedelta(0)
                    self._store_call(self.store.retry_event, event_id, delay, failed=False)
