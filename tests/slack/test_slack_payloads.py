"""The edge: payload shapes checked once, Slack's markup turned into plain text once."""

from __future__ import annotations

import json

import pytest

from bot.slack import blocks, payloads


def mention(**event: object) -> dict[str, object]:
    base = {"type": "app_mention", "channel": "C1", "ts": "1.2", "user": "U1", "text": "hi"}
    return {"type": "event_callback", "event_id": "Ev1", "event": {**base, **event}}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ([], "body is not an object"),
        ({"command": "/ask", "text": "x"}, "slash command without command or user_id"),
        ({"command": "/ask", "user_id": "U1", "text": ["x"]}, "slash command field is not text"),
        ({**mention(), "event_id": ["Ev1"]}, "event without an event_id"),
        (mention(channel=None), "app_mention without channel or ts"),
        (mention(ts=12), "app_mention without channel or ts"),
        (mention(text={"a": 1}), "app_mention field is not text"),
        ({"type": "event_callback", "event_id": "Ev1", "event": "x"}, "event without a type"),
        ({"type": "block_actions", "user": "U1", "actions": []}, "block_actions without user.id"),
        (
            {
                "type": "block_actions",
                "user": {"id": "U1"},
                "trigger_id": "T1",
                "actions": [{"action_id": "ask_share"}],
            },
            "button value is not one of ours",
        ),
        (
            {
                "type": "block_actions",
                "user": {"id": "U1"},
                "trigger_id": "T1",
                "actions": [{"action_id": "ask_helpful", "value": "not json"}],
            },
            "button value is not one of ours",
        ),
        ({"token": "x"}, "request without a type"),
        (
            {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "x"}]},
            "block_actions without trigger_id",
        ),
        (
            {"type": "view_submission", "user": {"id": "U1"}, "view": {"id": "V1"}},
            "view_submission without view.state.values",
        ),
    ],
)
def test_malformed_payloads_are_named(body: object, reason: str) -> None:
    """Each malformed shape is refused with a reason a log reader understands."""
    assert payloads.problem(body) == reason


def test_sound_payloads_pass() -> None:
    """Real shapes pass, including actions that are not FactBot's own buttons."""
    value = blocks.ButtonValue("f", "U1", "q").encode()
    assert payloads.problem(mention()) is None
    assert payloads.problem({"command": "/ask", "user_id": "U1", "text": "x"}) is None
    assert payloads.problem({"type": "url_verification", "challenge": "c"}) is None
    for action in ({"action_id": "ask_share", "value": value}, {"action_id": "other"}):
        body = {
            "type": "block_actions",
            "user": {"id": "U1"},
            "trigger_id": "T1",
            "actions": [action],
        }
        assert payloads.problem(body) is None


def test_bodies_that_cannot_be_read_are_named() -> None:
    """Invalid JSON, non-object JSON, a payload field that is not JSON, bytes that are not UTF-8."""
    json_type = "application/json"
    form = "application/x-www-form-urlencoded"
    assert payloads.parse_body(b'{"type":', json_type) == (None, "body is not JSON")
    assert payloads.parse_body(b"[1]", json_type) == (None, "JSON body is not an object")
    assert payloads.parse_body(b"payload=%7Bx", form) == (None, "payload is not JSON")
    assert payloads.parse_body(b"\xff", form) == (None, "body is not UTF-8")
    assert payloads.parse_body(b"command=%2Fask&text=a+%26+b", form) == (
        {"command": "/ask", "text": "a & b"},
        None,
    )


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("<@U0BOT> what is the theme?", "what is the theme?"),
        ("<@U0BOT>: when did <@U2|ana> join?", "when did @ana join?"),
        ("see <#C1|general> and <https://x.org/a|the report>", "see #general and the report"),
        ("<!channel> <!subteam^S1|@team> wifi &amp; &lt;password&gt;", "wifi & <password>"),
        ("<mailto:a@b.org|a@b.org> or <https://x.org>", "a@b.org or https://x.org"),
    ],
)
def test_slack_markup_becomes_plain_text_once(slack: str, plain: str) -> None:
    """Mentions, channels, links, broadcasts and entities are undone at the edge."""
    assert payloads.from_slack(slack, "U0BOT") == plain


def test_an_event_becomes_a_question_only_when_it_asks_one() -> None:
    """Mentions and DMs are questions; bots' messages, edits and channel chatter are not."""
    asked = payloads.asked_in_event(mention(text="<@U0BOT> hi &amp; bye")["event"], "U0BOT")
    assert asked == payloads.Asked("mention", "C1", "U1", "hi & bye", thread_ts="1.2")
    assert payloads.Asked.from_json(asked.to_json()) == asked
    dm = {"type": "message", "channel_type": "im", "channel": "D1", "ts": "1", "text": "q"}
    assert payloads.asked_in_event(dm, "U0BOT").surface == "dm"
    for other in ({"bot_id": "B1"}, {"subtype": "message_changed"}, {"channel_type": "channel"}):
        assert payloads.asked_in_event({**dm, **other}, "U0BOT") is None
    assert json.loads(asked.to_json())["text"] == "hi & bye"
