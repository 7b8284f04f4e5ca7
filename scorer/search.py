"""The optimiser's search: the best packages the ratifying coalitions accept (the programme in
`milp`, solved by `solver`), the next ones by no-good cuts, each checked by the scoring code; and,
when none exists, the diagnosis (`diagnosis`).

Its JSON contract is stated in the README ("JSON contracts") and produced by `optimize_reports`.

The top-level package fields describe the best package; `packages` lists all `top` of them;
`conflict`, `settings_conflict` and `closest` are filled only when no package exists."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import pulp

from .checks import rule_violations
from .compiled import OBJECTIVE_AGREEMENT, CompiledStudy, Package, compiled
from .diagnosis import Diagnosis, diagnose
from .errors import AccordError
from .limits import Limits, Objective, resolve_limits
from .milp import formulate, maximise, objective_expression, slot_rank
from .models import Scenario, Study
from .notebook import Tabular
from .ratification import Coalition, coalition, country_gain
from .solver import default_solver, run


class OptimizerMismatch(RuntimeError):
    """A package the solver returned fails the scoring code's own check: a bug or a numerical
    problem, never an answer to report."""


def objective_value(study: Study, objective: Objective, countries: Sequence[str], package: Package,
                    c: Coalition) -> float:
    """The objective of a package, from the scoring code alone (what the tables report)."""
    if objective.name == "maximin":
        return min(country_gain(study, c, package, k) for k in countries)
    if objective.name == "favour":
        return country_gain(study, c, package, objective.country)
    if objective.name == "welfare":
        return sum(study.stakeholders[s].influence * x.gain for s, x in c.stances.items())
    total = sum(study.stakeholders[s].influence for s in c.stances) or 1.0
    return sum(study.stakeholders[s].influence for s, x in c.stances.items() if x.accepts) / total


def verify(model: CompiledStudy, package: Package, limits: Limits) -> Coalition:
    """The package's coalition, after checking it meets every limit by the scoring code's own
    reckoning; raises OptimizerMismatch otherwise."""
    study = model.study
    c = coalition(study, model.scenario, package, limits.countries)
    problems = [message for _, message in rule_violations(study, package)]
    if limits.ratify and not c.ratified:
        problems.append(f"not ratified (blocking: {', '.join(c.blocking)})")
    problems += [f"{s} does not accept" for s in limits.require if not (s in c.stances and c.stances[s].accepts)]
    problems += [f"{d} is not at {lv}" for d, lv in limits.fix if package[d] != lv]
    problems += [f"{d} is at forbidden {lv}" for d, lv in limits.forbid if package[d] == lv]
    problems += [f"venue in {k} exceeds {v.value}" for k, v in limits.venue
                 if slot_rank(model.venue_needed(package, k)) > v.rank]
    if problems:
        raise OptimizerMismatch("the solver's package fails the scoring code's check ("
                                + "; ".join(problems) + f"): {package}")
    return c


class Found(NamedTuple):
    """One package the optimiser returned, checked by the scoring code."""

    rank: int
    package: Package
    coalition: Coalition
    objective: float
    status: str
    gap: float | None


@dataclass(frozen=True)
class Search(Tabular):
    scenario: str
    objective: Objective
    limits: Limits
    solver: str
    status: str
    packages: tuple[Found, ...]
    diagnosis: Diagnosis | None
    seconds: float


def optimize(study: Study, scenario: Scenario, objective: Objective = Objective("maximin"), limits: Limits = Limits(),
             top: int = 1,
             solver: str | None = None, time_limit: float | None = None) -> Search:
    """The `top` best distinct packages under `limits` for `objective` (next ones by no-good
    cuts), each verified; or, when none exists, a diagnosis."""
    limits = resolve_limits(study, limits)
    if objective.name == "favour" and objective.country not in limits.countries:
        raise AccordError(f"favour={objective.country}: the country must be among the countries that ratify "
                          f"({', '.join(limits.countries)})")
    if top < 1:
        raise AccordError(f"the number of packages asked for must be at least 1, found {top}")
    solver = solver or default_solver()
    start = time.perf_counter()
    model = compiled(study, scenario)
    form = formulate(model, limits)
    maximise(form, objective_expression(form, objective))
    found: list[Found] = []
    first = None
    for k in range(top):
        result = run(form.prob, solver, time_limit)
        first = first or result
        if not result.found:
            break
        package = form.package()
        c = verify(model, package, limits)
        value = objective_value(study, objective, limits.countries, package, c)
        milp = pulp.value(form.prob.objective)
        if result.status == "optimal" and milp is not None and abs(milp - value) > OBJECTIVE_AGREEMENT:
            raise OptimizerMismatch(f"objective {objective}: the solver says {milp:.9f}, the scoring code "
                                    f"{value:.9f} for {package}")
        found.append(Found(k + 1, package, c, value, result.status, result.gap))
        form.add(pulp.lpSum(form.pick[d][lv] for d, lv in package.items()) <= len(package) - 1, f"not_package_{k}")
    diagnosis = None
    if not found and first.status == "infeasible":
        diagnosis = diagnose(model, limits, solver, time_limit, prefer=lambda soft: objective_expression(soft, objective))
    return Search(scenario.id, objective, limits, solver, first.status, tuple(found), diagnosis,
                  time.perf_counter() - start)
