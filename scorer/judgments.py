"""The study's judgments: the numbers read from qualitative sources (saliences, scenario
multipliers, explicit values, reservations, delivery probabilities, regard shares) with their plausible ranges, and the study as it
would stand with some of them set otherwise (a world). Shared by `sensitivity` and `sampling`;
free of numpy, so commands that only list or probe judgments start fast."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from .models import Scenario, Study

DEFAULT_SEED = 2001
DEFAULT_SAMPLES = 10_000
DISTRIBUTIONS = ("uniform", "triangular")
JudgmentKind = Literal["salience", "multiplier", "value", "reservation", "delivery", "regard"]
KINDS: tuple[JudgmentKind, ...] = ("salience", "multiplier", "value", "reservation", "delivery", "regard")
# Where each kind of judgment can lie: saliences and multipliers are non-negative, values and
# delivery probabilities in [0, 1], regard shares in [-1, 1].
DOMAIN = {"salience": (0.0, math.inf), "multiplier": (0.0, math.inf), "value": (0.0, 1.0),
          "reservation": (-math.inf, math.inf), "delivery": (0.0, 1.0), "regard": (-1.0, 1.0)}


@dataclass(frozen=True)
class Judgment:
    """One number read from the sources, with its plausible range (low == high: no range given)."""

    id: str
    kind: JudgmentKind
    point: float
    low: float
    high: float
    stakeholders: tuple[str, ...]  # the present stakeholders whose gain or margin it moves
    dimension: str | None = None
    level: str | None = None
    shift: int | None = None  # multiplier, a scenario's reservation, delivery or regard: index in the scenario's list
    evidence: tuple[str, ...] = ()

    @property
    def ranged(self) -> bool:
        return self.high > self.low


def _bounds(point: float, rng: tuple[float, float] | None) -> tuple[float, float]:
    return (point, point) if rng is None else (float(rng[0]), float(rng[1]))


def judgments(study: Study, scenario: Scenario, ranged_only: bool = False) -> list[Judgment]:
    """The judgments bearing on the stakeholders present in `scenario`, in study order: per
    stakeholder its saliences, its ranged values and its reservation (the scenario's when
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
    out += _trust(study, scenario, present)
    regarders = {}
    for r in scenario.regard:
        regarders.setdefault(r.other, []).append(r.stakeholder)
    ids = {s.id for s in present}
    out = [j if j.kind in ("regard", "reservation") else _with_regarders(j, regarders, ids) for j in out]
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


def apply_world(study: Study, scenario: Scenario, settings: dict[Judgment, float]) -> tuple[Study, Scenario]:
    """The study and scenario with some judgments set to other values (a sampled world, or a
    probe of one judgment); the models are copied, never changed."""
    stakeholders = dict(study.stakeholders)
    salience, margins = list(scenario.salience), list(scenario.reservation)
    delivery, regard = list(scenario.delivery), list(scenario.regard)
    for j, x in settings.items():
        x = float(x)
        if j.kind == "delivery":
            delivery[j.shift] = delivery[j.shift].model_copy(update={"probability": x})
        elif j.kind == "regard":
            regard[j.shift] = regard[j.shift].model_copy(update={"share": x})
        elif j.kind == "multiplier":
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
    new_scenario = scenario.model_copy(update={"salience": salience, "reservation": margins,
                                               "delivery": delivery, "regard": regard})
    new_study = study.model_copy(update={"stakeholders": stakeholders,
                                         "scenarios": {**study.scenarios, scenario.id: new_scenario}})
    return new_study, new_scenario
