"""A sheet's world, derived once from the sheet and its articles: the named things (glossary
topics) and the names (places, people, organisations) each article mentions. Nothing here is
written for one sheet: names are the words an article capitalises and never writes in lower
case, and that English does not use every day."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.matching.gazetteer import places_in
from bot.matching.language import english
from bot.matching.text import Glossary, frequency, normalise, words

# A capitalised word after a word (not at a sentence's start): "met in Lisbon", "Xi said".
_CAPITALISED = re.compile(r"(?<=[a-z,;:] )([A-Z][a-z]+)\b")
_LOWER = re.compile(r"\b[a-z][a-z]+\b")
# Above this many uses per English word list, a capitalised word is an everyday word that a
# title capitalises ("President", "International"), not a name.
NAME_FREQUENCY = 2_000


def _title_case(line: str) -> bool:
    """A headline or a section title, where every word is capitalised."""
    line = line.strip()
    if line.endswith((".", "!", "?", '"', "”")):
        return False  # a sentence
    long = [w for w in line.split() if len(w) > 3]
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.6 * len(long)


@dataclass(frozen=True, slots=True)
class World:
    topics: frozenset[str]  # glossary canonical tokens: the named things of the sheet
    names: frozenset[str]  # name words known to the sheet, lower case
    article_names: Mapping[str, frozenset[str]]  # per article: its names and topics
    common: frozenset[str] = frozenset()  # names every article has (when there are several)


def derive_names(texts: Iterable[str], extra: Iterable[str] = ()) -> frozenset[str]:
    """The name words of some texts: capitalised after another word, never written in lower
    case, and rare in everyday English."""
    texts = list(texts)
    lower = {w for t in texts for w in _LOWER.findall(t)}
    calendar = english().calendar
    capitalised = {
        m.casefold()
        for t in texts
        for line in t.splitlines()
        if not _title_case(line)
        for m in _CAPITALISED.findall(line)
    }
    found = {
        w
        for w in capitalised
        if w not in lower and w not in calendar and frequency(w) < NAME_FREQUENCY and len(w) > 1
    }
    return frozenset(found | {w.casefold() for e in extra for w in words(e)})


def build_world(
    glossary_groups: Iterable[Iterable[str]],
    article_texts: Mapping[str, str],
    glossary: Glossary,
    declared_names: Iterable[str] = (),
) -> World:
    topics = frozenset("_".join(words(next(iter(g)))) for g in glossary_groups if g)
    names = set(derive_names(article_texts.values(), declared_names))
    article_names = {}
    for aid, text in article_texts.items():
        typed = words(text)
        # The places an article names are names, however often English uses the word.
        places = set(places_in(typed))
        names |= places
        article_names[aid] = (
            frozenset(w for w in typed if w in names)
            | places
            | frozenset(t for t in normalise(text, glossary) if t in topics)
        )
    shared = frozenset.intersection(*article_names.values()) if len(article_names) > 1 else None
    return World(topics, frozenset(names), article_names, shared or frozenset())
