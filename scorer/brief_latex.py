"""The briefing as a LaTeX document that compiles with pdflatex and lualatex (booktabs tables,
longtable where long, the full matrix in landscape, amssymb marks that exist in the fonts, the
frontier and the robustness charts in TikZ), or as a fragment to paste into a document that
loads the packages its first lines name. Every string from the study is escaped."""

from __future__ import annotations

from .brief_sections import GLOSSARY, Cited, Section, odds_rows, cell_text, cited_ids, frontier_inputs, is_number, sections
from .briefing import Briefing
from .charts import frontier_layout, nice_ticks
from .escaping import latex
from .render import Gain, Table

PACKAGES = ["booktabs", "longtable", "array", "pdflscape", "amssymb", "xcolor", "colortbl", "tikz", "hyperref"]

def tex(text: object) -> str:
    """`text` escaped for LaTeX, as every table accord writes (`escaping.latex`)."""
    return latex(str(text))


def _cell(v: object, refs: dict[str, int], heat: tuple[float, float] | None) -> str:
    if isinstance(v, Gain):
        mark = r"\checkmark" if v.accepts else r"\ensuremath{\times}"
        colour = ""
        if heat:
            scale = max(abs(heat[0]), abs(heat[1])) or 1.0
            x = max(-1.0, min(1.0, v.value / scale))
            colour = (fr"\cellcolor{{green!{round(45 * x)}!white}}" if x >= 0
                      else fr"\cellcolor{{red!{round(-45 * x)}!white}}")
        return f"{colour}{v.value:+.3f}~{mark}"
    text = tex(cell_text(v))
    if isinstance(v, Cited) and v.evidence:
        marks = v.evidence[:MARKS] if text else v.evidence  # on a number, the first records; alone, all of them
        text += r"\allowbreak{}".join(fr"\hyperlink{{ev-{_anchor(e)}}}{{\textsuperscript{{[{refs[e]}]}}}}"
                                      for e in marks)
    return text


def _anchor(evidence_id: str) -> str:
    return "".join(ch for ch in evidence_id if ch.isalnum() or ch in "-.")


LINE_PT = {False: 483.0, True: 729.0}  # the line on an A4 page with 2 cm margins, upright and landscape
CHAR_PT = {r"\footnotesize": 4.6, r"\scriptsize": 4.3, r"\tiny": 3.5}  # a table character, generously
SMALLER = {r"\footnotesize": (r"\scriptsize", r"\tiny"), r"\scriptsize": (r"\tiny",)}
PAD_PT = 8.0  # a column's padding (2 x tabcolsep)
MARKS = 2  # evidence marks shown on a number (the HTML shows them all)


def _columns(t: Table, width: float, size: str, landscape: bool) -> tuple[str, list[bool], bool]:
    """The column spec and which columns are numbers. Numbers right-aligned at their natural
    width; text left-aligned when everything fits in `width` (a fraction of the line), else in
    ragged paragraph columns sharing what the numbers leave, in proportion to their length; and
    whether even that overflows (the caller then sets the table smaller)."""
    CHAR, PAD = CHAR_PT[size] / LINE_PT[landscape], PAD_PT / LINE_PT[landscape]  # noqa: N806
    numeric, natural = [], []
    for j in range(len(t.headers)):
        cells = [row[j] for row in t.rows if cell_text(row[j]) not in ("", "-")]
        numeric.append(bool(cells) and all(is_number(v) or cell_text(v).endswith("%") for v in cells))
        longest = max([_length(row[j]) for row in t.rows] + [1])
        word = int(1.2 * max(len(w) for w in _pieces(t.headers[j]) or [""]))  # bold
        head = word if numeric[-1] else int(1.2 * len(t.headers[j]))  # a text column's header stays on one line
        natural.append(max(longest, head) * CHAR + PAD)
    if sum(natural) <= 0.9 * width:  # a margin for the estimate
        return "@{}" + "".join("r" if n else "l" for n in numeric) + "@{}", numeric, False
    # Each text column gets at least its longest unbreakable piece, then a share of the rest.
    least = [max([len(w) for row in t.rows for w in _pieces(cell_text(row[j]))]
                 + [int(1.2 * len(w)) for w in _pieces(t.headers[j])] + [4]) * CHAR + PAD for j in range(len(t.headers))]
    rest = width - sum(w for w, n in zip(natural, numeric) if n) - sum(m for m, n in zip(least, numeric) if not n)
    extra = sum(w - m for w, m, n in zip(natural, least, numeric) if not n) or 1.0
    cols = [("r" if n else fr">{{\raggedright\arraybackslash}}p{{{max(0.05, m + max(0.0, rest) * (w - m) / extra - PAD):.3f}"
             fr"\linewidth}}") for w, m, n in zip(natural, least, numeric)]
    return "@{}" + "".join(cols) + "@{}", numeric, rest < 0


