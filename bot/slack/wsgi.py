"""An importable WSGI application for running FactBot under your own server.

    gunicorn -c python:bot.slack.gunicorn_conf bot.slack.wsgi:application

Nothing is built at import: the first request reads the environment (SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET, FACTBOT_*), loads the fact sheet, opens the store, builds the app and
starts the background jobs (sheet reload, digest) for this process. A missing setting fails
that request, and the log names every missing setting.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from bot.core import Core
from bot.slack.server import HTTP_SETTINGS, Service, load_settings


class LazyApplication:
    """A WSGI callable that builds the real application on its first request."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self._env = environ
        self._lock = threading.Lock()
        self._app: Callable[..., Iterable[bytes]] | None = None
        self.jobs: Any = None
        self.service: Any = None

    def build(self) -> Callable[..., Iterable[bytes]]:
        with self._lock:
            if self._app is None:
                settings = load_settings(
                    self._env if self._env is not None else os.environ, HTTP_SETTINGS
                )
                core = Core(settings.facts_path)
                service = Service(settings, core)
                # no shutdown hook in plain WSGI: finish replies and write what is queued at
                # exit (gunicorn's worker_exit hook calls close() earlier)
                atexit.register(service.close)
                self.service = service
                self.jobs = service.jobs
                self._app = service.application()
            return self._app

    def close(self) -> None:
        """Close the service if one was built (safe to call twice)."""
        with self._lock:
            if self.service is not None:
                self.service.close()
                self.service = None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return self.build()(environ, start_response)


application = LazyApplication()
