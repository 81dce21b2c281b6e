"""Profile stage: each fact read once into what matching needs (its folded phrasings, words,
constraints, the kinds of question it answers, what it counts and names)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.factsheet import Fact
from bot.matching.constraints import Constraints, constraint_text, constraints_of
from bot.matching.gazetteer import places_in
from bot.matching.kinds import answer_kinds, counted_words, named_words, qualified_titles
from bot.matching.text import Glossary, fold, normalise, words
from bot.matching.world import World


@dataclass(slots=True)
class Profile:
    fact: Fact
    questions: tuple[tuple[str, ...], ...]  # each phrasing folded
    vocab: frozenset[str]  # every folded word of its phrasings, answer, quote and tags
    constraints: Constraints  # years, editions, numbers and names it pins
    article_names: frozenset[str]  # names and topics of its article, and its own names
    kinds: frozenset[str]
    counted: frozenset[str]
    named: frozenset[str]
    qualified: dict[str, frozenset[str]]
    question_weights: list[float] = field(default_factory=list)  # idf total of each phrasing


_NONE: dict[str, frozenset[str]] = {}  # shared by the many facts with no qualified titles


def pinned_tokens(text: str, tokens: list[str], glossary: Glossary) -> list[str]:
    """`tokens` (the text folded) with the years that pin nothing taken out."""
    pinned = constraint_text(text)
    return tokens if pinned == text else normalise(pinned, glossary)


def profile_fact(fact: Fact, glossary: Glossary, world: World) -> Profile:
    # Each text is folded once; the second fold keeps the words inside alias phrases, so
    # "the lisbon branch" still shares "lisbon" with a fact about the Lisbon Office.
    texts = (*fact.questions, fact.answer, fact.quote, " ".join(fact.tags))
    folded = [fold(t, glossary) for t in texts]
    questions = tuple(tuple(f[0]) for f in folded[: len(fact.questions)])
    vocab = frozenset(t for f in folded for t in f[0])
    vocab |= frozenset(t for f in folded[:-2] for t in f[1])
    raw = words(" ".join(texts[:-1]))
    # Constraints come from the phrasings, the answer and the tags (not the quote).
    constraint_tokens = [
        t
        for text, f in zip(texts[:-2] + texts[-1:], folded[:-2] + folded[-1:], strict=True)
        for t in pinned_tokens(text, f[0], glossary)
    ]
    own_names = frozenset(w for w in raw if w in world.names) | frozenset(
        p for p in places_in(raw) if p in world.names
    )
    constraints = constraints_of(constraint_tokens, own_names)
    answer_tokens = normalise(fact.answer, glossary)
    has_number = bool(constraints_of(answer_tokens).numbers)
    return Profile(
        fact=fact,
        questions=questions,
        vocab=vocab,
        constraints=constraints,
        article_names=world.article_names.get(fact.article, frozenset()) | own_names,
        kinds=answer_kinds(fact.questions, fact.answer, has_number),
        counted=counted_words(fact.questions, fact.answer, glossary),
        named=named_words(fact.questions, glossary),
        qualified=qualified_titles(fact.answer) or _NONE,
    )
