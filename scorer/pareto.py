"""The Pareto frontier between two countries' ratifying coalitions over ratifiable packages: for
each country the worst gain among the actors its venue requires (maximin within the country),
traced exactly by the ε-constraint method on the optimiser's programme, with the study's
proposals placed relative to it.

Each step maximises the second country's floor while the first's must exceed the last point by
`STEP`: one solve per step. A step that finds the same best for the second country with more for
the first replaces the last point, which was one of several packages at that level; a step that
finds less confirms it. So every point kept is Pareto-optimal and no frontier point is skipped
(up to `STEP`), as with a second solve per point that held the second country and maximised the
first, at about half the solves. Each package a solver returns is re-scored by the scoring
code; where a solver met the step only within its own tolerance, the step grows tenfold (to
`MAX_STEP` at most) for that point, and past that the frontier is reported as not proven complete.

Its JSON contract is stated in the README ("JSON contracts") and produced by `optimize_reports`.

`point` of a proposal is the frontier point equal to it (on) or the one that improves it most evenly
(inside); `headroom` is what each country would gain by moving there."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import NamedTuple

import pulp

from .compiled import CompiledStudy, Package, compiled
from .errors import AccordError
from .limits import Limits, resolve_limits
from .milp import Formulation, floor_variable, formulate, maximise
from .models import Scenario, Study
from .notebook import Tabular
from .search import verify
from .ratification import Coalition, coalition, country_gain
from .scoring import resolve_proposal
from .solver import Session, default_solver

STEP = 1e-6  # the next point must improve the first country's floor by at least this much
MAX_STEP = 1e-3  # ... or by up to this much where the solver's tolerance swallows a smaller step
TIE = 1e-9
MAX_POINTS = 200


class FrontierPoint(NamedTuple):
    point: int
    gains: dict[str, float]
    package: Package
    coalition: Coalition


class Placement(NamedTuple):
    """Where a proposal sits: on the frontier, inside it (a frontier point is better for both
    countries) or beyond it (no ratifiable package is as good for both: it does not ratify, or the
    limits exclude it)."""

    proposal: str
    ratified: bool
    gains: dict[str, float]
    position: str
    point: int | None
    headroom: dict[str, float] | None


@dataclass(frozen=True)
class Frontier(Tabular):
    scenario: str
    countries: tuple[str, str]
    solver: str
    status: str
    points: tuple[FrontierPoint, ...]
    placements: tuple[Placement, ...]
    seconds: float
    summary: bool = False  # some points left out (`frontier_summary`): the brief's frontier


def programme(study: Study, scenario: Scenario, limits: Limits
              ) -> tuple[Limits, CompiledStudy, Formulation, pulp.LpVariable, pulp.LpVariable]:
    """The programme every frontier search solves: the limits checked (two countries, ratifiable
    packages), the formulation, and each country's worst gain as a variable."""
    limits = resolve_limits(study, limits)
    if len(limits.countries) != 2:
        raise AccordError(f"the frontier needs exactly two countries, found {len(limits.countries)}: "
                          f"{', '.join(limits.countries)}")
    if not limits.ratify:
        raise AccordError("the frontier is over ratifiable packages")
    a, b = limits.countries
    model = compiled(study, scenario)
    form = formulate(model, limits)
    return limits, model, form, floor_variable(form, [a], f"worst_gain_{a}"), floor_variable(form, [b], f"worst_gain_{b}")


def frontier(study: Study, scenario: Scenario, limits: Limits = Limits(), solver: str | None = None,
             time_limit: float | None = None) -> Frontier:
    """The frontier between the two countries of `limits.countries`, first country's gain rising."""
    solver = solver or default_solver()
    start = time.perf_counter()
    limits, model, form, floor_a, floor_b = programme(study, scenario, limits)
    a, b = limits.countries
    # The ε-constraint goes through the bounds of this variable.
    eps = form.prob.add_variable("epsilon", lowBound=None, upBound=None)
    form.add(floor_a >= eps, f"frontier_floor_{a}")
    maximise(form, floor_b)
    low = min(form.bounds[s][0] for s in form.bounds) - 1.0

    session = Session(form.prob, solver, time_limit)
    points: list[FrontierPoint] = []
    proven, ending = True, "infeasible"
    step = STEP

    while len(points) < MAX_POINTS:
        floor = points[-1].gains[a] + step if points else low
        eps.lowBound = eps.upBound = floor
        solved = session.run()
        if not solved.found:
            ending = solved.status
            break
        package = form.package()
        c = verify(model, package, limits)
        gains = country_gains(study, c, package, (a, b))
        if gains[a] < floor - step / 2:
            # The solver met the ε-constraint only within its feasibility tolerance (CBC: about
            # 1e-6, whatever it is asked): step further, or give up proving the frontier complete.
            if step >= MAX_STEP:
                proven, ending = False, "not_solved"
                break
            step *= 10
            continue
        proven = proven and solved.status == "optimal"
        step = STEP
        if points and gains[b] >= points[-1].gains[b] - TIE:
            # The same best gain for the second country with more for the first: the last point
            # was not Pareto-optimal (the solver returned one of several packages at that level).
            points[-1] = FrontierPoint(points[-1].point, gains, package, c)
        else:
            points.append(FrontierPoint(len(points) + 1, gains, package, c))
    if not points:
        status = ending
    else:
        status = "optimal" if proven and ending == "infeasible" else "feasible"
    if len(points) >= MAX_POINTS:
        status = "partial"  # stopped at the point cap: more points may lie beyond the last
    return Frontier(scenario.id, (a, b), solver, status, tuple(points),
                    tuple(place(study, scenario, (a, b), points, p, status == "optimal") for p in study.proposals),
                    time.perf_counter() - start)


def country_gains(study: Study, c: Coalition, package: Package, countries: tuple[str, ...]) -> dict[str, float]:
    """Each country's worst gain among the actors its venue requires."""
    return {k: country_gain(study, c, package, k) for k in countries}


def place(study: Study, scenario: Scenario, countries: tuple[str, str], points: list[FrontierPoint],
          proposal_id: str, complete: bool = True) -> Placement:
    """Where the proposal sits; "not computed" instead of "beyond" when the frontier was not
    traced to its end (a time limit or the point cap), so nothing is known beyond its last point."""
    package = resolve_proposal(study, proposal_id, scenario)
    c = coalition(study, scenario, package, countries)
    gains = country_gains(study, c, package, countries)
    beyond = "beyond" if complete else "not computed"
    if not all(math.isfinite(g) for g in gains.values()):
        return Placement(proposal_id, c.ratified, gains, beyond, None, None)
    better = [p for p in points if all(p.gains[k] >= gains[k] - TIE for k in countries)]
    same = [p for p in better if all(abs(p.gains[k] - gains[k]) <= 1e-7 for k in countries)]
    if same and c.ratified:
        return Placement(proposal_id, True, gains, "on the frontier", same[0].point, {k: 0.0 for k in countries})
    if better:
        best = max(better, key=lambda p: (min(p.gains[k] - gains[k] for k in countries), -p.point))
        return Placement(proposal_id, c.ratified, gains, "inside", best.point,
                         {k: best.gains[k] - gains[k] for k in countries})
    return Placement(proposal_id, c.ratified, gains, beyond, None, None)
