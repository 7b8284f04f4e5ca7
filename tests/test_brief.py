"""The briefing as a reader gets it: a headline whose sentences state the library's own numbers,
a page that reads in a real browser at phone and desk widths, LaTeX that compiles with the TeX
engines, Markdown with a title and right-aligned numbers, and byte-identical output."""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import HERE, MINI

RANGED = HERE / "fixtures" / "ranged"
SCREENSHOTS = HERE.parent / "out" / "brief"  # ignored by git: look at them, never commit them
EPOCH = "1764547200"  # 2025-12-01


@pytest.fixture
def brief(run, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)

    def _brief(*args: str, study: Path = MINI) -> str:
        code, out, err = run("brief", "--study", study, *args)
        assert code == 0, err
        return out

    return _brief


@pytest.fixture(scope="module")
def case():
    """The shipped case in 2001 as a Briefing (fourteen proposals, a 34-point frontier), built once."""
    from scorer.briefing import brief
    from scorer.loading import load_study
    from scorer.provenance import provenance

    study = load_study(HERE.parent)
    scenario = study.scenario("pre911_2001")
    b = brief(study, scenario)
    b.provenance = provenance(HERE.parent, ".", scenario.id, b.seed, "2025-12-01")
    return b


def tool(name: str) -> str:
    """The binary's path; a failure in CI (which installs it), a skip elsewhere."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing; .ci/run installs it")
        pytest.skip(f"{name} is not installed (apt-get install as .ci/run does)")
    return path


# --- the headline ---------------------------------------------------------------------------------


def test_headline_states_the_librarys_own_numbers_on_the_mini_study():
    from scorer.briefing import brief
    from scorer.pareto import frontier
    from scorer.loading import load_study
    from scorer.limits import Limits
    from scorer.search import optimize
    from scorer.ranking import rank
    from scorer.concessions import unlock

    study = load_study(MINI)
    scenario = study.scenario("calm")
    b = brief(study, scenario)
    facts = {f.key: f for f in b.findings}
    assert list(facts) == ["passes", "blocks", "unlock", "best", "judgments"]

    rows = rank(study, scenario)
    assert facts["passes"].facts == {"ratified": [r.proposal for r in rows if r.ratified],
                                     "failed": [r.proposal for r in rows if not r.ratified]}
    assert facts["passes"].text.startswith("In calm, 2 of 3 proposals ratify (pilot_deal and status_quo)")

    # grand_bargain fails in the House: no accepting bloc, half the seats needed (coalition's own tally)
    verdict = next(r for r in rows if r.proposal == "grand_bargain").assessment.coalition.countries["us"]
    house = verdict.chambers["us_house"]
    [block] = facts["blocks"].facts["blocks"]
    assert (block["kind"], block["place"], block["share"], block["needed"]) == ("chamber", "us_house", house.share,
                                                                                  house.threshold)
    assert set(block["who"]) == set(verdict.blocking) == {"house_moderates", "house_restrictionists"}
    assert "the House votes it down (0% of seats accept, 50% needed" in facts["blocks"].text

    u = unlock(study, scenario, "grand_bargain", top=1).alternatives[0]
    assert facts["unlock"].facts["changes"] == len(u.changes) == 1
    assert "guest_workers large → pilot" in facts["unlock"].text and "house_moderates" in facts["unlock"].text

    # the best package for both countries is the maximin optimum, and a frontier point
    best = optimize(study, scenario).packages[0]
    point = facts["best"].facts
    assert min(point["gains"].values()) == pytest.approx(best.objective)
    f = frontier(study, scenario, Limits())
    assert f.points[point["point"] - 1].gains == point["gains"]
    assert f"frontier point {point['point']}: the worst gain is {point['gains']['us']:+.3f}" in facts["best"].text
    assert "ratified in 100% of 2000 sampled worlds" in facts["best"].text  # the mini study has no ranges
    assert facts["judgments"].facts == {"contested": []}


def test_headline_names_the_verdicts_that_turn_on_open_judgments():
    from scorer.briefing import BRIEF_SAMPLES, brief
    from scorer.judgments import DEFAULT_SEED
    from scorer.loading import load_study
    from scorer.sampling import robust

    study = load_study(RANGED)
    scenario = study.scenario("calm")
    finding = next(f for f in brief(study, scenario).findings if f.key == "judgments")
    odds = {o.proposal: o.ratified / BRIEF_SAMPLES for o in robust(study, scenario, BRIEF_SAMPLES, DEFAULT_SEED).odds}
    contested = {c["proposal"]: c["p_ratified"] for c in finding.facts["contested"]}
    assert contested["pilot_deal"] == odds["pilot_deal"] < 0.9
    assert f"pilot_deal is ratified at the point reading but ratified in {odds['pilot_deal']:.0%} of worlds" \
        in finding.text
    assert "status_quo" not in contested  # ratified in every world


def test_the_terminal_brief_opens_with_the_headline_and_leaves_the_appendices_out(brief):
    out = brief()
    head = out.split("\n\n\n")[0]
    assert head.startswith(f"accord briefing: mini (calm)\naccord {metadata.version('accord')} · study")
    assert "1. In calm, 2 of 3 proposals ratify" in head and "5. No verdict turns on a judgment" in head
    assert "Appendix" not in out and max(len(line) for line in out.splitlines()) <= 160


def test_json_carries_the_headline_provenance_and_every_table(brief):
    data = json.loads(brief("-f", "json"))
    assert [h["key"] for h in data["headline"]] == ["passes", "blocks", "unlock", "best", "judgments"]
    assert data["provenance"]["date"] == "2025-12-01" and data["provenance"]["seed"] == 2001
    assert len(data["provenance"]["sha256"]) == 64 and data["provenance"]["scenario"] == "calm"
    assert {"ranking", "blocks", "blockers", "unlock", "frontier", "turning_points", "best_package", "robustness",
            "matrix", "ratification"} <= set(data)
    assert [p["point"] for p in data["frontier"]["points"]] == [1, 2, 3]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_one_table_formats_hold_the_ranking(brief, fmt):
    """csv and JSON lines hold one table each, as for every command: the brief's is its ranking."""
    out = brief("-f", fmt)
    if fmt == "csv":
        rows = out.splitlines()
        assert rows[0].startswith("rank,proposal,score,ratified") and len(rows) == 4
    else:
        rows = [json.loads(line) for line in out.splitlines()]
        assert [r["rank"] for r in rows] == [1, 2, 3] and {"proposal", "score", "ratified"} <= set(rows[0])


