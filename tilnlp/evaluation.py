"""Evaluation numbers shared by the notebooks: accuracy with an honest interval."""
from __future__ import annotations

import math


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95% for z = 1.96)."""
    if n == 0:
        raise ValueError("no trials")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def accuracy_with_ci(y_true, y_pred, z: float = 1.96) -> tuple[float, float, float]:
    """``(accuracy, low, high)``: the share of matches and its Wilson interval."""
    y_true, y_pred = list(y_true), list(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} labels but {len(y_pred)} predictions")
    hits = sum(int(t) == int(p) for t, p in zip(y_true, y_pred))
    low, high = wilson_interval(hits, len(y_true), z)
    return hits / len(y_true), low, high


def paired_comparison(y_true, pred_a, pred_b) -> dict:
    """Compare two classifiers on the *same* examples (McNemar's exact test).

    Only the examples where exactly one of the two is right say anything about which is
    better: ``a_only`` (a right, b wrong) and ``b_only``.  Under "equally good" each such
    example is a fair coin flip, so the two-sided binomial test of ``a_only`` out of
    ``a_only + b_only`` gives the p-value.  A large p-value means the difference in
    accuracy is within what chance produces on this many examples.
    """
    from scipy.stats import binomtest

    y_true, pred_a, pred_b = list(y_true), list(pred_a), list(pred_b)
    if not len(y_true) == len(pred_a) == len(pred_b):
        raise ValueError(f"{len(y_true)} labels, {len(pred_a)} and {len(pred_b)} predictions")
    right_a = [int(t) == int(p) for t, p in zip(y_true, pred_a)]
    right_b = [int(t) == int(p) for t, p in zip(y_true, pred_b)]
    a_only = sum(a and not b for a, b in zip(right_a, right_b))
    b_only = sum(b and not a for a, b in zip(right_a, right_b))
    p_value = binomtest(a_only, a_only + b_only, 0.5).pvalue if a_only + b_only else 1.0
    return {"a_only": a_only, "b_only": b_only, "both": sum(a and b for a, b in zip(right_a, right_b)),
            "neither": sum(not a and not b for a, b in zip(right_a, right_b)), "p_value": float(p_value)}
