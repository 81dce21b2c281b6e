"""Constraints: the parts of a text that pin one specific thing (a year, an edition, a number,
a name), which a fact must have rather than merely share words with."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.matching.language import english


@dataclass(frozen=True, slots=True)
class Constraints:
    """Tokens a text pins down: years, ordinals, other numbers, and names (places, people,
    organisations) as folded words."""

    years: frozenset[str] = frozenset()
    ordinals: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    months: frozenset[str] = frozenset()
    # "The third or the fourth": any one of each group will do.
    choices: tuple[frozenset[str], ...] = ()


@functools.lru_cache(maxsize=200_000)
def constraint_kind(tok: str) -> str:
    if tok.startswith("#"):
        return "ordinal"
    if tok.startswith("@"):
        return "month"
    if re.fullmatch(r"(19|20)\d\d", tok):
        return "year"
    if re.fullmatch(r"\d+(\.\d+)?", tok):
        return "number"
    return ""


def constraints_of(tokens: Iterable[str], names: Iterable[str] = ()) -> Constraints:
    """Split constraint tokens out of folded tokens; `names` are the text's name words."""
    found: dict[str, set[str]] = {"year": set(), "ordinal": set(), "number": set(), "month": set()}
    for tok in tokens:
        kind = constraint_kind(tok)
        if kind:
            found[kind].add(tok)
    return Constraints(
        frozenset(found["year"]),
        frozenset(found["ordinal"]),
        frozenset(found["number"]),
        frozenset(names),
        frozenset(found["month"]),
    )


def satisfied(asked: Constraints, have: Constraints) -> bool:
    """Whether a fact pinning `have` can answer what is asked: every year, edition and number
    asked is the fact's, and a month asked is one the fact names (if it names any)."""
    for want, known in (
        (asked.years, have.years),
        (asked.ordinals, have.ordinals),
        (asked.numbers, have.numbers | have.years),
    ):
        if want and not want <= known:
            return False
    if asked.months and have.months and not asked.months <= have.months:
        return False
    pinned = have.years | have.ordinals | have.numbers
    return all(group & pinned for group in asked.choices)


def with_choices(pinned: Constraints, groups: list[frozenset[str]]) -> Constraints:
    """`pinned` with the tokens of each choice group ("2019 or 2020") moved into its choices."""
    if not groups:
        return pinned
    chosen = frozenset().union(*groups)
    return Constraints(
        pinned.years - chosen,
        pinned.ordinals - chosen,
        pinned.numbers - chosen,
        pinned.names,
        pinned.months,
        (*pinned.choices, *groups),
    )


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    en = english()
    small = "|".join(w for w, v in en.numbers.items() if int(v) <= 10)
    alt = lambda words: "|".join(sorted(map(re.escape, words)))  # noqa: E731
    return {
        # "2018-2022": a span is pinned by where it starts.
        "year_range": re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|to)\s*(?:19|20)\d\d\b"),
        # "The 2021 article": the year a source was written is not the year of what it reports.
        "source_year": re.compile(
            rf"\b(?:19|20)\d\d((?:\s+\w+){{0,2}}\s+(?:{alt(en.sources)}))\b", re.IGNORECASE
        ),
        "last_item": re.compile(
            rf"\b(?:{alt(en.last_words)}) ({alt(en.list_items)})s?\b", re.IGNORECASE
        ),
        "span_adjective": re.compile(
            rf"\b(?:\d+|{small})[- ](?:{alt(en.span_units)})[- ](?=(?:{alt(en.span_nouns)})\b)",
            re.IGNORECASE,
        ),
        "numbered_edition": re.compile(
            rf"\b({alt(en.numbered_edition_nouns)}) (\d{{1,2}}|{small}|[ivx]{{1,4}})\b",
            re.IGNORECASE,
        ),
        # "The other two events": a count worked out from the fact's own, not one it must state.
        "other_count": re.compile(rf"\bother (?:\d+|{small})\b", re.IGNORECASE),
        "roman_item": re.compile(r"(?<![\w.])([IVX]{1,4})\. (?=[A-Z])"),
        # Whether any of the above can apply: most texts have none of these.
        "any": re.compile(
            rf"\d|[IVX]\. |\b(?:other|{alt(en.last_words)}|{alt(en.numbered_edition_nouns)}|{small})\b",
            re.IGNORECASE,
        ),
    }


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def _roman(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[i + 1]] if i + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _edition_number(word: str) -> str:
    """ "two" -> "2", "6" -> "6", "vi" -> "6" (part VI)."""
    word = word.lower()
    if word.isdigit():
        return word
    if set(word) <= set("ivx"):
        return str(_roman(word.upper()))
    return english().numbers.get(word, word)


def constraint_text(text: str) -> str:
    """Text with the years and numbers that pin nothing taken out (span ends, the years of
    sources, "five-year plan"), editions counted by number as ordinals ("round two" is the
    second), and items numbered in Roman numerals read as ordinals so "the first part" finds a
    list of parts."""
    p = _patterns()
    if not p["any"].search(text):
        return text
    if len(p["roman_item"].findall(text)) >= 2:
        text += " lastitem"  # a numbered list has a last item
    text = p["roman_item"].sub(lambda m: f"{_roman(m.group(1))}th ", text)
    text = p["last_item"].sub(r"lastitem \1", text)
    text = p["other_count"].sub("other", text)
    text = p["numbered_edition"].sub(
        lambda m: f"{_edition_number(m.group(2))}th {m.group(1)}", text
    )
    text = p["span_adjective"].sub("", text)
    return p["source_year"].sub(r"\1", p["year_range"].sub(r"\1", text))
