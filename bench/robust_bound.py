"""A lower bound for `accord robust`: the least numpy work that answers how many worlds ratify each
proposal, on the sampler's compiled arrays and the same random stream (each world K consecutive
uniforms of one seeded generator, uniform within each judgment's range, a credence a coin). It takes
the sampler's stakes and level values (`weights`, `level_values`, where every mechanism's part in a
value is stated) and writes out the rest at its leanest: reservations, acceptance and the weighted
tests, without robust's bookkeeping (ranks, roles, per-country counts). It must count exactly what
`scorer.sampling.robust` counts; bench/run.py times the two side by side. Also the rate at which
the worlds can merely be drawn."""

from __future__ import annotations

import numpy as np

from scorer.sampling import ACCEPT_TOLERANCE, Kernel, chunk_size, draw, kept_off, level_values, threats, weights


def ratified_counts(kernel: Kernel, samples: int, seed: int) -> np.ndarray:
    """(P,) worlds out of `samples` in which each proposal is ratified."""
    rng = np.random.default_rng(seed)
    S, P1, _ = kernel.levels.shape
    P = P1 - 1
    r_cols, r_who = kernel.reservation_draws
    can_accept = (~kernel.touched & kernel.present[:, None]).T[:, :, None]  # (P, S, 1)
    t = kernel.tests
    threshold = t.threshold[:, :, None]
    counts, done, step = np.zeros(P, np.int64), 0, chunk_size(kernel)
    while done < samples:
        n = min(step, samples - done)
        draws = draw(kernel, n, rng)
        values = level_values(kernel, draws, weights(kernel, draws))
        margin = values[:, :P] - values[:, P:]
        if kernel.threat.any() or kernel.threat_draws:
            margin += threats(kernel, draws)[:, None, :]
        reservation = np.empty((S, n))
        reservation[:] = kernel.reservation[:, None]
        reservation[r_who] = draws[r_cols]
        margin -= reservation[:, None, :]
        accepts = margin >= -ACCEPT_TOLERANCE
        for k, s, where in kernel.credence_draws:
            accepts[s] &= ~(where[:, None] & (draws[k] > 0.5)[None, :])
        yes = (accepts.transpose(1, 0, 2) & can_accept).astype(float)
        tally = np.matmul(t.weights, yes)
        delta = draws[t.seat_columns] - kernel.point[t.seat_columns][:, None]
        for k in range(len(t.seat_columns)):
            tally += np.matmul(t.seat_slopes[k], yes) * delta[k]
        ratified = (tally >= threshold).all(axis=1) & ~kept_off(kernel, draws).any(axis=1)
        counts += ratified.sum(axis=1)
        done += n
    return counts


def draw_only(kernel: Kernel, samples: int, seed: int) -> float:
    """A checksum of merely drawing `samples` worlds in the same chunks (the cost of the stream)."""
    rng = np.random.default_rng(seed)
    width, low = (kernel.high - kernel.low)[:, None], kernel.low[:, None]
    total, done, step = 0.0, 0, chunk_size(kernel)
    while done < samples:
        n = min(step, samples - done)
        total += float((rng.random((n, len(kernel.judgments))).T * width + low)[0, 0])
        done += n
    return total
