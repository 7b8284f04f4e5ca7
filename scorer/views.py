"""Narrowing a result before it is rendered, the same way in every format: to some proposals,
stakeholders or countries (`--proposals`, `--stakeholders`, `--country`), to one of a report's
tables (`--table`), to some columns (`--columns`).

A filter drops every row whose proposal, stakeholder, id, blocker, country or chamber cell names
an item left out (a chamber counts as its country's), every column headed by such an item (the
matrix's proposal columns), and in the JSON every record, and every mapping entry, keyed by one.
Tables are re-titled with the study and scenario they come from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

from .errors import AccordError
from .models import Study
from .records import columns as record_columns, keys, records
from .render import Report, Table

KEY_COLUMNS = ("proposal", "stakeholder", "id", "blocker", "country", "chamber")


class Selection(NamedTuple):
    """The items kept (None: all of that kind), and every id of each kind in the study."""

    proposals: frozenset[str] | None
    stakeholders: frozenset[str] | None
    countries: frozenset[str] | None
    known: dict[str, frozenset[str]]
    chamber_country: dict[str, str]

    @property
    def empty(self) -> bool:
        return self.proposals is None and self.stakeholders is None and self.countries is None

    def keeps(self, item: object) -> bool:
        """False when `item` is the id of a proposal, stakeholder or country left out."""
        if not isinstance(item, str):
            return True
        for kind, kept in (("proposals", self.proposals), ("stakeholders", self.stakeholders),
                           ("countries", self.countries)):
            if kept is not None and item in self.known[kind] and item not in kept:
                return False
        if self.countries is not None and item in self.chamber_country:
            return self.chamber_country[item] in self.countries
        return True


def _ids(flag: str, given: Iterable[str] | None, known: Iterable[str]) -> frozenset[str] | None:
    items = [x.strip() for text in given or [] for x in text.split(",") if x.strip()]
    if not items:
        return None
    known = list(known)
    unknown = [x for x in items if x not in known]
    if unknown:
        raise AccordError(f"{flag}: unknown id '{unknown[0]}' (expected one of: {', '.join(known)})")
    return frozenset(items)


def selection(study: Study, proposals: Iterable[str] | None = None, stakeholders: Iterable[str] | None = None,
              countries: Iterable[str] | None = None) -> Selection:
    """The selection the options name, checked against the study; `--country` also keeps only the
    stakeholders of those countries."""
    known_countries = dict.fromkeys([*study.institutions.countries, *(s.country for s in study.stakeholders.values())])
    picked_countries = _ids("--country", countries, known_countries)
    picked_stakeholders = _ids("--stakeholders", stakeholders, study.stakeholders)
    if picked_countries is not None:
        of_country = {s.id for s in study.stakeholders.values() if s.country in picked_countries}
        picked_stakeholders = frozenset(of_country if picked_stakeholders is None else picked_stakeholders & of_country)
    return Selection(_ids("--proposals", proposals, study.proposals), picked_stakeholders, picked_countries,
                     {"proposals": frozenset(study.proposals), "stakeholders": frozenset(study.stakeholders),
                      "countries": frozenset(known_countries)},
                     {c: x.country for c, x in study.institutions.chambers.items()})


def _drop_columns(t: Table, keep: list[int]) -> Table:
    heat = [keep.index(j) for j in t.heat if j in keep]
    return replace(t, headers=[t.headers[j] for j in keep], rows=[[row[j] for j in keep] for row in t.rows],
                   heat=heat)


def filter_table(t: Table, sel: Selection) -> Table:
    names = keys(t.headers)
    key_cols = [j for j, k in enumerate(names) if k in KEY_COLUMNS]
    rows = [row for row in t.rows if all(sel.keeps(row[j]) for j in key_cols)]
    data = filter_json(t.data, sel) if t.data is not None else None
    out = replace(t, rows=rows, data=data)
    return _drop_columns(out, [j for j, h in enumerate(t.headers) if sel.keeps(h)])


def filter_json(value: object, sel: Selection) -> object:
    """The JSON without the records and mapping entries keyed by an item left out."""
    if isinstance(value, dict):
        return {k: filter_json(v, sel) for k, v in value.items() if sel.keeps(k)}
    if isinstance(value, list):
        return [filter_json(v, sel) for v in value
                if not (isinstance(v, dict) and not all(sel.keeps(v.get(k)) for k in KEY_COLUMNS))]
    return value


def tables_of(result: Table | list[Table] | Report) -> list[Table]:
    if isinstance(result, Report):
        return list(result.tables)
    return [result] if isinstance(result, Table) else list(result)


def narrow(result: Table | list[Table] | Report, sel: Selection | None) -> Table | list[Table] | Report:
    if sel is None or sel.empty:
        return result
    tables = [filter_table(t, sel) for t in tables_of(result)]
    if isinstance(result, Report):
        return Report(tables, filter_json(result.data, sel))
    return tables[0] if isinstance(result, Table) else tables


def pick_table(result: Table | list[Table] | Report, name: str) -> Table:
    """One of the result's tables by key (AccordError naming the others when there is none)."""
    tables = tables_of(result)
    for t in tables:
        if t.key == name:
            return t
    raise AccordError(f"--table: no table '{name}' here (expected one of: {', '.join(t.key for t in tables)})")


def pick_columns(tables: list[Table], wanted: list[str]) -> list[Table]:
    """The tables cut to the `wanted` columns (snake_case keys, in that order); a table holding
    none of them is left out. Records of flat-data tables are cut the same way."""
    out, found = [], set()
    for t in tables:
        display = keys(t.headers)
        data_keys = record_columns(t)
        here = [c for c in wanted if c in display]
        found |= set(here) | {c for c in wanted if c in data_keys}
        if not here and not any(c in data_keys for c in wanted):
            continue
        cut = _drop_columns(t, [display.index(c) for c in here]) if here else replace(t, headers=[], rows=[])
        data = [{c: r[c] for c in wanted if c in r} for r in records(t)]
        out.append(replace(cut, data=data))
    missing = [c for c in wanted if c not in found]
    if missing:
        available = sorted({c for t in tables for c in keys(t.headers) + record_columns(t)})
        raise AccordError(f"--columns: no column '{missing[0]}' (expected some of: {', '.join(available)})")
    return out


def titled(tables: list[Table], context: str) -> list[Table]:
    """The tables with `context` (the study and scenario) added to each title."""
    return [replace(t, title=f"{t.title} [{context}]" if t.title else f"[{context}]") for t in tables]
