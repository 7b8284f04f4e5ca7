"""The study's judgments (saliences, scenario multipliers, ranged values, reservations) and,
for one proposal, the interval of each judgment within which each stakeholder's acceptance and
the proposal's ratification stay as they are at the point reading.

Closed form for the additive model: with every other judgment at its point value, a stakeholder's
acceptance test `gain >= reservation` is linear in any one judgment x, `c0 + c1 * x >= 0`. For a
salience a_d (or a multiplier on it), gain = (A + a_d m_d D_d) / (B + a_d m_d) with A, B the
weighted gains and the raw weights of the other dimensions and D_d the value change on d; the
denominator is positive, so gain >= r  <=>  (A - r B) + a_d m_d (D_d - r) >= 0. A value or a
reservation enters the gain linearly already. So each stakeholder flips at most once, at -c0/c1,
and ratification (monotone in who accepts) changes only at those flip points.

Its JSON contract is stated in the README ("JSON contracts") and produced by `robust_reports`."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .compiled import CompiledStudy, Package, compiled
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
    accepting: frozenset[str]  # who accepts at the point reading
    outcomes: dict[frozenset[str], bool] = field(default_factory=dict)  # ratified, by who accepts

    def ratified(self, study: Study, scenario: Scenario, accepting: frozenset[str]) -> bool:
        if accepting not in self.outcomes:
            self.outcomes[accepting] = ratified(study, scenario, self.package, self.countries,
                                                dict.fromkeys(accepting, True))
        return self.outcomes[accepting]


def _point(study: Study, scenario: Scenario, proposal_id: str) -> _Point:
    package = resolve_proposal(study, proposal_id)
    countries = list(study.proposals[proposal_id].countries)
    point = coalition(study, scenario, package, countries)
    accepting = frozenset(s for s, x in point.stances.items() if x.accepts)
    return _Point(package, countries, point, compiled(study, scenario), accepting, {accepting: point.ratified})


def stability(study: Study, scenario: Scenario, proposal_id: str, judgment: Judgment,
              at: _Point | None = None) -> Stability:
    """The judgment's flip points, stability intervals and flipped shares for one proposal."""
    at = at or _point(study, scenario, proposal_id)
    package, point = at.package, at.coalition
    verdict0 = at.outcomes[at.accepting]
    dom_lo, dom_hi = DOMAIN[judgment.kind]
    x0, lo, hi = judgment.point, judgment.low, judgment.high

    forms: dict[str, tuple[float, float]] = {}
    rows = []
    for s in judgment.stakeholders:
        stance = point.stances[s]
        c0, c1 = linear_margin(at.model, package, judgment, s)
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

    others = at.accepting.difference(forms)  # who accepts whatever the judgment's value

    def outcome(x: float) -> bool:
        if not forms:
            return verdict0
        return at.ratified(study, scenario, others | {s for s, (c0, c1) in forms.items() if c0 + c1 * x >= 0})

    cuts = sorted({r.flip for r in rows if r.flip is not None and r.stakeholder in forms})
    pieces = _segments(cuts, dom_lo, dom_hi)
    verdicts = [outcome(_probe(a, b)) for a, b in pieces]
    flips = tuple(b for (_, b), v, w in zip(pieces, verdicts, verdicts[1:]) if v != w)
    upper = next((a for (a, b), v in zip(pieces, verdicts) if b > x0 and v != verdict0), dom_hi)
    lower = next((b for (a, b), v in reversed(list(zip(pieces, verdicts))) if a < x0 and v != verdict0), dom_lo)
    upper, lower = max(upper, x0), min(lower, x0)
    share = 0.0
    if hi > lo:
        share = sum(b - a for a, b in _segments(cuts, lo, hi) if outcome(_probe(a, b)) != verdict0) / (hi - lo)
    return Stability(judgment, tuple(rows), (lower, upper), flips, share)


def sensitivity(study: Study, scenario: Scenario, proposal_id: str, ranged_only: bool = False) -> Sensitivity:
    """Every judgment's stability for one proposal (see the module docstring)."""
    at = _point(study, scenario, proposal_id)
    found = [stability(study, scenario, proposal_id, j, at) for j in at.model.judgments if j.ranged or not ranged_only]
    return Sensitivity(proposal_id, scenario.id, at.coalition.ratified, tuple(found))
