"""An importable WSGI application for running FactBot under your own server.

    gunicorn --threads 8 'bot.slack.wsgi:application'

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
from bot.slack.app import create_app
from bot.slack.recorder import QuestionRecorder
from bot.slack.server import HTTP_SETTINGS, load_settings, start_background, wsgi_app
from bot.store import Store


class LazyApplication:
    """A WSGI callable that builds the real application on its first request."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        self._env = environ
        self._lock = threading.Lock()
        self._app: Callable[..., Iterable[bytes]] | None = None
        self.jobs: Any = None

    def build(self) -> Callable[..., Iterable[bytes]]:
        with self._lock:
            if self._app is None:
                settings = load_settings(
                    self._env if self._env is not None else os.environ, HTTP_SETTINGS
                )
                core = Core(settings.facts_path)
                store = Store(settings.db_path)
                recorder = QuestionRecorder(store)
                # no shutdown hook in WSGI: write what is queued when the worker exits
                atexit.register(recorder.close)
                app = create_app(settings, core, store, recorder=recorder)
                self.jobs = start_background(app, core, store, settings)
                self._app = wsgi_app(app, core, settings.signing_secret)
            return self._app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return self.build()(environ, start_response)


application = LazyApplication()
