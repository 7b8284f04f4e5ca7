"""The optimiser: packages the ratifying coalitions accept, found exactly as a mixed-integer
programme (PuLP with HiGHS or CBC), and, when none exists, which actors or chambers no package can
satisfy together and the package that comes closest.

The programme picks one level per dimension. Each present stakeholder has an acceptance binary
that can be 1 only when its gain reaches its reservation (big-M from its own worst attainable gain)
and no level on its red lines is picked. Each ratifying country has one venue binary per slot
(none, executive, statute, treaty) equal to the strongest authority the picked levels need there.
For the venue picked, the actors the institutions name must accept, each chamber's accepting
blocs must hold its threshold of seats and, where a majority party controls the floor, enough of
that party's seats must accept for the bill to reach a vote (the agenda gate). Every objective
and constraint rewards acceptance, so the binaries need not be forced to 1 when a stakeholder
accepts: at an optimum they are, and every package returned is checked again with the scoring
code (`ratification.coalition`); a disagreement raises OptimizerMismatch.

JSON contract of `accord optimize` (`-f json`):

    {"status": "optimal" | "feasible" (time limit hit, not proven) | "infeasible" | "not_solved",
     "scenario": str, "objective_name": "maximin" | "welfare" | "support" | "favour=COUNTRY",
     "objective": float | null, "gap": float | null, "solver": "highs" | "cbc",
     "package": {dimension: level} | null, "ratified": bool,
     "countries": {country: {"venue", "ratified", "blocking", "chambers"}}   (as in `coalition`),
     "accepts": [stakeholder], "changes": {dimension: {"from": level, "to": level}},
     "pillars": [{"name": str, "provisions": {dimension: level}}],
     "packages": [{"rank", "package", "ratified", "objective", "countries", "accepts", "changes"}],
     "conflict": [{"requirement": str, "kind", "id", "country", "venue", "reason"}],
     "settings_conflict": [str], "closest": {"package", "missing": [str], "countries"} | null}

The top-level package fields describe the best package; `packages` lists all `--top K` of them;
`conflict`, `settings_conflict` and `closest` are filled only when no package exists."""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import pulp

from .checks import rule_violations
from .errors import AccordError
from .models import Study, Scenario, Venue
from .notebook import Tabular
from .ratification import (SEAT_EPSILON, Coalition, coalition, country_gain, majority_party, seat_shares,
                           venue_needed)
from .scoring import Package, Profile, profiles, status_quo

TOLERANCE = 1e-9  # slack on gain >= reservation inside the programme; packages are then verified exactly
GAP = 1e-9  # relative and absolute MIP gap: prove the optimum, do not stop at "good enough"
# The solvers' own feasibility tolerances (1e-6 to 1e-7 by default) would let a constraint such as
# gain >= reservation slip by more than TOLERANCE; tighten them below it.
FEASIBILITY = 1e-10
DEFAULT_COUNTRIES = ("us", "mx")
OBJECTIVES = ("maximin", "welfare", "support", "favour=COUNTRY")
# HiGHS first: in bench/optimize.py it proved the optima faster than CBC on the shipped case and on
# generated studies (it runs in-process; CBC is a subprocess reading an MPS file). CBC is the fallback.
SOLVERS = ("highs", "cbc")
SLOTS: tuple[Venue | None, ...] = (None, *Venue)


class OptimizerMismatch(RuntimeError):
    """A package the solver returned fails the scoring code's own check: a bug or a numerical
    problem, never an answer to report."""


def slot_name(venue: Venue | None) -> str:
    return venue.value if venue else "none"


def slot_rank(venue: Venue | None) -> int:
    return -1 if venue is None else venue.rank


# --- what is asked ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Objective:
    name: str  # maximin | welfare | support | favour
    country: str | None = None

    def __str__(self) -> str:
        return f"favour={self.country}" if self.name == "favour" else self.name


def parse_objective(text: str) -> Objective:
    """'maximin', 'welfare', 'support' or 'favour=COUNTRY'."""
    name, sep, country = text.partition("=")
    if name == "favour" and sep and country:
        return Objective("favour", country)
    if not sep and name in ("maximin", "welfare", "support"):
        return Objective(name)
    raise AccordError(f"unknown objective '{text}' (expected one of: {', '.join(OBJECTIVES)})")


