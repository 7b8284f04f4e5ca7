"""A lower bound for `accord robust`: the least numpy work that answers how many worlds ratify each
proposal, on the sampler's compiled arrays and the same random stream (each world K consecutive
uniforms of one seeded generator, uniform within each judgment's range). It must count exactly what
`scorer.sampling.robust` counts; bench/run.py times the two side by side. Also the rate at which
the worlds can merely be drawn."""

from __future__ import annotations

import numpy as np

from scorer.sampling import ACCEPT_TOLERANCE, Kernel, chunk_size


def ratified_counts(kernel: Kernel, samples: int, seed: int) -> np.ndarray:
    """(P,) worlds out of `samples` in which each proposal is ratified."""
    rng = np.random.default_rng(seed)
    S, P1, D = kernel.levels.shape
    P, K = P1 - 1, len(kernel.judgments)
    base = (kernel.salience * kernel.multiplier)[:, :, None]
    cols, who, dims = kernel.salience_draws
    drawn_multiplier = kernel.multiplier[who, dims][:, None]
    r_cols, r_who = kernel.reservation_draws
    width, low = (kernel.high - kernel.low)[:, None], kernel.low[:, None]
    can_accept = (~kernel.touched & kernel.present[:, None]).T[:, :, None]  # (P, S, 1)
    test_weights, threshold = kernel.tests.weights, kernel.tests.threshold[:, :, None]
    counts, done, step = np.zeros(P, np.int64), 0, chunk_size(kernel)
    while done < samples:
        n = min(step, samples - done)
        draws = rng.random((n, K)).T * width + low
        w = np.empty((S, D, n))
        w[:] = base
        w[who, dims] = draws[cols] * drawn_multiplier
        for k, stakeholders, d in kernel.multiplier_draws:
            w[stakeholders, d] *= draws[k]
        total = w.sum(axis=1, keepdims=True)
        np.divide(w, total, out=w, where=total > 0)
        values = np.matmul(kernel.levels, w)
        for s, c, d, point, at_level in kernel.value_draws:
            values[s] += at_level @ ((draws[c] - point[:, None]) * w[s, d])
        reservation = np.empty((S, n))
        reservation[:] = kernel.reservation[:, None]
        reservation[r_who] = draws[r_cols]
        margin = values[:, :P] - values[:, P:] - reservation[:, None, :]
        accepts = (margin >= -ACCEPT_TOLERANCE).transpose(1, 0, 2) & can_accept
        counts += (np.matmul(test_weights, accepts.astype(float)) >= threshold).all(axis=1).sum(axis=1)
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
