"""The edge: what Slack sends, checked for shape once and turned into clean values.

Every request body passes `problem()` before any listener (or Bolt's own middleware) reads it;
a malformed one is refused with 400 and one log line, never a traceback. Listeners then read
`Asked` values: plain text, with Slack's markup (`<@U1>`, `<#C1|general>`, `<https://x|label>`,
`&amp;`) undone here and nowhere else, so the core, the store, stats and the digest all hold the
text as the person typed it.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import asdict, dataclass
from typing import Any

from bot.slack import blocks

# Events FactBot answers with a posted reply (the reply queue owns their claim).
REPLYING_EVENTS = ("app_mention", "message")

_OUR_ACTIONS = re.compile(
    rf"^(?:{blocks.SHARE}|{blocks.HELPFUL}|{blocks.NOT_HELPFUL}|{blocks.ASK_CURATOR}"
    rf"|{blocks.PICK_PREFIX}\d+|{blocks.EXAMPLE_PREFIX}\d+)$"
)


@dataclass(frozen=True, slots=True)
class Asked:
    """A question someone asked: where to answer it and what they typed, as plain text."""

    surface: str  # mention | dm | command | thread (a reply in a thread, no mention)
    channel: str
    user: str
    text: str
    thread_ts: str | None = None
    in_thread: bool = False  # asked inside an existing thread: may follow up on it

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Asked:
        return cls(**json.loads(raw))


# -- bodies -------------------------------------------------------------------------------------
def parse_body(raw: bytes, content_type: str) -> tuple[dict[str, Any] | None, str | None]:
    """The request body as Bolt will read it, or the reason it cannot be read."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "body is not UTF-8"
    if content_type.split(";")[0].strip().lower() == "application/json":
        try:
            body = json.loads(text)
        except ValueError:
            return None, "body is not JSON"
        return (body, None) if isinstance(body, dict) else (None, "JSON body is not an object")
    form = dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    if "payload" in form:
        try:
            body = json.loads(form["payload"])
        except ValueError:
            return None, "payload is not JSON"
        return (body, None) if isinstance(body, dict) else (None, "payload is not an object")
    return form, None


def _str(value: Any, *, empty: bool = True) -> bool:
    return isinstance(value, str) and (empty or bool(value))


def _optional_str(mapping: dict[str, Any], *keys: str) -> bool:
    return all(mapping.get(k) is None or isinstance(mapping[k], str) for k in keys)


def problem(body: Any) -> str | None:
    """Why this body is not a request FactBot can handle, or None when its shape is sound."""
    if not isinstance(body, dict):
        return "body is not an object"
    if reason := _envelope_problem(body):
        return reason
    kind = body.get("type")
    if "command" in body:
        if not (_str(body["command"], empty=False) and _str(body.get("user_id"), empty=False)):
            return "slash command without command or user_id"
        if not _optional_str(body, "text", "channel_id", "response_url", "trigger_id"):
            return "slash command field is not text"
        return None
    if kind == "url_verification":
        return None if _str(body.get("challenge")) else "url_verification without challenge"
    if kind == "event_callback":
        return _event_problem(body)
    if kind == "message_action":
        user, message = body.get("user"), body.get("message")
        if not (isinstance(user, dict) and _str(user.get("id"), empty=False)):
            return "message_action without user.id"
        if not _str(body.get("callback_id"), empty=False) or not isinstance(message, dict):
            return "message_action without callback_id or message"
        if not _optional_str(message, "text", "ts") or not _optional_str(body, "response_url"):
            return "message_action field is not text"
        return None
    if kind in ("block_actions", "view_submission", "view_closed"):
        user = body.get("user")
        if not (isinstance(user, dict) and _str(user.get("id"), empty=False)):
            return f"{kind} without user.id"
        for key in ("container", "channel", "view"):
            if body.get(key) is not None and not isinstance(body[key], dict):
                return f"{kind} {key} is not an object"
        if kind == "block_actions":
            if not _str(body.get("trigger_id"), empty=False):
                return "block_actions without trigger_id"
            return _actions_problem(body.get("actions"))
        view = body.get("view")
        state = view.get("state") if isinstance(view, dict) else None
        if kind == "view_submission" and not (
            isinstance(state, dict) and isinstance(state.get("values"), dict)
        ):
            return "view_submission without view.state.values"
        return None
    if not _str(kind, empty=False):
        return "request without a type"
    return None  # a kind FactBot does not listen for: Bolt answers it (404 or a plain ack)


# Fields Bolt itself reads from every request before any listener runs (workspace, user and
# channel ids): each is absent, text, or an object; authorizations is a list of objects.
_ENVELOPE = ("team", "enterprise", "user", "channel", "view", "message", "container", "event")