@dataclass(frozen=True)
class Limits:
    """What a package must respect besides the level rules: the countries that must ratify it
    (when `ratify`), stakeholders who must accept, levels fixed or forbidden, and the strongest
    venue allowed per country."""

    countries: tuple[str, ...] = DEFAULT_COUNTRIES
    require: tuple[str, ...] = ()
    fix: tuple[tuple[str, str], ...] = ()
    forbid: tuple[tuple[str, str], ...] = ()
    venue: tuple[tuple[str, Venue], ...] = ()
    ratify: bool = True

    def allowed(self, study: Study, dimension: str) -> list[str]:
        levels = study.dimensions[dimension].level_ids
        fixed = {lv for d, lv in self.fix if d == dimension}
        forbidden = {lv for d, lv in self.forbid if d == dimension}
        return [lv for lv in levels if lv not in forbidden and (not fixed or lv in fixed)]

    def cap(self, country: str) -> int:
        """Rank of the strongest venue allowed in `country` (above every venue when unlimited)."""
        caps = [v.rank for c, v in self.venue if c == country]
        return min(caps) if caps else len(Venue)

    @property
    def settings(self) -> list[str]:
        return ([f"--fix {d}={lv}" for d, lv in self.fix] + [f"--forbid {d}={lv}" for d, lv in self.forbid]
                + [f"--venue {c}={v.value}" for c, v in self.venue])

    def keep_settings(self, kept: Iterable[str]) -> Limits:
        kept = set(kept)
        return replace(self, fix=tuple(x for x in self.fix if f"--fix {x[0]}={x[1]}" in kept),
                       forbid=tuple(x for x in self.forbid if f"--forbid {x[0]}={x[1]}" in kept),
                       venue=tuple(x for x in self.venue if f"--venue {x[0]}={x[1].value}" in kept))


def parse_venues(study: Study, items: Iterable[str], countries: Sequence[str]) -> tuple[tuple[str, Venue], ...]:
    """'VENUE' (for every country in `countries`) or 'COUNTRY=VENUE' strings."""
    out = []
    for item in (part.strip() for text in items for part in text.split(",") if part.strip()):
        country, sep, name = item.rpartition("=")
        if name not in [v.value for v in Venue]:
            raise AccordError(f"--venue: unknown venue '{name}' (expected one of: executive, statute, treaty)")
        targets = [country] if sep else list(countries)
        for c in targets:
            check_countries(study, [c])
            out.append((c, Venue(name)))
    return tuple(out)


def check_countries(study: Study, countries: Iterable[str]) -> None:
    known = study.institutions.countries
    for c in countries:
        if c not in known:
            raise AccordError(f"unknown country '{c}' (expected one of: {', '.join(known)})")
        if not known[c].ratifies:
            raise AccordError(f"country '{c}' defines no venues, so it cannot ratify a package")


def check_stakeholders(study: Study, ids: Iterable[str], flag: str) -> None:
    for s in ids:
        if s not in study.stakeholders:
            raise AccordError(f"{flag}: unknown stakeholder '{s}' (expected one of: {', '.join(study.stakeholders)})")


@dataclass(frozen=True)
class Requirement:
    """One acceptance ratification (or the analyst) asks for: a named actor in a country, the
    threshold of a chamber for one venue, or a stakeholder required by --require / --for."""

    kind: str  # actor | chamber | require
    id: str
    country: str | None = None
    venue: Venue | None = None
    threshold: float | None = None

    def __str__(self) -> str:
        if self.kind == "chamber":
            return f"{self.id} ({self.threshold:.1%} of seats for a {self.venue.value} in {self.country})"
        if self.kind == "actor":
            return f"{self.id} (acceptance needed to ratify in {self.country})"
        return f"{self.id} (required to accept)"


