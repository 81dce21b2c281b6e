"""App Home: how to ask, what the bot knows, what people ask; example questions to click."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot.config import Settings
from bot.core import Core
from bot.review import drafts_to_review
from bot.slack import blocks
from bot.slack.replies import Replies
from bot.store import Store


def register(app: App) -> None:
    app.event("app_home_opened")(handle_home_opened)
    app.action(re.compile(rf"^{blocks.EXAMPLE_PREFIX}\d+$"))(handle_example)


def handle_home_opened(
    event: dict[str, Any],
    client: WebClient,
    core: Core,
    store: Store,
    settings: Settings,
    replies: Replies,
) -> None:
    """Publish the Home tab whenever someone opens it; in the Messages tab (Slack's agent
    view) offer the sheet's example questions as suggested prompts."""
    if event.get("tab", "home") == "home":
        replies.run("home", publish_home, client, event["user"], core, store, settings)
    elif event.get("tab") == "messages" and event.get("channel"):
        replies.run("prompts", suggest_prompts, client, event["channel"], core)


def suggest_prompts(client: WebClient, channel: str, core: Core) -> None:
    """assistant.threads.setSuggestedPrompts for the DM, without a thread_ts: in an agent-view
    app a call with one is silently ignored."""
    prompts = [
        {"title": blocks.cut(f.questions[0], 75), "message": f.questions[0]}
        for f in blocks.pick_examples(core.sheet.curated, 3)
        if f.questions
    ]
    client.api_call(
        "assistant.threads.setSuggestedPrompts",
        json={"channel_id": channel, "title": "Try asking", "prompts": prompts},
    )


def handle_example(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    core: Core,
    store: Store,
    settings: Settings,
    replies: Replies,
) -> None:
    """An example question clicked in the Home tab: show its answer at the top of Home."""
    ack()
    user = body["user"]["id"]
    value = blocks.ButtonValue.decode(action["value"])
    fact = core.fact(value.fact_id)
    shown = None
    if fact is not None:
        shown = blocks.render_answer(fact, core.article(fact), question=value.question, asker=user)
    replies.run("home", publish_home, client, user, core, store, settings, shown)


def publish_home(
    client: WebClient,
    user: str,
    core: Core,
    store: Store,
    settings: Settings,
    shown: list[Block] | None = None,
    note: str | None = None,
) -> None:
    """views.publish the Home tab for one user; a curator's also lists the drafts to review."""
    sheet = core.sheet
    review = None
    if user in settings.curators:
        review = blocks.render_review(drafts_to_review(sheet), sheet.articles, note)
    home = blocks.render_home(
        articles=sheet.articles,
        facts=sheet.curated,
        examples=blocks.pick_examples(sheet.curated, 3),
        # Never anyone's own words: the curated phrasing of facts several people were given.
        top_questions=[
            (fact.questions[0], n)
            for fact_id, n in store.top_answered_facts(days=7, limit=5)
            if (fact := core.fact(fact_id)) is not None and fact.questions
        ],
        loaded_at=core.loaded_at,
        command=settings.command,
        shown=shown,
        review=review,
    )
    client.views_publish(user_id=user, view={"type": "home", "blocks": blocks.to_payload(home)})