def test_the_study_hash_follows_the_content(brief, mini):
    before = json.loads(brief("-f", "json", study=mini))["provenance"]["sha256"]
    (mini / "proposals" / "pilot_deal.toml").write_text((mini / "proposals" / "pilot_deal.toml").read_text() + "\n")
    assert json.loads(brief("-f", "json", study=mini))["provenance"]["sha256"] != before


@pytest.mark.parametrize("fmt", ["html", "latex", "markdown"])
def test_documents_are_byte_identical_across_runs(brief, fmt):
    first = brief("-f", fmt)
    assert "2025-12-01" in first and first == brief("-f", fmt)


def test_markdown_has_a_title_headings_and_right_aligned_numbers(brief):
    out = brief("-f", "markdown")
    lines = out.splitlines()
    assert lines[0] == "# accord briefing: mini (calm)"
    assert {"## Headline", "## What ratifies", "## Glossary", "## Appendix: evidence records"} <= set(lines)
    ranking = next(i for i, line in enumerate(lines) if line == "### Ranking by support (calm)")
    rule = lines[ranking + 3]  # title, blank, header, then the alignment row
    assert rule.split("|")[1].strip().endswith(":") and rule.split("|")[3].strip().endswith(":")  # rank, score
    assert not rule.split("|")[2].strip().endswith(":")  # proposal


def test_fragment_is_for_latex_only(run):
    code, _, err = run("brief", "--study", MINI, "--fragment")
    assert code == 2 and "--fragment applies to --format latex only" in err