def requirements(study: Study, limits: Limits) -> list[Requirement]:
    """Every requirement the limits impose: venue actors and chambers per country, then --require."""
    out: list[Requirement] = []
    if limits.ratify:
        for c in limits.countries:
            venues = [v for v in Venue if v.rank <= limits.cap(c)]
            rules = study.institutions.countries[c].venues
            actors = list(dict.fromkeys(a for v in venues for a in rules[v].actors))
            out += [Requirement("actor", a, c) for a in actors]
            out += [Requirement("chamber", ch, c, v, th) for v in venues for ch, th in rules[v].chambers.items()]
    out += [Requirement("require", s) for s in limits.require]
    return out


# --- the programme ------------------------------------------------------------------------------


@dataclass
class Formulation:
    """A built programme with handles on its variables (not a solved result)."""

    study: Study
    scenario: Scenario
    limits: Limits
    prob: pulp.LpProblem
    profiles: dict[str, Profile]
    pick: dict[str, dict[str, pulp.LpVariable]]
    accept: dict[str, pulp.LpVariable]
    venue: dict[str, dict[Venue | None, pulp.LpVariable]]
    gain: dict[str, pulp.LpAffineExpression]
    bounds: dict[str, tuple[float, float]]  # stakeholder -> (worst, best) gain over the allowed levels
    misses: dict[Requirement, pulp.LpVariable] = field(default_factory=dict)

    def add(self, constraint: pulp.LpConstraint, name: str) -> str:
        """Add a named constraint (a counter keeps names unique); returns the name used."""
        unique = name
        while self.prob.get_constraint_by_name(unique) is not None:
            unique = f"{name}_{len(self.prob.constraints())}"
        self.prob.addConstraint(constraint, unique)
        return unique

    def package(self) -> Package:
        return {d: max(levels, key=lambda lv: levels[lv].varValue or 0.0) for d, levels in self.pick.items()}


def _accepted(form: Formulation, stakeholder: str) -> pulp.LpAffineExpression:
    """The acceptance binary as an expression (the constant 0 for an absent stakeholder)."""
    return pulp.lpSum([form.accept[stakeholder]] if stakeholder in form.accept else [])


