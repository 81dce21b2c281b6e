"""A Workflow Builder step, "Ask FactBot": a question in; found, answer, source and date out,
so a workflow can branch on whether the sheet knows. Only a confident answer counts as found;
"did you mean" and "I don't know" come out as found = false with empty fields."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import App, Complete

from bot.core import Core
from bot.matcher import Answer
from bot.slack.replies import Replies

CALLBACK_ID = "ask_factbot"


def register(app: App) -> None:
    app.function(CALLBACK_ID)(handle_ask_factbot)


def handle_ask_factbot(
    inputs: dict[str, Any], complete: Complete, core: Core, replies: Replies
) -> None:
    """Answer the step's question; its outputs are sent from the reply pool."""
    result = core.answer(str(inputs.get("question") or ""))
    outputs: dict[str, Any] = {"found": False, "answer": "", "source": "", "date": ""}
    if isinstance(result, Answer):
        article = core.article(result.fact)
        outputs = {
            "found": True,
            "answer": result.fact.answer,
            "source": article.source,
            "date": article.date.isoformat(),
        }
    replies.run("workflow step", functools.partial(complete, outputs=outputs))
