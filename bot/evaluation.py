"""Measure answer quality on a question set: accuracy in scope, declines out of scope."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.errors import Problem, SheetError
from bot.matcher import Candidate, Matcher, Thresholds
from bot.matching.sources import source_id


@dataclass(frozen=True, slots=True)
class Case:
    """One evaluation question; `facts` empty means it must be declined."""

    question: str
    facts: frozenset[str]
    group: str  # style for in-scope questions, kind for out-of-scope ones

    @property
    def in_scope(self) -> bool:
        return bool(self.facts)


@dataclass(slots=True)
class Report:
    """Figures and misses of one evaluation run."""

    thresholds: Thresholds
    in_total: int = 0
    in_correct: int = 0
    in_wrong: int = 0
    out_total: int = 0
    out_declined: int = 0
    outcomes: Counter = field(default_factory=Counter)
    by_group: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.in_correct / self.in_total if self.in_total else 0.0

    @property
    def decline_rate(self) -> float:
        return self.out_declined / self.out_total if self.out_total else 0.0


def load_cases(path: Path) -> list[Case]:
    """Read tests/data/questions.yml-style files."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SheetError(
            [Problem(str(path), 1, "", f"cannot read question set: {exc}", fatal=True)]
        ) from exc
    cases = []
    for item in data.get("in_scope", []):
        expected = item.get("fact")
        ids = expected if isinstance(expected, list) else [expected]
        if item.get("about"):
            # A question about the article itself: its date, outlet, headline or photo credit.
            ids = [source_id(str(item["article"]), str(item["about"]))]
        ids = frozenset(i for i in ids if i)
        if ids:
            cases.append(Case(item["q"], ids, item.get("style", "plain")))
    for item in data.get("out_of_scope", []):
        cases.append(Case(item["q"], frozenset(), item.get("kind", "unrelated")))
    return cases


def evaluate(
    matcher: Matcher,
    cases: list[Case],
    thresholds: Thresholds,
    ranked: list[list[Candidate]] | None = None,
) -> Report:
    """Score every case; in scope counts only an Answer with an expected fact as correct."""
    report = Report(thresholds)
    queries = [matcher.parse(c.question) for c in cases]
    ranked = ranked or [matcher.rank_query(q) for q in queries]
    for case, query, candidates in zip(cases, queries, ranked, strict=True):
        result = matcher.decide(query, candidates, thresholds)
        report.outcomes[(case.in_scope, result.outcome)] += 1
        key = f"{'in' if case.in_scope else 'out'}:{case.group}"
        report.by_group[key][1] += 1
        got = getattr(result, "fact", None)
        if case.in_scope:
            report.in_total += 1
            ok = result.outcome == "answer" and got.id in case.facts
            report.in_correct += ok
            report.in_wrong += result.outcome == "answer" and not ok
        else:
            report.out_total += 1
            ok = result.outcome == "no_match"
            report.out_declined += ok
        report.by_group[key][0] += ok
        if not ok:
            top = ", ".join(f"{c.fact.id} {c.score:.3f}" for c in candidates[:3]) or "no candidates"
            want = "/".join(sorted(case.facts)) or "decline"
            report.misses.append(
                f"[{case.group}] {case.question!r}\n    want {want}; got {result.outcome}"
                f"{' ' + got.id if got else ''}; top: {top}"
            )
    return report


def calibrate(matcher: Matcher, cases: list[Case]) -> tuple[Thresholds, Report]:
    """Grid-search thresholds for the best balance: maximise the weaker of the two rates, then
    fewest wrong answers."""
    ranked = [matcher.rank(c.question) for c in cases]
    best: tuple[tuple[float, int, float], Thresholds, Report] | None = None
    grid = [round(0.30 + 0.01 * i, 2) for i in range(60)]
    # Margins start at 0.02 by design: a near-tie is shown as "did you mean", not guessed (with
    # no margin the pooled sets gain a point of accuracy by answering near-ties, and one more
    # wrong answer).
    for answer, ambiguous, margin in itertools.product(grid, grid, (0.02, 0.03, 0.05)):
        if ambiguous > answer:
            continue
        t = Thresholds(answer, ambiguous, margin)
        r = evaluate(matcher, cases, t, ranked)
        # The weaker rate first; then fewer wrong answers (a "did you mean" is better than a
        # wrong answer); then the sum.
        key = (min(r.accuracy, r.decline_rate), -r.in_wrong, r.accuracy + r.decline_rate)
        if best is None or key > best[0]:
            best = (key, t, r)
    assert best is not None
    return best[1], best[2]


def format_report(report: Report) -> str:
    """Readable figures, per-group rates and every miss."""
    t = report.thresholds
    lines = [
        f"thresholds: answer>={t.answer} ambiguous>={t.ambiguous} margin={t.margin}",
        f"in-scope answered correctly: {report.in_correct}/{report.in_total} = {report.accuracy:.1%}",
        f"in-scope answered with the wrong fact: {report.in_wrong}",
        f"out-of-scope declined:       {report.out_declined}/{report.out_total} = {report.decline_rate:.1%}",
        "outcomes: "
        + ", ".join(
            f"{'in' if scope else 'out'}-scope {outcome}: {n}"
            for (scope, outcome), n in sorted(report.outcomes.items(), key=str)
        ),
        "per style/kind:",
    ]
    for key in sorted(report.by_group):
        ok, total = report.by_group[key]
        lines.append(f"  {key:<22} {ok:>3}/{total:<3} {ok / total:.1%}")
    lines.append(f"misses ({len(report.misses)}):")
    lines += [f"  {m}" for m in report.misses]
    return "\n".join(lines)
