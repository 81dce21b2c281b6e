"""FactBot over real HTTP when things go wrong: malformed signed payloads, a slow or failing Web
API, a store that cannot be written or whose file vanished, Slack unreachable at start."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from conftest import BOT_TOKEN, SECRET, Running, http, payload
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack import blocks
from bot.store import Store


def _mention(text: str, event_id: str, ts: str = "1700001001.000100") -> dict[str, Any]:
    body = payload("event_app_mention.json")
    body["event_id"] = event_id
    body["event"].update(text=text, ts=ts)
    return body


def _events(store: Store) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in store._query("SELECT event_id, state FROM events")]


# -- malformed payloads -----------------------------------------------------------------------------
def _malformed() -> list[tuple[str, str, str]]:
    """(name, body, content type) for each malformed payload the probe sent."""
    json_type, form = "application/json", "application/x-www-form-urlencoded"
    no_channel = payload("event_app_mention.json")
    del no_channel["event"]["channel"]
    text_not_str = payload("event_app_mention.json")
    text_not_str["event"]["text"] = {"not": "a string"}
    event_id_list = payload("event_app_mention.json")
    event_id_list["event_id"] = ["Ev1", "Ev2"]
    button = payload("block_actions_ephemeral_message.json")
    button["actions"][0].update(action_id=blocks.HELPFUL, value="{not json")
    command = payload("slash_command.fields.json")
    del command["user_id"]
    return [
        ("invalid JSON", '{"type":', json_type),
        ("JSON that is not an object", "[1, 2]", json_type),
        ("mention without channel", json.dumps(no_channel), json_type),
        ("text that is not a string", json.dumps(text_not_str), json_type),
        ("event_id that is a list", json.dumps(event_id_list), json_type),
        ("button value not JSON", urllib.parse.urlencode({"payload": json.dumps(button)}), form),
        ("command without user_id", urllib.parse.urlencode(command), form),
    ]


@pytest.mark.parametrize(("name", "body", "content_type"), _malformed(), ids=lambda v: str(v)[:30])
def test_a_malformed_signed_payload_gets_400_one_log_line_and_no_claim(
    name: str, body: str, content_type: str, factbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """Signed but malformed: 400 with the reason, one WARNING line, no traceback, no event
    left claimed, nothing posted."""
    caplog.set_level(logging.INFO)
    reply = factbot.slack.post(body, content_type)
    assert reply.status == 400, reply.body
    refusals = [r for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].exc_info is None
    assert not any(r.levelno >= logging.ERROR for r in caplog.records)
    assert _events(factbot.store) == []
    assert factbot.mock.made() == []


_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
_REAL = [
    "event_app_mention.json",
    "event_app_mention_in_thread.json",
    "event_message_im.json",
    "event_app_home_opened.json",
    "block_actions_ephemeral_message.json",
    "block_actions_home_tab.json",
    "slash_command.fields.json",
]


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [here] if here else []
    if isinstance(node, dict):
        for key, child in node.items():
            found += _paths(child, (*here, key))
    elif isinstance(node, list):
        for i, child in enumerate(node):
            found += _paths(child, (*here, i))
    return found


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """A real payload with one to three parts replaced by, or stripped of, something else."""
    name = draw(st.sampled_from(_REAL))
    body = payload(name)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(body)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = body
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(_LEAF)
    if name.startswith("slash"):
        form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
        return urllib.parse.urlencode(form), "application/x-www-form-urlencoded"
    if name.startswith("block_actions"):
        return urllib.parse.urlencode({"payload": json.dumps(body)}), (
            "application/x-www-form-urlencoded"
        )
    return json.dumps(body), "application/json"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=mutated())
def test_mutated_real_payloads_never_get_a_5xx(
    factbot: Running, request: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    """Hypothesis mutates Slack's real payloads (fields replaced, dropped): never a 5xx, never a
    traceback in the request path."""
    caplog.clear()
    body, content_type = request
    reply = factbot.slack.post(body, content_type)
    assert reply.status < 500, (reply.status, body)
    assert not [r for r in caplog.records if r.exc_info and "acknowledgement" not in r.msg]


def test_a_request_no_listener_takes_is_acknowledged_and_not_logged(
    factbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """A click on a button that is not FactBot's (found by the test above: with "view": null,
    Bolt's "unhandled request" warning failed with 500) gets 200 and its body is not logged."""
    caplog.set_level(logging.DEBUG)
    body = payload("block_actions_home_tab.json")
    body["view"] = None
    body["actions"][0].update(action_id="someone_elses_button", value="private words")
    assert factbot.slack.action(body).status == 200
    assert "someone_elses_button" not in caplog.text and "private words" not in caplog.text


