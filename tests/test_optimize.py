"""The optimiser against exhaustive enumeration (tests/oracle.py, which never touches the MILP): on
the mini study and on generated studies, the optimum, the K best packages, infeasibility and the
closest package, unlock's minimal change sets and the US-Mexico frontier."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oracle
from conftest import MINI
from scorer import AccordError, load_study
from scorer.checks import check_study, rule_violations
from scorer.pareto import frontier
from scorer.models import Venue
from cli.parsing import parse_objective
from scorer.compiled import compiled
from scorer.limits import Limits, Requirement, requirements, resolve_limits
from scorer.search import OptimizerMismatch, optimize, verify
from scorer.ratification import coalition
from synthetic import synthetic_study
from scorer.concessions import concession_limits, unlock
from scorer.scoring import resolve_proposal

STUDY = load_study(MINI)
SOLVERS = ["highs", "cbc"]
OBJECTIVES = ["maximin", "welfare", "support", "favour=us", "favour=mx"]
COUNTRIES = ("us", "mx")


def assert_optimal(study, scenario, result, objective, judged, countries=COUNTRIES):
    """The result's best package is optimal among the enumerated feasible packages, and each
    returned package ratifies by the scoring code's own reckoning."""
    ranked = oracle.ranked(study, judged, objective, countries)
    if not ranked:
        assert result.status == "infeasible" and not result.packages
        return
    assert result.status == "optimal"
    best = ranked[0][0]
    assert result.packages[0].objective == pytest.approx(best, abs=1e-9)
    optimal = [j.package for value, j in ranked if value >= best - 1e-9]
    assert result.packages[0].package in optimal
    for found in result.packages:
        assert coalition(study, scenario, found.package, countries).ratified
        assert not list(rule_violations(study, found.package))


# --- the optimum ------------------------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("scenario", ["calm", "alarm"])
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_optimum_equals_enumeration_on_the_mini_study(objective, scenario, solver):
    sc = STUDY.scenarios[scenario]
    judged = oracle.feasible(oracle.judge_all(STUDY, sc))
    result = optimize(STUDY, sc, parse_objective(objective), Limits(), solver=solver)
    assert_optimal(STUDY, sc, result, objective, judged)


def test_maximin_package_on_the_mini_study_is_pilot_joint_earned():
    """By hand: pilot/joint/earned gives us_president 0.5*0.5 + 0.5*1 = 0.75 and mx_president
    0.6 + 0.3*0.5 - 0.05 = 0.7; the House moderates (55%) accept (0.7 - 0.3 = 0.4 >= 0)."""
    result = optimize(STUDY, STUDY.scenario("calm"))
    assert result.packages[0].package == {"guest_workers": "pilot", "border": "joint", "legalisation": "earned"}
    assert result.packages[0].objective == pytest.approx(0.7)


@pytest.mark.parametrize("solver", SOLVERS)
def test_top_k_are_the_k_best_distinct_packages(solver):
    sc = STUDY.scenario("calm")
    judged = oracle.feasible(oracle.judge_all(STUDY, sc))
    ranked = oracle.ranked(STUDY, judged, "maximin", COUNTRIES)
    result = optimize(STUDY, sc, top=len(ranked) + 2, solver=solver)
    assert len(result.packages) == len(ranked)
    assert [f.objective for f in result.packages] == pytest.approx([v for v, _ in ranked], abs=1e-9)
    assert len({tuple(f.package.values()) for f in result.packages}) == len(ranked)


@st.composite
def generated(draw, max_dimensions=6):
    seed = draw(st.integers(0, 10**6))
    study = synthetic_study(draw(st.integers(2, max_dimensions)), draw(st.integers(2, 3)), draw(st.integers(8, 11)),
                            seed=seed)
    return study, study.scenarios[draw(st.sampled_from(["base", "shifted"]))]


