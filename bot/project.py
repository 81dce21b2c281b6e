"""A team's own sheet as one folder: `articles/` (the texts and `articles.yml`) and `facts/`.

factbot init my-sheet            # lays the folder out
cp our-articles/*.txt my-sheet/articles/
factbot build my-sheet           # articles.yml entries and draft facts from the texts
factbot check my-sheet           # after a curator promotes drafts
factbot ask --facts my-sheet "..."   (or FACTBOT_FACTS=my-sheet factbot serve)
"""

from __future__ import annotations

from pathlib import Path

from bot.articles import METADATA_FILE, bundled_articles_dir
from bot.errors import ConfigError
from bot.factsheet import bundled_sheet_path

ARTICLES = "articles"
FACTS = "facts"

ARTICLES_TEMPLATE = """\
# The articles this sheet is curated from, one entry per text file in this folder.
# `factbot build` adds an entry for each new file from what its header says; a curator checks
# the fields it lists under `confirm` (guessed, not read) and then deletes that line.
#
#   - id: team-handbook          # short, unique; facts name their article by it
#     file: handbook.txt         # the text, in this folder
#     title: "Our Handbook"      # the headline, as replies show it
#     title_descriptive: false   # true when the text has no headline and the title is ours
#     outlet: "Team Wiki"        # where it was published (optional)
#     byline: "Jane Doe"         # who wrote it (optional)
#     date: 2025-03-10           # publication date, YYYY-MM-DD
#     url: null                  # a link to it (optional)
[]
"""

FACTS_TEMPLATE = """\
# Curated facts (see FORMAT.md in the package for every field). `factbot build` writes drafts
# to drafts.yml beside this file; a curator edits one, moves it here, sets `status: curated`
# and gives it at least three phrasings.
facts: []
"""


def init(folder: Path) -> list[Path]:
    """Lay out a new sheet folder; refuse to overwrite anything. Returns the files made."""
    articles = folder / ARTICLES / METADATA_FILE
    facts = folder / FACTS / "facts.yml"
    existing = [p for p in (articles, facts) if p.exists()]
    if existing:
        raise ConfigError(f"{existing[0]} already exists; nothing was changed")
    articles.parent.mkdir(parents=True, exist_ok=True)
    facts.parent.mkdir(parents=True, exist_ok=True)
    articles.write_text(ARTICLES_TEMPLATE, encoding="utf-8")
    facts.write_text(FACTS_TEMPLATE, encoding="utf-8")
    return [articles, facts]


def is_project(folder: Path) -> bool:
    return folder.is_dir() and (folder / ARTICLES / METADATA_FILE).is_file()


def locate(facts: Path | None, articles: Path | None = None) -> tuple[Path, Path]:
    """(sheet path, articles folder) for what a user named: a sheet folder made by `init`,
    a sheet file or folder of .yml files, or nothing (the bundled sheet and articles)."""
    if facts is None:
        return bundled_sheet_path(), articles or bundled_articles_dir()
    if articles is None and is_project(facts):
        return facts / FACTS, facts / ARTICLES
    return facts, articles or bundled_articles_dir()