def formulate(study: Study, scenario: Scenario, limits: Limits, enforce: Iterable[Requirement] | None = None,
              soft: bool = False) -> Formulation:
    """The programme under `limits`, enforcing the given requirements (all by default). With
    `soft`, each enforced requirement gets a binary that excuses it (for the closest package)."""
    check_countries(study, limits.countries)
    prof = profiles(study, scenario)
    base = status_quo(study)
    prob = pulp.LpProblem("accord", pulp.LpMaximize)
    pick = {d: {lv: prob.add_variable(f"pick_{d}_{j}", cat=pulp.LpBinary) for j, lv in enumerate(dim.level_ids)}
            for d, dim in study.dimensions.items()}
    form = Formulation(study, scenario, limits, prob, prof, pick, {}, {}, {}, {})
    allowed = {d: limits.allowed(study, d) for d in study.dimensions}

    for d, levels in pick.items():
        form.add(pulp.lpSum(levels.values()) == 1, f"one_level_{d}")
        for j, lv in enumerate(levels):
            if lv not in allowed[d]:
                form.add(levels[lv] == 0, f"not_allowed_{d}_{j}")
    for d, dim in study.dimensions.items():
        for j, level in enumerate(dim.levels):
            for k, ls in enumerate(level.requires):
                members = study.dimensions[ls.dimension].members(ls)
                form.add(pick[d][level.id] <= pulp.lpSum(pick[ls.dimension][m] for m in members),
                         f"rule_{d}_{j}_requires_{ls.dimension}_{k}")
            for k, ls in enumerate(level.excludes):
                members = study.dimensions[ls.dimension].members(ls)
                form.add(pick[d][level.id] + pulp.lpSum(pick[ls.dimension][m] for m in members) <= 1,
                         f"rule_{d}_{j}_excludes_{ls.dimension}_{k}")

    for s, p in prof.items():
        coef = {d: {lv: w * (p.values[d][lv] - p.values[d][base[d]]) for lv in pick[d]} for d, w in p.weights.items()}
        form.gain[s] = pulp.lpSum(c * pick[d][lv] for d, row in coef.items() for lv, c in row.items() if c != 0.0)
        worst = sum(min(row[lv] for lv in allowed[d]) for d, row in coef.items() if allowed[d])
        best = sum(max(row[lv] for lv in allowed[d]) for d, row in coef.items() if allowed[d])
        form.bounds[s] = (worst, best)
        need = p.reservation - TOLERANCE
        a = prob.add_variable(f"accept_{s}", cat=pulp.LpBinary)
        form.accept[s] = a
        if need > worst:  # otherwise every allowed package clears the reservation
            form.add(form.gain[s] >= need - (need - worst) * (1 - a), f"gain_{s}")
        for d, levels in p.red_lines.items():
            touched = [pick[d][lv] for lv in levels]
            if touched:
                form.add(pulp.lpSum(touched) <= 1 - a, f"red_line_{s}_{d}")

    venue_countries = list(dict.fromkeys([*limits.countries, *(c for c, _ in limits.venue)]))
    check_countries(study, venue_countries)
    for c in venue_countries:
        cap = limits.cap(c)
        slots = {v: prob.add_variable(f"venue_{c}_{slot_name(v)}", cat=pulp.LpBinary) for v in SLOTS}
        form.venue[c] = slots
        form.add(pulp.lpSum(slots.values()) == 1, f"one_venue_{c}")
        above = [slots[v] for v in SLOTS if slot_rank(v) > cap]
        if above:
            form.add(pulp.lpSum(above) == 0, f"venue_cap_{c}")
        needing: dict[Venue, list[pulp.LpVariable]] = {v: [] for v in Venue}
        for d, dim in study.dimensions.items():
            by_venue: dict[Venue, list[pulp.LpVariable]] = {}
            for level in dim.levels:
                if c in level.authority:
                    by_venue.setdefault(level.authority[c], []).append(pick[d][level.id])
            for v, picks in by_venue.items():
                form.add(pulp.lpSum(picks) <= pulp.lpSum(slots[u] for u in Venue if u.rank >= v.rank),
                         f"authority_{c}_{d}_{v.value}")
                needing[v] += picks
        for v in Venue:  # the venue is the strongest needed, not a stronger one
            form.add(slots[v] <= pulp.lpSum(needing[v]), f"venue_{c}_{v.value}_needed")

    wanted = requirements(study, limits) if enforce is None else list(enforce)
    for i, req in enumerate(wanted):
        miss = prob.add_variable(f"miss_{i}", cat=pulp.LpBinary) if soft else 0
        if soft:
            form.misses[req] = miss
        if req.kind == "require":
            form.add(_accepted(form, req.id) >= 1 - miss, f"require_{req.id}")
        elif req.kind == "actor":
            rules = study.institutions.countries[req.country].venues
            slots = [form.venue[req.country][v] for v in Venue if req.id in rules[v].actors]
            form.add(_accepted(form, req.id) >= pulp.lpSum(slots) - miss, f"ratify_{req.country}_{req.id}")
        else:
            share, agenda, gate = chamber_terms(form, req.id)
            slot = form.venue[req.country][req.venue]
            form.add(share >= (req.threshold - SEAT_EPSILON) * (slot - miss),
                     f"ratify_{req.country}_{req.venue.value}_{req.id}")
            if agenda is not None:
                form.add(agenda >= (gate - SEAT_EPSILON) * (slot - miss),
                         f"agenda_{req.country}_{req.venue.value}_{req.id}")
    return form


def chamber_terms(form: Formulation, chamber: str) -> tuple[pulp.LpAffineExpression, pulp.LpAffineExpression | None,
                                                             float | None]:
    """The accepting share of the chamber's seats, and where a majority party controls the floor,
    the accepting share of that party's seats with the threshold it must reach (the agenda gate of
    ratification.country_verdict)."""
    seats = seat_shares(form.study, form.scenario, chamber)
    share = pulp.lpSum(seats[b] * form.accept[b] for b in seats if b in form.accept and seats[b] > 0)
    party = majority_party(form.study, form.scenario, chamber)
    if not party:
        return share, None, None
    party_seats = sum(seats[b] for b in party)
    agenda = pulp.lpSum(seats[b] / party_seats * form.accept[b] for b in party if b in form.accept and seats[b] > 0) \
        if party_seats > 0 else pulp.lpSum([])
    return share, agenda, form.study.institutions.chambers[chamber].agenda_threshold


