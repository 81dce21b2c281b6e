"""A second team's sheet (an imaginary company's handbook, newsletter and benefits update) runs
on the same code with no change: the check that nothing in bot/ knows the bundled articles."""

from pathlib import Path

import pytest

from bot.articles import load_articles
from bot.core import Core
from bot.evaluation import evaluate, load_cases
from bot.factsheet import read_sheet

TEAM2 = Path(__file__).resolve().parents[1] / "data" / "team2"


@pytest.fixture(scope="module")
def team2() -> Core:
    return Core(TEAM2 / "facts.yml", TEAM2 / "articles")


def test_the_second_sheet_passes_the_checks():
    """`factbot check` finds nothing wrong with the second team's sheet."""
    articles, problems = load_articles(TEAM2 / "articles")
    _, sheet_problems = read_sheet(TEAM2 / "facts.yml", articles)
    assert problems + sheet_problems == []


def test_the_second_sheet_holds_its_floor(team2):
    """Accuracy and declines on the second team's questions stay above the recorded floor
    (figures as measured: `factbot eval --facts tests/data/team2/facts.yml --articles
    tests/data/team2/articles --questions tests/data/team2/questions.yml`)."""
    report = evaluate(team2.matcher, load_cases(TEAM2 / "questions.yml"), team2.matcher.thresholds)
    assert report.in_total >= 80 and report.out_total >= 40
    assert report.accuracy >= 0.66, report.misses
    assert report.decline_rate >= 0.82, report.misses


def test_an_office_the_sheet_never_names_is_not_another_office(team2):
    """A question about an office the documents never mention is declined, not answered with
    a named office's figure."""
    for city in ("Austin", "austin", "Berlin", "harbin"):
        result = team2.answer(f"how many people work in the {city} office")
        assert result.outcome == "no_match", city


def test_questions_about_the_documents_themselves(team2):
    """Its headline, outlet and date come from the documents' metadata and headers."""
    result = team2.answer("which outlet published the office newsletter?")
    assert result.outcome == "answer"
    assert result.fact.id == "source-office-news-outlet"
    assert "The Tessellate Dispatch" in result.fact.answer
