"""The study's judgments: the numbers read from qualitative sources (saliences, scenario
multipliers, explicit values, reservations, a party's split between its blocs, threats' costs,
the adjustments of non-additive terms, the credence of a hedged red line, agenda capacities,
delivery probabilities, regard shares) with their plausible ranges, and the study as it would stand
with some of them set otherwise (a world). Shared by `sensitivity` and `sampling`; free of numpy, so
commands that only list or probe judgments start fast."""

from __future__ import annotations

import math
from typing import Literal, NamedTuple

from . import seat_ranges
from .models import Scenario, Study

DEFAULT_SEED = 2001
DEFAULT_SAMPLES = 10_000
DISTRIBUTIONS = ("uniform", "triangular")
JudgmentKind = Literal["salience", "multiplier", "value", "reservation", "seats", "threat", "adjustment", "credence",
                       "capacity", "delivery", "regard"]
KINDS: tuple[JudgmentKind, ...] = ("salience", "multiplier", "value", "reservation", "seats", "threat", "adjustment",
                                   "credence", "capacity", "delivery", "regard")
# Where each kind of judgment can lie: saliences, multipliers, threats' costs and agenda capacities
# are non-negative, values, delivery probabilities and a bloc's share of its party's seats in
# [0, 1], regard shares in [-1, 1]. A credence (the probability a red line is held) ranges over
# [0, 1]; a sampled world draws it held (1) with that probability or not (0).
DOMAIN = {"salience": (0.0, math.inf), "multiplier": (0.0, math.inf), "value": (0.0, 1.0),
          "reservation": (-math.inf, math.inf), "seats": (0.0, 1.0), "threat": (0.0, math.inf),
          "adjustment": (-math.inf, math.inf), "credence": (0.0, 1.0), "capacity": (0.0, math.inf),
          "delivery": (0.0, 1.0), "regard": (-1.0, 1.0)}


class Judgment(NamedTuple):
    """One number read from the sources, with its plausible range (low == high: no range given)."""

    id: str
    kind: JudgmentKind
    point: float
    low: float
    high: float
    stakeholders: tuple[str, ...]  # the present stakeholders whose gain or margin it moves
    dimension: str | None = None
    level: str | None = None
    shift: int | None = None  # multiplier, threat, a scenario's reservation, capacity, delivery or regard: index in its list
    evidence: tuple[str, ...] = ()
    split: seat_ranges.Split | None = None  # seats: the party split whose bloc's share it is
    term: int | None = None  # adjustment or credence: index in the stakeholder's interactions or conditional red lines

    @property
    def ranged(self) -> bool:
        return self.high > self.low


def _bounds(point: float, rng: tuple[float, float] | None) -> tuple[float, float]:
    return (point, point) if rng is None else (float(rng[0]), float(rng[1]))


def judgments(study: Study, scenario: Scenario, ranged_only: bool = False) -> list[Judgment]:
    """The judgments bearing on the stakeholders present in `scenario`, in study order: per
    stakeholder its saliences, its ranged values, its reservation (the scenario's when the
    scenario sets one), its terms' adjustments and the credences below one of its conditional red
    lines, then the scenario's salience multipliers, then each party split's ranged bloc share (its
    stakeholders: the party's blocs present), then the cost of each of its threats that sets one
    (`reversion`; it perturbs the no-deal value of those it hurts). Values without a range are
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
        for i, term in enumerate(sh.interactions):
            out.append(Judgment(f"adjustment:{sh.id}.interactions[{i}]", "adjustment", term.adjustment,
                                *_bounds(term.adjustment, term.adjustment_range), (sh.id,), term=i,
                                evidence=tuple(term.evidence)))
        for i, line in enumerate(sh.conditional_red_lines):
            if line.credence < 1:
                out.append(Judgment(f"credence:{sh.id}.conditional_red_lines[{i}]", "credence", line.credence,
                                    0.0, 1.0, (sh.id,), line.dimension, term=i, evidence=tuple(line.evidence)))
    dims = [s.dimension for s in scenario.salience]
    for i, shift in enumerate(scenario.salience):
        who = tuple(s.id for s in present if shift.dimension in s.concerns
                    and (not shift.stakeholders or s.id in shift.stakeholders))
        name = shift.dimension if dims.count(shift.dimension) == 1 else f"{shift.dimension}[{i}]"
        out.append(Judgment(f"multiplier:{name}", "multiplier", shift.multiplier,
                            *_bounds(shift.multiplier, shift.multiplier_range), who, shift.dimension, shift=i,
                            evidence=tuple(shift.evidence)))
    for sp in seat_ranges.splits(study, scenario):
        out.append(Judgment(f"seats:{sp.chamber}.{sp.bloc}", "seats", sp.point, sp.low, sp.high,
                            tuple(b for b in sp.blocs if b not in scenario.absent), evidence=sp.evidence, split=sp))
    for i, t in enumerate(scenario.threats):
        if t.cost is not None:
            who = tuple(s.id for s in present if s.id in t.hurts)
            out.append(Judgment(f"threat:{t.id}", "threat", t.cost, *_bounds(t.cost, t.cost_range), who, shift=i,
                                evidence=tuple(t.evidence)))
    setters = [a.stakeholder for a in scenario.agenda]
    for i, setter in enumerate(scenario.agenda):  # moves no one's gain: whether a package is tabled
        name = setter.stakeholder if setters.count(setter.stakeholder) == 1 else f"{setter.stakeholder}[{i}]"
        out.append(Judgment(f"capacity:{name}", "capacity", float(setter.capacity),
                            *_bounds(float(setter.capacity), setter.capacity_range), (), shift=i,
                            evidence=tuple(setter.evidence)))
    out += _trust(study, scenario, present)
    regarders = {}
    for r in scenario.regard:
        regarders.setdefault(r.other, []).append(r.stakeholder)
    ids = {s.id for s in present}
    # Those who regard another see what moves its gain over the levels (not its threats or terms).
    out = [_with_regarders(j, regarders, ids) if j.kind in ("salience", "multiplier", "value", "delivery") else j
           for j in out]
    return [j for j in out if j.ranged] if ranged_only else out


def _with_regarders(j: Judgment, regarders: dict[str, list[str]], present: set[str]) -> Judgment:
    """A judgment moving another's own gain moves the gain of whoever regards it too."""
    extra = [s for o in j.stakeholders for s in regarders.get(o, []) if s in present and s not in j.stakeholders]
    return j if not extra else Judgment(j.id, j.kind, j.point, j.low, j.high, (*j.stakeholders, *dict.fromkeys(extra)),
                                        j.dimension, j.level, j.shift, j.evidence)


