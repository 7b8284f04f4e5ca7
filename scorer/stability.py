"""The study's judgments (saliences, scenario multipliers, ranged values, reservations) and,
for one proposal, the interval of each judgment within which each stakeholder's acceptance and
the proposal's ratification stay as they are at the point reading.

Closed form for the additive model: with every other judgment at its point value, a stakeholder's
acceptance test `gain >= reservation` is linear in any one judgment x, `c0 + c1 * x >= 0`. For a
salience a_d (or a multiplier on it), gain = (A + a_d m_d D_d) / (B + a_d m_d) with A, B the
weighted gains and the raw weights of the other dimensions and D_d the value change on d; the
denominator is positive, so gain >= r  <=>  (A - r B) + a_d m_d (D_d - r) >= 0. A value or a
reservation enters the gain linearly already, and so do a delivery probability and a regard share
(credibility, regard). So each stakeholder flips at most once, at -c0/c1, and ratification
(monotone in who accepts) changes only at those flip points. One case is not linear: a judgment
that moves both a stakeholder's own gain and the own gain of one it regards through two saliences
(a multiplier both share) makes its margin a sum of ratios; times their positive denominators it is
a polynomial, whose real roots are the flip points (`margin_polynomial`).

Its JSON contract is stated in the README ("JSON contracts") and produced by `robust_reports`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .compiled import CompiledStudy, Package, Profile, compiled
from .judgments import DOMAIN, Judgment
from .models import Scenario, Study
from .notebook import Tabular
from .ratification import Coalition, coalition, ratified
from .scoring import resolve_proposal


# --- the closed form ------------------------------------------------------------------------


def linear_margin(model: CompiledStudy, package: Package, judgment: Judgment, stakeholder: str) -> tuple[float, float]:
    """(c0, c1) such that, all else at its point value, the stakeholder's gain clears its
    reservation exactly when c0 + c1 * x >= 0, x being the judgment's value."""
    profile = model.profiles[stakeholder]
    base = model.status_quo
    delta = {d: profile.values[d][package[d]] - profile.values[d][base[d]] for d in profile.weights}
    r = profile.reservation
    gain = sum(profile.weights[d] * delta[d] for d in profile.weights)
    if judgment.kind == "reservation":
        return gain, -1.0
    d = judgment.dimension
    if judgment.kind == "value":
        sign = (package[d] == judgment.level) - (base[d] == judgment.level)
        slope = profile.weights[d] * sign
        return gain - r - slope * judgment.point, slope
    raw = {k: profile.salience[k] * profile.multiplier[k] for k in profile.salience}
    A = sum(raw[k] * delta[k] for k in raw if k != d)
    B = sum(raw[k] for k in raw if k != d)
    if judgment.kind == "salience":
        per_unit = profile.multiplier[d]
    else:  # a multiplier: the rest of the raw weight on d is the salience times the other shifts
        per_unit = profile.salience[d] * model.shifts(stakeholder, frozenset({judgment.shift})).get(d, 1.0)
    return A - r * B, per_unit * (delta[d] - r)


def margin_polynomial(model: CompiledStudy, package: Package, judgment: Judgment, stakeholder: str) -> tuple[float, ...]:
    """Coefficients (constant first) of a polynomial in the judgment's value x with the sign of
    the stakeholder's margin (gain less reservation), all else at its point value: `linear_margin`
    where the stakeholder has no delivery or regard term, else its own gain plus each regard
    share times the other's own gain, as ratios brought over their positive denominators."""
    profile = model.profiles[stakeholder]
    if not profile.delivery and not profile.regard and judgment.kind not in ("delivery", "regard"):
        return linear_margin(model, package, judgment, stakeholder)
    mine = judgment.kind == "reservation" and judgment.stakeholders[0] == stakeholder
    parts = [(1.0, *_own_gain(model, package, judgment, profile))]
    for t in profile.regard:
        share = judgment.kind == "regard" and judgment.shift == t.index
        num, den = _own_gain(model, package, judgment, model.profiles[t.other])
        parts.append((1.0, _mul(num, (0.0, 1.0)), den) if share else (t.share, num, den))
    parts.append((1.0, (0.0, -1.0) if mine else (-profile.reservation,), (1.0,)))
    total: tuple[float, ...] = (0.0,)
    for i, (c, num, _) in enumerate(parts):
        term = tuple(c * a for a in num)
        for k, (_, _, den) in enumerate(parts):
            if k != i:
                term = _mul(term, den)
        total = _add(total, term)
    return total


