"""Fitting a table to a terminal width: text cells wrap inside their column; a table too wide
even so is split into blocks of columns, each repeating the key column (the first, and the
second too when the first is a rank) so every row stays readable; a column that cannot fit
beside the key even at its narrowest is cut with an ellipsis. Every cell's text is kept except in
that last case (`--wide` prints the table whole).

Widths count characters (the tables' marks ✓ ✗ → are one column wide)."""

from __future__ import annotations

import re
from typing import NamedTuple

GAP = 2  # spaces between columns in the `simple` layout
HEADER_PAD = 2  # tabulate draws a column at least this much wider than its header
NARROWEST = 10  # a text column is not wrapped narrower than this (or its widest cell, if narrower)
LONGEST_WORD = 24  # words up to this long are not broken while the table can fit otherwise
ELLIPSIS = "…"
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?%?( [✓✗])?$")  # a number, or a gain with its mark
_BREAK_AFTER = "_-/,.;:"


class Block(NamedTuple):
    """Some of a table's columns (by index) at the widths they are drawn at."""

    columns: tuple[int, ...]
    widths: tuple[int, ...]
    cut: tuple[int, ...] = ()  # columns drawn narrower than their narrowest: cut, not wrapped
    keys: int = 0  # how many of the columns are the key, repeated in every block


def _width(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


def _is_number(text: str) -> bool:
    return text == "" or bool(_NUMBER.match(text))


def _pieces(word: str, width: int) -> list[str]:
    """A word longer than `width` cut after `_ - / , . ; :` where it can be, else at `width`."""
    out = []
    while len(word) > width:
        cut = max((i + 1 for i, ch in enumerate(word[:width]) if ch in _BREAK_AFTER), default=width)
        out.append(word[:cut])
        word = word[cut:]
    return out + ([word] if word else [])


def wrap(text: str, width: int) -> str:
    """`text` wrapped into lines of at most `width` characters, breaking at spaces first."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            for k, piece in enumerate(_pieces(word, width)):
                joined = line + ("" if k or not line else " ") + piece
                if line and len(joined) > width:
                    lines.append(line)
                    line = piece
                else:
                    line = joined
        lines.append(line)
    return "\n".join(lines)


def cut(text: str, width: int) -> str:
    """Each line of `text` cut to `width` characters, an ellipsis marking the cut."""
    return "\n".join(line if len(line) <= width else line[: max(width - 1, 0)] + ELLIPSIS
                     for line in text.split("\n"))


def _longest_word(texts: list[str], pieces: bool = False) -> int:
    """The longest word, or with `pieces` the longest run between spaces and underscores."""
    split = (lambda t: re.split(r"[\s]+|(?<=_)", t)) if pieces else str.split
    return max((len(w) for t in texts for w in split(t)), default=0)


def _floor(header: str, cells: list[str], pieces: bool = False) -> int:
    """The narrowest a column is drawn: numbers never wrap, a header wraps at spaces and after
    underscores; text keeps its words whole up to LONGEST_WORD characters (with `pieces`, only
    the runs between underscores), and is not narrowed below NARROWEST."""
    head = _longest_word([header], pieces=True) + HEADER_PAD
    if all(_is_number(c) for c in cells):
        return max([head] + [_width(c) for c in cells])
    natural = max([_width(header) + HEADER_PAD] + [_width(c) for c in cells])
    return min(natural, max(NARROWEST, head, min(_longest_word(cells, pieces), LONGEST_WORD)))


def _shrink(natural: list[int], floor: list[int], width: int) -> list[int]:
    """Widths within `width` (gaps included): each column gets its floor, and the room left is
    shared in proportion to how much wider than its floor each column would like to be."""
    room = width - GAP * (len(natural) - 1)
    if sum(natural) <= room:
        return list(natural)
    slack = [max(n - f, 0) for n, f in zip(natural, floor)]
    extra = room - sum(floor)
    if extra <= 0 or not sum(slack):
        return list(floor)
    shares = [s * extra / sum(slack) for s in slack]
    widths = [f + int(x) for f, x in zip(floor, shares)]
    for j in sorted(range(len(widths)), key=lambda j: int(shares[j]) - shares[j])[:room - sum(widths)]:
        widths[j] += 1
    return widths


def plan(headers: list[str], rows: list[list[str]], width: int) -> list[Block]:
    """How to draw the table within `width` characters: one block when its columns fit (wrapped
    if needed), else blocks of columns each led by the key column."""
    n = len(headers)
    columns = [[row[j] for row in rows] for j in range(n)]
    natural = [max([_width(headers[j]) + HEADER_PAD] + [_width(c) for c in columns[j]]) for j in range(n)]
    whole = [_floor(headers[j], columns[j]) for j in range(n)]
    floor = list(whole)
    pieces = [_floor(headers[j], columns[j], pieces=True) for j in range(n)]
    room = width - GAP * (n - 1)
    while sum(floor) > room and any(p < f for p, f in zip(pieces, floor)):
        # Break the ids of the widest column after their underscores, then the next widest, until it fits.
        j = max((j for j in range(n) if pieces[j] < floor[j]), key=lambda j: floor[j])
        floor[j] = pieces[j]
    if n <= 1 or sum(floor) <= room:
        return [Block(tuple(range(n)), tuple(_shrink(natural, floor, width)))]
    # The key: the first column, and the second too when the first is only numbers (a rank).
    keys = [0, 1] if n > 2 and all(_is_number(c) for c in columns[0]) else [0]
    key_floors = [whole[k] for k in keys]  # ids kept whole while the key takes at most two thirds of the width
    if sum(key_floors) + GAP * len(keys) > width * 2 // 3:
        key_floors = [min(f, max(width // (2 * len(keys)), 1)) for f in key_floors]
    key_room = sum(key_floors) + GAP * len(keys)
    blocks, current = [], []
    for j in range(len(keys), n):
        if current and key_room + sum(floor[i] for i in [*current, j]) + GAP * len(current) > width:
            blocks.append(current)
            current = []
        current.append(j)
    blocks.append(current)
    out = []
    for block in blocks:
        cols = [*keys, *block]
        floors = key_floors + [floor[j] for j in block]
        widths = _shrink([natural[j] for j in cols], floors, width)
        over = sum(widths) + GAP * (len(widths) - 1) - width
        cut_here: tuple[int, ...] = ()
        if over > 0:  # one column too wide beside the key even at its narrowest: it is cut
            widths[-1] = max(widths[-1] - over, 1)
            cut_here = (cols[-1],)
        out.append(Block(tuple(cols), tuple(widths), cut_here, len(keys)))
    return out


def layout(headers: list[str], rows: list[list[str]], block: Block) -> tuple[list[str], list[list[str]]]:
    """The block's headers and rows, each cell wrapped to its width (cut where a word cannot fit)."""

    def fitted(text: str, j: int, w: int) -> str:
        if _width(text) <= w:
            return text
        return cut(text, w) if j in block.cut else wrap(text, w)

    heads = [fitted(headers[j], j, max(w - HEADER_PAD, 1)) for j, w in zip(block.columns, block.widths)]
    body = [[fitted(row[j], j, w) for j, w in zip(block.columns, block.widths)] for row in rows]
    return heads, body
