"""The study compiled for one scenario: every rule of the model stated once, as plain records that
the scalar scorer, the sampler, the MILP and sensitivity all read.

What it holds: each present stakeholder's stakes (saliences, the scenario's multipliers, the
weights, the value of every level and its gain coefficient against the no-deal point, the
reservation, the red lines, what threats take from its no-deal value, the non-additive terms and
conditional red lines of `interactions`); the scenario's no-deal point (`reversion`); the authority
each level needs in each country (none for a level already in place); the ratification tests of
each (country, venue): the named actors, each chamber's seat shares and threshold, and the
majority party's floor gate; the ranged party splits of those seats; the level rules; the
judgments with what each perturbs; and the tolerances. Pure Python: no numpy, no PuLP, so everyday
commands start fast."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal, NamedTuple

from . import interactions
from .agenda import Gate, NotTabled, gates, not_tabled
from .credibility import DeliveryTerm, delivery_terms
from .interactions import ConditionalLine, Term
from .models import Dimension, LevelSet, Scenario, Study, Venue
from .regard import RegardTerm, combined, regard_terms
from .reversion import Reversion, in_place, reversion
from .seat_ranges import Split, splits

if TYPE_CHECKING:
    from .judgments import Judgment

Package = dict[str, str]
_VENUE_ORDER = {v: i for i, v in enumerate(Venue)}  # weakest first, as `Venue.rank`

# --- tolerances: every one of the model, defined here ---------------------------------------

ACCEPT_TOLERANCE = 1e-12  # a gain this far below the reservation still clears it (rounding)
SEAT_TOLERANCE = 1e-9  # a chamber's (or party's) accepting share this far below its threshold still passes
MILP_TOLERANCE = 1e-9  # slack on gain >= reservation inside a programme; packages are then verified exactly
MILP_GAP = 1e-9  # relative and absolute MIP gap: prove the optimum, do not stop at "good enough"
# The solvers' own feasibility tolerances (1e-6 to 1e-7 by default) would let a constraint such as
# gain >= reservation slip by more than MILP_TOLERANCE; tighten them below it.
MILP_FEASIBILITY = 1e-10
RANK_TIE = 1e-12  # scores closer than this tie in a ranking
OBJECTIVE_AGREEMENT = 1e-6  # the solver's objective and the scoring code's may differ by this much


def preferred_values(dim: Dimension, preferred: str) -> dict[str, float]:
    """Single-peaked values: 1 at the preferred level, falling linearly to 0 at the farthest level."""
    ids = dim.level_ids
    peak = ids.index(preferred)
    span = max(peak, len(ids) - 1 - peak)
    return {lv: 1.0 - abs(i - peak) / span for i, lv in enumerate(ids)}


def level_values(dim: Dimension, values: dict[str, float] | None, preferred: str | None) -> dict[str, float]:
    """A concern's value of every level: its explicit values, or single-peaked at its preferred level."""
    return dict(values) if values is not None else preferred_values(dim, preferred)


