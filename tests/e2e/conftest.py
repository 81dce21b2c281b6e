"""Fixtures: a mock Slack (Web API + response_url), the real FactBot app served over HTTP on
127.0.0.1, and a client that sends requests signed exactly as Slack signs them."""

from __future__ import annotations

import copy
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from factbot_slack_mock import MockSlack, signed_headers

from bot.config import Settings
from bot.core import Core
from bot.slack.app import create_app, create_client
from bot.slack.recorder import DirectLog
from bot.slack.replies import Replies
from bot.slack.server import HttpServer, wsgi_app
from bot.store import Store

PAYLOADS = Path(__file__).parent / "payloads"
SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token-not-real"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy (slack_sdk ignores NO_PROXY) and no Slack or FactBot setting leaks in."""
    for name in list(os.environ):
        upper = name.upper()
        if upper.endswith("_PROXY") or upper.startswith(("SLACK_", "FACTBOT_")):
            monkeypatch.delenv(name, raising=False)


def settled(read: Callable[[], Any], expected: Any, timeout: float = 5.0) -> Any:
    """What `read()` returns once it equals `expected` (or at the timeout): the reply pool
    records a question just after it posts the reply, so a test that saw the reply may read
    the store a moment too early."""
    deadline = time.monotonic() + timeout
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.02)
        value = read()
    return value


def payload(name: str) -> dict[str, Any]:
    """A fresh copy of one of Slack's example payloads."""
    return copy.deepcopy(json.loads((PAYLOADS / name).read_text()))


def command_fields(**overrides: str) -> dict[str, str]:
    fields = payload("slash_command.fields.json")
    fields.update(overrides)
    return fields


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(
    method: str, url: str, body: str | None = None, headers: dict[str, str] | None = None
) -> Reply:
    request = urllib.request.Request(
        url, data=body.encode() if body is not None else None, headers=headers or {}, method=method
    )
    try:
        with _opener.open(request, timeout=10) as response:
            return Reply(response.status, response.read().decode(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.read().decode(), dict(error.headers))


@dataclass
class SlackClient:
    """Sends what Slack sends, to FactBot's /slack/events, signed."""

    url: str
    secret: str = SECRET

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        extra: dict[str, str] | None = None,
        secret: str | None = None,
    ) -> Reply:
        headers = signed_headers(
            secret or self.secret, body, timestamp=timestamp, content_type=content_type
        )
        headers.update(extra or {})
        return http("POST", f"{self.url}/slack/events", body, headers)

    def command(
        self,
        text: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        **fields: str,
    ) -> Reply:
        """A slash command form, as Slack posts it."""
        form = urllib.parse.urlencode(command_fields(text=text, **fields))
        return self.post(
            form, "application/x-www-form-urlencoded", timestamp=timestamp, secret=secret
        )

    def event(self, envelope: dict[str, Any], **kwargs: Any) -> Reply:
        return self.post(json.dumps(envelope), "application/json", **kwargs)

    def action(self, body: dict[str, Any], **kwargs: Any) -> Reply:
        form = urllib.parse.urlencode({"payload": json.dumps(body)})
        return self.post(form, "application/x-www-form-urlencoded", **kwargs)


@dataclass
class Running:
    """FactBot served over HTTP, with its mock Slack, store and core."""

    slack: SlackClient
    mock: MockSlack
    store: Store
    core: Core
    url: str


@pytest.fixture
def mock_slack() -> Iterator[MockSlack]:
    mock = MockSlack().start()
    try:
        yield mock
    finally:
        mock.stop()


def settings_for(mock: MockSlack, tmp_path: Path, **extra: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": mock.api_url,
        "FACTBOT_DB": str(tmp_path / "factbot.db"),
        **extra,
    }
    return Settings.from_env(env)


@pytest.fixture(scope="session")
def core() -> Core:
    return Core()


@pytest.fixture
def factbot(mock_slack: MockSlack, tmp_path: Path, core: Core) -> Iterator[Running]:
    """The real app (create_app + the production WSGI app) on waitress, port 0."""
    settings = settings_for(mock_slack, tmp_path)
    store = Store(settings.db_path)
    client = create_client(settings)
    recorder = DirectLog(store)
    replies = Replies(client, core, store, recorder, settings, sweep_seconds=0.05)
    app = create_app(settings, core, store, client, recorder=recorder, replies=replies)
    application = wsgi_app(app, core, SECRET, store=store, replies=replies)
    server = HttpServer(application, host="127.0.0.1", port=0, threads=4).start()
    try:
        yield Running(SlackClient(server.url), mock_slack, store, core, server.url)
    finally:
        server.stop()
        replies.close()
        store.close()
