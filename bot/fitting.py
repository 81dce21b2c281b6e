"""Fit the matcher's feature weights and thresholds on question sets, and measure how well the
fit carries to a set it never saw (leave one set out). `factbot fit` runs it.

Features do not depend on the weights, so each question is parsed and its candidates' features
computed once; a grid of weights is then blended over them, and for each weighting every
threshold is tried at once with numpy."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bot.core import Core
from bot.evaluation import Case, load_cases
from bot.matching.decide import ERA_MARGIN
from bot.matching.score import Weights, blend
from bot.matching.sources import asked_field

SEMANTIC = (0.05, 0.1, 0.15, 0.2, 0.3)
LEXICAL = tuple(
    (c, o, f)
    for c, o, f in itertools.product((0.35, 0.45, 0.55), (0.25, 0.35, 0.45), (0.1, 0.2))
    if abs(c + o + f - 1.0) < 0.11
)
ANSWER = np.round(np.arange(0.30, 0.71, 0.01), 2)
MARGINS = (0.02, 0.03)
ASKED_FLOORS = (0.5, 0.65, 0.8, 1.0)


@dataclass(slots=True)
class Prepared:
    """One question, read once: per asking part, (fact id, article, features) of each fact that
    passes the gates; or a fixed ranking for a question about the sources."""

    case: Case
    set_name: str
    era: bool
    parts: list[list[tuple[str, str, dict[str, float]]]]
    fixed: list[tuple[str, str, float]] | None = None


def load_sets(manifest: Path) -> list[tuple[str, Core, list[Case]]]:
    entries = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    base = manifest.parent
    cores: dict[tuple, Core] = {}
    out = []
    for entry in entries:
        facts = base / entry["facts"] if entry.get("facts") else None
        articles = base / entry["articles"] if entry.get("articles") else None
        key = (facts, articles)
        if key not in cores:
            cores[key] = Core(facts, articles)
        path = base / entry["questions"]
        out.append((entry["questions"], cores[key], load_cases(path)))
    return out


def prepare(sets: list[tuple[str, Core, list[Case]]]) -> list[Prepared]:
    prepared = []
    for name, core, cases in sets:
        m = core.matcher
        for case in cases:
            query = m.parse(case.question)
            era = bool(query.constraints.years or query.constraints.ordinals)
            parts = query.clauses or (query,)
            if any(asked_field(p.text) for p in parts):
                ranked = m.rank_query(query)
                fixed = [(c.fact.id, c.fact.article, c.score) for c in ranked]
                prepared.append(Prepared(case, name, era, [], fixed))
                continue
            similar = m.similarities(query)
            rows = []
            for part in parts:
                rows.append(
                    [
                        (m.profiles[i].fact.id, m.profiles[i].fact.article, values)
                        for i, values in m.features_of(part, similar)
                    ]
                )
            prepared.append(Prepared(case, name, era, rows))
    return prepared


def _ranked(p: Prepared, w: Weights) -> list[tuple[str, str, float]]:
    if p.fixed is not None:
        return p.fixed
    best: dict[str, tuple[str, float]] = {}
    for rows in p.parts:
        for fid, article, values in rows:
            score = blend(values, w)
            if fid not in best or score > best[fid][1]:
                best[fid] = (article, score)
    ranked = [(fid, a, s) for fid, (a, s) in best.items()]
    ranked.sort(key=lambda r: (-r[2], r[0]))
    return ranked


@dataclass(frozen=True, slots=True)
class Fit:
    weights: Weights
    answer: float
    margin: float
    accuracy: float
    decline: float
    wrong: int


def _table(prepared: list[Prepared], w: Weights, margin: float):
    """Per question: best score, whether it alone is close to the top, whether it is right."""
    best = np.zeros(len(prepared))
    alone = np.zeros(len(prepared), dtype=bool)
    right = np.zeros(len(prepared), dtype=bool)
    for k, p in enumerate(prepared):
        ranked = _ranked(p, w)
        if not ranked:
            continue
        top = ranked[0][2]
        close = [r for r in ranked[:5] if top - r[2] <= margin]
        unique = len(close) == 1
        if unique and len(ranked) > 1:
            runner = ranked[1]
            if runner[1] != ranked[0][1] and top - runner[2] <= ERA_MARGIN and not p.era:
                unique = False
        best[k], alone[k], right[k] = top, unique, ranked[0][0] in p.case.facts
    return best, alone, right


# What a fit must hold: declines and wrong answers matter more than answering (a wrong
# confident answer is the worst outcome).
MIN_DECLINE = 0.95
WRONG_COST = 3.0


def search(prepared: list[Prepared], semantic: bool = False) -> Fit:
    """The weights and thresholds that answer the most questions right, less WRONG_COST for
    each wrong answer, among those that decline at least MIN_DECLINE of the out-of-scope ones
    (or, when none does, that decline the most)."""
    scope = np.array([p.case.in_scope for p in prepared])
    found: tuple | None = None
    for s, (c, o, f), floor in itertools.product(
        SEMANTIC if semantic else (0.0,), LEXICAL, ASKED_FLOORS
    ):
        k = (1.0 - s) / (c + o + f)
        w = Weights(c * k, o * k, f * k, s, floor)
        for margin in MARGINS:
            best, alone, right = _table(prepared, w, margin)
            # Every answer threshold at once: answered = best >= t and alone.
            answered = (best[None, :] >= ANSWER[:, None]) & alone[None, :]
            declined = best[None, :] < ANSWER[:, None]  # ambiguous threshold = answer
            acc = (answered & right & scope).sum(1) / max(scope.sum(), 1)
            dec = (declined & ~scope).sum(1) / max((~scope).sum(), 1)
            wrong = (answered & ~right & scope).sum(1)
            for t in range(len(ANSWER)):
                rate = acc[t] - WRONG_COST * wrong[t] / max(scope.sum(), 1)
                key = (dec[t] >= MIN_DECLINE, rate if dec[t] >= MIN_DECLINE else dec[t], rate)
                if found is None or key > found[0]:
                    found = (
                        key,
                        Fit(w, float(ANSWER[t]), margin, acc[t], dec[t], int(wrong[t])),
                    )
    assert found is not None
    return found[1]


def measure(prepared: list[Prepared], fit: Fit) -> tuple[int, int, int, int, int]:
    """(right, in-scope, wrong, declined, out-of-scope) with one fit."""
    best, alone, right = _table(prepared, fit.weights, fit.margin)
    scope = np.array([p.case.in_scope for p in prepared], dtype=bool)
    answered = (best >= fit.answer) & alone
    return (
        int((answered & right & scope).sum()),
        int(scope.sum()),
        int((answered & ~right & scope).sum()),
        int(((best < fit.answer) & ~scope).sum()),
        int((~scope).sum()),
    )


def leave_one_out(prepared: list[Prepared], semantic: bool = False) -> list[tuple[str, Fit, tuple]]:
    names = list(dict.fromkeys(p.set_name for p in prepared))
    out = []
    for name in names:
        fit = search([p for p in prepared if p.set_name != name], semantic)
        out.append((name, fit, measure([p for p in prepared if p.set_name == name], fit)))
    return out


def _section(fit: Fit) -> str:
    w = fit.weights
    return (
        "  features:\n"
        f"    coverage: {w.coverage:.3f}   # share of the question's weighted words the fact explains\n"
        f"    overlap: {w.overlap:.3f}    # best F1 of weighted words with one curated phrasing\n"
        f"    fuzzy: {w.fuzzy:.3f}      # best token-sort ratio with one curated phrasing\n"
        f"    semantic: {w.semantic:.3f}   # best cosine with its phrasings and answer\n"
        f"    asked_floor: {w.asked_floor:.2f}  # share kept when a fact explains none of what a long message asks\n"
        "  thresholds:\n"
        f"    answer: {fit.answer:.2f}\n"
        f"    ambiguous: {fit.answer:.2f}\n"
        f"    margin: {fit.margin:.2f}\n"
    )


def weights_yaml(lexical: Fit, semantic: Fit | None) -> str:
    text = (
        "# Weights of the scoring features and the thresholds, fitted by `factbot fit --write` on\n"
        '# the question sets in tests/data/sets.yml (see README, "Answer quality"): one set for\n'
        "# the lexical path alone, one for when the semantic signal is on.\n"
        "lexical:\n" + _section(lexical)
    )
    if semantic is not None:
        text += "semantic:\n" + _section(semantic)
    return text
