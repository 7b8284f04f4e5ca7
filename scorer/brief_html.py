"""The briefing as one self-contained HTML page: headline first, tables that scroll in their own
box and sort on a click, numbers linked to the evidence records they rest on, inline SVG charts
(the frontier with numbered points, p(ratified) with intervals, gains per proposal) and a print
stylesheet. No network: styles and the sorting script are inline."""

from __future__ import annotations

import html
import re

from .brief_sections import GLOSSARY, Cited, Section, odds_rows, cell_text, cited_ids, frontier_inputs, number, sections
from .briefing import Briefing
from .charts import frontier_layout, nice_ticks, tick_label
from .render import Table, _heat_colour

STYLE = """
*{box-sizing:border-box}
body{font:16px/1.5 Georgia,'Times New Roman',serif;max-width:74em;margin:0 auto;padding:1em;color:#111;background:#fff}
h1{font-size:1.6em;line-height:1.25;margin:.2em 0}
h2{font-size:1.3em;margin-top:2em;border-bottom:1px solid #ccc}
h3{font-size:1.05em;margin:1.2em 0 .3em}
p,li,dd,figcaption{overflow-wrap:anywhere}
.prov{font-size:.85em;color:#444}
.headline{font-size:1.08em;background:#f3f6f9;border-left:4px solid #1f5f8b;margin:0;padding:.6em 1em .6em 2.2em}
.headline li{margin:.35em 0}
nav ol{columns:14em;column-gap:3em;font-size:.9em;padding-left:1.6em}
.scroll{overflow-x:auto;max-width:100%;margin:.6em 0 1em;background:linear-gradient(to right,#fff 30%,rgba(255,255,255,0)),linear-gradient(to right,rgba(255,255,255,0),#fff 70%) 100% 0,radial-gradient(farthest-side at 0 50%,rgba(0,0,0,.25),rgba(0,0,0,0)),radial-gradient(farthest-side at 100% 50%,rgba(0,0,0,.25),rgba(0,0,0,0)) 100% 0;background-repeat:no-repeat;background-size:2.5em 100%,2.5em 100%,1em 100%,1em 100%;background-attachment:local,local,scroll,scroll}
table{border-collapse:collapse;font-size:.85em}
th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee;cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.cited{white-space:normal}
p.note{font-size:.85em;color:#333}
a.ev{font-size:.75em;vertical-align:super;text-decoration:none;margin-left:.1em}
tr:target{background:#fff6c8}
figure{margin:1em 0}
.chart{overflow-x:auto;max-width:100%}
.chart svg{display:block;width:100%;max-width:46rem;height:auto}
.bars .chart svg{min-width:0}
figcaption{font-size:.85em;color:#333}
.bars{display:flex;flex-wrap:wrap;gap:.5em 1.5em}
.bars figure{flex:1 1 18em;max-width:30em;margin:.3em 0}
summary{cursor:pointer;font-size:.85em;white-space:nowrap}
dt{font-weight:bold}dd{margin:0 0 .6em 1.5em}
@media print{
 body{max-width:none;padding:0;font-size:10pt}
 nav{display:none}
 .scroll{overflow:visible}
 table{font-size:8pt}
 th,td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 h2{break-after:avoid}
 figure,tr{break-inside:avoid}
 section.appendix{break-before:page}
 a{color:inherit;text-decoration:none}
}
"""

SCRIPT = """
document.querySelectorAll('table.sortable th').forEach(function(th){
 th.title='Sort by this column';
 th.addEventListener('click',function(){
  var row=th.parentNode,i=Array.prototype.indexOf.call(row.children,th),body=th.closest('table').tBodies[0];
  var up=th.getAttribute('aria-sort')!=='ascending';
  Array.prototype.forEach.call(row.children,function(h){h.removeAttribute('aria-sort')});
  th.setAttribute('aria-sort',up?'ascending':'descending');
  var rows=Array.prototype.slice.call(body.rows);
  rows.sort(function(x,y){
   var a=x.cells[i],b=y.cells[i],r;
   if(a.dataset.v!==undefined&&b.dataset.v!==undefined){r=parseFloat(a.dataset.v)-parseFloat(b.dataset.v)}
   else{r=a.textContent.localeCompare(b.textContent)}
   return up?r:-r});
  rows.forEach(function(r){body.appendChild(r)});
 });
});
"""

