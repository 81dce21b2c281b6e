"""A question in a thread, read in the light of the turn before it.

"and in 2021?", "who announced it?", "how many visitors?" name no topic of their own. Such a
follow-up is read like the asking clause of a long message whose context is the previous
question (Parser.follow_up): the follow-up's own words say what is asked, the previous
question's words say what about, and what the follow-up pins (a year, an edition, a month)
replaces the previous time frame. "What about the Denver office?" asks the previous question
of the topic it names. When no other fact answers and the fact already given covers every word
the follow-up adds ("what's his title?", "name a couple?"), that fact is the answer; "what
else?" never gets it again. "When was that published?", "source?" and "who took it?" ask about
the source of the answer just given. A follow-up that names a topic of its own, or something
the sheet's world has never seen ("what's the wifi password?"), is matched alone: the previous
topic must not turn an unrelated question into a confident wrong answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from bot.factsheet import Fact
from bot.matching.decide import Ambiguous, Answer, Candidate, Result
from bot.matching.language import english
from bot.matching.profile import Profile
from bot.matching.query import Query
from bot.matching.score import passes
from bot.matching.sources import asked_field, followup_field, source_id
from bot.matching.text import words
from bot.matching.world import World

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER = re.compile(r"\b(?!(?:19|20)\d\d\b)\d[\d,.]*\b")  # a number, not a year


@dataclass(frozen=True, slots=True)
class Turn:
    """The bot's last reply in a thread: the question as it took it, and the fact it gave
    (None when it offered a choice)."""

    question: str
    fact_id: str | None = None


class _Matcher(Protocol):
    world: World
    source_facts: dict[str, Fact]

    def parse(self, question: str) -> Query: ...
    def parse_follow_up(self, followup: str, previous: str, switch: bool = ...) -> Query: ...
    def match(self, question: str) -> Result: ...
    def rank_follow_up(self, query: Query) -> list[Candidate]: ...
    def decide(self, query: Query, ranked: list[Candidate]) -> Result: ...
    def profile(self, fact_id: str) -> Profile | None: ...
    def fold(self, word: str) -> str: ...


def _own_words(query: Query) -> list[str]:
    en = english()
    generic = en.followup_words | en.stopwords | en.chatter
    return [w for w in words(query.text) if w not in generic and not w.isdigit()]


def names_own_topic(query: Query, matcher: _Matcher) -> bool:
    """Whether a follow-up stands on its own: it names a topic of the sheet's world, names
    something the sheet's world has never seen ("the wifi password"), or says enough of its
    own without pointing back ("it", "he", "there")."""
    if query.topics or query.unknown:
        return True
    content = _own_words(query)
    points_back = not english().referring_words.isdisjoint(query.typed)
    return len(content) >= 3 and not points_back


def in_context(previous: str, followup: str, query: Query) -> str:
    """The two turns as one question, for the record and for the next follow-up: the
    previous question with what the follow-up pins put in place of its own time frame (an
    edition, a year or a month each replaces all three), then the follow-up."""
    base = previous
    pins = query.constraints
    if pins.years or pins.ordinals or pins.months:
        en = english()
        dated = set(en.ordinals) | set(en.calendar)
        base = " ".join(
            w for w in _YEAR.sub(" ", base).split() if w.lower().strip("?,.!") not in dated
        )
    if pins.numbers:
        base = _NUMBER.sub(" ", base)
    return f"{' '.join(base.split()).rstrip('? ')} {followup}"


def with_shifted_era(followup: Query, previous: Query) -> str:
    """ "How big was it the year befor?" after a question about 2023, "and the one before?"
    after one about the third session: the follow-up with the year (2022) or edition (the 2nd)
    it means written out, so it pins that (typos mended)."""
    said = " ".join(followup.raw)
    pins, before = followup.constraints, previous.constraints
    if pins.years or pins.ordinals:
        return followup.text
    en = english()
    if len(before.years) == 1:
        for phrase, shift in en.year_shifts.items():
            if re.search(rf"\b{phrase}\b", said):
                return f"{followup.text} ({int(next(iter(before.years))) + shift})"
    ordinal = next(iter(before.ordinals)) if len(before.ordinals) == 1 else ""
    if ordinal[1:].isdigit():  # "#3"; not "#last"
        for phrase, shift in en.edition_shifts.items():
            if re.search(rf"\b{phrase}\b", said) and int(ordinal[1:]) + shift > 0:
                return f"{followup.text} (the {_nth(int(ordinal[1:]) + shift)})"
    return followup.text


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _about_the_last_answer(query: Query) -> bool:
    """ "Which outlet ran that?", "source?": a question about a source that names none."""
    en = english()
    said = set(_own_words(query)) - en.source_words - en.source_parts
    return not said or not en.referring_words.isdisjoint(query.typed)


def _last_article(matcher: _Matcher, previous: Turn) -> str | None:
    """The article the bot's last reply came from: its answer's, or, after a "did you mean",
    the one article every fact it offered comes from (None when they differ)."""
    if previous.fact_id:
        given = matcher.profile(previous.fact_id)
        fact = given.fact if given else matcher.source_facts.get(previous.fact_id)
        return fact.article if fact else None
    offered = matcher.match(previous.question)
    if not isinstance(offered, Ambiguous):
        return None
    articles = {c.fact.article for c in offered.candidates}
    return articles.pop() if len(articles) == 1 else None


def _source_of(matcher: _Matcher, article: str | None, field: str) -> Fact | None:
    """ "Which outlet ran that?": the source of the article the last reply came from."""
    return matcher.source_facts.get(source_id(article, field)) if article else None


def on_topic(matcher: _Matcher, result: Result, topics: frozenset[str]) -> Result:
    """ "Did it have a theme?" after the summit's venue: of the close candidates (the whole
    conference's theme, the summit's), the one fact that names every topic the thread is about."""
    if not isinstance(result, Ambiguous) or not topics:
        return result
    named = [
        c
        for c in result.candidates
        if (profile := matcher.profile(c.fact.id)) is not None and topics <= profile.vocab
    ]
    if len(named) != 1:
        return result
    best = named[0]
    others = tuple(c for c in result.candidates if c is not best)
    return Answer(result.question, best.fact, best.score, others)


def _given_again(matcher: _Matcher, query: Query, asked: Query, fact_id: str) -> Fact | None:
    """The fact already given, if it answers the follow-up too: it passes every gate of the
    follow-up in context and has every word the follow-up adds."""
    given = matcher.profile(fact_id)
    if given is None or not passes(given, query, matcher.world):
        return None
    covered = all(matcher.fold(w) in given.vocab for w in _own_words(asked))
    return given.fact if covered else None


def follow_up(matcher: _Matcher, previous: Turn | None, followup: str) -> tuple[Result, str]:
    """The result for a follow-up, and the question it was taken as (the next follow-up in the
    thread is read against that)."""
    if previous is None:
        return matcher.match(followup), followup
    asked = matcher.parse(followup)
    shifted = with_shifted_era(asked, matcher.parse(previous.question))
    if shifted != followup:
        followup, asked = shifted, matcher.parse(shifted)
    taken_as = in_context(previous.question, followup, asked)
    field = asked_field(followup) or followup_field(followup)
    if not field and previous.fact_id in matcher.source_facts and asked.kinds & {"date", "time"}:
        field = "date"  # "which outlet ran it?", then "what date was it?": the article's date
    if field and _about_the_last_answer(asked):
        source = _source_of(matcher, _last_article(matcher, previous), field)
        if source is not None:
            return Answer(taken_as, source, 1.0), taken_as
    # "What about the Denver office?": the previous question, asked of the topic it names.
    switch = bool(asked.topics) and bool(english().topic_switch.search(" ".join(asked.typed)))
    if names_own_topic(asked, matcher) and not switch:
        return matcher.match(followup), followup
    query = matcher.parse_follow_up(followup, previous.question, switch=switch)
    ranked = matcher.rank_follow_up(query)
    given = previous.fact_id
    if given and not english().other_words.isdisjoint(asked.typed):
        # "What else is there?": anything but the answer already given.
        ranked = [c for c in ranked if c.fact.id != given]
        given = None
    result = on_topic(matcher, matcher.decide(query, ranked), query.topics)
    if not isinstance(result, Answer) and given:
        again = _given_again(matcher, query, asked, given)
        result = Answer(taken_as, again, result.score) if again else result
    return replace(result, question=taken_as), taken_as
