"""Curation from the digest: "Draft a fact" on an unanswered question opens a form; submitting
it appends a draft to the drafts file (FACTBOT_DRAFTS). The curated sheet is never edited.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.config import Settings
from bot.core import Core
from bot.drafts import Draft, add_draft, suggest_id
from bot.errors import StoreUnavailable
from bot.slack.blocks import cut, escape, format_date, mrkdwn
from bot.slack.digest_job import DRAFT_ACTION_PREFIX
from bot.slack.replies import Replies
from bot.store import Store

log = logging.getLogger(__name__)

CALLBACK_ID = "factbot_draft_fact"
MAX_OPTIONS = 100
MAX_INPUT = 3000


def register(app: App) -> None:
    app.action(re.compile(rf"^{DRAFT_ACTION_PREFIX}\d+$"))(handle_draft_button)
    app.view(CALLBACK_ID)(handle_draft_submission)


def _text_input(
    block_id: str, label: str, initial: str = "", *, multiline: bool = False, hint: str = ""
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=PlainTextObject(text=label),
        element=PlainTextInputElement(
            action_id="value",
            initial_value=cut(initial, MAX_INPUT) or None,
            multiline=multiline,
            max_length=MAX_INPUT,
        ),
        hint=PlainTextObject(text=hint) if hint else None,
    )


def draft_view(question: str, core: Core) -> View:
    """The Draft-a-fact form, prefilled with the unanswered question."""
    articles = sorted(core.sheet.articles.values(), key=lambda a: (a.date, a.id), reverse=True)
    options = [
        Option(value=a.id, text=PlainTextObject(text=cut(f"{a.title} ({format_date(a.date)})", 75)))
        for a in articles[:MAX_OPTIONS]
    ]
    taken = {f.id for f in core.sheet.facts}
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=PlainTextObject(text="Draft a fact"),
        submit=PlainTextObject(text="Save draft"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(
                text=mrkdwn(
                    f"Someone asked: _{escape(question)}_\nThe draft goes to the"
                    " drafts file for review; the fact sheet is not changed."
                )
            ),
            _text_input("id", "Fact id", suggest_id(question, taken), hint="a-z, 0-9 and -"),
            _text_input(
                "questions", "Questions", question, multiline=True, hint="one phrasing per line"
            ),
            _text_input(
                "answer", "Answer", multiline=True, hint="one or two self-contained sentences"
            ),
            _text_input(
                "quote", "Quote", multiline=True, hint="copied word for word from the article"
            ),
            InputBlock(
                block_id="article",
                label=PlainTextObject(text="Article"),
                element=StaticSelectElement(action_id="value", options=options),
            ),
        ],
    )


def handle_draft_button(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    core: Core,
    replies: Replies,
) -> None:
    """Open the Draft-a-fact form for the digest item's question (from the reply pool: the
    click is acknowledged first)."""
    ack()
    try:
        value = json.loads(action.get("value") or "{}")
        question, asker = str(value.get("q", "")), str(value.get("u", ""))
    except (ValueError, AttributeError):
        question, asker = "", ""
    view = draft_view(question, core)
    view.private_metadata = json.dumps({"q": question, "u": asker}) if asker else None
    opening = functools.partial(client.views_open, trigger_id=body["trigger_id"], view=view)
    replies.run("draft form", opening)


def read_draft(view: dict[str, Any]) -> Draft:
    """The form's values as a Draft (plain values, stripped)."""
    values = view["state"]["values"]

    def text(block: str) -> str:
        item = values.get(block, {}).get("value", {})
        if item.get("type") == "static_select":
            return str((item.get("selected_option") or {}).get("value") or "")
        return str(item.get("value") or "").strip()

    questions = tuple(q.strip() for q in text("questions").splitlines() if q.strip())
    return Draft(
        id=text("id"),
        questions=questions,
        answer=" ".join(text("answer").split()),
        quote=text("quote"),
        article=text("article"),
    )


def handle_draft_submission(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    core: Core,
    settings: Settings,
    store: Store | None = None,
) -> None:
    """Check the draft as `factbot check` would; show problems in the form or save it."""
    draft = read_draft(view)
    errors = add_draft(draft, settings.drafts_path, core.sheet)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    user = (body.get("user") or {}).get("id", "?")
    log.info("draft fact %s saved to %s by %s", draft.id, settings.drafts_path, user)
    try:
        waiting = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        waiting = {}
    if store is not None and isinstance(waiting, dict) and waiting.get("u"):
        # Someone asked a curator for this: they are told when the fact is approved.
        with contextlib.suppress(StoreUnavailable):
            store.wait_for_fact(draft.id, str(waiting["u"]), str(waiting.get("q", "")))
    ack(
        response_action="update",
        view=View(
            type="modal",
            title=PlainTextObject(text="Draft saved"),
            close=PlainTextObject(text="Done"),
            blocks=[
                SectionBlock(
                    text=mrkdwn(
                        f"Saved *{escape(draft.id)}* as a draft in"
                        f" `{escape(settings.drafts_path.name)}`."
                        " A curator reviews it before it is served."
                    )
                )
            ],
        ),
    )