def _envelope_problem(body: dict[str, Any]) -> str | None:
    for key in _ENVELOPE:
        if not (body.get(key) is None or isinstance(body[key], (str, dict))):
            return f"{key} is neither text nor an object"
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return "authorizations is not a list of objects"
    event = body.get("event")
    if isinstance(event, dict):
        for key in ("team", "user", "channel", "user_team", "item", "message"):
            if not (event.get(key) is None or isinstance(event[key], (str, dict))):
                return f"event {key} is neither text nor an object"
    return None


def _event_problem(body: dict[str, Any]) -> str | None:
    if not _str(body.get("event_id"), empty=False):
        return "event without an event_id"
    event = body.get("event")
    if not isinstance(event, dict) or not _str(event.get("type"), empty=False):
        return "event without a type"
    if not _optional_str(event, "user", "text", "thread_ts", "subtype", "bot_id", "channel_type"):
        return f"{event['type']} field is not text"
    if event["type"] in REPLYING_EVENTS and not (
        _str(event.get("channel"), empty=False) and _str(event.get("ts"), empty=False)
    ):
        return f"{event['type']} without channel or ts"
    if event["type"] == "app_home_opened" and not (
        _str(event.get("user"), empty=False) and _optional_str(event, "tab")
    ):
        return "app_home_opened without user"
    return None


def _actions_problem(actions: Any) -> str | None:
    if not isinstance(actions, list) or not actions:
        return "block_actions without actions"
    for action in actions:
        if not isinstance(action, dict) or not _str(action.get("action_id"), empty=False):
            return "action without action_id"
        if _OUR_ACTIONS.match(action["action_id"]):
            try:
                blocks.ButtonValue.decode(action.get("value"))
            except (TypeError, ValueError, KeyError):
                return "button value is not one of ours"
    return None


def surface(body: dict[str, Any]) -> str:
    """What kind of request this is, for the metrics: command, an event's type, or a kind of
    interaction."""
    if "command" in body:
        return "command"
    if body.get("type") == "event_callback":
        event = body["event"]
        if event["type"] == "message":
            return "dm" if event.get("channel_type") == "im" else "message"
        return str(event["type"])
    return str(body.get("type") or "other")


# -- Slack's markup ---------------------------------------------------------------------------------
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(?:[^>|]*)(?:\|([^>]*))?>")
_LINK = re.compile(r"<([a-z][a-z0-9+.-]*:[^>|]*)(?:\|([^>]*))?>", re.IGNORECASE)


def from_slack(text: str, bot_user_id: str | None = None) -> str:
    """Slack's message markup as the person saw it: the bot's own mention gone, other people
    as @name, channels as #name, links as their label, broadcasts gone, entities undone."""

    def user(m: re.Match[str]) -> str:
        if bot_user_id is None or m.group(1) == bot_user_id or not m.group(2):
            return " "
        return f"@{m.group(2)}"

    text = _USER.sub(user, text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(1)}" if m.group(1) else " ", text)
    text = _SPECIAL.sub(" ", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split()).lstrip(":,").strip()


# -- questions ------------------------------------------------------------------------------------
def asked_in_event(
    event: dict[str, Any], bot_user_id: str | None, *, thread_replies: bool = False
) -> Asked | None:
    """The question in a mention or DM, or None when the event wants no answer (a bot's own
    message, an edit or join, a message in a channel that does not mention the bot). With
    `thread_replies` (FACTBOT_THREAD_FOLLOWUPS), a reply in a channel thread is a candidate
    follow-up too, unless it mentions the bot (then its app_mention event is the one)."""
    if event.get("bot_id") or event.get("subtype"):
        return None
    in_thread = bool(event.get("thread_ts")) and event.get("thread_ts") != event["ts"]
    if event["type"] == "app_mention":
        surface, thread = "mention", event.get("thread_ts") or event["ts"]
    elif event["type"] == "message" and event.get("channel_type") == "im":
        surface, thread = "dm", event.get("thread_ts")
    elif (
        event["type"] == "message"
        and thread_replies
        and in_thread
        and not (bot_user_id and f"<@{bot_user_id}" in (event.get("text") or ""))
    ):
        surface, thread = "thread", event["thread_ts"]
    else:
        return None
    return Asked(
        surface=surface,
        channel=event["channel"],
        user=event.get("user") or "",
        text=from_slack(event.get("text") or "", bot_user_id),
        thread_ts=thread,
        in_thread=in_thread,
    )


def asked_in_command(body: dict[str, Any]) -> Asked:
    """What follows the slash command, as plain text."""
    return Asked(
        surface="command",
        channel=body.get("channel_id") or "",
        user=body["user_id"],
        text=from_slack(body.get("text") or ""),
    )