@pytest.mark.parametrize("flag", [("--table", "ranking"), ("--columns", "rank"), ("--wide",)])
def test_the_brief_offers_no_table_selection_it_would_ignore(run, flag):
    """The briefing lays out its own tables: --table, --columns and --wide are refused (they were
    offered and silently ignored), and its help does not list them."""
    code, _, err = run("brief", "--study", MINI, *flag)
    assert code == 2 and f"No such option: {flag[0]}" in err
    code, out, _ = run("brief", "--help")
    assert code == 0 and not {"--table", "--columns", "--wide"} & set(re.findall(r"--[a-z-]+", out))


def test_latex_escapes_what_the_fonts_lack():
    """The brief escapes as every LaTeX table does (one escaper, `escaping.latex`)."""
    from scorer.brief_latex import tex

    assert tex("a_b & 50% → ✓ ✗ — #1 {x} ~ ^ \\") == (
        r"a\_\allowbreak{}b \& 50\% \ensuremath{\rightarrow} \ensuremath{\surd} \ensuremath{\times} --- \#1 "
        r"\{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}")
    assert tex("Peña ☃") == "Peña ?"


def test_ticks_are_round_and_cover_the_data():
    from scorer.charts import nice_ticks, tick_label

    for low, high in [(0.137, 0.862), (-0.118, 0.708), (0.0, 1.0), (0.4, 0.4), (-3.2, 17.9)]:
        ticks = nice_ticks(low, high, 6)
        step = ticks[1] - ticks[0]
        assert ticks[0] <= low and ticks[-1] >= high and 3 <= len(ticks) <= 9
        assert round(step / 10 ** math.floor(math.log10(step)), 6) in (1, 2, 2.5, 5)
        assert all(abs(t / step - round(t / step)) < 1e-6 for t in ticks)
    assert [tick_label(t, [0, 0.2, 0.4]) for t in (0, 0.2, 0.4)] == ["0", "0.2", "0.4"]


def test_labels_never_overlap_each_other_or_a_mark():
    from scorer.charts import overlaps, place_labels

    marks = [(x - 3, y - 3, x + 3, y + 3) for x, y in [(50 + 4 * i, 50 + 3 * i) for i in range(30)]]
    items = [(f"label_{i}", 50 + 4 * i, 50 + 3 * i) for i in range(30)]
    placed = place_labels(items, marks, (0, 0, 400, 300))
    boxes = [p.box for p in placed if p]
    assert len(boxes) >= 10
    assert not any(overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] + marks)
    assert all(0 <= b[0] and b[2] <= 400 and 0 <= b[1] and b[3] <= 300 for b in boxes)


# --- read in a browser ----------------------------------------------------------------------------