def floor_variable(form: Formulation, countries: Iterable[str], name: str) -> pulp.LpVariable:
    """A variable no higher than the gain of any actor the picked venue requires in `countries`
    (ratification.required_actors: the executive's actors when no venue is needed). Maximised,
    it equals the worst gain among the ratifying coalitions."""
    rules_of = {c: form.study.institutions.countries[c].venues for c in countries}
    slots_of = {c: [v for v in SLOTS if slot_rank(v) <= form.limits.cap(c)] for c in countries}
    actors = {c: {v: rules_of[c][v or Venue.executive].actors for v in slots_of[c]} for c in countries}
    everyone = {a for c in countries for names in actors[c].values() for a in names}
    absent = sorted(a for a in everyone if a not in form.profiles)
    if absent:
        raise AccordError(f"the worst gain among ratifying actors is undefined: {', '.join(absent)} "
                          f"absent in scenario '{form.scenario.id}' (try --objective welfare or support)")
    high = max((form.bounds[a][1] for a in everyone), default=0.0)
    floor = form.prob.add_variable(name, upBound=high)
    for c in countries:
        for a in dict.fromkeys(a for names in actors[c].values() for a in names):
            when = [v for v in slots_of[c] if a in actors[c][v]]
            if len(when) == len(slots_of[c]):
                form.add(floor <= form.gain[a], f"{name}_{c}_{a}")
            else:
                big = high - form.bounds[a][0]
                form.add(floor <= form.gain[a] + big * (1 - pulp.lpSum(form.venue[c][v] for v in when)),
                         f"{name}_{c}_{a}")
    return floor


def set_objective(form: Formulation, objective: Objective) -> pulp.LpAffineExpression:
    """Make the programme maximise `objective`; returns the objective expression."""
    if objective.name in ("maximin", "favour"):
        countries = form.limits.countries if objective.name == "maximin" else [objective.country]
        expr = pulp.lpSum([floor_variable(form, countries, "worst_gain")])
    elif objective.name == "welfare":
        expr = pulp.lpSum(form.study.stakeholders[s].influence * g for s, g in form.gain.items())
    else:
        total = sum(form.study.stakeholders[s].influence for s in form.profiles) or 1.0
        expr = pulp.lpSum(form.study.stakeholders[s].influence / total * a for s, a in form.accept.items())
    form.prob.sense = pulp.LpMaximize
    form.prob.setObjective(expr)
    return expr


# --- solving ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Solve:
    status: str  # optimal | feasible | infeasible | unbounded | not_solved
    gap: float | None
    seconds: float

    @property
    def found(self) -> bool:
        return self.status in ("optimal", "feasible")


def default_solver() -> str:
    for name in SOLVERS:
        if _solver(name, None, check=False) is not None:
            return name
    raise AccordError("no MILP solver is available: install highspy, or PuLP with its bundled CBC")


def _solver(name: str, time_limit: float | None, check: bool = True, preprocess: bool = True):
    if name == "highs":
        solver = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=GAP, gapAbs=GAP,
                            mip_feasibility_tolerance=FEASIBILITY, primal_feasibility_tolerance=FEASIBILITY)
        if solver.available():
            return solver
        solver = pulp.HiGHS_CMD(msg=False, timeLimit=time_limit, gapRel=GAP, gapAbs=GAP,
                                options=[f"mip_feasibility_tolerance={FEASIBILITY}",
                                         f"primal_feasibility_tolerance={FEASIBILITY}"])
        if solver.available():
            return solver
    elif name == "cbc":
        # PuLP 3 warns that PULP_CBC_CMD goes away in PuLP 4; pyproject pins PuLP 3 for its bundled CBC.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            options = [f"primalTolerance {FEASIBILITY}", f"integerTolerance {FEASIBILITY}"]
            solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=GAP, gapAbs=GAP,
                                       options=options + ([] if preprocess else ["preprocess off"]))
        if solver.available():
            return solver
    elif check:
        raise AccordError(f"unknown solver '{name}' (expected one of: {', '.join(SOLVERS)})")
    if check:
        raise AccordError(f"solver '{name}' is not installed (try --solver {'cbc' if name == 'highs' else 'highs'})")
    return None


