"""Block Kit builders: pure functions from core values to `slack_sdk.models.blocks` objects.

Everything here stays inside Slack's limits so that Slack never rejects a reply: 3000
characters a section, 50 blocks a message, 75 a button label, 2000 a button value, and
action ids unique within a message. User text is escaped; nothing here sets `link_names`.

User text (questions) is kept as Slack delivers it, with &, <, > already escaped, from the
payload through the matcher and the store to here; `escape` undoes Slack's escaping and escapes
again, so it is right for that text and never double-escapes. Fact sheet text is escaped once.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextActionsBlock,
    ContextBlock,
    DividerBlock,
    FeedbackButtonObject,
    FeedbackButtonsElement,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.articles import Article
from bot.factsheet import Fact
from bot.matcher import Ambiguous, Answer, Candidate, NoMatch, Result, truncation_note

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_CONTEXT = 3000
MAX_BUTTON_LABEL = 75
MAX_HEADER = 150
MAX_VALUE = 2000
MAX_CHOICES = 5
MAX_SEARCH_RESULTS = 10

# action ids; ask_pick_<n> and home_example_<n> are numbered so each stays unique in a message
SHARE = "ask_share"
HELPFUL = "ask_helpful"
NOT_HELPFUL = "ask_not_helpful"
PICK_PREFIX = "ask_pick_"
EXAMPLE_PREFIX = "home_example_"

ELLIPSIS = "…"


# -- text -------------------------------------------------------------------------------------
def escape(text: str) -> str:
    """Make plain text safe for mrkdwn: no mention, link or broadcast can come out of it.

    Text from Slack reaches here plain (bot/slack/payloads.py undoes Slack's markup at the edge).
    """
    text = _INVISIBLE.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Control, bidi-override and zero-width characters: one person's text must not reorder or hide
# what others read ("\u202e" flips a line; "\u200b" hides a word break).
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def cut(text: str, limit: int) -> str:
    """Text no longer than `limit`, cut at a word boundary with an ellipsis when too long."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    # never leave half an escape entity ("&am") at the end
    amp = head.rfind("&")
    if amp != -1 and ";" not in head[amp:]:
        head = head[:amp]
    return head.rstrip() + ELLIPSIS


def format_date(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def source_line(article: Article) -> str:
    """mrkdwn: the article's title and outlet (linked where the URL is known) and its date."""
    source = escape(article.source)
    if article.url:
        source = f"<{article.url}|{source}>"
    return f"Source: {source} · {format_date(article.date)}"


def mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def section(text: str, accessory: ButtonElement | None = None) -> SectionBlock:
    return SectionBlock(text=mrkdwn(cut(text, MAX_SECTION)), accessory=accessory)


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[mrkdwn(cut(text, MAX_CONTEXT))])


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=cut(text, MAX_HEADER), emoji=True))


def button(label: str, action_id: str, value: str, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=cut(label, MAX_BUTTON_LABEL), emoji=True),
        action_id=action_id,
        value=value,
        style=style,
    )


def capped(blocks: list[Block], limit: int = MAX_BLOCKS) -> list[Block]:
    """At most `limit` blocks; when cut, the last one says so."""
    if len(blocks) <= limit:
        return blocks
    return [*blocks[: limit - 1], context(f"{ELLIPSIS} and more: ask a narrower question.")]


