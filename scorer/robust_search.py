"""Robust packages (`accord optimize --robust N`): the package that ratifies in the largest share of
N sampled worlds, chosen by a sample-average MILP, then judged out of sample on fresh worlds next
to the plain optimum of `optimize`.

A world counts when the package is ratified there *and every government signs it*: the actors of
each country's executive venue (its president) accept. Without that second condition the answer
is always the status quo, which needs no venue and so "ratifies" in every world; with it, doing
nothing counts only where no government asks for more than it (a non-positive reservation).

The programme keeps the optimiser's package, level rules and venue slots (`optimize.formulate`),
which no judgment moves, and adds per world n a binary z_n (the world counts) and, for each
present stakeholder some requirement names, an acceptance binary a_sn that can be 1 only when the
stakeholder's gain in that world (its sampled weights, values and term adjustments) reaches its
sampled reservation and no red line is touched (a conditional one as drawn in that world). z_n = 1 asks every government to accept and, for the venue picked,
every named actor to accept and every chamber (and majority-party agenda gate) to reach its
threshold with the seat shares world n draws, and holds the dimensions an agenda setter keeps off
at that world's capacity. The objective is the number of worlds that count; ties between packages
are left to the solver. The package is then checked by the vectorised model on the same worlds
(it must count in at least as many) and by the level rules.

Its JSON contract is stated in the README ("JSON contracts") and produced by `robust_reports`."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pulp

from .checks import rule_violations
from .compiled import CompiledStudy, Package, compiled
from .errors import AccordError
from .interactions import in_world
from .judgments import DEFAULT_SAMPLES, DEFAULT_SEED
from .limits import Limits, Objective, resolve_limits, requirements
from .milp import actor_on, add_acceptance, add_agenda, add_chamber_test, chamber_of, formulate, maximise
from .models import Scenario, Study, Venue
from .search import OptimizerMismatch, optimize
from .ratification import coalition
from .regard import RegardTerm, combined
from .sampling import (Kernel, capacities, chamber_in_world, compile_kernel, draw, ratified_counts, reservations,
                       threats, weights)
from .solver import default_solver, run


class Candidate(NamedTuple):
    """A package judged over the sampled worlds."""

    package: Package
    ratified_at_point: bool
    signed_at_point: bool
    in_sample: int  # worlds that count, of the N the programme saw
    out_of_sample: int  # worlds that count, of the M fresh ones
    out_of_sample_ratified: int  # fresh worlds ratified, signed or not


@dataclass(frozen=True)
class RobustSearch:
    scenario: str
    objective: Objective  # of the plain optimum
    limits: Limits
    solver: str
    status: str
    gap: float | None
    worlds: int
    fresh_worlds: int
    seed: int
    distribution: str
    judgments: int
    signers: tuple[str, ...]
    robust: Candidate | None
    plain: Candidate | None
    plain_objective: float | None
    seconds: float


def signers(study: Study, limits: Limits, scenario: Scenario | None = None) -> list[str]:
    """The governments that must accept a deal: the actors of each country's executive venue."""
    model = compiled(study, scenario or study.scenario())
    limits = resolve_limits(study, limits)
    return list(dict.fromkeys(a for c in limits.countries for a in model.tests[c][Venue.executive].actors))


def _own_world_coefficients(model: CompiledStudy, kernel: Kernel, draws: np.ndarray, w: np.ndarray, s: int
                            ) -> list[dict[str, dict[str, float]]]:
    """Per world: dimension -> level -> own gain coefficient of stakeholder index s, its sampled
    weight times the level's sampled value less the status quo's, times its sampled delivery
    probability where a delivery doubt applies."""
    profile = model.profiles[kernel.stakeholders[s]]
    dindex = {d: i for i, d in enumerate(model.levels)}
    drawn = [(k, j.dimension, j.level) for k, j in enumerate(kernel.judgments)
             if j.kind == "value" and j.stakeholders[0] == profile.id]
    doubt = {d: (column, point) for i, d, column, point in kernel.delivery if i == s}
    dims = list(model.levels)
    out = []
    for n in range(draws.shape[1]):
        values = {d: dict(row) for d, row in profile.values.items()}
        for k, d, lv in drawn:
            values[d][lv] = draws[k, n]
        p = {dims[d]: (draws[c, n] if c >= 0 else x) for d, (c, x) in doubt.items()}
        out.append({d: {lv: p.get(d, 1.0) * w[s, dindex[d], n] * (row[lv] - row[model.status_quo[d]])
                        for lv in model.levels[d]}
                    for d, row in values.items()})
    return out


def _world_coefficients(model: CompiledStudy, kernel: Kernel, draws: np.ndarray, w: np.ndarray, s: int
                        ) -> list[dict[str, dict[str, float]]]:
    """Per world: stakeholder index s's gain coefficients, its own plus each regard term's sampled
    share of the other's own."""
    own = _own_world_coefficients(model, kernel, draws, w, s)
    for i, o, column, point in kernel.regard:
        if i == s:
            other = _own_world_coefficients(model, kernel, draws, w, o)
            own = [combined(mine, (RegardTerm(kernel.stakeholders[o], float(draws[column, n]) if column >= 0 else point,
                                              -1, theirs, ()),))
                   for n, (mine, theirs) in enumerate(zip(own, other))]
    return own


