"""The command line: factbot ask | check | build | eval | bench | serve | digest | stats."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# Subcommands owned by other modules: name -> "module:function(argv) -> int".
DELEGATED = {
    "serve": "bot.slack.server:main",
    "digest": "bot.slack.digest_job:main",
    "stats": "bot.stats:main",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if argv and argv[0] in DELEGATED:
        module, func = DELEGATED[argv[0]].split(":")
        return getattr(importlib.import_module(module), func)(argv[1:])
    parser = argparse.ArgumentParser(prog="factbot")
    parser.add_argument("command")
    args, _ = parser.parse_known_args(argv)
    print(f"factbot: unknown command {args.command!r}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
