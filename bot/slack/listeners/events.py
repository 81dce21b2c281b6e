"""@-mentions (answered in the thread) and direct messages (answered in the DM).

The edge (bot/slack/payloads.py) has already turned the event into an `Asked` (None when it
wants no answer: a bot's message, an edit, a channel message without a mention) and claimed it;
the reply pool posts the answer after Slack has its acknowledgement.
"""

from __future__ import annotations

from slack_bolt import App

from bot.slack.payloads import Asked
from bot.slack.replies import Replies


def register(app: App) -> None:
    app.event("app_mention")(handle_question)
    app.event("message")(handle_question)


def handle_question(asked: Asked | None, claimed_event: str | None, replies: Replies) -> None:
    """Answer `@FactBot <question>` in the mention's thread, or a DM in the DM."""
    if asked is not None:
        replies.answer(claimed_event, asked)
