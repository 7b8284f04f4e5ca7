"""The no-deal point (issue 10, mechanism 2): levels in place and threats, by hand on the mini study,
in every consumer against the enumeration oracle on generated studies, and its bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

import oracle
from conftest import MINI
from scorer import load_study
from scorer.analysis import explain
from scorer.checks import check_study
from scorer.compiled import compiled
from scorer.concessions import unlock
from scorer.judgments import apply_world, judgments
from scorer.models import NoDealLevel, Threat
from scorer.pareto import frontier
from scorer.ratification import coalition
from scorer.sampling import compile_kernel, evaluate
from scorer.scoring import resolve_proposal
from scorer.search import optimize
from scorer.stability import sensitivity
from cli.parsing import parse_objective
from synthetic import synthetic_study
from test_optimize import assert_optimal, assert_unlock_is_minimal, enumerated_frontier, flat

STUDY = load_study(MINI)
SOLVERS = ["highs", "cbc"]


def with_scenario(study, scenario):
    return study.model_copy(update={"scenarios": {**study.scenarios, scenario.id: scenario}}), scenario


def liaison_in_place(cost=0.1, cost_range=None):
    """calm, with border liaison already running and a US threat costing Mexico's president `cost`."""
    sc = STUDY.scenarios["calm"].model_copy(update={
        "no_deal": {"border": NoDealLevel(level="liaison")},
        "threats": [Threat(id="tariffs", by="us", measure="impose tariffs", hurts=["mx_president"], cost=cost,
                           cost_range=cost_range)]})
    return with_scenario(STUDY, sc)


def test_gains_are_measured_against_the_no_deal_point_by_hand():
    """us_president (0.5 guest workers, large best; 0.5 border, joint best): with liaison (0.5) in
    place, pilot_deal (pilot 0.5, liaison) gains 0.25 instead of 0.5, grand_bargain (large, joint)
    0.5 + 0.5 x 0.5 = 0.75, and the first-level package loses 0.25. mx_president (0.6 legalisation,
    0.3 guest workers, 0.1 border valuing liaison 1): pilot_deal gains 0.3 x 0.5 = 0.15 on the
    levels plus the 0.1 the US threat takes from its no-deal value: 0.25 (0.2 before)."""
    study, sc = liaison_in_place()
    model = compiled(study, sc)
    assert model.status_quo == {"guest_workers": "none", "border": "liaison", "legalisation": "none"}
    us, mx = model.profiles["us_president"], model.profiles["mx_president"]
    assert us.gain(study.package("pilot_deal")) == pytest.approx(0.25)
    assert us.gain(study.package("grand_bargain")) == pytest.approx(0.75)
    assert us.gain(study.package("status_quo")) == pytest.approx(-0.25)
    assert mx.threat == 0.1 and us.threat == 0.0
    assert mx.gain(study.package("pilot_deal")) == pytest.approx(0.25)
    assert compiled(STUDY, STUDY.scenarios["calm"]).profiles["mx_president"].gain(
        STUDY.package("pilot_deal")) == pytest.approx(0.2)


def test_a_level_in_place_needs_no_venue():
    """pilot_deal keeps the liaison already running, so Mexico (whose only authority in it was the
    liaison's executive one) needs no venue; the US still needs a statute for the pilot programme."""
    study, sc = liaison_in_place()
    model = compiled(study, sc)
    package = study.package("pilot_deal")
    assert model.venue_needed(package, "mx") is None and model.venue_needed(package, "us").value == "statute"
    assert compiled(STUDY, STUDY.scenarios["calm"]).venue_needed(package, "mx").value == "executive"
    assert oracle.venue_needed(study, package, "mx", sc) is None


def test_explain_and_coalition_name_the_no_deal_point():
    study, sc = liaison_in_place()
    lines = compiled(study, sc).reversion.lines
    assert lines[0].startswith("border at liaison (in place")
    assert lines[1].startswith("threat tariffs: us would impose tariffs; costs mx_president 0.1")
    assert compiled(STUDY, STUDY.scenarios["calm"]).reversion.lines == ()
    c = coalition(study, sc, study.package("pilot_deal"), ["us", "mx"])
    assert c.no_deal == lines
    e = explain(study, sc, "pilot_deal", "mx_president")
    assert e.threat == 0.1 and e.gain == pytest.approx(0.25) and e.no_deal == lines


