"""The command line: factbot ask | check | build | eval | bench | serve | digest | stats."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from pathlib import Path

from bot import __version__
from bot.articles import confirmations, load_articles
from bot.core import Core
from bot.errors import ConfigError, FactBotError, SheetError
from bot.factsheet import bundled_sheet_path, read_sheet
from bot.matcher import Result, truncation_note
from bot.project import is_project, locate

log = logging.getLogger(__name__)

DEFAULT_QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "questions.yml"


def result_json(core: Core, result: Result) -> dict:
    """One question's outcome as the JSON object `factbot ask --json` prints."""
    fact = getattr(result, "fact", None)
    if fact is None and result.outcome == "ambiguous":
        fact = result.candidates[0].fact
    others = {
        "answer": lambda r: r.alternatives,
        "ambiguous": lambda r: r.candidates[1:],
        "no_match": lambda r: r.closest,
    }[result.outcome](result)
    article = core.article(fact) if fact else None
    return {
        "question": result.question,
        "outcome": result.outcome,
        "fact_id": fact.id if fact else None,
        "answer": fact.answer if fact else None,
        "article": article.id if article else None,
        "source": article.source if article else None,
        "date": article.date.isoformat() if article else None,
        "score": result.score,
        "alternatives": [{"fact_id": c.fact.id, "score": c.score} for c in others],
    }


def result_text(core: Core, result: Result) -> str:
    """A terminal-friendly reply: answer with source and date, or an honest decline."""
    note = truncation_note(result)
    text = _result_text(core, result)
    return f"{text}\n    ({note})" if note else text


def _result_text(core: Core, result: Result) -> str:

    def cite(fact) -> str:
        a = core.article(fact)
        return f"    Source: {a.source} ({a.date.isoformat()})"

    if result.outcome == "answer":
        lines = [result.fact.answer, cite(result.fact)]
        if result.alternatives:
            lines.append(
                "    Related: " + "; ".join(c.fact.questions[0] for c in result.alternatives[:2])
            )
        return "\n".join(lines)
    if result.outcome == "ambiguous":
        best = result.candidates[0].fact
        lines = [
            "I'm not sure which you mean. Best guess:",
            best.answer,
            cite(best),
            "Did you mean:",
        ]
        lines += [f"  - {c.fact.questions[0]}" for c in result.candidates]
        return "\n".join(lines)
    lines = ["I don't know that yet. I could not find it in the fact sheet."]
    if result.closest:
        lines.append(
            "Closest topics I do know: " + "; ".join(c.fact.questions[0] for c in result.closest)
        )
    return "\n".join(lines)


ASK_HELP = """\
Ask FactBot a question in your own words, as you would ask a colleague:

    factbot ask "how many people came to the launch?"
    factbot ask "when was the new policy announced, and who announced it?"

It answers from the curated fact sheet and names the source article and its date; when it
does not know, it says so and suggests the closest topics instead of guessing. Questions
about the articles themselves work too ("which outlet ran that story?"). One question
per line on standard input also works; --json prints one JSON object per answer; --facts
names your own sheet folder (see `factbot init`)."""


