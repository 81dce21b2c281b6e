"""The text stage: words, stems, folding, a sheet's own synonyms, bounded cost."""

import tracemalloc

from bot.matching.text import Folding, Glossary, deletes, fold, normalise, stem, words


def test_words_take_plain_text_and_drop_a_typed_address():
    """The core reads plain text (Slack's markup is undone at the edge); "@factbot," typed at
    the start is not a word of the question."""
    assert words("@factbot, how many & which?") == ["how", "many", "which"]
    assert words("3,400 exhibitors") == ["3400", "exhibitors"]


def test_numbers_ordinals_and_months_fold_to_one_form():
    """'Sixth' and '6th', 'two' and '2', 'Nov' and 'November' meet."""
    assert normalise("the sixth fair") == normalise("the 6th fair")
    assert normalise("two offices") == normalise("2 offices")
    assert normalise("in Nov") == normalise("in November")


def test_stems_meet_british_and_american_spellings():
    """'Organisation' and 'organization', 'travellers' and 'travelers' are one word."""
    assert stem("organisation") == stem("organization")
    assert stem("travellers") == stem("travelers")


def test_a_stem_is_never_a_function_word_the_word_was_not():
    """ "Theme" and "themes" meet, but not "them", which a long message drops as chatter."""
    assert stem("theme") == stem("themes") != stem("them")


def test_a_sheets_own_synonyms_override_the_general_ones():
    """One sheet says a stand is a pavilion, another that it is a stand-up meeting."""
    expo = Folding([["pavilion", "stand", "booth"]])
    assert expo.token("stand") == expo.token("pavilion")
    own = Folding([["standup", "stand", "daily sync"]])
    assert own.token("stand") == own.token("standup")
    assert own.token("stand") != own.token("pavilion")


def test_glossary_aliases_fold_onto_one_token():
    """An alias phrase and its canonical name fold alike."""
    glossary = Glossary([("Lisbon office", "LIS office")])
    assert fold("the LIS office", glossary)[0] == fold("the Lisbon office", glossary)[0]


def test_long_words_cost_no_more_than_their_length():
    """A 40,000-character word makes no typo variants and is not stemmed letter by letter."""
    word = "a" * 40_000
    assert deletes(word) == set()
    tracemalloc.start()
    assert stem(word) == word
    normalise(word * 3)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000