def _trust(study: Study, scenario: Scenario, present: list) -> list[Judgment]:
    """The scenario's delivery probabilities (credibility) and regard shares."""
    from .credibility import judges
    out = []
    names = [f"{r.country}.{'+'.join(r.dimensions)}" for r in scenario.delivery]
    for i, rec in enumerate(scenario.delivery):
        who = tuple(s for s in judges(study, scenario, i)
                    if any(d in study.stakeholders[s].concerns for d in rec.dimensions))
        name = names[i] if names.count(names[i]) == 1 else f"{names[i]}[{i}]"
        out.append(Judgment(f"delivery:{name}", "delivery", rec.probability, *_bounds(rec.probability, rec.probability_range),
                            who, shift=i, evidence=tuple(rec.evidence)))
    ids = {s.id for s in present}
    for i, rec in enumerate(scenario.regard):
        if rec.stakeholder in ids and rec.other in ids:
            out.append(Judgment(f"regard:{rec.stakeholder}.{rec.other}", "regard", rec.share,
                                *_bounds(rec.share, rec.share_range), (rec.stakeholder,), shift=i,
                                evidence=tuple(rec.evidence)))
    return out


# The judgments a list of records holds, by kind: the list (on the scenario, or on the stakeholder)
# and the field of the record at the judgment's index (`shift` or `term`).
_IN_SCENARIO = {"multiplier": ("salience", "multiplier"), "reservation": ("reservation", "reservation"),
                "threat": ("threats", "cost"), "capacity": ("agenda", "capacity"),
                "delivery": ("delivery", "probability"), "regard": ("regard", "share")}
_IN_STAKEHOLDER = {"adjustment": ("interactions", "adjustment"), "credence": ("conditional_red_lines", "credence")}


def _set(records: list, index: int, field: str, x: float) -> None:
    records[index] = records[index].model_copy(update={field: x})


def apply_world(study: Study, scenario: Scenario, settings: dict[Judgment, float]) -> tuple[Study, Scenario]:
    """The study and scenario with some judgments set to other values (a sampled world, or a
    probe of one judgment); the models are copied, never changed."""
    stakeholders = dict(study.stakeholders)
    lists = {name: list(getattr(scenario, name)) for name, _ in _IN_SCENARIO.values()}
    seat_settings = {j: x for j, x in settings.items() if j.kind == "seats"}
    for j, x in settings.items():
        x = float(x)
        if j.kind == "seats":
            continue
        if j.kind in _IN_SCENARIO and j.shift is not None:  # a stakeholder's own reservation has none
            name, field = _IN_SCENARIO[j.kind]
            _set(lists[name], j.shift, field, x)
            continue
        sh = stakeholders[j.stakeholders[0]]
        if j.kind == "reservation":
            stakeholders[sh.id] = sh.model_copy(update={"reservation": x})
        elif j.kind in _IN_STAKEHOLDER:
            name, field = _IN_STAKEHOLDER[j.kind]
            items = list(getattr(sh, name))
            _set(items, j.term, field, x)
            stakeholders[sh.id] = sh.model_copy(update={name: items})
        else:
            concern = sh.concerns[j.dimension]
            if j.kind == "salience":
                concern = concern.model_copy(update={"salience": x})
            else:
                concern = concern.model_copy(update={"values": {**concern.values, j.level: x}})
            stakeholders[sh.id] = sh.model_copy(update={"concerns": {**sh.concerns, j.dimension: concern}})
    new_scenario = scenario.model_copy(update=lists)
    new_study = study.model_copy(update={"stakeholders": stakeholders})
    for j, x in seat_settings.items():
        new_study, new_scenario = seat_ranges.with_share(new_study, new_scenario, j.split, float(x))
    new_study = new_study.model_copy(update={"scenarios": {**study.scenarios, scenario.id: new_scenario}})
    return new_study, new_scenario