def _length(v: object) -> int:
    """A cell's width in characters, its evidence marks included."""
    if not isinstance(v, Cited):
        return len(cell_text(v))
    if not cell_text(v):
        return 5 * len(v.evidence)
    return len(cell_text(v)) + 4 * min(MARKS, len(v.evidence))


def _pieces(text: str) -> list[str]:
    """The pieces a line may not break inside (it breaks at spaces and after underscores)."""
    return text.replace("_", "_ ").split()


def _head(h: str, number: bool) -> str:
    """A header; over a column of numbers, its words stacked so it is no wider than they are."""
    if not number or len(h) <= 8:
        return fr"\textbf{{{tex(h)}}}"
    words = h.replace("_", "_ ").split()
    return r"\begin{tabular}[b]{@{}r@{}}" + r"\\".join(fr"\textbf{{{tex(w)}}}" for w in words) + r"\end{tabular}"


def table_tex(t: Table, refs: dict[str, int], width: float = 0.97, size: str = r"\footnotesize",
              landscape: bool = False) -> list[str]:
    if not t.rows:
        return [fr"\subsection*{{{tex(t.title)}}}", "None.", ""]
    heat_values = [v.value for row in t.rows for j, v in enumerate(row) if j in t.heat and isinstance(v, Gain)]
    span = (min(heat_values), max(heat_values)) if heat_values else None
    spec, numeric, overflows = _columns(t, width, size, landscape)
    for smaller in SMALLER.get(size, ()):
        if not overflows:
            break
        size = smaller
        spec, numeric, overflows = _columns(t, width, size, landscape)
    head = " & ".join(_head(h, n) for h, n in zip(t.headers, numeric)) + r" \\"
    out = [fr"\subsection*{{{tex(t.title)}}}", "{" + size, r"\setlength{\tabcolsep}{4pt}",
           fr"\begin{{longtable}}{{{spec}}}", r"\toprule", head, r"\midrule", r"\endhead",
           r"\bottomrule", r"\endfoot"]
    for row in t.rows:
        out.append(" & ".join(_cell(v, refs, span if j in t.heat else None) for j, v in enumerate(row)) + r" \\")
    out += [r"\end{longtable}", "}"]
    out += [fr"{{\small {tex(n)}}}\par" for n in t.notes]
    return out + [""]


# --- charts -------------------------------------------------------------------------------------

CM_PER_UNIT = 13.0 / 540  # the layout's canvas is 540 units wide; the chart is 13 cm


