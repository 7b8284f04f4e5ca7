"""The optimiser's mixed-integer programme, stated from the compiled study.

The programme picks one level per dimension (`pick`), within the level rules and the analyst's
settings. Each stakeholder has an acceptance binary that can be 1 only when its gain reaches its
reservation (big-M from its own worst attainable gain) and no level on its red lines is picked
(`add_acceptance`, one constraint per red-line dimension; a non-additive term or a conditional
red line reads a variable equal to the product of its level-set indicators, `Formulation.holds`).
Each ratifying country has one venue binary per slot (none, executive, statute, treaty) equal to the strongest authority the picked
levels need there. For the venue picked, the actors its test names must accept, each chamber's
accepting blocs must hold its threshold of seats and, where a majority party controls the floor,
enough of the party's seats must accept for the bill to reach a vote (`add_chamber_test`); and
when ratification is required, a dimension whose item an agenda setter gating the package ranks
beyond its capacity stays at the no-deal level (`add_agenda`). The
same two helpers state acceptance and ratification in the point programme and in every world of
the robust programme (`robust_optimize`). Every objective rewards acceptance, so the binaries need
not be forced to 1 when a stakeholder accepts: at an optimum they are, and every package returned
is checked again with the scoring code."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pulp

from .compiled import MILP_TOLERANCE, SEAT_TOLERANCE, ChamberTest, CompiledStudy, Package, Profile
from .errors import UndefinedObjective
from .interactions import Condition, ConditionalLine, Term
from .limits import Limits, Objective, Requirement, resolve_limits, requirements
from .models import Venue

SLOTS: tuple[Venue | None, ...] = (None, *Venue)
Expr = pulp.LpAffineExpression | pulp.LpVariable | int


def slot_name(venue: Venue | None) -> str:
    return venue.value if venue else "none"


def slot_rank(venue: Venue | None) -> int:
    return -1 if venue is None else venue.rank


@dataclass
class Formulation:
    """A built programme with handles on its variables (not a solved result)."""

    model: CompiledStudy
    limits: Limits
    prob: pulp.LpProblem
    pick: dict[str, dict[str, pulp.LpVariable]]
    allowed: dict[str, list[str]]
    accept: dict[str, pulp.LpVariable] = field(default_factory=dict)
    venue: dict[str, dict[Venue | None, pulp.LpVariable]] = field(default_factory=dict)
    gain: dict[str, pulp.LpAffineExpression] = field(default_factory=dict)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)  # (worst, best) gain over allowed levels
    misses: dict[Requirement, pulp.LpVariable] = field(default_factory=dict)
    conjunctions: dict[Condition, Expr] = field(default_factory=dict)  # 1 exactly when every set holds

    def holds(self, condition: Condition) -> Expr:
        """An expression equal to 1 exactly when every (dimension, levels) of `condition` holds:
        one level set is the sum of its levels' picks; several, a continuous z in [0, 1] with
        z <= each and z >= their sum - (n - 1), which the binary picks make exact."""
        if condition not in self.conjunctions:
            sets = [pulp.lpSum(self.pick[d][lv] for lv in self.pick[d] if lv in levels) for d, levels in condition]
            if len(sets) == 1:
                self.conjunctions[condition] = sets[0]
            else:
                z = self.prob.add_variable(f"together_{len(self.conjunctions)}", lowBound=0, upBound=1)
                for i, x in enumerate(sets):
                    self.add(z <= x, f"together_{len(self.conjunctions)}_{i}")
                self.add(z >= pulp.lpSum(sets) - (len(sets) - 1), f"together_{len(self.conjunctions)}")
                self.conjunctions[condition] = z
        return self.conjunctions[condition]

    @property
    def profiles(self) -> dict[str, Profile]:
        return self.model.profiles

    def add(self, constraint: pulp.LpConstraint, name: str) -> str:
        """Add a named constraint (a counter keeps names unique); returns the name used."""
        unique = name
        while self.prob.get_constraint_by_name(unique) is not None:
            unique = f"{name}_{len(self.prob.constraints())}"
        self.prob.addConstraint(constraint, unique)
        return unique

    def package(self) -> Package:
        return {d: max(levels, key=lambda lv: levels[lv].varValue or 0.0) for d, levels in self.pick.items()}

    def accepted(self, stakeholder: str) -> Expr:
        """The acceptance binary (the constant 0 for an absent stakeholder)."""
        return self.accept[stakeholder] if stakeholder in self.accept else pulp.LpAffineExpression()


# --- the two rules every programme states ------------------------------------------------------


def add_acceptance(form: Formulation, name: str, coefficients: Mapping[str, Mapping[str, float]],
                   reservation: float, red_lines: Mapping[str, Iterable[str]], threat: float = 0.0,
                   terms: Sequence[tuple[Term, float]] = (), lines: Sequence[ConditionalLine] = ()
                   ) -> tuple[pulp.LpVariable, pulp.LpAffineExpression, tuple[float, float]]:
    """An acceptance binary that can be 1 only when the gain (sum of the coefficients of the picked
    levels, plus what threats take from the no-deal value, plus each term's adjustment times
    holds(package) - holds(no deal)) reaches `reservation`, no red-line level is picked on any
    dimension and no conditional red line of `lines` is touched. `terms` pairs each term with its
    adjustment (a sampled world's, in the robust programme). Returns the binary, the gain
    expression and the worst and best gain over the allowed levels (the terms bounded by 0 and
    their adjustment)."""
    gain = pulp.LpAffineExpression([(form.pick[d][lv], c) for d, row in coefficients.items()
                                    for lv, c in row.items() if c != 0.0], constant=threat)
    allowed = form.allowed
    worst = threat + sum(min(row[lv] for lv in allowed[d]) for d, row in coefficients.items() if allowed[d])
    best = threat + sum(max(row[lv] for lv in allowed[d]) for d, row in coefficients.items() if allowed[d])
    for term, adjustment in terms:
        if adjustment != 0.0:
            gain += adjustment * form.holds(term.when) - adjustment * term.at_status_quo
            worst += min(0.0, adjustment) - adjustment * term.at_status_quo
            best += max(0.0, adjustment) - adjustment * term.at_status_quo
    a = form.prob.add_variable(f"accept_{name}", cat=pulp.LpBinary)
    need = reservation - MILP_TOLERANCE
    if need > worst:  # otherwise every allowed package clears the reservation
        form.add(gain >= need - (need - worst) * (1 - a), f"gain_{name}")
    for d, levels in red_lines.items():
        touched = [form.pick[d][lv] for lv in levels]
        if touched:
            form.add(pulp.lpSum(touched) <= 1 - a, f"red_line_{name}_{d}")
    for i, line in enumerate(lines):
        add_conditional_red_line(form, line, a, f"conditional_red_line_{name}_{i}")
    return a, gain, (worst, best)


def add_conditional_red_line(form: Formulation, line: ConditionalLine, on: Expr, name: str) -> None:
    """When `on` is 1, the package does not touch the line: of its level set and its `when` sets at
    most len(when) hold, unless every `unless` set holds (then the constraint is slack)."""
    exempt = form.holds(line.unless) if line.unless else 0
    conditions = [form.holds(((line.dimension, line.levels),))] + [form.holds((c,)) for c in line.when]
    form.add(pulp.lpSum(conditions) - exempt <= len(line.when) + 1 - on, name)


def add_chamber_test(form: Formulation, chamber: ChamberTest, accepted: Callable[[str], Expr], on: Expr,
                     name: str) -> None:
    """When `on` is 1, the chamber's accepting blocs hold its threshold of seats and, where a
    majority party controls the floor, the party's accepting share reaches the floor gate."""
    share = pulp.lpSum(x * accepted(b) for b, x in chamber.seats.items() if x > 0)
    form.add(share >= (chamber.threshold - SEAT_TOLERANCE) * on, f"ratify_{name}")
    if chamber.party:
        agenda = pulp.lpSum(w * accepted(b) for b, w in chamber.party_weights.items() if chamber.seats[b] > 0)
        form.add(agenda >= (chamber.gate - SEAT_TOLERANCE) * on, f"agenda_{name}")


def add_agenda(form: Formulation, name: str, capacity: Mapping[int, float] | None = None, when: Expr = 1) -> None:
    """When `when` is 1, every dimension an agenda setter keeps off (at `capacity`, by setter index;
    the point capacities by default) stays at the no-deal level wherever the setter gates the
    package: always for a bilateral setter of a package its country ratifies with another, else
    when the venue picked in its country is one of the setter's (`agenda.Gate.applies`)."""
    countries = list(form.limits.countries)
    no_deal = form.model.status_quo
    for g in form.model.agenda:
        if g.country not in countries:
            continue
        if g.bilateral and len(set(countries)) > 1:
            on: Expr = 1
        elif g.venues and g.country in form.venue:
            on = pulp.lpSum(form.venue[g.country][v] for v in sorted(g.venues, key=slot_rank))
        else:
            continue
        cap = None if capacity is None else capacity.get(g.index)
        for d in g.off(cap):
            moved = pulp.lpSum(x for lv, x in form.pick[d].items() if lv != no_deal[d])
            form.add(moved <= 2 - on - when, f"agenda_{name}_{g.index}_{d}")


def actor_on(form: Formulation, req: Requirement) -> pulp.LpAffineExpression:
    """1 when the venue picked in the requirement's country names its actor."""
    tests = form.model.tests[req.country]
    return pulp.lpSum(form.venue[req.country][v] for v in Venue if req.id in tests[v].actors)


def chamber_of(form: Formulation, req: Requirement) -> ChamberTest:
    return next(ch for ch in form.model.tests[req.country][req.venue].chambers if ch.chamber == req.id)


# --- the programme -----------------------------------------------------------------------------


def formulate(model: CompiledStudy, limits: Limits, enforce: Iterable[Requirement] | None = None,
              soft: bool = False, agenda: bool = True) -> Formulation:
    """The programme under `limits`, enforcing the given requirements (all by default) and, when
    ratification is required and `agenda`, the agenda setters at their point capacities. With
    `soft`, each enforced requirement gets a binary that excuses it (for the closest package)."""
    study = model.study
    limits = resolve_limits(study, limits)
    prob = pulp.LpProblem("accord", pulp.LpMaximize)
    pick = {d: {lv: prob.add_variable(f"pick_{d}_{j}", cat=pulp.LpBinary) for j, lv in enumerate(levels)}
            for d, levels in model.levels.items()}
    form = Formulation(model, limits, prob, pick, {d: limits.allowed(study, d) for d in model.levels})

    for d, levels in pick.items():
        form.add(pulp.lpSum(levels.values()) == 1, f"one_level_{d}")
        for j, lv in enumerate(levels):
            if lv not in form.allowed[d]:
                form.add(levels[lv] == 0, f"not_allowed_{d}_{j}")
    for k, rule in enumerate(model.rules):
        members = pulp.lpSum(pick[rule.other][m] for m in sorted(rule.members, key=model.levels[rule.other].index))
        if rule.kind == "requires":
            form.add(pick[rule.dimension][rule.level] <= members, f"rule_{k}_{rule.dimension}_requires_{rule.other}")
        else:
            form.add(pick[rule.dimension][rule.level] + members <= 1, f"rule_{k}_{rule.dimension}_excludes_{rule.other}")

    for s, p in model.profiles.items():
        form.accept[s], form.gain[s], form.bounds[s] = add_acceptance(
            form, s, p.coefficients, p.reservation, p.red_lines, threat=p.threat,
            terms=[(t, t.adjustment) for t in p.terms], lines=p.conditional_red_lines)

    for c in dict.fromkeys([*limits.countries, *(c for c, _ in limits.venue)]):
        cap = limits.cap(c)
        slots = {v: prob.add_variable(f"venue_{c}_{slot_name(v)}", cat=pulp.LpBinary) for v in SLOTS}
        form.venue[c] = slots
        form.add(pulp.lpSum(slots.values()) == 1, f"one_venue_{c}")
        above = [slots[v] for v in SLOTS if slot_rank(v) > cap]
        if above:
            form.add(pulp.lpSum(above) == 0, f"venue_cap_{c}")
        needing: dict[Venue, list[pulp.LpVariable]] = {v: [] for v in Venue}
        for d, by_level in model.authority.items():
            by_venue: dict[Venue, list[pulp.LpVariable]] = {}
            for lv, needs in by_level.items():
                if c in needs:
                    by_venue.setdefault(needs[c], []).append(pick[d][lv])
            for v, picks in by_venue.items():
                form.add(pulp.lpSum(picks) <= pulp.lpSum(slots[u] for u in Venue if u.rank >= v.rank),
                         f"authority_{c}_{d}_{v.value}")
                needing[v] += picks
        for v in Venue:  # the venue is the strongest needed, not a stronger one
            form.add(slots[v] <= pulp.lpSum(needing[v]), f"venue_{c}_{v.value}_needed")

    if agenda and limits.ratify:
        add_agenda(form, "point")
    wanted = requirements(model, limits) if enforce is None else list(enforce)
    for i, req in enumerate(wanted):
        miss = prob.add_variable(f"miss_{i}", cat=pulp.LpBinary) if soft else 0
        if soft:
            form.misses[req] = miss
        if req.kind == "require":
            form.add(form.accepted(req.id) >= 1 - miss, f"require_{req.id}")
        elif req.kind == "actor":
            form.add(form.accepted(req.id) >= actor_on(form, req) - miss, f"ratify_{req.country}_{req.id}")
        else:
            add_chamber_test(form, chamber_of(form, req), form.accepted, form.venue[req.country][req.venue] - miss,
                             f"{req.country}_{req.venue.value}_{req.id}")
    return form


def floor_variable(form: Formulation, countries: Iterable[str], name: str) -> pulp.LpVariable:
    """A variable no higher than the gain of any actor the picked venue requires in `countries`
    (the executive's actors when no venue is needed: `CompiledStudy.required_actors`). Maximised,
    it equals the worst gain among the ratifying coalitions."""
    countries = list(countries)
    slots_of = {c: [v for v in SLOTS if slot_rank(v) <= form.limits.cap(c)] for c in countries}
    actors = {c: {v: form.model.tests[c][v or Venue.executive].actors for v in slots_of[c]} for c in countries}
    everyone = {a for c in countries for names in actors[c].values() for a in names}
    absent = sorted(a for a in everyone if a not in form.profiles)
    if absent:
        raise UndefinedObjective(f"the worst gain among ratifying actors is undefined: {', '.join(absent)} "
                                 f"absent in scenario '{form.model.scenario.id}'")
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


def objective_expression(form: Formulation, objective: Objective) -> pulp.LpAffineExpression:
    """The expression of `objective` over the programme (adding its floor variable where needed)."""
    influence = {s: p.influence for s, p in form.profiles.items()}
    if objective.name in ("maximin", "favour"):
        countries = form.limits.countries if objective.name == "maximin" else [objective.country]
        return pulp.lpSum([floor_variable(form, countries, "worst_gain")])
    if objective.name == "welfare":
        return pulp.lpSum(influence[s] * g for s, g in form.gain.items())
    total = sum(influence.values()) or 1.0
    return pulp.lpSum(influence[s] / total * a for s, a in form.accept.items())


def maximise(form: Formulation, expression: Expr) -> None:
    form.prob.sense = pulp.LpMaximize
    form.prob.setObjective(pulp.lpSum([expression]))


def minimise(form: Formulation, expression: Expr) -> None:
    form.prob.sense = pulp.LpMinimize
    form.prob.setObjective(pulp.lpSum([expression]))
