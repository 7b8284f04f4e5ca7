"""What-ifs on judgments: the study and scenario with some judged numbers set otherwise
(`whatif --judge KIND:ID=VALUE`), as copies (pydantic `model_copy`); the models' rules are not
touched. Ids are those `accord sensitivity` and `accord robust` print:

    salience:STAKEHOLDER.DIMENSION      a stakeholder's salience for a dimension
    value:STAKEHOLDER.DIMENSION.LEVEL   its value for a level (a preferred level becomes explicit values)
    reservation:STAKEHOLDER             its reservation margin (the scenario's, when the scenario sets one)
    multiplier:DIMENSION                a scenario's salience multiplier (DIMENSION[i] when it has several)
    seats:CHAMBER.BLOC                  a ranged party split: the bloc's share of its party's seats
    threat:ID                           the cost of a scenario's threat to those it hurts
    seat:CHAMBER.BLOC                   a bloc's share of seats; the other blocs keep their proportions
    capacity:STAKEHOLDER                an agenda setter's capacity (STAKEHOLDER[i] when it sets several)
    delivery:COUNTRY.DIMENSIONS         a scenario's delivery probability (credibility)
    regard:STAKEHOLDER.OTHER            a scenario's regard share
    adjustment:STAKEHOLDER.interactions[i]              a non-additive term's adjustment
    credence:STAKEHOLDER.conditional_red_lines[i]       a hedged red line's credence (0 drops it)"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import NamedTuple

from .compiled import compiled, level_values
from .analysis import WhatIf, whatif
from .errors import AccordError
from .judgments import DOMAIN, KINDS as RANGED, Judgment, apply_world, judgments
from .models import Scenario, SeatShares, Study
from .ratification import coalition
from .render import Report, Table
from .reports import whatif_report
from .scoring import resolve_proposal

KINDS = (*RANGED, "seat")  # every ranged judgment, and a bloc's share of its chamber
SEAT_DOMAIN = (0.0, 1.0)


class Judged(NamedTuple):
    """One judgment set to a new value."""

    id: str
    before: float
    after: float


def parse(items: list[str]) -> list[tuple[str, float]]:
    """'KIND:ID=VALUE' strings (or comma-separated lists of them) as (KIND:ID, value)."""
    out = []
    for item in (p.strip() for text in items for p in text.split(",") if p.strip()):
        name, sep, number = item.partition("=")
        kind = name.partition(":")[0]
        if not sep or ":" not in name:
            raise AccordError(f"--judge: expected KIND:ID=VALUE, found '{item}'")
        if kind not in KINDS:
            raise AccordError(f"--judge: unknown kind '{kind}' in '{item}' (expected one of: {', '.join(KINDS)})")
        try:
            value = float(number)
        except ValueError:
            raise AccordError(f"--judge: '{number}' in '{item}' is not a number") from None
        if not math.isfinite(value):
            raise AccordError(f"--judge: '{number}' in '{item}' is not a finite number")
        out.append((name.strip(), value))
    return out


def _in_domain(name: str, kind: str, value: float) -> None:
    low, high = SEAT_DOMAIN if kind == "seat" else DOMAIN[kind]
    if not low <= value <= high:
        raise AccordError(f"--judge: {name}={value} lies outside [{low}, {high}]")


def _explicit_values(study: Study, stakeholder: str, dimension: str) -> Study:
    """The study with the stakeholder's values on `dimension` written out level by level."""
    sh = study.stakeholders[stakeholder]
    concern = sh.concerns[dimension]
    if concern.values is not None:
        return study
    values = level_values(study.dimensions[dimension], concern.values, concern.preferred)
    concern = concern.model_copy(update={"values": values, "preferred": None})
    sh = sh.model_copy(update={"concerns": {**sh.concerns, dimension: concern}})
    return study.model_copy(update={"stakeholders": {**study.stakeholders, stakeholder: sh}})


