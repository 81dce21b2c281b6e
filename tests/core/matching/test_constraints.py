"""Constraints: years, editions, numbers, months and choices a fact must have."""

from bot.matching.constraints import Constraints, constraint_text, constraints_of, satisfied


def pinned(*tokens: str) -> Constraints:
    return constraints_of(tokens)


def test_a_year_or_an_edition_the_fact_lacks_rules_it_out():
    """The 2019 fair is not the 2023 one; the seventh is not the sixth."""
    fact = pinned("2023", "#6")
    assert satisfied(pinned("2023"), fact)
    assert not satisfied(pinned("2019"), fact)
    assert not satisfied(pinned("#7"), fact)


def test_a_month_rules_out_only_a_fact_naming_other_months():
    """'In June' is not answered by a March figure, but a fact with no month may answer it."""
    assert not satisfied(pinned("@jun"), pinned("@mar"))
    assert satisfied(pinned("@jun"), pinned("2024"))


def test_a_choice_is_met_by_any_of_its_options():
    """'The third or the fourth' is answered by a fact about the fourth."""
    asked = Constraints(choices=(frozenset({"#3", "#4"}),))
    assert satisfied(asked, pinned("#4"))
    assert not satisfied(asked, pinned("#5"))


def test_spans_and_source_years_pin_nothing():
    """A range pins its start; 'the 2021 article' is not about 2021; 'round two' is second."""
    assert "2022" not in constraint_text("held five times (2018-2022)")
    assert "2021" not in constraint_text("the 2021 article said so")
    assert "2th round" in constraint_text("what happened in round two")
    assert "five" not in constraint_text("the five-year plan")