def formulate_robust(model: CompiledStudy, limits: Limits, kernel: Kernel, draws: np.ndarray):
    """The optimiser's programme without its own requirements, plus per-world acceptance and
    ratification stated by the same helpers as the point programme: returns the formulation and
    the world binaries z_n."""
    form = formulate(model, limits, enforce=[], agenda=False)
    n_worlds = draws.shape[1]
    reqs = requirements(model, limits)
    governments = signers(model.study, limits, model.scenario)
    named = set(governments)
    for r in reqs:
        if r.kind == "chamber":
            named |= {b for b, x in chamber_of(form, r).seats.items() if x > 0}
        else:
            named.add(r.id)
    index = {s: i for i, s in enumerate(kernel.stakeholders)}
    w, res, cost = weights(kernel, draws), reservations(kernel, draws), threats(kernel, draws)
    z = [form.prob.add_variable(f"world_{n}", cat=pulp.LpBinary) for n in range(n_worlds)]
    if form.limits.ratify:  # each world's agenda capacities hold the dimensions kept off there
        caps = capacities(kernel, draws)
        for n in range(n_worlds):
            add_agenda(form, f"w{n}", {g: caps[g, n] for g in range(len(caps))}, z[n])
    accept: dict[str, list] = {}
    for sid in sorted(named):
        if sid not in model.profiles:  # absent: never accepts
            accept[sid] = [0] * n_worlds
            continue
        i = index[sid]
        red = model.profiles[sid].red_lines
        accept[sid] = [add_acceptance(form, f"{sid}_{n}", coefficients, res[i, n], red, cost[i, n],
                                      *in_world(model.profiles[sid], kernel.judgments, draws[:, n]))[0]
                       for n, coefficients in enumerate(_world_coefficients(model, kernel, draws, w, i))]

    for n in range(n_worlds):
        for g in governments:
            form.add(pulp.lpSum([accept[g][n]]) >= z[n], f"signs_{g}_{n}")
        for r in reqs:
            if r.kind == "require":
                form.add(pulp.lpSum([accept[r.id][n]]) >= z[n], f"require_{r.id}_{n}")
            elif r.kind == "actor":
                form.add(pulp.lpSum([accept[r.id][n]]) >= z[n] + actor_on(form, r) - 1,
                         f"ratify_{r.country}_{r.id}_{n}")
            else:
                chamber = chamber_in_world(kernel, chamber_of(form, r), draws[:, n])
                add_chamber_test(form, chamber, lambda b, n=n: accept[b][n],
                                 z[n] + form.venue[r.country][r.venue] - 1, f"{r.country}_{r.venue.value}_{r.id}_{n}")
    maximise(form, pulp.lpSum(z))
    return form, z


def robust_optimize(study: Study, scenario: Scenario, worlds: int, objective: Objective = Objective("maximin"),
                    limits: Limits = Limits(),
                    solver: str | None = None, time_limit: float | None = None,
                    seed: int = DEFAULT_SEED, distribution: str = "uniform",
                    fresh_worlds: int = DEFAULT_SAMPLES) -> RobustSearch:
    """The package ratified in the most of `worlds` sampled worlds, and the plain optimum for
    `objective`, both judged on `fresh_worlds` further worlds of the same seeded stream."""
    if worlds < 1:
        raise AccordError(f"the number of sampled worlds must be at least 1, found {worlds}")
    limits = resolve_limits(study, limits)
    solver = solver or default_solver()
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    model = compiled(study, scenario)
    kernel = compile_kernel(study, scenario)
    draws = draw(kernel, worlds, rng, distribution)

    form, z = formulate_robust(model, limits, kernel, draws)
    result = run(form.prob, solver, time_limit)
    packages: dict[str, tuple[Package, tuple[str, ...]]] = {}
    if result.found:
        packages["robust"] = (form.package(), limits.countries)
        problems = [m for _, m in rule_violations(study, packages["robust"][0])]
        if problems:
            raise OptimizerMismatch(f"the robust package breaks the level rules ({'; '.join(problems)})")
    plain = optimize(study, scenario, objective, limits, 1, solver, time_limit)
    if plain.packages:
        packages["plain"] = (plain.packages[0].package, limits.countries)
    found: dict[str, Candidate] = {}
    governments = signers(study, limits, scenario)
    if packages:
        judged = compile_kernel(study, scenario, packages)
        _, inside = ratified_counts(judged, worlds, np.random.default_rng(seed), distribution, governments)
        # the fresh worlds: the same seeded stream, after the N the programme saw
        out_ratified, outside = ratified_counts(judged, fresh_worlds, rng, distribution, governments)
        for p, name in enumerate(judged.proposals):
            package = packages[name][0]
            c = coalition(study, scenario, package, limits.countries)
            signed = c.ratified and all(g in c.stances and c.stances[g].accepts for g in governments)
            found[name] = Candidate(package, c.ratified, signed, int(inside[p]), int(outside[p]),
                                    int(out_ratified[p]))
        milp = round(pulp.value(form.prob.objective) or 0) if "robust" in found else 0
        if "robust" in found and found["robust"].in_sample < milp:
            raise OptimizerMismatch(f"the solver counts {milp} of {worlds} worlds ratified, the scoring "
                                        f"model {found['robust'].in_sample}, for {packages['robust'][0]}")
    return RobustSearch(scenario.id, objective, limits, solver, result.status, result.gap, worlds, fresh_worlds, seed,
                        distribution, len(kernel.judgments), tuple(governments), found.get("robust"), found.get("plain"),
                        plain.packages[0].objective if plain.packages else None, time.perf_counter() - start)
