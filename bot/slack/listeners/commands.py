"""`/ask`: answers, help, list and search, replied privately in the command's own response."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from bot.config import Settings
from bot.core import Core
from bot.factsheet import Fact
from bot.matcher import words
from bot.slack import blocks
from bot.slack.payloads import Asked
from bot.slack.recorder import QuestionLog

log = logging.getLogger(__name__)


def register(app: App, command: str = "/ask") -> None:
    """Listen for the slash command; its name is configurable (FACTBOT_COMMAND)."""
    app.command(command)(handle_ask)


def handle_ask(
    ack: Ack,
    command: dict[str, Any],
    asked: Asked,
    core: Core,
    recorder: QuestionLog,
    settings: Settings,
) -> None:
    """Reply to `/ask ...` ephemerally, inside the 3-second acknowledgement itself."""
    text = asked.text
    verb, _, rest = text.partition(" ")
    name = command["command"]
    if verb.lower() in ("", "help"):
        reply = blocks.render_help(blocks.pick_examples(core.sheet.curated), name)
        ack(response_type="ephemeral", text="How to ask FactBot", blocks=blocks.to_payload(reply))
        return
    if verb.lower() == "list" and not rest.strip():
        reply = blocks.render_list(core.sheet.articles, core.sheet.curated)
        ack(response_type="ephemeral", text="What FactBot knows", blocks=blocks.to_payload(reply))
        return
    if verb.lower() == "search":
        found = search_facts(core, rest)
        reply = blocks.render_search(rest, found, core.sheet.articles, name)
        ack(
            response_type="ephemeral",
            text=f"{len(found)} facts found",
            blocks=blocks.to_payload(reply),
        )
        return
    result = core.answer(text)
    reply = blocks.render_result(
        result,
        core.sheet.articles,
        asker=asked.user,
        share=True,
        command=name,
        curators=bool(settings.curator_channel),
    )
    ack(
        response_type="ephemeral",
        text=blocks.result_text(result, core.sheet.articles),
        blocks=blocks.to_payload(reply),
    )
    recorder.record_question(
        surface=asked.surface, channel=asked.channel, user=asked.user, question=text, result=result
    )


def search_facts(core: Core, query: str) -> list[Fact]:
    """Facts containing every word (prefixes count), else what the matcher finds nearby."""
    wanted = words(query)
    if not wanted:
        return []
    hits = []
    for fact in core.sheet.curated:
        have = set(words(" ".join((*fact.questions, fact.answer, " ".join(fact.tags)))))
        if all(any(h.startswith(w) for h in have) for w in wanted):
            hits.append(fact)
    if hits:
        return hits
    return [c.fact for c in blocks.candidates_facts(core.answer(query))]
