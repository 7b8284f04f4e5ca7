"""Scoring rules for probability forecasts of yes/no outcomes: accuracy, the Brier score, log loss
with clipping, and a calibration table of probability bins against observed frequencies."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

CLIP = 0.01  # log loss clips probabilities to [CLIP, 1 - CLIP]: a certain miss costs ln(100), not infinity
BINS = 5


def brier(p: Sequence[float], y: Sequence[bool]) -> float:
    """Mean squared difference between the probabilities and the outcomes (1 true, 0 false)."""
    return sum((pi - float(yi)) ** 2 for pi, yi in zip(p, y)) / len(p)


def log_loss(p: Sequence[float], y: Sequence[bool], clip: float = CLIP) -> float:
    """Mean negative log-likelihood of the outcomes, probabilities clipped to [clip, 1 - clip]."""
    total = 0.0
    for pi, yi in zip(p, y):
        q = min(max(pi, clip), 1.0 - clip)
        total -= math.log(q if yi else 1.0 - q)
    return total / len(p)


def accuracy(verdicts: Sequence[bool], y: Sequence[bool]) -> float:
    return sum(v == yi for v, yi in zip(verdicts, y)) / len(y)


class Bin(NamedTuple):
    """One calibration bin: its range, how many predictions fell in it, their mean and the outcomes' frequency."""

    low: float
    high: float
    n: int
    mean_p: float | None
    observed: float | None


def calibration(p: Sequence[float], y: Sequence[bool], bins: int = BINS) -> list[Bin]:
    """Equal-width probability bins [k/bins, (k+1)/bins) (the last includes 1): how many
    predictions fell in each, their mean, and how often the outcome happened."""
    out = []
    for k in range(bins):
        low, high = k / bins, (k + 1) / bins
        inside = [(pi, yi) for pi, yi in zip(p, y) if low <= pi < high or (k == bins - 1 and pi == high)]
        n = len(inside)
        out.append(Bin(low, high, n, sum(pi for pi, _ in inside) / n if n else None,
                       sum(float(yi) for _, yi in inside) / n if n else None))
    return out