@st.composite
def limits_for(draw, study):
    dims = list(study.dimensions.values())
    fix = draw(st.lists(st.sampled_from([(d.id, lv) for d in dims for lv in d.level_ids]), max_size=1))
    forbid = draw(st.lists(st.sampled_from([(d.id, lv) for d in dims for lv in d.level_ids]), max_size=2))
    venue = draw(st.lists(st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(list(Venue))), max_size=1))
    require = draw(st.lists(st.sampled_from(list(study.stakeholders)), max_size=1, unique=True))
    return Limits(require=tuple(require), fix=tuple(fix), forbid=tuple(forbid), venue=tuple(venue))


@settings(max_examples=40, deadline=None)
@given(generated(), st.sampled_from(OBJECTIVES), st.sampled_from(SOLVERS), st.data())
def test_optimum_equals_enumeration_on_generated_studies(case, objective, solver, data):
    study, sc = case
    limits = data.draw(limits_for(study))
    judged = oracle.feasible(oracle.judge_all(study, sc, fix=limits.fix, forbid=limits.forbid, venue=limits.venue),
                             require=limits.require)
    result = optimize(study, sc, parse_objective(objective), limits, top=2, solver=solver)
    assert_optimal(study, sc, result, objective, judged)
    for found in result.packages:
        assert all(found.coalition.stances[s].accepts for s in limits.require)
    if len(judged) >= 2 and result.packages:
        second = oracle.ranked(study, judged, objective, COUNTRIES)[1][0]
        assert result.packages[1].objective == pytest.approx(second, abs=1e-9)


@pytest.mark.parametrize("objective", ["maximin", "support"])
def test_optimum_equals_enumeration_on_ten_dimensions(objective):
    study = synthetic_study(10, 2, 10, seed=21)
    sc = study.scenario("base")
    judged = oracle.feasible(oracle.judge_all(study, sc))
    assert_optimal(study, sc, optimize(study, sc, parse_objective(objective)), objective, judged)


def test_unlock_and_frontier_equal_enumeration_on_ten_dimensions():
    study = synthetic_study(10, 2, 10, seed=21)
    sc = study.scenario("base")
    expected = enumerated_frontier(study, sc)
    points = frontier(study, sc).points
    assert len(points) == len(expected)
    assert flat(tuple(p.gains.values()) for p in points) == pytest.approx(flat(expected), abs=1e-9)
    for proposal in study.proposals:
        assert_unlock_is_minimal(study, sc, proposal, unlock(study, sc, proposal, top=2))


# --- when no package exists ---------------------------------------------------------------------------


def met(study, j: oracle.Judged, req: Requirement) -> bool:
    """The oracle's own reading of one requirement (True when the package's venue does not ask it)."""
    if req.kind == "require":
        return j.accepts(req.id)
    verdict = j.verdicts[req.country]
    if verdict.venue is None:
        return True
    if req.kind == "actor":
        return req.id not in verdict.actors or j.accepts(req.id)
    return verdict.venue is not req.venue or verdict.chambers[req.id].passed


def assert_diagnosis_is_right(study, sc, limits, diagnosis, everything):
    limits = resolve_limits(study, limits)
    judged = oracle.judge_all(study, sc, limits.countries, limits.fix, limits.forbid, limits.venue)
    if diagnosis.settings:
        assert not judged
        return
    conflict = [c.requirement for c in diagnosis.conflict]
    assert conflict
    assert not any(all(met(study, j, r) for r in conflict) for j in judged), "the conflict can be met"
    for dropped in conflict:
        rest = [r for r in conflict if r != dropped]
        assert any(all(met(study, j, r) for r in rest) for j in judged), f"{dropped} is not needed in the conflict"
    fewest = min(sum(not met(study, j, r) for r in everything) for j in judged)
    closest = next(j for j in judged if j.package == diagnosis.closest)
    assert sum(not met(study, closest, r) for r in everything) == fewest == len(diagnosis.missing)


def test_a_fixed_large_programme_with_legalisation_cannot_pass_the_house():
    sc = STUDY.scenario("calm")
    limits = Limits(fix=(("legalisation", "earned"), ("guest_workers", "large")))
    result = optimize(STUDY, sc, limits=limits)
    assert result.status == "infeasible" and not result.packages
    assert [c.requirement.id for c in result.diagnosis.conflict] == ["us_house"]
    assert_diagnosis_is_right(STUDY, sc, limits, result.diagnosis, requirements(compiled(STUDY, sc), resolve_limits(STUDY, limits)))


