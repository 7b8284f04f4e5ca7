"""Pure aggregation kernels over a decision matrix (rows: alternatives, columns: criteria).

Kept free of study objects so they can be checked against published worked examples."""

from __future__ import annotations

import math
from collections.abc import Sequence

Matrix = Sequence[Sequence[float]]


def weighted_sum(matrix: Matrix, weights: Sequence[float], maximise: Sequence[bool] | None = None,
                 normalise: bool = False) -> list[float]:
    """Sum of weight x score per row. With `normalise`, cost columns are first inverted as 1/x
    and every column divided by its sum (the simple additive weighting of Kracka et al. 2010)."""
    cols = list(zip(*matrix)) if matrix else []
    if normalise:
        maximise = maximise or [True] * len(cols)
        cols = [col if up else [1.0 / x for x in col] for col, up in zip(cols, maximise)]
        cols = [[x / sum(col) for x in col] for col in cols]
    rows = list(zip(*cols)) if cols else [()] * len(matrix)
    return [sum(w * x for w, x in zip(weights, row)) for row in rows]


def topsis(matrix: Matrix, weights: Sequence[float], maximise: Sequence[bool] | None = None) -> list[float]:
    """Relative closeness to the ideal (TOPSIS with vector normalisation and Euclidean distance).

    A column that is zero for every alternative cannot discriminate and is left out."""
    n_cols = len(matrix[0]) if matrix else 0
    maximise = maximise or [True] * n_cols
    norms = [math.sqrt(sum(row[j] ** 2 for row in matrix)) for j in range(n_cols)]
    keep = [j for j in range(n_cols) if norms[j] > 0]
    scaled = [[weights[j] * row[j] / norms[j] for j in keep] for row in matrix]
    cols = list(zip(*scaled)) if keep else []
    ideal = [max(c) if maximise[j] else min(c) for j, c in zip(keep, cols)]
    anti = [min(c) if maximise[j] else max(c) for j, c in zip(keep, cols)]
    out = []
    for row in scaled:
        d_plus = math.dist(row, ideal)
        d_minus = math.dist(row, anti)
        out.append(d_minus / (d_plus + d_minus) if d_plus + d_minus > 0 else 0.5)
    return out


def ranks(scores: Sequence[float], higher_is_better: bool = True) -> list[int]:
    """Competition ranks (1 = best; ties share the better rank)."""
    key = [s if higher_is_better else -s for s in scores]
    return [1 + sum(1 for other in key if other > mine + 1e-12) for mine in key]
