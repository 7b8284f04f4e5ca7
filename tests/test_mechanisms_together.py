"""All the two-level mechanisms at once (issue 10): ranged seats, the no-deal point with threats,
non-additive terms and conditional red lines, agenda setters, delivery doubts and regard terms,
switched on together in generated studies. Each mechanism's own tests check it alone; these check
that the compiled model states them together the same way in every consumer: the optimiser against
enumeration (both solvers), the sampler against the scalar scorer world by world."""

from __future__ import annotations

import numpy as np
import pytest

import oracle
from cli.parsing import parse_objective
from scorer.concessions import unlock
from scorer.judgments import apply_world
from scorer.pareto import frontier
from scorer.ratification import coalition
from scorer.sampling import compile_kernel, draw, evaluate
from scorer.scoring import resolve_proposal, stances
from scorer.search import optimize
from scorer.stability import sensitivity
from synthetic import synthetic_study
from test_optimize import assert_optimal, assert_unlock_is_minimal, enumerated_frontier, flat

SOLVERS = ["highs", "cbc"]
EVERY = dict(seat_ranges=True, no_deal=True, interactions=True, agenda=True, delivery=True, regard=True)


def every_mechanism(seed: int, n_dimensions: int = 4):
    return synthetic_study(n_dimensions, 3, 10, seed=seed, **EVERY)


def test_every_mechanism_is_present_in_the_generated_studies():
    """Else the tests below would test less than they say."""
    kinds = set()
    for seed in (1, 2, 5):
        study = every_mechanism(seed)
        for sc in study.scenarios.values():
            kinds |= {j.kind for j in compile_kernel(study, sc).judgments}
    assert kinds >= {"seats", "threat", "adjustment", "credence", "capacity", "delivery", "regard"}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("seed", [1, 2, 5])
def test_optimize_unlock_and_frontier_equal_enumeration_with_every_mechanism(seed, solver):
    study = every_mechanism(seed)
    for sc in study.scenarios.values():
        judged = oracle.feasible(oracle.judge_all(study, sc))
        for objective in ("maximin", "welfare"):
            result = optimize(study, sc, parse_objective(objective), top=2, solver=solver)
            assert_optimal(study, sc, result, objective, judged)
        points = frontier(study, sc, solver=solver).points
        assert flat(tuple(p.gains.values()) for p in points) == pytest.approx(flat(enumerated_frontier(study, sc)),
                                                                              abs=1e-9)
        assert_unlock_is_minimal(study, sc, "proposal0", unlock(study, sc, "proposal0", top=2, solver=solver))


@pytest.mark.parametrize("seed", [3, 8])
def test_sampled_worlds_equal_the_scalar_scorer_with_every_mechanism(seed):
    """At the point reading and in drawn worlds, the sampler's gains and ratification are the
    scalar scorer's on the study with every judgment set as that world draws it."""
    study = every_mechanism(seed, n_dimensions=5)
    for sc in study.scenarios.values():
        kernel = compile_kernel(study, sc)
        worlds = np.column_stack([kernel.point, draw(kernel, 4, np.random.default_rng(seed))])
        result = evaluate(kernel, worlds)
        for n in range(worlds.shape[1]):
            s2, sc2 = apply_world(study, sc, dict(zip(kernel.judgments, worlds[:, n])))
            for p, proposal in enumerate(kernel.proposals):
                package = resolve_proposal(s2, proposal, sc2)
                st = stances(s2, sc2, package)
                for i, s in enumerate(kernel.stakeholders):
                    if s in st:
                        assert result.gains[i, p, n] == pytest.approx(st[s].gain, abs=1e-9), (s, proposal, n)
                c = coalition(s2, sc2, package, s2.proposals[proposal].countries)
                assert bool(result.ratified[p, n]) == c.ratified, (proposal, n)


@pytest.mark.parametrize("seed", [1, 3])
def test_seat_and_capacity_sensitivity_equal_brute_force_with_every_mechanism(seed):
    """A party split or an agenda capacity moves no one's gain, only ratification: its share of
    flipped verdicts equals a grid over its range read by the scalar scorer, agenda included (a
    package kept off the agenda stays unratified whatever the seats)."""
    study = every_mechanism(seed)
    checked = 0
    for sc in study.scenarios.values():
        for pid in study.proposals:
            at_point = coalition(study, sc, resolve_proposal(study, pid, sc), study.proposals[pid].countries).ratified
            for st in sensitivity(study, sc, pid).stabilities:
                j = st.judgment
                if j.kind not in ("seats", "capacity") or not j.high > j.low:
                    continue
                xs = np.linspace(j.low, j.high, 41)[1:-1]
                flipped = []
                for x in xs:
                    s2, sc2 = apply_world(study, sc, {j: x})
                    c = coalition(s2, sc2, resolve_proposal(s2, pid, sc2), s2.proposals[pid].countries)
                    flipped.append(c.ratified != at_point)
                assert st.ratification_share == pytest.approx(np.mean(flipped), abs=0.05), (sc.id, pid, j.id)
                checked += 1
    assert checked