def test_settings_that_contradict_each_other_are_named():
    limits = Limits(fix=(("legalisation", "earned"),), forbid=(("legalisation", "earned"), ("border", "joint")))
    result = optimize(STUDY, STUDY.scenario("calm"), limits=limits)
    assert [str(x) for x in result.diagnosis.settings] == ["fix legalisation=earned", "forbid legalisation=earned"]


def test_mexico_cannot_be_won_by_executive_action_alone():
    """With every venue capped at executive, only border liaison is left for Mexico: 0.1 * 0.5 = 0.05
    is below the Mexican President's reservation of 0.1."""
    limits = Limits(require=("mx_president",), venue=(("us", Venue.executive), ("mx", Venue.executive)))
    result = optimize(STUDY, STUDY.scenario("calm"), limits=limits)
    (conflict,) = result.diagnosis.conflict
    assert conflict.requirement.id == "mx_president" and "+0.050" in conflict.reason and "+0.100" in conflict.reason


@settings(max_examples=25, deadline=None)
@given(generated(max_dimensions=5), st.data())
def test_infeasible_searches_name_a_minimal_conflict_and_the_closest_package(case, data):
    study, sc = case
    blocs = [s for s in study.stakeholders if "bloc" in s or "president" in s]
    limits = Limits(require=tuple(data.draw(st.lists(st.sampled_from(blocs), min_size=2, max_size=4, unique=True))),
                    venue=tuple(data.draw(st.lists(st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(list(Venue))),
                                                   max_size=1))))
    result = optimize(study, sc, limits=limits, solver=data.draw(st.sampled_from(SOLVERS)))
    if result.packages:
        return
    assert result.status == "infeasible"
    assert_diagnosis_is_right(study, sc, limits, result.diagnosis, requirements(compiled(study, sc), resolve_limits(study, limits)))


# --- unlock -----------------------------------------------------------------------------------------------


def moves(original, package):
    return {d: lv for d, lv in package.items() if lv != original[d]}


def works(study, sc, original, changes, countries, target) -> bool:
    package = {**original, **changes}
    if list(rule_violations(study, package)):
        return False
    c = coalition(study, sc, package, countries)
    if target:
        return all(s in c.stances and c.stances[s].accepts for s in target)
    return c.ratified