def frontier_tikz(b: Briefing) -> list[str]:
    """The frontier chart from the same layout as the HTML's (labels placed clear of each other)."""
    f = b.frontier
    a, c = f.countries
    lay = frontier_layout(*frontier_inputs(b), char_width=7.4)

    def pt(x: float, y: float) -> str:
        return f"({x * CM_PER_UNIT:.3f},{(lay.height - y) * CM_PER_UNIT:.3f})"

    left, top, right, bottom = lay.plot
    out = [r"\begin{center}", r"\begin{tikzpicture}[font=\scriptsize]"]
    for x, label in lay.xticks:
        out.append(fr"\draw[black!12] {pt(x, top)} -- {pt(x, bottom)}; \node[below] at {pt(x, bottom)} {{{label}}};")
    for y, label in lay.yticks:
        out.append(fr"\draw[black!12] {pt(left, y)} -- {pt(right, y)}; \node[left] at {pt(left, y)} {{{label}}};")
    out.append(fr"\draw[black!45] {pt(left, top)} rectangle {pt(right, bottom)};")
    out.append(fr"\node[below=14pt] at {pt((left + right) / 2, bottom)} {{worst gain in {tex(a)}'s ratifying coalition}};")
    out.append(fr"\node[rotate=90,above=22pt] at {pt(left, (top + bottom) / 2)} "
               fr"{{worst gain in {tex(c)}'s ratifying coalition}};")
    if lay.stairs:
        out.append(r"\draw[blue!60!black,opacity=0.6] " + " -- ".join(pt(x, y) for x, y in lay.stairs) + ";")
    for _, x, y, r, best in lay.points:
        out.append(fr"\fill[blue!60!black] {pt(x, y)} circle ({r * CM_PER_UNIT:.3f});")
        if best:
            out.append(fr"\draw[red!70!black,thick] {pt(x, y)} circle ({8 * CM_PER_UNIT:.3f});")
    colours = {"on the frontier": "blue!60!black", "inside": "black!60", "beyond": "red!70!black"}
    for _, x, y, position in lay.proposals:
        out.append(fr"\draw[{colours[position]},fill=white] {pt(x - 4, y - 4)} rectangle {pt(x + 4, y + 4)};")
    for p, mx, my, is_point in lay.labels:
        if p.leader:
            out.append(fr"\draw[black!35] {pt(mx, my)} -- {pt(p.box[0] if p.anchor == 'start' else p.box[2], (p.box[1] + p.box[3]) / 2)};")
        anchor = {"start": "base west", "end": "base east", "middle": "base"}[p.anchor]
        text = fr"\textbf{{{tex(p.text)}}}" if is_point else tex(p.text)
        colour = "blue!60!black" if is_point else "black"
        out.append(fr"\node[anchor={anchor},inner sep=0pt,text={colour}] at {pt(p.x, p.y)} {{{text}}};")
    out += [r"\end{tikzpicture}", r"\end{center}"]
    caption = ("Numbered: the frontier's turning points (table below); ringed: the best point for both countries. "
               "Squares: proposals (blue on the frontier, grey inside it, red beyond it).")
    if lay.key:
        caption += " Key: " + "; ".join(lay.key) + "."
    return out + [fr"{{\small {tex(caption)}}}\par", ""]


def robustness_tikz(b: Briefing) -> list[str]:
    rows = odds_rows(b)
    width, row_h = 9.0, 0.45
    out = [r"\begin{center}", r"\begin{tikzpicture}[font=\scriptsize]"]
    bottom = -row_h * len(rows)
    for v in nice_ticks(0.0, 1.0, 5):
        out.append(fr"\draw[black!12] ({v * width:.2f},0) -- ({v * width:.2f},{bottom:.2f}); "
                   fr"\node[below] at ({v * width:.2f},{bottom:.2f}) {{{v:.0%}}};".replace("%", r"\%"))
    for i, o in enumerate(rows):
        y = -row_h * (i + 0.5)
        fill = "blue!60!black" if o.ratified_at_point else "white"
        out.append(fr"\node[left] at (0,{y:.2f}) {{{tex(o.proposal)}}};")
        out.append(fr"\draw[blue!60!black,thick] ({o.low * width:.3f},{y:.2f}) -- ({o.high * width:.3f},{y:.2f});")
        out.append(fr"\draw[blue!60!black,fill={fill}] ({o.p_ratified * width:.3f},{y:.2f}) circle (2.2pt);")
    out.append(fr"\node[below=12pt] at ({width / 2:.2f},{bottom:.2f}) {{share of {b.samples} sampled worlds in which "
               r"it is ratified (dot; filled: ratified at the point reading) and its 95\% interval};")
    return out + [r"\end{tikzpicture}", r"\end{center}", ""]


CHARTS = {"frontier": frontier_tikz, "robustness": robustness_tikz}