# Headless Chromium will not make a window narrower than 500 px, so the page is read inside an
# iframe of the width under test; the frame's document is the page, with its own viewport.
PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}iframe{border:0;display:block}</style>
</head><body><iframe id="page" style="width:WIDTHpx;height:HEIGHTpx" srcdoc="PAGE"></iframe><script>
document.getElementById('page').addEventListener('load',function(){
 var w=this.contentWindow,d=this.contentDocument;
 var r={width:w.innerWidth,scroll:d.documentElement.scrollWidth,height:d.documentElement.scrollHeight,
        broken:[],evidence:0,overlaps:[]};
 d.querySelectorAll('a[href^="#"]').forEach(function(a){
  var id=decodeURIComponent(a.getAttribute('href').slice(1));
  if(!d.getElementById(id)) r.broken.push(id);
  if(id.indexOf('ev-')===0) r.evidence++;});
 var svg=d.getElementById('chart-frontier'),items=[];
 if(svg){svg.querySelectorAll('text.label,.mark').forEach(function(e){
  var b=e.getBBox();items.push({label:e.tagName==='text',t:e.textContent,x0:b.x,y0:b.y,x1:b.x+b.width,y1:b.y+b.height});});}
 items.forEach(function(a,i){if(!a.label)return;items.forEach(function(b,j){
  if(j===i||(b.label&&j<i))return;
  if(a.x0<b.x1-0.5&&b.x0<a.x1-0.5&&a.y0<b.y1-0.5&&b.y0<a.y1-0.5) r.overlaps.push(a.t+' / '+b.t);});});
 r.labels=items.filter(function(a){return a.label}).length;
 var table=d.querySelector('#tbl-ranking + .scroll table'),th=table.tHead.rows[0].cells[2];
 th.click();
 var v=Array.prototype.map.call(table.tBodies[0].rows,function(tr){return parseFloat(tr.cells[2].dataset.v)});
 r.sorted=v.every(function(x,i){return i===0||v[i-1]<=x});
 th.click();
 var w=Array.prototype.map.call(table.tBodies[0].rows,function(tr){return parseFloat(tr.cells[2].dataset.v)});
 r.sorted=r.sorted&&w.every(function(x,i){return i===0||w[i-1]>=x});
 var pre=document.createElement('pre');pre.id='reader-check';pre.textContent=JSON.stringify(r);
 document.body.appendChild(pre);
});
</script></body></html>"""


def probe(page: str, width: int, height: int) -> str:
    return PROBE.replace("WIDTH", str(width)).replace("HEIGHT", str(height)).replace("PAGE", html.escape(page))


def chromium(*args: str) -> str:
    return subprocess.run([tool("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           "--no-first-run", "--disable-extensions", *args], capture_output=True, text=True,
                          timeout=60).stdout


def test_the_page_reads_at_phone_and_desk_width(case, tmp_path):
    """The shipped case in 2001: fourteen proposals, a 34-point frontier, every chart busy."""
    from scorer.brief_text import render_brief

    page = render_brief(case, "html", "accord briefing")
    assert '<meta name="viewport"' in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def dump(width: int) -> str:
        check = tmp_path / f"check-{width}.html"
        check.write_text(probe(page, width, 900))
        return chromium(f"--window-size={max(width, 500)},900", "--dump-dom", check.as_uri())

    def screenshot(width: int, height: int) -> Path:
        shown = tmp_path / f"shot-{width}.html"
        shown.write_text(probe(page, width, height))
        shot = SCREENSHOTS / f"brief-pre911_2001-{width}.png"
        chromium(f"--window-size={max(width, 500)},{height}", f"--screenshot={shot}", shown.as_uri())
        return shot

    widths = (420, 1400)
    with ThreadPoolExecutor(max_workers=len(widths)) as pool:  # each browser mostly waits: both widths at once
        doms = list(pool.map(dump, widths))
        results = []
        for width, dom in zip(widths, doms):
            found = re.search(r'<pre id="reader-check">(.*?)</pre>', dom, re.S)
            assert found, dom[-2000:]
            results.append(json.loads(html.unescape(found.group(1))))
        shots = list(pool.map(screenshot, widths, [min(r["height"], 16000) for r in results]))
    for width, result, shot in zip(widths, results, shots):
        assert result["width"] == width
        assert result["scroll"] <= width, f"the page scrolls sideways at {width} px"
        assert result["broken"] == [], "every in-page link resolves"
        assert result["evidence"] > 0, "numbers link to their evidence records"
        assert result["labels"] > 0 and result["overlaps"] == [], "frontier labels overlap"
        assert result["sorted"], "a click on a header sorts the table, a second click reverses it"
        assert shot.stat().st_size > 10_000


# --- compiled --------------------------------------------------------------------------------------


def compile_tex(engine: str, source: str, folder: Path, fits: bool = True) -> tuple[int, str]:
    """Compile; the PDF's page count and the log. `fits`: no line or table wider than the page."""
    (folder / "brief.tex").write_text(source)
    done = subprocess.run([tool(engine), "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "brief.tex"],
                          cwd=folder, capture_output=True, text=True, timeout=120)
    log = (folder / "brief.log").read_text(errors="replace")
    assert done.returncode == 0, log[-3000:]
    pages = re.search(r"Output written on brief\.pdf \((\d+) pages?", log)
    assert pages and (folder / "brief.pdf").read_bytes().startswith(b"%PDF")
    assert "Missing character" not in log, "a character the font lacks"
    assert not fits or "Overfull \\hbox" not in log, "a table or line wider than the page"
    return int(pages.group(1)), log


@pytest.mark.parametrize("engine", ["pdflatex", "lualatex"])
def test_the_latex_document_compiles(brief, tmp_path, engine):
    pages, log = compile_tex(engine, brief("-f", "latex"), tmp_path)
    # the body, then the appendices from a fresh page, the full matrix on a landscape page of its own
    assert pages >= 4


def test_the_case_compiles_with_no_table_wider_than_the_page(case, tmp_path):
    from scorer.brief_text import render_brief

    pages, _ = compile_tex("pdflatex", render_brief(case, "latex", "accord briefing"), tmp_path)
    assert pages >= 10


def test_the_fragment_compiles_inside_a_document_of_ones_own(brief, tmp_path):
    fragment = brief("-f", "latex", "--fragment")
    needs = fragment.splitlines()[0].split("needs: ")[1].split(", ")
    assert "\\documentclass" not in fragment and "\\begin{document}" not in fragment
    packages = "\n".join(f"\\usepackage{{{p}}}" for p in needs if p != "xcolor")
    source = f"\\documentclass{{article}}\n\\usepackage[table]{{xcolor}}\n{packages}\n\\begin{{document}}\n" \
             f"{fragment}\\end{{document}}\n"
    pages, _ = compile_tex("pdflatex", source, tmp_path, fits=False)  # its widths are the host document's
    assert pages >= 2


def test_every_section_reads_each_proposals_one_scoring_and_it_equals_a_fresh_one(case):
    """A brief scores each package once per scenario: the coalition the ranking read is the one the
    compiled study remembers, so the frontier's placements and the sensitivity asking for the same
    package get that same object; and it equals what a fresh compilation scores."""
    from scorer.compiled import compile_study, compiled
    from scorer.ratification import _coalition, coalition
    from scorer.scoring import resolve_proposal

    study, scenario = case.study, case.scenario
    fresh = compile_study(study, scenario)
    assert fresh is not compiled(study, scenario)
    for row in case.rows:
        package = resolve_proposal(study, row.proposal, scenario)
        countries = row.assessment.countries
        assert coalition(study, scenario, package, countries) is row.assessment.coalition
        assert row.assessment.coalition == _coalition(fresh, package, list(countries))


# tabulate casts a cell reading True or False to a bool before wrapping it, and fails on it
@given(st.lists(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12).map(str.rstrip)
                .filter(lambda c: c not in ("True", "False")), min_size=1, max_size=6))