@contextmanager
def stdout_guarded() -> Iterator[None]:
    """File descriptor 1 points at the null device while a solver runs: HiGHS (1.16) prints its
    banner there from C++, past any `msg=False`, and would corrupt the JSON a user pipes on."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def run(form: Formulation, solver: str, time_limit: float | None) -> Solve:
    """Solve the programme as it stands; never uses PuLP's default solver."""
    start = time.perf_counter()
    with stdout_guarded():
        form.prob.solve(_solver(solver, time_limit))
        if solver == "cbc" and form.prob.status == pulp.LpStatusInfeasible:
            # CBC 2.10's preprocessing can declare feasible programmes infeasible (coin-or/Cbc#740,
            # #747): an infeasible verdict counts only when CBC confirms it without preprocessing.
            # CBC then stops before writing a solution file when its bound tightening already proves
            # infeasibility, which PuLP reports as an error; the first verdict stands.
            try:
                form.prob.solve(_solver(solver, time_limit, preprocess=False))
            except pulp.PulpSolverError:
                pass
    seconds = time.perf_counter() - start
    sol = form.prob.sol_status
    if sol == pulp.LpSolutionOptimal:
        status = "optimal"
    elif sol == pulp.LpSolutionIntegerFeasible:
        status = "feasible"
    elif sol == pulp.LpSolutionInfeasible or form.prob.status == pulp.LpStatusInfeasible:
        status = "infeasible"
    elif sol == pulp.LpSolutionUnbounded:
        status = "unbounded"
    else:
        status = "not_solved"
    gap = None
    if status == "optimal":
        gap = 0.0
        model = getattr(form.prob, "solverModel", None)
        if model is not None and hasattr(model, "getInfo"):
            gap = max(0.0, float(model.getInfo().mip_gap))
    elif status == "feasible":
        model = getattr(form.prob, "solverModel", None)
        if model is not None and hasattr(model, "getInfo"):
            gap = float(model.getInfo().mip_gap)
    return Solve(status, gap if gap is None or math.isfinite(gap) else None, seconds)


# --- checking and scoring what the solver returns --------------------------------------------------


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


def verify(study: Study, scenario: Scenario, package: Package, limits: Limits) -> Coalition:
    """The package's coalition, after checking it meets every limit by the scoring code's own
    reckoning; raises OptimizerMismatch otherwise."""
    c = coalition(study, scenario, package, limits.countries)
    problems = [message for _, message in rule_violations(study, package)]
    if limits.ratify and not c.ratified:
        problems.append(f"not ratified (blocking: {', '.join(c.blocking)})")
    problems += [f"{s} does not accept" for s in limits.require if not (s in c.stances and c.stances[s].accepts)]
    problems += [f"{d} is not at {lv}" for d, lv in limits.fix if package[d] != lv]
    problems += [f"{d} is at forbidden {lv}" for d, lv in limits.forbid if package[d] == lv]
    problems += [f"venue in {k} exceeds {v.value}" for k, v in limits.venue
                 if slot_rank(venue_needed(study, package, k)) > v.rank]
    if problems:
        raise OptimizerMismatch("the solver's package fails the scoring code's check ("
                                + "; ".join(problems) + f"): {package}")
    return c


def requirement_met(study: Study, req: Requirement, package: Package, c: Coalition) -> bool | None:
    """Whether the package meets the requirement; None when its venue does not ask for it."""
    accepts = lambda s: s in c.stances and c.stances[s].accepts  # noqa: E731
    if req.kind == "require":
        return accepts(req.id)
    venue = venue_needed(study, package, req.country)
    if venue is None:
        return None
    rule = study.institutions.countries[req.country].venues[venue]
    if req.kind == "actor":
        return accepts(req.id) if req.id in rule.actors else None
    if venue is not req.venue:
        return None
    return c.countries[req.country].chambers[req.id].passed


