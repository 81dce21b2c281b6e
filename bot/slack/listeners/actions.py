"""Buttons on answers: Share to channel, Helpful / Not helpful, and did-you-mean choices.

A click on an ephemeral message brings no `message` in its payload, so each button carries
what it needs (fact id, asker, question) in its `value`. A click in the Home tab brings no
`response_url`: the answer there is shown by publishing the Home view again.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Args, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock

from bot.core import Core
from bot.errors import StoreUnavailable
from bot.slack import blocks
from bot.slack.digest_job import DRAFT_ACTION_PREFIX, draft_value
from bot.slack.listeners.home import publish_home
from bot.slack.replies import Replies
from bot.store import Store

log = logging.getLogger(__name__)

# Chat errors that mean "the bot cannot post here", told to the user rather than logged as bugs.
CANNOT_POST = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cannot_dm_bot"}
)


def register(app: App) -> None:
    app.action(blocks.SHARE)(handle_share)
    app.action(blocks.HELPFUL)(handle_feedback)
    app.action(blocks.NOT_HELPFUL)(handle_feedback)
    app.action(re.compile(rf"^{blocks.PICK_PREFIX}\d+$"))(handle_pick)
    app.action(blocks.ASK_CURATOR)(handle_ask_curator)
    app.action(blocks.SLACK_FEEDBACK)(handle_slack_feedback)


# Each click is acknowledged at once; what follows calls Slack, so it runs in the reply pool.
def handle_share(ack: Ack, args: Args, replies: Replies) -> None:
    ack()
    replies.run("share", share, args.body, args.action, args.respond, args.client, args.context)


def handle_feedback(ack: Ack, args: Args, replies: Replies) -> None:
    ack()
    replies.run("vote", vote, args.body, args.action, args.respond, args.client, args.context)


def handle_pick(ack: Ack, args: Args, replies: Replies) -> None:
    ack()
    replies.run("pick", pick, args.body, args.action, args.respond, args.client, args.context)


def handle_slack_feedback(ack: Ack, args: Args, replies: Replies) -> None:
    """Slack's own feedback buttons (DM answers): the same vote as ours."""
    ack()
    vote_kind, _, encoded = str(args.action.get("value") or "").partition(":")
    try:
        blocks.ButtonValue.decode(encoded)
    except (ValueError, KeyError, TypeError):
        vote_kind = ""
    if vote_kind not in ("up", "down"):
        log.warning("feedback buttons sent a value that is not ours; ignored")
        return
    action = {
        "action_id": blocks.HELPFUL if vote_kind == "up" else blocks.NOT_HELPFUL,
        "value": encoded,
    }
    replies.run("vote", vote, args.body, action, args.respond, args.client, args.context)


def handle_ask_curator(ack: Ack, args: Args, replies: Replies) -> None:
    ack()
    replies.run(
        "curator", ask_curator, args.body, args.action, args.respond, args.client, args.context
    )


def ask_curator(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
) -> None:
    """The asker's consent to show the curators their question: post it, who asked and what
    the bot answered to the curators' channel, with Draft a fact; the asker is told when a
    curator adds the fact."""
    settings, core = context["settings"], context["core"]
    value = blocks.ButtonValue.decode(action["value"])
    asker = body["user"]["id"]
    if not settings.curator_channel:
        respond(replace_original=False, response_type="ephemeral", text=NO_CURATORS)
        return
    fact = core.fact(value.fact_id) if value.fact_id else None
    said = blocks.answer_text(fact, core.article(fact)) if fact else "I don't know that yet."
    client.chat_postMessage(
        channel=settings.curator_channel,
        text=f"<@{asker}> asks the curators: {blocks.escape(value.question)}",
        blocks=blocks.to_payload(
            [
                blocks.section(f"<@{asker}> asks the curators: _{blocks.escape(value.question)}_"),
                blocks.context(f"FactBot answered: {said}"),
                ActionsBlock(
                    elements=[
                        blocks.button(
                            "Draft a fact",
                            f"{DRAFT_ACTION_PREFIX}0",
                            draft_value(value.question, asker),
                        )
                    ]
                ),
            ]
        ),
        unfurl_links=False,
        unfurl_media=False,
    )
    respond(
        replace_original=False,
        response_type="ephemeral",
        text="I've asked the curators. I'll message you when they add the answer.",
    )


