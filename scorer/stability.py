"""The study's judgments (saliences, scenario multipliers, ranged values, reservations, party
splits) and,
for one proposal, the interval of each judgment within which each stakeholder's acceptance and
the proposal's ratification stay as they are at the point reading.

Closed form for the additive model: with every other judgment at its point value, a stakeholder's
acceptance test `gain >= reservation` is linear in any one judgment x, `c0 + c1 * x >= 0`. The
stakes are w_k = a_k m_k / sum of a (`compiled.stakes`). For a salience a_d,
gain = (A + a_d m_d D_d) / (B + a_d) with A = sum of a_k m_k D_k and B = sum of a_k over the other
dimensions and D_d the value change on d; the denominator is positive, so
gain >= r  <=>  (A - r B) + a_d (m_d D_d - r) >= 0. A multiplier scales only the stake it names,
so the gain is linear in it; a value, a reservation, a threat's cost (which lowers the no-deal
value, `reversion`), a delivery probability and a regard share (credibility, regard) enter the
gain linearly already. So each stakeholder flips at most once, at -c0/c1, and ratification
(monotone in who accepts) changes only at those flip points. A term's adjustment enters the gain
linearly too (and moves the reservation the weights face: gain >= r becomes weighted gain >= r -
terms). A red line's credence is no number the point model weighs: it holds the red line, and the
share of a verdict that differs is the probability it is not held. A stakeholder who regards
another has a margin that is a sum of ratios (its own gain, a share of the other's); at most one
depends on the judgment, so times their positive denominators it is linear again (`margin_linear`).

A party split (`seat_ranges`) moves no one's acceptance; with who accepts held fixed, every
chamber's accepting share is linear in the ranged bloc's share of its party, so ratification
changes only where one of those lines meets its threshold (`seat_crossings`). An agenda setter's
capacity moves no one's gain: the package is tabled exactly when the capacity reaches the rank the
package needs of that setter (`agenda.Gate.need`), so ratification flips there at most, if the
countries ratify and no other setter keeps it off.

Its JSON contract is stated in the README ("JSON contracts") and produced by `robust_reports`."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from .compiled import SEAT_TOLERANCE, ChamberTest, CompiledStudy, Package, Profile, compiled, voters
from .judgments import DOMAIN, Judgment, apply_world
from .models import Scenario, Study
from .notebook import Tabular
from .ratification import Coalition, coalition, ratified, tally, verdict
from .scoring import resolve_proposal, stance
from .seat_ranges import Split, chamber_at


# --- the closed form ------------------------------------------------------------------------


def margin_linear(at: _Point, judgment: Judgment, stakeholder: str) -> tuple[float, float]:
    """(c0, c1) such that, all else at its point value, the stakeholder's margin (gain less
    reservation) in the proposal `at` has the sign of c0 + c1 * x, x being the judgment's value: its
    own gain plus each regard share times the other's own gain, less the reservation, as ratios
    brought over their positive denominators. At most one of those ratios depends on x (a salience
    belongs to one stakeholder, and a multiplier scales a stake linearly), so the result is linear."""
    profile = at.model.profiles[stakeholder]
    mine = judgment.kind == "reservation" and judgment.stakeholders[0] == stakeholder
    parts = [(1.0, *_own_gain(at, judgment, profile, own=True))]
    for t in profile.regard:
        share = judgment.kind == "regard" and judgment.shift == t.index
        num, den = _own_gain(at, judgment, at.model.profiles[t.other], own=False)
        parts.append((1.0, _mul(num, (0.0, 1.0)), den) if share else (t.share, num, den))
    parts.append((1.0, (0.0, -1.0) if mine else (-profile.reservation,), (1.0,)))
    total: tuple[float, ...] = (0.0,)
    for i, (c, num, _) in enumerate(parts):
        term = num if c == 1.0 else tuple(c * a for a in num)
        for k, (_, _, den) in enumerate(parts):
            if k != i:
                term = _mul(term, den)
        total = _add(total, term)
    if len(total) > 2 and any(total[2:]):
        raise AssertionError(f"margin of {stakeholder} is not linear in {judgment.id}: {total}")
    return (*total, 0.0)[:2]


def _add(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    if len(a) < len(b):
        a, b = b, a
    return (*(x + y for x, y in zip(a, b)), *(x + 0.0 for x in a[len(b):]))


def _mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    if b == (1.0,):
        return a
    out = [0.0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for k, y in enumerate(b):
            out[i + k] += x * y
    return tuple(out)


class _Gain(NamedTuple):
    """A profile's gain in a package over its levels (its delivery doubts included, its regard
    terms not), with its parts: per dimension the delivery probability and the value change; and,
    for the stakeholder itself (`own`), its threat cost and its terms' part (`extra`). The gain
    another regards is its levels' part only, as `regard` compiles it."""

    p: dict[str, float]
    delta: dict[str, float]
    extra: float
    gain: float