def test_the_terminal_leaves_unwrapped_the_columns_tabulate_would_not_change(cells):
    """The terminal asks tabulate to wrap only the text columns wrapping would change: for the
    others (printable ASCII, no trailing space, none wider than the width) wrapping is the identity."""
    from tabulate import tabulate

    from scorer.brief_text import _unwrapped

    rows = [[c, "x"] for c in cells]
    assert _unwrapped(cells, 12)
    assert tabulate(rows, headers=["a", "b"], disable_numparse=True, maxcolwidths=[12, None]) == \
        tabulate(rows, headers=["a", "b"], disable_numparse=True)
    assert not _unwrapped([*cells, "a" * 13], 12) and not _unwrapped([*cells, "a "], 12)


def test_a_frontier_point_that_needs_no_venue_reads_none():
    """A turning point whose package asks nothing of a country (no venue there) is shown as 'none',
    as the ratification appendix shows it; it used to stop the brief with an AttributeError."""
    from synthetic import synthetic_study

    from scorer.brief_text import render_brief
    from scorer.briefing import brief

    study = synthetic_study(6, 3, 12, seed=0, n_proposals=4, seat_ranges=True, interactions=True, agenda=True,
                            delivery=True, regard=True)
    study = study.model_copy(update={"stakeholders": {k: v.model_copy(update={"reservation": -0.1})
                                                      for k, v in study.stakeholders.items()}})
    b = brief(study, study.scenarios["base"])
    first = next(p for p in b.frontier.points if p.point == b.turning[0])
    assert {v.venue for v in first.coalition.countries.values()} == {None}  # the case this test is about
    for fmt in ("terminal", "markdown", "html", "latex", "json"):
        text = render_brief(b, fmt, "T")
        if fmt == "markdown":
            row = re.search(rf"^\| +{first.point} \|.*$", text.split("Turning points")[1], re.M).group(0)
            assert [c.strip() for c in row.split("|")][4:6] == ["none", "none"]
