"""Browsing a study: listings of each kind of item, the detail of any id, a new study copied
from the shipped case, and the JSON Schema of each file kind."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from .errors import AccordError
from .loading import MARKER, shipped_case
from .models import FILE_KINDS, Study
from .render import Table

KINDS = ("proposals", "stakeholders", "dimensions", "scenarios", "evidence", "documents")


def listing(study: Study, kind: str) -> Table:
    """A table of every item of one kind."""
    if kind == "proposals":
        rows = [[p.id, p.title, p.sponsor, p.date.isoformat(), ",".join(p.countries), len(p.provisions())]
                for p in study.proposals.values()]
        return Table("proposals", "Proposals", ["id", "title", "sponsor", "date", "countries", "provisions"], rows)
    if kind == "stakeholders":
        rows = [[s.id, s.name, s.country, s.kind.value, s.influence, ",".join(s.chambers), len(s.concerns)]
                for s in study.stakeholders.values()]
        return Table("stakeholders", "Stakeholders",
                     ["id", "name", "country", "kind", "influence", "chambers", "concerns"], rows)
    if kind == "dimensions":
        rows = [[d.id, d.label, " < ".join(d.level_ids)] for d in study.dimensions.values()]
        return Table("dimensions", "Dimensions (levels from status quo up)", ["id", "label", "levels"], rows)
    if kind == "scenarios":
        rows = [[s.id, s.label, s.year, s.id == study.manifest.default_scenario, len(s.salience), len(s.seats),
                 ",".join(s.absent)] for s in study.scenarios.values()]
        return Table("scenarios", "Scenarios",
                     ["id", "label", "year", "default", "salience shifts", "seat changes", "absent"], rows)
    if kind == "evidence":
        rows = [[e.id, e.place, e.anchor or "", e.note] for e in study.evidence.values()]
        return Table("evidence", "Evidence", ["id", "source", "anchor", "note"], rows)
    if kind == "documents":
        rows = [[d.id, d.author, d.title, d.year, d.kind, d.file] for d in study.documents.values()]
        return Table("documents", "Documents", ["id", "author", "title", "year", "kind", "file"], rows)
    raise AccordError(f"unknown kind '{kind}' (expected one of: {', '.join(KINDS)})")


def _fields(key: str, title: str, obj, skip: tuple[str, ...] = ()) -> Table:
    data = obj.model_dump(mode="json")
    rows = [[k, v if isinstance(v, (str, int, float)) else json.dumps(v)] for k, v in data.items()
            if k not in skip and v not in (None, [], {}, "")]
    return Table(key, title, ["field", "value"], rows, data=data)


def show(study: Study, item_id: str) -> list[Table]:
    """Every item with this id, whatever its kind, as readable tables."""
    tables: list[Table] = []
    if item_id in study.proposals:
        p = study.proposals[item_id]
        tables.append(_fields("proposal", f"Proposal {p.id}", p, skip=("pillars",)))
        rows = [[pillar.name, d, study.dimensions[d].level(prov.level).label, ", ".join(prov.evidence)]
                for pillar in p.pillars for d, prov in pillar.provisions.items()]
        tables.append(Table("provisions", "Pillars and provisions", ["pillar", "dimension", "level", "evidence"], rows,
                            data=[pl.model_dump(mode="json") for pl in p.pillars]))
    if item_id in study.stakeholders:
        s = study.stakeholders[item_id]
        tables.append(_fields("stakeholder", f"Stakeholder {s.id}", s, skip=("concerns",)))
        rows = [[d, c.salience, f"{c.salience_range[0]}-{c.salience_range[1]}" if c.salience_range else "",
                 c.preferred or json.dumps(c.values), ", ".join(c.evidence)] for d, c in s.concerns.items()]
        tables.append(Table("concerns", "Concerns", ["dimension", "salience", "range", "preferred or values",
                                                     "evidence"], rows,
                            data={d: c.model_dump(mode="json") for d, c in s.concerns.items()}))
    if item_id in study.dimensions:
        d = study.dimensions[item_id]
        tables.append(_fields("dimension", f"Dimension {d.id}", d, skip=("levels",)))
        rows = [[lv.id, lv.label, ", ".join(f"{c}:{v.value}" for c, v in lv.authority.items()), lv.description]
                for lv in d.levels]
        tables.append(Table("levels", "Levels (status quo first)", ["level", "label", "authority", "description"],
                            rows, data=[lv.model_dump(mode="json") for lv in d.levels]))
    for key, collection in (("scenario", study.scenarios), ("evidence", study.evidence),
                            ("document", study.documents), ("table", study.tables)):
        if item_id in collection:
            tables.append(_fields(key, f"{key.capitalize()} {item_id}", collection[item_id]))
    if item_id in study.institutions.chambers:
        tables.append(_fields("chamber", f"Chamber {item_id}", study.institutions.chambers[item_id]))
    if item_id in study.institutions.countries:
        tables.append(_fields("country", f"Country {item_id}", study.institutions.countries[item_id]))
    if not tables:
        raise AccordError(f"no proposal, stakeholder, dimension, scenario, evidence, document, table, chamber "
                          f"or country has the id '{item_id}'")
    return tables


CASE_PARTS = (MARKER, "seeds", "criteria", "proposals")


def init_study(dest: str | os.PathLike) -> Path:
    """Copy the shipped case to `dest` as a new study; refuses to overwrite anything."""
    target = Path(dest)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AccordError(f"{target} already exists and is not empty; choose a new folder")
    source = shipped_case()
    inside = [part for part in CASE_PARTS if target.resolve().is_relative_to((source / part).resolve())]
    if inside or target.resolve() == source.resolve():
        raise AccordError(f"{target} lies inside the shipped case it would copy ({source}); choose a folder "
                          "outside it")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(staging, 0o777 & ~mask)  # a folder made by mkdtemp is private (0700); a study is not
        for part in CASE_PARTS:
            src = source / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, staging / part)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


SCHEMA_FILES = {
    "manifest": "accord.toml", "documents": "seeds/documents.toml", "evidence": "seeds/evidence/*.toml",
    "table": "seeds/tables/*.toml", "dimensions": "criteria/dimensions.toml",
    "institutions": "criteria/institutions.toml", "stakeholder": "criteria/stakeholders/*.toml",
    "scenario": "criteria/scenarios/*.toml", "proposal": "proposals/*.toml", "episodes": "seeds/episodes.toml",
}


def schemas() -> dict[str, dict]:
    """JSON Schema of each file kind, keyed by kind, with the files it describes."""
    out = {}
    for kind, model in FILE_KINDS.items():
        schema = model.model_json_schema()
        schema["$comment"] = f"accord {kind} file: {SCHEMA_FILES[kind]}"
        out[kind] = schema
    return out
