"""What unlocks agreement: the smallest changes to a proposal that make it ratify, or win the
acceptance of named stakeholders, solved on the optimiser's programme.

Cost `count` minimises the number of dimensions changed (ties go to the smaller loss for the
sponsor); cost `sponsor` minimises the sponsor's loss of value (ties go to fewer changes). After
each answer a cut forbids every package containing all of its moves, so the next alternatives are
genuinely different, and under `count` every alternative is minimal: no subset of its changes works.

Its JSON contract is stated in the README ("JSON contracts") and produced by `optimize_reports`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple

import pulp

from .compiled import Package, compiled
from .diagnosis import Diagnosis, diagnose
from .errors import AccordError
from .limits import Limits, check_stakeholders
from .milp import Formulation, formulate, minimise
from .models import Scenario, Study
from .notebook import Tabular
from .search import verify
from .ratification import Coalition, coalition
from .scoring import resolve_proposal
from .solver import default_solver, run

COSTS = ("count", "sponsor")


class Change(NamedTuple):
    dimension: str
    before: str
    after: str


class Alternative(NamedTuple):
    """One set of changes that unlocks the proposal, checked by the scoring code."""

    rank: int
    changes: tuple[Change, ...]
    package: Package
    coalition: Coalition
    wins: tuple[str, ...]
    loses: tuple[str, ...]
    sponsor_gain: float | None
    status: str
    gap: float | None


@dataclass(frozen=True)
class Unlock(Tabular):
    proposal: str
    scenario: str
    sponsor: str
    cost: str
    target: tuple[str, ...]  # stakeholders to win over; empty means ratification
    concessions_only: bool
    solver: str
    status: str  # already | optimal | feasible | infeasible | not_solved
    before: Coalition
    sponsor_gain: float | None
    alternatives: tuple[Alternative, ...]
    diagnosis: Diagnosis | None
    seconds: float


def _met(c: Coalition, target: tuple[str, ...]) -> bool:
    if not target:
        return c.ratified
    return all(s in c.stances and c.stances[s].accepts for s in target)


def concession_limits(study: Study, package: Package) -> tuple[tuple[str, str], ...]:
    """Levels farther from the status quo than the proposal's own (forbidden under --concessions-only)."""
    return tuple((d, lv) for d, dim in study.dimensions.items()
                 for lv in dim.level_ids[dim.level_ids.index(package[d]) + 1:])


def unlock(study: Study, scenario: Scenario, proposal_id: str, cost: str = "count", target: tuple[str, ...] = (),
           concessions_only: bool = False, top: int = 3, solver: str | None = None,
           time_limit: float | None = None, sponsor: str | None = None) -> Unlock:
    """The `top` cheapest ways to change the proposal so that it ratifies in its countries (or,
    with `target`, so that those stakeholders accept); a diagnosis when nothing does. `sponsor`
    (default: the proposal's) is the stakeholder whose loss `cost` sponsor counts."""
    original = resolve_proposal(study, proposal_id, scenario)
    proposal = study.proposals[proposal_id]
    check_stakeholders(study, target, "to win over")
    if cost not in COSTS:
        raise AccordError(f"unknown cost '{cost}' (expected one of: {', '.join(COSTS)})")
    if top < 1:
        raise AccordError(f"the number of alternatives asked for must be at least 1, found {top}")
    solver = solver or default_solver()
    start = time.perf_counter()
    sponsor = sponsor or proposal.sponsor
    limits = Limits(countries=tuple(proposal.countries), require=tuple(target), ratify=not target,
                    forbid=concession_limits(study, original) if concessions_only else ())
    model = compiled(study, scenario)
    before = coalition(study, scenario, original, limits.countries)
    sponsor_before = before.stances[sponsor].gain if sponsor in before.stances else None

    def result(status: str, alternatives: list[Alternative], diagnosis: Diagnosis | None = None) -> Unlock:
        return Unlock(proposal_id, scenario.id, sponsor, cost, tuple(target), concessions_only, solver, status,
                      before, sponsor_before, tuple(alternatives), diagnosis, time.perf_counter() - start)

    if _met(before, tuple(target)):
        return result("already", [])
    if cost == "sponsor" and sponsor_before is None:
        raise AccordError(f"cost 'sponsor': the sponsor '{sponsor}' is absent in scenario '{scenario.id}'")

    form = formulate(model, limits)
    changes = len(original) - pulp.lpSum(form.pick[d][lv] for d, lv in original.items())
    loss = (sponsor_before - form.gain[sponsor]) if sponsor in form.gain else pulp.lpSum([])
    worst, best = form.bounds.get(sponsor, (0.0, 0.0))
    # Under `count`, a loss term weighted below one change only breaks ties between equal counts.
    tie_weight = 0.5 / (best - worst) if best - worst > 1e-12 else 0.0
    # Under `sponsor`, a second solve holds the loss at its optimum (through this bound) and counts changes.
    loss_cap = form.prob.add_variable("sponsor_loss_cap", lowBound=None, upBound=None)
    form.add(loss <= loss_cap, "sponsor_loss_within_cap")

    alternatives: list[Alternative] = []
    first_status = None
    for k in range(top):
        loss_cap.lowBound, loss_cap.upBound = None, None
        if cost == "count":
            minimise(form, changes + tie_weight * loss)
            solved = run(form.prob, solver, time_limit)
        else:
            minimise(form, loss)
            solved = run(form.prob, solver, time_limit)
            if solved.found:
                # The loss of the package found, from the scoring code (CBC reports eight digits only).
                cheapest = form.package()
                after = coalition(study, scenario, cheapest, limits.countries).stances[sponsor].gain
                cap = sponsor_before - after + 1e-9
                loss_cap.lowBound, loss_cap.upBound = cap, cap
                minimise(form, changes)
                second = run(form.prob, solver, time_limit)
                solved = second if second.found else solved
        first_status = first_status or solved.status
        if not solved.found:
            break
        package = form.package()
        c = verify(model, package, limits)
        if target and not _met(c, tuple(target)):
            raise AssertionError("unreachable: verify checks the required stakeholders")
        moves = [(d, lv) for d, lv in package.items() if lv != original[d]]
        alternatives.append(Alternative(
            k + 1, tuple(Change(d, original[d], lv) for d, lv in moves), package, c,
            tuple(s for s, x in c.stances.items() if x.accepts and not before.stances[s].accepts),
            tuple(s for s, x in c.stances.items() if not x.accepts and before.stances[s].accepts),
            c.stances[sponsor].gain if sponsor in c.stances else None, solved.status, solved.gap))
        form.add(pulp.lpSum(form.pick[d][lv] for d, lv in moves) <= len(moves) - 1, f"not_superset_{k}")
    if alternatives:
        return result(first_status, alternatives)

    def unchanged(soft: Formulation) -> pulp.LpAffineExpression:
        return pulp.lpSum(soft.pick[d][lv] for d, lv in original.items())

    diagnosis = None
    if first_status == "infeasible":
        diagnosis = diagnose(model, limits, solver, time_limit, prefer=unchanged)
    return result(first_status, [], diagnosis)
