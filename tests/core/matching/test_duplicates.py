"""Near-duplicate phrasings across facts: every pair on small sheets, sorted neighbours on big ones."""

from __future__ import annotations

import random

from bot.factsheet import Fact
from bot.matching import duplicates


def fact(fact_id: str, *questions: str) -> Fact:
    return Fact(fact_id, tuple(questions), "a", "q", "art-1", (), "curated", "f.yml", 1)


def test_a_big_sheet_still_finds_a_near_duplicate_at_either_end() -> None:
    """Past the all-pairs limit, a typo near the start or near the end of a phrasing is still
    found among thousands of unrelated ones, and unrelated phrasings are not paired."""
    rng = random.Random(3)
    vocabulary = [f"w{rng.randrange(10**6):06d}" for _ in range(4000)]
    facts = [
        fact(f"f{i}", " ".join(rng.sample(vocabulary, 6)), " ".join(rng.sample(vocabulary, 6)))
        for i in range(duplicates.ALL_PAIRS_LIMIT // 2 + 10)
    ]
    base = "how many professional visitors attended the sixth import expo in shanghai this year"
    facts += [
        fact("first", base),
        fact("late-typo", base.replace("year", "yaer")),
        fact("early", "x" + base),
    ]
    assert len(facts) * 2 > duplicates.ALL_PAIRS_LIMIT
    found = {(a.id, b.id) for a, _, b, _, _ in duplicates.near_duplicate_questions(facts)}
    assert ("first", "late-typo") in found and ("first", "early") in found
    assert not any(a.startswith("f") and b.startswith("f") for a, b in found)
