"""The briefing laid out for reading: sections in the order a reader needs them (the headline,
then decisions, then detail, then appendices), each with its tables and the names of its charts,
and the JSON object of `accord brief -f json`. Renderers (`brief_html`, `brief_latex`,
`brief_text`) draw the same sections; nothing here computes a result."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .briefing import Briefing, Odds
from .compiled import compiled
from .interactions import hedged
from .models import Study
from .render import Gain, Table
from .reports import matrix_table, no_deal_note, rank_table
from .scoring import resolve_proposal

GLOSSARY = [
    ("gain", "How much better a stakeholder finds a package than the status quo: its value for the package "
             "(salience-weighted values of the package's levels) minus its value for the status quo."),
    ("reservation", "The gain a stakeholder needs before it accepts; it also rejects any package that touches "
                    "one of its red lines."),
    ("venue", "How a country must approve a package: executive agreement, statute or treaty, the strongest "
              "authority any of its levels needs there; each venue names the actors and chambers that must accept."),
    ("agenda gate", "Where a majority party controls a chamber's floor, a bill reaches a vote only if enough of "
                    "that party's seats accept it."),
    ("pivotal", "A stakeholder whose change of mind alone would flip whether the package is ratified."),
    ("frontier", "The packages ratified in both countries for which no other ratified package is better for one "
                 "country's ratifying coalition without being worse for the other's (its worst gain)."),
    ("headroom", "For a proposal inside the frontier, what each country's ratifying coalition would gain by "
                 "moving to the frontier point named."),
    ("p ratified", "The share of sampled worlds, with every judgment drawn within its range, in which the "
                   "package is ratified; the interval is its 95% Wilson interval."),
]


@dataclass(frozen=True)
class Cited:
    """A cell whose number rests on evidence records (the HTML links each record)."""

    value: object
    evidence: tuple[str, ...]

    def __str__(self) -> str:
        return cell_text(self.value)


def cell_text(value: object) -> str:
    if isinstance(value, Cited):
        return cell_text(value.value)
    if isinstance(value, Gain):
        return str(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def is_number(value: object) -> bool:
    value = value.value if isinstance(value, Cited) else value
    return isinstance(value, (Gain, float, int)) and not isinstance(value, bool)


def number(value: object) -> float | None:
    value = value.value if isinstance(value, Cited) else value
    if isinstance(value, Gain):
        return value.value
    return float(value) if is_number(value) else None


@dataclass
class Section:
    key: str
    title: str
    lead: list[str] = field(default_factory=list)  # paragraphs before the tables
    tables: list[Table] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # drawn after the lead: frontier | robustness | gains
    appendix: bool = False


def _pct(x: float) -> str:
    return f"{x:.1%}"


def blocks_table(b: Briefing, shown: set[str]) -> Table:
    rows = [[x.proposal, x.country, x.venue, x.kind, x.place,
             "" if x.share is None else Cited(_pct(x.share), x.evidence),
             "" if x.needed is None else Cited(_pct(x.needed), x.evidence), ", ".join(x.who)]
            for x in b.blocks if x.proposal in shown]
    data = [{"proposal": x.proposal, "country": x.country, "venue": x.venue, "kind": x.kind, "place": x.place,
             "share": None if x.share is None else round(x.share, 6), "needed": x.needed, "who": list(x.who),
             "evidence": list(x.evidence)} for x in b.blocks]
    return Table("blocks", "Where the failing proposals fail",
                 ["proposal", "country", "venue", "where", "actor or chamber", "accepting", "needed", "against"],
                 rows, data=data, notes=["accepting: share of the chamber's seats (agenda gate: of the majority "
                                         "party's seats) held by blocs that accept"])


def reasons_table(b: Briefing, shown: set[str]) -> Table:
    rows, data = [], []
    for e in b.reasons:
        sh = b.study.stakeholders[e.stakeholder]
        shift = [r for r in b.scenario.reservation if r.stakeholder == e.stakeholder]
        reservation_evidence = tuple(shift[0].evidence if shift else sh.reservation_evidence)
        if e.touched:
            lines = [x for t in e.terms if t.amount is None for x in t.evidence]
            why, cited = "red line: " + ", ".join(hedged(e.touched, e.terms)), tuple(dict.fromkeys(lines + sh.evidence))
        else:
            worst = [c for c in e.contributions if c.contribution < 0][:2]
            against = [t for t in e.terms if t.amount is not None and t.amount < 0]
            why = "; ".join([f"{c.dimension} ({c.contribution:+.3f})" for c in worst]
                            + [f"{t.label} ({t.amount:+.3f})" for t in against]) or "gain below reservation"
            cited = tuple(dict.fromkeys([x for c in worst for x in c.evidence]
                                        + [x for t in against for x in t.evidence]))
            doubts = sorted((t for t in e.trust if t["effect"] < 0), key=lambda t: t["effect"])[:2]  # delivery, regard
            why += "".join(f"; {t['text'].split(' — ')[0]} ({t['effect']:+.3f})" for t in doubts)
            cited = tuple(dict.fromkeys(cited + tuple(x for t in doubts for x in t["evidence"])))
        data.append({"proposal": e.proposal, "blocker": e.stakeholder, "gain": round(e.gain, 6),
                     "reservation": e.reservation, "why": why, "evidence": list(cited)})
        if e.proposal in shown:
            rows.append([e.proposal, e.stakeholder, e.gain, Cited(e.reservation, reservation_evidence), why,
                         Cited("", cited)])
    return Table("blockers", "Why they block", ["proposal", "blocker", "gain", "reservation", "why", "evidence"],
                 rows, data=data)


def pivotal_table(b: Briefing, shown: set[str]) -> Table:
    rows = [[r.proposal, r.ratified, ", ".join(r.assessment.coalition.pivotal) or "-"] for r in b.rows
            if r.proposal in shown]
    data = [{"proposal": r.proposal, "ratified": r.ratified, "pivotal": list(r.assessment.coalition.pivotal)}
            for r in b.rows]
    return Table("pivotal", "Pivotal stakeholders (one change of mind flips the result)",
                 ["proposal", "ratified", "pivotal"], rows, data=data)


def unlock_section(b: Briefing) -> Section | None:
    u = b.unlock
    if u is None:
        return None
    from .optimize_reports import unlock_json  # noqa: PLC0415

    rows = [[a.rank, "; ".join(f"{c.dimension}: {c.before} → {c.after}" for c in a.changes), len(a.changes),
             a.coalition.ratified, ", ".join(a.wins) or "-", ", ".join(a.loses) or "-"] for a in u.alternatives]
    lead = [f"The fewest changes to {u.proposal}, the best-ranked failing proposal, that make it ratify in "
            f"{', '.join(u.before.countries)} (solver {u.solver}: {u.status}); accord unlock {u.proposal} lists "
            f"alternatives."]
    table = Table("unlock", f"What unlocks {u.proposal}", ["rank", "changes", "n", "ratified", "wins", "loses"],
                  rows, data=unlock_json(b.study, u))
    return Section("unlock", "What would unlock it", lead, [table])


def frontier_sections(b: Briefing) -> tuple[Section | None, Section | None]:
    """The frontier in the body (chart, turning points, best package, proposals) and its full list
    as an appendix."""
    f = b.frontier
    if f is None:
        return None, None
    from .optimize_reports import frontier_tables, provision_rows  # noqa: PLC0415

    a, c = f.countries
    placed, full = frontier_tables(b.study, f)
    placed.figure = None
    placed.title = "Where the proposals sit"
    by_point = {p.point: p for p in f.points}
    rows, data, before = [], [], None
    here = {}
    for x in f.placements:
        if x.point is not None:
            here.setdefault(x.point, []).append(x.proposal)
    for k in b.turning:
        p = by_point[k]
        moved = {} if before is None else {d: lv for d, lv in p.package.items() if lv != before[d]}
        step = "start" if before is None else ", ".join(f"{d}={lv}" for d, lv in moved.items()) or "nothing"
        best = b.best is not None and b.best.point.point == k
        rows.append([k, p.gains[a], p.gains[c], p.coalition.countries[a].venue_name,
                     p.coalition.countries[c].venue_name, step, ", ".join(here.get(k, [])) or "-",
                     "best for both" if best else ""])
        data.append({"point": k, "gains": {a: round(p.gains[a], 6), c: round(p.gains[c], 6)}, "best": best})
        before = p.package
    turning = Table("turning_points", f"Turning points of the frontier ({len(b.turning)} of {found(f)})",
                    ["point", f"gain {a}", f"gain {c}", f"venue {a}", f"venue {c}",
                     "changes from the turning point before", "proposals nearest", "note"], rows, data=data,
                    notes=["proposals nearest: proposals on the frontier at this point, or inside it with this point "
                           f"the most even improvement for both{among(f)} (see where the proposals sit)."])
    lead = [summary_note(f)] if among(f) else []
    tables = [turning]
    if b.best is not None:
        p, o = b.best.point, b.best.odds
        lead.append(f"Each point is a package ratified in {a} and {c}; no ratified package is better for both. "
                    f"Point {p.point} is best for both (highest worst gain, {min(p.gains.values()):+.3f}); it is "
                    f"ratified in {o.p_ratified:.1%} of {b.samples} sampled worlds.")
        tables.append(Table("best_package", f"The best package for both countries (frontier point {p.point})",
                            ["pillar", "dimension", "level", "label", "status quo"], provision_rows(b.study, p.package, p.coalition.scenario),
                            data={"point": p.point, "gains": {k: round(v, 6) for k, v in p.gains.items()},
                                  "package": dict(p.package), "p_ratified": round(o.p_ratified, 6),
                                  "interval": [round(o.low, 6), round(o.high, 6)], "samples": b.samples}))
    else:
        lead.append(f"No package is ratified in both {a} and {c}.")
    tables.append(placed)
    full.title = f"{found(f)[0].upper()}{found(f)[1:]}, {a}'s gain rising"
    if among(f):
        placed.notes.append("inside: the point named is the one, of the points found, that improves the proposal "
                            "most evenly; accord frontier names the most even of all the frontier's points.")
    return (Section("frontier", f"The best package for both countries: the {a}–{c} frontier", lead, tables,
                    ["frontier"]),
            Section("frontier_points", "Appendix: the frontier point by point", [], [full], appendix=True))


def among(f) -> str:
    """" of the points found" where the brief's frontier is a summary that left points out."""
    return " of the points found" if f.summary and f.status != "optimal" else ""