BLUE, GREY, RED, GREEN = "#1f5f8b", "#666", "#b03a2e", "#3d8b4f"
CHAR = 7.4  # width of a label character at 11px, generously (DejaVu Serif stands in for Georgia)


def esc(x: object) -> str:
    return html.escape(str(x))


def _refs(ids: tuple[str, ...], numbers: dict[str, int]) -> str:
    return " ".join(f'<a class="ev" href="#ev-{esc(e)}" title="{esc(e)}">[{numbers[e]}]</a>' for e in ids)


def breakable(text: str) -> str:
    """Escaped text with break opportunities after _ = , and / (ids wrap at natural points)."""
    out = esc(text)
    for ch in "_=/,":
        out = out.replace(ch, ch + "<wbr>")
    return out


def _cell(v: object, heat: tuple[float, float] | None, numbers: dict[str, int]) -> str:
    value = number(v)
    text = esc(cell_text(v)) if value is not None else breakable(cell_text(v))
    refs = _refs(v.evidence, numbers) if isinstance(v, Cited) else ""
    if value is not None:
        style = f' style="background:{_heat_colour(value, *heat)}"' if heat else ""
        cited = " cited" if refs else ""
        return f'<td class="num{cited}" data-v="{value:.6g}"{style}>{text}{refs}</td>'
    if isinstance(v, str) and re.fullmatch(r"\d+\.\d+–\d+\.\d+", v):  # an interval
        return f'<td class="num" data-v="{float(v.split("–")[0]):.6g}">{text}</td>'
    if isinstance(v, str) and v.endswith("%") and v[:-1].replace(".", "", 1).isdigit():
        return f'<td class="num" data-v="{float(v[:-1]):.6g}">{text}{refs}</td>'
    if isinstance(v, Cited) and isinstance(v.value, str) and v.value.endswith("%"):
        return f'<td class="num{" cited" if refs else ""}" data-v="{float(v.value[:-1]):.6g}">{text}{refs}</td>'
    if isinstance(v, Cited) and len(v.evidence) > 4:  # a long list of records, folded
        return f"<td>{text}<details><summary>{len(v.evidence)} records</summary>{refs}</details></td>"
    return f"<td>{text}{refs}</td>"


def table_html(t: Table, numbers: dict[str, int]) -> list[str]:
    heat_values = [number(v) for row in t.rows for j, v in enumerate(row) if j in t.heat and number(v) is not None]
    span = (min(heat_values), max(heat_values)) if heat_values else None
    heads = "".join(f'<th scope="col">{breakable(h)}</th>' for h in t.headers)
    if not t.rows:
        return [f'<h3 id="tbl-{esc(t.key)}">{esc(t.title)}</h3>', '<p class="note">None.</p>']
    out = [f'<h3 id="tbl-{esc(t.key)}">{esc(t.title)}</h3>' if t.title else "",
           f'<div class="scroll"><table class="sortable"><thead><tr>{heads}</tr></thead><tbody>']
    for row in t.rows:
        out.append("<tr>" + "".join(_cell(v, span if j in t.heat else None, numbers) for j, v in enumerate(row))
                   + "</tr>")
    out.append("</tbody></table></div>")
    out += [f'<p class="note">{esc(n)}</p>' for n in t.notes]
    return out


# --- charts -------------------------------------------------------------------------------------


