"""`factbot serve` as people start it: settings checked by name, HTTP served by waitress,
the WSGI entry point, shutdown on SIGTERM, and no token in any log."""

from __future__ import annotations

import json
import logging
import os
import signal
import time
import wsgiref.util
from pathlib import Path

import pytest
from conftest import BOT_TOKEN, SECRET, SlackClient, http, payload
from factbot_slack_mock import MockSlack
from processes import children, serving

from bot.config import Settings
from bot.core import Core
from bot.slack import server, wsgi
from bot.slack.app import create_app
from bot.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "missing"),
    [
        (["--http"], "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET"),
        ([], "SLACK_BOT_TOKEN, SLACK_APP_TOKEN"),
    ],
)
def test_missing_settings_are_named_all_at_once(
    argv: list[str], missing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without tokens, serve stops at once naming every missing setting (exit status 2)."""
    assert server.main(argv) == 2
    assert f"missing setting(s): {missing}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "method", "message"),
    [
        (["--http", "--port", "0"], "auth.test", "Slack refused to start the app"),
        ([], "apps.connections.open", "Slack refused the app-level token (SLACK_APP_TOKEN)"),
    ],
)
def test_a_token_slack_refuses_stops_serve_with_a_clear_message(
    argv: list[str],
    method: str,
    message: str,
    mock_slack: MockSlack,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """invalid_auth from Slack at start: exit status 2 (a setting that cannot be used), the
    reason said, no token printed."""
    for name, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": "xapp-1-test-not-real",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": mock_slack.api_url,
        "FACTBOT_DB": str(tmp_path / "refused.db"),
    }.items():
        monkeypatch.setenv(name, value)
    mock_slack.fail(method, "invalid_auth")
    assert server.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "invalid_auth" in err
    assert BOT_TOKEN not in err and "xapp-1" not in err


def test_wsgi_module_builds_nothing_at_import() -> None:
    """Importing bot.slack.wsgi reads no environment and builds no app."""
    assert isinstance(wsgi.application, wsgi.LazyApplication)
    assert wsgi.application._app is None


def test_wsgi_application_serves_once_built_from_the_environment(
    mock_slack: MockSlack, tmp_path: Path
) -> None:
    """The importable WSGI app builds itself on the first request and answers /healthz."""
    application = wsgi.LazyApplication(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": mock_slack.api_url,
            "FACTBOT_DB": str(tmp_path / "w.db"),
        }
    )
    environ: dict = {"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}
    wsgiref.util.setup_testing_defaults(environ)
    statuses = []
    body = b"".join(application(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    assert json.loads(body)["facts"] == len(Core().sheet.curated)
    if application.jobs is not None:
        application.jobs.stop()


def test_wsgi_application_names_missing_settings() -> None:
    """Without settings the first request fails with every missing name."""
    with pytest.raises(Exception, match="SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET"):
        wsgi.LazyApplication({}).build()


@pytest.mark.parametrize("workers", [[], ["--workers", "2"]], ids=["one process", "2 workers"])
def test_serve_http_end_to_end_as_a_process(
    workers: list[str], mock_slack: MockSlack, tmp_path: Path
) -> None:
    """`python -m bot serve --http --port 0 [--workers 2]`: health, signed /ask, a mention;
    SIGTERM stops it cleanly with every question recorded; no token in its output."""
    with serving(workers, mock_slack, tmp_path / "serve.db") as running:
        url = running.url
        assert http("GET", f"{url}/healthz").json()["facts"] == len(Core().sheet.curated)
        slack = SlackClient(url)
        for _ in range(4):
            reply = slack.command("how many countries got vaccines from china?")
            assert reply.json()["response_type"] == "ephemeral"
        assert slack.event(payload("event_app_mention.json")).status == 200
        assert [c.method for c in mock_slack.wait_for(1)] == ["chat.postMessage"]
        assert slack.command("x", secret="forged").status == 401
        # Whichever worker answers the scrape, /metrics adds up every worker's figures.
        # The reply's pool slot is given back just after the post: let it settle.
        deadline = time.monotonic() + 5
        while (
            "factbot_reply_queue_depth 0.0" not in (scraped := http("GET", f"{url}/metrics").body)
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        assert 'factbot_requests_total{surface="command"} 4.0' in scraped, scraped
        assert 'factbot_requests_total{surface="app_mention"} 1.0' in scraped
        assert 'factbot_answers_total{outcome="answer"} 5.0' in scraped
        assert "factbot_request_seconds_count 6.0" in scraped  # the forged one too
        assert "factbot_reply_queue_depth 0.0" in scraped
    assert running.code == 0, running.output
    assert BOT_TOKEN not in running.output and SECRET not in running.output
    with Store(tmp_path / "serve.db") as store:  # recorded off the reply path, kept at shutdown
        assert store.outcome_counts()["answer"] == 5


def test_a_dead_worker_is_replaced_and_the_others_keep_serving(
    mock_slack: MockSlack, tmp_path: Path
) -> None:
    """kill -9 one of two workers: every /ask meanwhile is answered, a new worker takes its
    place, and SIGTERM still ends the service cleanly."""
    with serving(["--workers", "2"], mock_slack, tmp_path / "w.db") as running:
        deadline = time.monotonic() + 20
        while len(first := children(running.proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(first) == 2
        os.kill(first[0], signal.SIGKILL)
        slack = SlackClient(running.url)
        for _ in range(10):
            assert slack.command("how many countries got vaccines from china?").status == 200
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = children(running.proc.pid)
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.1)
        assert len(now) == 2 and first[0] not in now and first[1] in now
        assert http("GET", f"{running.url}/healthz").status == 200
    assert running.code == 0, running.output


def test_tokens_are_not_logged_even_at_debug(
    mock_slack: MockSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """At DEBUG, with Web API calls made, neither the bot token nor the secret is logged."""
    caplog.set_level(logging.DEBUG)
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": mock_slack.api_url,
            "FACTBOT_DB": str(tmp_path / "t.db"),
        }
    )
    store = Store(settings.db_path)
    app = create_app(settings, Core(), store)
    with server.HttpServer(
        server.wsgi_app(app, Core(), settings.signing_secret), port=0, threads=2
    ) as running:
        SlackClient(running.url).event(payload("event_app_mention.json"))
        assert mock_slack.wait_for(1), "a Web API call was made"
    store.close()
    assert BOT_TOKEN not in caplog.text and SECRET not in caplog.text
    assert repr(settings).count("xoxb") == 0


def test_idle_http_server_uses_no_cpu() -> None:
    """An idle server sleeps in select(): no busy loop burning a CPU between requests."""
    with server.HttpServer(lambda environ, start_response: [], port=0, threads=2):
        before = os.times()
        time.sleep(0.5)
        after = os.times()
    used = (after.user - before.user) + (after.system - before.system)
    assert used < 0.2


def test_replies_owed_by_a_killed_server_are_posted_once_by_the_next(
    mock_slack: MockSlack, tmp_path: Path
) -> None:
    """The Web API is down; ten mentions are acknowledged and owed; the server is killed -9.
    Slack is back and a new server on the same store posts each reply exactly once."""
    db = tmp_path / "owed.db"
    with serving([], mock_slack, db) as running:
        mock_slack.outage()
        slack = SlackClient(running.url)
        for i in range(10):
            body = payload("event_app_mention.json")
            body["event_id"] = f"EvOWED{i}"
            body["event"]["ts"] = f"1700001001.{i:06d}"
            assert slack.event(body).status == 200
        time.sleep(1.0)
        running.proc.kill()
    assert mock_slack.posts() == []
    mock_slack.outage(False)
    with serving([], mock_slack, db):
        deadline = time.monotonic() + 60  # a reply in flight at the kill waits out its lease
        while len(mock_slack.posts()) < 10 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
    threads = sorted(c.body["thread_ts"] for c in mock_slack.posts())
    assert threads == [f"1700001001.{i:06d}" for i in range(10)]
