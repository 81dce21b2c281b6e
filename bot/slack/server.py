"""`factbot serve`: Socket Mode by default, or HTTP (`--http`) served by waitress.

HTTP mode takes every Slack request (commands, events, interactivity) at `POST /slack/events`
and answers `GET /healthz` with the number of facts being served.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.error
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

from bot.config import Settings
from bot.core import Core
from bot.errors import SlackUnavailable
from bot.matcher import is_common_word
from bot.metrics import exposition, metrics, use_multiprocess
from bot.slack import background, payloads
from bot.slack.app import create_app, create_client
from bot.slack.recorder import QuestionRecorder
from bot.slack.replies import Replies
from bot.store import Store

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
DEFAULT_THREADS = 8

HTTP_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
SOCKET_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")

StartResponse = Callable[..., Any]


# Slack's payloads are a few kilobytes; a body past this is refused before it is read.
MAX_BODY = 1024 * 1024


def _refuse(start_response: StartResponse, status: str, reason: str, size: int) -> list[bytes]:
    # One short line: the reason and the size, never the body, its headers or a token.
    log.warning("refused a request to %s: %s (%d bytes)", EVENTS_PATH, reason, size)
    body = json.dumps({"error": reason}).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def gate(
    slack: Callable[[dict[str, Any], StartResponse], Iterable[bytes]], signing_secret: str | None
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """In front of Bolt: the size, then the signature and timestamp, then the payload's shape.

    Bolt reads and parses a body before checking its signature, and logs one it refuses: an
    unsigned 100 MB POST would be buffered and written to the log. Here a body over MAX_BODY is
    refused unread (413), and an unsigned or stale one (401) never reaches Bolt."""
    verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def guarded(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != EVENTS_PATH:
            return slack(environ, start_response)  # Bolt answers 404
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(start_response, "400 Bad Request", "bad Content-Length", 0)
        if length > MAX_BODY:
            return _refuse(start_response, "413 Content Too Large", "body too large", length)
        body = environ["wsgi.input"].read(length) if length else b""
        if verifier is not None:
            timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
            signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
            try:
                valid = timestamp.isdigit() and verifier.is_valid(body, timestamp, signature)
            except (ValueError, TypeError):
                valid = False
            if not valid:
                return _refuse(start_response, "401 Unauthorized", "bad or stale signature", length)
        # Bolt would raise on a body it cannot read or a payload of the wrong shape (500 and a
        # traceback, sometimes an event claimed and never answered): refuse it here instead.
        parsed, reason = payloads.parse_body(body, environ.get("CONTENT_TYPE", ""))
        if reason is None:
            reason = payloads.problem(parsed)
        if reason is not None:
            return _refuse(start_response, "400 Bad Request", reason, length)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        try:
            return slack(environ, start_response)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as exc:
            # Raised while Bolt reads a payload shape payloads.problem() let through (Bolt's
            # own errors inside listeners never get here: its error handler answers those).
            return _refuse(
                start_response,
                "400 Bad Request",
                f"payload Bolt cannot read ({exc!r})"[:200],
                length,
            )

    return guarded


def health(core: Core, store: Store | None, replies: Replies | None) -> dict[str, Any]:
    """What /healthz reports. It never calls Slack and never waits on the store's lock for a
    write: "degraded" means answers still go out but something is not being recorded."""
    report: dict[str, Any] = {
        "status": "ok",
        "facts": len(core.sheet.curated),
        "loaded_at": core.loaded_at.isoformat(timespec="seconds"),
    }
    if store is not None:
        problem = store.check()
        report["store"] = problem or "ok"
        if problem:
            report["status"] = "degraded"
    if replies is not None:
        report["replies_in_hand"] = replies.busy
    return report


def wsgi_app(
    app: App,
    core: Core,
    signing_secret: str | None = None,
    *,
    store: Store | None = None,
    replies: Replies | None = None,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI application: /healthz and /metrics (neither waits on Slack), then everything
    else through the gate to Bolt at /slack/events."""
    slack = gate(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret)
    latency = metrics().latency

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        if path in (HEALTH_PATH, METRICS_PATH) and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            if path == HEALTH_PATH:
                body, kind = json.dumps(health(core, store, replies)).encode(), "application/json"
            else:
                body, kind = exposition()
            start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
            return [body]
        start = time.perf_counter()
        try:
            return slack(environ, start_response)
        finally:
            latency.observe(time.perf_counter() - start)

    return application


