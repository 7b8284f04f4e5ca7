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
stakeholder's gain in that world (its sampled weights and values) reaches its sampled reservation
and no red line is touched. z_n = 1 asks every government to accept and, for the venue picked,
every named actor to accept and every chamber (and majority-party agenda gate) to reach its
threshold, in world n. The objective is the number of worlds that count; ties between packages
are left to the solver. The package is then checked by the vectorised model on the same worlds
(it must count in at least as many) and by the level rules.

JSON (`accord optimize --robust N -f json`), stable:
    {"status": "optimal" | "feasible" | "infeasible" | "not_solved", "scenario", "solver", "gap",
     "worlds": N, "fresh_worlds": M, "seed", "distribution", "judgments": K,
     "signers": [stakeholder],   # the governments that must accept for a world to count
     "robust": {"package": {dimension: level}, "changes": {dimension: {"from", "to"}},
                "pillars": [...], "ratified_at_point": bool, "signed_at_point": bool,
                "in_sample": share of the N worlds that count, "out_of_sample": share of M fresh worlds
                that count, "out_of_sample_se": float,
                "out_of_sample_ratified": share of the fresh worlds ratified, signed or not} | null,
     "plain": {"objective_name", "objective": float, same fields as "robust"} | null}
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pulp

from . import optimize as opt
from .checks import rule_violations
from .errors import AccordError
from .judgments import DEFAULT_SAMPLES, DEFAULT_SEED
from .models import Scenario, Study, Venue
from .optimize_reports import changes_json, changes_of, pillars_json, provision_rows
from .ratification import SEAT_EPSILON, coalition, majority_party, seat_shares
from .render import Report, Table
from .sampling import compile_kernel, draw, ratified_counts, reservations, weights
from .scoring import Package, concern_values, status_quo


@dataclass(frozen=True)
class Candidate:
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
    objective: opt.Objective  # of the plain optimum
    limits: opt.Limits
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


def _world_values(study: Study, kernel, draws: np.ndarray, s: int) -> dict[str, np.ndarray]:
    """dimension -> (levels, n) values of each level to stakeholder index s in each world."""
    sh = study.stakeholders[kernel.stakeholders[s]]
    out = {}
    for d, concern in sh.concerns.items():
        point = concern_values(study.dimensions[d], concern)
        out[d] = np.repeat(np.array([point[lv] for lv in study.dimensions[d].level_ids])[:, None], draws.shape[1], 1)
    ids = {d: study.dimensions[d].level_ids for d in out}
    for k, j in enumerate(kernel.judgments):
        if j.kind == "value" and j.stakeholders[0] == sh.id:
            out[j.dimension][ids[j.dimension].index(j.level)] = draws[k]
    return out


def signers(study: Study, limits: opt.Limits) -> list[str]:
    """The governments that must accept a deal: the actors of each country's executive venue."""
    return list(dict.fromkeys(a for c in limits.countries
                              for a in study.institutions.countries[c].venues[Venue.executive].actors))


