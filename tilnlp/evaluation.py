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
