"""The follow-up stage: a question in a thread read in the light of the bot's last reply."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.articles import Article
from bot.factsheet import FactSheet
from bot.matching.decide import Ambiguous, Answer, Candidate, NoMatch
from bot.matching.followup import (
    Turn,
    follow_up,
    in_context,
    names_own_topic,
    on_topic,
    with_shifted_era,
)
from bot.matching.matcher import Matcher
from tests.core.matching.conftest import make_fact

MANAGER = Turn("who manages the lisbon office", "lisbon-manager")
CHARITY = Turn("how much did lisbon raise for charity in 2024", "charity-2024")


def answered(office: Matcher, previous: Turn | None, followup: str) -> str | None:
    result, _ = follow_up(office, previous, followup)
    return result.fact.id if isinstance(result, Answer) else None


@pytest.fixture(scope="module")
def offices() -> Matcher:
    """Two offices, each with a manager and an opening year: "when did it open?" alone is
    one of two."""
    text = (
        "Ana Costa manages the Lisbon office, which opened in 2019. "
        "Ben Ode manages the Denver office, which opened in 2021."
    )
    article = Article("hb", "The Handbook", False, "Team Wiki", dt.date(2024, 1, 5), None, text, "")
    facts = tuple(
        make_fact(f"{city}-{what}", questions, answer)
        for city, manager, year in (("lisbon", "Ana Costa", 2019), ("denver", "Ben Ode", 2021))
        for what, questions, answer in (
            (
                "manager",
                [f"who manages the {city} office", f"{city} office manager"],
                f"{manager} manages the {city.title()} office.",
            ),
            (
                "opened",
                [f"when did the {city} office open", f"{city} office opening year"],
                f"The {city.title()} office opened in {year}.",
            ),
        )
    )
    return Matcher(FactSheet(facts, (), {"hb": article}))


def test_a_follow_up_that_names_no_topic_is_read_against_the_previous_one(
    offices: Matcher,
) -> None:
    """ "And when did it open?" is the opening of the office the last answer was about."""
    assert answered(offices, None, "and when did it open?") is None
    denver = Turn("who manages the denver office", "denver-manager")
    assert answered(offices, denver, "and when did it open?") == "denver-opened"
    lisbon = Turn("who manages the lisbon office", "lisbon-manager")
    assert answered(offices, lisbon, "and when did it open?") == "lisbon-opened"


def test_what_about_another_topic_asks_the_previous_question_of_it(offices: Matcher) -> None:
    """ "What about the Denver office?" after the Lisbon opening: Denver's opening."""
    lisbon = Turn("when did the lisbon office open", "lisbon-opened")
    assert answered(offices, None, "what about the denver office?") != "denver-opened"
    assert answered(offices, lisbon, "what about the denver office?") == "denver-opened"


def test_a_follow_up_naming_its_own_topic_is_matched_alone(office: Matcher) -> None:
    """A new question in the thread gets its own answer, not the previous topic's."""
    assert answered(office, MANAGER, "how many people work in the denver office?") == (
        "denver-headcount"
    )


def test_words_the_sheet_has_never_seen_are_not_read_against_the_previous_topic(
    office: Matcher,
) -> None:
    """ "What's the wifi password?" in the thread is declined, not answered with Lisbon."""
    result, _ = follow_up(office, MANAGER, "what's the wifi password?")
    assert isinstance(result, NoMatch)


def test_a_follow_up_pointing_back_leans_on_the_previous_question(office: Matcher) -> None:
    """Three words of its own stand alone, unless the follow-up points back ("it")."""
    parse = office.parse
    assert names_own_topic(parse("how many people work downstairs"), office)
    assert not names_own_topic(parse("how many people work in it"), office)


def test_a_pinned_year_replaces_the_previous_time_frame(office: Matcher) -> None:
    """ "And in 2023?" after the 2024 charity total: no 2023 total is known, so no answer."""
    result, taken = follow_up(office, CHARITY, "and in 2023?")
    assert not isinstance(result, Answer)
    assert "2024" not in taken and taken.endswith("and in 2023?")


