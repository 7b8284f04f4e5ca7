"""Agenda setters (scorer/agenda.py): who keeps a package off the agenda, in every consumer — the
scalar verdict and its reason, the optimiser, unlock and the frontier (both solvers) against the
enumeration oracle's own reader of the setters, the sampler and sensitivity against brute force,
and bad input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import oracle
from conftest import MINI
from scorer import load_study, shipped_case
from scorer.checks import check_study
from scorer.compiled import compiled
from scorer.judgments import apply_world
from scorer.limits import Limits
from scorer.models import AgendaSetter
from scorer.pareto import frontier
from scorer.ratification import coalition
from scorer.sampling import compile_kernel, draw, evaluate, kept_off
from scorer.search import optimize
from scorer.stability import sensitivity
from cli.parsing import parse_objective
from synthetic import synthetic_study
from test_optimize import OBJECTIVES, SOLVERS, assert_optimal, assert_unlock_is_minimal, enumerated_frontier, flat
from scorer.concessions import unlock
from scorer.robust_search import robust_optimize
from test_robust_optimize import _deals

COUNTRIES = ("us", "mx")


def with_agenda(capacity: int = 2, capacity_range=(1.0, 4.0), venues=("bilateral",)):
    """The mini study with migration (guest workers, legalisation) and security (the border) as
    agenda items, and in `alarm` a US president who ranks security, a war and migration."""
    study = load_study(MINI)
    items = {"guest_workers": "migration", "legalisation": "migration", "border": "security"}
    dims = {d: dim.model_copy(update={"agenda_item": items[d]}) for d, dim in study.dimensions.items()}
    setter = AgendaSetter(stakeholder="us_president", country="us", venues=list(venues),
                          items=["security", "war", "migration"], capacity=capacity, capacity_range=capacity_range,
                          evidence=["memo_attacks"])
    alarm = study.scenarios["alarm"].model_copy(update={"agenda": [setter]})
    return study.model_copy(update={"dimensions": dims, "scenarios": {**study.scenarios, "alarm": alarm}})


STUDY = with_agenda()


def test_a_package_moving_an_item_beyond_capacity_is_not_tabled_and_says_why():
    sc = STUDY.scenarios["alarm"]
    c = coalition(STUDY, sc, STUDY.package("pilot_deal"), COUNTRIES)
    assert not c.tabled and not c.ratified and c.pivotal == ()
    assert "us_president" in c.blocking
    (why,) = c.not_tabled
    assert (why.item, why.rank, why.capacity, why.dimensions) == ("migration", 3, 2.0, ("guest_workers",))
    assert str(why) == "not tabled: migration ranks 3rd on us_president's agenda, capacity 2 — evidence memo_attacks"
    # security alone is within capacity; the calm scenario has no setter
    assert coalition(STUDY, sc, {**STUDY.package("status_quo"), "border": "liaison"}, COUNTRIES).tabled
    assert coalition(STUDY, STUDY.scenarios["calm"], STUDY.package("pilot_deal"), COUNTRIES).tabled


def test_a_bilateral_setter_does_not_gate_a_package_one_country_ratifies():
    sc = STUDY.scenarios["alarm"]
    assert coalition(STUDY, sc, STUDY.package("pilot_deal"), ("us",)).tabled
    assert not coalition(STUDY, sc, STUDY.package("pilot_deal"), ("us", "mx")).tabled


def test_a_venue_setter_gates_only_packages_needing_that_venue():
    study = with_agenda(venues=("statute",))
    sc = study.scenarios["alarm"]
    model = compiled(study, sc)
    for p in study.proposals:
        pkg = study.package(p)
        gated = model.venue_needed(pkg, "us") is not None and model.venue_needed(pkg, "us").value == "statute"
        moves = any(pkg[d] != model.status_quo[d] for d in ("guest_workers", "legalisation"))
        assert coalition(study, sc, pkg, COUNTRIES).tabled == (not (gated and moves)), p
        assert oracle.tabled(study, sc, pkg, COUNTRIES) == coalition(study, sc, pkg, COUNTRIES).tabled


@pytest.mark.parametrize("venues", [("bilateral",), ("statute",), ("executive", "treaty")])
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("objective", OBJECTIVES)
def test_optimum_equals_enumeration_on_the_mini_study_with_an_agenda(objective, solver, venues):
    study = with_agenda(venues=venues)
    sc = study.scenarios["alarm"]
    judged = oracle.feasible(oracle.judge_all(study, sc))
    assert_optimal(study, sc, optimize(study, sc, parse_objective(objective), Limits(), solver=solver),
                   objective, judged)


@pytest.mark.parametrize("solver", SOLVERS)
def test_frontier_and_unlock_on_the_mini_study_with_an_agenda(solver):
    sc = STUDY.scenarios["alarm"]
    result = frontier(STUDY, sc, solver=solver)
    expected = enumerated_frontier(STUDY, sc)
    assert flat(tuple(p.gains.values()) for p in result.points) == pytest.approx(flat(expected), abs=1e-9)
    assert_unlock_is_minimal(STUDY, sc, "grand_bargain", unlock(STUDY, sc, "grand_bargain", solver=solver))


@st.composite
def generated(draw_, max_dimensions=5):
    study = synthetic_study(draw_(st.integers(2, max_dimensions)), draw_(st.integers(2, 3)), draw_(st.integers(8, 10)),
                            seed=draw_(st.integers(0, 10**6)), agenda=True)
    return study, study.scenarios[draw_(st.sampled_from(["base", "shifted"]))]


@settings(max_examples=25, deadline=None)
@given(generated(), st.sampled_from(OBJECTIVES), st.sampled_from(SOLVERS))
def test_optimum_equals_enumeration_on_generated_studies_with_agendas(case, objective, solver):
    study, sc = case
    assert check_study(study, set()) == []
    judged = oracle.judge_all(study, sc)
    for j in judged:  # the compiled reading and the oracle's own agree on every package
        assert (not compiled(study, sc).not_tabled(j.package, COUNTRIES)) == j.tabled
    result = optimize(study, sc, parse_objective(objective), Limits(), solver=solver)
    assert_optimal(study, sc, result, objective, oracle.feasible(judged))


@settings(max_examples=12, deadline=None)
@given(generated(max_dimensions=4), st.sampled_from(SOLVERS), st.data())
def test_frontier_and_unlock_equal_enumeration_on_generated_studies_with_agendas(case, solver, data):
    study, sc = case
    result = frontier(study, sc, solver=solver)
    expected = enumerated_frontier(study, sc)
    assert result.status == ("optimal" if expected else "infeasible")
    assert flat(tuple(p.gains.values()) for p in result.points) == pytest.approx(flat(expected), abs=1e-9)
    proposal = data.draw(st.sampled_from(sorted(study.proposals)))
    assert_unlock_is_minimal(study, sc, proposal, unlock(study, sc, proposal, solver=solver))


def test_the_sampler_draws_the_capacity_and_agrees_with_the_scalar_verdict_in_each_world():
    sc = STUDY.scenarios["alarm"]
    kernel = compile_kernel(STUDY, sc)
    draws = draw(kernel, 64, np.random.default_rng(3))
    worlds = evaluate(kernel, draws, roles=True)
    column = [k for k, j in enumerate(kernel.judgments) if j.kind == "capacity"]
    assert len(column) == 1
    for n in range(0, 64, 7):
        settings_ = {j: draws[k, n] for k, j in enumerate(kernel.judgments)}
        s2, sc2 = apply_world(STUDY, sc, settings_)
        for p, pid in enumerate(kernel.proposals):
            c = coalition(s2, sc2, s2.package(pid), s2.proposals[pid].countries)
            assert worlds.ratified[p, n] == c.ratified, (pid, n)
    p = kernel.proposals.index("pilot_deal")
    tabled = ~kept_off(kernel, draws).any(axis=1)[p]
    assert 0 < tabled.mean() < 1
    assert (tabled == (draws[column[0]] >= 3)).all()  # where the drawn capacity reaches migration's rank


def test_sensitivity_reports_the_capacity_where_the_verdict_flips_as_brute_force_finds():
    sc = STUDY.scenarios["alarm"]
    for pid in STUDY.proposals:
        found = sensitivity(STUDY, sc, pid)
        (cap,) = [s for s in found.stabilities if s.judgment.kind == "capacity"]
        grid = [x / 4 for x in range(0, 21)]
        verdicts = []
        for x in grid:
            s2, sc2 = apply_world(STUDY, sc, {cap.judgment: x})
            verdicts.append(coalition(s2, sc2, s2.package(pid), STUDY.proposals[pid].countries).ratified)
        flips = [b for a, b, v, w in zip(grid, grid[1:], verdicts, verdicts[1:]) if v != w]
        assert list(cap.ratification_flips) == flips, pid
    pilot = sensitivity(STUDY, sc, "pilot_deal")
    (cap,) = [s for s in pilot.stabilities if s.judgment.kind == "capacity"]
    assert not pilot.ratified  # the countries ratify it; tabled once the capacity reaches migration's rank, 3
    assert cap.ratification_flips == (3.0,) and cap.ratification_share == pytest.approx(1 / 3)  # of [1, 4]


# --- bad input --------------------------------------------------------------------------------------


def _findings(study):
    return [(kind, item, path, message) for kind, item, path, message in check_study(study, set())]


@pytest.mark.parametrize("change, path, expected", [
    ({"stakeholder": "nobody"}, ("agenda", 0, "stakeholder"), "unknown stakeholder 'nobody'"),
    ({"country": "mx"}, ("agenda", 0, "country"), "expected 'us_president''s country 'us', found 'mx'"),
    ({"country": "atlantis"}, ("agenda", 0, "country"), "unknown country 'atlantis'"),
    ({"items": ["war", "peace"]}, ("agenda", 0, "items"), "no dimension carries any of these items"),
    ({"evidence": ["nothing"]}, ("agenda", 0, "evidence", 0), "unknown evidence 'nothing'"),
])
def test_bad_agenda_setters_are_named_with_their_field(change, path, expected):
    sc = STUDY.scenarios["alarm"]
    bad = sc.agenda[0].model_copy(update=change)
    study = STUDY.model_copy(update={"scenarios": {**STUDY.scenarios,
                                                   "alarm": sc.model_copy(update={"agenda": [bad]})}})
    found = [f for f in _findings(study) if f[:3] == ("scenario", "alarm", path)]
    assert any(expected in f[3] for f in found), _findings(study)


def test_an_absent_setter_is_refused():
    sc = STUDY.scenarios["alarm"].model_copy(update={"absent": ["us_president"]})
    study = STUDY.model_copy(update={"scenarios": {**STUDY.scenarios, "alarm": sc}})
    assert any(f[2] == ("agenda", 0, "stakeholder") and "absent" in f[3] for f in _findings(study))


@pytest.mark.parametrize("fields, expected", [
    ({"capacity": 2, "capacity_range": (3.0, 4.0)}, "outside its range"),
    ({"capacity": 2, "capacity_range": (3.0, 1.0)}, "exceeds high"),
    ({"capacity": -1}, "greater than or equal to 0"),
    ({"capacity": 1.5}, "valid integer"),
    ({"capacity": 1, "items": ["a", "a"]}, "duplicate items: a"),
    ({"capacity": 1, "venues": ["senate"]}, "'bilateral', 'executive', 'statute' or 'treaty'"),
    ({"capacity": 1, "items": []}, "at least 1 item"),
])
def test_bad_setter_fields_are_refused_by_the_model(fields, expected):
    base = {"stakeholder": "us_president", "country": "us", "venues": ["bilateral"], "items": ["migration"]}
    with pytest.raises(ValueError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        AgendaSetter.model_validate({**base, **fields})


def test_coalition_says_who_kept_the_package_off(run):
    """What a user reads: the coalition's JSON and text name the setter, the item, its rank and the
    capacity, with the evidence."""
    code, out, _ = run("coalition", "bush_fox_2001", "--study", str(shipped_case()), "--scenario", "post911_2002",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["ratified"] is False and data["tabled"] is False
    (why,) = data["not_tabled"]
    assert why["reason"].startswith("not tabled: migration ranks 4th on us_president's agenda, capacity 2 — evidence agd_")
    code, out, _ = run("coalition", "bush_fox_2001", "--study", str(shipped_case()), "--scenario", "post911_2002")
    assert "NOT TABLED" in out and "migration ranks 4th on us_president's agenda" in out


def test_a_setting_that_needs_an_item_off_the_agenda_is_named_with_the_setter(run):
    code, out, _ = run("optimize", "--study", str(shipped_case()), "-s", "post911_2002", "--fix",
                       "temp_workers=expanded", "--solver", "highs")
    assert code == 1
    assert "us_president keeps migration off the agenda of a bilateral package (ranked 4th, capacity 2)" in " ".join(out.split())


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("venues", [("bilateral",), ("statute",)])
def test_the_robust_programme_holds_each_worlds_agenda_as_enumeration_does(solver, venues):
    """Each world's drawn capacity holds the off-agenda dimensions in the sample-average programme:
    its package is a deal in as many worlds as the best package found by enumeration, world by world."""
    study = with_agenda(venues=venues)
    sc = study.scenarios["alarm"]
    result = robust_optimize(study, sc, 40, solver=solver, fresh_worlds=200)
    deals = _deals(study, sc, Limits(), 40)
    assert result.status == "optimal"
    assert result.robust.in_sample == max(deals.values()) == deals[tuple(result.robust.package.values())]


def test_whatif_sets_a_capacity_and_the_package_is_tabled_again(run):
    code, out, _ = run("whatif", "bush_fox_2001", "--study", str(shipped_case()), "-s", "post911_2002",
                       "--judge", "capacity:us_president=4", "--format", "json")
    data = json.loads(out)
    # Tabled again, it still fails: the PRI and PRD gain from Fox's failure after 9/11 (regard).
    assert code == 0 and data["ratified_before"] is False and data["ratified_after"] is False
    assert data["after"]["tabled"] and data["before"]["not_tabled"][0]["rank"] == 4
    assert set(data["after"]["countries"]["mx"]["blocking"]) == {"mx_pri", "mx_prd"}
    code, out, _ = run("optimize", "--study", str(shipped_case()), "-s", "post911_2002", "--fix",
                       "temp_workers=expanded", "--solver", "highs", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["status"] == "infeasible"
    assert any(h.startswith("us_president keeps migration off the agenda of a bilateral package")
               for h in data["agenda_holds"]), data["agenda_holds"]