class Profile(NamedTuple):
    """A present stakeholder as it stands in the scenario: its stakes per dimension."""

    id: str
    country: str
    influence: float
    reservation: float
    salience: dict[str, float]  # as read, before the scenario
    multiplier: dict[str, float]  # the product of the scenario's shifts on each salience (1 if none)
    weights: dict[str, float]  # the stakes: salience / sum of saliences, x multiplier (see `stakes`)
    values: dict[str, dict[str, float]]  # dimension -> level -> value in [0, 1]
    # dimension -> level -> weight x (value - no-deal value), times the delivery probability where a
    # delivery term applies, plus share x the other's own coefficients for each regard term
    coefficients: dict[str, dict[str, float]]
    red_lines: dict[str, frozenset[str]]  # dimension -> levels it never accepts
    status_quo_value: float  # its value of the no-deal point (terms included), less `threat`
    delivery: dict[str, DeliveryTerm]  # dimension -> its delivery doubt (credibility); empty: none
    threat: float = 0.0  # what the scenario's threats take from its no-deal value (`reversion`)
    terms: tuple[Term, ...] = ()  # non-additive terms (`interactions`)
    conditional_red_lines: tuple[ConditionalLine, ...] = ()  # held at the point reading
    regard: tuple[RegardTerm, ...] = ()  # shares of others' own gains (regard)

    def value(self, package: Package) -> float:
        """The weighted values plus the terms'; with delivery or regard terms, the linear part is
        the no-deal point's plus the picked levels' coefficients (the only form that holds both)."""
        if self.delivery or self.regard:
            at_no_deal = self.status_quo_value + self.threat - sum(t.adjustment * t.at_status_quo for t in self.terms)
            linear = at_no_deal + sum(row[package[d]] for d, row in self.coefficients.items())
        else:
            linear = sum(w * self.values[d][package[d]] for d, w in self.weights.items())
        return linear + interactions.value(self.terms, package) if self.terms else linear

    def gain(self, package: Package, value: float | None = None) -> float:
        """value(package) - value(no deal): the sum of the picked levels' coefficients, plus `threat`,
        plus each term's adjustment where it holds in the package and not at the no-deal point
        (less where the reverse). `value`: the package's value, where the caller has it already."""
        return (self.value(package) if value is None else value) - self.status_quo_value

    def touched(self, package: Package, hedged: bool = True) -> list[str]:
        """The red lines (as 'dimension.level', a conditional one with its conditions) the package
        touches; without `hedged`, those held with a credence below one are left out."""
        out = [f"{d}.{package[d]}" for d, levels in self.red_lines.items() if package[d] in levels]
        if self.conditional_red_lines:
            out += [r.label for r in self.conditional_red_lines if (hedged or r.credence == 1) and r.touches(package)]
        return out


class ChamberTest(NamedTuple):
    """A chamber's vote for one venue: the accepting blocs' seats must reach `threshold`; where a
    majority party controls the floor (`party` not empty), the accepting share of the party's seats
    must first reach `gate` for the bill to reach a vote."""

    chamber: str
    seats: dict[str, float]  # bloc -> share of seats (the scenario's, where it sets them)
    threshold: float
    party: tuple[str, ...]
    gate: float | None
    splits: tuple[Split, ...] = ()  # the ranged party splits of its seats (`seat_ranges`)

    @property
    def party_weights(self) -> dict[str, float]:
        """Each majority-party bloc's share of the party's seats."""
        total = sum(self.seats[b] for b in self.party)
        return {b: (self.seats[b] / total if total > 0 else 0.0) for b in self.party}


class VenueTest(NamedTuple):
    """Who must accept for a package to be ratified in one country through one venue."""

    country: str
    venue: Venue
    actors: tuple[str, ...]
    chambers: tuple[ChamberTest, ...]

    @property
    def voters(self) -> frozenset[str]:
        """The stakeholders whose acceptance its verdict reads: its actors and its chambers' blocs."""
        return frozenset((*self.actors, *(b for ch in self.chambers for b in ch.seats)))


def voters(tests: Iterable[VenueTest | None]) -> frozenset[str]:
    """Whose acceptance the verdicts of these tests read (None: a country that needs no venue); no
    one else's change of mind can change ratification."""
    return frozenset().union(*(t.voters for t in tests if t is not None))


class LevelRule(NamedTuple):
    """Picking `level` on `dimension` requires (or excludes) one of `members` on `other`."""

    dimension: str
    level: str
    kind: Literal["requires", "excludes"]
    other: str
    members: frozenset[str]


