"""Socket Mode: the same listeners driven through Bolt's socket-mode dispatch path.

Envelopes go into the real SocketModeClient's message queue, as if read from the WebSocket;
its workers hand them to Bolt's SocketModeHandler; the acknowledgement that would be written
back to the WebSocket is captured. The Web API calls go to the mock Slack.
"""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import BOT_TOKEN, command_fields, payload
from factbot_slack_mock import MockSlack
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.config import Settings
from bot.core import Core
from bot.slack import blocks
from bot.slack.app import create_app
from bot.store import Store


@dataclass
class SocketMode:
    handler: SocketModeHandler
    sent: queue.Queue[str]
    mock: MockSlack
    store: Store

    def deliver(self, kind: str, body: dict[str, Any], envelope: str, **extra: Any) -> dict:
        """Put one envelope on the wire; return the acknowledgement FactBot sends back."""
        message = {"envelope_id": envelope, "type": kind, "payload": body, **extra}
        self.handler.client.enqueue_message(json.dumps(message))
        ack = json.loads(self.sent.get(timeout=5))
        assert ack["envelope_id"] == envelope
        return ack


@pytest.fixture
def socket_mode(mock_slack: MockSlack, tmp_path: Path, core: Core) -> Iterator[SocketMode]:
    """FactBot in Socket Mode (no signing secret), its WebSocket writes captured."""
    settings = Settings.from_env(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": "xapp-1-test-not-real",
            "SLACK_API_URL": mock_slack.api_url,
            "FACTBOT_DB": str(tmp_path / "factbot.db"),
        }
    )
    store = Store(settings.db_path)
    app = create_app(settings, core, store)
    handler = SocketModeHandler(app, settings.app_token)
    sent: queue.Queue[str] = queue.Queue()
    handler.client.send_message = sent.put  # the WebSocket write
    try:
        yield SocketMode(handler, sent, mock_slack, store)
    finally:
        handler.close()
        store.close()


def test_slash_command_is_answered_in_the_envelope_ack(socket_mode: SocketMode) -> None:
    """/ask over Socket Mode: the ephemeral answer rides on the envelope's acknowledgement."""
    fields = command_fields(text="how many countries got vaccines from china?")
    ack = socket_mode.deliver("slash_commands", fields, "env-1", accepts_response_payload=True)
    assert ack["payload"]["response_type"] == "ephemeral"
    assert "69 countries" in ack["payload"]["blocks"][1]["text"]["text"]
    assert socket_mode.mock.made() == []


def test_mention_is_answered_in_thread_once_despite_a_retry(socket_mode: SocketMode) -> None:
    """events_api app_mention: one threaded reply; the retry_attempt redelivery is dropped."""
    body = payload("event_app_mention.json")
    assert socket_mode.deliver("events_api", body, "env-2") == {"envelope_id": "env-2"}
    socket_mode.deliver("events_api", body, "env-3", retry_attempt=1, retry_reason="timeout")
    calls = socket_mode.mock.wait_for(1)
    time.sleep(0.3)
    calls = socket_mode.mock.made()
    assert [c.method for c in calls] == ["chat.postMessage"]
    assert calls[0].body["thread_ts"] == "1700001001.000100"


def test_direct_message_and_home_over_socket_mode(socket_mode: SocketMode) -> None:
    """message.im is answered in the DM; app_home_opened publishes Home."""
    dm = payload("event_message_im.json")
    dm["event"]["text"] = "what is the theme of the expo?"
    socket_mode.deliver("events_api", dm, "env-4")
    socket_mode.deliver("events_api", payload("event_app_home_opened.json"), "env-5")
    socket_mode.deliver("events_api", payload("event_message_im_from_bot.json"), "env-6")
    socket_mode.mock.wait_for(2)
    time.sleep(0.3)
    post, publish = sorted(socket_mode.mock.made(), key=lambda c: c.method)
    assert (post.method, post.body["channel"]) == ("chat.postMessage", "D0DIRECT")
    assert (publish.method, publish.body["user_id"]) == ("views.publish", "U0HUMAN")


def test_share_button_over_socket_mode(socket_mode: SocketMode) -> None:
    """interactive block_actions: Share posts in the channel and removes the private copy."""
    body = payload("block_actions_ephemeral_message.json")
    body["response_url"] = socket_mode.mock.response_url("sm")
    value = blocks.ButtonValue("ciie-theme", "U0HUMAN", "expo theme?").encode()
    body["actions"][0].update(action_id=blocks.SHARE, value=value)
    assert socket_mode.deliver("interactive", body, "env-7") == {"envelope_id": "env-7"}
    post, hook = socket_mode.mock.wait_for(2)
    assert post.body["channel"] == "C0GENERAL"
    assert post.body["blocks"][0]["elements"][0]["text"] == "<@U0HUMAN> asked: _expo theme?_"
    assert hook.path == "/response/sm" and hook.body["delete_original"] is True
