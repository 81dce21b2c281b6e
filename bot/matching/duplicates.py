"""Near-duplicate phrasings across facts, for `factbot check`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from bot.factsheet import Fact
from bot.matching.constraints import constraint_kind
from bot.matching.text import normalise

# Past this many phrasings the all-pairs comparison is skipped (exact duplicates are still
# found): it is quadratic in time and memory.
ALL_PAIRS_LIMIT = 5_000


def near_duplicate_questions(
    facts: Sequence[Fact], threshold: float = 95.0
) -> list[tuple[Fact, str, Fact, str, bool]]:
    """Pairs of questions from different facts that are the same or nearly, after normalisation."""
    items = [(fact, q, " ".join(sorted(normalise(q)))) for fact in facts for q in fact.questions]
    items = [i for i in items if i[2]]
    found = []
    seen: dict[str, tuple[Fact, str]] = {}
    for fact, q, key in items:
        if key in seen and seen[key][0].id != fact.id:
            found.append((seen[key][0], seen[key][1], fact, q, True))
        seen.setdefault(key, (fact, q))
    if len(items) > ALL_PAIRS_LIMIT:
        return found
    keys = [k for _, _, k in items]
    # All pairs at once, in C (a sheet of 1,500 phrasings: about 2 million comparisons).
    scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=threshold)
    for i, j in zip(*np.nonzero(np.triu(scores, k=1)), strict=True):
        # "Valencia stipend 2025" and "... 2026" differ in what they pin: not duplicates.
        if _pinned(keys[i]) != _pinned(keys[j]):
            continue
        if items[i][0].id != items[j][0].id and keys[i] != keys[j]:
            a, b = items[i], items[j]
            found.append((a[0], a[1], b[0], b[1], False))
    return found


def _pinned(key: str) -> frozenset[str]:
    return frozenset(t for t in key.split() if constraint_kind(t))