def cmd_ask(args: argparse.Namespace) -> int:
    if [w.lower() for w in args.question] in (["help"], ["--help"], ["?"]):
        print(ASK_HELP)
        return 0
    core = Core(args.facts, args.articles)
    questions = [" ".join(args.question)] if args.question else (ln.strip() for ln in sys.stdin)
    for question in questions:
        if not question:
            continue
        result = core.answer(question)
        if args.json:
            print(json.dumps(result_json(core, result), ensure_ascii=False), flush=True)
        else:
            print(result_text(core, result))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from bot.project import init

    made = init(args.folder)
    for path in made:
        print(f"created {path}")
    print(
        f"Next: put your articles (.txt or .md) in {args.folder / 'articles'}, then run"
        f" `factbot build {args.folder}`."
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    path, articles_dir = locate(args.path, args.articles)
    articles, problems = load_articles(articles_dir)
    for note in confirmations(articles_dir):
        print(f"note: {note}")
    sheet, sheet_problems = read_sheet(path, articles)
    problems += sheet_problems
    for problem in sorted(problems, key=lambda p: (p.file, p.line)):
        print(problem)
    if any(p.fatal for p in problems):
        return 2
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    drafts = len(sheet.facts) - len(sheet.curated)
    print(
        f"OK: {len(sheet.curated)} curated facts, {drafts} drafts, {len(sheet.glossary)} glossary "
        f"groups, {len(articles)} articles ({path})"
    )
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from bot.build import merge_drafts, register_articles

    if args.folder is not None:
        if not is_project(args.folder):
            raise ConfigError(f"{args.folder} is not a sheet folder (make one: factbot init)")
        sheet, directory = locate(args.folder)
    elif args.articles is not None:
        directory = args.articles
        sheet = args.sheet or bundled_sheet_path()
    else:
        raise ConfigError("name a sheet folder (factbot build my-sheet) or --articles DIR")
    for entry in register_articles(directory):
        guessed = f" (to confirm: {', '.join(entry['confirm'])})" if "confirm" in entry else ""
        print(f"article {entry['id']}: {entry['title']!r}, {entry['date']}{guessed}")
    articles, problems = load_articles(directory)
    if any(p.fatal for p in problems):
        raise SheetError(problems)
    target = sheet / "drafts.yml" if sheet.is_dir() else sheet
    added = merge_drafts(articles, sheet, target)
    print(f"{added} new draft fact(s) from {len(articles)} article(s) -> {target}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluation import calibrate, evaluate, format_report, load_cases

    paths = args.questions or [DEFAULT_QUESTIONS]
    if missing := [p for p in paths if not p.is_file()]:
        # The project's question sets live in its source checkout (tests/data/), not in the
        # installed package: an installed FactBot evaluates the sets you name.
        raise ConfigError(
            f"no question set at {missing[0]}: give one with --questions FILE (the project's"
            " sets are in tests/data/ of its source checkout)"
        )
    core = Core(args.facts, args.articles)
    cases = [case for path in paths for case in load_cases(path)]
    matcher = core.matcher
    if args.calibrate:
        _, report = calibrate(matcher, cases)
    else:
        # The thresholds the matcher answers with (they differ with the semantic signal on).
        report = evaluate(matcher, cases, matcher.thresholds)
    print(format_report(report))
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    from bot.fitting import leave_one_out, load_sets, measure, prepare, search, weights_yaml
    from bot.matching.language import data_path

    prepared = prepare(load_sets(args.sets))
    semantic = any("semantic" in v for p in prepared for rows in p.parts for *_, v in rows)
    fits = {"lexical": search(prepared)}
    if semantic:
        fits["semantic"] = search(prepared, semantic=True)
    for label, fit in fits.items():
        w = fit.weights
        print(
            f"{label}: fitted on {len(prepared)} questions: coverage {w.coverage:.3f} overlap "
            f"{w.overlap:.3f} fuzzy {w.fuzzy:.3f} semantic {w.semantic:.3f}; answer >= "
            f"{fit.answer:.2f}, margin {fit.margin:.2f}: right {fit.accuracy:.1%}, declined "
            f"{fit.decline:.1%}, wrong {fit.wrong}"
        )
        for name in dict.fromkeys(p.set_name for p in prepared):
            r, n, wrong, d, m = measure([p for p in prepared if p.set_name == name], fit)
            print(f"  {name:<24} right {r}/{n}  wrong {wrong}  declined {d}/{m}")
        if args.loso:
            print(f"{label}: leave one set out (fitted on the others, measured on it):")
            rates = []
            for name, loso, (r, n, wrong, d, m) in leave_one_out(prepared, label == "semantic"):
                rates.append((r / max(n, 1), d / max(m, 1)))
                print(
                    f"  {name:<24} right {r}/{n} = {r / max(n, 1):.1%}  wrong {wrong}  "
                    f"declined {d}/{m} = {d / max(m, 1):.1%}  (answer >= {loso.answer:.2f}, "
                    f"semantic {loso.weights.semantic:.2f})"
                )
            acc, dec = zip(*rates, strict=True)
            print(
                f"  mean right {sum(acc) / len(acc):.1%} (worst {min(acc):.1%}), "
                f"mean declined {sum(dec) / len(dec):.1%} (worst {min(dec):.1%})"
            )
    if args.write:
        path = data_path("weights.yml")
        path.write_text(weights_yaml(fits["lexical"], fits.get("semantic")), encoding="utf-8")
        print(f"written: {path}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.slack.server import run  # Slack is imported only by the commands that use it

    return run(args)


def cmd_digest(args: argparse.Namespace) -> int:
    if args.dry_run:
        from bot.digest import dry_run

        sys.stdout.write(dry_run(args.date))
        return 0
    if args.date:
        raise ConfigError("--date is for --dry-run; --post always posts today's digest")
    from bot.slack.digest_job import post

    return post(args)


def cmd_stats(args: argparse.Namespace) -> int:
    from bot.stats import run

    return run(args)


def cmd_bench(args: argparse.Namespace) -> int:
    from bot.bench import run_bench

    return run_bench(sizes=args.sizes, queries=args.queries)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="factbot",
        description="Answer questions from a curated fact sheet, with sources.",
        epilog="Exit status: 0 ok, 1 problems found, 2 unusable input or settings.",
    )
    parser.add_argument("--version", action="version", version=f"factbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_sheet(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--facts",
            type=Path,
            help="a sheet folder (factbot init), or a sheet file or folder (default: bundled)",
        )
        p.add_argument("--articles", type=Path, help="articles folder with articles.yml")
        return p

    ask = with_sheet(sub.add_parser("ask", help="answer a question (or one per stdin line)"))
    ask.add_argument(
        "question",
        nargs="*",
        help="the question (none: one per line from stdin; 'help': how to ask)",
    )
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.set_defaults(run=cmd_ask)

    check = sub.add_parser("check", help="validate a fact sheet; print every problem")
    check.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="a sheet folder, file or folder of .yml (default: bundled)",
    )
    check.add_argument("--articles", type=Path, help="articles folder with articles.yml")
    check.set_defaults(run=cmd_check)

    init = sub.add_parser("init", help="lay out a new sheet folder for your own articles")
    init.add_argument("folder", type=Path, help="the folder to make (must not hold a sheet yet)")
    init.set_defaults(run=cmd_init)

    build = sub.add_parser(
        "build", help="add articles.yml entries and draft facts for new articles"
    )
    build.add_argument("folder", nargs="?", type=Path, help="a sheet folder made by factbot init")
    build.add_argument(
        "--articles", type=Path, help="or: a folder of article texts (articles.yml is made there)"
    )
    build.add_argument(
        "--sheet", type=Path, help="with --articles: the sheet the drafts join (default: bundled)"
    )
    build.set_defaults(run=cmd_build)

    ev = with_sheet(sub.add_parser("eval", help="accuracy and decline rate on a question set"))
    ev.add_argument(
        "--questions",
        type=Path,
        action="append",
        help="a question set (repeat to pool several; default tests/data/questions.yml)",
    )
    ev.add_argument("--calibrate", action="store_true", help="search thresholds on the set")
    ev.set_defaults(run=cmd_eval)

    fit = sub.add_parser("fit", help="fit the matcher's weights and thresholds on question sets")
    fit.add_argument(
        "--sets",
        type=Path,
        default=DEFAULT_QUESTIONS.parent / "sets.yml",
        help="the list of question sets (default: tests/data/sets.yml of the checkout)",
    )
    fit.add_argument("--loso", action="store_true", help="also leave each set out in turn")
    fit.add_argument("--write", action="store_true", help="write bot/data/weights.yml")
    fit.set_defaults(run=cmd_fit)

    bench = sub.add_parser("bench", help="matcher latency vs plain rapidfuzz WRatio")
    bench.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[10_000, 100_000],
        help="synthetic sheet sizes to time besides the bundled sheet (default 10000 100000)",
    )
    bench.add_argument(
        "--queries", type=int, default=300, help="questions timed per sheet (default 300)"
    )
    bench.set_defaults(run=cmd_bench)

    serve = sub.add_parser("serve", help="run the Slack app: Socket Mode, or HTTP with --http")
    serve.add_argument("--http", action="store_true", help="serve HTTP at /slack/events")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP: address to bind")
    serve.add_argument("--port", type=int, default=3000, help="HTTP: port (0 picks a free one)")
    serve.add_argument("--threads", type=int, default=8, help="HTTP: threads per process")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="HTTP: processes (gunicorn workers) sharing the port; one per CPU uses them all",
    )
    serve.set_defaults(run=cmd_serve)

    digest = sub.add_parser(
        "digest", help="print or post the daily digest (facts of the day, yesterday's questions)"
    )
    mode = digest.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="print the digest; post nothing")
    mode.add_argument(
        "--post", action="store_true", help="post today's digest to each channel once, then exit"
    )
    digest.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD (with --dry-run)")
    digest.add_argument(
        "--wait",
        type=float,
        default=330.0,
        help="with --post: seconds to wait for a channel another process is posting (default 330)",
    )
    digest.set_defaults(run=cmd_digest)

    stats = sub.add_parser("stats", help="what people asked and how FactBot did")
    stats.add_argument("--days", type=_positive, default=7, help="how many days back (default 7)")
    stats.set_defaults(run=cmd_stats)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    # The one place expected failures become a message and an exit status (bot/errors.py).
    try:
        return args.run(args)
    except SheetError as exc:
        print(f"factbot {args.command}: the fact sheet cannot be used:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return exc.exit_code
    except FactBotError as exc:
        print(f"factbot {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
