"""A sheet's world: names derived from its articles, places from the gazetteer."""

from bot.matching.gazetteer import places_in
from bot.matching.world import derive_names


def test_names_are_capitalised_never_lower_case_and_rare():
    """'Lisbon' and 'Costa' are names; 'The' at a sentence start and 'Office' in a title are not."""
    names = derive_names(
        ["The office in Lisbon is run by Ana Costa.\nThe Office Handbook Guide Rules"]
    )
    assert {"lisbon", "costa"} <= names
    assert "the" not in names and "office" not in names


def test_places_are_found_in_lower_case_and_in_several_words():
    """'austin' and 'hong kong' are places; 'reading' (a word) is not."""
    assert places_in(["the", "austin", "office"]) == ["austin"]
    assert places_in(["in", "hong", "kong"]) == ["hong_kong"]
    assert places_in(["reading", "list"]) == []