# --- the search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One package the optimiser returned, checked by the scoring code."""

    rank: int
    package: Package
    coalition: Coalition
    objective: float
    status: str
    gap: float | None


@dataclass(frozen=True)
class Conflict:
    requirement: Requirement
    reason: str


@dataclass(frozen=True)
class Diagnosis:
    """Why no package exists: the settings that clash with the level rules, or the requirements
    no package meets together (with why), and the package that misses the fewest requirements."""

    settings: tuple[str, ...]
    conflict: tuple[Conflict, ...]
    closest: Package | None
    closest_coalition: Coalition | None
    missing: tuple[Requirement, ...]


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


def check_limits(study: Study, scenario: Scenario, limits: Limits) -> None:
    check_countries(study, limits.countries)
    check_stakeholders(study, limits.require, "--require")


def optimize(study: Study, scenario: Scenario, objective: Objective = Objective("maximin"),
             limits: Limits = Limits(), top: int = 1, solver: str | None = None,
             time_limit: float | None = None) -> Search:
    """The `top` best distinct packages under `limits` for `objective` (next ones by no-good
    cuts), each verified; or, when none exists, a diagnosis."""
    check_limits(study, scenario, limits)
    if objective.name == "favour" and objective.country not in limits.countries:
        raise AccordError(f"favour={objective.country}: the country must be among --countries "
                          f"({', '.join(limits.countries)})")
    if top < 1:
        raise AccordError("--top must be at least 1")
    solver = solver or default_solver()
    start = time.perf_counter()
    form = formulate(study, scenario, limits)
    set_objective(form, objective)
    found: list[Found] = []
    first: Solve | None = None
    for k in range(top):
        result = run(form, solver, time_limit)
        first = first or result
        if not result.found:
            break
        package = form.package()
        c = verify(study, scenario, package, limits)
        value = objective_value(study, objective, limits.countries, package, c)
        milp = pulp.value(form.prob.objective)
        if result.status == "optimal" and milp is not None and abs(milp - value) > 1e-6:
            raise OptimizerMismatch(f"objective {objective}: the solver says {milp:.9f}, the scoring code "
                                    f"{value:.9f} for {package}")
        found.append(Found(k + 1, package, c, value, result.status, result.gap))
        form.add(pulp.lpSum(form.pick[d][lv] for d, lv in package.items()) <= len(package) - 1, f"not_package_{k}")
    diagnosis = None
    if not found and first.status == "infeasible":
        diagnosis = diagnose(study, scenario, limits, solver, time_limit,
                             prefer=lambda soft: set_objective(soft, objective))
    return Search(scenario.id, objective, limits, solver, first.status, tuple(found), diagnosis,
                  time.perf_counter() - start)


# --- when nothing works --------------------------------------------------------------------------


def _deletion_filter(items: list, infeasible: Callable[[list], bool]) -> list:
    """A minimal subset of `items` that is still infeasible (every item is needed for that)."""
    kept = list(items)
    for item in list(items):
        trial = [x for x in kept if x != item]
        if infeasible(trial):
            kept = trial
    return kept


def diagnose(study: Study, scenario: Scenario, limits: Limits, solver: str, time_limit: float | None = None,
             prefer: Callable[[Formulation], object] | None = None) -> Diagnosis:
    """Why no package meets `limits`: a minimal set of clashing settings, or a minimal set of
    requirements no package meets together with the reason for each, and the closest package
    (fewest requirements missed; among those, the best by `prefer`, which sets a programme's
    objective)."""

    def feasible(form: Formulation) -> bool:
        form.prob.setObjective(pulp.lpSum([]))
        return run(form, solver, time_limit).status != "infeasible"

    if not feasible(formulate(study, scenario, limits, enforce=[])):
        clash = _deletion_filter(limits.settings, lambda kept: not feasible(
            formulate(study, scenario, limits.keep_settings(kept), enforce=[])))
        return Diagnosis(tuple(clash), (), None, None, ())
    everything = requirements(study, limits)
    conflict = _deletion_filter(everything, lambda kept: not feasible(formulate(study, scenario, limits, kept)))
    reasons = tuple(Conflict(req, _why(study, scenario, limits, req, conflict, solver, time_limit))
                    for req in conflict)

    soft = formulate(study, scenario, limits, soft=True)
    soft.prob.sense = pulp.LpMinimize
    soft.prob.setObjective(pulp.lpSum(soft.misses.values()))
    closest, closest_c, missing = None, None, ()
    if run(soft, solver, time_limit).found:
        closest = soft.package()
        if prefer is not None:
            fewest = round(sum(m.varValue or 0.0 for m in soft.misses.values()))
            soft.add(pulp.lpSum(soft.misses.values()) <= fewest, "fewest_missing")
            prefer(soft)
            if run(soft, solver, time_limit).found:
                closest = soft.package()
        closest_c = coalition(study, scenario, closest, limits.countries)
        missing = tuple(r for r in everything if requirement_met(study, r, closest, closest_c) is False)
    return Diagnosis((), reasons, closest, closest_c, missing)


