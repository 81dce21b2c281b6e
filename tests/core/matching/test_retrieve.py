"""The retrieve stage: candidates from the index, typo repair on the sheet's words."""


def test_typos_are_mended_into_sheet_words_only(office):
    """'Managr' is 'manages'? No: one edit to a sheet word ('manager'); 'mayor' stays itself."""
    assert office.index.correct("managr") == "manager"
    assert office.index.correct("mayor") == "mayor"


def test_the_pool_holds_facts_sharing_rare_words(office):
    """A question's rare words find their facts first."""
    q = office.parse("denver headcount")
    weights = {t: office.index.weight(t) for t in q.tokens}
    pool = office.index.pool(list(q.tokens), weights)
    assert office.profiles[pool[0]].fact.id == "denver-headcount"


def test_two_known_words_written_as_one_are_known(office):
    """'Deploydays' is two words the sheet knows, not a new name."""
    assert office.index.compound_of_known("deploydays")