def found(f) -> str:
    """How many frontier points the brief lists: all of them, or those the summary found."""
    if among(f):
        return f"the {len(f.points)} frontier points found"
    return f"all {len(f.points)} frontier points"


def summary_note(f) -> str:
    """The frontier in the brief is a summary: what it holds, and where the rest is."""
    return (f"A summary: {len(f.points)} of the frontier's points, chosen as its two ends, its best point for both "
            f"countries and its sharpest bends; each is on the frontier, and points are numbered in this summary. "
            f"accord frontier --scenario {f.scenario} lists all.")


def frontier_inputs(b: Briefing) -> tuple:
    """What the frontier chart draws: points, turning points, the best point, placed proposals."""
    f = b.frontier
    a, c = f.countries
    points = [(p.point, p.gains[a], p.gains[c]) for p in f.points]
    placed = [(x.proposal, x.gains[a], x.gains[c], x.position) for x in f.placements
              if math.isfinite(x.gains[a]) and math.isfinite(x.gains[c])]
    named = {x.point for x in f.placements if x.point is not None}
    return points, set(b.turning), b.best.point.point if b.best else None, placed, named


def robustness_table(b: Briefing) -> Table:
    rows = [[o.proposal, o.ratified_at_point, o.p_ratified, f"{o.low:.3f}–{o.high:.3f}",
             "" if o.p_first is None else o.p_first, "; ".join(o.decisive) or "-"] for o in odds_rows(b)]
    data = [{"proposal": o.proposal, "ratified_at_point": o.ratified_at_point, "p_ratified": round(o.p_ratified, 6),
             "interval": [round(o.low, 6), round(o.high, 6)], "p_first": round(o.p_first, 6),
             "decisive": list(o.decisive)} for o in b.odds]
    return Table("robustness", f"Robustness: {b.samples} worlds with the judgments drawn within their ranges "
                 f"(seed {b.seed})", ["proposal", "ratified (point)", "p ratified", "95% interval", "p first",
                                      "decisive judgments (share of range where ratification flips)"],
                 rows, data=data, notes=["accord robust and accord sensitivity PROPOSAL give the detail"])


