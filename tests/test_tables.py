"""The working paper's interview Tables One to Four (rosenblum_2002, source lines 421-513), rechecked.

The expected figures below were added up by hand from the printed tables, not by the code."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
from pydantic import ValidationError

from scorer import AccordError, shipped_case
from scorer.models import InterviewTable, Study
from scorer.render import render
from scorer.tables import check_table, tables_report

TABLES_DIR = shipped_case() / "seeds" / "tables"
SOURCE = shipped_case().parent / "shared" / "seeds" / "001_5ed45b446b15331a.txt"
IDS = ["table_one", "table_two", "table_three", "table_four"]


@pytest.fixture(scope="module")
def tables() -> dict[str, InterviewTable]:
    # Read the table files alone: the rest of the shipped case need not validate for these tests.
    return {p.stem: InterviewTable.model_validate(tomllib.loads(p.read_text(encoding="utf-8")))
            for p in sorted(TABLES_DIR.glob("*.toml"))}


@pytest.fixture(scope="module")
def study(tables) -> Study:
    return Study.model_construct(tables=tables)


def found(table: InterviewTable) -> set[tuple]:
    return {(d.row, d.line, d.column, d.printed, d.recomputed) for d in check_table(table).discrepancies}


def test_the_shipped_tables_are_the_four_interview_tables(tables):
    assert sorted(tables) == sorted(IDS)
    assert {t.document for t in tables.values()} == {"rosenblum_2002"}
    assert [tables[t].line for t in IDS] == [421, 443, 475, 498]


def test_table_one_is_fully_consistent(tables):
    """Table One, lines 424-430: every row total and 3/2/1 index adds up (e.g. Remittances
    19+12+0 = 31, 3×19+2×12+0 = 81), and the columns give 43/41/23 and 107 mentions as printed."""
    check = check_table(tables["table_one"])
    assert found(tables["table_one"]) == set()
    assert check.notes == ()
    assert check.column_totals.cells == (43, 41, 23)
    assert check.column_totals.total == 107
    assert check.column_totals.index == 3 * 43 + 2 * 41 + 23 == 234


def test_table_two_printed_column_totals_exceed_the_leaf_rows(tables):
    """Table Two, lines 446-458. Leaf rows (the three 'General ...' subtotals left out):
    first  9+5+15+2+8+0+2+3+0 = 44, printed 45;
    second 5+5+7+2+8+4+0+4+0 = 35, printed 37;
    third  0+2+1+1+3+2+3+0+1 = 13, printed 16;
    mentions 14+12+23+5+19+6+5+7+1 = 92, printed 92 (although 45+37+16 = 98)."""
    assert found(tables["table_two"]) == {
        ("Total", 458, "Most Negative Aspect", 45, 44),
        ("Total", 458, "Second-most Negative Aspect", 37, 35),
        ("Total", 458, "Third-most Negative Aspect", 16, 13),
    }
    check = check_table(tables["table_two"])
    assert check.column_totals.cells == (44, 35, 13)
    assert check.column_totals.total == 92
    assert len(check.notes) == 1 and "45 + 37 + 16 = 98" in check.notes[0]


def test_table_two_subtotal_rows_add_up(tables):
    """Lines 448, 451, 455: General development 9+5, 5+5, 0+2 = 14/10/2 (26, index 64); human
    rights 15+2, 7+2, 1+1 = 17/9/2 (28, 71); family/cultural 8+0+2, 8+4+0, 3+2+3 = 10/12/8 (30, 62)."""
    rows = {r.label: r for r in check_table(tables["table_two"]).rows}
    expected = {"General development concerns": ((14, 10, 2), 26, 64),
                "General human rights concerns": ((17, 9, 2), 28, 71),
                "General family/cultural concerns": ((10, 12, 8), 30, 62)}
    for label, (cells, total, index) in expected.items():
        row = rows[label]
        assert row.kind == "subtotal" and row.agrees
        assert (row.recomputed.cells, row.recomputed.total, row.recomputed.index) == (cells, total, index)


def test_table_three_trade_plus_other_economy_counts_one_first_mention_too_many(tables):
    """Table Three, lines 479-481: Trade 3/14/7 plus Other economy 4/3/8 give 7/17/15, 39 mentions
    and index 3×7+2×17+15 = 70 (= 44+26); the printed row reads 8/17/15, 40 and 73. The column
    totals 42/39/31 and 112 (line 487) agree with the leaf rows, so the error is in line 481."""
    assert found(tables["table_three"]) == {
        ("Trade+other economy", 481, "#1 Difficult Issue", 8, 7),
        ("Trade+other economy", 481, "Total times mentioned", 40, 39),
        ("Trade+other economy", 481, "Weighted index", 73, 70),
    }
    check = check_table(tables["table_three"])
    assert check.column_totals.cells == (42, 39, 31)
    assert check.column_totals.total == 112
    reasons = [d.reason for d in check.discrepancies]
    assert "3 + 4 = 7" in reasons[0]
    assert "printed 40 is the sum of this row's printed cells" in reasons[1]
    assert "printed 73 follows from this row's printed cells" in reasons[2]


def test_table_four_is_fully_consistent(tables):
    """Table Four, lines 501-511: Trade 8/4/1 + Other economy 3/9/4 = 11/13/5 (29, 33+31 = 64) as
    printed; leaf columns 6+8+3+4+7+4+5+2+0 = 39, 2+4+9+2+6+4+2+4+1 = 34, 5+1+4+1+5+0+1+0+0 = 17,
    90 mentions, all as printed."""
    assert found(tables["table_four"]) == set()
    check = check_table(tables["table_four"])
    assert check.column_totals.cells == (39, 34, 17)
    assert check.column_totals.total == 90


def test_blank_cells_are_kept_blank_and_count_as_zero(tables):
    """Line 483: 'Property claims 4 1 _ 5 14' — blank third rank, 4+1 = 5, 3×4+2×1 = 14."""
    row = next(r for r in check_table(tables["table_three"]).rows if r.label == "Property claims")
    assert row.printed.cells == (4, 1, None)
    assert row.recomputed.cells == (4, 1, 0)
    assert (row.recomputed.total, row.recomputed.index) == (5, 14)
    assert row.agrees


def test_a_leaf_row_total_and_index_are_checked_against_its_cells():
    table = InterviewTable(id="toy", title="Toy", document="doc", line=1, columns=["a", "b", "c"], rows=[
        {"label": "x", "line": 3, "cells": [1, 2, 3], "total": 7, "index": 11},
        {"label": "y", "line": 4, "cells": [2, "", 1], "total": 3, "index": 7},
    ], total={"label": "Total", "line": 5, "cells": [3, 2, 4], "total": 9})
    # x: 1+2+3 = 6 (printed 7); 3+4+3 = 10 (printed 11). y: 2+0+1 = 3; 6+0+1 = 7. Columns 3/2/4, 9.
    assert found(table) == {("x", 3, "Total Mentions", 7, 6), ("x", 3, "Weighted Index", 11, 10)}


def test_a_subtotal_of_a_subtotal_is_rejected():
    with pytest.raises(ValidationError, match="sums other subtotals"):
        InterviewTable(id="toy", title="Toy", document="doc", line=1, columns=["a", "b", "c"], rows=[
            {"label": "x", "line": 2, "cells": [1, 0, 0]},
            {"label": "s", "line": 3, "cells": [1, 0, 0], "subtotal_of": ["x"]},
            {"label": "t", "line": 4, "cells": [1, 0, 0], "subtotal_of": ["s"]},
        ])


def test_report_shows_each_table_in_source_order_then_the_discrepancies(study):
    report = tables_report(study)
    assert [t.key for t in report] == IDS + ["discrepancies"]
    marked = {t.key: [row[1] for row in t.rows if row[0]] for t in report[:-1]}
    assert marked == {"table_one": [], "table_two": ["Total"], "table_three": ["Trade+other economy"],
                      "table_four": []}
    assert len(report[-1].rows) == 6
    assert "6 printed figures disagree" in report[-1].notes[0]


def test_report_json_payload_keeps_its_documented_shape(study):
    payload = json.loads(render(tables_report(study, "table_three"), "json"))
    assert list(payload) == ["table_three", "discrepancies"]
    table = payload["table_three"]
    assert list(table) == ["id", "title", "document", "line", "columns", "total_column", "index_column", "weights",
                           "rows", "column_totals", "discrepancies", "notes"]
    trade = next(r for r in table["rows"] if r["label"] == "Trade+other economy")
    assert trade == {"label": "Trade+other economy", "line": 481, "kind": "subtotal",
                     "subtotal_of": ["Trade", "Other economy"],
                     "printed": {"cells": [8, 17, 15], "total": 40, "index": 73},
                     "recomputed": {"cells": [7, 17, 15], "total": 39, "index": 70}, "agrees": False}
    assert table["rows"][-1]["kind"] == "total"
    assert [(d["row"], d["column"], d["printed"], d["recomputed"]) for d in payload["discrepancies"]] == [
        ("Trade+other economy", "#1 Difficult Issue", 8, 7),
        ("Trade+other economy", "Total times mentioned", 40, 39),
        ("Trade+other economy", "Weighted index", 73, 70)]
    assert list(payload["discrepancies"][0]) == ["table", "row", "line", "column", "printed", "recomputed", "reason"]


def test_an_unknown_table_names_the_known_ones(study):
    known = "table_one, table_two, table_three, table_four"
    with pytest.raises(AccordError, match=f"no interview table 'table_five' \\(expected one of: {known}\\)"):
        tables_report(study, "table_five")


@pytest.mark.skipif(not SOURCE.is_file(), reason="the source texts are not next to this checkout")
def test_table_files_reproduce_the_source_text_cell_by_cell(tables):
    """Each title, heading and row line of the tab-separated source, footnote markers dropped;
    Table One's total row (line 430) is unlabelled in print."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    for t in tables.values():
        assert lines[t.line - 1] == t.title
        headings = [re.sub(r"\s*\^\w$", "", h) for h in lines[t.line + 1].split("\t")[1:]]
        assert headings == [*t.columns, t.total_column, t.index_column]
        printed_rows = [*t.rows, t.total]
        assert [r.line for r in printed_rows] == list(range(t.line + 3, t.total.line + 1))
        for r in printed_rows:
            label, *figures = lines[r.line - 1].split("\t")
            assert re.sub(r"\s*\^\w$", "", label) == ("" if r is t.total and t.id == "table_one" else r.label)
            assert [int(x) if x else None for x in figures] == [*r.cells, r.total, r.index]
