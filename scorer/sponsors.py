"""Concessions by country: whose loss `unlock` counts (a country's head of government with
`--by COUNTRY`, any stakeholder with `--sponsor ID`, without editing the proposal), and what each
alternative does to each country's ratifying coalition (the worst gain among the actors its
venue requires, as in `ratification.country_gain`).

JSON: `accord unlock` gains ``"sponsor_by": country | null`` and, per alternative,
``"country_gains": {country: {"before", "after", "change"}}`` (null where no actor is required)."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

from .errors import AccordError
from .models import Study, Venue
from .ratification import country_gain
from .render import Report, Table
from .scoring import resolve_proposal

if TYPE_CHECKING:  # unlock imports PuLP
    from .concessions import Unlock


def sponsor_for(study: Study, country: str | None = None, stakeholder: str | None = None) -> str | None:
    """The stakeholder whose loss counts: `stakeholder`, or the first actor `country`'s executive
    venue requires (its head of government); None when neither is given."""
    if country and stakeholder:
        raise AccordError("give --by COUNTRY or --sponsor ID, not both")
    if stakeholder:
        if stakeholder not in study.stakeholders:
            raise AccordError(f"--sponsor: unknown stakeholder '{stakeholder}' "
                              f"(expected one of: {', '.join(study.stakeholders)})")
        return stakeholder
    if not country:
        return None
    ratifying = [c for c, x in study.institutions.countries.items() if x.ratifies]
    if country not in ratifying:
        raise AccordError(f"--by: '{country}' is not a ratifying country (expected one of: {', '.join(ratifying)})")
    actors = study.institutions.countries[country].venues[Venue.executive].actors
    if not actors:
        raise AccordError(f"--by: no actor is required for an executive act in '{country}'; use --sponsor ID")
    return actors[0]


def _finite(x: float) -> float | None:
    return round(x, 6) if math.isfinite(x) else None


def country_gains(study: Study, u: Unlock) -> list[dict]:
    """Per alternative, each country's ratifying-coalition gain before and after."""
    original = resolve_proposal(study, u.proposal, study.scenarios[u.before.scenario])
    before = {k: country_gain(study, u.before, original, k) for k in u.before.countries}
    out = []
    for a in u.alternatives:
        gains = {}
        for k, b in before.items():
            after = country_gain(study, a.coalition, a.package, k)
            change = after - b if math.isfinite(after) and math.isfinite(b) else math.nan
            gains[k] = {"before": _finite(b), "after": _finite(after), "change": _finite(change)}
        out.append(gains)
    return out


def with_country_gains(study: Study, u: Unlock, report: Report, by: str | None = None) -> Report:
    """The unlock report with each country's coalition gain or loss per alternative (a table and
    JSON keys), and the country whose concessions were asked for."""
    gains = country_gains(study, u)
    data = dict(report.data)
    data["sponsor_by"] = by
    data["alternatives"] = [{**alt, "country_gains": g} for alt, g in zip(data["alternatives"], gains)]
    rows = [[a.rank, k, g["before"], g["after"], g["change"]] for a, per in zip(u.alternatives, gains)
            for k, g in per.items()]
    tables = list(report.tables)
    if rows:
        who = f"{u.sponsor} for {by}" if by else u.sponsor
        tables.insert(1, Table("country_gains", "Each country's ratifying coalition (its worst-off required actor): "
                                                "gain before and after each alternative",
                               ["alternative", "country", "gain before", "gain after", "change"], rows,
                               notes=[f"cost counted for: {who}; empty: no actor is required there"]))
    if by and tables:
        tables[0] = replace(tables[0], title=f"{tables[0].title} — concessions by {by} ({u.sponsor})")
    return Report(tables, data)
