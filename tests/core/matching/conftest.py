"""Small sheets for the matcher's stages, built in the test (never the bundled one)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.articles import Article
from bot.factsheet import Fact, FactSheet
from bot.matching.matcher import Matcher

HANDBOOK = (
    "The Lisbon office opened in 2019. Ana Costa manages it. The Denver office has 40 people.\n"
    "Deploys happen on Tuesday and Thursday.\n"
    "(Photo: Rui Alves)\n"
)
NEWS = "Staff in Lisbon raised 5,000 euros for charity in March 2024."


def make_fact(fid: str, questions: list[str], answer: str, article: str = "hb", **kw) -> Fact:
    return Fact(fid, tuple(questions), answer, "x", article, **kw)


@pytest.fixture(scope="module")
def office() -> Matcher:
    """Two articles of an imaginary team: a handbook and a news item."""
    articles = {
        "hb": Article(
            "hb", "The Handbook", False, "Team Wiki", dt.date(2024, 1, 5), None, HANDBOOK, "hb.txt"
        ),
        "news": Article(
            "news", "Charity news", True, None, dt.date(2024, 4, 2), None, NEWS, "n.txt"
        ),
    }
    facts = (
        make_fact(
            "lisbon-manager",
            ["who manages the lisbon office", "lisbon office manager"],
            "Ana Costa manages the Lisbon office.",
        ),
        make_fact(
            "denver-headcount",
            ["how many people work in the denver office", "denver headcount"],
            "The Denver office has 40 people.",
        ),
        make_fact(
            "lisbon-opened",
            ["when did the lisbon office open", "lisbon office opening year"],
            "The Lisbon office opened in 2019.",
        ),
        make_fact(
            "deploy-days",
            ["which days can we deploy", "deploy days"],
            "Deploys happen on Tuesday and Thursday.",
        ),
        make_fact(
            "charity-2024",
            ["how much did lisbon raise for charity in 2024", "charity total 2024"],
            "Staff in Lisbon raised 5,000 euros for charity in March 2024.",
            article="news",
        ),
    )
    return Matcher(FactSheet(facts, (("Lisbon office", "LIS office"),), articles))