def test_the_year_before_is_counted_from_the_previous_question(office: Matcher) -> None:
    """ "And the year before?" after the 2024 total asks about 2023, which no fact gives."""
    result, taken = follow_up(office, CHARITY, "and the year before?")
    assert not isinstance(result, Answer)
    assert "2023" in taken and "2024" not in taken
    after = office.parse("what about the year after?")
    assert with_shifted_era(after, office.parse(CHARITY.question)) == (
        "what about the year after? (2025)"
    )


def test_the_one_before_is_counted_from_the_previous_edition(office: Matcher) -> None:
    """ "And the one before?" after a question about the third session: the second."""
    third = office.parse("what was said at the third session?")
    assert with_shifted_era(office.parse("and the one before?"), third) == (
        "and the one before? (the 2nd)"
    )
    assert office.parse("and the one before? (the 2nd)").constraints.ordinals == {"#2"}


def test_of_close_candidates_the_one_naming_the_threads_topic_is_the_answer(
    office: Matcher,
) -> None:
    """A choice between a Lisbon fact and a Denver one, in a thread about the Lisbon office."""
    lisbon, denver = (office.profile(i).fact for i in ("lisbon-opened", "denver-headcount"))
    choice = Ambiguous("q", (Candidate(denver, 0.7), Candidate(lisbon, 0.69)))
    picked = on_topic(office, choice, frozenset({"lisbon_office"}))
    assert isinstance(picked, Answer) and picked.fact is lisbon
    assert on_topic(office, choice, frozenset()) is choice


def test_in_context_puts_an_edition_in_place_of_the_previous_year_and_month() -> None:
    """An edition, a year or a month each replaces all three of the previous question's."""
    assert in_context("what did she say in march 2024?", "and at the second one?", _pins()) == (
        "what did she say in and at the second one?"
    )


def test_the_fact_already_given_answers_a_follow_up_it_covers(office: Matcher) -> None:
    """ "Which year exactly?" after the opening year: the same fact again."""
    opened = Turn("when did the lisbon office open", "lisbon-opened")
    assert answered(office, opened, "which year exactly?") == "lisbon-opened"


def test_what_else_never_gives_the_same_fact_again(office: Matcher) -> None:
    """ "What else?" after the deploy days is not answered with the deploy days."""
    deploys = Turn("which days can we deploy", "deploy-days")
    assert answered(office, deploys, "what else?") != "deploy-days"


def test_a_source_follow_up_names_the_source_of_the_last_answer(office: Matcher) -> None:
    """ "Which outlet published that?" gives the source of the article the answer came from."""
    assert answered(office, MANAGER, "which outlet published that?") == "source-hb-outlet"


def test_after_an_answer_about_an_article_when_asks_its_date(office: Matcher) -> None:
    """ "Which outlet ran the handbook?", then "what date was it?": the handbook's date."""
    outlet = Turn("which outlet ran the handbook piece?", "source-hb-outlet")
    assert answered(office, outlet, "what date was it?") == "source-hb-date"


def test_after_a_choice_from_one_article_a_source_follow_up_names_that_source(
    offices: Matcher,
) -> None:
    """ "When did the office open?" offers Lisbon or Denver, both from the handbook: "which
    outlet published that?" is the handbook's outlet."""
    choice = Turn("when did the office open?", None)
    assert offices.match(choice.question).outcome == "ambiguous"
    assert answered(offices, choice, "which outlet published that?") == "source-hb-outlet"


def test_the_follow_up_query_carries_the_previous_topic_as_context(office: Matcher) -> None:
    """The follow-up's words are what is asked; the previous question's are context."""
    query = office.parse_follow_up("when did it open?", "who manages the lisbon office")
    assert "open" in " ".join(query.tokens)
    assert any("lisbon" in t for t in query.context)
    assert not any("lisbon" in t for t in query.tokens)


def _pins():
    from bot.matching.constraints import Constraints
    from bot.matching.query import Query

    return Query(
        text="and at the second one?",
        truncated=False,
        typed=(),
        raw=(),
        tokens=(),
        constraints=Constraints(ordinals=frozenset({"#2"})),
        kinds=frozenset(),
        focus=None,
        topics=frozenset(),
        unknown=frozenset(),
    )