# -- a slow or failing Web API ------------------------------------------------------------------------
def test_a_slow_web_api_never_delays_acks_health_or_ask(factbot: Running) -> None:
    """Every Web API call takes 3 s: ten mentions are each acknowledged at once, /healthz and
    /ask answer at once meanwhile, and each mention is answered once when Slack catches up."""
    factbot.mock.slow(3.0)
    acks = []
    for i in range(10):
        start = time.perf_counter()
        assert factbot.slack.event(_mention("what is the theme?", f"EvSLOW{i}")).status == 200
        acks.append(time.perf_counter() - start)
    start = time.perf_counter()
    assert http("GET", f"{factbot.url}/healthz").status == 200
    assert factbot.slack.command("what is the theme of the expo?").status == 200
    others = time.perf_counter() - start
    assert max(acks) < 1.0 and others < 1.0, (acks, others)
    deadline = time.monotonic() + 20
    while len(factbot.mock.posts()) < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(factbot.mock.posts()) == 10
    assert {state for _, state in _events(factbot.store)} == {"done"}


def test_replies_owed_during_an_outage_are_posted_once_when_slack_is_back(
    factbot: Running,
) -> None:
    """The Web API answers 503 for a while: mentions are acknowledged, their replies kept; once
    it is back every reply is posted exactly once."""
    factbot.mock.outage()
    for i in range(5):
        assert factbot.slack.event(_mention("what is the theme?", f"EvDOWN{i}")).status == 200
    time.sleep(1.5)
    assert factbot.mock.posts() == []
    factbot.mock.outage(False)
    deadline = time.monotonic() + 20
    while len(factbot.mock.posts()) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert len(factbot.mock.posts()) == 5
    assert sorted(s for _, s in _events(factbot.store)) == ["done"] * 5


def test_a_reply_slack_refuses_for_good_is_given_up_not_retried(
    factbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """channel_not_found will not pass: the reply is given up at once with an ERROR."""
    factbot.mock.fail("chat.postMessage", "channel_not_found")
    factbot.slack.event(_mention("what is the theme?", "EvGONE"))
    factbot.mock.wait_for(1)
    time.sleep(1.0)
    assert factbot.mock.methods() == ["chat.postMessage"]
    assert _events(factbot.store) == [("EvGONE", "failed")]
    assert "given up: Slack said channel_not_found" in caplog.text


# -- the store ------------------------------------------------------------------------------------
def test_a_store_that_cannot_be_written_never_stops_an_answer(
    factbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """With every write refused (read-only database), a mention is still answered, the failure
    is logged at ERROR, and /healthz reports the store degraded."""
    factbot.store._conn.execute("PRAGMA query_only = ON")
    assert factbot.slack.event(_mention("what is the theme?", "EvRO")).status == 200
    (post,) = factbot.mock.wait_for(1)
    assert post.method == "chat.postMessage"
    assert factbot.slack.command("what is the theme of the expo?").status == 200
    assert any(
        r.levelno == logging.ERROR and "unavailable" in r.getMessage() for r in caplog.records
    )
    health = http("GET", f"{factbot.url}/healthz").json()
    assert health["status"] == "degraded" and "readonly" in health["store"]


def test_a_vanished_database_file_is_noticed_and_made_again(
    factbot: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """The database file deleted under the running server: the next health check says so at
    ERROR and opens it afresh, so later claims are on disk (not in an unlinked file)."""
    path = Path(factbot.store.path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert http("GET", f"{factbot.url}/healthz").json()["store"] == "ok"
    assert "deleted or replaced while in use" in caplog.text
    factbot.slack.event(_mention("what is the theme?", "EvNEW"))
    factbot.mock.wait_for(1)
    time.sleep(0.2)
    with Store(path) as other:
        assert _events(other) == [("EvNEW", "done")]


# -- start-up -------------------------------------------------------------------------------------
def test_slack_unreachable_at_start_is_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    """No Web API at the configured address: serve exits 1 with one line saying so, no
    traceback."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTBOT_"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": f"http://127.0.0.1:{port}/api/",
        "FACTBOT_DB": str(tmp_path / "f.db"),
        "FACTBOT_SEMANTIC": "off",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--http", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("factbot serve:")]
    assert len(errors) == 1 and "cannot reach Slack's Web API" in errors[0]
    assert "Traceback" not in done.stderr