def test_the_sampler_agrees_with_the_scalar_scorer_and_draws_the_threat():
    study, sc = liaison_in_place(0.1, (0.0, 0.3))
    kernel = compile_kernel(study, sc)
    ranged = [j.id for j in kernel.judgments]
    assert "threat:tariffs" in ranged
    worlds = evaluate(kernel, kernel.point[:, None])
    model = compiled(study, sc)
    for p, pid in enumerate(kernel.proposals):
        for s, prof in model.profiles.items():
            package = resolve_proposal(study, pid, sc)
            assert worlds.gains[kernel.stakeholders.index(s), p, 0] == pytest.approx(prof.gain(package))
    k = ranged.index("threat:tariffs")
    draws = np.repeat(kernel.point[:, None], 2, axis=1)
    draws[k] = [0.0, 0.3]
    gains = evaluate(kernel, draws).gains[kernel.stakeholders.index("mx_president")]
    assert gains[:, 1] - gains[:, 0] == pytest.approx(np.full(len(kernel.proposals), 0.3))


@pytest.mark.parametrize("proposal", ["pilot_deal", "grand_bargain", "status_quo"])
def test_a_ranged_threat_flips_where_brute_force_says(proposal):
    """mx_president's reservation is 0.1; the threat's cost moves every gain one for one, so its
    flip point is where the cost makes the gain reach 0.1, checked by re-scoring at either side."""
    study, sc = liaison_in_place(0.1, (0.0, 0.5))
    result = sensitivity(study, sc, proposal)
    stab = next(s for s in result.stabilities if s.judgment.id == "threat:tariffs")
    row = stab.stakeholders[0]
    j = next(j for j in judgments(study, sc) if j.id == "threat:tariffs")
    package = resolve_proposal(study, proposal, sc)

    def accepts(x):
        st, sx = apply_world(study, sc, {j: x})
        return compiled(st, sx).profiles["mx_president"].gain(package) >= 0.1 - 1e-12

    if row.flip is None:
        assert accepts(0.0) == accepts(10.0)
    else:
        assert not accepts(row.flip - 1e-6) and accepts(row.flip + 1e-6)


def generated_with_no_deal():
    out = []
    for seed in range(6):
        study = synthetic_study(4 + seed % 2, 3, 9, seed=seed, no_deal=True)
        assert check_study(study, set()) == []
        out += [(study, study.scenarios[name]) for name in ("base", "shifted")]
    return out


CASES = generated_with_no_deal()


def test_generated_no_deal_points_differ_from_the_first_levels():
    for study, sc in CASES:
        model = compiled(study, sc)
        assert model.status_quo != {d: dim.level_ids[0] for d, dim in study.dimensions.items()}
    assert synthetic_study(4, 3, 9, seed=0) == synthetic_study(4, 3, 9, seed=0, no_deal=False)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("objective", ["maximin", "welfare", "favour=mx"])
def test_optimize_equals_enumeration_with_the_no_deal_point(objective, solver):
    for study, sc in CASES:
        judged = oracle.feasible(oracle.judge_all(study, sc))
        assert_optimal(study, sc, optimize(study, sc, parse_objective(objective), solver=solver), objective, judged)


@pytest.mark.parametrize("solver", SOLVERS)
def test_unlock_and_frontier_equal_enumeration_with_the_no_deal_point(solver):
    for study, sc in CASES:
        result = frontier(study, sc, solver=solver)
        expected = enumerated_frontier(study, sc)
        assert flat(tuple(p.gains.values()) for p in result.points) == pytest.approx(flat(expected), abs=1e-9)
        for proposal in list(study.proposals)[:3]:
            assert_unlock_is_minimal(study, sc, proposal, unlock(study, sc, proposal, top=2, solver=solver))


def test_threat_costs_reach_the_coalition():
    """A cost large enough makes any package Mexico's president can ratify acceptable to him."""
    study, sc = liaison_in_place(5.0)
    c = coalition(study, sc, study.package("pilot_deal"), ["us", "mx"])
    assert c.stances["mx_president"].accepts and c.stances["mx_president"].gain > 5.0
