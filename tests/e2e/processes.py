"""FactBot as people run it: `python -m bot ...` processes against the mock Slack."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from conftest import BOT_TOKEN, SECRET
from factbot_slack_mock import MockSlack

ROOT = Path(__file__).resolve().parents[2]


def environment(mock_slack: MockSlack, db: Path | str, **settings: str) -> dict[str, str]:
    """A process's environment: the mock Slack, the store, and FACTBOT_* `settings`."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": mock_slack.api_url,
        "FACTBOT_DB": str(db),
        **{f"FACTBOT_{k.upper()}": v for k, v in settings.items()},
    }


def factbot(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one `python -m bot` command to its end."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=300,
    )


@dataclass
class Serving:
    """`python -m bot serve --http` as a process: its URL, output so far, and exit status."""

    proc: subprocess.Popen[str]
    url: str
    lines: list[str]
    code: int | None = None

    @property
    def output(self) -> str:
        return "".join(self.lines)


@contextlib.contextmanager
def serving(
    extra: list[str], mock_slack: MockSlack, db: Path | str, **settings: str
) -> Iterator[Serving]:
    """Start serve on port 0, wait for its banner, SIGTERM it at the end (its exit status and
    output are on the yielded object afterwards). `db` is a SQLite file or a PostgreSQL URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1", "--port", "0"]
        + extra,
        env=environment(mock_slack, db, **settings),
        cwd=tempfile.gettempdir(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "FactBot serving" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    running = Serving(proc, "", lines)
    try:
        assert started.wait(30), "".join(lines)
        running.url = re.search(r"on (http://127\.0\.0\.1:\d+)/slack/events", running.output)[1]
        yield running
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            running.code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        reader.join(timeout=5)
        assert proc.stdout is not None
        proc.stdout.close()


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
