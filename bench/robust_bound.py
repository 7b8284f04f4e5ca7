"""A lower bound for `accord robust`: the least numpy work that answers how many worlds ratify each
proposal and, with roles, how often each stakeholder is pivotal or blocking, on the sampler's
compiled arrays and the same random stream (each world K consecutive uniforms of one seeded
generator, uniform within each judgment's range, a credence a coin). It takes the sampler's stakes
and level values (`weights`, `level_values`, where every mechanism's part in a value is stated) and
its sparse list of who weighs in which test (`Tests.entries`), and writes out the rest at its
leanest: reservations, acceptance, the weighted tests and the two roles' counts, in working arrays
kept from chunk to chunk as the sampler's are (`Scratch`), without robust's bookkeeping (ranks,
scores, per-country counts, per-world arrays). It must count exactly what
`scorer.sampling.robust` counts; bench/run.py times the two side by side. Also the rate at which
the worlds can merely be drawn."""

from __future__ import annotations

import numpy as np

from scorer.sampling import (ACCEPT_TOLERANCE, Kernel, Robustness, Scratch, chunk_size, draw, kept_off, level_values,
                             threats, weights)


def counts(kernel: Kernel, samples: int, seed: int, roles: bool = True
           ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(P,) worlds out of `samples` in which each proposal is ratified; with `roles`, (P, S) worlds in
    which each stakeholder is pivotal for it, and in which it blocks it (else None, None).

    Pivotal: present, and its change of mind alone flips ratification of a tabled proposal; a flip
    moves only the tests it weighs in. Blocking: rejecting, with a weight in a test that faults (a
    named actors' test; a failed party test; a failed seat test whose party gate passed), or an
    agenda setter keeping the proposal off."""
    rng = np.random.default_rng(seed)
    S, P1, _ = kernel.levels.shape
    P = P1 - 1
    r_cols, r_who = kernel.reservation_draws
    can_accept = (~kernel.touched & kernel.present[:, None]).T[:, :, None]  # (P, S, 1)
    t = kernel.tests
    M = t.threshold.shape[1]
    threshold = t.threshold[:, :, None]
    ratified = np.zeros(P, np.int64)
    pivotal, blocking = np.zeros(P * S, np.int64), np.zeros(P * S, np.int64)
    e = t.entries
    faulty = (t.country >= 0).ravel()[e.test] & e.blame  # entries whose test can fault, with the bloc to blame
    always = t.actors.ravel()[e.test] & e.blame
    gated = np.flatnonzero(t.floor.ravel()[e.test] >= 0)
    gate = (t.floor + M * np.arange(P)[:, None]).ravel()[e.test[gated]]
    group_of = np.full(P * S, -1)
    group_of[e.group] = np.arange(len(e.group))
    group_of = group_of.reshape(P, S)
    setters = [(s, kernel.setters == s) for s in np.unique(kernel.setters)]
    done, step, scratch = 0, chunk_size(kernel), Scratch()  # each chunk's arrays reused by the next
    while done < samples:
        n = min(step, samples - done)
        draws = draw(kernel, n, rng, scratch=scratch)
        values = level_values(kernel, draws, weights(kernel, draws, scratch), scratch)
        margin = np.subtract(values[:, :P], values[:, P:], out=scratch.empty("margins", (S, P, n)))
        if kernel.threat.any() or kernel.threat_draws:
            margin += threats(kernel, draws)[:, None, :]
        reservation = np.empty((S, n))
        reservation[:] = kernel.reservation[:, None]
        reservation[r_who] = draws[r_cols]
        margin -= reservation[:, None, :]
        accepts = np.greater_equal(margin, -ACCEPT_TOLERANCE, out=scratch.empty("accepts", (S, P, n), bool))
        for k, s, where in kernel.credence_draws:
            accepts[s] &= ~(where[:, None] & (draws[k] > 0.5)[None, :])
        yes = scratch.empty("yes", (P, S, n))
        yes[:] = accepts.transpose(1, 0, 2) & can_accept
        tally = np.matmul(t.stacked, yes, out=scratch.empty("tallies", (P,) + t.stacked.shape[1:2] + (n,)))
        # the point weights' tally, then each seat slope's
        delta = draws[t.seat_columns] - kernel.point[t.seat_columns][:, None]
        for k, d in enumerate(delta):
            tally[:, :M] += tally[:, (k + 1) * M:(k + 2) * M] * d
        passed = tally[:, :M] >= threshold
        off = kept_off(kernel, draws)  # (P, G, n)
        tabled = ~off.any(axis=1)
        ratified += (passed.all(axis=1) & tabled).sum(axis=1)
        done += n
        if not roles or not len(e.starts):
            continue
        passed, rejects = passed.reshape(-1, n), yes.reshape(-1, n)[e.voter] == 0.0  # (P M, n); (E, n)
        before = passed[e.test]
        moved = e.weights_at(delta, scratch)  # a flip adds the weight where the stakeholder rejects, else takes it
        np.negative(moved, out=moved, where=~rejects)
        moved += tally[e.test // M, e.test % M]
        failing = M - passed.reshape(P, M, n).sum(axis=1)
        worse = (moved < e.threshold[:, None]).view(np.int8) - (~before).view(np.int8)  # failures the flip adds
        left = failing[e.proposal] + e.per_group(worse, np.add)
        flips = (left == 0) != (failing[e.proposal] == 0)
        pivotal[e.group] += (flips & tabled[e.proposal] & e.present[:, None]).view(np.uint8).sum(axis=1, dtype=np.int64)
        fault = ~before & faulty[:, None]
        fault[gated] &= passed[gate]
        blocks = e.per_group(fault | always[:, None], np.logical_or) & rejects[e.starts]
        for s, which in setters:  # a setter keeping the proposal off blocks it
            held = off[:, which].any(axis=1)  # (P, n)
            grouped = group_of[:, s]
            blocks[grouped[grouped >= 0]] |= held[grouped >= 0]
            alone = np.flatnonzero(grouped < 0)
            blocking[alone * S + s] += held[alone].view(np.uint8).sum(axis=1, dtype=np.int64)
        blocking[e.group] += blocks.view(np.uint8).sum(axis=1, dtype=np.int64)
    if not roles:
        return ratified, None, None
    return ratified, pivotal.reshape(P, S), blocking.reshape(P, S)


def robust_counts(kernel: Kernel, result: Robustness) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What `robust` counted, in the order of `counts`: ratified (P,), pivotal and blocking (P, S)."""
    odds = {o.proposal: o for o in result.odds}
    per = lambda counts: [[counts.get(s, 0) for s in kernel.stakeholders] for counts in counts]  # noqa: E731
    return (np.array([odds[p].ratified for p in kernel.proposals]),
            np.array(per(odds[p].pivotal for p in kernel.proposals)).reshape(len(kernel.proposals), -1),
            np.array(per(odds[p].blocking for p in kernel.proposals)).reshape(len(kernel.proposals), -1))


def ratified_counts(kernel: Kernel, samples: int, seed: int) -> np.ndarray:
    """(P,) worlds out of `samples` in which each proposal is ratified."""
    return counts(kernel, samples, seed, roles=False)[0]


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
