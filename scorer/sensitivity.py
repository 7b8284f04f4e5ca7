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
                                      "distance": d|null,   # from the range to the flip point;
                                                            # negative: the range crosses it
                                      "share": float}]}],  # share of the range where acceptance differs
     "tornado": [judgment id, ...]}   # judgments whose range crosses a flip point, most decisive first
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .judgments import DOMAIN, Judgment, judgments
from .models import Scenario, Study
from .notebook import Tabular
from .ratification import Coalition, coalition, ratified
from .render import Report, Table
from .scoring import Package, Profile, profiles, resolve_proposal, salience_multipliers, status_quo


# --- the closed form ------------------------------------------------------------------------


def linear_margin(study: Study, scenario: Scenario, package: Package, judgment: Judgment, stakeholder: str,
                  profile: Profile | None = None) -> tuple[float, float]:
    """(c0, c1) such that, all else at its point value, the stakeholder's gain clears its
    reservation exactly when c0 + c1 * x >= 0, x being the judgment's value."""
    profile = profile or profiles(study, scenario)[stakeholder]
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
    shifts = salience_multipliers(scenario, stakeholder)
    raw = {k: c.salience * shifts.get(k, 1.0) for k, c in sh.concerns.items()}
    A = sum(raw[k] * delta[k] for k in raw if k != d)
    B = sum(raw[k] for k in raw if k != d)
    if judgment.kind == "salience":
        per_unit = shifts.get(d, 1.0)
    else:  # a multiplier: the rest of the raw weight on d is the salience times the other shifts
        per_unit = sh.concerns[d].salience * salience_multipliers(scenario, stakeholder, {judgment.shift}).get(d, 1.0)
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
    profiles: dict[str, Profile]
    outcomes: dict[frozenset[str], bool] = field(default_factory=dict)  # ratified, by who accepts

    def ratified(self, study: Study, scenario: Scenario, accepts: dict[str, bool]) -> bool:
        key = frozenset(s for s, yes in accepts.items() if yes)
        if key not in self.outcomes:
            self.outcomes[key] = ratified(study, scenario, self.package, self.countries, accepts)
        return self.outcomes[key]


def _point(study: Study, scenario: Scenario, proposal_id: str) -> _Point:
    package = resolve_proposal(study, proposal_id)
    countries = list(study.proposals[proposal_id].countries)
    return _Point(package, countries, coalition(study, scenario, package, countries), profiles(study, scenario))


def stability(study: Study, scenario: Scenario, proposal_id: str, judgment: Judgment,
              at: _Point | None = None) -> Stability:
    """The judgment's flip points, stability intervals and flipped shares for one proposal."""
    at = at or _point(study, scenario, proposal_id)
    package, point = at.package, at.coalition
    accepts0 = {s: x.accepts for s, x in point.stances.items()}
    dom_lo, dom_hi = DOMAIN[judgment.kind]
    x0, lo, hi = judgment.point, judgment.low, judgment.high

    forms: dict[str, tuple[float, float]] = {}
    rows = []
    for s in judgment.stakeholders:
        stance = point.stances[s]
        c0, c1 = linear_margin(study, scenario, package, judgment, s, at.profiles[s])
        flip = -c0 / c1 if c1 != 0 else None
        if flip is not None and not dom_lo < flip < dom_hi:
            flip = None
        if stance.breaches or flip is None:
            rows.append(StakeholderStability(s, stance.accepts, bool(stance.breaches), None, (dom_lo, dom_hi), None, 0.0))
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
        return at.ratified(study, scenario, {**accepts0, **{s: c0 + c1 * x >= 0 for s, (c0, c1) in forms.items()}})

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
    at = _point(study, scenario, proposal_id)
    found = [stability(study, scenario, proposal_id, j, at) for j in judgments(study, scenario, ranged_only)]
    return Sensitivity(proposal_id, scenario.id, at.coalition.ratified, tuple(found))


# --- reports --------------------------------------------------------------------------------


def _num(x: float | None) -> float | None:
    return None if x is None or math.isinf(x) else round(x, 6)


def _interval_text(iv: Interval) -> str:
    lo = "-inf" if math.isinf(iv[0]) else f"{iv[0]:.3f}"
    hi = "inf" if math.isinf(iv[1]) else f"{iv[1]:.3f}"
    return f"[{lo}, {hi}]"


