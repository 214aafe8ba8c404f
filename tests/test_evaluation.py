import pytest

from tilnlp.evaluation import accuracy_with_ci, wilson_interval


def test_wilson_interval_matches_the_textbook_value():
    # 60/100 at 95%: the Wilson interval is 0.5020 .. 0.6906 (Agresti & Coull 1998, eq. 2)
    low, high = wilson_interval(60, 100)
    assert low == pytest.approx(0.50201, abs=1e-4) and high == pytest.approx(0.69061, abs=1e-4)


def test_interval_stays_inside_zero_one_and_narrows_with_n():
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    small = wilson_interval(50, 100)
    large = wilson_interval(500, 1000)
    assert large[1] - large[0] < small[1] - small[0]


def test_accuracy_with_ci_counts_matches():
    acc, low, high = accuracy_with_ci([1, 0, 1, 1], [1, 1, 1, 0])
    assert acc == 0.5 and low < 0.5 < high


def test_mismatched_lengths_are_an_error():
    with pytest.raises(ValueError, match="3 labels but 2 predictions"):
        accuracy_with_ci([1, 0, 1], [1, 0])


def test_paired_comparison_counts_the_disagreements_and_tests_them():
    from tilnlp.evaluation import paired_comparison

    truth = [1] * 20
    a = [1] * 20                 # right everywhere
    b = [0] * 5 + [1] * 15       # wrong on the first five
    out = paired_comparison(truth, a, b)
    assert (out["a_only"], out["b_only"], out["both"], out["neither"]) == (5, 0, 15, 0)
    assert abs(out["p_value"] - 2 * 0.5 ** 5) < 1e-12  # exact two-sided binomial: 0.0625
    assert paired_comparison(truth, a, a)["p_value"] == 1.0  # no disagreements: no evidence
    # 60 vs 40 discordant pairs out of 100: p ~ 0.057
    big_truth = [1] * 100
    big_a = [1] * 60 + [0] * 40
    big_b = [0] * 60 + [1] * 40
    assert 0.05 < paired_comparison(big_truth, big_a, big_b)["p_value"] < 0.06
    with pytest.raises(ValueError):
        paired_comparison([1, 0], [1], [1, 0])