@dataclass(frozen=True)
class CompiledStudy:
    study: Study
    scenario: Scenario
    levels: dict[str, tuple[str, ...]]  # dimension -> level ids, first level first
    status_quo: Package  # the no-deal package of the scenario (`reversion`): gains are measured against it
    profiles: dict[str, Profile]  # present stakeholders, in study order
    absent: frozenset[str]
    authority: dict[str, dict[str, dict[str, Venue]]]  # dimension -> level -> country -> venue needed
    seats: dict[str, dict[str, float]]  # chamber -> bloc -> share of seats (the scenario's, where it sets them)
    tests: dict[str, dict[Venue, VenueTest]]  # ratifying country -> venue -> its test
    rules: tuple[LevelRule, ...]
    verdicts: dict = field(default_factory=dict, compare=False, repr=False)  # memo of `ratification.coalition`
    seat_splits: tuple[Split, ...] = ()  # ranged party splits of `seats` (see `seat_ranges`)
    reversion: Reversion | None = None  # the no-deal point and where it comes from
    agenda: tuple[Gate, ...] = ()  # the scenario's agenda setters (`agenda.gates`)

    @cached_property
    def judgments(self) -> tuple[Judgment, ...]:
        """The judgments bearing on the present stakeholders, each saying what it perturbs (a
        salience, a multiplier, a value or a reservation); listed when first asked (scoring needs
        none), then kept: the brief's sensitivity and sampling read them some twenty times."""
        from .judgments import judgments  # noqa: PLC0415  (for sampling and sensitivity: scoring never loads it)

        return tuple(judgments(self.study, self.scenario))

    def venue_needed(self, package: Package, country: str) -> Venue | None:
        """The strongest authority the package's levels need in `country`, or None."""
        needed = [v for d, lv in package.items() if (v := self.authority[d][lv].get(country)) is not None]
        return max(needed, key=_VENUE_ORDER.__getitem__) if needed else None

    def test(self, package: Package, country: str) -> VenueTest | None:
        """The ratification test the package faces in `country` (None: it needs no venue there)."""
        venue = self.venue_needed(package, country)
        return None if venue is None else self.tests[country][venue]

    def required_actors(self, package: Package, country: str) -> tuple[str, ...]:
        """The named actors the country's venue requires (the executive's when no venue is needed):
        the country's ratifying coalition."""
        return self.tests[country][self.venue_needed(package, country) or Venue.executive].actors

    def not_tabled(self, package: Package, countries: tuple[str, ...] | list[str],
                   capacity: dict[int, float] | None = None) -> tuple[NotTabled, ...]:
        """Why the package ratified by `countries` is not tabled (empty: it is), see `agenda`."""
        return not_tabled(self.agenda, package, self.status_quo, countries,
                          lambda c: self.venue_needed(package, c), capacity)

    def shifts(self, stakeholder: str, skip: frozenset[int] = frozenset()) -> dict[str, float]:
        """Per dimension, the product of the scenario's multipliers on this stakeholder's salience,
        the shifts at the indices in `skip` left out."""
        return _multipliers(self.scenario, stakeholder, skip)


def _multipliers(scenario: Scenario, stakeholder: str, skip: frozenset[int] = frozenset()) -> dict[str, float]:
    out: dict[str, float] = {}
    for i, shift in enumerate(scenario.salience):
        if i not in skip and (not shift.stakeholders or stakeholder in shift.stakeholders):
            out[shift.dimension] = out.get(shift.dimension, 1.0) * shift.multiplier
    return out


def stakes(salience: dict[str, float], multiplier: dict[str, float]) -> dict[str, float]:
    """A stakeholder's stake in each dimension: its saliences as read, normalised once to sum to
    one, then scaled by the scenario's multipliers. A shift scales only the stake it names (after
    9/11 security weighs more; nothing else weighs less), so the stakes sum to one only when no
    shift applies, and gains (and hence reservations) are on the scale of the unshifted profile."""
    total = sum(salience.values())
    return {d: (s / total if total > 0 else 0.0) * multiplier[d] for d, s in salience.items()}


def _members(dimension: Dimension, levels: LevelSet) -> frozenset[str]:
    return frozenset(dimension.members(levels))


