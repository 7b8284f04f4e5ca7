"""Aggregation kernels against published worked examples (numbers copied from shared/oracles.md)."""

import pytest

from scorer.aggregation import ranks, topsis, weighted_sum


def test_topsis_matches_tzeng_and_huang_2011():
    """TOPSIS, vector normalisation, Euclidean distance: Tzeng & Huang (2011), matrix A0..A3,
    weights (0.3, 0.4, 0.3): closeness 0.503720, 0.658085, 0.748249, 0.333997; ranks 3, 2, 1, 4."""
    closeness = topsis([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], [0.3, 0.4, 0.3])
    assert closeness == pytest.approx([0.503720, 0.658085, 0.748249, 0.333997], abs=1e-6)
    assert ranks(closeness) == [3, 2, 1, 4]


def test_weighted_sum_matches_kracka_brauers_zavadskas_2010():
    """Simple additive weighting with cost criteria inverted as 1/x and columns divided by their
    sums (Kracka, Brauers & Zavadskas 2010): scores and ranks 6, 1, 3, 4, 5, 2."""
    matrix = [[33.95, 23.78, 11.45, 39.97, 29.44, 167.10, 3.852], [38.9, 4.17, 6.32, 0.01, 4.29, 132.52, 25.184],
              [37.59, 9.36, 8.23, 4.35, 10.22, 136.71, 10.845], [30.44, 37.59, 13.91, 74.08, 45.10, 198.34, 2.186],
              [36.21, 14.79, 9.17, 17.77, 17.06, 148.3, 6.610], [37.8, 8.55, 7.97, 2.35, 9.25, 134.83, 11.935]]
    maximise = [False, False, False, False, True, False, True]
    scores = weighted_sum(matrix, [1 / 7] * 7, maximise, normalise=True)
    assert scores == pytest.approx([0.12040426, 0.3458235, 0.13838192, 0.12841246, 0.12346084, 0.14351701], abs=1e-6)
    assert ranks(scores) == [6, 1, 3, 4, 5, 2]


def test_topsis_uses_vector_normalisation_not_min_max():
    """The normalisation trap (oracles.md): vector normalisation gives 0.762141, 0.722178, 0.237859;
    min-max would give 0.5, 0.617, 0.5 and a different winner. accord uses vector normalisation."""
    closeness = topsis([[1, 3000], [2, 3750], [5, 4500]], [0.5, 0.5], [False, True])
    assert closeness == pytest.approx([0.762141, 0.722178, 0.237859], abs=1e-6)


def test_plain_weighted_sum_is_the_dot_product():
    assert weighted_sum([[1.0, -2.0], [0.5, 0.5]], [2.0, 1.0]) == [0.0, 1.5]


def test_ties_share_the_better_rank():
    assert ranks([0.2, 0.9, 0.2, 0.1]) == [2, 1, 2, 4]