def _gain(model: CompiledStudy, package: Package, profile: Profile, own: bool) -> _Gain:
    base = model.status_quo
    p = {d: profile.delivery[d].probability if d in profile.delivery else 1.0 for d in profile.weights}
    delta = {d: profile.values[d][package[d]] - profile.values[d][base[d]] for d in profile.weights}
    extra = profile.threat + sum(t.part(package) for t in profile.terms) if own else 0.0
    return _Gain(p, delta, extra, sum(profile.weights[d] * p[d] * delta[d] for d in profile.weights) + extra)


def _own_gain(at: _Point, judgment: Judgment, profile: Profile, own: bool
              ) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(numerator, denominator) polynomials in the judgment's value of the profile's gain (`_Gain`),
    the denominator positive."""
    model, package, base = at.model, at.package, at.model.status_quo
    p, delta, extra, gain = at.gain(profile, own)
    d = judgment.dimension
    if judgment.kind == "delivery":
        on = [k for k, t in profile.delivery.items() if t.index == judgment.shift]
        rest = sum(profile.weights[k] * p[k] * delta[k] for k in profile.weights if k not in on) + extra
        return (rest, sum(profile.weights[k] * delta[k] for k in on)), (1.0,)
    if judgment.kind == "value" and judgment.stakeholders[0] == profile.id:
        slope = profile.weights[d] * p[d] * ((package[d] == judgment.level) - (base[d] == judgment.level))
        return (gain - slope * judgment.point, slope), (1.0,)
    if own and judgment.kind == "threat" and profile.id in judgment.stakeholders:
        return (gain - judgment.point, 1.0), (1.0,)
    if own and judgment.kind == "adjustment" and judgment.stakeholders[0] == profile.id:
        term = profile.terms[judgment.term]
        slope = float(term.holds(package) - term.at_status_quo)
        return (gain - slope * judgment.point, slope), (1.0,)
    if judgment.kind == "salience" and judgment.stakeholders[0] == profile.id and d in profile.salience:
        a, m = profile.salience, profile.multiplier
        A = sum(a[k] * m[k] * p[k] * delta[k] for k in a if k != d)
        B = sum(a[k] for k in a if k != d)
        return (A + extra * B, m[d] * p[d] * delta[d] + extra), (B, 1.0)
    if judgment.kind == "multiplier" and d in profile.salience and _shifted(model, judgment, profile.id):
        total = sum(profile.salience.values())
        per_unit = (profile.salience[d] / total if total > 0 else 0.0) * model.shifts(
            profile.id, frozenset({judgment.shift})).get(d, 1.0)
        return (gain - profile.weights[d] * p[d] * delta[d], per_unit * p[d] * delta[d]), (1.0,)
    return (gain,), (1.0,)


def _shifted(model: CompiledStudy, judgment: Judgment, stakeholder: str) -> bool:
    shift = model.scenario.salience[judgment.shift]
    return not shift.stakeholders or stakeholder in shift.stakeholders


Interval = tuple[float, float]


class StakeholderStability(NamedTuple):
    """How one judgment moves one stakeholder's acceptance of the proposal."""

    stakeholder: str
    accepts: bool  # at the point reading
    red_line: bool  # rejects whatever the judgment, for a red line
    flip: float | None  # the value at which acceptance changes (None: not within the domain)
    interval: Interval  # where acceptance stays as at the point (inf: unbounded)
    distance: float | None  # from the plausible range to the flip point (< 0: the range crosses it)
    share: float  # share of the plausible range where acceptance differs from the point's


