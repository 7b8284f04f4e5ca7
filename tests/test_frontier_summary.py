"""The brief's frontier in summary against the full frontier (and against enumeration where a
generated study is small enough): every point it lists is a frontier point, its best point for
both countries is the full frontier's whatever the budget, it lists every point when the budget
allows, and it places the proposals as the full frontier does where it can tell."""

from __future__ import annotations

import pytest

from scorer import load_study
from scorer.frontier_summary import BUDGET, summary_frontier
from scorer.limits import Limits, ratifying_countries
from scorer.milp import maximise
from scorer.pareto import frontier, programme
from scorer.solver import Session, run
from synthetic import synthetic_study
from test_optimize import SOLVERS, enumerated_frontier, flat

CASE = load_study(".")
CASE_LIMITS = Limits(countries=tuple(ratifying_countries(CASE)[:2]))


def best(f):
    """The brief's rule for the best point for both: the highest worst gain, the first of equals."""
    return max(f.points, key=lambda p: (min(p.gains.values()), -p.point))


def gains(f):
    return [tuple(p.gains[k] for k in f.countries) for p in f.points]


def assert_summarises(summary, full):
    """Each summary point is a full frontier point (by gains), the best points agree exactly, and a
    complete summary lists them all."""
    assert summary.summary and not full.summary
    on = gains(full)
    for g in gains(summary):
        assert any(g == pytest.approx(x, abs=1e-7) for x in on), f"{g} is not a frontier point"
    assert [p.point for p in summary.points] == list(range(1, len(summary.points) + 1))
    if full.points:
        assert best(summary).gains == pytest.approx(best(full).gains, abs=1e-9)
        assert min(best(summary).gains.values()) == min(best(full).gains.values())
    else:
        assert not summary.points
    if summary.status == "optimal":
        assert flat(gains(summary)) == pytest.approx(flat(on), abs=1e-9)


def assert_places(summary, full):
    """The summary places each proposal as the full frontier does, except "not computed" where an
    open gap could hold a point as good for both, and an inside proposal's point, which is the most
    even improvement among the points found (still better for both)."""
    by_gains = {tuple(round(v, 7) for v in p.gains.values()): p.point for p in full.points}
    for s, f in zip(summary.placements, full.placements):
        assert s.proposal == f.proposal and s.gains == f.gains
        if s.position == "not computed":
            assert f.position != "inside"
            continue
        assert s.position == f.position, s.proposal
        if s.position == "on the frontier":
            assert by_gains[tuple(round(v, 7) for v in summary.points[s.point - 1].gains.values())] == f.point
        if s.position == "inside":
            point = summary.points[s.point - 1]
            assert all(point.gains[k] - s.gains[k] == pytest.approx(s.headroom[k]) for k in summary.countries)
            assert min(s.headroom.values()) >= -1e-9
            assert min(s.headroom.values()) <= min(f.headroom.values()) + 1e-9


@pytest.mark.parametrize("scenario", ["pre911_2001", "post911_2002", "cir_2006", "cir_2007", "transit_2024"])
def test_the_shipped_case_summary_keeps_the_full_frontiers_best_point(scenario):
    sc = CASE.scenario(scenario)
    full = frontier(CASE, sc, CASE_LIMITS)
    summary = summary_frontier(CASE, sc, CASE_LIMITS)
    assert_summarises(summary, full)
    assert_places(summary, full)
    assert len(summary.points) <= BUDGET


GENERATED = {3: (10, 3, 20), 4: (12, 3, 20), 6: (9, 3, 14)}  # dense studies of 4 to 11 frontier points


@pytest.mark.parametrize(("seed", "solver"), [(3, "highs"), (4, "highs"), (6, "highs"), (6, "cbc")])
def test_on_generated_studies_the_best_point_holds_whatever_the_budget(seed, solver):
    d, levels, n = GENERATED[seed]
    study = synthetic_study(d, levels, n, seed=seed, concerns=(d, d))
    for name in ("base", "shifted"):
        sc = study.scenario(name)
        full = frontier(study, sc, solver=solver)
        for budget in (0, 6):
            summary = summary_frontier(study, sc, solver=solver, budget=budget)
            assert_summarises(summary, full)
            assert_places(summary, full)
        complete = summary_frontier(study, sc, solver=solver, budget=100)
        assert complete.status == "optimal"
        assert_summarises(complete, full)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_complete_summary_equals_enumeration(solver):
    study = synthetic_study(10, 2, 10, seed=21)
    for name in ("base", "shifted"):
        sc = study.scenario(name)
        summary = summary_frontier(study, sc, solver=solver, budget=100)
        assert summary.status == "optimal"
        expected = enumerated_frontier(study, sc)
        assert flat(gains(summary)) == pytest.approx(flat(expected), abs=1e-9)
        assert max(min(g) for g in expected) == pytest.approx(min(best(summary_frontier(study, sc, solver=solver,
                                                                                          budget=0)).gains.values()))


def test_a_kept_programme_solves_as_a_fresh_one_each_time():
    """The summary keeps its programme in HiGHS and changes only the objective and bounds between
    solves (`solver.Session`): each solve's status and optimum equal a fresh build's, through an
    infeasible bound and back."""
    study = synthetic_study(9, 3, 14, seed=6, concerns=(9, 9))
    sc = study.scenario("base")
    kept, fresh = (programme(study, sc, Limits()) for _ in range(2))
    session = Session(kept[2].prob, "highs")
    assert session.highs is not None, "HiGHS runs in process here"
    solves = {"kept": session.run, "fresh": lambda: run(fresh[2].prob, "highs", None)}
    steps = [((0, 1), (None, None)), ((1, 0), (None, None)), ((1, 1), (0.0, 0.0)), ((1, 0), (10.0, None)),
             ((2, 1), (None, 0.05)), ((0, 1), (None, None))]
    statuses = []
    for (wa, wb), bounds in steps:
        found = {}
        for name, (_, _, form, floor_a, floor_b) in (("kept", kept), ("fresh", fresh)):
            floor_a.lowBound, floor_b.lowBound = bounds
            maximise(form, wa * floor_a + wb * floor_b)
            solved = solves[name]()
            found[name] = (solved.status, form.prob.objective.value() if solved.found else None)
        assert found["kept"][0] == found["fresh"][0]
        assert found["kept"][1] == pytest.approx(found["fresh"][1], abs=1e-9)
        statuses.append(found["kept"][0])
    assert statuses == ["optimal"] * 3 + ["infeasible"] + ["optimal"] * 2
    kept[2].add(kept[3] >= 0, "one_more_row")
    with pytest.raises(RuntimeError, match="gained or lost a row"):
        session.run()
