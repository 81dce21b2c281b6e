"""A question in a thread, read in the light of the one before it.

"and in 2021?", "who announced it?", "how many visitors?" name no topic of their own: they are
matched as the previous question with what the follow-up changes (its year, edition, month or
number replacing the previous one's) and what it adds. A follow-up that names a topic of its
own, or words the sheet has never seen ("what's the wifi password?"), is matched alone: the
previous topic must not turn an unrelated question into a confident wrong answer.
"""

from __future__ import annotations

import re
from typing import Protocol

from bot.matching.decide import Answer, Result
from bot.matching.language import english
from bot.matching.query import Query
from bot.matching.text import words

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"\b(?!(?:19|20)\d\d\b)\d[\d,.]*\b")  # a number, not a year


class _Matcher(Protocol):
    def parse(self, question: str) -> Query: ...
    def match(self, question: str) -> Result: ...
    def knows_word(self, word: str) -> bool: ...


def names_own_topic(query: Query, matcher: _Matcher) -> bool:
    """Whether a follow-up stands on its own: it names a topic of the sheet's world, or uses a
    word the sheet has never seen (it is about something else)."""
    if query.topics:
        return True
    generic = english().followup_words | english().stopwords | english().chatter
    content = [w for w in words(query.text) if w not in generic and not w.isdigit()]
    if any(not matcher.knows_word(w) for w in content):
        return True
    return len(content) >= 3  # several words of its own: a question in its own right


def in_context(previous: str, followup: str, query: Query) -> str:
    """The previous question with what the follow-up pins (a year, an edition, a month, a
    number) put in place of its own, followed by the follow-up."""
    base = previous
    pins = query.constraints
    if pins.years:
        base = _YEAR.sub(" ", base)
    if pins.numbers:
        base = _NUMBER.sub(" ", base)
    if pins.ordinals:
        ordinals = set(english().ordinals)
        base = " ".join(w for w in base.split() if w.lower().strip("?,.!") not in ordinals)
    if pins.months:
        months = english().calendar
        base = " ".join(w for w in base.split() if w.lower().strip("?,.!") not in months)
    return f"{' '.join(base.split()).rstrip('?')} {followup}"


def follow_up(matcher: _Matcher, previous: str | None, followup: str) -> tuple[Result, str]:
    """The result for a follow-up, and the question it was taken as (the next follow-up in the
    thread is read against that)."""
    alone = matcher.match(followup)
    if not previous:
        return alone, followup
    query = matcher.parse(followup)
    if names_own_topic(query, matcher):
        return alone, followup
    merged_text = in_context(previous, followup, query)
    merged = matcher.match(merged_text)
    if isinstance(merged, Answer):
        return merged, merged_text
    if isinstance(alone, Answer):
        return alone, followup
    return merged, merged_text