class Stability(NamedTuple):
    """One judgment's stability for one proposal: per stakeholder, and for ratification."""

    judgment: Judgment
    stakeholders: tuple[StakeholderStability, ...]
    ratification_interval: Interval
    ratification_flips: tuple[float, ...]  # every point of the domain where ratification changes
    ratification_share: float  # share of the plausible range where ratification differs

    @property
    def crosses(self) -> bool:
        """The plausible range holds a flip point (of a stakeholder or of ratification)."""
        return self.ratification_share > 0 or any(s.share > 0 for s in self.stakeholders)

    @property
    def decisiveness(self) -> tuple[float, float]:
        return self.ratification_share, max((s.share for s in self.stakeholders), default=0.0)


@dataclass(frozen=True)
class Sensitivity(Tabular):
    proposal: str
    scenario: str
    ratified: bool
    stabilities: tuple[Stability, ...] = field(default_factory=tuple)

    @property
    def tornado(self) -> list[Stability]:
        """The judgments whose plausible range crosses a flip point, most decisive first: the
        largest share of the range over which ratification differs, then acceptance."""
        crossing = [s for s in self.stabilities if s.crosses]
        return sorted(crossing, key=lambda s: (-s.decisiveness[0], -s.decisiveness[1], s.judgment.id))


def _segments(cuts: list[float], lo: float, hi: float) -> list[tuple[float, float]]:
    """The pieces of [lo, hi] between the cuts that fall strictly inside it."""
    inner = sorted({c for c in cuts if lo < c < hi})
    edges = [lo, *inner, hi]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


def _probe(a: float, b: float) -> float:
    """A value strictly inside (a, b), which may be unbounded at either end."""
    if math.isinf(a) and math.isinf(b):
        return 0.0
    if math.isinf(a):
        return b - max(1.0, abs(b))
    if math.isinf(b):
        return a + max(1.0, abs(a))
    return (a + b) / 2


@dataclass(frozen=True)
class _Point:
    """A proposal at the point reading, computed once for all its judgments."""

    package: Package
    countries: list[str]
    coalition: Coalition
    model: CompiledStudy
    accepting: frozenset[str]  # who accepts at the point reading
    voters: frozenset[str]  # whose acceptance its ratification tests read (`compiled.voters`)
    outcomes: dict[frozenset[str], bool] = field(default_factory=dict)  # ratified, by who accepts
    flippable: dict[frozenset[str], bool] = field(default_factory=dict)  # `_may_flip`, by the voters a judgment moves
    gains: dict[tuple[str, bool], _Gain] = field(default_factory=dict)  # `_gain`, by stakeholder and own

    def gain(self, profile: Profile, own: bool) -> _Gain:
        key = (profile.id, own)
        if key not in self.gains:
            self.gains[key] = _gain(self.model, self.package, profile, own)
        return self.gains[key]

    def ratified(self, study: Study, scenario: Scenario, accepting: frozenset[str]) -> bool:
        if accepting not in self.outcomes:
            self.outcomes[accepting] = ratified(study, scenario, self.package, self.countries,
                                                dict.fromkeys(accepting, True))
        return self.outcomes[accepting]


