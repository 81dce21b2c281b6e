"""Figures for "Find the source" and thread follow-ups on the blind sets.

    python benchmarks/eval_conversations.py [--sources FILE ...] [--followups FILE ...]

By default every set: Find the source on blind sets G, I, K, M and O, follow-ups on F, H, J, L
and N (each was measured once when new; the figures of that first measurement are in each
file's header).

Sources: each message is matched as the shortcut matches it; a restated message is right when
the fact shown (the answer, or the first of "did you mean") is one of its labelled facts; an
unsupported one is right when no fact is shown. Follow-ups: the first turn is asked, and the
second is read in its light as a mention in the same thread would be (previous question = the
first turn as the bot took it). A follow-up or new-topic second turn is right when the bot
answers with one of its labelled facts; an unanswerable one when the bot answers nothing (a
decline or a "did you mean"), or answers on its own topic — never with a fact.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from bot.core import Core
from bot.matcher import Ambiguous, Answer, Turn
from bot.slack.payloads import from_slack

ROOT = Path(__file__).resolve().parents[1]


def shown_fact(result: object) -> str | None:
    fact = getattr(result, "fact", None)
    if fact is None and getattr(result, "outcome", "") == "ambiguous":
        fact = result.candidates[0].fact  # type: ignore[attr-defined]
    return fact.id if fact is not None else None


def sources(core: Core, path: Path) -> None:
    messages = yaml.safe_load(path.read_text())["messages"]
    right = {"restated": 0, "unsupported": 0}
    total = {"restated": 0, "unsupported": 0}
    misses = []
    for m in messages:
        fact = shown_fact(core.find_source(from_slack(m["text"])))
        total[m["kind"]] += 1
        ok = fact in m["facts"] if m["kind"] == "restated" else fact is None
        right[m["kind"]] += ok
        if not ok:
            misses.append((m["kind"], m["text"], fact, m["facts"]))
    print(
        f"Find the source ({path.name}): restated {right['restated']}/{total['restated']}"
        f" found the right fact ({right['restated'] / max(total['restated'], 1):.1%});"
        f" unsupported {right['unsupported']}/{total['unsupported']} got 'no curated fact"
        f" matches' ({right['unsupported'] / max(total['unsupported'], 1):.1%});"
        f" a wrong fact shown for {sum(1 for m in misses if m[2] is not None)}"
    )
    for kind, text, fact, want in misses:
        print(f"  [{kind}] {text!r}\n      shown {fact}; want {want or 'none'}")


def followups(core: Core, path: Path) -> None:
    conversations = yaml.safe_load(path.read_text())["conversations"]
    right: dict[str, int] = {}
    total: dict[str, int] = {}
    misses = []
    for c in conversations:
        first, taken = core.answer_in_thread(None, c["first"])
        # As the bot remembers a thread: an answer, or a "did you mean" (no fact given).
        given = first.fact.id if isinstance(first, Answer) else None
        previous = Turn(taken, given) if isinstance(first, Answer | Ambiguous) else None
        second, _ = core.answer_in_thread(previous, c["second"])
        kind = c["kind"]
        fact = second.fact.id if isinstance(second, Answer) else None
        if kind == "unanswerable":
            ok = fact is None
        else:
            ok = fact is not None and fact in c["second_facts"]
        total[kind] = total.get(kind, 0) + 1
        right[kind] = right.get(kind, 0) + ok
        if not ok:
            misses.append((kind, c["first"], c["second"], second.outcome, fact, c["second_facts"]))
    rest_right = right.get("new_topic", 0) + right.get("unanswerable", 0)
    rest_total = total.get("new_topic", 0) + total.get("unanswerable", 0)
    print(
        f"Follow-ups ({path.name}): second turns answered right {right.get('followup', 0)}/"
        f"{total.get('followup', 0)} ({right.get('followup', 0) / max(total.get('followup', 0), 1):.1%});"
        f" the rest (new topic answered on its own, or nothing said) {rest_right}/{rest_total}"
        f" ({rest_right / max(rest_total, 1):.1%}): new topic {right.get('new_topic', 0)}/"
        f"{total.get('new_topic', 0)}, unanswerable {right.get('unanswerable', 0)}/"
        f"{total.get('unanswerable', 0)}; answered with a wrong fact"
        f" {sum(1 for m in misses if m[4] is not None)}"
    )
    for kind, first, second, outcome, fact, want in misses:
        print(f"  [{kind}] {first!r} -> {second!r}\n      {outcome} {fact}; want {want or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    data = ROOT / "tests/data"
    parser.add_argument(
        "--sources",
        type=Path,
        nargs="*",
        default=[data / f"blind{x}_sources.yml" for x in "GIKMO"],
    )
    parser.add_argument(
        "--followups",
        type=Path,
        nargs="*",
        default=[data / f"blind{x}_followups.yml" for x in "FHJLN"],
    )
    args = parser.parse_args()
    core = Core()
    for path in args.sources:
        sources(core, path)
    for path in args.followups:
        followups(core, path)


if __name__ == "__main__":
    main()