def frontier_svg(b: Briefing) -> str:
    """The frontier as a staircase of points (turning points numbered, the best ringed) with the
    proposals as labelled squares; labels never overlap each other or a mark."""
    f = b.frontier
    a, c = f.countries
    lay = frontier_layout(*frontier_inputs(b), char_width=CHAR)
    w, h = lay.width, lay.height
    left, top, right, bottom = lay.plot
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:g} {h:g}" width="{w:g}" height="{h:g}" '
           f'font-family="Georgia,serif" font-size="11" role="img" id="chart-frontier" '
           f'aria-label="Frontier between {esc(a)} and {esc(c)}">']
    for x, label in lay.xticks:
        out.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="#e3e3e3"/>'
                   f'<text class="tick" x="{x}" y="{bottom + 15}" text-anchor="middle">{label}</text>')
    for y, label in lay.yticks:
        out.append(f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#e3e3e3"/>'
                   f'<text class="tick" x="{left - 6}" y="{y + 4}" text-anchor="end">{label}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="none" stroke="#999"/>')
    out.append(f'<text x="{(left + right) / 2}" y="{h - 14}" text-anchor="middle">worst gain in '
               f'{esc(a)}\'s ratifying coalition</text>')
    mid = (top + bottom) / 2
    out.append(f'<text x="14" y="{mid}" text-anchor="middle" transform="rotate(-90 14 {mid})">worst gain in '
               f'{esc(c)}\'s ratifying coalition</text>')
    if lay.stairs:
        path = "M" + " L".join(f"{x},{y}" for x, y in lay.stairs)
        out.append(f'<path d="{path}" fill="none" stroke="{BLUE}" stroke-width="1.2" opacity="0.6"/>')
    gains = {p.point: p.gains for p in f.points}
    for k, x, y, r, best in lay.points:
        out.append(f'<circle class="mark" cx="{x}" cy="{y}" r="{r}" fill="{BLUE}"><title>point {k}: '
                   f'{esc(a)} {gains[k][a]:+.3f}, {esc(c)} {gains[k][c]:+.3f}</title></circle>')
        if best:
            out.append(f'<circle cx="{x}" cy="{y}" r="8" fill="none" stroke="{RED}" stroke-width="1.5"/>')
    colours = {"on the frontier": BLUE, "inside": GREY, "beyond": RED}
    for name, x, y, position in lay.proposals:
        out.append(f'<rect class="mark" x="{x - 4}" y="{y - 4}" width="8" height="8" fill="white" '
                   f'stroke="{colours[position]}" stroke-width="1.5"><title>{esc(name)}: {position}</title></rect>')
    for p, mx, my, is_point in lay.labels:
        if p.leader:
            out.append(f'<line x1="{mx}" y1="{my}" x2="{p.box[0] if p.anchor == "start" else p.box[2]}" '
                       f'y2="{round((p.box[1] + p.box[3]) / 2, 1)}" stroke="#aaa" stroke-width="0.7"/>')
        style = f' fill="{BLUE}" font-weight="bold"' if is_point else ' fill="#222"'
        out.append(f'<text class="label" x="{p.x}" y="{p.y}" text-anchor="{p.anchor}"{style}>{esc(p.text)}</text>')
    out.append("</svg>")
    caption = ("Numbered: the frontier's turning points (table below); ringed: the best point for both countries. "
               "Squares: proposals (blue on the frontier, grey inside it, red beyond it).")
    if lay.key:
        caption += " Key: " + "; ".join(lay.key) + "."
    return f'<figure><div class="chart">{"".join(out)}</div><figcaption>{esc(caption)}</figcaption></figure>'


