"""@-mentions (answered in the thread) and direct messages (answered in the DM)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.config import Settings
from bot.core import Core
from bot.slack import blocks
from bot.slack.recorder import QuestionLog

GREETINGS = frozenset({"", "help", "hi", "hello", "hey", "?"})


def register(app: App) -> None:
    app.event("app_mention")(handle_mention)
    app.event("message")(handle_direct_message)


def handle_mention(
    event: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    core: Core,
    recorder: QuestionLog,
    settings: Settings,
) -> None:
    """Answer `@FactBot <question>` in the thread of the mentioning message."""
    if from_a_bot(event):
        return posted(context)
    reply(
        client,
        core,
        recorder,
        settings,
        channel=event["channel"],
        thread_ts=event.get("thread_ts") or event["ts"],
        user=event.get("user", ""),
        question=strip_mention(event.get("text", ""), context.bot_user_id),
        surface="mention",
    )
    posted(context)


def handle_direct_message(
    event: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    core: Core,
    recorder: QuestionLog,
    settings: Settings,
) -> None:
    """Answer a direct message in the DM; other message events are not for us."""
    if event.get("channel_type") != "im" or from_a_bot(event):
        return posted(context)
    reply(
        client,
        core,
        recorder,
        settings,
        channel=event["channel"],
        thread_ts=event.get("thread_ts"),
        user=event.get("user", ""),
        question=event.get("text", ""),
        surface="dm",
    )
    posted(context)


def posted(context: BoltContext) -> None:
    """The event is answered (or needs no answer): Slack's redeliveries are ignored from now."""
    done = context.get("event_done")
    if done is not None:
        done()


def from_a_bot(event: dict[str, Any]) -> bool:
    """Bots (this one included) and edits, joins, deletions (any subtype) get no answer."""
    return bool(event.get("bot_id") or event.get("subtype"))


def strip_mention(text: str, bot_user_id: str | None) -> str:
    """The question without the bot's mention (and without a leading ':' or ',')."""
    who = re.escape(bot_user_id) if bot_user_id else r"[UW][A-Z0-9]+"
    text = re.sub(rf"<@{who}(?:\|[^>]*)?>", " ", text)
    return text.strip().lstrip(":,").strip()


def reply(
    client: WebClient,
    core: Core,
    recorder: QuestionLog,
    settings: Settings,
    *,
    channel: str,
    thread_ts: str | None,
    user: str,
    question: str,
    surface: str,
) -> None:
    """Post the answer (or help) as the bot and record the question."""
    question = " ".join(question.split())
    if question.lower().strip("!.?") in GREETINGS:
        reply_blocks = blocks.render_help(
            blocks.pick_examples(core.sheet.curated), settings.command
        )
        text = "How to ask FactBot"
        result = None
    else:
        result = core.answer(question)
        reply_blocks = blocks.render_result(
            result,
            core.sheet.articles,
            asker=user,
            command=settings.command,
            public=surface == "mention",
        )
        text = blocks.result_text(result, core.sheet.articles)
    client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=text,
        blocks=blocks.to_payload(reply_blocks),
        unfurl_links=False,
        unfurl_media=False,
    )
    if result is not None:
        recorder.record_question(
            surface=surface, channel=channel, user=user, question=question, result=result
        )
