"""Rechecking the working paper's interview tables: recompute every total, subtotal and weighted
index from the printed cells and report each printed figure that disagrees with the arithmetic.

The rows that are not subtotals (leaf rows) are the data. A leaf row's total is the sum of its
cells and its index the weighted sum (weights 3/2/1, ros02_table3_totals_and_index); a subtotal
row's cells are the sums of its components' cells, its total and index follow from those; the
total row's cells are the column sums of the leaf rows. A blank rank cell counts as 0; a blank
total or index is a figure the paper does not print, and is not checked.

`tables_report` returns one `render.Table` per interview table and a last one keyed
`discrepancies`. JSON payloads (stable; keys in this order):

- per interview table, keyed by its id::

    {"id", "title", "document", "line", "columns": [rank headings], "total_column",
     "index_column", "weights": [3, 2, 1],
     "rows": [{"label", "line", "kind": "row" | "subtotal" | "total", "subtotal_of": [labels],
               "printed": {"cells": [int | null], "total": int | null, "index": int | null},
               "recomputed": {"cells": [int], "total": int, "index": int},
               "agrees": bool}, ...],          # printed order; the total row last
     "column_totals": {"cells", "total", "index"},   # recomputed from the leaf rows
     "discrepancies": [discrepancy, ...], "notes": [str]}

- `discrepancies`: a list of ``{"table", "row", "line", "column", "printed", "recomputed",
  "reason"}``, where `column` is the printed heading of a rank, total or index column and
  `printed` is null for a blank cell (read as 0)."""

from __future__ import annotations

from typing import NamedTuple

from .errors import AccordError
from .models import InterviewTable, Study, TableRow
from .render import Table

MARK = "✗"


class Figures(NamedTuple):
    """A row's counts by rank, total mentions and weighted index."""

    cells: tuple[int | None, ...]
    total: int | None
    index: int | None

    def as_dict(self) -> dict:
        return {"cells": list(self.cells), "total": self.total, "index": self.index}


class Discrepancy(NamedTuple):
    """A printed figure that disagrees with the figure the arithmetic gives."""

    table: str
    row: str
    line: int
    column: str
    printed: int | None
    recomputed: int
    reason: str

    def as_dict(self) -> dict:
        return {"table": self.table, "row": self.row, "line": self.line, "column": self.column,
                "printed": self.printed, "recomputed": self.recomputed, "reason": self.reason}


class RowCheck(NamedTuple):
    """One printed row (kind row, subtotal or total) with its printed and recomputed figures."""

    label: str
    line: int
    kind: str
    subtotal_of: tuple[str, ...]
    printed: Figures
    recomputed: Figures
    discrepancies: tuple[Discrepancy, ...]

    @property
    def agrees(self) -> bool:
        return not self.discrepancies

    def as_dict(self) -> dict:
        return {"label": self.label, "line": self.line, "kind": self.kind, "subtotal_of": list(self.subtotal_of),
                "printed": self.printed.as_dict(), "recomputed": self.recomputed.as_dict(), "agrees": self.agrees}


class TableCheck(NamedTuple):
    """A table rechecked: its rows in printed order, the total row, the recomputed column totals,
    every discrepancy, and notes on printed figures that contradict each other but not the data."""

    table: InterviewTable
    rows: tuple[RowCheck, ...]
    total: RowCheck | None
    column_totals: Figures
    discrepancies: tuple[Discrepancy, ...]
    notes: tuple[str, ...]

    def all_rows(self) -> tuple[RowCheck, ...]:
        return self.rows + ((self.total,) if self.total else ())

    def as_dict(self) -> dict:
        t = self.table
        return {"id": t.id, "title": t.title, "document": t.document, "line": t.line, "columns": list(t.columns),
                "total_column": t.total_column, "index_column": t.index_column, "weights": list(t.weights),
                "rows": [r.as_dict() for r in self.all_rows()], "column_totals": self.column_totals.as_dict(),
                "discrepancies": [d.as_dict() for d in self.discrepancies], "notes": list(self.notes)}


