"""Rendering result tables in the formats analysts paste into memos, and writing them atomically.

A `Table` carries display rows (for terminal, markdown, csv, html, latex) and a JSON payload (the
stable machine contract); renderers never compute anything."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace


from . import escaping, fit
from .writing import write_text

FORMATS = ("terminal", "markdown", "csv", "json", "jsonl", "html", "latex")
MACHINE_FORMATS = ("csv", "jsonl")  # one table each


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    data: object = None
    notes: list[str] = field(default_factory=list)
    heat: list[int] = field(default_factory=list)  # columns to colour-scale in HTML
    figure: str | None = None  # markup (an inline SVG chart) the HTML renderer places after the table

    def payload(self) -> object:
        """The JSON of the table: its data, else its records (snake_case keys)."""
        if self.data is not None:
            return self.data
        from .records import records  # noqa: PLC0415  (records builds on this module)

        return records(self)


@dataclass(frozen=True)
class Gain:
    """A gain shown with its acceptance mark; HTML colours it by value."""

    value: float
    accepts: bool

    def __str__(self) -> str:
        return f"{self.value:+.3f} {'✓' if self.accepts else '✗'}"


def _number(value: object) -> float | None:
    if isinstance(value, Gain):
        return value.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


@dataclass
class Report:
    """Several tables that share one JSON object (the command's machine contract)."""

    tables: list[Table]
    data: object


def _cell(value: object) -> object:
    if isinstance(value, Gain):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value == "-":
        return ""
    return value


def _display_rows(table: Table) -> list[list]:
    return [[_cell(v) for v in row] for row in table.rows]


def _finite(value: object) -> object:
    """`value` with every NaN or infinity replaced by None: JSON has no token for them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def to_json(value: object) -> str:
    """Strict JSON (a non-finite number is written as null, never NaN or Infinity)."""
    import json  # noqa: PLC0415  (for the JSON formats alone: a start-up cost)

    return json.dumps(_finite(value), indent=2, ensure_ascii=False, sort_keys=False, allow_nan=False) + "\n"


def _grid(t: Table, tablefmt: str, width: int | None) -> str:
    """The table drawn by tabulate; within `width` characters if given (see `fit`)."""
    from tabulate import tabulate  # noqa: PLC0415  (imported by the text formats only: a start-up cost)

    headers, rows = [str(h) for h in t.headers], [[str(c) for c in row] for row in _display_rows(t)]
    if width is None or not rows:
        return tabulate(rows, headers=headers, tablefmt=tablefmt, disable_numparse=True)
    blocks = fit.plan(headers, rows, width)
    parts = []
    for i, block in enumerate(blocks):
        heads, body = fit.layout(headers, rows, block)
        keys = ", ".join(headers[j] or f"column {j + 1}" for j in block.columns[:block.keys])
        label = [fit.wrap(f"[columns {block.columns[block.keys] + 1}-{block.columns[-1] + 1} of {len(headers)}, "
                          f"with {keys}]", width)] if len(blocks) > 1 else []
        parts.append("\n".join(label + [tabulate(body, headers=heads, tablefmt=tablefmt, disable_numparse=True)]))
    return "\n\n".join(parts)


def _text(tables: list[Table], tablefmt: str, heading: str, width: int | None = None) -> str:
    parts = []
    for t in tables:
        title = fit.wrap(t.title, width) if width and t.title else t.title
        block = [f"{heading}{title}", ""] if t.title else []
        block.append(_grid(t, tablefmt, width))
        notes = [fit.wrap(n, width) for n in t.notes] if width else t.notes
        block += [""] + notes if notes else []
        parts.append("\n".join(block))
    return "\n\n".join(parts) + "\n"


def _latex_row(cells: list) -> str:
    return " & ".join(escaping.latex(str(_cell(c))) for c in cells) + r" \\"


def _latex(tables: list[Table]) -> str:
    """booktabs tables with every string (title, headers, cells, notes) escaped for LaTeX."""
    parts = []
    for t in tables:
        block = [f"% {escaping.latex(t.title)}"] if t.title else []
        block += [f"\\begin{{tabular}}{{{'l' * len(t.headers)}}}", r"\toprule", _latex_row(t.headers), r"\midrule",
                  *(_latex_row(r) for r in t.rows), r"\bottomrule", r"\end{tabular}"]
        block += [""] + [escaping.latex(n) for n in t.notes] if t.notes else []
        parts.append("\n".join(block))
    return "\n\n".join(parts) + "\n"


def _escaped(table: Table, cell: Callable[[str], str], text: Callable[[str], str] | None = None) -> Table:
    """A copy of `table` with `cell` applied to its headers and text cells and `text` (default:
    `cell`) to its title and notes; numbers and gains are accord's own and stay as they are."""
    text = text or cell
    return replace(table, title=text(table.title), headers=[cell(str(h)) for h in table.headers],
                   rows=[[cell(v) if isinstance(v, str) else v for v in row] for row in table.rows],
                   notes=[text(n) for n in table.notes])


def _heat_colour(value: float, low: float, high: float) -> str:
    """Red for losses, white at zero, green for gains; light enough to print."""
    scale = max(abs(low), abs(high)) or 1.0
    x = max(-1.0, min(1.0, value / scale))
    if x >= 0:
        r, g, b = int(255 - 120 * x), 255, int(255 - 120 * x)
    else:
        r, g, b = 255, int(255 + 120 * x), int(255 + 120 * x)
    return f"#{r:02x}{g:02x}{b:02x}"


def _html(tables: list[Table], title: str) -> str:
    import html  # noqa: PLC0415  (the html format only: its entity table is a start-up cost)

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{html.escape(title)}</title>",
           "<style>body{font-family:Georgia,serif;max-width:70em;margin:2em auto;color:#111}"
           "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
           "th,td{border:1px solid #999;padding:0.25em 0.5em;text-align:left}"
           "th{background:#eee}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
           "p.note{font-size:0.85em;color:#333}table.wide{font-size:0.75em}"
           "@media print{body{margin:0}th{background:#eee!important;-webkit-print-color-adjust:exact;"
           "print-color-adjust:exact}td{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
           "table.wide{font-size:0.6em}}</style>",
           "</head><body>", f"<h1>{html.escape(title)}</h1>"]
    for t in tables:
        out.append(f"<h2>{html.escape(t.title)}</h2>")
        numbers = [_number(v) for row in t.rows for j, v in enumerate(row) if j in t.heat and _number(v) is not None]
        low, high = (min(numbers), max(numbers)) if numbers else (0.0, 0.0)
        wide = ' class="wide"' if len(t.headers) > 8 else ""
        heads = "".join(f"<th>{html.escape(str(h)).replace('_', '_<wbr>')}</th>" for h in t.headers)
        out.append(f"<table{wide}><thead><tr>{heads}</tr></thead><tbody>")
        for row in t.rows:
            cells = []
            for j, v in enumerate(row):
                text = html.escape(str(_cell(v)))
                if j in t.heat and _number(v) is not None:
                    cells.append(f'<td class="num" style="background:{_heat_colour(_number(v), low, high)}">{text}</td>')
                elif _number(v) is not None:
                    cells.append(f'<td class="num">{text}</td>')
                else:
                    cells.append(f"<td>{text}</td>")
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table>")
        if t.figure:
            out.append(t.figure)
        out += [f'<p class="note">{html.escape(n)}</p>' for n in t.notes]
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render(result: Table | list[Table] | Report, fmt: str, title: str = "accord", width: int | None = None,
           raw: bool = False) -> str:
    """The result as text in `fmt` (one of FORMATS). JSON is the report's own object, else a
    table's payload, else the payloads of several tables keyed by table key. CSV and JSON lines
    take one table (see `records`). Terminal tables fit `width` characters when it is given. Study
    text is escaped for the format (see `escaping`); `raw` leaves CSV cells that look like formulas
    as they are."""
    if isinstance(result, Report):
        if fmt == "json":
            return to_json(result.data)
        result = result.tables
    tables = [result] if isinstance(result, Table) else result
    if fmt == "json":
        if len(tables) == 1:
            return to_json(tables[0].payload())
        return to_json({t.key: t.payload() for t in tables})
    if fmt == "terminal":
        return _text([_escaped(t, escaping.terminal) for t in tables], "simple", "", width)
    if fmt == "markdown":
        return _text([_escaped(t, escaping.markdown_cell, escaping.one_line) for t in tables], "pipe", "### ")
    if fmt in MACHINE_FORMATS:
        from .records import to_csv, to_jsonl  # noqa: PLC0415  (records builds on this module)

        if len(tables) != 1:
            raise ValueError(f"{fmt} holds one table; choose one of: {', '.join(t.key for t in tables)}")
        if fmt == "jsonl":
            return to_jsonl(tables[0])
        return to_csv(tables[0] if raw else _escaped(tables[0], escaping.csv_cell, str))
    if fmt == "html":
        return _html(tables, title)
    if fmt == "latex":
        return _latex(tables)
    raise ValueError(f"unknown format '{fmt}' (expected one of: {', '.join(FORMATS)})")


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the whole new one, never half
    (special files such as /dev/stdout are written directly; see `writing`)."""
    write_text(path, text)
