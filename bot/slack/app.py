"""Build the Bolt app: the Web API client, middleware that passes dependencies, the listeners.

Nothing here runs at import time; `create_app` is called by the server (Socket Mode or HTTP),
the WSGI entry point, and the tests.

Listeners run before the HTTP response is sent (`process_before_response=True`) and never call
Slack there: a slash command is answered in its own response (matching takes milliseconds);
a mention or DM is claimed in the store with its question and handed to the reply pool
(bot/slack/replies.py), which posts after Slack has its "200". Bolt's other mode hands each
request to a thread pool and polls for the ack every 10 ms, which costs every /ask that much.
"""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context import BoltContext
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.config import Settings
from bot.core import Core
from bot.errors import StoreUnavailable
from bot.metrics import metrics
from bot.slack import payloads
from bot.slack.listeners import (
    actions,
    commands,
    curation,
    events,
    home,
    review,
    source,
    workflow,
)
from bot.slack.recorder import DirectLog, QuestionLog
from bot.slack.replies import Replies
from bot.store import Store

log = logging.getLogger(__name__)

WEB_API_TIMEOUT = 10
MAX_RETRIES = 2


def create_client(settings: Settings) -> WebClient:
    """A Web API client with the bot token; it retries on 429 (Retry-After) and lost connections."""
    kwargs: dict[str, Any] = {}
    if settings.api_url:
        kwargs["base_url"] = settings.api_url.rstrip("/") + "/"
    return WebClient(
        token=settings.bot_token,
        timeout=WEB_API_TIMEOUT,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=MAX_RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=MAX_RETRIES),
        ],
        **kwargs,
    )


class _SameTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that the client's token wins; the client
    was built from that same setting, so the warning would only confuse."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def bolt_logger() -> logging.Logger:
    logger = logging.getLogger("bot.slack.bolt")
    if not any(isinstance(f, _SameTokenWarning) for f in logger.filters):
        logger.addFilter(_SameTokenWarning())
    return logger


def create_app(
    settings: Settings,
    core: Core,
    store: Store,
    client: WebClient | None = None,
    *,
    recorder: QuestionLog | None = None,
    replies: Replies | None = None,
) -> App:
    """The FactBot Bolt app. HTTP mode needs `settings.signing_secret`; Socket Mode does not.

    Questions are recorded through `recorder` (a QuestionRecorder keeps the writes off the
    reply path; the servers use one) or, by default, straight into the store. Replies are
    posted from `replies` (the servers make one and close it at shutdown) or a pool of its own.
    """
    question_log = recorder or DirectLog(store)
    client = client or create_client(settings)
    replies = replies or Replies(client, core, store, question_log, settings)
    app = App(
        client=client,
        # "" rather than None: Bolt would read SLACK_SIGNING_SECRET itself; settings decide
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=settings.signing_secret is not None,
        process_before_response=True,
        logger=bolt_logger(),
    )

    @app.use
    def prepare(context: BoltContext, body: dict[str, Any], next: Any) -> BoltResponse | None:  # noqa: A002
        """Check the payload's shape, give listeners clean values and `core=`, `store=`,
        `recorder=`, `settings=`, `replies=` by name; claim events, dropping redeliveries.

        HTTP bodies were checked at the gate already; Socket Mode's are checked here. Slack
        redelivers an event it thinks was lost with the same event_id: only one delivery is
        answered. (One middleware, not several: each costs every request, /ask included.)
        """
        if reason := payloads.problem(body):
            log.warning("refused a malformed request: %s", reason)
            return BoltResponse(status=400, body=reason)
        metrics().requests.labels(payloads.surface(body)).inc()
        asked = None
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            asked = payloads.asked_in_event(
                body["event"], context.bot_user_id, thread_replies=settings.thread_followups
            )
            try:
                claimed = store.claim_event(event_id, asked.to_json() if asked else None)
            except StoreUnavailable as exc:
                # Answering never waits on recording: answer without the dedupe guard.
                log.error("%s; answering event %s without its claim", exc, event_id)
                claimed, event_id = True, None
            if not claimed:
                log.info("event %s already handled or in hand; ignoring the redelivery", event_id)
                return BoltResponse(status=200, body="")
        elif "command" in body:
            asked = payloads.asked_in_command(body)
        context.update(
            core=core,
            store=store,
            recorder=question_log,
            settings=settings,
            replies=replies,
            asked=asked,
            claimed_event=event_id,
        )
        next()
        # An owed reply is the reply pool's to mark done; any other event is done once handled.
        if event_id and asked is None:
            with contextlib.suppress(StoreUnavailable):
                store.finish_event(event_id)
        return None

    @app.error
    def handle_errors(error: Exception, body: dict[str, Any]) -> None:
        """Anything a listener did not expect: log it with its traceback, once, here."""
        kind = body.get("type") or ("command" if "command" in body else "unknown")
        log.error("unhandled error while handling a %s request", kind, exc_info=error)
        event_id = body.get("event_id") if kind == "event_callback" else None
        if isinstance(event_id, str):
            with contextlib.suppress(StoreUnavailable):
                store.release_event(event_id)  # Slack's retry is answered, not ignored

    commands.register(app, settings.command)
    for module in (events, actions, home, curation, review, source, workflow):
        module.register(app)
    # Last: whatever no listener above takes is acknowledged quietly. Bolt would otherwise log
    # an "unhandled request" with parts of its body (and can fail while doing so).
    anything = re.compile(".*")
    for register in (app.action, app.view, app.shortcut, app.options, app.command):
        register(anything)(_acknowledge)
    app.event(anything)(_ignore)
    return app


def _acknowledge(ack: Any) -> None:
    ack()


def _ignore() -> None:
    return None