def formulate_robust(study: Study, scenario: Scenario, limits: opt.Limits, kernel, draws: np.ndarray):
    """The optimiser's programme without its own requirements, plus per-world acceptance and
    ratification: returns the formulation and the world binaries z_n."""
    form = opt.formulate(study, scenario, limits, enforce=[])
    n_worlds = draws.shape[1]
    base = status_quo(study)
    allowed = {d: limits.allowed(study, d) for d in study.dimensions}
    reqs = opt.requirements(study, limits)
    governments = signers(study, limits)
    named = set(governments)
    for r in reqs:
        if r.kind == "chamber":
            named |= {b for b, x in seat_shares(study, scenario, r.id).items() if x > 0}
        else:
            named.add(r.id)
    index = {s: i for i, s in enumerate(kernel.stakeholders)}
    w, res = weights(kernel, draws), reservations(kernel, draws)
    dims = list(study.dimensions)
    z = [form.prob.add_variable(f"world_{n}", cat=pulp.LpBinary) for n in range(n_worlds)]
    accept: dict[str, list] = {}
    for sid in sorted(named):
        if sid not in form.profiles:  # absent: never accepts
            accept[sid] = [0] * n_worlds
            continue
        i = index[sid]
        values = _world_values(study, kernel, draws, i)
        red = form.profiles[sid].red_lines
        touched = pulp.lpSum(form.pick[d][lv] for d, levels in red.items() for lv in levels)
        accept[sid] = []
        for n in range(n_worlds):
            terms, worst, best = [], 0.0, 0.0
            for d, v in values.items():
                ids = study.dimensions[d].level_ids
                sq = v[ids.index(base[d]), n]
                coef = {lv: w[i, dims.index(d), n] * (v[j, n] - sq) for j, lv in enumerate(ids)}
                terms += [(form.pick[d][lv], c) for lv, c in coef.items() if c != 0.0]
                worst += min(coef[lv] for lv in allowed[d]) if allowed[d] else 0.0
                best += max(coef[lv] for lv in allowed[d]) if allowed[d] else 0.0
            need = res[i, n] - opt.TOLERANCE
            if best < need:  # no allowed package wins it over in this world
                accept[sid].append(0)
                continue
            a = form.prob.add_variable(f"accept_{sid}_{n}", cat=pulp.LpBinary)
            accept[sid].append(a)
            if need > worst:
                form.add(pulp.LpAffineExpression(terms) >= need - (need - worst) * (1 - a), f"gain_{sid}_{n}")
            if red:
                form.add(touched <= 1 - a, f"red_line_{sid}_{n}")

    for n in range(n_worlds):
        for g in governments:
            form.add(pulp.lpSum([accept[g][n]]) >= z[n], f"signs_{g}_{n}")
        for r in reqs:
            if r.kind == "require":
                form.add(pulp.lpSum([accept[r.id][n]]) >= z[n], f"require_{r.id}_{n}")
            elif r.kind == "actor":
                rules = study.institutions.countries[r.country].venues
                slots = [form.venue[r.country][v] for v in Venue if r.id in rules[v].actors]
                form.add(pulp.lpSum([accept[r.id][n]]) >= z[n] + pulp.lpSum(slots) - 1,
                         f"ratify_{r.country}_{r.id}_{n}")
            else:
                seats = seat_shares(study, scenario, r.id)
                on = z[n] + form.venue[r.country][r.venue] - 1
                share = pulp.lpSum(x * accept[b][n] for b, x in seats.items() if x > 0)
                form.add(share >= (r.threshold - SEAT_EPSILON) * on, f"ratify_{r.country}_{r.venue.value}_{r.id}_{n}")
                party = majority_party(study, scenario, r.id)
                if party:
                    total = sum(seats[b] for b in party)
                    agenda = pulp.lpSum(seats[b] / total * accept[b][n] for b in party if seats[b] > 0 and total > 0)
                    gate = study.institutions.chambers[r.id].agenda_threshold
                    form.add(agenda >= (gate - SEAT_EPSILON) * on, f"agenda_{r.country}_{r.venue.value}_{r.id}_{n}")
    form.prob.sense = pulp.LpMaximize
    form.prob.setObjective(pulp.lpSum(z))
    return form, z


def robust_optimize(study: Study, scenario: Scenario, worlds: int, objective: opt.Objective = opt.Objective("maximin"),
                    limits: opt.Limits = opt.Limits(), solver: str | None = None, time_limit: float | None = None,
                    seed: int = DEFAULT_SEED, distribution: str = "uniform",
                    fresh_worlds: int = DEFAULT_SAMPLES) -> RobustSearch:
    """The package ratified in the most of `worlds` sampled worlds, and the plain optimum for
    `objective`, both judged on `fresh_worlds` further worlds of the same seeded stream."""
    if worlds < 1:
        raise AccordError(f"--robust must be at least 1, found {worlds}")
    opt.check_limits(study, scenario, limits)
    solver = solver or opt.default_solver()
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    kernel = compile_kernel(study, scenario)
    draws = draw(kernel, worlds, rng, distribution)

    form, z = formulate_robust(study, scenario, limits, kernel, draws)
    result = opt.run(form, solver, time_limit)
    packages: dict[str, tuple[Package, tuple[str, ...]]] = {}
    if result.found:
        packages["robust"] = (form.package(), limits.countries)
        problems = [m for _, m in rule_violations(study, packages["robust"][0])]
        if problems:
            raise opt.OptimizerMismatch(f"the robust package breaks the level rules ({'; '.join(problems)})")
    plain = opt.optimize(study, scenario, objective, limits, 1, solver, time_limit)
    if plain.packages:
        packages["plain"] = (plain.packages[0].package, limits.countries)
    found: dict[str, Candidate] = {}
    governments = signers(study, limits)
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
            raise opt.OptimizerMismatch(f"the solver counts {milp} of {worlds} worlds ratified, the scoring "
                                        f"model {found['robust'].in_sample}, for {packages['robust'][0]}")
    return RobustSearch(scenario.id, objective, limits, solver, result.status, result.gap, worlds, fresh_worlds, seed,
                        distribution, len(kernel.judgments), tuple(governments), found.get("robust"), found.get("plain"),
                        plain.packages[0].objective if plain.packages else None, time.perf_counter() - start)


