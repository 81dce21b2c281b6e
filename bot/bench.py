"""`factbot bench`: matcher latency on the bundled sheet and synthetic large sheets, side by side
with plain `rapidfuzz.process.extractOne(..., scorer=WRatio)` over the same question strings."""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.core import Core
from bot.evaluation import load_cases
from bot.factsheet import FactSheet
from bot.matcher import Matcher, words

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "questions.yml"


def synthetic_sheet(base: FactSheet, size: int, seed: int = 7) -> FactSheet:
    """`size` distinct facts: the real ones, then copies with content words swapped for
    pseudo-words from a 30,000-word vocabulary, so postings and vocabulary grow realistically."""
    rng = random.Random(seed)
    vocab = [f"{rng.choice('bcdfgklmnprstvz')}{rng.choice('aeiou')}{i:x}" for i in range(30_000)]
    facts = list(base.curated)
    real = list(base.curated)
    while len(facts) < size:
        src = real[len(facts) % len(real)]
        n = len(facts)

        def mutate(text: str) -> str:
            ws = text.split()
            for _ in range(3):
                ws[rng.randrange(len(ws))] = rng.choice(vocab)
            return " ".join(ws)

        facts.append(
            replace(
                src,
                id=f"synthetic-{n}",
                questions=tuple(mutate(q) for q in src.questions),
                answer=mutate(src.answer),
            )
        )
    return FactSheet(tuple(facts), base.glossary, base.articles)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return statistics.median(ordered), p99


def time_calls(fn, queries: list[str]) -> list[float]:
    out = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - start) * 1000)
    return out


def _rss_bytes() -> int:
    """This process's resident memory now (Linux), or 0 where /proc is not there."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0
    return pages * resource.getpagesize()


def bench_sheet(label: str, sheet: FactSheet, queries: list[str], wratio_queries: int) -> None:
    # Timed without tracemalloc (it slows building threefold); memory is what the process
    # grew by while building, which is what serving this sheet costs.
    before = _rss_bytes()
    start = time.perf_counter()
    matcher = Matcher(sheet)
    build_s = time.perf_counter() - start
    peak = _rss_bytes() - before
    matcher.match(queries[0])  # first call loads the word list used by typo repair
    strings = [q for f in sheet.curated for q in f.questions]
    ours = time_calls(matcher.match, queries)
    brute = time_calls(
        lambda q: process.extractOne(q, strings, scorer=fuzz.WRatio), queries[:wratio_queries]
    )
    o50, o99 = percentiles(ours)
    b50, b99 = percentiles(brute)
    print(
        f"{label:>14} {len(sheet.curated):>8,} facts {len(strings):>8,} questions | "
        f"matcher p50 {o50:6.2f} ms p99 {o99:6.2f} ms | WRatio extractOne p50 {b50:7.2f} ms "
        f"p99 {b99:7.2f} ms | p99 ratio {b99 / o99:5.1f}x | index build {build_s:5.1f} s, "
        f"index memory {peak / 2**20:6.0f} MiB"
    )


def run_bench(sizes: list[int], queries: int) -> int:
    core = Core()
    questions = [c.question for c in load_cases(QUESTIONS)] if QUESTIONS.exists() else []
    questions = questions or [q for f in core.sheet.curated for q in f.questions]
    rng = random.Random(1)
    pool = (questions * (queries // max(len(questions), 1) + 1))[:queries]
    rng.shuffle(pool)
    # Typed variants so the typo path is exercised too.
    pool = [
        q if i % 3 else " ".join(w[:-1] if len(w) > 5 else w for w in words(q))
        for i, q in enumerate(pool)
    ]
    print(f"{len(pool)} queries per sheet (WRatio on up to 60 per sheet at 100k: it is slow)")
    bench_sheet("bundled", core.sheet, pool, len(pool))
    for size in sizes:
        bench_sheet(
            "synthetic", synthetic_sheet(core.sheet, size), pool, 60 if size >= 50_000 else 200
        )
    # Any curated phrasing: the bundled sheet's first.
    cmd = [sys.executable, "-m", "bot", "ask", core.sheet.curated[0].questions[0]]
    for label, env in (
        ("lexical", {**os.environ, "FACTBOT_SEMANTIC": "off"}),
        ("semantic signal on, cache warm", {**os.environ, "FACTBOT_SEMANTIC": "on"}),
    ):
        subprocess.run(cmd, check=True, capture_output=True, env=env)  # warms the vector cache
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            runs.append(time.perf_counter() - start)
        print(
            f"process start-to-answer (`factbot ask`, bundled sheet, {label}): "
            f"median {statistics.median(runs) * 1000:.0f} ms over 5 runs"
        )
    print(
        f"max RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    return 0
