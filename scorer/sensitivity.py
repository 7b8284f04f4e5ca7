"""The study's judgments (saliences, scenario multipliers, ranged values, reservation margins) and,
for one proposal, the interval of each judgment within which each stakeholder's acceptance and
the proposal's ratification stay as they are at the point reading.

Closed form for the additive model: with every other judgment at its point value, a stakeholder's
acceptance test `gain >= reservation` is linear in any one judgment x, `c0 + c1 * x >= 0`. For a
salience a_d (or a multiplier on it), gain = (A + a_d m_d D_d) / (B + a_d m_d) with A, B the
weighted gains and the raw weights of the other dimensions and D_d the value change on d; the
denominator is positive, so gain >= r  <=>  (A - r B) + a_d m_d (D_d - r) >= 0. A value or a
reservation enters the gain linearly already. So each stakeholder flips at most once, at -c0/c1,
and ratification (monotone in who accepts) changes only at those flip points.

JSON of `accord sensitivity` (stable):
    {"proposal", "scenario", "ratified": bool at the point reading,
     "judgments": [{"id", "kind", "dimension", "level", "point", "low", "high",
                    "ratification_interval": [low|null, high|null],   # null: unbounded
                    "ratification_flips": [x, ...],                   # where ratification changes
                    "ratification_share": float,  # share of [low, high] where ratification differs
                    "stakeholders": [{"id", "accepts", "red_line", "flip": x|null,
                                      "interval": [low|null, high|null],
                                      "distance": d|null,   # from the range to the interval's nearer
                                                            # end; negative: the range crosses the flip
                                      "share": float}]}],  # share of the range where acceptance differs
     "tornado": [judgment id, ...]}   # judgments whose range crosses a flip point, most decisive first
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .errors import AccordError
from .models import Scenario, Study
from .ratification import coalition, ratified
from .scoring import Package, profiles, resolve_proposal, status_quo

KINDS = ("salience", "multiplier", "value", "reservation")
# Where each kind of judgment can lie: saliences and multipliers are non-negative, values in [0, 1].
DOMAIN = {"salience": (0.0, math.inf), "multiplier": (0.0, math.inf), "value": (0.0, 1.0),
          "reservation": (-math.inf, math.inf)}


@dataclass(frozen=True)
class Judgment:
    """One number read from the sources, with its plausible range (low == high: no range given)."""

    id: str
    kind: str
    point: float
    low: float
    high: float
    stakeholders: tuple[str, ...]  # the present stakeholders whose gain or margin it moves
    dimension: str | None = None
    level: str | None = None
    shift: int | None = None  # multiplier, or a scenario's reservation: index in the scenario's list
    evidence: tuple[str, ...] = ()

    @property
    def ranged(self) -> bool:
        return self.high > self.low


def _bounds(point: float, rng: tuple[float, float] | None) -> tuple[float, float]:
    return (point, point) if rng is None else (float(rng[0]), float(rng[1]))


def judgments(study: Study, scenario: Scenario, ranged_only: bool = False) -> list[Judgment]:
    """The judgments bearing on the stakeholders present in `scenario`, in study order: per
    stakeholder its saliences, its ranged values and its reservation margin (the scenario's when
    the scenario sets one), then the scenario's salience multipliers. Values without a range are
    left out (a preferred level is a reading, not a number); with `ranged_only`, so is every
    judgment whose range is a single point."""
    present = [s for s in study.stakeholders.values() if s.id not in scenario.absent]
    margin_shift = {r.stakeholder: i for i, r in enumerate(scenario.reservation)}
    out: list[Judgment] = []
    for sh in present:
        for d, c in sh.concerns.items():
            out.append(Judgment(f"salience:{sh.id}.{d}", "salience", c.salience, *_bounds(c.salience, c.salience_range),
                                (sh.id,), d, evidence=tuple(c.evidence)))
            for level, rng in c.value_ranges.items():
                point = c.values[level]
                out.append(Judgment(f"value:{sh.id}.{d}.{level}", "value", point, *_bounds(point, rng), (sh.id,), d,
                                    level, evidence=tuple(c.evidence)))
        if sh.id in margin_shift:
            i = margin_shift[sh.id]
            shift = scenario.reservation[i]
            out.append(Judgment(f"reservation:{sh.id}", "reservation", shift.reservation,
                                *_bounds(shift.reservation, shift.reservation_range), (sh.id,), shift=i,
                                evidence=tuple(shift.evidence)))
        else:
            out.append(Judgment(f"reservation:{sh.id}", "reservation", sh.reservation,
                                *_bounds(sh.reservation, sh.reservation_range), (sh.id,),
                                evidence=tuple(sh.reservation_evidence)))
    dims = [s.dimension for s in scenario.salience]
    for i, shift in enumerate(scenario.salience):
        who = tuple(s.id for s in present if shift.dimension in s.concerns
                    and (not shift.stakeholders or s.id in shift.stakeholders))
        name = shift.dimension if dims.count(shift.dimension) == 1 else f"{shift.dimension}[{i}]"
        out.append(Judgment(f"multiplier:{name}", "multiplier", shift.multiplier,
                            *_bounds(shift.multiplier, shift.multiplier_range), who, shift.dimension, shift=i,
                            evidence=tuple(shift.evidence)))
    return [j for j in out if j.ranged] if ranged_only else out


def apply_world(study: Study, scenario: Scenario, settings: dict[Judgment, float]) -> tuple[Study, Scenario]:
    """The study and scenario with some judgments set to other values (a sampled world, or a
    probe of one judgment); the models are copied, never changed."""
    stakeholders = dict(study.stakeholders)
    salience, margins = list(scenario.salience), list(scenario.reservation)
    for j, x in settings.items():
        x = float(x)
        if j.kind == "multiplier":
            salience[j.shift] = salience[j.shift].model_copy(update={"multiplier": x})
        elif j.kind == "reservation" and j.shift is not None:
            margins[j.shift] = margins[j.shift].model_copy(update={"reservation": x})
        else:
            sh = stakeholders[j.stakeholders[0]]
            if j.kind == "reservation":
                stakeholders[sh.id] = sh.model_copy(update={"reservation": x})
                continue
            concern = sh.concerns[j.dimension]
            if j.kind == "salience":
                concern = concern.model_copy(update={"salience": x})
            else:
                concern = concern.model_copy(update={"values": {**concern.values, j.level: x}})
            stakeholders[sh.id] = sh.model_copy(update={"concerns": {**sh.concerns, j.dimension: concern}})
    new_scenario = scenario.model_copy(update={"salience": salience, "reservation": margins})
    new_study = study.model_copy(update={"stakeholders": stakeholders,
                                         "scenarios": {**study.scenarios, scenario.id: new_scenario}})
    return new_study, new_scenario


# --- the closed form ------------------------------------------------------------------------


def _shift_product(scenario: Scenario, stakeholder: str, dimension: str, skip: int | None) -> float:
    """The product of the scenario's multipliers on (stakeholder, dimension), one shift left out."""
    out = 1.0
    for i, shift in enumerate(scenario.salience):
        if i != skip and shift.dimension == dimension and (not shift.stakeholders or stakeholder in shift.stakeholders):
            out *= shift.multiplier
    return out