NO_CURATORS = "No curators' channel is set up here (FACTBOT_CURATOR_CHANNEL), so I can't ask them."


def share(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
) -> None:
    """Post the answer in the channel as the bot, saying who asked; drop the private copy."""
    core: Core = context["core"]
    value = blocks.ButtonValue.decode(action["value"])
    fact = core.fact(value.fact_id)
    if fact is None:
        respond(replace_original=False, response_type="ephemeral", text=GONE)
        return
    article = core.article(fact)
    asker = value.asker or body["user"]["id"]
    channel = (body.get("channel") or {}).get("id") or body["container"].get("channel_id")
    try:
        client.chat_postMessage(
            channel=channel,
            text=f"<@{asker}> asked: {blocks.answer_text(fact, article)}",
            blocks=blocks.to_payload(
                blocks.render_answer(
                    fact, article, question=value.question, asker=asker, shared_by=asker
                )
            ),
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        if exc.response.get("error") not in CANNOT_POST:
            raise
        respond(
            replace_original=False,
            response_type="ephemeral",
            text="I can't post in this channel. Invite me (`/invite @FactBot`) and try again.",
        )
        return
    respond(delete_original=True)


def vote(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
) -> None:
    """Record Helpful / Not helpful and thank the person (only them)."""
    core: Core = context["core"]
    store: Store = context["store"]
    value = blocks.ButtonValue.decode(action["value"])
    helpful = action["action_id"] == blocks.HELPFUL
    user = body["user"]["id"]
    try:
        store.record_feedback(
            user=user, fact_id=value.fact_id, helpful=helpful, question=value.question or None
        )
        note = (
            "Thanks! Noted as helpful."
            if helpful
            else "Thanks. I've told the curators this answer didn't help."
        )
    except StoreUnavailable as exc:
        log.error("%s; a vote was not recorded", exc)
        note = "Sorry, I couldn't record that just now. Please try again later."
    on_call = None
    if not helpful and context["settings"].curator_channel:
        on_call = blocks.ask_curator_block(value.question, user, value.fact_id)
    fact = core.fact(value.fact_id)
    container = body.get("container") or {}
    if container.get("type") == "view":
        shown = None
        if fact is not None:
            shown = blocks.render_answer(
                fact,
                core.article(fact),
                question=value.question,
                asker=user,
                feedback=False,
                note=note,
            )
            shown += [on_call] if on_call else []
        publish_home(client, user, core, store, context["settings"], shown=shown)
    elif container.get("is_ephemeral") and fact is not None:
        respond(
            replace_original=True,
            text=blocks.answer_text(fact, core.article(fact)),
            blocks=[
                *blocks.render_answer(
                    fact,
                    core.article(fact),
                    question=value.question,
                    asker=value.asker,
                    share=True,
                    feedback=False,
                    note=note,
                ),
                *([on_call] if on_call else []),
            ],
        )
    else:
        # A message others see too: do not change it for everyone, just tell the clicker.
        extra = {"blocks": [blocks.section(note), on_call]} if on_call else {}
        respond(replace_original=False, response_type="ephemeral", text=note, **extra)


def pick(
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
    context: BoltContext,
) -> None:
    """A did-you-mean choice: show that fact in place of the choices."""
    core: Core = context["core"]
    value = blocks.ButtonValue.decode(action["value"])
    fact = core.fact(value.fact_id)
    container = body.get("container") or {}
    if fact is None:
        respond(replace_original=False, response_type="ephemeral", text=GONE)
        return
    article = core.article(fact)
    if container.get("type") == "view":
        shown = blocks.render_answer(
            fact, article, question=value.question, asker=body["user"]["id"]
        )
        user = body["user"]["id"]
        publish_home(client, user, core, context["store"], context["settings"], shown=shown)
        return
    respond(
        replace_original=True,
        text=blocks.answer_text(fact, article),
        blocks=blocks.render_answer(
            fact,
            article,
            question=value.question,
            asker=value.asker,
            share=bool(container.get("is_ephemeral")),
        ),
    )


GONE = "That fact is no longer in the fact sheet. Ask again to get the current answer."
