"""The escaping helpers every renderer uses (scorer/escaping.py), on the payloads of issue 14."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorer import escaping
from scorer.cost import duration
from scorer.render import to_json


@pytest.mark.parametrize("cell, expected", [
    ("=1+2", "'=1+2"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-0.5", "-0.5"), ("+1e3", "+1e3"), ("plain", "plain"), ("", ""),
])
def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe(cell, expected):
    assert escaping.csv_cell(cell) == expected


def test_latex_leaves_no_special_character_unescaped():
    text = escaping.latex("a\n\\input{/etc/passwd} $x$ & 50% #1 _ ^ ~ <b> [2pt] \x1b ✓")
    assert "\n" not in text and "\x1b" not in text
    assert re.fullmatch(r"(?:[^\\{}$&%#_^~<>\[\]]|\\[A-Za-z]+\{\}|\\[{}$&%#_]|\{[\[\]]\}|\\ensuremath\{\\surd\})*",
                        text), text


@given(st.text(st.characters(max_codepoint=127)))
def test_latex_escapes_ascii_text_in_one_pass_as_it_does_character_by_character(text):
    """ASCII text takes a one-pass translation; a trailing letter the fonts have (kept as it is)
    sends the same text through the character-by-character path, which must agree."""
    assert escaping.latex(text + "é") == escaping.latex(text) + "é"


def test_markdown_cells_cannot_open_a_column_or_a_row():
    assert escaping.markdown_cell("a | b\nc") == "a \\| b<br>c"


def test_terminal_text_shows_controls_as_visible_escapes():
    assert escaping.terminal("\x1b]0;title\x07 ok\n\u202etxt") == "\\x1b]0;title\\x07 ok\n\\u202etxt"


def test_marks_an_encoding_lacks_fall_back_to_ascii():
    assert "+0.300 ✓ −".encode("cp1252", errors=escaping.ASCII_FALLBACK) == b"+0.300 v ?"


def test_json_writes_null_for_non_finite_numbers():
    assert json.loads(to_json({"a": float("nan"), "b": [float("-inf"), 1.5]})) == {"a": None, "b": [None, 1.5]}


@pytest.mark.parametrize("seconds, said", [(0.2, "about 1 second"), (17, "about 17 seconds"), (150, "about 2 minutes"),
                                           (3 * 3600, "about 3 hours"), (1e7, "about 4 months")])
def test_durations_are_said_roughly(seconds, said):
    assert duration(seconds) == said
