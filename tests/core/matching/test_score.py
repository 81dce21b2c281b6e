"""The score stage: gates, then named features blended by fitted weights."""

from bot.matching.score import FEATURES, Weights, blend, features, names_met, passes


def profile(office, fid):
    return next(p for p in office.profiles if p.fact.id == fid)


def test_an_office_the_fact_does_not_name_rules_it_out(office):
    """'How many work in Lisbon' is not answered by Denver's headcount."""
    q = office.parse("how many people work in the lisbon office")
    assert not passes(profile(office, "denver-headcount"), q, office.world)
    assert not names_met(q.constraints.names, profile(office, "denver-headcount"), office.world)


def test_features_are_in_range_and_blended_by_weight(office):
    """Every feature is in [0, 1]; the blend is their weighted sum."""
    q = office.parse("who manages the lisbon office")
    values = features(profile(office, "lisbon-manager"), q, office.index)
    assert set(values) <= set(FEATURES) and all(0 <= v <= 1 for v in values.values())
    only_coverage = Weights(coverage=1.0, overlap=0.0, fuzzy=0.0, semantic=0.0)
    assert blend(values, only_coverage) == round(values["coverage"], 4)
