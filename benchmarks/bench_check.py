"""`factbot check` on a big sheet: the bundled sheet grown to N facts, written as files.

    python benchmarks/bench_check.py [--facts 100000]

The facts are the bench's synthetic ones (bot/bench.py: real facts with content words swapped
for pseudo-words), written 8,000 to a file beside the bundled sheet's own files (one file may
hold at most 20 MiB). Prints the time and peak memory of reading and validating the folder as
`factbot check` does, and how many problems it found (near-duplicates among the copies).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PER_FILE = 8_000


def write_sheet(folder: Path, size: int) -> None:
    from bot.bench import synthetic_sheet
    from bot.core import Core
    from bot.factsheet import bundled_sheet_path

    sheet = synthetic_sheet(Core().sheet, size)
    shutil.copytree(bundled_sheet_path(), folder)
    copies = [
        {
            "id": f.id,
            "questions": list(f.questions),
            "answer": f.answer,
            "quote": f.quote,
            "article": f.article,
            **({"tags": list(f.tags)} if f.tags else {}),
        }
        for f in sheet.facts
        if f.id.startswith("synthetic-")
    ]
    for i in range(0, len(copies), PER_FILE):
        text = yaml.safe_dump(
            {"facts": copies[i : i + PER_FILE]}, allow_unicode=True, sort_keys=False, width=1000
        )
        (folder / f"synthetic-{i // PER_FILE:02d}.yml").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facts", type=int, default=100_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="factbot-check-")) / "sheet"
    try:
        write_sheet(folder, args.facts)
        size = sum(f.stat().st_size for f in folder.glob("*.yml"))
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "bot", "check", str(folder)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        took = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        problems = sum(1 for line in done.stdout.splitlines() if line.startswith(str(folder)))
        print(
            f"factbot check, {args.facts:,} facts in {len(list(folder.glob('*.yml')))} files"
            f" ({size / 2**20:.0f} MiB): {took:.1f} s, peak memory {peak:.0f} MiB,"
            f" exit status {done.returncode}, {problems} problems reported"
        )
    finally:
        shutil.rmtree(folder.parent)


if __name__ == "__main__":
    main()
