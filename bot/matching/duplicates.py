"""Near-duplicate phrasings across facts, for `factbot check`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from bot.factsheet import Fact
from bot.matching.constraints import constraint_kind
from bot.matching.text import normalise

# Up to this many phrasings every pair is compared (in C, at once); past it, only neighbours in
# sorted order (forwards and by reversed key), which keeps time and memory linear.
ALL_PAIRS_LIMIT = 5_000
NEIGHBOURS = 8


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
    keys = [k for _, _, k in items]
    for i, j in _similar_pairs(keys, threshold):
        # "Valencia stipend 2025" and "... 2026" differ in what they pin: not duplicates.
        if _pinned(keys[i]) != _pinned(keys[j]):
            continue
        if items[i][0].id != items[j][0].id and keys[i] != keys[j]:
            a, b = items[min(i, j)], items[max(i, j)]
            found.append((a[0], a[1], b[0], b[1], False))
    return found


def _similar_pairs(keys: list[str], threshold: float) -> Iterator[tuple[int, int]]:
    """Index pairs (i, j) whose keys score at least `threshold`, each pair once."""
    if len(keys) <= ALL_PAIRS_LIMIT:
        # All pairs at once, in C (a sheet of 1,500 phrasings: about 2 million comparisons).
        scores = process.cdist(keys, keys, scorer=fuzz.ratio, score_cutoff=threshold)
        yield from zip(*np.nonzero(np.triu(scores, k=1)), strict=True)
        return
    # Sorted neighbourhood: two near-identical keys sort next to each other unless they differ
    # near the start, and then they sort next to each other by their reversed text.
    pairs: set[tuple[int, int]] = set()
    for order in (
        sorted(range(len(keys)), key=keys.__getitem__),
        sorted(range(len(keys)), key=lambda i: keys[i][::-1]),
    ):
        ordered = [keys[i] for i in order]
        for step in range(1, NEIGHBOURS + 1):
            scores = process.cpdist(
                ordered[:-step], ordered[step:], scorer=fuzz.ratio, score_cutoff=threshold
            )
            for k in np.nonzero(scores)[0]:
                i, j = order[k], order[k + step]
                pairs.add((min(i, j), max(i, j)))
    yield from sorted(pairs)


def _pinned(key: str) -> frozenset[str]:
    return frozenset(t for t in key.split() if constraint_kind(t))