def robustness_svg(b: Briefing, width: int = 600) -> str:
    """p(ratified) per proposal (and the best package) as a dot with its 95% interval; filled
    where the proposal is ratified at the point reading."""
    rows = odds_rows(b)
    name_w = CHAR * max(len(o.proposal) for o in rows) + 12
    left, right, top, row_h = name_w, 16, 10, 22
    height = top + row_h * len(rows) + 40
    ticks = nice_ticks(0.0, 1.0, 5)

    def sx(p: float) -> float:
        return round(left + p * (width - left - right), 1)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'font-family="Georgia,serif" font-size="11" role="img" class="chart" id="chart-robustness" '
           f'aria-label="Share of sampled worlds in which each proposal is ratified">']
    bottom = top + row_h * len(rows)
    for v in ticks:
        out.append(f'<line x1="{sx(v)}" y1="{top}" x2="{sx(v)}" y2="{bottom}" stroke="#e3e3e3"/>'
                   f'<text class="tick" x="{sx(v)}" y="{bottom + 15}" text-anchor="middle">{v:.0%}</text>')
    for i, o in enumerate(rows):
        y = top + row_h * i + row_h / 2
        fill = BLUE if o.ratified_at_point else "white"
        out.append(f'<text class="label" x="{left - 8}" y="{y + 4}" text-anchor="end">{esc(o.proposal)}</text>'
                   f'<line x1="{sx(o.low)}" y1="{y}" x2="{sx(o.high)}" y2="{y}" stroke="{BLUE}" stroke-width="2"/>'
                   f'<line x1="{sx(o.low)}" y1="{y - 5}" x2="{sx(o.low)}" y2="{y + 5}" stroke="{BLUE}"/>'
                   f'<line x1="{sx(o.high)}" y1="{y - 5}" x2="{sx(o.high)}" y2="{y + 5}" stroke="{BLUE}"/>'
                   f'<circle cx="{sx(o.p_ratified)}" cy="{y}" r="4.5" fill="{fill}" stroke="{BLUE}" stroke-width="1.5">'
                   f'<title>{esc(o.proposal)}: {o.p_ratified:.1%} ({o.low:.1%}–{o.high:.1%})</title></circle>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{bottom + 32}" text-anchor="middle">share of '
               f'{b.samples} sampled worlds in which it is ratified</text></svg>')
    return f'<figure><div class="chart">{"".join(out)}</div><figcaption>Dot: share of worlds ratified (filled: ratified at the point ' \
           f'reading); bar: its 95% interval.</figcaption></figure>'


def gains_svgs(b: Briefing, width: int = 340) -> str:
    """Per shown proposal, the shown stakeholders' gains as bars (green: accepts, red: rejects),
    with each stakeholder's reservation as a tick, on one shared scale."""
    by = {r.proposal: r.assessment.coalition for r in b.rows}
    people = b.shown_stakeholders
    values = [by[p].stances[s].gain for p in b.shown_proposals for s in people] + [0.0]
    values += [by[p].stances[s].gain - by[p].stances[s].margin for p in b.shown_proposals for s in people]
    ticks = nice_ticks(min(values), max(values), 4)
    name_w = CHAR * max(len(s) for s in people) + 10 if people else 10
    left, right, top, row_h = name_w, 10, 8, 15
    bottom = top + row_h * len(people)
    height = bottom + 22

    def sx(x: float) -> float:
        return round(left + (x - ticks[0]) / (ticks[-1] - ticks[0]) * (width - left - right), 1)

    figures = []
    for p in b.shown_proposals:
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
               f'height="{height}" font-family="Georgia,serif" font-size="10" role="img" class="chart" '
               f'aria-label="Gains for {esc(p)}">']
        for v in ticks:
            out.append(f'<line x1="{sx(v)}" y1="{top}" x2="{sx(v)}" y2="{bottom}" stroke="#e3e3e3"/>'
                       f'<text class="tick" x="{sx(v)}" y="{bottom + 13}" text-anchor="middle">{tick_label(v, ticks)}</text>')
        for i, s in enumerate(people):
            st = by[p].stances[s]
            y = top + row_h * i
            x_a, x_b = sorted((sx(0.0), sx(st.gain)))
            colour = GREEN if st.accepts else RED
            reservation = st.gain - st.margin
            out.append(f'<text x="{left - 6}" y="{y + 11}" text-anchor="end">{esc(s)}</text>'
                       f'<rect x="{x_a}" y="{y + 3}" width="{max(0.8, round(x_b - x_a, 1))}" height="{row_h - 5}" '
                       f'fill="{colour}"><title>{esc(s)}: gain {st.gain:+.3f}, reservation {reservation:+.3f}, '
                       f'{"accepts" if st.accepts else "rejects"}</title></rect>'
                       f'<line x1="{sx(reservation)}" y1="{y + 1}" x2="{sx(reservation)}" y2="{y + row_h - 1}" '
                       f'stroke="#111" stroke-width="1.2"/>')
        out.append(f'<line x1="{sx(0.0)}" y1="{top}" x2="{sx(0.0)}" y2="{bottom}" stroke="#555"/></svg>')
        figures.append(f'<figure><figcaption>{esc(p)}</figcaption><div class="chart">{"".join(out)}</div></figure>')
    return ('<div class="bars">' + "".join(figures) + '</div><p class="note">Bars: gain over the status quo '
            '(green: accepts, red: rejects); black tick: the stakeholder\'s reservation.</p>')


