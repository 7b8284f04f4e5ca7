"""Making study text safe for each output: spreadsheet formulas in CSV cells, control characters on
a terminal, pipes and line breaks in markdown cells, LaTeX's special characters, and marks an
output encoding cannot show. Every renderer (tables, the brief's documents) escapes through here."""

from __future__ import annotations

import codecs
import math
import re
import unicodedata

# OWASP's advice on CSV injection: a cell a spreadsheet would run as a formula starts with one of
# these; it gets a leading apostrophe, which spreadsheets show as text and do not display.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# C0 controls but the line break, DEL, C1 controls, and the bidirectional overrides that can make a
# terminal show text in another order than it is written.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def csv_cell(text: str) -> str:
    """`text` neutralised as a CSV cell: a leading apostrophe when a spreadsheet would read it as a
    formula (a plain number such as -0.5 is left alone: it is no formula)."""
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """`text` with every control character (escape sequences, bell, carriage return, bidirectional
    overrides) shown as a visible escape such as \\x1b, so a terminal only ever prints it."""
    return _CONTROL.sub(_visible, text)


def one_line(text: str) -> str:
    """`text` on one line: line breaks become spaces, other control characters visible escapes."""
    return terminal(re.sub(r"\r\n|[\r\n\u2028\u2029]", " ", text))


def markdown_cell(text: str) -> str:
    """`text` safe inside a markdown table cell: `|` escaped, line breaks as <br>."""
    return terminal(re.sub(r"\r\n|[\r\n]", "<br>", text)).replace("|", "\\|")


# Characters with a meaning in LaTeX, and the symbols the study or accord's own text may hold, as
# LaTeX that typesets them in every engine's default fonts (no package needed).
_LATEX = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
    "_": r"\_\allowbreak{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}",
    ">": r"\textgreater{}", "|": r"\textbar{}", "[": "{[}", "]": "{]}", "\n": " ", "\r": " ", "\u00a0": "~",
    "✓": r"\ensuremath{\surd}", "✗": r"\ensuremath{\times}", "×": r"\ensuremath{\times}",
    "→": r"\ensuremath{\rightarrow}", "±": r"\ensuremath{\pm}", "≥": r"\ensuremath{\geq}", "≤": r"\ensuremath{\leq}",
    "ε": r"\ensuremath{\varepsilon}", "●": r"\ensuremath{\bullet}", "•": r"\ensuremath{\bullet}",
    "·": r"\ensuremath{\cdot}", "□": "[ ]", "—": "---", "–": "--", "“": "``", "”": "''", "‘": "`", "’": "'",
    "…": r"\ldots{}",
}
_LATEX_TABLE = str.maketrans(_LATEX)
# Accented Latin letters both engines' fonts have; any other character is reduced to its ASCII base
# (or "?"), so none can be missing from the font.
_LATIN = set("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßœŒ¿¡«»°")


def latex(text: str) -> str:
    """`text` as LaTeX that typesets it literally: every special character escaped (so no command
    such as \\input can run), brackets braced (a cell cannot become an option of \\\\), accord's
    marks as math symbols, line breaks as spaces, other control characters dropped, and letters
    outside the fonts reduced to their ASCII base."""
    text = _CONTROL.sub("", str(text).replace("\r\n", " "))
    if text.isascii():  # every character escaped or kept, as below, in one pass
        return text.translate(_LATEX_TABLE)
    out = []
    for ch in text:
        if ch in _LATEX:
            out.append(_LATEX[ch])
        elif ch.isascii() or ch in _LATIN:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(latex(base) if base else "?")
    return "".join(out)


# Marks accord prints that some output encodings (cp1252, latin-1, ascii) lack, and their ASCII
# stand-ins; any other character such an encoding lacks becomes "?".
ASCII_MARKS = {"✓": "v", "✗": "x", "→": "->", "±": "+/-", "●": "*", "□": "[]", "ε": "e", "×": "x", "—": "--",
               "–": "-", "≥": ">=", "≤": "<="}
ASCII_FALLBACK = "accord-ascii"


def _fallback(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    bad = err.object[err.start:err.end]
    return "".join(ASCII_MARKS.get(ch, "?") for ch in bad), err.end


codecs.register_error(ASCII_FALLBACK, _fallback)
