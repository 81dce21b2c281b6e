"""The decide stage: an answer, a choice, or an honest decline."""

from bot.factsheet import Fact
from bot.matching.decide import Candidate, Thresholds, decide

T = Thresholds(answer=0.5, ambiguous=0.4, margin=0.02)


def fact(fid: str, article: str = "a") -> Fact:
    return Fact(fid, ("q",), "answer", "x", article)


def test_a_clear_best_is_answered_and_a_near_tie_offered():
    """One fact well ahead is the answer; two within the margin are a choice."""
    assert (
        decide("q", [Candidate(fact("a"), 0.8), Candidate(fact("b"), 0.5)], T).outcome == "answer"
    )
    tie = decide("q", [Candidate(fact("a"), 0.8), Candidate(fact("b"), 0.79)], T)
    assert tie.outcome == "ambiguous"


def test_low_scores_are_declined_with_the_closest_topics():
    """Below the ambiguous threshold nothing is answered; the closest are kept for the reply."""
    result = decide("q", [Candidate(fact("a"), 0.3)], T)
    assert result.outcome == "no_match" and result.closest[0].fact.id == "a"