# -- button values ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ButtonValue:
    """What a button carries: ephemeral block_actions bring no message to read it back from."""

    fact_id: str
    asker: str
    question: str

    def encode(self) -> str:
        """Compact JSON under Slack's 2000-character limit; the question is cut to fit."""
        question = self.question
        while True:
            value = json.dumps(
                {"f": self.fact_id, "u": self.asker, "q": question},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            if len(value) <= MAX_VALUE:
                return value
            question = question[: max(0, len(question) - (len(value) - MAX_VALUE) - 1)]

    @classmethod
    def decode(cls, value: str) -> ButtonValue:
        data = json.loads(value)
        return cls(str(data["f"]), str(data.get("u", "")), str(data.get("q", "")))


# -- answers ----------------------------------------------------------------------------------
def asked_line(question: str, asker: str | None) -> str:
    """Who asked what, as a context line; the question escaped so it cannot ping anyone."""
    q = f"_{escape(question)}_" if question.strip() else ""
    who = f"<@{asker}> asked" if asker else "You asked"
    return f"{who}: {q}" if q else who


def answer_buttons(value: ButtonValue, *, share: bool, feedback: bool) -> ActionsBlock:
    encoded = value.encode()
    elements = []
    if share:
        elements.append(button("Share to channel", SHARE, encoded, style="primary"))
    if feedback:
        elements.append(button("Helpful", HELPFUL, encoded))
        elements.append(button("Not helpful", NOT_HELPFUL, encoded))
    return ActionsBlock(block_id="answer_actions", elements=elements)


def render_answer(
    fact: Fact,
    article: Article,
    *,
    question: str,
    asker: str,
    shared_by: str | None = None,
    share: bool = False,
    feedback: bool = True,
    note: str | None = None,
    slack_feedback: bool = False,
) -> list[Block]:
    """One fact as an answer: what was asked, the answer, its source and date, buttons.
    With `slack_feedback` (DM answers, in Slack's agent view) the vote is Slack's own
    feedback buttons instead of ours."""
    blocks: list[Block] = []
    if question.strip():
        blocks.append(context(asked_line(question, shared_by)))
    blocks.append(section(escape(fact.answer)))
    blocks.append(context(source_line(article)))
    if note:
        blocks.append(context(note))
    value = ButtonValue(fact.id, asker, question)
    if feedback and slack_feedback:
        blocks.append(slack_feedback_block(value))
        feedback = False
    if feedback or share:
        blocks.append(answer_buttons(value, share=share, feedback=feedback))
    return capped(blocks)


SLACK_FEEDBACK = "answer_feedback"
# Slack's feedback buttons carry one value each: the vote, then our button value.
UP, DOWN = "up:", "down:"


def slack_feedback_block(value: ButtonValue) -> ContextActionsBlock:
    encoded = value.encode()
    return ContextActionsBlock(
        block_id="answer_feedback",
        elements=[
            FeedbackButtonsElement(
                action_id=SLACK_FEEDBACK,
                positive_button=FeedbackButtonObject(text="Helpful", value=UP + encoded),
                negative_button=FeedbackButtonObject(text="Not helpful", value=DOWN + encoded),
            )
        ],
    )


def answer_text(fact: Fact, article: Article) -> str:
    """The plain fallback for notifications and screen readers (also escaped)."""
    return cut(f"{escape(fact.answer)} ({source_line(article)})", MAX_SECTION)


def render_choices(
    result: Ambiguous, articles: Mapping[str, Article], *, asker: str
) -> list[Block]:
    """Did-you-mean: each close fact with a button that shows it in place of this message."""
    blocks: list[Block] = [
        section(f"I'm not sure which you mean by _{escape(result.question)}_. Did you mean:")
    ]
    for i, candidate in enumerate(result.candidates[:MAX_CHOICES]):
        fact = candidate.fact
        article = articles.get(fact.article)
        label = escape(fact.questions[0] if fact.questions else fact.id)
        where = f"\n{format_date(article.date)} · {escape(article.title)}" if article else ""
        value = ButtonValue(fact.id, asker, result.question).encode()
        blocks.append(
            section(
                f"*{cut(label, 300)}*{where}",
                accessory=button("Show this", f"{PICK_PREFIX}{i}", value),
            )
        )
    return capped(blocks)


def topics(articles: Mapping[str, Article]) -> list[str]:
    """Article titles with dates, newest first, as mrkdwn lines."""
    ordered = sorted(articles.values(), key=lambda a: (a.date, a.id), reverse=True)
    return [f"• {escape(a.title)} ({format_date(a.date)})" for a in ordered]


ASK_CURATOR = "ask_curator"


def ask_curator_block(question: str, asker: str, fact_id: str = "") -> ActionsBlock:
    """A curator on call: clicking it (the asker's consent) sends the question, and what the
    bot answered (`fact_id`, if anything), to the curators."""
    value = ButtonValue(fact_id, asker, question).encode()
    return ActionsBlock(
        block_id="ask_curator", elements=[button("Ask a curator", ASK_CURATOR, value)]
    )


def render_no_match(
    result: NoMatch,
    articles: Mapping[str, Article],
    command: str = "/ask",
    *,
    asker: str | None = None,
    curators: bool = False,
) -> list[Block]:
    """No good answer: say so plainly, offer what is nearby, never guess."""
    blocks: list[Block] = [
        section(
            f"I don't know that yet: _{escape(result.question)}_\n"
            "I've noted the question for the people who curate my facts."
        )
    ]
    if result.closest:
        lines = "\n".join(
            f"• {escape(c.fact.questions[0])}"
            for c in result.closest[:MAX_CHOICES]
            if c.fact.questions
        )
        blocks.append(section(f"*Closest topics I know:*\n{lines}"))
    else:
        blocks.append(section("*Topics I know about:*\n" + "\n".join(topics(articles))))
    blocks.append(
        context(f"`{command} list` shows everything I know · `{command} help` how to ask")
    )
    if curators and asker:
        blocks.append(ask_curator_block(result.question, asker))
    return capped(blocks)


def render_result(
    result: Result,
    articles: Mapping[str, Article],
    *,
    asker: str,
    share: bool = False,
    command: str = "/ask",
    public: bool = False,
    curators: bool = False,
    slack_feedback: bool = False,
) -> list[Block]:
    """Any outcome of the matcher as reply blocks; `public` replies name who asked; with
    `curators` (a curators' channel is set) a decline offers "Ask a curator"."""
    note = truncation_note(result)
    if isinstance(result, Answer):
        return render_answer(
            result.fact,
            articles[result.fact.article],
            question=result.question,
            asker=asker,
            shared_by=asker if public else None,
            share=share,
            note=note,
            slack_feedback=slack_feedback,
        )
    if isinstance(result, Ambiguous):
        blocks = render_choices(result, articles, asker=asker)
    else:
        blocks = render_no_match(result, articles, command, asker=asker, curators=curators)
    return capped([*blocks, context(note)]) if note else blocks


def result_text(result: Result, articles: Mapping[str, Article]) -> str:
    """Notification fallback text for a result."""
    if isinstance(result, Answer):
        return answer_text(result.fact, articles[result.fact.article])
    if isinstance(result, Ambiguous):
        return "Did you mean one of these?"
    return "I don't know that yet."


# -- browsing ---------------------------------------------------------------------------------
def render_help(examples: Sequence[Fact], command: str = "/ask") -> list[Block]:
    """How to ask, with example questions from the sheet."""
    lines = "\n".join(f"• `{command} {escape(f.questions[0])}`" for f in examples if f.questions)
    return capped(
        [
            section(
                "*Ask me about the facts I know, and I'll answer with the source and date.*\n"
                f"• `{command} &lt;question&gt;`: a private answer you can share to the channel\n"
                "• mention me in a channel: I answer in the thread\n"
                "• send me a direct message"
            ),
            section(f"*For example:*\n{lines}" if lines else "*No facts loaded yet.*"),
            context(
                f"`{command} list`: the articles I know"
                f" · `{command} search &lt;words&gt;`: find facts"
            ),
        ]
    )


def fact_counts(facts: Iterable[Fact]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for fact in facts:
        counts[fact.article] = counts.get(fact.article, 0) + 1
    return counts


def article_lines(articles: Mapping[str, Article], facts: Sequence[Fact]) -> list[str]:
    """One mrkdwn line per article: title (linked), outlet, date and how many facts it backs."""
    counts = fact_counts(facts)
    ordered = sorted(articles.values(), key=lambda a: (a.date, a.id), reverse=True)
    lines = []
    for a in ordered:
        title = escape(a.title)
        if a.url:
            title = f"<{a.url}|{title}>"
        outlet = f", {escape(a.outlet)}" if a.outlet else ""
        n = counts.get(a.id, 0)
        lines.append(
            f"• *{title}*{outlet} · {format_date(a.date)} · {n} fact{'s' if n != 1 else ''}"
        )
    return lines


def chunked_sections(lines: Sequence[str]) -> list[Block]:
    """Lines packed into as few sections as fit under the per-section limit."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        line = cut(line, MAX_SECTION)
        if current and len(current) + 1 + len(line) > MAX_SECTION:
            blocks.append(section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(section(current))
    return blocks


def render_list(articles: Mapping[str, Article], facts: Sequence[Fact]) -> list[Block]:
    """The articles the bot knows, with dates and fact counts."""
    n = len(facts)
    return capped(
        [
            section(f"*I know {n} fact{'s' if n != 1 else ''} from {len(articles)} articles:*"),
            *chunked_sections(article_lines(articles, facts)),
        ]
    )


def render_search(
    query: str, facts: Sequence[Fact], articles: Mapping[str, Article], command: str = "/ask"
) -> list[Block]:
    """Facts matching some words: each fact's usual question, its answer, source and date."""
    if not facts:
        return [
            section(f"No facts match _{escape(query)}_."),
            context(f"`{command} list` shows the articles I know."),
        ]
    blocks: list[Block] = [section(f"*Facts matching* _{escape(query)}_:")]
    for fact in facts[:MAX_SEARCH_RESULTS]:
        q = escape(fact.questions[0]) if fact.questions else fact.id
        blocks.append(section(f"*{cut(q, 300)}*\n{escape(fact.answer)}"))
        blocks.append(context(source_line(articles[fact.article])))
    if len(facts) > MAX_SEARCH_RESULTS:
        blocks.append(context(f"{len(facts) - MAX_SEARCH_RESULTS} more: add words to narrow it."))
    return capped(blocks)


# -- App Home ---------------------------------------------------------------------------------
def render_home(
    *,
    articles: Mapping[str, Article],
    facts: Sequence[Fact],
    examples: Sequence[Fact],
    top_questions: Sequence[tuple[str, int]],
    loaded_at: dt.datetime,
    command: str = "/ask",
    shown: list[Block] | None = None,
    review: list[Block] | None = None,
) -> list[Block]:
    """The Home tab: an answer being shown (if any), drafts to review (curators only), how to
    ask, what it knows, what is asked."""
    blocks: list[Block] = []
    if shown:
        blocks += [*shown, DividerBlock()]
    if review:
        blocks += [*review, DividerBlock()]
    blocks += [
        header("FactBot"),
        section(
            "I answer questions from a curated fact sheet, always with the source and date.\n"
            f"• `{command} &lt;question&gt;` in any channel: a private answer you can share\n"
            "• mention me in a channel: I answer in the thread\n"
            "• send me a direct message from the Messages tab"
        ),
    ]
    examples = [f for f in examples if f.questions][:MAX_CHOICES]
    if examples:
        blocks.append(section("*Try one:*"))
        blocks.append(
            ActionsBlock(
                block_id="home_examples",
                elements=[
                    button(
                        f.questions[0],
                        f"{EXAMPLE_PREFIX}{i}",
                        ButtonValue(f.id, "", f.questions[0]).encode(),
                    )
                    for i, f in enumerate(examples)
                ],
            )
        )
    blocks += [DividerBlock(), header("What I know")]
    blocks += chunked_sections(article_lines(articles, facts))
    blocks += [DividerBlock(), header("Most asked this week")]
    if top_questions:
        lines = [f"• {escape(q)} ({n} people)" for q, n in top_questions]
        blocks += chunked_sections(lines)
    else:
        blocks.append(context("Nothing has been asked by several people this week yet."))
    stamp = int(loaded_at.timestamp())
    fallback = loaded_at.strftime("%Y-%m-%d %H:%M UTC")
    blocks.append(
        context(
            f"Fact sheet last loaded <!date^{stamp}^{{date_short_pretty}} at {{time}}|{fallback}>"
        )
    )
    return capped(blocks, MAX_BLOCKS)


def render_source(result: Result, articles: Mapping[str, Article]) -> list[Block]:
    """What "Find the source" shows the person who asked: the curated fact closest to the
    message, with its verbatim quote, source and date, and never called a confirmation; or
    that no curated fact matches."""
    fact = getattr(result, "fact", None)
    if fact is None and result.outcome == "ambiguous" and result.candidates:
        fact = result.candidates[0].fact
    if fact is None:
        return [
            section(
                "*No curated fact matches this message.* That does not make it wrong: the fact"
                " sheet just has nothing on it."
            )
        ]
    article = articles[fact.article]
    out: list[Block] = [
        section(
            f"*The closest curated fact* (not a confirmation of the message):\n{escape(fact.answer)}"
        ),
        section(cut(f"> {escape(fact.quote)}", MAX_SECTION)),
        context(source_line(article)),
    ]
    if result.outcome == "ambiguous":
        others = [c.fact for c in result.candidates[1:3]]
        if others:
            out.append(
                context(
                    "Also close: "
                    + "; ".join(escape(f.questions[0]) for f in others if f.questions)
                )
            )
    return out


REVIEW_APPROVE = "review_approve"
REVIEW_EDIT = "review_edit"
REVIEW_REJECT = "review_reject"
MAX_REVIEWED = 8


def render_review(
    drafts: Sequence[Fact], articles: Mapping[str, Article], note: str | None = None
) -> list[Block]:
    """Drafts waiting for a curator: each with its question, answer and the quote in its
    article's words, and Approve / Edit / Reject."""
    blocks: list[Block] = [header(f"Drafts to review ({len(drafts)})")]
    if note:
        blocks.append(section(escape(note)))
    if not drafts:
        blocks.append(context("No drafts waiting. `factbot build` drafts facts from new articles."))
    for fact in drafts[:MAX_REVIEWED]:
        article = articles.get(fact.article)
        where = f"{escape(article.title)} ({format_date(article.date)})" if article else ""
        questions = "\n".join(f"• {escape(q)}" for q in fact.questions)
        blocks.append(
            section(
                cut(
                    f"*{escape(fact.id)}* · {where}\n{questions}\n*Answer:* {escape(fact.answer)}"
                    f"\n> {escape(fact.quote)}",
                    MAX_SECTION,
                )
            )
        )
        blocks.append(
            ActionsBlock(
                block_id=f"review_{len(blocks)}",
                elements=[
                    button("Approve", REVIEW_APPROVE, fact.id, "primary"),
                    button("Edit", REVIEW_EDIT, fact.id),
                    button("Reject", REVIEW_REJECT, fact.id, "danger"),
                ],
            )
        )
    if len(drafts) > MAX_REVIEWED:
        blocks.append(context(f"…and {len(drafts) - MAX_REVIEWED} more after these."))
    return blocks


def pick_examples(facts: Sequence[Fact], n: int = 3) -> list[Fact]:
    """n example facts spread over the sheet's articles, stable between calls."""
    by_article: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.questions:
            by_article.setdefault(fact.article, []).append(fact)
    picked: list[Fact] = []
    groups = [by_article[k] for k in sorted(by_article)]
    depth = 0
    while len(picked) < n and any(depth < len(g) for g in groups):
        for group in groups:
            if depth < len(group) and len(picked) < n:
                picked.append(group[depth])
        depth += 1
    return picked


def candidates_facts(result: Result) -> list[Candidate]:
    """Every fact a result mentions, best first."""
    if isinstance(result, Answer):
        return [Candidate(result.fact, result.score), *result.alternatives]
    if isinstance(result, Ambiguous):
        return list(result.candidates)
    return list(result.closest)


def as_dicts(blocks: Iterable[Block]) -> list[dict]:
    """Blocks as the JSON Slack receives, through slack_sdk's validators (every limit checked)."""
    return [b.to_dict() for b in blocks]


def to_payload(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    """Blocks as the JSON Slack receives, the same dicts as `as_dicts` without re-running
    slack_sdk's validators: they took a fifth of every /ask (0.2 of ~1 ms) to re-check limits
    that the builders here already keep. Tests compare both paths on every builder."""
    return [_plain(b) for b in blocks]


def _plain(value: Any) -> Any:
    if isinstance(value, FeedbackButtonsElement | FeedbackButtonObject):
        # their `attributes` leave out the buttons' values: slack_sdk's own dict has them
        return value.to_dict()
    if isinstance(value, JsonObject):
        out = {}
        for key in sorted(value.attributes):
            item = getattr(value, key, None)
            if item is None or (hasattr(item, "__len__") and len(item) == 0):
                continue
            out[key] = _plain(item)
        return out
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
