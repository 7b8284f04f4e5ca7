"""Chart geometry shared by the briefing's HTML (inline SVG) and LaTeX (TikZ) charts: round axis
ticks, and label placement that keeps labels off each other and off the marks they name."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in drawing units


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values (steps of 1, 2, 2.5 or 5 times a power of ten) covering
    [low, high]: the first tick at or below `low`, the last at or above `high`."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("ticks need finite bounds")
    if high - low < 1e-12:
        low, high = low - 0.5, high + 0.5
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw - 1e-12)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def tick_label(value: float, ticks: list[float]) -> str:
    """A tick value with as many decimals as the step needs (0.25 -> '0.25', 0.5 -> '0.5')."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if round(step * 10 ** decimals, 6) % 1:
        decimals += 1
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class Placed(NamedTuple):
    """A label placed at (x, y) (text baseline start in SVG coordinates, y down) with its box;
    `leader` when it sits away from its mark and needs a line back to it."""

    text: str
    x: float
    y: float
    anchor: str  # start | end | middle
    box: Box
    leader: bool


def place_labels(items: list[tuple[str, float, float]], marks: list[Box], area: Box,
                 char_width: float = 6.0, height: float = 11.0) -> list[Placed | None]:
    """Place each label (text, mark x, mark y) near its mark, trying positions around it at growing
    distances, so that no label overlaps another label, any mark, or leaves `area`. None where no
    position fits (the caller names the mark in a key instead)."""
    taken: list[Box] = list(marks)
    out: list[Placed | None] = []
    for text, mx, my in items:
        width = char_width * len(text)
        found = None
        for distance in (7, 14, 22, 32, 44):
            for dx, dy, anchor in ((1, -0.4, "start"), (-1, -0.4, "end"), (1, 0.9, "start"), (-1, 0.9, "end"),
                                   (0, -1.2, "middle"), (0, 1.6, "middle"), (1, -1.4, "start"), (-1, -1.4, "end"),
                                   (1, 1.9, "start"), (-1, 1.9, "end")):
                x, y = mx + dx * distance, my + dy * distance + height / 3
                x0 = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
                box = (x0 - 1, y - height, x0 + width + 1, y + 4)
                if (box[0] >= area[0] and box[2] <= area[2] and box[1] >= area[1] and box[3] <= area[3]
                        and not any(overlaps(box, t) for t in taken)):
                    found = Placed(text, round(x, 1), round(y, 1), anchor, box, distance > 14)
                    break
            if found:
                break
        if found:
            taken.append(found.box)
        out.append(found)
    return out


@dataclass
class FrontierLayout:
    """The frontier chart laid out on a width x height canvas (y down): ticks, the staircase,
    points, proposals and placed labels; drawn as SVG by `brief_html` and TikZ by `brief_latex`."""

    width: float
    height: float
    plot: Box
    xticks: list[tuple[float, str]]
    yticks: list[tuple[float, str]]
    stairs: list[tuple[float, float]]
    points: list[tuple[int, float, float, float, bool]]  # point, x, y, radius, best
    proposals: list[tuple[str, float, float, str]]  # name, x, y, position
    labels: list[tuple[Placed, float, float, bool]]  # label, mark x, mark y, is a point number
    key: list[str]


def frontier_layout(points: list[tuple[int, float, float]], turning: set[int], best: int | None,
                    proposals: list[tuple[str, float, float, str]], named: set[int] = frozenset(),
                    width: float = 540, height: float = 420, char_width: float = 6.4) -> FrontierLayout:
    """Points (number, x gain, y gain) and proposals (name, x gain, y gain, position) on round
    axes; turning points numbered; labels placed clear of marks and of each other, a proposal whose
    name fits nowhere labelled by a code listed in `key`; then, where they fit, the numbers of the
    `named` points (those the tables refer to)."""
    xs = [p[1] for p in points] + [p[1] for p in proposals] or [0.0, 1.0]
    ys = [p[2] for p in points] + [p[2] for p in proposals] or [0.0, 1.0]
    tx, ty = nice_ticks(min(xs), max(xs), 6), nice_ticks(min(ys), max(ys), 6)
    left, right, top, bottom = 58.0, 14.0, 14.0, 50.0
    plot = (left, top, width - right, height - bottom)

    def sx(x: float) -> float:
        return round(left + (x - tx[0]) / (tx[-1] - tx[0]) * (plot[2] - left), 1)

    def sy(y: float) -> float:
        return round(plot[3] - (y - ty[0]) / (ty[-1] - ty[0]) * (plot[3] - top), 1)

    stairs: list[tuple[float, float]] = []
    for k, (_, x, y) in enumerate(points):
        if k:
            stairs.append((stairs[-1][0], sy(y)))
        stairs.append((sx(x), sy(y)))
    marks: list[Box] = []
    items: list[tuple[str, float, float]] = []
    drawn = []
    for k, x, y in points:
        r = 4.5 if k in turning else 2.5
        drawn.append((k, sx(x), sy(y), r, k == best))
        ring = 8 if k == best else r
        marks.append((sx(x) - ring, sy(y) - ring, sx(x) + ring, sy(y) + ring))
        if k in turning:
            items.append((str(k), sx(x), sy(y)))
    squares = []
    for name, x, y, position in proposals:
        squares.append((name, sx(x), sy(y), position))
        marks.append((sx(x) - 4, sy(y) - 4, sx(x) + 4, sy(y) + 4))
        items.append((name, sx(x), sy(y)))
    area = (left + 1, top + 1, plot[2] - 1, plot[3] - 1)
    placed = place_labels(items, marks, area, char_width)
    missing = [i for i, p in enumerate(placed) if p is None and not items[i][0].isdigit()]
    codes = [(f"P{n + 1}", items[i][1], items[i][2]) for n, i in enumerate(missing)]
    key = [f"P{n + 1} = {items[i][0]}" for n, i in enumerate(missing)]
    for (code, mx, my), i, p in zip(codes, missing,
                                    place_labels(codes, marks + [p.box for p in placed if p], area, char_width)):
        placed[i], items[i] = p, (code, mx, my)
    labels = [(p, mx, my, text.isdigit()) for (text, mx, my), p in zip(items, placed) if p is not None]
    extra = [(str(k), x, y) for k, x, y, _, _ in drawn if k in named and k not in turning]
    taken = marks + [p.box for p, *_ in labels]
    labels += [(p, mx, my, True) for (_, mx, my), p in zip(extra, place_labels(extra, taken, area, char_width)) if p]
    return FrontierLayout(width, height, plot, [(sx(v), tick_label(v, tx)) for v in tx],
                          [(sy(v), tick_label(v, ty)) for v in ty], stairs, drawn, squares, labels, key)