def _counts(cells: tuple[int | None, ...] | list[int | None]) -> list[int]:
    # A blank cell in these count tables means no mentions at that rank.
    return [c or 0 for c in cells]


def _sum_text(values: list[int]) -> str:
    return " + ".join(str(v) for v in values) + f" = {sum(values)}"


def _index_text(weights: list[int], cells: list[int]) -> str:
    terms = [f"{w}×{c}" for w, c in zip(weights, cells)]
    return " + ".join(terms) + f" = {sum(w * c for w, c in zip(weights, cells))}"


def _figures(weights: list[int], cells: list[int]) -> Figures:
    return Figures(tuple(cells), sum(cells), sum(w * c for w, c in zip(weights, cells)))


def _check_row(table: InterviewTable, row: TableRow, kind: str, parts: list[TableRow]) -> RowCheck:
    """`parts` are the leaf rows this row sums (components of a subtotal, every leaf for the total);
    empty for a leaf row, whose printed cells are the data."""
    w = list(table.weights)
    own = _counts(row.cells)
    cells = [sum(c) for c in zip(*(_counts(p.cells) for p in parts))] if parts else own
    recomputed = _figures(w, cells)
    found: list[Discrepancy] = []

    def report(column: str, printed: int | None, value: int, reason: str) -> None:
        found.append(Discrepancy(table.id, row.label, row.line, column, printed, value, reason))

    # What a subtotal or total row is the sum of, in the words of the reasons.
    what = "its components" if kind == "subtotal" else "the leaf rows"
    if parts:
        named = f"{what} ({', '.join(p.label for p in parts)})" if kind == "subtotal" else \
            f"{what} (subtotal rows left out)"
        for j, column in enumerate(table.columns):
            if own[j] != cells[j]:
                column_parts = [_counts(p.cells)[j] for p in parts]
                report(column, row.cells[j], cells[j], f"sum of {named} in this column: {_sum_text(column_parts)}")
    if row.total is not None and row.total != recomputed.total:
        reason = f"sum of {what}' cells: {_sum_text(cells)}" if parts else f"sum of the row's cells: {_sum_text(cells)}"
        if parts and row.total == sum(own):
            reason += f"; the printed {row.total} is the sum of this row's printed cells"
        report(table.total_column, row.total, recomputed.total, reason)
    if row.index is not None and row.index != recomputed.index:
        reason = f"weighted index {_index_text(w, cells)}"
        if parts:
            reason += f" from {what}' cells"
            if row.index == sum(x * c for x, c in zip(w, own)):
                reason += f"; the printed {row.index} follows from this row's printed cells"
        report(table.index_column, row.index, recomputed.index, reason)
    return RowCheck(row.label, row.line, kind, tuple(row.subtotal_of), Figures(tuple(row.cells), row.total, row.index),
                    recomputed, tuple(found))


def _internal_notes(table: InterviewTable, check: RowCheck) -> list[str]:
    """Printed totals or indices of a subtotal or total row that contradict the row's own printed
    cells although they agree with the data (so they are not discrepancies)."""
    source = "its components" if check.kind == "subtotal" else "the leaf rows"
    own = _counts(check.printed.cells)
    flagged = {d.column for d in check.discrepancies}
    notes = []
    if check.printed.total is not None and table.total_column not in flagged and check.printed.total != sum(own):
        notes.append(f"{table.id} line {check.line}: the printed cells of '{check.label}' add to {_sum_text(own)}, "
                     f"not the printed {table.total_column.lower()} {check.printed.total}, which matches {source}")
    index = sum(w * c for w, c in zip(table.weights, own))
    if check.printed.index is not None and table.index_column not in flagged and check.printed.index != index:
        notes.append(f"{table.id} line {check.line}: the printed cells of '{check.label}' give index {index}, "
                     f"not the printed {check.printed.index}, which matches {source}")
    return notes