def _point(study: Study, scenario: Scenario, proposal_id: str) -> _Point:
    package = resolve_proposal(study, proposal_id, scenario)
    countries = list(study.proposals[proposal_id].countries)
    point = coalition(study, scenario, package, countries)
    accepting = frozenset(s for s, x in point.stances.items() if x.accepts)
    model = compiled(study, scenario)
    return _Point(package, countries, point, model, accepting, voters(model.test(package, c) for c in countries),
                  {accepting: point.ratified})


_NOT_HELD: OrderedDict[tuple[int, int, str], tuple[Study, Scenario, Study, Scenario]] = OrderedDict()


def _not_held(study: Study, scenario: Scenario, judgment: Judgment) -> tuple[Study, Scenario]:
    """The study with the credence's red line not held, remembered for the last few (study,
    scenario, judgment), so every proposal's sensitivity compiles it once (a cached entry holds the
    models, so their ids cannot be reused while it lives)."""
    key = (id(study), id(scenario), judgment.id)
    hit = _NOT_HELD.get(key)
    if hit is None or hit[0] is not study or hit[1] is not scenario:
        hit = _NOT_HELD[key] = (study, scenario, *apply_world(study, scenario, {judgment: 0.0}))
        while len(_NOT_HELD) > 16:
            _NOT_HELD.popitem(last=False)
    return hit[2], hit[3]


def _credence(study: Study, scenario: Scenario, judgment: Judgment, at: _Point) -> Stability:
    """A red line held with a credence: the point model holds it at any credence above 0, so a
    verdict can change only where it is not held (0). The share of a verdict that differs is the
    probability that the red line is not held, 1 - credence, when dropping it changes that verdict."""
    s = judgment.stakeholders[0]
    held = at.coalition.stances[s]
    without = stance(compiled(*_not_held(study, scenario, judgment)).profiles[s], at.package)
    moves = without.accepts != held.accepts
    p_not = 1.0 - judgment.point
    row = StakeholderStability(s, held.accepts, bool(without.touched), 0.0 if moves else None, (0.0, 1.0),
                               0.0 if moves else None, p_not if moves else 0.0)
    accepting = at.accepting - {s} | ({s} if without.accepts else set())
    flips = (0.0,) if at.ratified(study, scenario, accepting) != at.coalition.ratified else ()
    return Stability(judgment, (row,), (0.0, 1.0), flips, p_not if flips else 0.0)


def stability(study: Study, scenario: Scenario, proposal_id: str, judgment: Judgment,
              at: _Point | None = None) -> Stability:
    """The judgment's flip points, stability intervals and flipped shares for one proposal."""
    at = at or _point(study, scenario, proposal_id)
    if judgment.kind == "seats":
        return _seat_stability(at, judgment)
    if judgment.kind == "credence":
        return _credence(study, scenario, judgment, at)
    return _with_ratification(study, scenario, judgment, at, *_acceptance(judgment, at))


def _acceptance(judgment: Judgment, at: _Point) -> tuple[list[StakeholderStability], dict[str, tuple[float, ...]]]:
    """Per stakeholder the judgment moves: its row, and the margin of those whose acceptance the
    judgment can flip within its domain."""
    point = at.coalition
    dom_lo, dom_hi = DOMAIN[judgment.kind]
    lo, hi = judgment.low, judgment.high
    forms: dict[str, tuple[float, float]] = {}
    rows = []
    for s in judgment.stakeholders:
        stance = point.stances[s]
        c0, c1 = margin_linear(at, judgment, s)
        flip = -c0 / c1 if c1 != 0 else None
        if flip is not None and not dom_lo < flip < dom_hi:
            flip = None
        if stance.touched or flip is None:
            rows.append(StakeholderStability(s, stance.accepts, bool(stance.touched), None, (dom_lo, dom_hi), None, 0.0))
            continue
        forms[s] = (c0, c1)
        # The interval is the side of the flip the point reading falls on (by its verdict, so a
        # stakeholder sitting exactly on its reservation keeps the side the model gives it).
        accept_side = (flip, dom_hi) if c1 > 0 else (dom_lo, flip)
        reject_side = (dom_lo, flip) if c1 > 0 else (flip, dom_hi)
        interval = accept_side if stance.accepts else reject_side
        share = 0.0
        if hi > lo:
            share = sum(b - a for a, b in _segments([flip], lo, hi)
                        if (c0 + c1 * _probe(a, b) >= 0) != stance.accepts) / (hi - lo)
        distance = lo - flip if interval[0] == flip else flip - hi
        rows.append(StakeholderStability(s, stance.accepts, False, flip, interval, distance, share))
    return rows, forms


