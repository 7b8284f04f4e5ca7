"""The briefing as text: Markdown (a title, the headline, headings by section, numbers
right-aligned), the terminal (the same without the appendices, long cells wrapped), CSV (every
table) and JSON; and `render_brief`, which picks the renderer for a format."""

from __future__ import annotations

import textwrap


from .brief_sections import GLOSSARY, cell_text, cited_ids, is_number, plain_table, sections
from .briefing import Briefing
from .render import MACHINE_FORMATS, Table, render, to_json

TERMINAL_WIDTH = 100
TERMINAL_CELL = 40  # wrap text cells in terminal tables at this many characters
NUMBER_HEAD = 10  # ... and headers over numbers at this many


def _numeric_column(t: Table, j: int) -> bool:
    cells = [row[j] for row in t.rows if cell_text(row[j]) not in ("", "-")]
    return bool(cells) and all(is_number(v) or cell_text(v).rstrip("%").replace(".", "", 1).isdigit() for v in cells)


def _table(t: Table, tablefmt: str, wrap: int | None = None) -> str:
    """A table as text; with `wrap` (the terminal), text cells wrap at that width, headers over
    numbers at NUMBER_HEAD, and evidence columns are left to the other formats."""
    keep = [j for j, h in enumerate(t.headers) if not (wrap and h == "evidence")]
    plain = plain_table(t)
    escape = (lambda x: x.replace("|", "\\|")) if tablefmt == "pipe" else (lambda x: x)  # noqa: E731
    rows = [[escape(cell_text(row[j])) for j in keep] for row in plain.rows]
    align = ["right" if _numeric_column(t, j) else "left" for j in keep]
    widths = [None if a == "right" or _unwrapped([r[i] for r in rows], wrap) else wrap
              for i, a in enumerate(align)] if wrap and rows else None
    heads = [t.headers[j] for j in keep]
    if wrap:
        heads = [_stack(h, NUMBER_HEAD if a == "right" else wrap) for h, a in zip(heads, align)]
    if not rows:
        return "(none)"
    from tabulate import tabulate  # noqa: PLC0415  (text formats only: a start-up cost)

    return tabulate(rows, headers=heads, tablefmt=tablefmt, disable_numparse=True, colalign=align,
                    maxcolwidths=widths)


def _unwrapped(cells: list[str], width: int) -> bool:
    """Whether wrapping at `width` leaves every cell as it is, so tabulate need not wrap them:
    printable ASCII (as wide on screen as it is long), no trailing space, none wider than `width`."""
    return all(len(c) <= width and c.isascii() and c.isprintable() and not c.endswith(" ") for c in cells)


def _stack(header: str, width: int) -> str:
    """A header on lines of at most `width` characters, broken at spaces or after underscores."""
    lines: list[str] = []
    for piece in header.replace("_", "_ ").split():
        joiner = "" if lines and lines[-1].endswith("_") else " "
        if lines and len(lines[-1]) + len(joiner) + len(piece) <= width:
            lines[-1] += joiner + piece
        else:
            lines.append(piece)
    return "\n".join(lines)


def brief_markdown(b: Briefing, title: str) -> str:
    secs = sections(b)
    out = [f"# {title}", ""]
    if b.provenance:
        out += [f"*{b.provenance.line()}*", ""]
    out += ["## Headline", ""] + [f"{i}. {f.text}" for i, f in enumerate(b.findings, 1)] + [""]
    for s in secs:
        out += [f"## {s.title}", ""] + [x for p in s.lead for x in (p, "")]
        if s.charts:
            out += [f"*The HTML and LaTeX briefs draw this section's chart{'s' if s.key == 'gains' else ''}.*", ""]
        for t in s.tables:
            out += [f"### {t.title}", "", _table(t, "pipe"), ""] + [x for n in t.notes for x in (n, "")]
        if s.key == "glossary":
            out += [f"- **{w}**: {d}" for w, d in GLOSSARY] + [""]
        if s.key == "evidence":
            out += _evidence_lines(b, cited_ids(b, secs))
    return "\n".join(out).rstrip() + "\n"


def _evidence_lines(b: Briefing, ids: list[str]) -> list[str]:
    out = []
    for e in ids:
        r = b.study.evidence[e]
        where = r.place if r.external else f"{r.place}, \u201c{r.anchor}\u201d"
        out.append(f"- `{e}` ({where}): {r.note}")
    return out + [""]


def brief_terminal(b: Briefing, title: str) -> str:
    out = [title]
    if b.provenance:
        out.append(b.provenance.line())
    out += ["", "Headline", ""]
    for i, f in enumerate(b.findings, 1):
        out += textwrap.wrap(f.text, TERMINAL_WIDTH, initial_indent=f"{i}. ", subsequent_indent="   ")
    for s in sections(b):
        if s.appendix or s.key == "glossary":
            continue
        out += ["", "", s.title.upper()]
        for p in s.lead:
            out += [""] + textwrap.wrap(p, TERMINAL_WIDTH)
        for t in s.tables:
            out += ["", t.title, "", _table(t, "simple", TERMINAL_CELL)]
            out += [x for n in t.notes for x in ["", *textwrap.wrap(n, TERMINAL_WIDTH)]]
    out += [""] + textwrap.wrap("The frontier's points found, the full matrix and the evidence records: accord brief -f "
                                "html (or -f markdown, -f json); every frontier point: accord frontier; accord matrix.", TERMINAL_WIDTH)
    return "\n".join(out) + "\n"


def brief_table(b: Briefing, fmt: str) -> str:
    """CSV and JSON lines hold one table: the ranking (the JSON has every table, keyed by name)."""
    return render(plain_table(sections(b)[0].tables[0]), fmt)


def render_brief(b: Briefing, fmt: str, title: str, fragment: bool = False) -> str:
    """The briefing in `fmt` (terminal, markdown, csv, jsonl, json, html or latex; `fragment`: LaTeX only)."""
    if fmt == "json":
        from .brief_sections import briefing_json  # noqa: PLC0415
        return to_json(briefing_json(b, sections(b)))
    if fmt == "html":
        from .brief_html import brief_html  # noqa: PLC0415
        return brief_html(b, title)
    if fmt == "latex":
        from .brief_latex import brief_latex  # noqa: PLC0415
        return brief_latex(b, title, fragment)
    if fmt == "markdown":
        return brief_markdown(b, title)
    if fmt in MACHINE_FORMATS:
        return brief_table(b, fmt)
    if fmt == "terminal":
        return brief_terminal(b, title)
    raise ValueError(f"unknown format '{fmt}'")

