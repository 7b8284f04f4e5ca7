"""Where each number `explain` uses comes from: the stakeholder's file, a scenario's override, or
the model's mechanism (normalisation, single-peaked values, a default), with file and line, so
an analyst editing a file knows whether the edit can change anything (a stakeholder's
reservation is moot when the scenario overrides it).

JSON: `accord explain` gains ``"sources": [{"number", "value", "source", "file", "line", "note"}]``."""

from __future__ import annotations

from typing import NamedTuple

from .compiled import compiled, level_values
from .loading import Locator
from .models import Scenario, Study
from .render import Table
from .scoring import profiles, resolve_proposal

STAKEHOLDER_FILE = "stakeholder file"
SCENARIO = "scenario override"
MECHANISM = "mechanism"


class Source(NamedTuple):
    number: str
    value: float
    source: str
    file: str | None
    line: int | None
    note: str = ""

    def as_dict(self) -> dict:
        return {"number": self.number, "value": round(self.value, 6), "source": self.source, "file": self.file,
                "line": self.line, "note": self.note}


def _at(locator: Locator, kind: str, item: str, path: tuple) -> tuple[str, int | None]:
    source, base = locator.files[(kind, item)]
    return source.rel, source.index.line_of(base + path) if path else None


def sources(study: Study, locator: Locator, scenario: Scenario, proposal: str, stakeholder: str) -> list[Source]:
    """The numbers behind one stakeholder's verdict on one proposal, each with where it is set."""
    sh = study.stakeholders[stakeholder]
    profile = profiles(study, scenario)[stakeholder]
    package, base = resolve_proposal(study, proposal), compiled(study, scenario).status_quo  # the no-deal point
    out: list[Source] = []

    def located(kind: str, item: str, path: tuple) -> tuple[str, int | None]:
        file, line = _at(locator, kind, item, path)
        # A key left unwritten falls back to its table's line; only an exact key counts as set.
        exact = locator.files[(kind, item)][0].index.lines.get(locator.files[(kind, item)][1] + path)
        return file, exact if exact is not None else line

    for d, concern in sh.concerns.items():
        out.append(Source(f"salience {d}", concern.salience, STAKEHOLDER_FILE,
                          *located("stakeholder", stakeholder, ("concerns", d, "salience"))))
        for i, shift in enumerate(scenario.salience):
            if shift.dimension == d and (not shift.stakeholders or stakeholder in shift.stakeholders):
                who = "this stakeholder" if shift.stakeholders else "every stakeholder"
                out.append(Source(f"multiplier {d}", shift.multiplier, SCENARIO,
                                  *located("scenario", scenario.id, ("salience", i, "multiplier")),
                                  f"multiplies the salience of {who}"))
        out.append(Source(f"weight {d}", profile.weights[d], MECHANISM, None, None,
                          "salience normalised over the stakeholder's concerns, times the scenario's multipliers"))
        values = level_values(study.dimensions[d], concern.values, concern.preferred)
        for level in dict.fromkeys((base[d], package[d])):
            if concern.values is not None:
                out.append(Source(f"value {d}.{level}", values[level], STAKEHOLDER_FILE,
                                  *located("stakeholder", stakeholder, ("concerns", d, "values", level))))
            else:
                out.append(Source(f"value {d}.{level}", values[level], MECHANISM,
                                  *located("stakeholder", stakeholder, ("concerns", d, "preferred")),
                                  f"single-peaked: 1 at the preferred level {concern.preferred}, falling "
                                  "linearly with distance"))
    override = [i for i, r in enumerate(scenario.reservation) if r.stakeholder == stakeholder]
    own_file, own_line = located("stakeholder", stakeholder, ("reservation",))
    written = locator.files[("stakeholder", stakeholder)][0].index.lines.get(("reservation",)) is not None
    if override:
        i = override[-1]
        out.append(Source("reservation", scenario.reservation[i].reservation, SCENARIO,
                          *located("scenario", scenario.id, ("reservation", i, "reservation")),
                          f"replaces the stakeholder file's {sh.reservation:+.3f}"
                          + (f" ({own_file}:{own_line}), so editing that has no effect here" if written else "")))
    elif written:
        out.append(Source("reservation", sh.reservation, STAKEHOLDER_FILE, own_file, own_line))
    else:
        out.append(Source("reservation", sh.reservation, MECHANISM, own_file, None,
                          "not set in the stakeholder file: the model's default"))
    return out


def sources_table(found: list[Source]) -> Table:
    rows = [[s.number, s.value, s.source, s.file or "", s.line, s.note] for s in found]
    return Table("sources", "Where each number comes from", ["number", "value", "source", "file", "line", "note"],
                 rows, data=[s.as_dict() for s in found])