def _with_ratification(study: Study, scenario: Scenario, judgment: Judgment, at: _Point,
                       rows: list[StakeholderStability], forms: dict[str, tuple[float, ...]]) -> Stability:
    """The judgment's stability, its stakeholders' rows given: ratification's flips, interval and share."""
    point = at.coalition
    dom_lo, dom_hi = DOMAIN[judgment.kind]
    if judgment.kind == "capacity":  # moves no one's gain: whether the package is tabled
        outcome, cuts = _capacity_outcome(at, judgment)
        return _ratification(judgment, tuple(rows), cuts, outcome, point.ratified)
    others = at.accepting.difference(forms)  # who accepts whatever the judgment's value

    def outcome(x: float) -> bool:
        if not forms:
            return point.ratified
        return at.ratified(study, scenario, others | {s for s, (c0, c1) in forms.items() if c0 + c1 * x >= 0})

    cuts = sorted({r.flip for r in rows if r.flip is not None and r.stakeholder in forms})
    return _ratification(judgment, tuple(rows), cuts, outcome, point.ratified)


def _ratification(judgment: Judgment, rows: tuple[StakeholderStability, ...], cuts: list[float],
                  outcome: Callable[[float], bool], at_point: bool) -> Stability:
    """Ratification's flips, interval and flipped share, from the only values where it may change
    (`cuts`) and the verdict at any value (`outcome`), probed once per piece between cuts."""
    dom_lo, dom_hi = DOMAIN[judgment.kind]
    x0, lo, hi = judgment.point, judgment.low, judgment.high
    pieces = _segments(cuts, dom_lo, dom_hi)
    verdicts = [outcome(_probe(a, b)) for a, b in pieces]
    flips = tuple(b for (_, b), v, w in zip(pieces, verdicts, verdicts[1:]) if v != w)
    upper = next((a for (a, b), v in zip(pieces, verdicts) if b > x0 and v != at_point), dom_hi)
    lower = next((b for (a, b), v in reversed(list(zip(pieces, verdicts))) if a < x0 and v != at_point), dom_lo)
    upper, lower = max(upper, x0), min(lower, x0)
    share = 0.0
    if hi > lo:
        share = sum(b - a for a, b in _segments(cuts, lo, hi) if outcome(_probe(a, b)) != at_point) / (hi - lo)
    return Stability(judgment, rows, (lower, upper), flips, share)


def seat_crossings(tests: list[ChamberTest], split: Split, accepts: dict[str, bool]) -> list[float]:
    """The shares of its party the split's bloc may hold, within [0, 1], at which, with who accepts
    held fixed, a chamber's accepting share or its majority party's accepting share meets its
    threshold: closed form, both being linear in the share (`seat_ranges`)."""
    out = []
    for test in tests:
        if test.chamber != split.chamber:
            continue
        at0, at1 = (tally(chamber_at(test, split, x), accepts, ranges=False) for x in (0.0, 1.0))
        lines = [(at0.share, at1.share, test.threshold)]
        if test.party:
            lines.append((at0.agenda_share, at1.agenda_share, test.gate))
        out += [x for a, b, t in lines if b != a and 0.0 <= (x := (t - SEAT_TOLERANCE - a) / (b - a)) <= 1.0]
    return sorted(set(out))


