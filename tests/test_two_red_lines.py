"""Every consumer of the compiled model on one fixture against the independent oracles: a House
bloc holding red lines on two dimensions, ranged judgments, two US chambers with a majority-party
gate. The robust programme once summed a stakeholder's red-line picks over all dimensions into one
constraint, so a package touching both lines could not exist at all: `optimize --robust` reported
no package where enumeration finds deals in every sampled world (the regression below)."""

from __future__ import annotations

import numpy as np
import pytest

import oracle
from cli.parsing import parse_objective
from conftest import HERE
from scorer import load_study
from scorer.limits import Limits
from scorer.pareto import frontier
from scorer.concessions import unlock
from scorer.ratification import coalition
from scorer.robust_search import robust_optimize
from scorer.sampling import compile_kernel, draw
from scorer.search import optimize
from scorer.stability import sensitivity
from test_optimize import SOLVERS, assert_optimal, assert_unlock_is_minimal, enumerated_frontier, flat
from test_robust import _agree
from test_robust_optimize import _deals
from test_sensitivity import _bisect, _verdicts

TWO = HERE / "fixtures" / "two_red_lines"
STUDY = load_study(TWO)
PILOT_EARNED = {"guest_workers": "pilot", "legalisation": "earned"}


def test_a_package_touching_both_red_lines_names_both():
    c = coalition(STUDY, STUDY.scenario("calm"), {**STUDY.package("status_quo"), **PILOT_EARNED, "border": "joint"},
                  ["us", "mx"])
    assert c.stances["house_restrictionists"].touched == ("legalisation.earned", "guest_workers.pilot")
    assert not c.stances["house_restrictionists"].accepts


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("scenario", ["calm", "alarm", "split"])
@pytest.mark.parametrize("objective", ["maximin", "welfare", "support"])
def test_the_optimum_equals_enumeration(objective, scenario, solver):
    sc = STUDY.scenario(scenario)
    judged = oracle.feasible(oracle.judge_all(STUDY, sc))
    assert_optimal(STUDY, sc, optimize(STUDY, sc, parse_objective(objective), solver=solver), objective, judged)


@pytest.mark.parametrize("solver", SOLVERS)
def test_unlock_and_the_frontier_equal_enumeration(solver):
    sc = STUDY.scenario("calm")
    points = frontier(STUDY, sc, solver=solver).points
    assert flat(tuple(p.gains.values()) for p in points) == pytest.approx(flat(enumerated_frontier(STUDY, sc)),
                                                                         abs=1e-9)
    for proposal in STUDY.proposals:
        assert_unlock_is_minimal(STUDY, sc, proposal, unlock(STUDY, sc, proposal, top=2, solver=solver))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fixed", [False, True], ids=["free", "pilot_and_earned_fixed"])
def test_the_robust_package_is_a_deal_in_as_many_worlds_as_enumeration_finds(fixed, solver):
    sc = STUDY.scenario("calm")
    limits = Limits(fix=tuple(PILOT_EARNED.items())) if fixed else Limits()
    worlds = 20
    result = robust_optimize(STUDY, sc, worlds, limits=limits, solver=solver, fresh_worlds=200)
    deals = _deals(STUDY, sc, Limits(), worlds)
    names = list(STUDY.dimensions)
    allowed = [n for levels, n in deals.items() if all(dict(zip(names, levels))[d] == lv for d, lv in limits.fix)]
    assert result.status == "optimal" and result.robust is not None
    assert result.robust.in_sample == max(allowed)


def test_the_sampler_equals_the_scoring_code_in_every_world():
    rng = np.random.default_rng(11)
    for scenario in STUDY.scenarios.values():
        kernel = compile_kernel(STUDY, scenario)
        _agree(STUDY, scenario, kernel, draw(kernel, 8, rng))


def test_sensitivity_flip_points_equal_bisection():
    sc = STUDY.scenario("calm")
    checked = 0
    for proposal in STUDY.proposals:
        for st in sensitivity(STUDY, sc, proposal).stabilities:
            j = st.judgment
            for s in st.stakeholders:
                if s.flip is None:
                    continue
                outside = (s.interval[0] - 0.5 if s.interval[0] == s.flip else s.interval[1] + 0.5)
                if j.kind == "value":
                    outside = 0.0 if s.interval[0] == s.flip else 1.0
                flips = lambda x: _verdicts(STUDY, sc, proposal, j, x)[0][s.stakeholder] != s.accepts  # noqa: E731
                if j.kind in ("salience", "multiplier"):
                    outside = max(outside, 0.0)
                if not flips(outside):
                    continue  # the flip lies beyond where this probe reaches
                assert _bisect(flips, j.point, outside) == pytest.approx(s.flip, abs=1e-9), (proposal, j.id)
                checked += 1
    assert checked > 10
