"""Parse stage: a question read once into a value every later stage uses (no stage re-reads
the raw text). Long Slack messages are split into clauses, and the ones that ask are found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.matching.constraints import (
    Constraints,
    constraint_kind,
    constraint_text,
    constraints_of,
    with_choices,
)
from bot.matching.gazetteer import capitals, places_in
from bot.matching.kinds import Focus, focus_of, question_kinds, without_classifier
from bot.matching.language import english
from bot.matching.retrieve import Index
from bot.matching.text import (
    MAX_CHARS,
    Glossary,
    clean,
    frequency,
    is_common_word,
    normalise,
    typo_of_english,
    words,
)
from bot.matching.world import NAME_FREQUENCY, World

# A capitalised word after another word: a name the asker typed ("the office in Austin").
_CAPITALISED = re.compile(r"(?<=[A-Za-z0-9,;:] )([A-Z][a-z]+)\b")
# "5th": a day when a month is named beside it.
_ORDINAL_DAY = re.compile(r"^([0-3]?\d)(?:st|nd|rd|th)$")
# A message this long (in words) or of several sentences is read clause by clause.
LONG_WORDS = 25
# At most this many asking clauses of one message are scored (bounded cost).
MAX_ASKS = 4


@dataclass(frozen=True, slots=True)
class Query:
    """One question, parsed."""

    text: str  # as typed, cleaned and cut to MAX_CHARS
    truncated: bool
    typed: tuple[str, ...]  # lower-case words
    raw: tuple[str, ...]  # typed words with typos mended
    tokens: tuple[str, ...]  # folded content tokens, unique, in order
    constraints: Constraints
    kinds: frozenset[str]
    focus: Focus | None
    topics: frozenset[str]  # named things (glossary topics) it names
    unknown: frozenset[str]  # names it gives that the sheet's world has never seen
    phase: str = ""  # "when did it close": the phase asked about
    speaker: str = ""  # "what did X say": who is quoted
    year_end: str = ""  # "by the end of 2021"
    what: str = ""  # "what GDP target did ...": the thing asked for
    context: tuple[str, ...] = ()  # folded tokens of the rest of a long message
    clauses: tuple[Query, ...] = field(default=())  # a long message's asking parts, in context


def split_clauses(text: str) -> list[str]:
    """A message's sentences and clauses, in order, each stripped."""
    return [c.strip() for c in english().clause_end.split(text) if c and c.strip()]


def is_long(query: Query) -> bool:
    """A long message: several sentences or clauses, or more than LONG_WORDS words."""
    return len(split_clauses(query.text)) > 1 or len(query.typed) > LONG_WORDS


def asks(clause: str) -> bool:
    return bool(english().asking.search(clause))


def adverbial_first(raw: list[str], editions: frozenset[str]) -> list[str]:
    """ "Was first put forward", "did it first take place": "first" before a verb says when,
    like "initially"; it does not name the first edition."""
    en = english()
    out = list(raw)
    for i, word in enumerate(raw[:-1]):
        following = raw[i + 1]
        if word == "first" and (
            following in en.verbs
            or following in en.first_verbs
            or (len(following) > 4 and following.endswith("ed"))
            # "Their first public showing": not "its first session".
            or (i > 0 and raw[i - 1] in en.owners and following not in editions)
        ):
            out[i] = "initially"
    return out


def days_of_month(raw: list[str]) -> list[str]:
    """ "November 5th", "the 5th of November": a day of the month, not the fifth edition."""
    months = english().months
    out = list(raw)
    for i, word in enumerate(raw):
        m = _ORDINAL_DAY.match(word)
        if not m:
            continue
        before = raw[i - 1] if i else ""
        after = raw[i + 2] if i + 2 < len(raw) and raw[i + 1] == "of" else ""
        if before in months or after in months:
            out[i] = m.group(1)
    return out


def relative_editions(raw: list[str]) -> list[str]:
    """ "The next fair", "the previous report" name another edition; "next year" (a time)
    and "who gets paged next" (an order) do not, and lose the word."""
    en = english()
    out = list(raw)
    for i, word in enumerate(raw):
        following = raw[i + 1] if i + 1 < len(raw) else ""
        if word in en.relative_editions and (
            not following or following in en.stopwords or following in en.time_units
        ):
            out[i] = "then"  # a stopword
    return out


def capitals_as_state(typed: list[str]) -> frozenset[str]:
    """The capitals a question names as the subject of a verb ("has Washington sent"), which
    stand for their states and rule out no article."""
    en = english()
    return frozenset(
        word
        for word, following in zip(typed, typed[1:], strict=False)
        if word in capitals() and following in en.state_verbs
    )