def _value_judgment(study: Study, scenario: Scenario, name: str) -> Judgment:
    who, _, rest = name.partition(":")[2].partition(".")
    dimension, _, level = rest.partition(".")
    sh = study.stakeholders.get(who)
    if sh is None or dimension not in sh.concerns or level not in study.dimensions[dimension].level_ids:
        raise AccordError(f"--judge: no judgment '{name}' (value:STAKEHOLDER.DIMENSION.LEVEL, for a dimension "
                          "the stakeholder has a concern on)")
    if who in scenario.absent:
        raise AccordError(f"--judge: '{who}' is absent in scenario '{scenario.id}'")
    point = level_values(study.dimensions[dimension], sh.concerns[dimension].values, sh.concerns[dimension].preferred)[level]
    return Judgment(name, "value", point, point, point, (who,), dimension, level)


def _set_seat(study: Study, scenario: Scenario, name: str, share: float) -> tuple[Scenario, float]:
    chamber, _, bloc = name.partition(":")[2].partition(".")
    if chamber not in study.institutions.chambers:
        raise AccordError(f"--judge: unknown chamber '{chamber}' in '{name}' "
                          f"(expected one of: {', '.join(study.institutions.chambers)})")
    seats = dict(compiled(study, scenario).seats[chamber])
    if bloc not in seats:
        raise AccordError(f"--judge: '{bloc}' holds no seats in {chamber} (expected one of: {', '.join(seats)})")
    before, rest = seats[bloc], sum(v for b, v in seats.items() if b != bloc)
    scale = (sum(seats.values()) - share) / rest if rest > 0 else 0.0
    if scale < 0:
        raise AccordError(f"--judge: {name}={share} exceeds the chamber's seats")
    shares = {b: (share if b == bloc else v * scale) for b, v in seats.items()}
    old = scenario.seats.get(chamber)
    new = old.model_copy(update={"shares": shares}) if old is not None else SeatShares(shares=shares)
    return scenario.model_copy(update={"seats": {**scenario.seats, chamber: new}}), before


def judged(study: Study, scenario: Scenario, settings: list[tuple[str, float]]) -> tuple[Study, Scenario, list[Judged]]:
    """The study and scenario with each judgment set to its value, and what changed."""
    known = {j.id: j for j in judgments(study, scenario)}
    changes: list[Judged] = []
    for name, value in settings:
        kind = name.partition(":")[0]
        _in_domain(name, kind, value)
        if kind == "seat":
            scenario, before = _set_seat(study, scenario, name, value)
            study = study.model_copy(update={"scenarios": {**study.scenarios, scenario.id: scenario}})
        else:
            j = known.get(name) or (_value_judgment(study, scenario, name) if kind == "value" else None)
            if j is None:
                close = [k for k in known if k.startswith(kind + ":")][:8]
                raise AccordError(f"--judge: no judgment '{name}' in scenario '{scenario.id}' "
                                  f"(for example: {', '.join(close)}; accord sensitivity lists them)")
            if kind == "value":
                study = _explicit_values(study, j.stakeholders[0], j.dimension)
            before = j.point
            study, scenario = apply_world(study, scenario, {j: value})
            known = {x.id: x for x in judgments(study, scenario)}
        changes.append(Judged(name, before, value))
    return study, scenario, changes


def whatif_judged(study: Study, scenario: Scenario, proposal: str, levels: dict[str, str],
                  settings: list[tuple[str, float]]) -> tuple[WhatIf, list[Judged]]:
    """The proposal with some levels and judgments changed, against the original as judged."""
    new_study, new_scenario, changes = judged(study, scenario, settings)
    w = whatif(new_study, new_scenario, proposal, levels)
    before = coalition(study, scenario, resolve_proposal(study, proposal, scenario), study.proposals[proposal].countries)
    return replace(w, before=before), changes


def judged_report(w: WhatIf, changes: list[Judged]) -> Report:
    """`whatif`'s report with the judgments changed (a table and the JSON key "judgments")."""
    report = whatif_report(w)
    rows = [[c.id, c.before, c.after] for c in changes]
    table = Table("judgments", f"Judgments changed for {w.proposal}", ["judgment", "from", "to"], rows)
    data = {**report.data, "judgments": {c.id: {"from": round(c.before, 6), "to": c.after} for c in changes}}
    return Report([report.tables[0], table, *report.tables[1:]], data)
