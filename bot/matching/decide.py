"""Decide stage: ranked candidates become Answer, Ambiguous or NoMatch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.factsheet import Fact


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where the scores turn into outcomes.

    answer: the best score needed to answer; ambiguous: the least score worth offering as
    "did you mean"; margin: how close a runner-up must be to make the best one uncertain.
    """

    answer: float = 0.45
    ambiguous: float = 0.45
    margin: float = 0.02


# Two facts from different articles this close, for a question that names no year or edition,
# are the same thing reported twice: ask which. By design, not calibrated.
ERA_MARGIN = 0.05

# How far below the answer a fact may score and still be offered as related.
RELATED_GAP = 0.3

# The least score a fact needs to be offered as a "closest topic" when nothing is answered:
# below it the list of what the bot knows is more use than a far-fetched guess.
CLOSEST_MIN = 0.25


@dataclass(frozen=True, slots=True)
class Candidate:
    """A fact and how well it matched."""

    fact: Fact
    score: float


@dataclass(frozen=True, slots=True)
class Answer:
    """One fact is clearly best."""

    question: str
    fact: Fact
    score: float
    alternatives: tuple[Candidate, ...] = ()
    truncated: bool = False  # the question was cut at MAX_CHARS

    outcome = "answer"


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A few facts are close; the best comes first."""

    question: str
    candidates: tuple[Candidate, ...]
    truncated: bool = False  # the question was cut at MAX_CHARS

    outcome = "ambiguous"

    @property
    def score(self) -> float:
        return self.candidates[0].score


@dataclass(frozen=True, slots=True)
class NoMatch:
    """Nothing good enough; `closest` are nearby topics to offer, never as an answer."""

    question: str
    closest: tuple[Candidate, ...] = ()
    truncated: bool = False  # the question was cut at MAX_CHARS

    outcome = "no_match"

    @property
    def score(self) -> float:
        return self.closest[0].score if self.closest else 0.0


Result = Answer | Ambiguous | NoMatch


def truncation_note(result: Result) -> str | None:
    """What a reply says when the question was too long to read whole."""
    if not result.truncated:
        return None
    from bot.matching.text import MAX_CHARS

    return f"Your message was long: I read only its first {MAX_CHARS:,} characters."


def decide(
    question: str,
    ranked: Sequence[Candidate],
    thresholds: Thresholds,
    names_an_era: bool = False,
) -> Result:
    """Turn ranked candidates into an outcome."""
    if not ranked or ranked[0].score < thresholds.ambiguous:
        return NoMatch(question, tuple(c for c in ranked[:3] if c.score >= CLOSEST_MIN))
    best = ranked[0]
    close = tuple(c for c in ranked[:5] if best.score - c.score <= thresholds.margin)
    if len(close) == 1 and len(ranked) > 1:
        # The same thing reported in two articles: a question that names no year or edition
        # gets both to choose from, not a guess.
        runner = ranked[1]
        if (
            runner.fact.article != best.fact.article
            and best.score - runner.score <= ERA_MARGIN
            and not names_an_era
        ):
            close = (best, runner)
    if best.score >= thresholds.answer and len(close) == 1:
        # "Related" facts: only ones that matched nearly as well, not whatever came next.
        related = tuple(c for c in ranked[1:4] if best.score - c.score <= RELATED_GAP)
        return Answer(question, best.fact, best.score, related)
    if len(close) == 1:
        close = tuple(ranked[:3])
    return Ambiguous(question, close)