def _add(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    n = max(len(a), len(b))
    return tuple((a[i] if i < len(a) else 0.0) + (b[i] if i < len(b) else 0.0) for i in range(n))


def _mul(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    if b == (1.0,):
        return a
    out = [0.0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for k, y in enumerate(b):
            out[i + k] += x * y
    return tuple(out)


def _own_gain(model: CompiledStudy, package: Package, judgment: Judgment, profile: Profile
              ) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(numerator, denominator) polynomials in the judgment's value of the profile's own gain
    (its delivery doubts included, its regard terms not), the denominator positive."""
    base = model.status_quo
    p = {d: profile.delivery[d].probability if d in profile.delivery else 1.0 for d in profile.weights}
    delta = {d: profile.values[d][package[d]] - profile.values[d][base[d]] for d in profile.weights}
    gain = sum(profile.weights[d] * p[d] * delta[d] for d in profile.weights)
    d = judgment.dimension
    if judgment.kind == "delivery":
        on = [k for k, t in profile.delivery.items() if t.index == judgment.shift]
        rest = sum(profile.weights[k] * p[k] * delta[k] for k in profile.weights if k not in on)
        return (rest, sum(profile.weights[k] * delta[k] for k in on)), (1.0,)
    if judgment.kind == "value" and judgment.stakeholders[0] == profile.id:
        slope = profile.weights[d] * p[d] * ((package[d] == judgment.level) - (base[d] == judgment.level))
        return (gain - slope * judgment.point, slope), (1.0,)
    moved = d in profile.salience and (
        (judgment.kind == "salience" and judgment.stakeholders[0] == profile.id)
        or (judgment.kind == "multiplier" and _shifted(model, judgment, profile.id)))
    if not moved:
        return (gain,), (1.0,)
    raw = {k: profile.salience[k] * profile.multiplier[k] for k in profile.salience}
    A = sum(raw[k] * p[k] * delta[k] for k in raw if k != d)
    B = sum(raw[k] for k in raw if k != d)
    if judgment.kind == "salience":
        per_unit = profile.multiplier[d]
    else:
        per_unit = profile.salience[d] * model.shifts(profile.id, frozenset({judgment.shift})).get(d, 1.0)
    return (A, per_unit * p[d] * delta[d]), (B, per_unit)


def _shifted(model: CompiledStudy, judgment: Judgment, stakeholder: str) -> bool:
    shift = model.scenario.salience[judgment.shift]
    return not shift.stakeholders or stakeholder in shift.stakeholders


def _roots(poly: tuple[float, ...], lo: float, hi: float) -> list[float]:
    """The real roots of the polynomial strictly inside (lo, hi), ascending."""
    import numpy as np

    while len(poly) > 1 and poly[-1] == 0.0:
        poly = poly[:-1]
    if len(poly) < 2:
        return []
    found = np.roots(list(reversed(poly)))
    return sorted({float(r.real) for r in found if abs(r.imag) <= 1e-9 * max(1.0, abs(r.real)) and lo < r.real < hi})


def _sign(poly: tuple[float, ...], x: float) -> bool:
    return sum(c * x**i for i, c in enumerate(poly)) >= 0


Interval = tuple[float, float]


@dataclass(frozen=True)
class StakeholderStability:
    """How one judgment moves one stakeholder's acceptance of the proposal."""

    stakeholder: str
    accepts: bool  # at the point reading
    red_line: bool  # rejects whatever the judgment, for a red line
    flip: float | None  # the value at which acceptance changes (None: not within the domain)
    interval: Interval  # where acceptance stays as at the point (inf: unbounded)
    distance: float | None  # from the plausible range to the flip point (< 0: the range crosses it)
    share: float  # share of the plausible range where acceptance differs from the point's


@dataclass(frozen=True)
class Stability:
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
    outcomes: dict[frozenset[str], bool] = field(default_factory=dict)  # ratified, by who accepts

    def ratified(self, study: Study, scenario: Scenario, accepts: dict[str, bool]) -> bool:
        key = frozenset(s for s, yes in accepts.items() if yes)
        if key not in self.outcomes:
            self.outcomes[key] = ratified(study, scenario, self.package, self.countries, accepts)
        return self.outcomes[key]


def _point(study: Study, scenario: Scenario, proposal_id: str) -> _Point:
    package = resolve_proposal(study, proposal_id)
    countries = list(study.proposals[proposal_id].countries)
    return _Point(package, countries, coalition(study, scenario, package, countries), compiled(study, scenario))


def stability(study: Study, scenario: Scenario, proposal_id: str, judgment: Judgment,
              at: _Point | None = None) -> Stability:
    """The judgment's flip points, stability intervals and flipped shares for one proposal."""
    at = at or _point(study, scenario, proposal_id)
    package, point = at.package, at.coalition
    accepts0 = {s: x.accepts for s, x in point.stances.items()}
    dom_lo, dom_hi = DOMAIN[judgment.kind]
    x0, lo, hi = judgment.point, judgment.low, judgment.high

    forms: dict[str, tuple[float, ...]] = {}
    rows = []
    for s in judgment.stakeholders:
        stance = point.stances[s]
        poly = margin_polynomial(at.model, package, judgment, s)
        if len(poly) > 2 and any(poly[2:]):
            flips = _roots(poly, dom_lo, dom_hi)
            if stance.touched or not flips:
                rows.append(StakeholderStability(s, stance.accepts, bool(stance.touched), None, (dom_lo, dom_hi), None, 0.0))
                continue
            forms[s] = poly
            interval = (max((f for f in flips if f <= x0), default=dom_lo), min((f for f in flips if f > x0), default=dom_hi))
            share = 0.0
            if hi > lo:
                share = sum(b - a for a, b in _segments(flips, lo, hi) if _sign(poly, _probe(a, b)) != stance.accepts) / (hi - lo)
            gaps = [g for g in (lo - interval[0] if interval[0] in flips else None,
                                interval[1] - hi if interval[1] in flips else None) if g is not None]
            rows.append(StakeholderStability(s, stance.accepts, False, min(flips, key=lambda f: abs(f - x0)), interval,
                                             min(gaps), share))
            continue
        c0, c1 = (*poly, 0.0)[:2]
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

    def outcome(x: float) -> bool:
        if not forms:
            return point.ratified
        return at.ratified(study, scenario, {**accepts0, **{s: _sign(poly, x) for s, poly in forms.items()}})

    cuts = sorted({r.flip for r in rows if r.flip is not None and len(forms.get(r.stakeholder, ())) == 2}
                  | {f for poly in forms.values() if len(poly) > 2 for f in _roots(poly, dom_lo, dom_hi)})
    pieces = _segments(cuts, dom_lo, dom_hi)
    verdicts = [outcome(_probe(a, b)) for a, b in pieces]
    flips = tuple(b for (_, b), v, w in zip(pieces, verdicts, verdicts[1:]) if v != w)
    upper = next((a for (a, b), v in zip(pieces, verdicts) if b > x0 and v != point.ratified), dom_hi)
    lower = next((b for (a, b), v in reversed(list(zip(pieces, verdicts))) if a < x0 and v != point.ratified), dom_lo)
    upper, lower = max(upper, x0), min(lower, x0)
    share = 0.0
    if hi > lo:
        share = sum(b - a for a, b in _segments(cuts, lo, hi) if outcome(_probe(a, b)) != point.ratified) / (hi - lo)
    return Stability(judgment, tuple(rows), (lower, upper), flips, share)


def sensitivity(study: Study, scenario: Scenario, proposal_id: str, ranged_only: bool = False) -> Sensitivity:
    """Every judgment's stability for one proposal (see the module docstring)."""
    at = _point(study, scenario, proposal_id)
    found = [stability(study, scenario, proposal_id, j, at) for j in at.model.judgments if j.ranged or not ranged_only]
    return Sensitivity(proposal_id, scenario.id, at.coalition.ratified, tuple(found))
