"""Fitting tables to a terminal width: every line within the width, and every cell's text kept
(wrapped, never dropped) unless a column cannot fit beside the key even at its narrowest."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from scorer import fit
from scorer.render import Table, render

WORD = st.text(alphabet="abcdefgh_-,.", min_size=1, max_size=30)
CELL = st.one_of(st.lists(WORD, min_size=0, max_size=8).map(" ".join),
                 st.floats(-100, 100, allow_nan=False).map(lambda x: f"{x:+.3f}"))


@st.composite
def tables(draw):
    n = draw(st.integers(1, 9))
    headers = draw(st.lists(WORD, min_size=n, max_size=n))
    rows = draw(st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=1, max_size=6))
    return headers, rows


def squeeze(text: str) -> str:
    return "".join(text.split())


@settings(max_examples=100, deadline=None)
@given(tables(), st.integers(30, 160))
def test_every_line_fits_and_every_cell_is_kept(table, width):
    headers, rows = table
    text = render(Table("t", "", headers, rows), "terminal", width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    blocks = fit.plan(headers, rows, width)
    assert {j for b in blocks for j in b.columns} == set(range(len(headers)))
    for block in blocks:
        heads, body = fit.layout(headers, rows, block)
        for k, j in enumerate(block.columns):
            if j in block.cut:
                continue
            assert squeeze(heads[k]) == squeeze(headers[j])
            for row, shown in zip(rows, body):
                assert squeeze(shown[k]) == squeeze(row[j])
                assert all(len(line) <= block.widths[k] for line in shown[k].split("\n"))


def test_a_table_that_fits_is_drawn_as_it_is():
    headers, rows = ["id", "note"], [["a", "short text"], ["b", "another"]]
    assert render(Table("t", "", headers, rows), "terminal", width=80) == render(Table("t", "", headers, rows),
                                                                                 "terminal")


def test_wrapping_breaks_at_spaces_then_after_underscores():
    assert fit.wrap("us_house_restrictionists, us_senate_democrats", 25) == \
        "us_house_restrictionists,\nus_senate_democrats"
    assert fit.wrap("us_house_restrictionists", 10) == "us_house_\nrestrictio\nnists"
    assert fit.cut("abcdefghij", 5) == "abcd…"
