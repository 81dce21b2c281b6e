"""Claims: a posted message is shown a fact only when the fact says what it says."""

from __future__ import annotations

import pytest

from bot.matching.claims import amounts, as_claim, claim_amounts
from bot.matching.decide import Answer
from bot.matching.matcher import Matcher


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("almost 410k visitors", [410_000.0]),
        ("1.5 trillion yuan", [1.5e12]),
        ("a 2,500 m hall", [2500.0]),  # metres, not millions: a short word after a space
        ("3bn in deals", [3e9]),
        ("three offices", [3.0]),
        ("opened in 2019", []),  # a year
        ("the 4th office, our #1 priority", []),  # editions and ranks
        ("8 chapters, I'm on chapter 3", [8.0]),
        ("at expo number 2", []),
        ("as of March '21, in the 2021-25 plan", []),  # years, shortened
        ("almost a million visitors", [1e6]),
    ],
)
def test_amounts_are_read_as_people_write_them(text: str, expected: list[float]) -> None:
    """Scales ("k", "trillion"), counts in words; years and editions are not amounts."""
    assert amounts(text) == expected


def shown(office: Matcher, message: str) -> str | None:
    result = office.match_claim(message)
    return result.fact.id if isinstance(result, Answer) else None


def test_a_restated_amount_finds_its_fact_even_rounded(office: Matcher) -> None:
    """ "About 5k euros" is the 5,000 euros the charity fact states."""
    assert shown(office, "Lisbon staff raised about 5k euros for charity in 2024") == (
        "charity-2024"
    )


def test_a_claims_numbers_are_checked_with_rounding_not_as_exact_constraints(
    office: Matcher,
) -> None:
    """ "About 41 people" is the Denver office's 40, which a question's exact number is not."""
    assert shown(office, "the Denver office has about 41 people") == "denver-headcount"
    assert not isinstance(office.match("the Denver office has about 41 people"), Answer)


def test_a_different_amount_is_not_supported(office: Matcher) -> None:
    """ "8,000 euros" is not what the fact says, so no fact is shown for it."""
    assert shown(office, "Lisbon staff raised 8,000 euros for charity in 2024") is None
    assert shown(office, "the Denver office has 400 people") is None
    assert shown(office, "the Denver office has 40 people") == "denver-headcount"


def test_a_month_the_fact_does_not_give_is_not_supported(office: Matcher) -> None:
    """The charity money was raised in March: a claim of June is not that fact."""
    assert shown(office, "Lisbon staff raised 5,000 euros for charity in June 2024") is None
    assert shown(office, "Lisbon staff raised 5,000 euros for charity in March 2024") == (
        "charity-2024"
    )


def test_a_name_the_fact_does_not_give_is_not_supported(office: Matcher) -> None:
    """Ana Costa manages the Lisbon office; a claim that she runs Denver's has no fact."""
    assert shown(office, "Ana Costa manages the Lisbon office") == "lisbon-manager"
    assert shown(office, "Ana Costa manages the Denver office") is None


def test_a_claim_about_an_article_is_checked_against_its_own_date_and_outlet(
    office: Matcher,
) -> None:
    """ "The handbook piece is from January 5" is its date; another day or outlet is not."""
    assert shown(office, "the handbook piece is from January 5 2024") == "source-hb-date"
    assert shown(office, "the handbook piece is from January 6 2024") is None
    assert shown(office, "Team Wiki ran the handbook article") == "source-hb-outlet"
    assert shown(office, "the Daily Planet ran the handbook article") is None


def test_a_claim_counts_what_it_spells_out_but_not_numbering(office: Matcher) -> None:
    """ "Three people" is a count; "the number two" is a rank, not an amount."""
    claim = as_claim(office.parse("three people run the Lisbon office and Ana is the number two"))
    assert claim_amounts(claim) == [3.0]


def test_a_statement_asks_for_nothing(office: Matcher) -> None:
    """ "The number of people in Denver is 40" is a claim, not a "how many" question, and the
    fact is shown; read as a question its wording would be gated as one."""
    assert shown(office, "the number of people at the Denver office is 40") == "denver-headcount"
    assert not as_claim(office.parse("the number of people at the Denver office is 40")).kinds
