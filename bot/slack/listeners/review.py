"""Curators review drafts in the App Home: Approve, Edit (a form), Reject.

Only the user ids in FACTBOT_CURATORS see the drafts or can act on them; a click from anyone
else is ignored with a log line. Every change goes through bot/review.py: the sheet file is
rewritten only if the sheet still passes `factbot check`, and the sheet is reloaded at once.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

from bot.config import Settings
from bot.core import Core
from bot.factsheet import Fact
from bot.review import approve, drafts_to_review, reject
from bot.slack import blocks
from bot.slack.listeners.home import publish_home
from bot.slack.replies import Replies
from bot.store import Store

log = logging.getLogger(__name__)

EDIT_CALLBACK = "factbot_review_edit"
MAX_INPUT = 3000


def register(app: App) -> None:
    app.action(blocks.REVIEW_APPROVE)(handle_decision)
    app.action(blocks.REVIEW_REJECT)(handle_decision)
    app.action(blocks.REVIEW_EDIT)(handle_edit_button)
    app.view(EDIT_CALLBACK)(handle_edit_submission)


def is_curator(user: str, settings: Settings) -> bool:
    if user in settings.curators:
        return True
    log.warning("a review action from %s, who is not a curator, was ignored", user)
    return False


def handle_decision(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    core: Core,
    store: Store,
    settings: Settings,
    replies: Replies,
) -> None:
    """Approve or Reject, acknowledged at once; the file is changed from the reply pool."""
    ack()
    user = body["user"]["id"]
    if is_curator(user, settings):
        deps = {"client": client, "core": core, "store": store, "settings": settings}
        replies.run("review", decide, action["action_id"], str(action.get("value", "")), user, deps)


def decide(action_id: str, fact_id: str, user: str, deps: dict[str, Any]) -> None:
    core: Core = deps["core"]
    approving = action_id == blocks.REVIEW_APPROVE
    change = approve if approving else reject
    errors = change(core.sheet_path, core.sheet.articles, fact_id)
    if errors:
        note = f"{fact_id} was not changed: {'; '.join(errors.values())}."
        if approving:
            note += " Edit it first."
    else:
        log.info("%s %s draft %s", user, "approved" if approving else "rejected", fact_id)
        core.reload()
        if approving:
            tell_waiting(deps["client"], deps["store"], core, fact_id)
        note = (
            f"Approved {fact_id}: it is answered from now on."
            if approving
            else f"Rejected {fact_id}."
        )
    publish_home(deps["client"], user, core, deps["store"], deps["settings"], note=note)


def tell_waiting(client: WebClient, store: Store, core: Core, fact_id: str) -> None:
    """Everyone who asked a curator for this fact gets it in a DM, once."""
    fact = core.sheet.fact(fact_id)
    if fact is None or fact.status != "curated":
        return
    for user, question in store.take_waiting(fact_id):
        intro = blocks.section(
            f"The curators added an answer to your question _{blocks.escape(question)}_:"
        )
        client.chat_postMessage(
            channel=user,
            text=f"The curators added an answer: {blocks.answer_text(fact, core.article(fact))}",
            blocks=blocks.to_payload(
                [
                    intro,
                    *blocks.render_answer(fact, core.article(fact), question=question, asker=user),
                ]
            ),
            unfurl_links=False,
            unfurl_media=False,
        )


def handle_edit_button(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    core: Core,
    settings: Settings,
    replies: Replies,
) -> None:
    """Open the form to edit a draft's questions, answer and quote before approving it."""
    ack()
    user = body["user"]["id"]
    fact = next((f for f in drafts_to_review(core.sheet) if f.id == action.get("value")), None)
    if fact is None or not is_curator(user, settings):
        return
    opening = functools.partial(
        client.views_open, trigger_id=body["trigger_id"], view=edit_view(fact)
    )
    replies.run("review form", opening)


def edit_view(fact: Fact) -> View:
    def field(block_id: str, label: str, value: str, hint: str) -> InputBlock:
        return InputBlock(
            block_id=block_id,
            label=PlainTextObject(text=label),
            element=PlainTextInputElement(
                action_id="value",
                initial_value=blocks.cut(value, MAX_INPUT),
                multiline=True,
                max_length=MAX_INPUT,
            ),
            hint=PlainTextObject(text=hint),
        )

    return View(
        type="modal",
        callback_id=EDIT_CALLBACK,
        private_metadata=fact.id,
        title=PlainTextObject(text="Review a draft"),
        submit=PlainTextObject(text="Approve"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            field("questions", "Questions", "\n".join(fact.questions), "one per line; at least 3"),
            field("answer", "Answer", fact.answer, "one or two self-contained sentences"),
            field("quote", "Quote", fact.quote, "word for word from the article"),
        ],
    )


def handle_edit_submission(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    core: Core,
    store: Store,
    settings: Settings,
    replies: Replies,
) -> None:
    """Approve the draft as edited, or show in the form what `factbot check` objects to."""
    user = body["user"]["id"]
    if not is_curator(user, settings):
        ack(response_action="errors", errors={"questions": "Only curators can approve drafts."})
        return
    values = view["state"]["values"]

    def text(block: str) -> str:
        return str(((values.get(block) or {}).get("value") or {}).get("value") or "").strip()

    edits = {
        "questions": [q.strip() for q in text("questions").splitlines() if q.strip()],
        "answer": " ".join(text("answer").split()),
        "quote": text("quote"),
    }
    fact_id = str(view.get("private_metadata") or "")
    errors = approve(core.sheet_path, core.sheet.articles, fact_id, edits)
    if errors:
        shown = {k if k in edits else "questions": v for k, v in errors.items()}
        ack(response_action="errors", errors=shown)
        return
    ack()
    log.info("%s approved draft %s, edited", user, fact_id)
    core.reload()
    replies.run("tell askers", tell_waiting, client, store, core, fact_id)
    note = f"Approved {fact_id}: it is answered from now on."
    replies.run("home", publish_home, client, user, core, store, settings, None, note)