def linear_margin(study: Study, scenario: Scenario, package: Package, judgment: Judgment,
                  stakeholder: str) -> tuple[float, float]:
    """(c0, c1) such that, all else at its point value, the stakeholder's gain clears its
    reservation exactly when c0 + c1 * x >= 0, x being the judgment's value."""
    profile = profiles(study, scenario)[stakeholder]
    sh = study.stakeholders[stakeholder]
    base = status_quo(study)
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
    raw = {k: c.salience * _shift_product(scenario, stakeholder, k, None) for k, c in sh.concerns.items()}
    A = sum(raw[k] * delta[k] for k in raw if k != d)
    B = sum(raw[k] for k in raw if k != d)
    if judgment.kind == "salience":
        per_unit = _shift_product(scenario, stakeholder, d, None)
    else:  # a multiplier: the rest of the raw weight on d is the salience times the other shifts
        per_unit = sh.concerns[d].salience * _shift_product(scenario, stakeholder, d, judgment.shift)
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
    distance: float | None  # from the plausible range to the interval's nearer end (< 0: crosses)
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
class Sensitivity:
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


def _distance(interval: Interval, low: float, high: float) -> float | None:
    d = min(low - interval[0], interval[1] - high)
    return None if math.isinf(d) else d


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


def stability(study: Study, scenario: Scenario, proposal_id: str, judgment: Judgment) -> Stability:
    """The judgment's flip points, stability intervals and flipped shares for one proposal."""
    package = resolve_proposal(study, proposal_id)
    countries = list(study.proposals[proposal_id].countries)
    point = coalition(study, scenario, package, countries)
    accepts0 = {s: x.accepts for s, x in point.stances.items()}
    dom_lo, dom_hi = DOMAIN[judgment.kind]
    x0, lo, hi = judgment.point, judgment.low, judgment.high

    forms: dict[str, tuple[float, float]] = {}
    rows = []
    for s in judgment.stakeholders:
        stance = point.stances[s]
        c0, c1 = linear_margin(study, scenario, package, judgment, s)
        flip = -c0 / c1 if c1 != 0 else None
        if flip is not None and not dom_lo < flip < dom_hi:
            flip = None
        if stance.breaches or flip is None:
            rows.append(StakeholderStability(s, stance.accepts, bool(stance.breaches), None, (dom_lo, dom_hi),
                                             _distance((dom_lo, dom_hi), lo, hi), 0.0))
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
        rows.append(StakeholderStability(s, stance.accepts, False, flip, interval, _distance(interval, lo, hi), share))

    def outcome(x: float) -> bool:
        pattern = {**accepts0, **{s: c0 + c1 * x >= 0 for s, (c0, c1) in forms.items()}}
        return ratified(study, scenario, package, countries, pattern)

    cuts = sorted({r.flip for r in rows if r.flip is not None and r.stakeholder in forms})
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
    resolve_proposal(study, proposal_id)
    outcome = coalition(study, scenario, study.package(proposal_id), study.proposals[proposal_id].countries).ratified
    found = [stability(study, scenario, proposal_id, j) for j in judgments(study, scenario, ranged_only)]
    return Sensitivity(proposal_id, scenario.id, outcome, tuple(found))


def judgment_by_id(study: Study, scenario: Scenario, judgment_id: str) -> Judgment:
    known = {j.id: j for j in judgments(study, scenario)}
    if judgment_id not in known:
        raise AccordError(f"unknown judgment '{judgment_id}' in scenario '{scenario.id}' "
                          f"(expected an id like {next(iter(known), 'salience:STAKEHOLDER.DIMENSION')})")
    return known[judgment_id]

