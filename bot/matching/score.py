"""Score stage: the gates a fact must pass for a parsed question (its constraints, the kind of
answer asked, the focus) and the named features blended into one score, with weights kept in
bot/data/weights.yml."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import yaml
from rapidfuzz import fuzz, process

from bot.matching.constraints import satisfied
from bot.matching.language import data_path
from bot.matching.profile import Profile
from bot.matching.query import Query
from bot.matching.retrieve import Index
from bot.matching.world import World

FEATURES = ("coverage", "overlap", "fuzzy", "semantic")


@dataclass(frozen=True, slots=True)
class Weights:
    coverage: float = 0.45
    overlap: float = 0.35
    fuzzy: float = 0.20
    semantic: float = 0.0
    # The share of its score a fact keeps when it explains none of a long message's asking
    # clause (1: context alone may carry it).
    asked_floor: float = 1.0


@functools.cache
def fitted(semantic: bool = False) -> tuple[Weights, dict[str, float]]:
    """The shipped feature weights and thresholds, for the lexical path or with the semantic
    signal on."""
    raw = yaml.safe_load(data_path("weights.yml").read_text(encoding="utf-8"))
    section = raw.get("semantic" if semantic else "lexical") or raw["lexical"]
    return Weights(**section["features"]), dict(section["thresholds"])


def passes(profile: Profile, query: Query, world: World) -> bool:
    """Whether a fact can answer the question at all: every constraint met, the kind of answer
    and the focus given, the speaker and the named things present."""
    have = profile.constraints
    wanted = query.constraints
    if query.unknown or not satisfied(wanted, have):
        return False
    if not names_met(wanted.names, profile, world):
        return False
    if not query.kinds <= profile.kinds:
        return False
    if query.phase and query.phase not in profile.vocab:
        return False
    if query.focus is not None and not query.focus.answered_by(profile):
        return False
    if query.speaker and query.speaker not in profile.vocab:
        return False
    if query.year_end and not _states_by(profile.fact.answer, query.year_end):
        return False
    if query.what and query.what not in profile.vocab:
        return False
    # A topic the fact itself doesn't name is fine when its article is about it, but not when
    # the fact names only others.
    own = profile.vocab & world.topics
    loose = not own or not own.isdisjoint(query.topics)
    return all(t in profile.vocab or (loose and t in profile.article_names) for t in query.topics)


def names_met(asked: frozenset[str], profile: Profile, world: World) -> bool:
    """A name asked about (a place, a person) is the fact's own, or its article's when the
    fact names no other: "the Minneapolis stipend" is not a fact about Valencia's, though one
    article names both. Names every article shares (the country a sheet is about) decide
    nothing."""
    if not asked:
        return True
    own = profile.constraints.names
    loose = not own or not own.isdisjoint(asked)
    return all(
        name in profile.constraints.names
        or name in profile.vocab
        or (loose and name in profile.article_names)
        for name in asked
    )


def _states_by(answer: str, year: str) -> bool:
    import re

    return re.search(rf"\b(?:by|end of|until|through) (?:the end of )?{year}\b", answer) is not None


def features(profile: Profile, query: Query, index: Index) -> dict[str, float]:
    """The lexical features of one fact for one question, each in [0, 1]."""
    weights = query_weights(query, index)
    # A word of the context that the fact lacks costs little: it may be only scenery.
    for t in query.context:
        if t not in profile.vocab and t in weights and t not in query.tokens:
            weights[t] *= UNEXPLAINED_CONTEXT
    total = sum(weights.values()) or 1.0
    coverage = sum(w for t, w in weights.items() if t in profile.vocab) / total
    overlap = 0.0
    for q, q_total in zip(profile.questions, profile.question_weights, strict=True):
        shared = sum(w for t, w in weights.items() if t in q)
        recall, precision = shared / total, shared / q_total
        if recall + precision:
            overlap = max(overlap, 2 * recall * precision / (recall + precision))
    phrasings = [" ".join(q) for q in profile.questions]
    best = process.extractOne(" ".join(query.tokens), phrasings, scorer=fuzz.token_sort_ratio)
    values = {"coverage": coverage, "overlap": overlap, "fuzzy": best[1] / 100 if best else 0.0}
    if query.context:
        # A long message's asking clause: how much of what it asks the fact explains, so
        # context that fits cannot carry an ask the fact does not answer.
        asked = {t: index.weight(t) for t in query.tokens}
        total_asked = sum(asked.values())
        if total_asked:
            values["asked"] = sum(w for t, w in asked.items() if t in profile.vocab) / total_asked
    return values


# How much a word of a long message's context counts beside a word of its asking clause.
CONTEXT_WEIGHT = 0.35
# And how much a context word the fact does not explain counts against it, relative to that.
UNEXPLAINED_CONTEXT = 0.25


def query_weights(query: Query, index: Index) -> dict[str, float]:
    """Each token's weight: its rarity on the sheet, less for a long message's context."""
    weights = {t: index.weight(t) for t in query.tokens}
    for t in query.context:
        weights.setdefault(t, CONTEXT_WEIGHT * index.weight(t))
    return weights


def blend(values: dict[str, float], weights: Weights) -> float:
    score = sum(getattr(weights, name) * values.get(name, 0.0) for name in FEATURES)
    if "asked" in values:
        score *= weights.asked_floor + (1 - weights.asked_floor) * values["asked"]
    return round(score, 4)