def _seat_stability(at: _Point, judgment: Judgment) -> Stability:
    """A party split moves no stakeholder's acceptance, only the weight of the blocs in their
    chamber: ratification, who accepts held at the point, flips only at `seat_crossings`; a
    package an agenda setter keeps off stays unratified whatever the seats; a country whose test
    has no chamber of the split gives the same verdict at every share."""
    accepts = dict.fromkeys(at.accepting, True)
    dom_lo, dom_hi = DOMAIN["seats"]
    rows = tuple(StakeholderStability(s, at.coalition.stances[s].accepts, bool(at.coalition.stances[s].touched),
                                      None, (dom_lo, dom_hi), None, 0.0) for s in judgment.stakeholders)
    if not at.coalition.tabled:
        return _ratification(judgment, rows, [], lambda x: False, False)
    tests = [t for c in at.countries if (t := at.model.test(at.package, c)) is not None]
    cuts = seat_crossings([ch for t in tests for ch in t.chambers], judgment.split, accepts)
    moves = [any(ch.chamber == judgment.split.chamber for ch in t.chambers) for t in tests]
    others = all(verdict(t, t.country, accepts, ranges=False).ratified for t, m in zip(tests, moves) if not m)

    def outcome(x: float) -> bool:
        return others and all(
            verdict(t._replace(chambers=tuple(chamber_at(ch, judgment.split, x) for ch in t.chambers)),
                    t.country, accepts, ranges=False).ratified for t, m in zip(tests, moves) if m)

    return _ratification(judgment, rows, cuts, outcome, at.coalition.ratified)


def _capacity_outcome(at: _Point, judgment: Judgment):
    """Ratification as a function of one setter's capacity, and the capacity where it flips."""
    model, package = at.model, at.package
    gate = model.agenda[judgment.shift]
    rest = {g.index: g.capacity for g in model.agenda}
    countries_ok = all(v.ratified for v in at.coalition.countries.values())
    others_ok = not model.not_tabled(package, at.countries, {**rest, gate.index: math.inf})
    need = gate.need(package, model.status_quo) if gate.applies(at.countries, model.venue_needed(package, gate.country)) else 0
    if not (countries_ok and others_ok) or need == 0:
        return (lambda x: at.coalition.ratified), []
    return (lambda x: x >= need), [float(need)]


def _may_flip(study: Study, scenario: Scenario, judgment: Judgment, at: _Point) -> bool:
    """Whether ratification could change were the stakeholders the judgment moves to accept or reject
    otherwise. It is monotone in who accepts, so a proposal still ratified with all of them
    rejecting, or still failing with all of them accepting, cannot flip whatever the judgment; and
    it reads only its tests' voters, so the others among them are left as they are, and judgments
    moving the same voters share one answer."""
    moved = at.voters.intersection(judgment.stakeholders)
    if moved not in at.flippable:
        at.flippable[moved] = (not at.ratified(study, scenario, at.accepting - moved) if at.coalition.ratified
                               else at.ratified(study, scenario, at.accepting | moved))
    return at.flippable[moved]


def sensitivity(study: Study, scenario: Scenario, proposal_id: str, ranged_only: bool = False,
                decisive_only: bool = False) -> Sensitivity:
    """Every judgment's stability for one proposal (see the module docstring); with `decisive_only`,
    only those that may flip ratification within their range (a judgment that moves gains flips
    it only where it flips someone's acceptance there)."""
    at = _point(study, scenario, proposal_id)
    found = []
    for j in at.model.judgments:
        if ranged_only and not j.ranged:
            continue
        if not decisive_only or j.kind in ("seats", "credence", "capacity"):
            found.append(stability(study, scenario, proposal_id, j, at))
            continue
        if not _may_flip(study, scenario, j, at):
            continue
        rows, forms = _acceptance(j, at)
        if any(r.share > 0 for r in rows):
            found.append(_with_ratification(study, scenario, j, at, rows, forms))
    return Sensitivity(proposal_id, scenario.id, at.coalition.ratified, tuple(found))