def _bar(st: Stability, width: int = 20) -> str:
    """The share of the range over which ratification (#) or, failing that, acceptance (+) differs."""
    rat, acc = st.decisiveness
    return ("#" * round(rat * width) if rat > 0 else "+" * round(acc * width)).ljust(width)


def _flips_text(st: Stability) -> str:
    """Who flips inside the plausible range, and where: 'mx_president rejects above 0.180'."""
    out = []
    for s in st.stakeholders:
        if s.share > 0 and s.flip is not None:
            side = "below" if s.interval[0] == s.flip else "above"
            out.append(f"{s.stakeholder} {'rejects' if s.accepts else 'accepts'} {side} {s.flip:.3f}")
    return "; ".join(out)


def decisive(sens: Sensitivity, n: int = 3) -> list[str]:
    """The n most decisive judgments, as 'id (share of range where ratification differs)'."""
    return [f"{st.judgment.id} ({st.decisiveness[0]:.0%})" for st in sens.tornado[:n] if st.decisiveness[0] > 0]


def sensitivity_json(sens: Sensitivity) -> dict:
    def interval(iv: Interval) -> list[float | None]:
        return [_num(iv[0]), _num(iv[1])]

    return {
        "proposal": sens.proposal, "scenario": sens.scenario, "ratified": sens.ratified,
        "judgments": [{
            "id": st.judgment.id, "kind": st.judgment.kind, "dimension": st.judgment.dimension,
            "level": st.judgment.level, "point": st.judgment.point, "low": st.judgment.low, "high": st.judgment.high,
            "ratification_interval": interval(st.ratification_interval),
            "ratification_flips": [_num(x) for x in st.ratification_flips],
            "ratification_share": round(st.ratification_share, 6),
            "stakeholders": [{"id": s.stakeholder, "accepts": s.accepts, "red_line": s.red_line, "flip": _num(s.flip),
                              "interval": interval(s.interval), "distance": _num(s.distance),
                              "share": round(s.share, 6)} for s in st.stakeholders],
        } for st in sens.stabilities],
        "tornado": [st.judgment.id for st in sens.tornado],
    }


def sensitivity_report(sens: Sensitivity, top: int = 20) -> Report:
    """The tornado of crossing judgments, then the stability of each judgment for each
    stakeholder, nearest to flipping first (`top` rows shown; 0: all; the JSON has all)."""
    verdict = "ratified" if sens.ratified else "not ratified"
    tornado = [[st.judgment.id, st.judgment.point, _interval_text((st.judgment.low, st.judgment.high)),
                _flips_text(st), ", ".join(f"{x:.3f}" for x in st.ratification_flips
                                           if st.judgment.low < x < st.judgment.high),
                st.ratification_share, st.decisiveness[1], _bar(st)] for st in sens.tornado]
    rows = [(s.distance if s.distance is not None else math.inf, st.judgment.id, s.stakeholder, st, s)
            for st in sens.stabilities for s in st.stakeholders]
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    shown = rows if top <= 0 else rows[:top]
    stability_rows = [[s.stakeholder, st.judgment.id, st.judgment.point,
                       _interval_text((st.judgment.low, st.judgment.high)),
                       "red line" if s.red_line else s.accepts, s.flip, _interval_text(s.interval), s.distance,
                       _interval_text(st.ratification_interval)] for _, _, _, st, s in shown]
    notes = [f"showing {len(shown)} of {len(rows)}; --top 0 shows all"] if len(shown) < len(rows) else []
    return Report([
        Table("tornado", f"{sens.proposal} in {sens.scenario} ({verdict} at the point reading): judgments whose "
              "plausible range crosses a flip point, most decisive first",
              ["judgment", "point", "range", "flips within the range", "ratification flips at",
               "ratification differs", "acceptance differs", "share of range (#: ratification, +: acceptance)"],
              tornado, notes=[] if tornado else ["no judgment's range crosses a flip point: the verdict holds "
                                                 "across every plausible reading taken one at a time"]),
        Table("stability", "Stability intervals (all else at its point value), nearest to flipping first",
              ["stakeholder", "judgment", "point", "range", "accepts", "flip at", "acceptance holds in",
               "distance", "ratification holds in"], stability_rows,
              notes=notes + ["distance: from the plausible range to the flip point; negative when the range "
                             "crosses it"]),
    ], sensitivity_json(sens))
