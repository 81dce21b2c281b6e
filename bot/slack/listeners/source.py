""" "Find the source": a message shortcut on any message. The message's text is matched to the
sheet like a question (a long one is read clause by clause), and only a fact that says what it
says (its amounts, names and months) is shown (Core.find_source); the person who used the shortcut
is shown, privately, the closest curated fact with its quote, source and date, or that no
curated fact matches. Nothing of the message is recorded.
"""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core import Core
from bot.slack import blocks, payloads
from bot.slack.replies import Replies

CALLBACK_ID = "factbot_find_source"


def register(app: App) -> None:
    app.shortcut(CALLBACK_ID)(handle_find_source)


def handle_find_source(
    ack: Ack,
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    core: Core,
    replies: Replies,
) -> None:
    """Acknowledge, then reply privately from the reply pool."""
    ack()
    text = payloads.from_slack(body["message"].get("text") or "")
    shown = blocks.to_payload(blocks.render_source(core.find_source(text), core.sheet.articles))
    summary = "The closest curated fact, with its source"
    if body.get("response_url"):
        replies.run(
            "source",
            functools.partial(
                respond,
                text=summary,
                blocks=shown,
                response_type="ephemeral",
                replace_original=False,
            ),
        )
    else:
        channel = (body.get("channel") or {}).get("id")
        replies.run(
            "source",
            lambda: client.chat_postEphemeral(
                channel=channel, user=body["user"]["id"], text=summary, blocks=shown
            ),
        )
