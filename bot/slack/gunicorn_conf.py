"""gunicorn for FactBot: `factbot serve --http --workers N` uses it, and so can you directly:

    gunicorn -c python:bot.slack.gunicorn_conf bot.slack.wsgi:application

gthread workers (threads wait on the network; one process per CPU), each with its own service
(store connection, reply pool, background jobs) built when the worker starts and closed when
it exits, so a SIGTERM lets requests in flight finish and queued questions reach the store.
A worker that dies is replaced by gunicorn's arbiter while the others keep serving. For
/metrics to add up every worker's figures, set PROMETHEUS_MULTIPROC_DIR to an empty folder
(`factbot serve --workers N` does this itself).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

log = logging.getLogger(__name__)

# Settings read by `gunicorn -c python:bot.slack.gunicorn_conf` (environment overrides).
bind = os.environ.get("FACTBOT_BIND", "127.0.0.1:3000")
workers = int(os.environ.get("FACTBOT_WORKERS", os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("FACTBOT_THREADS", 8))
graceful_timeout = 20  # requests in flight and replies being posted finish within this
accesslog = None  # request lines would carry nothing useful and cost every request

_service: Any = None  # this worker's service, closed at worker exit


def start_service(service: Any) -> Any:
    """Remember this worker's service (closed by worker_exit) and return its WSGI app."""
    global _service
    _service = service
    return service.application()


def post_worker_init(worker: Any) -> None:
    """Build the app as the worker starts (not on its first request), so a broken setting or
    an unreachable Slack shows at boot."""
    from bot.slack.wsgi import application

    if not hasattr(worker.wsgi, "build"):
        return
    try:
        application.build()
    except Exception as exc:
        log.error("worker %d cannot start: %s", os.getpid(), exc)
        raise SystemExit(3) from None  # gunicorn's "worker failed to boot"


def child_exit(server: Any, worker: Any) -> None:
    """In the master: a worker is gone, so its live gauges no longer count in /metrics."""
    from bot.metrics import worker_gone

    worker_gone(worker.pid)


def worker_exit(server: Any, worker: Any) -> None:
    """Close this worker's service: replies in flight finish, queued questions are written."""
    from bot.slack.wsgi import application

    if _service is not None:
        _service.close()
    application.close()


class _FactBotGunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, build: Callable[[], Any], options: dict[str, Any]) -> None:
        self._build = build
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._build()  # in each worker, after the fork


def run(build: Callable[[], Any], *, bind: str, workers: int, threads: int, **hooks: Any) -> int:
    """Serve `build()`'s app from gunicorn workers until SIGTERM/SIGINT; the exit status."""
    options = {
        "bind": bind,
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        "graceful_timeout": graceful_timeout,
        "accesslog": accesslog,
        "worker_exit": worker_exit,
        "child_exit": child_exit,
        **hooks,
    }
    try:
        _FactBotGunicorn(build, options).run()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0
