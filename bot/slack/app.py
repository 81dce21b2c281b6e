"""Build the Bolt app: the Web API client, middleware that passes dependencies, the listeners.

Nothing here runs at import time; `create_app` is called by the server (Socket Mode or HTTP),
the WSGI entry point, and the tests.

Listeners run before the HTTP response is sent (`process_before_response=True`): a slash
command is acknowledged with its reply in the same response, and an event's reply goes out
before Slack is told "200". Bolt's other mode hands each request to a thread pool and polls
for the ack every 10 ms, which costs every /ask that much latency; and the core answers in well
under a millisecond, so nothing here is slow enough to need it. A reply that does not make it
within Slack's 3 seconds is redelivered, and the event id claimed in the store stops a second
reply.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.context import BoltContext
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.config import Settings
from bot.core import Core
from bot.slack.listeners import actions, commands, curation, events, home
from bot.slack.recorder import QuestionLog
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


# Events whose listener posts a reply and marks the event done itself.
REPLYING_EVENTS = ("app_mention", "message")


def create_app(
    settings: Settings,
    core: Core,
    store: Store,
    client: WebClient | None = None,
    *,
    recorder: QuestionLog | None = None,
) -> App:
    """The FactBot Bolt app. HTTP mode needs `settings.signing_secret`; Socket Mode does not.

    Questions are recorded through `recorder` (a QuestionRecorder keeps the writes off the
    reply path; the servers use one) or, by default, straight into the store.
    """
    question_log = recorder or store
    app = App(
        client=client or create_client(settings),
        # "" rather than None: Bolt would read SLACK_SIGNING_SECRET itself; settings decide
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=settings.signing_secret is not None,
        process_before_response=True,
        logger=bolt_logger(),
    )

    @app.use
    def prepare(context: BoltContext, body: dict[str, Any], next: Any) -> BoltResponse | None:  # noqa: A002
        """Give listeners `core=`, `store=`, `recorder=`, `settings=` by name; drop redeliveries.

        Slack redelivers an event it thinks was lost (X-Slack-Retry-Num, Socket Mode
        retry_attempt) with the same event_id: only the first delivery is handled. (One
        middleware, not two: each costs every request, /ask included.)
        """
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not isinstance(event_id, str):
            event_id = None
        if event_id and not store.claim_event(event_id):
            log.info("event %s already handled or in hand; ignoring the redelivery", event_id)
            return BoltResponse(status=200, body="")
        context["core"] = core
        context["store"] = store
        context["recorder"] = question_log
        context["settings"] = settings
        if event_id:
            # Claimed, answered, then done: a listener that replies marks the event done once
            # its reply is posted (a failure releases the claim in handle_errors, so Slack's
            # retry is answered); other events are done once handled.
            context["event_done"] = lambda: store.finish_event(event_id)
        next()
        if event_id and body.get("event", {}).get("type") not in REPLYING_EVENTS:
            store.finish_event(event_id)
        return None

    @app.error
    def handle_errors(error: Exception, body: dict[str, Any]) -> None:
        """Anything a listener did not expect: log it with its traceback, once, here."""
        kind = body.get("type") or ("command" if "command" in body else "unknown")
        log.error("unhandled error while handling a %s request", kind, exc_info=error)
        event_id = body.get("event_id") if kind == "event_callback" else None
        if isinstance(event_id, str):
            store.release_event(event_id)  # Slack's retry is answered, not ignored

    commands.register(app, settings.command)
    for module in (events, actions, home, curation):
        module.register(app)
    return app
