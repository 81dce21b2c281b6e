"""`factbot serve`: Socket Mode by default, or HTTP (`--http`) served by waitress.

HTTP mode takes every Slack request (commands, events, interactivity) at `POST /slack/events`
and answers `GET /healthz` with the number of facts being served.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError
from waitress.server import create_server

from bot.config import Settings
from bot.core import Core
from bot.errors import ConfigError, SheetError
from bot.slack import background
from bot.slack.app import create_app
from bot.slack.recorder import QuestionRecorder
from bot.store import Store

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
DEFAULT_THREADS = 8

HTTP_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
SOCKET_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")

StartResponse = Callable[..., Any]


def wsgi_app(app: App, core: Core) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI application: health check, then everything else to Bolt at /slack/events."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in (
            "GET",
            "HEAD",
        ):
            body = json.dumps(
                {
                    "status": "ok",
                    "facts": len(core.sheet.curated),
                    "loaded_at": core.loaded_at.isoformat(timespec="seconds"),
                }
            ).encode()
            start_response(
                "200 OK",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return application


class HttpServer:
    """waitress on a host and port (0 picks a free one), runnable in a thread and stoppable."""

    def __init__(
        self,
        application: Callable[..., Iterable[bytes]],
        host: str = "127.0.0.1",
        port: int = 3000,
        threads: int = DEFAULT_THREADS,
    ) -> None:
        self._server = create_server(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="factbot",
            # a closed server is noticed within this many seconds
            asyncore_loop_timeout=0.2,
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


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="factbot serve",
        description="Run the Slack app: Socket Mode by default, or HTTP with --http.",
    )
    parser.add_argument("--http", action="store_true", help="serve HTTP at /slack/events")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP: address to bind")
    parser.add_argument("--port", type=int, default=3000, help="HTTP: port (0 picks a free one)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="HTTP: worker threads")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """`factbot serve [--http [--host H] [--port P] [--threads N]]`."""
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        settings = load_settings(os.environ, HTTP_SETTINGS if args.http else SOCKET_SETTINGS)
        core = Core(settings.facts_path)
    except ConfigError as exc:
        print(f"factbot serve: {exc}", file=sys.stderr)
        return 2
    except SheetError as exc:
        print(f"factbot serve: the fact sheet cannot be used:\n{exc}", file=sys.stderr)
        return 1
    store = Store(settings.db_path)
    recorder = QuestionRecorder(store)
    try:
        try:
            app = create_app(settings, core, store, recorder=recorder)
        except BoltError as exc:
            print(f"factbot serve: Slack refused to start the app: {exc}", file=sys.stderr)
            return 1
        jobs = start_background(app, core, store, settings)
        try:
            if args.http:
                serve_http(app, core, args.host, args.port, args.threads)
                return 0
            return serve_socket_mode(app, settings)
        finally:
            if jobs is not None:
                jobs.stop()
    finally:
        recorder.close()
        store.close()


def _stop_on_signals(stop: Callable[[], None]) -> None:
    def handler(signum: int, frame: object) -> None:
        log.info("received %s; shutting down", signal.Signals(signum).name)
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def serve_http(app: App, core: Core, host: str, port: int, threads: int) -> None:
    server = HttpServer(wsgi_app(app, core), host=host, port=port, threads=threads)
    # stop() waits for requests in flight, so it cannot run inside the signal handler, which
    # interrupts the thread it would wait for; it is joined below before the store closes.
    stopper = threading.Thread(target=server.stop, name="factbot-http-stop", daemon=True)

    def stop_once() -> None:
        if stopper.ident is None:
            stopper.start()

    _stop_on_signals(stop_once)
    log.info(
        "FactBot serving %d facts on %s%s (health: %s%s), %d threads",
        len(core.sheet.curated),
        server.url,
        EVENTS_PATH,
        server.url,
        HEALTH_PATH,
        threads,
    )
    server.serve_forever()
    if stopper.ident is not None:
        stopper.join()
    log.info("HTTP server stopped")


def serve_socket_mode(app: App, settings: Settings) -> int:
    handler = SocketModeHandler(app, settings.app_token)
    try:
        handler.connect()
    except SlackApiError as exc:
        handler.close()
        print(
            "factbot serve: Slack refused the app-level token (SLACK_APP_TOKEN):"
            f" {exc.response.get('error')}",
            file=sys.stderr,
        )
        return 1
    stopped = threading.Event()
    _stop_on_signals(stopped.set)
    log.info("FactBot connected in Socket Mode")
    stopped.wait()
    handler.close()
    return 0