class Parser:
    """Reads questions against one sheet's index, glossary and world."""

    def __init__(self, index: Index, glossary: Glossary, world: World) -> None:
        self.index = index
        self.glossary = glossary
        self.world = world
        en = english()
        self.editions = en.edition_nouns | world.topics
        fold = glossary.folding.token
        # In a long message, chatter and the words for an answer's form ("the exact number",
        # "the name") say nothing about which fact is meant.
        self.chatter = frozenset(fold(w) for w in en.chatter | en.forms) - {""}

    def parse(self, question: str) -> Query:
        truncated = len(question) > MAX_CHARS
        text = clean(question[:MAX_CHARS])
        query = self._parse_one(text, truncated, long=False)
        if not is_long(query):
            return query
        pieces = split_clauses(text)
        # A long message: each clause that asks is read as the question, with the rest of the
        # message as context, which may support a fact but costs little when a fact lacks it.
        whole = self._parse_one(text, truncated, long=True)
        variants = []
        for i, clause in enumerate(pieces):
            if not asks(clause) or len(variants) >= MAX_ASKS:
                continue
            asked = self._parse_one(clause, False, long=True)
            rest_text = " ".join(p for j, p in enumerate(pieces) if j != i)
            rest = self._parse_one(rest_text, False, long=True, context=True)
            # Years, editions and months in the context still pin the question ("we hire in
            # 2027. What will the match be that year?"); its names may be only scenery.
            pinned = Constraints(
                asked.constraints.years | rest.constraints.years,
                asked.constraints.ordinals | rest.constraints.ordinals,
                asked.constraints.numbers,
                asked.constraints.names,
                asked.constraints.months | rest.constraints.months,
                asked.constraints.choices + rest.constraints.choices,
            )
            context = tuple(t for t in rest.tokens if t not in asked.tokens)
            variants.append(replace(asked, constraints=pinned, context=context))
        return replace(whole, clauses=tuple(variants))

    def follow_up(self, followup: str, previous: str, switch: bool = False) -> Query:
        """A follow-up in a thread, read as the asking clause of a message whose context is the
        previous question. The previous time frame (years, editions, months) carries over
        unless the follow-up pins one of its own; so do the names and topics, which a
        follow-up that leans on the previous question does not repeat ("whats his title").
        `switch`: "what about the Denver office?" asks the previous question of its own topic,
        so the previous topics and names are dropped from the context."""
        asked = self._parse_one(clean(followup[:MAX_CHARS]), len(followup) > MAX_CHARS, long=False)
        before = self._parse_one(clean(previous[:MAX_CHARS]), False, long=True, context=True)
        own, old = asked.constraints, before.constraints
        era = own if own.years or own.ordinals or own.months else old
        dropped = before.topics | old.names if switch else frozenset()
        pinned = Constraints(
            era.years,
            era.ordinals,
            own.numbers,
            own.names or (frozenset() if switch else old.names),
            era.months,
            own.choices,
        )
        return replace(
            asked,
            # The two turns together say what the thread is about (for the semantic signal).
            text=f"{before.text} {asked.text}",
            constraints=pinned,
            context=tuple(t for t in before.tokens if t not in asked.tokens and t not in dropped),
            topics=asked.topics or before.topics,
        )

    def _parse_one(self, text: str, truncated: bool, long: bool, context: bool = False) -> Query:
        en = english()
        typed = words(text)
        raw = relative_editions(
            adverbial_first(days_of_month([self.index.correct(w) for w in typed]), self.editions)
        )
        tokens = tuple(dict.fromkeys(normalise(" ".join(raw), self.glossary)))
        if long:
            # Chatter ("hey team, quick q for the deck") is never what a message asks about;
            # dropped after the glossary, so an alias that holds such a word survives.
            tokens = tuple(t for t in tokens if t not in self.chatter)
        state = capitals_as_state(typed)
        names = {w for w in raw if w in self.world.names and w not in state}
        unknown = set(self._unknown_names(text, typed, raw))
        for place in places_in(list(raw)):
            if place in state:
                continue
            if place in self.world.names:
                names.add(place)
            elif not all(w in self.index.known for w in place.split("_")):
                unknown.add(place)  # a place the sheet's world has never heard of
        pinned = constraint_text(" ".join(raw))
        pinned_tokens = tokens if pinned == " ".join(raw) else normalise(pinned, self.glossary)
        kinds = question_kinds(" ".join(typed))
        phase = ""
        if kinds & {"time", "date"} and raw and raw[-1] in en.phase_verbs:
            phase = self.glossary.folding.token(raw[-1])
        return Query(
            text=text,
            truncated=truncated,
            typed=tuple(typed),
            raw=tuple(raw),
            tokens=tokens,
            constraints=with_choices(
                constraints_of(pinned_tokens, names), self._choices(raw, context)
            ),
            kinds=kinds,
            focus=self._focus(raw),
            topics=frozenset(t for t in tokens if t in self.world.topics and t not in state),
            unknown=frozenset(unknown),
            phase=phase,
            speaker=self._speaker(raw),
            year_end=m.group(1)
            if (m := en.patterns["by_year_end"].search(" ".join(typed)))
            else "",
            what=self._what_head(raw),
        )

    def _choices(self, raw: list[str], context: bool) -> list[frozenset[str]]:
        """ "The third or the fourth", "2019 or 2020" (and, in a message's context, "the 13th
        and 14th"): a choice between pinned things, any one of which a fact may give."""
        joins = {"or", "and"} if context else {"or"}
        fold = self.glossary.folding.token
        words_ = [w for w in raw if w not in ("the", "a")]
        groups = []
        for left, join, right in zip(words_, words_[1:], words_[2:], strict=False):
            a, b = fold(left), fold(right)
            kind = constraint_kind(a)
            if join in joins and kind and kind == constraint_kind(b):
                groups.append(frozenset({a, b}))
        return groups

    def _unknown_names(self, text: str, typed: list[str], raw: list[str]) -> frozenset[str]:
        """Words that name something the sheet's world has never seen: not a word of the sheet
        or its articles, not a typo of one, and either rare in English or capitalised as a
        name ("the Harbin office", "boao forum"). A question about an unseen thing is not
        answered by a fact about a seen one."""
        en = english()
        capitalised = {m.casefold() for m in _CAPITALISED.findall(text)}
        found = set()
        for word, mended in zip(typed, raw, strict=True):
            if (
                word != mended
                or word in self.index.known
                or not word.isalpha()
                or len(word) < 3
                or word in en.stopwords
                or word in en.chatter
                or word in en.calendar
            ):
                continue
            rare = not is_common_word(word)
            named = word in capitalised and frequency(word) < NAME_FREQUENCY
            if (
                (rare or named)
                and not self.index.near_sheet_word(word)
                and not self.index.compound_of_known(word)
                and not (rare and typo_of_english(word))
            ):
                found.add(word)
        return frozenset(found)

    def _focus(self, raw: list[str]) -> Focus | None:
        """What a "how many" / "which" / "who is the" question asks about, if it says."""
        kind, phrase = focus_of(raw)
        tokens = normalise(" ".join(phrase), self.glossary)
        if not tokens:
            return None
        last = phrase[-1]
        plural = kind == "which" and last.endswith("s") and not last.endswith("ss")
        # A general phrase ("poorer countries") may also be met by its last word; a named
        # thing ("Fortune Global 500 companies") may not.
        head = tokens[-1]
        word = head if head in self.world.topics else self.glossary.folding.token(last) or head
        named = frozenset(t for t in tokens[:-1] if t in self.world.topics)
        return Focus(kind, head, word, plural, frozenset(raw), named)

    def _what_head(self, raw: list[str]) -> str:
        """The thing a "what X did ..." question asks for, folded, or "" where X names only
        the answer's form ("what phrase", "what date")."""
        en = english()
        m = en.patterns["what_focus"].search(" ".join(raw))
        if not m:
            return ""
        phrase = without_classifier(m.group(1).split())
        if any(w in en.stopwords or w in en.verbs for w in phrase):
            return ""
        tokens = normalise(" ".join(phrase), self.glossary)
        head = tokens[-1] if tokens else ""
        fold = self.glossary.folding.token
        classes = {fold(w) for w in en.class_words}
        forms = {fold(w) for w in en.forms}
        if head in classes or fold(phrase[-1]) in classes or head in forms:
            return ""
        return head

    def _speaker(self, raw: list[str]) -> str:
        """Who a "what did X say" question quotes, folded ("" for the article or government)."""
        m = english().patterns["speaker"].search(" ".join(raw))
        if not m:
            return ""
        tokens = normalise(m.group(1), self.glossary)
        head = tokens[-1] if tokens else ""
        fold = self.glossary.folding.token
        return "" if head in {fold(w) for w in english().sources} else head