# --- report -----------------------------------------------------------------------------------


def _share(count: int, n: int) -> float:
    return round(count / n, 6)


def _candidate_json(study: Study, c: Candidate | None, r: RobustSearch) -> dict | None:
    if c is None:
        return None
    p = c.out_of_sample / r.fresh_worlds
    return {"package": c.package, "changes": changes_json(study, c.package),
            "pillars": pillars_json(study, c.package), "ratified_at_point": c.ratified_at_point,
            "signed_at_point": c.signed_at_point, "in_sample": _share(c.in_sample, r.worlds),
            "out_of_sample": _share(c.out_of_sample, r.fresh_worlds),
            "out_of_sample_se": round(math.sqrt(p * (1 - p) / r.fresh_worlds), 6),
            "out_of_sample_ratified": _share(c.out_of_sample_ratified, r.fresh_worlds)}


def robust_search_json(study: Study, r: RobustSearch) -> dict:
    plain = _candidate_json(study, r.plain, r)
    if plain is not None:
        plain = {"objective_name": str(r.objective), "objective": round(r.plain_objective, 6), **plain}
    return {"status": r.status, "scenario": r.scenario, "solver": r.solver, "gap": r.gap, "worlds": r.worlds,
            "fresh_worlds": r.fresh_worlds, "seed": r.seed, "distribution": r.distribution,
            "judgments": r.judgments, "signers": list(r.signers), "robust": _candidate_json(study, r.robust, r),
            "plain": plain}


def robust_search_report(study: Study, r: RobustSearch) -> Report:
    """The robust package next to the plain optimum: ratified in and out of sample, and their levels."""
    rows = []
    for name, c in (("robust (most worlds)", r.robust), (f"plain optimum ({r.objective})", r.plain)):
        if c is None:
            rows.append([name, "-", "-", "-", "-", "-", "none found"])
            continue
        p = c.out_of_sample / r.fresh_worlds
        rows.append([name, c.signed_at_point, c.in_sample / r.worlds, p,
                     1.96 * math.sqrt(p * (1 - p) / r.fresh_worlds), c.out_of_sample_ratified / r.fresh_worlds,
                     len(changes_of(study, c.package))])
    notes = [f"a world counts when the package is ratified and {', '.join(r.signers)} accept it",
             f"{r.worlds} worlds for the programme, {r.fresh_worlds} fresh worlds to judge it; {r.judgments} "
             f"judgments drawn ({r.distribution}), seed {r.seed}; solver {r.solver}: {r.status}"
             + (f", gap {r.gap:.2g}" if r.gap else "")]
    tables = [Table("robust", f"Robust package: a deal in the most sampled worlds ({r.scenario})",
                    ["package", "deal (point)", "share in sample", "share out of sample", "±",
                     "ratified out of sample", "changes"], rows, notes=notes)]
    if r.robust is not None:
        tables.append(Table("robust_package", "The robust package", ["pillar", "dimension", "level", "label",
                                                                     "status quo"],
                            provision_rows(study, r.robust.package)))
    if r.robust is not None and r.plain is not None:
        differ = [[d, study.dimensions[d].label, r.robust.package[d], r.plain.package[d]]
                  for d in study.dimensions if r.robust.package[d] != r.plain.package[d]]
        tables.append(Table("differences", "Where the robust package and the plain optimum differ",
                            ["dimension", "label", "robust", "plain"], differ,
                            notes=[] if differ else ["the same package"]))
    return Report(tables, robust_search_json(study, r))