def assert_unlock_is_minimal(study, sc, proposal, result):
    original = resolve_proposal(study, proposal, sc)  # silent dimensions keep what is in place
    countries = tuple(study.proposals[proposal].countries)
    allowed = None
    if result.concessions_only:
        forbidden = set(concession_limits(study, original))
        allowed = {d: [lv for lv in dim.level_ids if (d, lv) not in forbidden] for d, dim in study.dimensions.items()}
    judged = oracle.feasible(oracle.judge_all(study, sc, countries, allowed=allowed), require=result.target,
                             ratify=not result.target)
    if result.status == "already":
        assert works(study, sc, original, {}, countries, result.target)
        return
    if not judged:
        assert result.status == "infeasible" and result.diagnosis is not None
        return
    assert result.status == "optimal"
    fewest = min(len(moves(original, j.package)) for j in judged)
    sponsor = study.proposals[proposal].sponsor
    for alt in result.alternatives:
        changes = {c.dimension: c.after for c in alt.changes}
        assert works(study, sc, original, changes, countries, result.target)
        if result.concessions_only:
            ids = {d: study.dimensions[d].level_ids for d in changes}
            assert all(ids[c.dimension].index(c.after) < ids[c.dimension].index(c.before) for c in alt.changes)
        if result.cost == "count":  # no proper subset of the changes works
            for k in range(len(changes)):
                for subset in itertools.combinations(changes.items(), k):
                    assert not works(study, sc, original, dict(subset), countries, result.target)
    first = result.alternatives[0]
    if result.cost == "count":
        assert len(first.changes) == fewest
    elif sponsor in first.coalition.stances:
        losses = [(result.sponsor_gain - j.stances[sponsor].gain, len(moves(original, j.package))) for j in judged]
        least = min(loss for loss, _ in losses)
        assert result.sponsor_gain - first.sponsor_gain == pytest.approx(least, abs=1e-9)
        assert len(first.changes) == min(n for loss, n in losses if loss <= least + 1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("cost", ["count", "sponsor"])
@pytest.mark.parametrize("concessions_only", [False, True])
def test_grand_bargain_unlocks_with_a_pilot_or_without_legalisation(cost, concessions_only, solver):
    sc = STUDY.scenario("calm")
    result = unlock(STUDY, sc, "grand_bargain", cost, concessions_only=concessions_only, top=3, solver=solver)
    assert_unlock_is_minimal(STUDY, sc, "grand_bargain", result)
    if cost == "count":
        assert [{c.dimension: c.after for c in a.changes} for a in result.alternatives][:2] == \
            [{"guest_workers": "pilot"}, {"legalisation": "none"}]
        assert result.alternatives[0].wins == ("house_moderates",)


def test_unlocking_a_ratified_proposal_changes_nothing():
    result = unlock(STUDY, STUDY.scenario("calm"), "pilot_deal")
    assert result.status == "already" and not result.alternatives


def test_unlock_for_the_restrictionists_drops_legalisation():
    result = unlock(STUDY, STUDY.scenario("calm"), "grand_bargain", target=("house_restrictionists",))
    assert [[(c.dimension, c.after) for c in a.changes] for a in result.alternatives] == [[("legalisation", "none")]]


@settings(max_examples=30, deadline=None)
@given(generated(max_dimensions=5), st.sampled_from(["count", "sponsor"]), st.booleans(), st.data())
def test_unlock_is_minimal_on_generated_studies(case, cost, concessions_only, data):
    study, sc = case
    proposal = data.draw(st.sampled_from(sorted(study.proposals)))
    target = tuple(data.draw(st.lists(st.sampled_from(list(study.stakeholders)), max_size=2, unique=True)))
    if cost == "sponsor" and study.proposals[proposal].sponsor in sc.absent:
        return
    result = unlock(study, sc, proposal, cost, target, concessions_only, top=2,
                    solver=data.draw(st.sampled_from(SOLVERS)))
    assert_unlock_is_minimal(study, sc, proposal, result)


# --- the frontier -----------------------------------------------------------------------------------------


def flat(points):
    return [x for p in points for x in p]


def enumerated_frontier(study, sc):
    judged = oracle.feasible(oracle.judge_all(study, sc))
    return oracle.pareto([(oracle.country_gain(study, j, "us"), oracle.country_gain(study, j, "mx")) for j in judged])


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("scenario", ["calm", "alarm"])
def test_frontier_equals_the_enumerated_pareto_set_on_the_mini_study(scenario, solver):
    sc = STUDY.scenarios[scenario]
    result = frontier(STUDY, sc, solver=solver)
    assert result.status == "optimal"
    expected = enumerated_frontier(STUDY, sc)
    assert len(result.points) == len(expected)
    assert flat(tuple(p.gains.values()) for p in result.points) == pytest.approx(flat(expected), abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(generated(), st.sampled_from(SOLVERS))
def test_frontier_equals_the_enumerated_pareto_set_on_generated_studies(case, solver):
    """One solve per step: a step that finds the same best for the second country replaces the
    last point, so every point kept must still be exactly a Pareto point of the enumeration."""
    study, sc = case
    result = frontier(study, sc, solver=solver)
    expected = enumerated_frontier(study, sc)
    assert result.status == ("optimal" if expected else "infeasible")
    assert flat(tuple(p.gains.values()) for p in result.points) == pytest.approx(flat(expected), abs=1e-9)


def test_the_proposals_sit_where_they_should():
    """calm: pilot_deal (us 0.5, mx 0.2) is beaten by point 2 (0.75, 0.7); grand_bargain does not ratify."""
    result = frontier(STUDY, STUDY.scenario("calm"))
    placed = {x.proposal: x for x in result.placements}
    assert placed["pilot_deal"].position == "inside" and placed["pilot_deal"].point == 2
    assert placed["grand_bargain"].position == "beyond" and not placed["grand_bargain"].ratified


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("shape, seed, scenario", [
    # CBC 2.10's preprocessing called the second ε-step infeasible although the first step's
    # package satisfies it.
    ((3, 3, 8), 40866, "shifted"),
    # CBC met the ε-step of 1e-6 only within its tolerance, returning the last point again.
    ((6, 2, 8), 11, "base"),
])
def test_frontier_survives_solver_tolerances_found_by_hypothesis(solver, shape, seed, scenario):
    study = synthetic_study(*shape, seed=seed)
    sc = study.scenarios[scenario]
    result = frontier(study, sc, solver=solver)
    assert result.status == "optimal"
    assert flat(tuple(p.gains.values()) for p in result.points) == pytest.approx(
        flat(enumerated_frontier(study, sc)), abs=1e-9)


    for x in result.placements:
        if x.position == "on the frontier":
            assert x.ratified and tuple(x.gains.values()) in [tuple(p.gains.values()) for p in result.points]


# --- the pieces -------------------------------------------------------------------------------------------


def test_verify_refuses_a_package_the_scoring_code_does_not_ratify():
    with pytest.raises(OptimizerMismatch, match="not ratified"):
        verify(compiled(STUDY, STUDY.scenario("calm")), STUDY.package("grand_bargain"),
               resolve_limits(STUDY, Limits()))


@pytest.mark.parametrize("text", ["nash", "favour", "favour=", "maximin=us"])
def test_unknown_objectives_are_refused(text):
    with pytest.raises(AccordError, match="unknown objective"):
        parse_objective(text)


def test_unknown_solver_and_countries_are_refused():
    with pytest.raises(AccordError, match="unknown solver"):
        optimize(STUDY, STUDY.scenario("calm"), solver="gurobi")
    with pytest.raises(AccordError, match="unknown country"):
        optimize(STUDY, STUDY.scenario("calm"), limits=Limits(countries=("us", "ca")))


def test_synthetic_studies_are_valid_and_deterministic():
    a, b = synthetic_study(8, 3, 12, seed=5), synthetic_study(8, 3, 12, seed=5)
    assert a.model_dump() == b.model_dump()
    assert a.model_dump() != synthetic_study(8, 3, 12, seed=6).model_dump()
    assert check_study(a, set()) == []
    assert check_study(synthetic_study(), set()) == []
    assert len(synthetic_study().dimensions) == 20 and len(synthetic_study().stakeholders) == 30


@settings(max_examples=15, deadline=None)
@given(generated(), st.sampled_from(["maximin", "welfare", "support"]))
def test_vectorised_enumeration_agrees_with_plain_enumeration(case, objective):
    """The benchmark's numpy enumerator against the plain one it stands in for."""
    study, sc = case
    ranked = oracle.ranked(study, oracle.feasible(oracle.judge_all(study, sc)), objective, COUNTRIES)
    best = oracle.best_vectorised(study, sc, objective, inner_size=9)
    assert best[0] == pytest.approx(ranked[0][0], abs=1e-9)
    assert best[1] in [j.package for v, j in ranked if v >= ranked[0][0] - 1e-9]


def test_both_solvers_keep_the_tie_rule_of_unlock():
    """Regression: with preprocessing, CBC 2.10 returned a third alternative with three changes and
    a larger loss for the sponsor than another three-change alternative, and called it optimal."""
    study = synthetic_study(12, 3, 14, seed=15)
    sc = study.scenario("shifted")
    found = {solver: unlock(study, sc, "proposal0", top=3, solver=solver).alternatives for solver in SOLVERS}
    costs = {solver: [(len(a.changes), round(a.sponsor_gain, 9)) for a in alts] for solver, alts in found.items()}
    assert costs["cbc"] == costs["highs"]
    assert len(costs["cbc"]) == 3
