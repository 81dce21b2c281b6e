"""`factbot fit`: weights and thresholds fitted on question sets, and leave-one-set-out."""

from bot.evaluation import Case
from bot.fitting import Prepared, leave_one_out, measure, search


def prepared(name: str, right_score: float, near_miss_score: float) -> list[Prepared]:
    """One answerable question whose fact scores `right_score`, one near miss."""
    hit = {"coverage": right_score, "overlap": right_score, "fuzzy": right_score}
    miss = {"coverage": near_miss_score, "overlap": near_miss_score, "fuzzy": near_miss_score}
    return [
        Prepared(Case("q", frozenset({"f"}), "plain"), name, False, [[("f", "a", hit)]]),
        Prepared(Case("n", frozenset(), "near_miss"), name, False, [[("g", "a", miss)]]),
    ]


def test_the_fit_finds_a_threshold_between_hits_and_near_misses():
    """With hits at 0.8 and near misses at 0.4, the fitted threshold answers one, declines the other."""
    data = prepared("a", 0.8, 0.4) + prepared("b", 0.7, 0.3)
    fit = search(data)
    assert 0.4 < fit.answer <= 0.7
    assert measure(data, fit) == (2, 2, 0, 2, 2)


def test_leaving_a_set_out_measures_it_with_the_others_fit():
    """Each set is measured with thresholds fitted without it."""
    data = prepared("a", 0.8, 0.3) + prepared("b", 0.75, 0.3)
    results = leave_one_out(data)
    assert [name for name, _, _ in results] == ["a", "b"]
    assert all(figures[0] == 1 and figures[3] == 1 for _, _, figures in results)
