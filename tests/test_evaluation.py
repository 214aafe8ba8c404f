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