def _profiles(study: Study, scenario: Scenario, status_quo: Package, cost: dict[str, float]) -> dict[str, Profile]:
    reservations = {r.stakeholder: r.reservation for r in scenario.reservation}
    delivery = delivery_terms(study, scenario)
    out = {}
    for sh in study.stakeholders.values():
        if sh.id in scenario.absent:
            continue
        shifts = _multipliers(scenario, sh.id)
        salience = {d: c.salience for d, c in sh.concerns.items()}
        multiplier = {d: shifts.get(d, 1.0) for d in sh.concerns}
        weights = stakes(salience, multiplier)
        values = {d: level_values(study.dimensions[d], c.values, c.preferred) for d, c in sh.concerns.items()}
        doubt = delivery.get(sh.id, {})
        coefficients = {d: {lv: (doubt[d].probability if d in doubt else 1.0) * weights[d] * (row[lv] - row[status_quo[d]])
                            for lv in study.dimensions[d].level_ids}
                        for d, row in values.items()}
        red: dict[str, frozenset[str]] = {}
        for ls in sh.red_lines:
            red[ls.dimension] = red.get(ls.dimension, frozenset()) | _members(study.dimensions[ls.dimension], ls)
        threat = cost.get(sh.id, 0.0)
        out[sh.id] = Profile(sh.id, sh.country, sh.influence, reservations.get(sh.id, sh.reservation), salience,
                             multiplier, weights, values, coefficients, red,
                             sum(w * values[d][status_quo[d]] for d, w in weights.items()) - threat, doubt, threat)
    terms = regard_terms(scenario, {s: p.coefficients for s, p in out.items()})
    return {s: p._replace(coefficients=combined(p.coefficients, terms[s]), regard=terms[s]) if s in terms else p
            for s, p in out.items()}


def _seats(study: Study, scenario: Scenario) -> dict[str, dict[str, float]]:
    return {ch: dict(scenario.seats[ch].shares if ch in scenario.seats else chamber.seats)
            for ch, chamber in study.institutions.chambers.items()}


def _tests(study: Study, scenario: Scenario, seats: dict[str, dict[str, float]],
           seat_splits: tuple[Split, ...] = ()) -> dict[str, dict[Venue, VenueTest]]:
    out = {}
    for c, country in study.institutions.countries.items():
        if not country.ratifies:
            continue
        out[c] = {}
        for venue, rule in country.venues.items():
            chambers = []
            for ch, threshold in rule.chambers.items():
                override = scenario.seats.get(ch)
                chamber = study.institutions.chambers[ch]
                party = (override.majority_party if override is not None and override.majority_party is not None
                         else chamber.majority_party)
                chambers.append(ChamberTest(ch, seats[ch], threshold, tuple(party),
                                            chamber.agenda_threshold if party else None,
                                            tuple(sp for sp in seat_splits if sp.chamber == ch)))
            out[c][venue] = VenueTest(c, venue, tuple(rule.actors), tuple(chambers))
    return out


def _rules(study: Study) -> tuple[LevelRule, ...]:
    out = []
    for d, dim in study.dimensions.items():
        for level in dim.levels:
            for kind, sets in (("requires", level.requires), ("excludes", level.excludes)):
                out += [LevelRule(d, level.id, kind, ls.dimension, _members(study.dimensions[ls.dimension], ls))
                        for ls in sets]
    return tuple(out)


def compile_study(study: Study, scenario: Scenario) -> CompiledStudy:
    """The study under `scenario`, compiled (see the module docstring)."""
    levels = {d: tuple(dim.level_ids) for d, dim in study.dimensions.items()}
    back = reversion(study, scenario)
    kept = in_place(study, scenario)
    authority = {d: {lv.id: ({} if kept.get(d) == lv.id else dict(lv.authority)) for lv in dim.levels}
                 for d, dim in study.dimensions.items()}
    seats, seat_splits = _seats(study, scenario), splits(study, scenario)
    profiles = interactions.attach(study, _profiles(study, scenario, back.package, back.cost), back.package)
    return CompiledStudy(study, scenario, levels, back.package, profiles, frozenset(scenario.absent), authority,
                         seats, _tests(study, scenario, seats, seat_splits), _rules(study), seat_splits=seat_splits,
                         reversion=back, agenda=gates(study, scenario))


_CACHE: OrderedDict[tuple[int, int], CompiledStudy] = OrderedDict()
_CACHE_SIZE = 16


def compiled(study: Study, scenario: Scenario) -> CompiledStudy:
    """`compile_study`, remembered for the last few (study, scenario) objects: the models are
    frozen, and a cached entry holds them, so their ids cannot be reused while it lives."""
    key = (id(study), id(scenario))
    hit = _CACHE.get(key)
    if hit is not None and hit.study is study and hit.scenario is scenario:
        _CACHE.move_to_end(key)
        return hit
    out = compile_study(study, scenario)
    _CACHE[key] = out
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return out
