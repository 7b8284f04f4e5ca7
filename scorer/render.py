"""Rendering result tables in the formats analysts paste into memos, and writing them atomically.

A `Table` carries display rows (for terminal, markdown, csv, html, latex) and a JSON payload (the
stable machine contract); renderers never compute anything."""

from __future__ import annotations

import csv
import html
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


FORMATS = ("terminal", "markdown", "csv", "json", "html", "latex")


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
        if self.data is not None:
            return self.data
        return [dict(zip(self.headers, row)) for row in self.rows]


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
        return "yes" if value else "no"
    if value is None:
        return ""
    return value


def _display_rows(table: Table) -> list[list]:
    return [[_cell(v) for v in row] for row in table.rows]


def to_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


TERMINAL_WRAP = 100  # wrap long text cells in terminal tables at this many characters


def _text(tables: list[Table], tablefmt: str, heading: str, wrap: int | None = None) -> str:
    from tabulate import tabulate  # noqa: PLC0415  (imported by the text formats only: a start-up cost)

    parts = []
    for t in tables:
        block = [f"{heading}{t.title}", ""] if t.title else []
        widths = [wrap] * len(t.headers) if wrap and t.rows else None
        block.append(tabulate(_display_rows(t), headers=t.headers, tablefmt=tablefmt, disable_numparse=True,
                              maxcolwidths=widths))
        block += [""] + t.notes if t.notes else []
        parts.append("\n".join(block))
    return "\n\n".join(parts) + "\n"


def _csv(tables: list[Table]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for i, t in enumerate(tables):
        if len(tables) > 1:
            if i:
                writer.writerow([])
            writer.writerow([f"# {t.title}"])
        writer.writerow(t.headers)
        writer.writerows([["" if v is None else str(v) if isinstance(v, Gain) else v for v in row] for row in t.rows])
    return buf.getvalue()


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


def render(result: Table | list[Table] | Report, fmt: str, title: str = "accord") -> str:
    """The result as text in `fmt` (one of FORMATS). JSON is the report's own object, else a
    table's payload, else the payloads of several tables keyed by table key."""
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
        return _text(tables, "simple", "", wrap=TERMINAL_WRAP)
    if fmt == "markdown":
        return _text(tables, "pipe", "### ")
    if fmt == "csv":
        return _csv(tables)
    if fmt == "html":
        return _html(tables, title)
    if fmt == "latex":
        return _text(tables, "latex_booktabs", "% ")
    raise ValueError(f"unknown format '{fmt}' (expected one of: {', '.join(FORMATS)})")


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the whole new one, never half."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
