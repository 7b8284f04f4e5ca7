"""A table as records for the formats tools read (CSV, JSON lines): one table per file, keys in
snake_case, booleans true/false and empty cells empty ("" in CSV, null in JSON) in every format.

A table whose JSON payload is a list of flat records (the matrix, validate's problems) gives those
records, so its CSV holds exactly its JSON; any other table gives its display rows under its
headers in snake_case, with numbers unrounded to six places."""

from __future__ import annotations

import io
import math
import re

from .render import Gain, Table

EMPTY = ("", "-")  # display cells that mean "nothing here"


def snake(header: object) -> str:
    """'venue and result by country' -> 'venue_and_result_by_country'."""
    return re.sub(r"[^0-9a-zA-Z]+", "_", str(header).replace("%", " pct ")).strip("_").lower()


def keys(headers: list) -> list[str]:
    """Unique snake_case keys: an empty header is named by its position ('column_1'); a header
    that repeats takes the key before it as prefix ('rank_1_calc')."""
    names = [snake(h) or f"column_{j + 1}" for j, h in enumerate(headers)]
    out: list[str] = []
    for j, key in enumerate(names):
        if names.count(key) > 1 and j:
            key = f"{out[-1]}_{key}"
        while key in out:
            key += "_2"
        out.append(key)
    return out


def value(cell: object) -> object:
    """A display cell as a machine value: a gain's number, None for an empty cell."""
    if isinstance(cell, Gain):
        return round(cell.value, 6)
    if cell is None or (isinstance(cell, str) and cell.strip() in EMPTY):
        return None
    if isinstance(cell, float):
        return round(cell, 6) if math.isfinite(cell) else None
    return cell


def _flat(payload: object) -> bool:
    return (isinstance(payload, list) and bool(payload) and all(isinstance(r, dict) for r in payload)
            and all(not isinstance(v, (dict, list)) for r in payload for v in r.values()))


def records(table: Table) -> list[dict]:
    """The table's records (see the module docstring)."""
    if _flat(table.data):
        return [{k: value(v) for k, v in r.items()} for r in table.data]
    names = keys(table.headers)
    return [dict(zip(names, (value(v) for v in row))) for row in table.rows]


def columns(table: Table) -> list[str]:
    """The keys of the table's records."""
    if _flat(table.data):
        return list(table.data[0])
    return keys(table.headers)


def _csv_cell(v: object) -> object:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else v


def to_csv(table: Table) -> str:
    import csv  # noqa: PLC0415  (for this format alone: a start-up cost)

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns(table))
    writer.writerows([[_csv_cell(v) for v in r.values()] for r in records(table)])
    return buf.getvalue()


def to_jsonl(table: Table) -> str:
    import json  # noqa: PLC0415  (for this format alone: a start-up cost)

    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(table))
