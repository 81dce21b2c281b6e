"""`factbot digest` against a local mock of Slack's Web API; the background jobs; curation."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.core import Core
from bot.digest import Digest, FactOfTheDay, Numbers, UnansweredGroup
from bot.slack import background
from bot.slack.digest_job import DRAFT_ACTION_PREFIX, main, render_digest
from bot.slack.listeners import curation
from bot.store import Store

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "xoxb-test-token-not-real"


class MockSlack:
    """The few Web API methods the digest uses, on 127.0.0.1 port 0, recording every call.

    `script[channel]` is a queue of what chat.postMessage answers for that channel before it
    succeeds: "429" (rate limited, Retry-After: 0) or a Slack error code.
    """

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.script: dict[str, list[str]] = {}
        self.history_error: str | None = None
        self.views: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                status, headers, payload = mock.answer(self.path.rsplit("/", 1)[-1], body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                for k, v in {**headers, "Content-Type": "application/json"}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def api_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def answer(self, method: str, body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        with self.lock:
            self.calls.append(method)
            if method == "chat.postMessage":
                queue = self.script.get(body.get("channel", ""), [])
                step = queue.pop(0) if queue else None
                if step == "429":
                    return 429, {"Retry-After": "0"}, {"ok": False, "error": "ratelimited"}
                if step:
                    return 200, {}, {"ok": False, "error": step}
                ts = f"{1700000000 + len(self.posts)}.000100"
                self.posts.append({**body, "ts": ts})
                return 200, {}, {"ok": True, "channel": body["channel"], "ts": ts}
            if method == "conversations.history":
                if self.history_error:
                    return 200, {}, {"ok": False, "error": self.history_error}
                messages = [
                    {"ts": p["ts"], "text": p.get("text"), "metadata": p.get("metadata")}
                    for p in self.posts
                    if p["channel"] == body.get("channel")
                ]
                return 200, {}, {"ok": True, "messages": messages[::-1], "has_more": False}
            if method == "auth.test":
                return 200, {}, {"ok": True, "user_id": "U0BOT", "bot_id": "B0BOT", "team_id": "T0"}
            if method == "views.open":
                self.views.append(body)
                return 200, {}, {"ok": True, "view": {"id": "V1"}}
            return 200, {}, {"ok": False, "error": "unknown_method"}

    def posts_to(self, channel: str) -> list[dict[str, Any]]:
        return [p for p in self.posts if p["channel"] == channel]


pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
def slack() -> Iterator[MockSlack]:
    mock = MockSlack()
    yield mock
    mock.stop()


@pytest.fixture
def env(tmp_path: Path, slack: MockSlack, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": slack.api_url,
        "FACTBOT_DB": str(tmp_path / "factbot.db"),
        "FACTBOT_DIGEST_CHANNELS": "C1,C2,C3",
        "FACTBOT_TIMEZONE": "Europe/London",
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/London")).date()


def all_texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        for key in ("text",):
            if isinstance(block.get(key), dict):
                found.append(block[key]["text"])
        for element in block.get("elements", []):
            if "text" in element:
                found.append(element["text"])
    return found


def record_yesterday(db: str, core: Core, questions: list[str]) -> None:
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    with Store(db, clock=lambda: yesterday) as store:
        for q in questions:
            store.record_question(
                surface="slash", channel="C9", user="U1", question=q, result=core.answer(q)
            )


def test_post_reaches_every_channel_once_with_429_retried_and_a_failing_channel_logged(
    slack: MockSlack,
    env: dict[str, str],
    core: Core,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """C2 is rate limited once then posts; C3 is not in the channel and says so; C1 posts.
    Only C1, the curators' channel, lists what went unanswered."""
    monkeypatch.setenv("FACTBOT_CURATOR_CHANNEL", "C1")
    slack.script = {"C2": ["429"], "C3": ["not_in_channel"]}
    record_yesterday(env["FACTBOT_DB"], core, ["what is the <!channel> wifi password & code"])
    with caplog.at_level(logging.INFO):
        code = main(["--post", "--wait", "0"])
    assert code == 1  # one channel failed
    assert [p["channel"] for p in slack.posts] == ["C1", "C2"]
    assert slack.calls.count("chat.postMessage") == 4  # C1, C2 429 + retry, C3
    assert "the bot is not in channel C3: invite it with /invite @FactBot" in caplog.text
    assert TOKEN not in caplog.text
    post = slack.posts[0]
    assert post["metadata"]["event_type"] == "factbot_digest"
    assert post["metadata"]["event_payload"] == {"day": today().isoformat()}
    texts = " ".join(all_texts(post["blocks"]))
    assert "Facts of the day" in texts and "Yesterday in numbers" in texts
    assert "&lt;!channel&gt; wifi password &amp; code" in texts
    assert "<!channel>" not in texts  # shown escaped; only the button value keeps it raw
    public = " ".join(all_texts(slack.posts[1]["blocks"]))
    assert "Facts of the day" in public and "wifi password" not in public
    with Store(env["FACTBOT_DB"]) as store:
        rows = {r.channel: (r.state, r.error) for r in store.digest_claims(today())}
    assert rows == {
        "C1": ("posted", None),
        "C2": ("posted", None),
        "C3": ("failed", "not_in_channel"),
    }