def _why(study: Study, scenario: Scenario, limits: Limits, req: Requirement, conflict: list[Requirement],
         solver: str, time_limit: float | None) -> str:
    others = [str(r) for r in conflict if r != req]
    alone = formulate(study, scenario, limits, enforce=[req])
    alone.prob.setObjective(pulp.lpSum([]))
    if run(alone, solver, time_limit).found:
        return "can be met alone, but not together with " + "; ".join(others)
    if req.kind in ("actor", "require"):
        if req.id not in profiles(study, scenario):
            return f"absent in scenario '{scenario.id}'"
        form = formulate(study, scenario, limits, enforce=[])
        for d, levels in form.profiles[req.id].red_lines.items():
            form.add(pulp.lpSum(form.pick[d][lv] for lv in levels) == 0, f"avoid_red_line_{d}")
        form.prob.setObjective(form.gain[req.id])
        result = run(form, solver, time_limit)
        reservation = form.profiles[req.id].reservation
        if not result.found:
            lines = ", ".join(f"{d}.{lv}" for d, levels in form.profiles[req.id].red_lines.items() for lv in levels)
            return f"every package allowed touches one of its red lines ({lines})"
        best = form.profiles[req.id].value(form.package()) - form.profiles[req.id].value(status_quo(study))
        return (f"its best attainable gain without crossing its red lines is {best:+.3f}, "
                f"below its reservation {reservation:+.3f}")
    form = formulate(study, scenario, limits, enforce=[])
    form.add(form.venue[req.country][req.venue] == 1, "venue_in_question")
    share, agenda, gate = chamber_terms(form, req.id)
    seats = seat_shares(study, scenario, req.id)
    party = majority_party(study, scenario, req.id)
    if agenda is not None:
        form.prob.setObjective(agenda)
        if not run(form, solver, time_limit).found:
            return f"no package allowed needs a {req.venue.value} in {req.country}"
        yes = [b for b in party if b in form.accept and (form.accept[b].varValue or 0) > 0.5]
        held = sum(seats[b] for b in yes) / (sum(seats[b] for b in party) or 1.0)
        if held < gate - SEAT_EPSILON:
            return (f"the majority party ({', '.join(party)}) keeps it off the floor: at most {held:.1%} of the "
                    f"party's seats accept ({', '.join(yes) or 'none'}), against the {gate:.1%} needed")
        form.add(agenda >= gate - SEAT_EPSILON, "agenda_gate_met")
    form.prob.setObjective(share)
    if not run(form, solver, time_limit).found:
        return f"no package allowed needs a {req.venue.value} in {req.country}"
    yes = [b for b in seats if b in form.accept and (form.accept[b].varValue or 0) > 0.5]
    gated = " with the majority party's agenda gate met" if agenda is not None else ""
    if not yes:
        return (f"no bloc of {req.id} accepts any package allowed that needs a {req.venue.value} in {req.country} "
                f"(0% of seats against the {req.threshold:.1%} needed)")
    return (f"at most {sum(seats[b] for b in yes):.1%} of seats accept together{gated} ({', '.join(yes)}), "
            f"against the {req.threshold:.1%} needed")
