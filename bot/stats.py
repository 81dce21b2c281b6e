"""`factbot stats [--days N]`: what people asked and how FactBot did, from the store.

Prints counts, the questions themselves and fact ids; never tokens, user ids or message text
beyond the questions.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.errors import NothingYet
from bot.store import Store

TOP = 10


@dataclass(frozen=True, slots=True)
class Stats:
    """What `factbot stats` reports."""

    days: int
    asked: int
    answered: int
    ambiguous: int
    declined: int
    top: list[tuple[str, int]]
    top_unanswered: list[tuple[str, int]]
    helpful: list[tuple[str, int, int]]
    unhelpful: list[tuple[str, int, int]]


def collect(store: Store, days: int, limit: int = TOP) -> Stats:
    counts = store.outcome_counts(days)
    feedback = store.feedback_by_fact(days)
    helpful = sorted(
        (f for f in feedback if f[1] > 0), key=lambda f: (-(f[1] - f[2]), -f[1], f[0])
    )[:limit]
    unhelpful = sorted(
        (f for f in feedback if f[2] > 0), key=lambda f: (-(f[2] - f[1]), -f[2], f[0])
    )[:limit]
    return Stats(
        days=days,
        asked=sum(counts.values()),
        answered=counts.get("answer", 0),
        ambiguous=counts.get("ambiguous", 0),
        declined=counts.get("no_match", 0),
        top=store.top_questions(days, limit),
        top_unanswered=store.top_questions(days, limit, outcome="no_match"),
        helpful=helpful,
        unhelpful=unhelpful,
    )


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def render(stats: Stats) -> str:
    """A report that reads well in a terminal."""
    span = "the last day" if stats.days == 1 else f"the last {stats.days} days"
    lines = [f"FactBot over {span}", ""]
    width = len(str(stats.asked))
    lines += [
        f"  Questions asked  {stats.asked:>{width}}",
        f"  Answered         {stats.answered:>{width}}  {_share(stats.answered, stats.asked):>4}",
        f"  Ambiguous        {stats.ambiguous:>{width}}  {_share(stats.ambiguous, stats.asked):>4}",
        f"  Declined         {stats.declined:>{width}}  {_share(stats.declined, stats.asked):>4}",
    ]

    def questions(title: str, rows: list[tuple[str, int]]) -> None:
        lines.extend(["", title])
        if not rows:
            lines.append("  (none)")
        for question, n in rows:
            lines.append(f"  {n:>4}  {question}")

    def facts(title: str, rows: list[tuple[str, int, int]]) -> None:
        lines.extend(["", title])
        if not rows:
            lines.append("  (no feedback yet)")
        for fact_id, up, down in rows:
            lines.append(f"  {up:>4} helpful  {down:>4} not helpful  {fact_id}")

    questions("Top questions", stats.top)
    questions("Top unanswered questions", stats.top_unanswered)
    facts("Most helpful facts", stats.helpful)
    facts("Least helpful facts", stats.unhelpful)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`factbot stats ...` (the command line is bot/cli.py)."""
    from bot.cli import main as cli_main

    return cli_main(["stats", *(sys.argv[1:] if argv is None else argv)])


def run(args: argparse.Namespace) -> int:
    """`factbot stats [--days N]`."""
    settings = Settings.from_env(os.environ)
    if isinstance(settings.db_path, Path) and not settings.db_path.exists():
        raise NothingYet(
            f"no database at {settings.db_path} yet (set FACTBOT_DB, or ask a question first)"
        )
    with Store(settings.db_path) as store:
        sys.stdout.write(render(collect(store, args.days)))
    return 0