def evidence_tex(b: Briefing, ids: list[str], refs: dict[str, int]) -> list[str]:
    out = [r"{\footnotesize", r"\begin{longtable}{@{}r>{\raggedright\arraybackslash}p{0.2\linewidth}"
           r">{\raggedright\arraybackslash}p{0.16\linewidth}>{\raggedright\arraybackslash}p{0.2\linewidth}"
           r">{\raggedright\arraybackslash}p{0.30\linewidth}@{}}", r"\toprule",
           r"\textbf{\#} & \textbf{record} & \textbf{where} & \textbf{anchor} & \textbf{note} \\", r"\midrule",
           r"\endhead", r"\bottomrule", r"\endfoot"]
    for e in ids:
        r = b.study.evidence[e]
        where = r.place
        out.append(fr"\hypertarget{{ev-{_anchor(e)}}}{{{refs[e]}}} & {tex(e)} & {tex(where)} & {tex(r.anchor or '')} & "
                   fr"{tex(r.note)} \\")
    return out + [r"\end{longtable}", "}", ""]


def section_tex(b: Briefing, s: Section, refs: dict[str, int], ids: list[str]) -> list[str]:
    # the full matrix, and a section whose table overflows the upright page even in the smallest size
    wide = s.key == "matrix" or any(t.rows and _columns(t, 0.97, r"\tiny", False)[2] for t in s.tables)
    out = [r"\begin{landscape}"] if wide else []
    out += [fr"\section{{{tex(s.title)}}}"] + [tex(p) + "\n" for p in s.lead]
    for c in s.charts:
        if c in CHARTS:
            out += CHARTS[c](b)
    for t in s.tables:
        out += table_tex(t, refs, size=r"\scriptsize" if wide else r"\footnotesize", landscape=wide)
    if s.key == "glossary":
        out += [r"\begin{description}"] + [fr"\item[{tex(w)}] {tex(d)}" for w, d in GLOSSARY] + [r"\end{description}"]
    if s.key == "evidence":
        out += evidence_tex(b, ids, refs)
    return out + ([r"\end{landscape}"] if wide else [])


def brief_latex(b: Briefing, title: str, fragment: bool = False) -> str:
    """The whole document, or with `fragment` its body only."""
    secs = sections(b)
    ids = cited_ids(b, secs)
    refs = {e: i + 1 for i, e in enumerate(ids)}
    body = [fr"{{\raggedright\LARGE\bfseries {tex(title)}\par}}", ""]
    if b.provenance:
        body.append(fr"{{\small {tex(b.provenance.line())}}}" + "\n")
    body += [r"\subsection*{Headline}", r"\begin{enumerate}"] + [fr"\item {tex(f.text)}" for f in b.findings]
    body += [r"\end{enumerate}", ""]
    appendix = False
    for s in secs:
        if s.appendix and not appendix:
            body += [r"\clearpage", r"\appendix"]
            appendix = True
        body += section_tex(b, s, refs, ids)
    if fragment:
        return "\n".join([f"% accord briefing fragment; the preamble needs: {', '.join(PACKAGES)}", *body]) + "\n"
    preamble = [r"\documentclass[10pt,a4paper]{article}", r"\usepackage{iftex}",
                r"\ifPDFTeX", r"  \usepackage[T1]{fontenc}", r"  \usepackage[utf8]{inputenc}", r"  \usepackage{lmodern}",
                r"\else", r"  \usepackage{fontspec}", r"\fi", r"\usepackage[margin=2cm]{geometry}",
                r"\usepackage[table]{xcolor}"] + [fr"\usepackage{{{p}}}" for p in PACKAGES
                                                  if p not in ("xcolor", "colortbl", "hyperref")]
    preamble += [r"\usepackage[hidelinks]{hyperref}", r"\setlength{\parindent}{0pt}", r"\setlength{\parskip}{0.5em}",
                 fr"\title{{{tex(title)}}}", r"\begin{document}"]
    return "\n".join(preamble + body + [r"\end{document}"]) + "\n"