def odds_rows(b: Briefing) -> list[Odds]:
    return b.odds + ([b.best.odds] if b.best else [])


def stakeholder_evidence(study: Study, stakeholder: str, dimensions: set[str]) -> tuple[str, ...]:
    """The records behind a stakeholder's gains on `dimensions`, and its reservation."""
    sh = study.stakeholders[stakeholder]
    ids = [x for d, c in sh.concerns.items() if d in dimensions for x in c.evidence] + list(sh.reservation_evidence)
    return tuple(dict.fromkeys(ids))


def gains_table(b: Briefing, proposals: list[str], stakeholders: list[str], key: str, title: str) -> Table:
    """Stakeholders x proposals, gains marked by acceptance, with the evidence behind each row."""
    rows_by = {r.proposal: r.assessment for r in b.rows}
    base = compiled(b.study, b.scenario).status_quo
    moved = {d for p in proposals for d, lv in resolve_proposal(b.study, p, b.scenario).items() if lv != base[d]}
    rows = []
    for s in stakeholders:
        rows.append([s, b.study.stakeholders[s].country]
                    + [Gain(rows_by[p].coalition.stances[s].gain, rows_by[p].coalition.stances[s].accepts)
                       for p in proposals]
                    + [Cited("", stakeholder_evidence(b.study, s, moved))])
    return Table(key, title, ["stakeholder", "country"] + proposals + ["evidence"], rows,
                 heat=list(range(2, 2 + len(proposals))))