def test_second_run_posts_nothing_and_archived_channel_does_not_stop_others(
    slack: MockSlack, env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """A rerun (cron twice, a restart) adds no post; an archived channel is logged and skipped."""
    slack.script = {"C1": ["is_archived"]}
    assert main(["--post", "--wait", "0"]) == 1
    assert [p["channel"] for p in slack.posts] == ["C2", "C3"]
    assert "channel C1 is archived" in caplog.text
    slack.script = {"C1": ["is_archived"]}
    assert main(["--post", "--wait", "0"]) == 1
    assert [p["channel"] for p in slack.posts] == ["C2", "C3"]


def test_crash_after_sending_is_recovered_from_channel_history_without_a_second_post(
    slack: MockSlack, env: dict[str, str]
) -> None:
    """A claim left mid-post: found in history → marked posted; not found → posted now."""
    day = today()
    # A previous process claimed C1 and C2, posted C1, then died before recording it.
    with Store(env["FACTBOT_DB"]) as store:
        for channel in ("C1", "C2"):
            claim = store.claim_digest(
                channel, day, owner="gone-host:1:dead", lease=dt.timedelta(0)
            )
            assert claim and store.mark_sending(claim, lease=dt.timedelta(0))
    slack.posts.append(
        {
            "channel": "C1",
            "ts": "1.5",
            "metadata": {"event_type": "factbot_digest", "event_payload": {"day": day.isoformat()}},
        }
    )
    assert main(["--post", "--wait", "0"]) == 0
    assert [p["channel"] for p in slack.posts] == ["C1", "C2", "C3"]  # C1 only the old one
    assert slack.calls.count("conversations.history") == 2
    with Store(env["FACTBOT_DB"]) as store:
        assert store.digest_claim("C1", day).ts == "1.5"  # type: ignore[union-attr]


def test_unreadable_history_after_a_crash_posts_again_rather_than_losing_the_day(
    slack: MockSlack, env: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Without channels:history the recovered channel is posted (the documented trade-off)."""
    slack.history_error = "missing_scope"
    with Store(env["FACTBOT_DB"]) as store:
        claim = store.claim_digest("C1", today(), owner="gone-host:1:dead", lease=dt.timedelta(0))
        assert claim and store.mark_sending(claim, lease=dt.timedelta(0))
    assert main(["--post", "--wait", "0"]) == 0
    assert sorted(p["channel"] for p in slack.posts) == ["C1", "C2", "C3"]
    assert "at worst a duplicate, never a lost day" in caplog.text


def test_two_digest_processes_beside_each_other_post_each_channel_once(
    slack: MockSlack, env: dict[str, str]
) -> None:
    """Two real `factbot digest --post` processes on one database: one post per channel."""
    child_env = {
        k: v for k, v in os.environ.items() if k.upper() not in ("HTTP_PROXY", "HTTPS_PROXY")
    }
    child_env["PYTHONPATH"] = str(ROOT)
    Store(env["FACTBOT_DB"]).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "digest", "--post"],
            env=child_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert sorted(p["channel"] for p in slack.posts) == ["C1", "C2", "C3"]
    assert all(TOKEN not in out + err for out, err in outs)


def test_dry_run_prints_the_digest_without_any_slack_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run needs no token, posts nothing, makes no database and stores no rotation."""
    monkeypatch.setenv("FACTBOT_DB", str(tmp_path / "f.db"))
    assert main(["--dry-run", "--date", "2026-03-10"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("FactBot digest for Tuesday 10 March 2026\n")
    assert "Facts of the day\n  1. " in out and "Yesterday in numbers" in out
    assert not (tmp_path / "f.db").exists()
    Store(tmp_path / "f.db").close()  # with a database, it is read and left as it was
    assert main(["--dry-run", "--date", "2026-03-10"]) == 0
    with Store(tmp_path / "f.db") as store:
        assert store.picks_for(dt.date(2026, 3, 10)) is None


def test_post_without_channels_or_token_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--post names what is missing and exits 2."""
    monkeypatch.setenv("FACTBOT_DB", str(tmp_path / "f.db"))
    assert main(["--post"]) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err


def test_digest_blocks_stay_inside_slack_limits(core: Core) -> None:
    """Ten long facts and many long questions: ≤50 blocks, short sections, unique action ids."""
    facts = tuple(FactOfTheDay(f, core.article(f)) for f in core.sheet.curated[:10])
    groups = tuple(
        UnansweredGroup("why <@U1> & " + "x" * 4000, 3, ("alt " * 900,)) for _ in range(10)
    )
    digest = Digest(dt.date(2026, 3, 10), facts, Numbers(20, 10, 5, 5), groups, more_unanswered=7)
    blocks = [b.to_dict() for b in render_digest(digest)]
    assert len(blocks) <= 50
    assert all(len(t) <= 3000 for t in all_texts(blocks))
    buttons = [b["accessory"] for b in blocks if "accessory" in b]
    assert len(buttons) == 10
    assert len({b["action_id"] for b in buttons}) == 10
    assert all(b["action_id"].startswith(DRAFT_ACTION_PREFIX) for b in buttons)
    assert all(len(b["value"]) <= 2000 for b in buttons)
    assert "<@U1>" not in json.dumps([b.get("text") for b in blocks])
    assert blocks[0]["type"] == "header" and "10 March 2026" in blocks[0]["text"]["text"]


# -- background -----------------------------------------------------------------------------
@pytest.fixture
def sheet_copy(tmp_path: Path) -> Path:
    target = tmp_path / "facts"
    shutil.copytree(Core().sheet_path, target)
    return target


def wait_for(condition: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_background_reloads_an_edited_sheet_and_keeps_the_last_good_one(
    sheet_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A good edit is picked up; a broken edit is logged with file:line and the old sheet serves."""
    live = Core(sheet_copy)
    first = live.loaded_at
    file = sorted(sheet_copy.glob("*.yml"))[0]
    with Store(tmp_path / "f.db") as store:
        jobs = background.start(None, live, store, Settings(), poll=0.05)  # type: ignore[arg-type]
        try:
            text = file.read_text()
            file.write_text(text.replace("status: curated", "status: draft", 1) + "\n# edit\n")
            os.utime(file, (time.time() + 5, time.time() + 5))
            assert wait_for(lambda: live.loaded_at != first)
            good = live.loaded_at
            n_facts = len(live.sheet.facts)
            file.write_text(text + "\n  - id: Broken Id\n")
            os.utime(file, (time.time() + 10, time.time() + 10))
            assert wait_for(lambda: "fact sheet not reloaded" in caplog.text)
            assert live.loaded_at == good and len(live.sheet.facts) == n_facts
            assert f"{file}:" in caplog.text
        finally:
            jobs.stop()
        assert not any(t.is_alive() for t in jobs.threads)
        assert store.last_cleanup() is not None  # retention ran on start


def test_sighup_reloads_at_once(sheet_copy: Path, tmp_path: Path) -> None:
    """SIGHUP to the process reloads the sheet without waiting for the poll."""
    live = Core(sheet_copy)
    first = live.loaded_at
    with Store(tmp_path / "f.db") as store:
        jobs = background.start(None, live, store, Settings(), poll=60)  # type: ignore[arg-type]
        try:
            os.kill(os.getpid(), signal.SIGHUP)
            assert wait_for(lambda: live.loaded_at != first)
        finally:
            jobs.stop()
    assert signal.getsignal(signal.SIGHUP) is not None


# -- curation -------------------------------------------------------------------------------
class FakeClient:
    def __init__(self) -> None:
        self.views: list[dict[str, Any]] = []

    def views_open(self, *, trigger_id: str, view: Any) -> dict[str, Any]:
        self.views.append({"trigger_id": trigger_id, "view": view.to_dict()})
        return {"ok": True}


class FakeAck:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


def submitted(values: dict[str, str], article: str) -> dict[str, Any]:
    state = {k: {"value": {"type": "plain_text_input", "value": v}} for k, v in values.items()}
    state["article"] = {"value": {"type": "static_select", "selected_option": {"value": article}}}
    return {"state": {"values": state}}


def test_draft_button_opens_a_prefilled_modal(core: Core) -> None:
    """The button's question prefills the form; trigger_id is passed to views.open."""

    class Inline:
        """The reply pool, run on the spot."""

        def run(self, what: str, work: Any, *args: Any) -> None:
            work(*args)

    client, ack = FakeClient(), FakeAck()
    curation.handle_draft_button(
        ack,
        {"trigger_id": "T123"},
        {"value": json.dumps({"q": "What is the wifi password?"})},
        client,  # type: ignore[arg-type]
        core,
        Inline(),  # type: ignore[arg-type]
    )
    assert ack.calls == [{}]
    view = client.views[0]
    assert view["trigger_id"] == "T123"
    assert view["view"]["callback_id"] == curation.CALLBACK_ID
    inputs = {b["block_id"]: b for b in view["view"]["blocks"] if b["type"] == "input"}
    assert set(inputs) == {"id", "questions", "answer", "quote", "article"}
    assert inputs["questions"]["element"]["initial_value"] == "What is the wifi password?"
    assert inputs["id"]["element"]["initial_value"] == "wifi-password"


def test_draft_submission_appends_a_checked_draft_and_shows_errors(
    core: Core, tmp_path: Path
) -> None:
    """A bad quote is shown in the form; a good draft is saved and the sheet is untouched."""
    source = core.sheet.curated[0]
    settings = Settings(drafts_path=tmp_path / "drafts.yml")
    values = {
        "id": "wifi-password",
        "questions": "Wifi?\nWhat is the wifi password?",
        "answer": "An answer.",
        "quote": "not in the article",
    }
    ack = FakeAck()
    curation.handle_draft_submission(
        ack, {"user": {"id": "U1"}}, submitted(values, source.article), core, settings
    )
    assert ack.calls[0]["response_action"] == "errors"
    assert "quote" in ack.calls[0]["errors"]
    assert not settings.drafts_path.exists()
    ack = FakeAck()
    values["quote"] = source.quote
    curation.handle_draft_submission(
        ack, {"user": {"id": "U1"}}, submitted(values, source.article), core, settings
    )
    assert ack.calls[0]["response_action"] == "update"
    from bot.factsheet import read_sheet

    sheet, problems = read_sheet(settings.drafts_path, core.sheet.articles)
    assert problems == []
    assert sheet.facts[0].questions == ("Wifi?", "What is the wifi password?")
    assert sheet.facts[0].status == "draft"
    assert core.sheet.fact("wifi-password") is None


def test_curation_through_the_bolt_app_opens_the_form_and_saves_the_draft(
    slack: MockSlack, core: Core, tmp_path: Path
) -> None:
    """Through create_app: the digest button calls views.open; the submission saves a draft."""
    from slack_bolt.request import BoltRequest

    from bot.slack.app import create_app

    source = core.sheet.curated[0]
    settings = Settings(bot_token=TOKEN, api_url=slack.api_url, drafts_path=tmp_path / "d.yml")

    def request(payload: dict[str, Any]) -> BoltRequest:
        body = "payload=" + urllib.parse.quote(json.dumps(payload))
        return BoltRequest(
            body=body, headers={"content-type": ["application/x-www-form-urlencoded"]}
        )

    common = {"user": {"id": "U1"}, "team": {"id": "T0"}, "api_app_id": "A1", "token": "x"}
    click = {
        **common,
        "type": "block_actions",
        "trigger_id": "T.trigger",
        "container": {"type": "message", "channel_id": "C1", "message_ts": "1.0"},
        "channel": {"id": "C1"},
        "actions": [
            {
                "action_id": f"{DRAFT_ACTION_PREFIX}0",
                "block_id": "b0",
                "type": "button",
                "value": json.dumps({"q": "Who runs the canteen?"}),
                "action_ts": "1.1",
            }
        ],
    }
    values = {"id": "canteen-runner", "questions": "Who runs the canteen?", "answer": "Someone."}
    state = {k: {"value": {"type": "plain_text_input", "value": v}} for k, v in values.items()}
    state["quote"] = {"value": {"type": "plain_text_input", "value": source.quote}}
    state["article"] = {
        "value": {"type": "static_select", "selected_option": {"value": source.article}}
    }
    submit = {
        **common,
        "type": "view_submission",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": curation.CALLBACK_ID,
            "state": {"values": state},
        },
    }
    with Store(tmp_path / "f.db") as store:
        app = create_app(settings, core, store)
        assert app.dispatch(request(click)).status == 200
        assert wait_for(lambda: bool(slack.views))  # opened from the reply pool
        assert slack.views[0]["trigger_id"] == "T.trigger"
        response = app.dispatch(request(submit))
    assert response.status == 200
    assert json.loads(response.body)["response_action"] == "update"
    assert "id: canteen-runner" in settings.drafts_path.read_text()


def test_serve_background_catches_up_on_todays_digest_once(
    slack: MockSlack, core: Core, tmp_path: Path
) -> None:
    """Started after the digest time, the background scheduler posts today's digest; a second
    start on the same database (a restart) posts nothing more."""
    from bot.slack.app import create_client

    settings = Settings(
        bot_token=TOKEN,
        api_url=slack.api_url,
        digest_channels=("C1", "C2"),
        digest_time=dt.time(0, 0),
        db_path=tmp_path / "f.db",
    )
    with Store(settings.db_path) as store:
        for _ in range(2):
            jobs = background.start(create_client(settings), core, store, settings, poll=0.05)
            try:
                assert wait_for(lambda j=jobs: j.scheduler is not None and j.scheduler.done)
            finally:
                jobs.stop()
    assert sorted(p["channel"] for p in slack.posts) == ["C1", "C2"]
