from pathlib import Path

import pytest

from bot.evaluation import evaluate, load_cases
from bot.matcher import normalise

DATA = Path(__file__).resolve().parents[1] / "data"

# The floor each question set must hold (in-scope accuracy, out-of-scope decline rate); raise
# it when the matcher improves, never lower it to make a change pass (they were reset once, when
# the rules tied to the bundled articles were removed and the semantic signal turned on). Figures as measured:
# `factbot eval --questions tests/data/<set>.yml`. questions.yml is the working set; the
# heldout sets were written blind from the articles, and heldout2.yml was never read while
# tuning.
FLOORS = {
    "questions.yml": (0.94, 0.96),
    "longsource.yml": (0.77, 0.87),
    "blindA.yml": (0.82, 0.93),
    "blindB.yml": (0.84, 0.86),
    "blindD.yml": (0.70, 0.94),
    "blindE.yml": (0.80, 0.82),
    "heldout.yml": (0.97, 0.98),
    "heldout2.yml": (0.95, 1.0),
    "heldout3.yml": (0.93, 1.0),
    "heldout4.yml": (0.96, 0.96),
    "heldout5.yml": (0.90, 1.0),
    "heldout6.yml": (0.90, 0.98),
    "heldout7.yml": (0.93, 1.0),
    "heldout8.yml": (0.85, 0.98),
    "heldout9.yml": (0.82, 0.96),
}


def test_normalise_folds_case_punctuation_plurals_and_ordinals():
    """Different spellings of the same question normalise alike."""
    assert normalise("How many VISITORS came to the 6th CIIE?") == normalise(
        "how many visitor came to the sixth ciie"
    )


def test_answers_with_typos_word_order_and_mentions(core):
    """Typos, shuffled keywords and an @FactBot prefix still find the fact."""
    for question in (
        "how many contries did china donate vacines to",
        "vaccines donated countries china how many",
        "@FactBot how many countries did China donate vaccines to?",
        "<@U0BOT> how many countries did China donate vaccines to?",
    ):
        result = core.answer(question)
        assert result.outcome == "answer", question
        assert "69" in result.fact.answer


def test_glossary_works_in_both_directions(core):
    """The abbreviation and the full name reach the same fact."""
    short = core.answer("how many exhibitors at the 2023 CIIE")
    full = core.answer("how many exhibitors at the 2023 China International Import Expo")
    assert short.outcome == full.outcome == "answer"
    assert short.fact.id == full.fact.id


def test_unrelated_questions_are_declined(core):
    """Nothing in the sheet is about wifi or lunch."""
    for question in ("what's the wifi password?", "where is lunch today", "thanks!"):
        assert core.answer(question).outcome == "no_match", question


def test_another_year_or_edition_is_a_constraint(core):
    """The 2019 CIIE or a seventh CIIE never gets the 2023 figures."""
    assert core.answer("how many exhibitors came to the 2023 CIIE").outcome == "answer"
    for question in (
        "how many visitors came to the 2019 CIIE?",
        "how many exhibitors came to the seventh CIIE",
        "how many exhibitors came to the 7th CIIE",
    ):
        assert core.answer(question).outcome == "no_match", question


def test_another_place_is_a_constraint(core):
    """Beijing's exchange-center plan does not answer for Shanghai."""
    assert (
        core.answer("when will beijing become an international exchange center").outcome == "answer"
    )
    assert (
        core.answer("when will shenzhen become an international exchange center").outcome
        == "no_match"
    )


def test_asking_for_a_count_the_fact_does_not_give_is_declined(core):
    """'How many embassies' is not answered by where the embassy quarter is."""
    assert (
        core.answer("how many embassies are in beijing's fourth embassy quarter").outcome
        != "answer"
    )


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_question_sets_hold_the_floor(core, name):
    """Accuracy and decline rate on each question set stay above the recorded floor."""
    min_accuracy, min_decline_rate = FLOORS[name]
    report = evaluate(core.matcher, load_cases(DATA / name), core.matcher.thresholds)
    assert report.in_total >= 75 and report.out_total >= 40
    assert report.accuracy >= min_accuracy, report.misses
    assert report.decline_rate >= min_decline_rate, report.misses


def test_what_a_count_is_of_must_be_in_the_fact(core):
    """'How many vaccine factories' is not answered by a count of countries."""
    assert core.answer("how many countries did china donate vaccines to").outcome == "answer"
    assert core.answer("how many vaccine factories did china donate").outcome == "no_match"
    assert core.answer("which vaccine suppliers did china donate from").outcome == "no_match"