def sections(b: Briefing) -> list[Section]:
    """The briefing's sections in reading order (the headline is drawn before them)."""
    shown = set(b.shown_proposals)
    out = [Section("ranking", "What ratifies", [], [rank_table(b.rows, b.method, b.scenario.id)])]
    failing = [r.proposal for r in b.failed if r.proposal in shown]
    lead = [f"Shown for the failing proposals among those that matter here ({', '.join(failing)}); the JSON and "
            f"accord coalition PROPOSAL cover every proposal."] if failing else ["Every proposal ratifies."]
    out.append(Section("blocks", "Who blocks, and where", lead,
                       [blocks_table(b, shown), reasons_table(b, shown), pivotal_table(b, shown)]))
    unlock = unlock_section(b)
    out += [unlock] if unlock else []
    body, appendix = frontier_sections(b)
    out += [body] if body else []
    out.append(Section("robustness", "How sure we are", [
        "Each judgment read from the sources (saliences, values, margins, scenario multipliers) is drawn within its "
        "range; the chart shows the share of worlds in which each proposal is ratified, with its 95% interval "
        "(filled: ratified at the point reading)."], [robustness_table(b)], ["robustness"]))
    if b.track_record is not None:
        out.append(Section("track_record", "Track record", [
            "How the model's verdicts, drawn the same way, fare against what happened in the historical episodes "
            "the study records, next to simple baselines; the worst misses first."], [b.track_record]))
    full = [r.proposal for r in b.rows]
    short = gains_table(b, b.shown_proposals, b.shown_stakeholders, "gains",
                        f"Gains over the status quo (✓ accepts, ✗ rejects) — {len(b.shown_proposals)} proposals, "
                        f"{len(b.shown_stakeholders)} stakeholders that decide them")
    out.append(Section("gains", "Who gains", [
        "The proposals that matter in this scenario (the best ratified and failing ones, and any whose "
        "verdict turns on a judgment) against the stakeholders that decide them: the actors each venue names, the "
        "blocs that vote, and whoever is pivotal or blocking. The full matrix is an appendix.",
        *no_deal_note(b.scenario.id, compiled(b.study, b.scenario).reversion.lines)],
        [short], ["gains"]))
    out.append(Section("glossary", "Glossary"))
    out += [appendix] if appendix else []
    everyone = list(b.rows[0].assessment.coalition.stances) if b.rows else []
    out.append(Section("matrix", "Appendix: every proposal and stakeholder", [],
                       [gains_table(b, full, everyone, "matrix_full", "Gains over the status quo (✓ accepts, ✗ rejects)")],
                       appendix=True))
    ratification = [[r.proposal, k, v.venue_name, v.ratified, ", ".join(v.blocking)]
                    for r in b.rows for k, v in r.assessment.coalition.countries.items()]
    out.append(Section("ratification", "Appendix: ratification by country", [], [
        Table("ratification", "Ratification by country", ["proposal", "country", "venue", "ratified", "blocking"],
              ratification)], appendix=True))
    out.append(Section("evidence", "Appendix: evidence records", [
        "The records the numbers above rest on: document and line of the passage, its anchor phrase, and our note."],
        appendix=True))
    return out


def cited_ids(b: Briefing, secs: list[Section]) -> list[str]:
    """Every evidence id some cell cites, in study order."""
    ids = {x for s in secs for t in s.tables for row in t.rows for v in row if isinstance(v, Cited)
           for x in v.evidence}
    return [e for e in b.study.evidence if e in ids]


def briefing_json(b: Briefing, secs: list[Section]) -> dict:
    """`accord brief -f json`: provenance, the headline with its facts, and each table's rows keyed
    by table (the matrix as `accord matrix` gives it)."""
    out: dict = {"provenance": b.provenance.json() if b.provenance else None,
                 "headline": [{"key": f.key, "text": f.text, "facts": f.facts} for f in b.findings]}
    for s in secs:
        for t in s.tables:
            if t.key in ("gains", "matrix_full"):
                continue
            out[t.key] = t.payload()
    out["matrix"] = matrix_table(b.study, [r.assessment for r in b.rows], b.scenario.id).payload()
    out["shown"] = {"proposals": b.shown_proposals, "stakeholders": b.shown_stakeholders}
    return out


def plain_table(table: Table) -> Table:
    """The table with evidence cells as record ids, a long list as its count (for terminal,
    markdown and CSV; the evidence appendix lists the records)."""
    def plain(v: object) -> object:
        if not isinstance(v, Cited):
            return v
        if v.value != "":
            return cell_text(v)
        return ", ".join(v.evidence) if len(v.evidence) <= 4 else f"{len(v.evidence)} records"

    rows = [[plain(v) for v in row] for row in table.rows]
    return Table(table.key, table.title, table.headers, rows, data=table.data, notes=table.notes, heat=table.heat)