CHARTS = {"frontier": frontier_svg, "robustness": robustness_svg, "gains": gains_svgs}


def evidence_html(b: Briefing, ids: list[str], numbers: dict[str, int]) -> list[str]:
    out = ['<div class="scroll"><table><thead><tr><th>#</th><th>record</th><th>where</th><th>anchor</th>'
           '<th>note</th></tr></thead><tbody>']
    for e in ids:
        r = b.study.evidence[e]
        where = r.place
        out.append(f'<tr id="ev-{esc(e)}"><td class="num">{numbers[e]}</td><td>{esc(e)}</td><td>{esc(where)}</td>'
                   f'<td>{esc(r.anchor or "")}</td><td>{esc(r.note)}</td></tr>')
    out.append("</tbody></table></div>")
    return out


def section_html(b: Briefing, s: Section, numbers: dict[str, int], ids: list[str]) -> list[str]:
    out = [f'<section id="sec-{esc(s.key)}"{" class=appendix" if s.appendix else ""}>', f"<h2>{esc(s.title)}</h2>"]
    out += [f"<p>{esc(p)}</p>" for p in s.lead]
    out += [CHARTS[c](b) for c in s.charts if c != "gains"]
    for t in s.tables:
        out += table_html(t, numbers)
    out += [CHARTS[c](b) for c in s.charts if c == "gains" and b.shown_stakeholders]
    if s.key == "glossary":
        out.append("<dl>" + "".join(f"<dt>{esc(w)}</dt><dd>{esc(d)}</dd>" for w, d in GLOSSARY) + "</dl>")
    if s.key == "evidence":
        out += evidence_html(b, ids, numbers)
    out.append("</section>")
    return out


def brief_html(b: Briefing, title: str) -> str:
    """The whole page."""
    secs = sections(b)
    ids = cited_ids(b, secs)
    numbers = {e: i + 1 for i, e in enumerate(ids)}
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{esc(title)}</title>",
           f"<style>{STYLE}</style></head><body>", f"<header><h1>{esc(title)}</h1>"]
    if b.provenance:
        out.append(f'<p class="prov" id="provenance">{esc(b.provenance.line())}</p>')
    out.append("</header>")
    out.append('<section id="sec-headline"><h2>Headline</h2><ol class="headline">')
    out += [f'<li>{esc(f.text)} <a href="#sec-{esc(f.ref)}">(table)</a></li>' for f in b.findings]
    out.append("</ol></section>")
    out.append('<nav><h2>Contents</h2><ol>' + "".join(f'<li><a href="#sec-{esc(s.key)}">{esc(s.title)}</a></li>'
                                                     for s in secs) + "</ol></nav>")
    for s in secs:
        out += section_html(b, s, numbers, ids)
    out.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(x for x in out if x) + "\n"
