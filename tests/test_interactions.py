"""Non-additive terms and conditional red lines (`scorer.interactions`) in every consumer: values
by hand on the terms fixture (the mini study plus two terms and two conditional red lines), the
optimiser, unlock and the frontier with both solvers against enumeration (tests/oracle.py, which
judges with the scoring code alone) on the fixture and on generated studies, the sampler and the
robust programme against the scoring code world by world, and sensitivity against brute force."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oracle
from cli.parsing import parse_objective
from conftest import HERE
from scorer import load_study
from scorer.compiled import compiled
from scorer.concessions import unlock
from scorer.limits import Limits
from scorer.pareto import frontier
from scorer.ratification import coalition
from scorer.robust_search import robust_optimize
from scorer.sampling import compile_kernel, draw, evaluate
from scorer.search import optimize
from scorer.stability import sensitivity
from synthetic import synthetic_study
from test_optimize import OBJECTIVES, SOLVERS, assert_optimal, assert_unlock_is_minimal, enumerated_frontier, flat
from test_robust import _agree
from test_robust_optimize import _deals
from test_sensitivity import _bisect, _verdicts

TERMS = HERE / "fixtures" / "terms"
STUDY = load_study(TERMS)
CALM = STUDY.scenario("calm")
GRAND = {"guest_workers": "large", "border": "joint", "legalisation": "earned"}
NO_LEGAL = {"guest_workers": "large", "border": "joint", "legalisation": "none"}
LIAISON = {"guest_workers": "large", "border": "liaison", "legalisation": "none"}


def _stances(package):
    return coalition(STUDY, CALM, package, ["us", "mx"]).stances


# --- by hand ----------------------------------------------------------------------------------------


def test_a_term_adds_its_adjustment_where_its_levels_occur_together():
    """us_president: weights 0.5/0.5, values linear from 0 to 1. Large and joint with earned
    legalisation: 0.5 + 0.5 = 1.0 (the term needs legalisation none). Without legalisation the
    term (-0.3) holds: 1.0 - 0.3 = 0.7."""
    assert _stances(GRAND)["us_president"].gain == pytest.approx(1.0)
    assert _stances(NO_LEGAL)["us_president"].gain == pytest.approx(0.7)
    assert _stances(NO_LEGAL)["us_president"].value == pytest.approx(0.7)


def test_a_term_holding_at_the_status_quo_is_a_gain_when_a_package_leaves_it():
    """house_moderates: guest workers 0.7 (pilot 1, none and large 0), legalisation 0.3 (none 1,
    earned 0); the term (-0.1) holds at the status quo (unilateral, none). Grand bargain: 0.7 * 0
    + 0.3 * (0 - 1) - (-0.1) = -0.2; large/joint/none: 0 + 0 + 0.1 = 0.1; the status quo: 0."""
    profile = compiled(STUDY, CALM).profiles["house_moderates"]
    assert profile.status_quo_value == pytest.approx(0.3 - 0.1)
    assert _stances(GRAND)["house_moderates"].gain == pytest.approx(-0.2)
    assert _stances(NO_LEGAL)["house_moderates"].gain == pytest.approx(0.1)
    assert _stances(STUDY.package("status_quo"))["house_moderates"].gain == pytest.approx(0.0)


def test_a_conditional_red_line_holds_only_with_its_condition():
    """mx_president refuses joint operations when legalisation is none (credence 0.7: the point
    model holds it); senate_bloc refuses a large programme unless border operations are joint."""
    assert not _stances(GRAND)["mx_president"].touched
    assert _stances(NO_LEGAL)["mx_president"].touched == ("border.joint (when legalisation=none)",)
    assert not _stances(NO_LEGAL)["senate_bloc"].touched
    assert _stances(LIAISON)["senate_bloc"].touched == ("guest_workers>=large (unless border=joint)",)
    assert not _stances(LIAISON)["senate_bloc"].accepts


def test_explain_names_each_terms_part_with_its_evidence():
    stances = _stances(NO_LEGAL)
    assert [t.words for t in stances["us_president"].terms] == [
        "-0.300: guest_workers=large together with legalisation=none — evidence memo_president"]
    assert [t.words for t in stances["house_moderates"].terms] == [
        "+0.100: border=unilateral together with legalisation=none — evidence memo_moderates"]
    assert [t.words for t in stances["mx_president"].terms] == [
        "red line border.joint (when legalisation=none), held with credence 0.7 — evidence memo_mexico"]


def test_explain_and_coalition_show_the_terms(run):
    code, out, _ = run("explain", "no_joint", "us_president", "--study", TERMS)
    assert code == 0
    assert "gain +0.700 against reservation +0.000: accepts" in out
    assert "term -0.300: guest_workers=large together with legalisation=none — evidence memo_president" in out
    code, out, _ = run("coalition", "no_joint", "--study", TERMS)
    assert code == 0 and "mx_president: red line border.joint (when legalisation=none), held with credence 0.7" in out
    code, out, _ = run("explain", "no_joint", "mx_president", "--study", TERMS)
    assert "red line touched: border.joint (when legalisation=none), held with credence 0.7" in out
    code, out, _ = run("explain", "no_joint", "us_president", "--study", TERMS, "-f", "json")
    (term,) = json.loads(out)["terms"]
    assert term == {"term": "guest_workers=large together with legalisation=none", "contribution": -0.3,
                    "credence": 1.0, "evidence": ["memo_president"]}


# --- the optimiser against enumeration --------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("scenario", ["calm", "alarm"])
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_the_optimum_equals_enumeration_on_the_terms_fixture(objective, scenario, solver):
    sc = STUDY.scenario(scenario)
    judged = oracle.feasible(oracle.judge_all(STUDY, sc))
    assert_optimal(STUDY, sc, optimize(STUDY, sc, parse_objective(objective), solver=solver), objective, judged)


@pytest.mark.parametrize("solver", SOLVERS)
def test_unlock_and_the_frontier_equal_enumeration_on_the_terms_fixture(solver):
    points = frontier(STUDY, CALM, solver=solver).points
    assert flat(tuple(p.gains.values()) for p in points) == pytest.approx(flat(enumerated_frontier(STUDY, CALM)),
                                                                         abs=1e-9)
    for proposal in STUDY.proposals:
        assert_unlock_is_minimal(STUDY, CALM, proposal, unlock(STUDY, CALM, proposal, top=2, solver=solver))


@st.composite
def generated(draw):
    seed = draw(st.integers(0, 10**6))
    study = synthetic_study(draw(st.integers(2, 5)), draw(st.integers(2, 3)), draw(st.integers(8, 11)), seed=seed,
                            interactions=True)
    return study, study.scenarios[draw(st.sampled_from(["base", "shifted"]))]


@settings(max_examples=30, deadline=None)
@given(generated(), st.sampled_from(OBJECTIVES), st.sampled_from(SOLVERS))
def test_the_optimum_equals_enumeration_on_generated_studies_with_terms(case, objective, solver):
    study, sc = case
    judged = oracle.feasible(oracle.judge_all(study, sc))
    assert_optimal(study, sc, optimize(study, sc, parse_objective(objective), top=2, solver=solver), objective, judged)


@settings(max_examples=8, deadline=None)
@given(generated(), st.sampled_from(SOLVERS))
def test_unlock_and_the_frontier_equal_enumeration_on_generated_studies_with_terms(case, solver):
    study, sc = case
    points = frontier(study, sc, solver=solver).points
    assert flat(tuple(p.gains.values()) for p in points) == pytest.approx(flat(enumerated_frontier(study, sc)),
                                                                         abs=1e-9)
    proposal = sorted(study.proposals)[0]
    assert_unlock_is_minimal(study, sc, proposal, unlock(study, sc, proposal, top=2, solver=solver))


def test_generated_studies_with_terms_have_them_and_without_are_unchanged():
    plain, with_terms = synthetic_study(6, 3, 12, seed=3), synthetic_study(6, 3, 12, seed=3, interactions=True)
    assert any(s.interactions for s in with_terms.stakeholders.values())
    assert any(s.conditional_red_lines for s in with_terms.stakeholders.values())
    stripped = {sid: s.model_copy(update={"interactions": [], "conditional_red_lines": []})
                for sid, s in with_terms.stakeholders.items()}
    assert stripped == plain.stakeholders and with_terms.proposals == plain.proposals


# --- sampling and robustness ------------------------------------------------------------------------


def test_the_sampler_equals_the_scoring_code_in_every_world():
    rng = np.random.default_rng(5)
    for scenario in STUDY.scenarios.values():
        kernel = compile_kernel(STUDY, scenario)
        kinds = {j.kind for j in kernel.judgments}
        assert {"adjustment", "credence"} <= kinds
        _agree(STUDY, scenario, kernel, draw(kernel, 12, rng))
    study = synthetic_study(4, 3, 10, seed=8, interactions=True)
    kernel = compile_kernel(study, study.scenario("base"))
    _agree(study, study.scenario("base"), kernel, draw(kernel, 6, rng, "triangular"))


@pytest.mark.parametrize("distribution", ["uniform", "triangular"])
def test_a_credence_is_held_in_that_share_of_the_worlds(distribution):
    kernel = compile_kernel(STUDY, CALM)
    k = next(i for i, j in enumerate(kernel.judgments) if j.kind == "credence")
    draws = draw(kernel, 20_000, np.random.default_rng(1), distribution)
    assert set(np.unique(draws[k])) == {0.0, 1.0}
    assert draws[k].mean() == pytest.approx(0.7, abs=0.015)
    kernel = compile_kernel(STUDY, CALM)
    draws = draw(kernel, 400, np.random.default_rng(2), distribution)
    worlds = evaluate(kernel, draws)
    p, mx = kernel.proposals.index("no_joint"), kernel.stakeholders.index("mx_president")
    held = draws[k] == 1.0
    assert not worlds.accepts[p, mx, held].any() and worlds.accepts[p, mx, ~held].any()


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_robust_package_is_a_deal_in_as_many_worlds_as_enumeration_finds(solver):
    worlds = 16
    result = robust_optimize(STUDY, CALM, worlds, solver=solver, fresh_worlds=100)
    assert result.status == "optimal" and result.robust is not None
    assert result.robust.in_sample == max(_deals(STUDY, CALM, Limits(), worlds).values())


# --- sensitivity -------------------------------------------------------------------------------------


def test_an_adjustments_flip_point_equals_bisection():
    """us_president on large/joint/none: gain 1.0 + x clears its reservation 0 at x = -1.0."""
    checked = 0
    study = STUDY
    assert study.package("no_joint") == NO_LEGAL
    for proposal in study.proposals:
        for stab in sensitivity(study, CALM, proposal).stabilities:
            j = stab.judgment
            if j.kind != "adjustment":
                continue
            for s in stab.stakeholders:
                if s.flip is None:
                    continue
                outside = s.interval[0] - 0.5 if s.interval[0] == s.flip else s.interval[1] + 0.5
                flips = lambda x: _verdicts(study, CALM, proposal, j, x)[0][s.stakeholder] != s.accepts  # noqa: E731
                assert flips(outside)
                assert _bisect(flips, j.point, outside) == pytest.approx(s.flip, abs=1e-9), (proposal, j.id)
                checked += 1
    assert checked >= 2
    stab = next(x for x in sensitivity(study, CALM, "no_joint").stabilities
                if x.judgment.id == "adjustment:us_president.interactions[0]")
    assert stab.stakeholders[0].flip == pytest.approx(-1.0)


def test_a_credence_reports_the_probability_the_red_line_is_not_held():
    """On large/joint/none mx_president refuses only for its hedged red line; dropping the line
    (credence 0) makes it accept, so its verdict differs with probability 1 - 0.7."""
    assert STUDY.package("no_joint") == NO_LEGAL
    stab = _credence_stability("no_joint")
    (row,) = stab.stakeholders
    assert not row.accepts and row.flip == 0.0 and row.share == pytest.approx(0.3)
    accepts0, _ = _verdicts(STUDY, CALM, "no_joint", stab.judgment, 0.7)
    accepts1, _ = _verdicts(STUDY, CALM, "no_joint", stab.judgment, 0.0)
    assert not accepts0["mx_president"] and accepts1["mx_president"]
    assert _credence_stability("grand_bargain").stakeholders[0].share == 0.0


def _credence_stability(proposal):
    return next(x for x in sensitivity(STUDY, CALM, proposal).stabilities if x.judgment.kind == "credence")


def test_whatif_sets_a_credence_and_an_adjustment(run):
    code, out, _ = run("whatif", "no_joint", "--study", TERMS, "--judge",
                       "credence:mx_president.conditional_red_lines[0]=0", "-f", "json")
    assert code == 0
    after = {s["id"]: s for s in json.loads(out)["after"]["stakeholders"]}
    assert not after["mx_president"]["red_lines_touched"]
    code, out, _ = run("whatif", "no_joint", "--study", TERMS, "--judge",
                       "adjustment:us_president.interactions[0]=-1.2", "-f", "json")
    after = {s["id"]: s for s in json.loads(out)["after"]["stakeholders"]}
    assert code == 0 and after["us_president"]["gain"] == pytest.approx(1.0 - 1.2)


def test_a_requirement_blocked_by_a_conditional_red_line_is_diagnosed(run):
    """Require senate_bloc with a large programme over liaison: its line (large unless joint) and
    the forbidden joint level leave no package; the diagnosis names the conditional line."""
    code, out, _ = run("optimize", "--study", TERMS, "--require", "senate_bloc", "--fix", "guest_workers=large",
                       "--forbid", "border=joint", "-f", "json")
    assert code == 1
    assert "guest_workers>=large (unless border=joint)" in out


def test_sensitivity_says_where_a_hedged_red_line_is_not_held(run):
    code, out, _ = run("sensitivity", "no_joint", "--study", TERMS, "--wide")
    assert code == 0
    assert "mx_president accepts where the red line is not held (p 0.300)" in out