class HttpServer:
    """waitress on a host and port (0 picks a free one), runnable in a thread and stoppable."""

    def __init__(
        self,
        application: Callable[..., Iterable[bytes]],
        host: str = "127.0.0.1",
        port: int = 3000,
        threads: int = DEFAULT_THREADS,
        sock: socket.socket | None = None,
    ) -> None:
        where: dict[str, Any] = {"sockets": [sock]} if sock else {"host": host, "port": port}
        self._server = create_server(
            application,
            threads=threads,
            ident="factbot",
            # waitress reads a whole body before the app sees it: past MAX_BODY it answers 413
            # itself, so an oversized upload is never buffered (the gate covers other servers).
            max_request_body_size=MAX_BODY,
            **where,
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def host(self) -> str:
        return str(self._server.effective_host)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        """Serve until `stop()` (from another thread or a signal handler)."""
        self._server.run()

    def start(self) -> HttpServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="factbot-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listening socket and every connection, finish running requests, return."""
        server = self._server

        def close_all() -> None:
            for channel in list(server._map.values()):
                if channel is not server.trigger:
                    channel.close()
            server.trigger.close()

        with contextlib.suppress(OSError):  # already closed
            server.trigger.pull_trigger(close_all)
        if self._thread is not None:
            self._thread.join(timeout=5)
        server.task_dispatcher.shutdown(timeout=5)

    def __enter__(self) -> HttpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def load_settings(env: Mapping[str, str], required: Iterable[str]) -> Settings:
    """Settings from the environment with every missing required name reported at once."""
    settings = Settings.from_env(env)
    settings.require(*required)
    return settings


def start_background(app: App, core: Core, store: Store, settings: Settings) -> Any:
    """The sheet-reload watcher and digest scheduler; the returned handle has `.stop()`."""
    return background.start(app.client, core, store, settings)


def main(argv: list[str] | None = None) -> int:
    """`factbot serve ...` (the command line is bot/cli.py)."""
    from bot.cli import main as cli_main

    return cli_main(["serve", *(sys.argv[1:] if argv is None else argv)])


def run(args: argparse.Namespace) -> int:
    """`factbot serve [--http [--host H] [--port P] [--threads N] [--workers N]]`."""
    settings = load_settings(os.environ, HTTP_SETTINGS if args.http else SOCKET_SETTINGS)
    core = Core(settings.facts_path)
    # Typo repair's word list loads on first need (~0.2 s): pay it before the first
    # question, not during it (and before workers fork, so they share it).
    is_common_word("factbot")
    if args.http and args.workers > 1:
        check_slack(settings)
        return serve_workers(settings, core, args.host, args.port, args.threads, args.workers)
    service = Service(settings, core)
    try:
        if args.http:
            serve_http(service, args.host, args.port, args.threads)
            return 0
        return serve_socket_mode(service.app, settings)
    finally:
        service.close()


Application = Callable[..., Iterable[bytes]]


class Service:
    """One process's FactBot: its store connection, question recorder, reply pool, Bolt app and
    background jobs, built in that order and closed in the reverse one."""

    def __init__(self, settings: Settings, core: Core) -> None:
        self.settings, self.core = settings, core
        check_slack(settings)
        self.store = Store(settings.db_path)
        self.recorder = QuestionRecorder(self.store)
        client = create_client(settings)
        self.replies = Replies(client, core, self.store, self.recorder, settings)
        try:
            self.app = create_app(
                settings, core, self.store, client, recorder=self.recorder, replies=self.replies
            )
        except BaseException as exc:
            self._close_store_side()
            raise _startup_error(exc, settings) from None
        self.jobs = start_background(self.app, core, self.store, settings)

    def application(self) -> Application:
        return wsgi_app(
            self.app,
            self.core,
            self.settings.signing_secret,
            store=self.store,
            replies=self.replies,
        )

    def close(self) -> None:
        """Background jobs, then the replies in flight, then queued questions, then the store.
        Safe to call twice (gunicorn's worker_exit, then atexit)."""
        if self.store.closed:
            return
        self.jobs.stop()
        self._close_store_side()

    def _close_store_side(self) -> None:
        self.replies.close()
        self.recorder.close()
        self.store.close()


def _startup_error(exc: BaseException, settings: Settings) -> BaseException:
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        if status >= 500 or status == 429:
            return SlackUnavailable(
                f"Slack's Web API is unavailable (HTTP {status}); try again later"
            )
        return SlackUnavailable(f"Slack refused to start the app: {exc.response.get('error')}", 2)
    if isinstance(exc, BoltError):
        return SlackUnavailable(f"Slack refused to start the app: {exc}", 2)
    if isinstance(exc, (OSError, urllib.error.URLError)):
        where = settings.api_url or "https://slack.com/api/"
        reason = getattr(exc, "reason", None) or exc
        return SlackUnavailable(
            f"cannot reach Slack's Web API at {where} ({reason}); is it reachable?"
        )
    return exc


def check_slack(settings: Settings) -> None:
    """auth.test before anything starts: an unreachable Slack, one that is down, or a refused
    token stops start-up with one clear line (and before any worker is forked)."""
    try:
        create_client(settings).auth_test()
    except Exception as exc:
        raise _startup_error(exc, settings) from None


def serve_workers(
    settings: Settings, core: Core, host: str, port: int, threads: int, workers: int
) -> int:
    """Serve from `workers` processes managed by gunicorn (threads per worker).

    Python runs one thread at a time per process, so one process uses one CPU. gunicorn's
    arbiter replaces a worker that dies while the others keep serving, and on SIGTERM lets
    each finish its requests (each worker then closes its service: replies in flight,
    recorded questions). The sheet is loaded once here, before the fork, and shared.
    """
    from bot.slack import gunicorn_conf

    banner = f"FactBot serving {len(core.sheet.curated)} facts"

    def build() -> Application:
        return gunicorn_conf.start_service(Service(settings, core))

    def when_ready(arbiter: Any) -> None:
        bound = arbiter.LISTENERS[0].sock.getsockname()
        url = f"http://{bound[0]}:{bound[1]}"
        log.info(
            "%s on %s%s (health: %s%s), %d processes of %d threads (gunicorn)",
            banner,
            url,
            EVENTS_PATH,
            url,
            HEALTH_PATH,
            workers,
            threads,
        )

    # Each worker counts its metrics in files here; /metrics adds them up.
    folder = tempfile.mkdtemp(prefix="factbot-metrics-")
    use_multiprocess(folder)
    try:
        return gunicorn_conf.run(
            build, bind=f"{host}:{port}", workers=workers, threads=threads, when_ready=when_ready
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def serve(server: HttpServer) -> None:
    """Serve until SIGTERM/SIGINT, then finish the requests in flight and return."""
    # stop() waits for requests in flight, so it cannot run inside the signal handler, which
    # interrupts the thread it would wait for; it is joined below, before the store closes.
    stopper = threading.Thread(target=server.stop, name="factbot-http-stop", daemon=True)

    def stop_once() -> None:
        if stopper.ident is None:
            stopper.start()

    _stop_on_signals(stop_once)
    server.serve_forever()
    if stopper.ident is not None:
        stopper.join()


def _stop_on_signals(stop: Callable[[], None]) -> None:
    def handler(signum: int, frame: object) -> None:
        log.info("received %s; shutting down", signal.Signals(signum).name)
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def serve_http(service: Service, host: str, port: int, threads: int) -> None:
    server = HttpServer(service.application(), host=host, port=port, threads=threads)
    log.info(
        "FactBot serving %d facts on %s%s (health: %s%s), %d threads",
        len(service.core.sheet.curated),
        server.url,
        EVENTS_PATH,
        server.url,
        HEALTH_PATH,
        threads,
    )
    serve(server)
    log.info("HTTP server stopped")


def serve_socket_mode(app: App, settings: Settings) -> int:
    handler = SocketModeHandler(app, settings.app_token)
    try:
        handler.connect()
    except SlackApiError as exc:
        handler.close()
        raise SlackUnavailable(
            f"Slack refused the app-level token (SLACK_APP_TOKEN): {exc.response.get('error')}", 2
        ) from None
    stopped = threading.Event()
    _stop_on_signals(stopped.set)
    log.info("FactBot connected in Socket Mode")
    stopped.wait()
    handler.close()
    return 0
