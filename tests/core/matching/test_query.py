"""The parse stage: one value per question; long messages read clause by clause."""

from bot.matching.query import asks, split_clauses
from bot.matching.text import MAX_CHARS


def test_a_question_is_parsed_once_into_its_parts(office):
    """Tokens, kinds, focus and constraints all come from one parse."""
    q = office.parse("How many people work in the Denver office in 2024?")
    assert "count" in q.kinds and q.focus.head == "peopl"
    assert q.constraints.years == {"2024"} and "denver" in q.constraints.names


def test_a_place_or_name_the_world_never_saw_is_unknown(office):
    """'Austin' (in any case) and 'Harbin' are places the sheet never names; 'Lisbon' is one."""
    for city in ("Austin", "austin", "harbin"):
        assert office.parse(f"how many people work in the {city} office").unknown, city
    assert not office.parse("who manages the lisbon office").unknown
    # A typo of a sheet word is not a new name.
    assert not office.parse("who manages the lisbn office").unknown


def test_long_messages_are_split_and_the_asking_clause_found():
    """The clause that asks is the question; chatter around it is context."""
    text = "Hi team! I'm making a deck for Friday. How many people work in Denver? Thanks"
    pieces = split_clauses(text)
    assert [p for p in pieces if asks(p)] == ["How many people work in Denver?"]


def test_context_years_pin_a_long_question(office):
    """'We hire in 2027. How many work in Denver?' asks about 2027."""
    q = office.parse("We are planning to hire more in 2027. How many people work in Denver then?")
    assert q.clauses and all("2027" in c.constraints.years for c in q.clauses)


def test_relative_editions_are_not_times(office):
    """'Next year' and 'who is paged next' name no edition."""
    assert not office.parse("what happens next year").constraints.ordinals
    assert not office.parse("who gets paged next").constraints.ordinals


def test_a_long_message_is_cut_and_says_so(office):
    """Past MAX_CHARS the text is cut; the result carries that, so the reply can say it."""
    result = office.match("who manages the lisbon office? " + "x" * (3 * MAX_CHARS))
    assert result.truncated and len(result.question) <= MAX_CHARS


def test_an_ordinal_beside_a_month_is_a_day_not_an_edition(office):
    """ "On November 5th" pins a day; "the 5th fair" pins an edition."""
    assert not office.parse("what happened on November 5th").constraints.ordinals
    assert not office.parse("what happened on the 5th of November").constraints.ordinals
    assert office.parse("what happened at the 5th fair").constraints.ordinals == {"#5"}