def check_table(table: InterviewTable) -> TableCheck:
    """Every printed figure of `table` against the arithmetic, with the recomputed figures."""
    by_label = {r.label: r for r in table.rows}
    leaves = [r for r in table.rows if not r.subtotal_of]
    rows = tuple(_check_row(table, r, "subtotal", [by_label[x] for x in r.subtotal_of]) if r.subtotal_of
                 else _check_row(table, r, "row", []) for r in table.rows)
    column_totals = _figures(list(table.weights), [sum(c) for c in zip(*(_counts(r.cells) for r in leaves))]
                             if leaves else [0] * len(table.weights))
    total = _check_row(table, table.total, "total", leaves) if table.total else None
    checks = rows + ((total,) if total else ())
    notes = [n for r in checks if r.kind != "row" for n in _internal_notes(table, r)]
    return TableCheck(table, rows, total, column_totals, tuple(d for r in checks for d in r.discrepancies),
                      tuple(notes))


def check_tables(study: Study, table_id: str | None = None) -> list[TableCheck]:
    """The study's tables rechecked, in source order (document, line); only `table_id` if given."""
    if table_id is not None and table_id not in study.tables:
        known = ", ".join(_ordered(study)) or "none are defined"
        raise AccordError(f"no interview table '{table_id}' (expected one of: {known})")
    ids = [table_id] if table_id is not None else _ordered(study)
    return [check_table(study.tables[t]) for t in ids]


def _ordered(study: Study) -> list[str]:
    return [t.id for t in sorted(study.tables.values(), key=lambda t: (t.document, t.line, t.id))]


def _table(check: TableCheck) -> Table:
    t = check.table
    ranks = [f"rank {j + 1}" for j in range(len(t.columns))]
    headers = ["", "row", "line"]
    for name in ranks + ["total", "index"]:
        headers += [name, "calc"]
    rows = []
    for r in check.all_rows():
        printed = list(r.printed.cells) + [r.printed.total, r.printed.index]
        recomputed = list(r.recomputed.cells) + [r.recomputed.total, r.recomputed.index]
        figures = [v for pair in zip(printed, recomputed) for v in pair]
        rows.append([MARK if r.discrepancies else "", r.label, r.line, *figures])
    weights = "/".join(str(w) for w in t.weights)
    notes = [f"Printed figure, then 'calc' as recomputed (leaf rows from their own cells, subtotal rows from "
             f"their components, the total row from the leaf rows; index weights {weights}). "
             f"{MARK} marks a row with a figure that disagrees.",
             "Columns as printed: " + "; ".join(f"{k} = {c}" for k, c in zip(ranks, t.columns))
             + f"; total = {t.total_column}; index = {t.index_column}."]
    notes += [f"'{r.label}' is a printed subtotal of: {', '.join(r.subtotal_of)}." for r in check.rows if r.subtotal_of]
    notes += list(check.notes)
    return Table(t.id, f"{t.title} ({t.document}, line {t.line})", headers, rows, data=check.as_dict(), notes=notes)


def tables_report(study: Study, table_id: str | None = None) -> list[Table]:
    """One table per interview table (printed and recomputed figures side by side) and a last
    table of every discrepancy; only `table_id` if given (AccordError if unknown)."""
    checks = check_tables(study, table_id)
    found = [d for c in checks for d in c.discrepancies]
    headers = ["table", "row", "line", "column", "printed", "recomputed", "reason"]
    rows = [[d.table, d.row, d.line, d.column, d.printed, d.recomputed, d.reason] for d in found]
    counts = ", ".join(f"{c.table.id} {len(c.discrepancies)}" for c in checks)
    notes = [f"{len(found)} printed figures disagree with the arithmetic ({counts})." if checks
             else "The study has no interview tables."]
    summary = Table("discrepancies", "Discrepancies", headers, rows, data=[d.as_dict() for d in found], notes=notes)
    return [_table(c) for c in checks] + [summary]
