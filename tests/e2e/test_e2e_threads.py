"""Follow-ups in threads, over real HTTP: a mention in a thread the bot answered in is read in
the light of the last question there; with FACTBOT_THREAD_FOLLOWUPS=on, a reply in such a
thread is answered without a mention, only when the bot is sure, and nothing else is kept."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SECRET, SlackClient, payload, settings_for
from factbot_slack_mock import BOT_USER, MockSlack

from bot.core import Core
from bot.slack.app import create_app
from bot.slack.server import HttpServer, wsgi_app
from bot.store import Store

ROOT_TS = "1700003000.000100"
FIRST = "what was the theme of the china pavilion at the 2023 expo?"


def mention(text: str, event_id: str, ts: str, thread_ts: str | None = None) -> dict[str, Any]:
    body = payload("event_app_mention.json")
    body["event_id"] = event_id
    body["event"].update(text=f"<@{BOT_USER}> {text}", ts=ts)
    if thread_ts:
        body["event"]["thread_ts"] = thread_ts
    return body


def reply(text: str, event_id: str, ts: str, thread_ts: str = ROOT_TS) -> dict[str, Any]:
    body = payload("event_app_mention.json")
    body["event_id"] = event_id
    body["event"] = {
        "type": "message",
        "channel_type": "channel",
        "channel": "C0GENERAL",
        "user": "U0HUMAN",
        "text": text,
        "ts": ts,
        "thread_ts": thread_ts,
        "event_ts": ts,
    }
    return body


@pytest.fixture
def served(
    mock_slack: MockSlack, tmp_path: Path, core: Core, request: pytest.FixtureRequest
) -> Iterator[tuple[SlackClient, Store]]:
    extra = {"FACTBOT_THREAD_FOLLOWUPS": "on"} if getattr(request, "param", False) else {}
    settings = settings_for(mock_slack, tmp_path, **extra)
    store = Store(settings.db_path)
    app = create_app(settings, core, store)
    with HttpServer(wsgi_app(app, core, SECRET), port=0, threads=2) as server:
        yield SlackClient(server.url), store
    store.close()


def posted_text(mock: MockSlack, count: int) -> str:
    return json.dumps(mock.wait_for(count)[count - 1].body)


def test_a_mention_in_the_thread_follows_up_on_the_last_question(
    served: tuple[SlackClient, Store], mock_slack: MockSlack
) -> None:
    """ "how big was it?" alone is unclear; in the thread of the pavilion question it is the
    pavilion's area, answered in that thread."""
    slack, _ = served
    slack.event(mention(FIRST, "EvT1", ROOT_TS))
    mock_slack.wait_for(1)
    slack.event(mention("how big was it?", "EvT2", "1700003001.000100", ROOT_TS))
    second = mock_slack.wait_for(2)[1].body
    assert second["thread_ts"] == ROOT_TS
    assert "2,500 square meters" in json.dumps(second)
    # The same words as a new mention elsewhere are not read against that thread.
    slack.event(mention("how big was it?", "EvT3", "1700003009.000100"))
    third = json.dumps(mock_slack.wait_for(3)[2].body)
    assert "2,500 square meters" not in third


@pytest.mark.parametrize("served", [True], indirect=True)
def test_thread_replies_without_a_mention_are_answered_only_when_sure(
    served: tuple[SlackClient, Store], mock_slack: MockSlack
) -> None:
    """With the setting on: a reply in the bot's thread is answered; a reply the bot cannot
    answer, and any reply in a thread the bot never answered in, get nothing and leave no
    record."""
    slack, store = served
    slack.event(mention(FIRST, "EvR1", ROOT_TS))
    mock_slack.wait_for(1)
    slack.event(reply("how big was it?", "EvR2", "1700003002.000100"))
    assert mock_slack.wait_for(2)[1].body["thread_ts"] == ROOT_TS
    slack.event(reply("ha, nice. lunch at noon?", "EvR3", "1700003003.000100"))
    slack.event(reply("how big was it?", "EvR4", "1700003004.000100", "1700009999.000001"))
    time.sleep(1.0)
    assert len(mock_slack.made()) == 2
    asked = [q for q, _ in store.top_questions(days=1, limit=10)]
    assert "ha, nice. lunch at noon?" not in asked and len(asked) == 2
