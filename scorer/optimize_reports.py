"""Result tables for the optimiser's commands (optimize, unlock, frontier) and the frontier chart:
display rows, an inline SVG, and the JSON contracts the README documents. Nothing here solves
anything, and nothing here imports PuLP."""

from __future__ import annotations

import html
import math
from collections import Counter
from typing import TYPE_CHECKING

from .models import Study
from .ratification import Coalition
from .render import Report, Table
from .reports import accepting, coalition_json
from .compiled import compiled
from .scoring import Package

if TYPE_CHECKING:  # the result types live in modules that import PuLP
    from .pareto import Frontier
    from .search import Diagnosis, Found, Search
    from .concessions import Unlock


def _r(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, 6)


def _countries_json(c: Coalition) -> dict:
    return coalition_json("", c)["countries"]


def no_deal(study: Study, scenario: str) -> Package:
    """What the scenario has without a deal: the point every change is counted from."""
    return compiled(study, study.scenarios[scenario]).status_quo


def changes_of(study: Study, package: Package, scenario: str) -> dict[str, str]:
    """The dimensions the package moves off the scenario's no-deal point, with their new levels."""
    base = no_deal(study, scenario)
    return {d: lv for d, lv in package.items() if lv != base[d]}


def changes_json(study: Study, package: Package, scenario: str) -> dict[str, dict[str, str]]:
    """The dimensions the package moves off the no-deal point: {dimension: {"from", "to"}}."""
    base = no_deal(study, scenario)
    return {d: {"from": base[d], "to": lv} for d, lv in changes_of(study, package, scenario).items()}


def pillar_names(study: Study) -> dict[str, str]:
    """Dimension -> the pillar name the study's proposals most often put it under."""
    seen: dict[str, Counter] = {}
    for p in study.proposals.values():
        for pillar in p.pillars:
            for d in pillar.provisions:
                seen.setdefault(d, Counter())[pillar.name] += 1
    return {d: counts.most_common(1)[0][0] for d, counts in seen.items()}


def pillars(study: Study, package: Package, scenario: str) -> list[tuple[str, dict[str, str]]]:
    """The package's moves off the no-deal point as (pillar name, {dimension: level}), pillars named
    as the study's proposals name them ("Other provisions" for a dimension no proposal sets)."""
    names = pillar_names(study)
    out: dict[str, dict[str, str]] = {}
    for d, lv in changes_of(study, package, scenario).items():
        out.setdefault(names.get(d, "Other provisions"), {})[d] = lv
    return list(out.items())


def pillars_json(study: Study, package: Package, scenario: str) -> list[dict]:
    return [{"name": name, "provisions": provisions} for name, provisions in pillars(study, package, scenario)]


def provision_rows(study: Study, package: Package, scenario: str) -> list[list]:
    base = no_deal(study, scenario)
    rows = [[name, d, lv, study.dimensions[d].level(lv).label, base[d]]
            for name, provisions in pillars(study, package, scenario) for d, lv in provisions.items()]
    return rows or [["-", "(every dimension at the no-deal point)", "", "", ""]]


def verdict_rows(c: Coalition) -> list[list]:
    rows = []
    for k, v in c.countries.items():
        chambers = "; ".join(f"{t.chamber} {t.share:.1%}/{t.threshold:.1%}"
                             + ("" if t.agenda_share is None else
                                f" (majority party {t.agenda_share:.1%}/{t.agenda_threshold:.1%})")
                             for t in v.chambers.values())
        rows.append([k, v.venue_name, v.ratified, ", ".join(v.actors), chambers or "-",
                     ", ".join(v.blocking)])
    return rows


VERDICT_HEADERS = ["country", "venue", "ratified", "required actors", "chambers (accepting share/threshold)",
                   "blocking"]


def _gap(gap: float | None) -> str:
    return "unknown" if gap is None else f"{gap:.2g}"


# --- optimize ---------------------------------------------------------------------------------


def found_json(study: Study, f: Found) -> dict:
    return {"rank": f.rank, "package": dict(f.package), "ratified": f.coalition.ratified,
            "objective": _r(f.objective), "status": f.status, "gap": f.gap,
            "countries": _countries_json(f.coalition), "accepting": accepting(f.coalition),
            "changes": changes_json(study, f.package, f.coalition.scenario)}


def diagnosis_json(study: Study, d: Diagnosis | None) -> dict:
    if d is None:
        return {"conflict": [], "settings_conflict": [], "agenda_holds": [], "closest": None}
    closest = None
    if d.closest is not None:
        closest = {"package": dict(d.closest), "missing": [str(r) for r in d.missing],
                   "countries": _countries_json(d.closest_coalition)}
    return {"conflict": [{"requirement": str(c.requirement), "kind": c.requirement.kind, "id": c.requirement.id,
                          "country": c.requirement.country,
                          "venue": c.requirement.venue.value if c.requirement.venue else None,
                          "reason": c.reason} for c in d.conflict],
            "settings_conflict": [str(x) for x in d.settings], "agenda_holds": list(d.agenda), "closest": closest}


def search_json(study: Study, s: Search) -> dict:
    best = s.packages[0] if s.packages else None
    out = {"status": s.status, "scenario": s.scenario, "objective_name": str(s.objective),
           "objective": _r(best.objective) if best else None, "gap": best.gap if best else None,
           "solver": s.solver, "package": dict(best.package) if best else None,
           "ratified": best.coalition.ratified if best else False,
           "countries": _countries_json(best.coalition) if best else {},
           "accepting": accepting(best.coalition) if best else [],
           "changes": found_json(study, best)["changes"] if best else {},
           "pillars": pillars_json(study, best.package, best.coalition.scenario) if best else [],
           "packages": [found_json(study, f) for f in s.packages]}
    out.update(diagnosis_json(study, s.diagnosis))
    return out


def _limits_note(s: Search) -> str:
    parts = [f"countries {', '.join(s.limits.countries)}"]
    parts += [f"require {', '.join(s.limits.require)}"] if s.limits.require else []
    parts += [str(x) for x in s.limits.settings]
    return "; ".join(parts)


def diagnosis_tables(study: Study, d: Diagnosis, what: str) -> list[Table]:
    if d.settings:
        return [Table("conflict", f"{what}: the settings clash with the level rules", ["setting", "why"],
                      [[str(x), "cannot hold together with the others listed here"] for x in d.settings],
                      notes=["No package obeys all of these settings and the level rules (requires, excludes, "
                             "the authority each level needs); drop one of them."] + list(d.agenda))]
    tables = [Table("conflict", f"{what}: no package meets these together", ["requirement", "why"],
                    [[str(c.requirement), c.reason] for c in d.conflict],
                    notes=["Dropping any one of these requirements would leave some package that meets the rest."])]
    if d.closest is not None:
        c = d.closest_coalition
        tables.append(Table("closest", "The closest package (fewest required acceptances missing)",
                            ["pillar", "dimension", "level", "label", "status quo"], provision_rows(study, d.closest, d.closest_coalition.scenario),
                            notes=[f"misses: {'; '.join(str(r) for r in d.missing) or 'nothing'}",
                                   f"accepts ({len(accepting(c))}): {', '.join(accepting(c))}"]))
        tables.append(Table("closest_ratification", "Ratification of the closest package", VERDICT_HEADERS,
                            verdict_rows(c)))
    return tables


def search_report(study: Study, s: Search) -> Report:
    data = search_json(study, s)
    if not s.packages:
        if s.diagnosis is None:
            tables = [Table("no_package", f"No package found ({s.scenario})", ["status", "constraints"],
                            [[s.status, _limits_note(s)]],
                            notes=["The solver stopped at its time limit before finding any package; allow it more time."])]
        else:
            tables = diagnosis_tables(study, s.diagnosis, f"No package ratifies ({s.scenario})")
            tables[0].notes.insert(0, f"constraints: {_limits_note(s)}")
        return Report(tables, data)
    tables = []
    if len(s.packages) > 1:
        tables.append(Table("packages", f"The {len(s.packages)} best packages by {s.objective} ({s.scenario})",
                            ["rank", str(s.objective), "venue by country", "changes", "accepting"],
                            [[f.rank, f.objective,
                              ", ".join(f"{k} {f.coalition.countries[k].venue_name}" for k in f.coalition.countries),
                              len(changes_of(study, f.package, s.scenario)), len(accepting(f.coalition))] for f in s.packages],
                            notes=[f"constraints: {_limits_note(s)}"]))
    for f in s.packages:
        c = f.coalition
        notes = [f"{s.objective} = {f.objective:+.3f}; solver {s.solver}: {f.status}, gap {_gap(f.gap)}",
                 f"accepts ({len(accepting(c))}): {', '.join(accepting(c))}",
                 f"rejects: {', '.join(x for x in c.stances if x not in accepting(c)) or 'nobody'}"]
        if len(s.packages) == 1:
            notes.append(f"constraints: {_limits_note(s)}")
        tables.append(Table(f"package_{f.rank}", f"Package {f.rank}: {s.objective} {f.objective:+.3f} ({s.scenario})",
                            ["pillar", "dimension", "level", "label", "status quo"], provision_rows(study, f.package, s.scenario),
                            notes=notes))
        tables.append(Table(f"ratification_{f.rank}", f"Package {f.rank}: ratification", VERDICT_HEADERS,
                            verdict_rows(c)))
    return Report(tables, data)


# --- unlock -------------------------------------------------------------------------------------


def unlock_json(study: Study, u: Unlock) -> dict:
    out = {"proposal": u.proposal, "scenario": u.scenario, "sponsor": u.sponsor, "cost": u.cost,
           "target": {"accept": list(u.target)} if u.target else "ratification",
           "concessions_only": u.concessions_only, "status": u.status, "solver": u.solver,
           "ratified_before": u.before.ratified, "sponsor_gain_before": _r(u.sponsor_gain),
           "alternatives": [{"rank": a.rank, "changes": {c.dimension: {"from": c.before, "to": c.after}
                                                         for c in a.changes},
                             "package": dict(a.package), "ratified": a.coalition.ratified, "wins": list(a.wins),
                             "loses": list(a.loses), "sponsor_gain_after": _r(a.sponsor_gain),
                             "sponsor_loss": _r(None if a.sponsor_gain is None or u.sponsor_gain is None
                                                else u.sponsor_gain - a.sponsor_gain),
                             "status": a.status, "gap": a.gap, "countries": _countries_json(a.coalition)}
                            for a in u.alternatives]}
    out.update(diagnosis_json(study, u.diagnosis))
    return out


def unlock_report(study: Study, u: Unlock) -> Report:
    goal = f"wins {', '.join(u.target)}" if u.target else "ratifies in " + ", ".join(u.before.countries)
    title = f"What unlocks {u.proposal} ({u.scenario}): smallest changes so that it {goal}"
    rule = "; only toward the status quo" if u.concessions_only else ""
    data = unlock_json(study, u)
    if u.status == "already":
        return Report([Table("unlock", title, ["proposal", "status"], [[u.proposal, f"already {goal}"]],
                             notes=["Nothing needs to change."])], data)
    if not u.alternatives:
        if u.diagnosis is None:
            return Report([Table("unlock", title, ["proposal", "status"], [[u.proposal, u.status]],
                                 notes=["The solver stopped at its time limit before finding an answer; allow it more time."])], data)
        tables = diagnosis_tables(study, u.diagnosis, f"Nothing unlocks {u.proposal}{rule}")
        return Report(tables, data)
    sponsor = u.sponsor
    rows = [[a.rank, "; ".join(f"{c.dimension}: {c.before} → {c.after}" for c in a.changes), len(a.changes),
             a.coalition.ratified, ", ".join(a.wins) or "-", ", ".join(a.loses) or "-", u.sponsor_gain, a.sponsor_gain]
            for a in u.alternatives]
    cost = "fewest changed dimensions" if u.cost == "count" else f"smallest loss for the sponsor {sponsor}"
    notes = [f"cost: {cost}{rule}; solver {u.solver}: {u.status}, gap {_gap(u.alternatives[0].gap)}",
             f"before: {'ratified' if u.before.ratified else 'not ratified'}; blocking: "
             f"{', '.join(u.before.blocking) or 'nobody'}"]
    tables = [Table("unlock", title, ["rank", "changes", "n", "ratified", "wins", "loses",
                                      f"{sponsor} gain before", f"{sponsor} gain after"], rows, notes=notes)]
    tables += [Table(f"ratification_{a.rank}", f"Alternative {a.rank}: ratification", VERDICT_HEADERS,
                     verdict_rows(a.coalition)) for a in u.alternatives]
    return Report(tables, data)


# --- frontier -------------------------------------------------------------------------------------


def frontier_json(study: Study, f: Frontier) -> dict:
    a, b = f.countries
    here = {p.point: [x.proposal for x in f.placements if x.position == "on the frontier" and x.point == p.point]
            for p in f.points}
    return {"scenario": f.scenario, "countries": list(f.countries), "status": f.status, "solver": f.solver,
            "points": [{"point": p.point, "gains": {k: _r(p.gains[k]) for k in (a, b)},
                        "venues": {k: p.coalition.countries[k].venue_name for k in (a, b)}, "package": dict(p.package),
                        "changes": changes_of(study, p.package, f.scenario), "proposals": here[p.point]} for p in f.points],
            "proposals": [{"proposal": x.proposal, "ratified": x.ratified, "gains": {k: _r(x.gains[k]) for k in (a, b)},
                           "position": x.position, "point": x.point,
                           "headroom": {k: _r(v) for k, v in x.headroom.items()} if x.headroom else None}
                          for x in f.placements]}


def _steps(study: Study, f: Frontier) -> list[str]:
    """Per frontier point, what it changes: from the no-deal point for the first point, then from
    the point before (the trade made along the frontier)."""
    out = []
    before = no_deal(study, f.scenario)
    for p in f.points:
        moved = {d: lv for d, lv in p.package.items() if lv != before[d]}
        prefix = "from the no-deal point: " if p.point == 1 else ""
        out.append(prefix + (", ".join(f"{d}={lv}" for d, lv in moved.items()) or "nothing"))
        before = p.package
    return out


def frontier_tables(study: Study, f: Frontier) -> list[Table]:
    """Where the proposals sit (with the chart), then the frontier's points."""
    a, b = f.countries
    data = frontier_json(study, f)
    rows = [[p["point"], p["gains"][a], p["gains"][b], p["venues"][a], p["venues"][b], step, ", ".join(p["proposals"])]
            for p, step in zip(data["points"], _steps(study, f))]
    notes = [f"Gain = the worst gain over the status quo among the actors each country's venue requires, over "
             f"packages ratified in {a} and {b}; solver {f.solver}: {f.status}. JSON lists each point's full package."]
    if not f.points:
        notes.append("No package is ratified in both countries.")
    placed = [[x.proposal, x.ratified, x.gains[a], x.gains[b], x.position, x.point or "",
               x.headroom[a] if x.headroom else "", x.headroom[b] if x.headroom else ""] for x in f.placements]
    return [Table("frontier_proposals", f"Frontier between {a} and {b} ({f.scenario}): where the proposals sit",
                  ["proposal", "ratified", f"gain {a}", f"gain {b}", "position", "frontier point",
                   f"headroom {a}", f"headroom {b}"], placed, figure=frontier_svg(f),
                  notes=["inside: the frontier point named is better for both countries (headroom = what each "
                         "gains by moving there); beyond: no ratifiable package is as good for both, because the "
                         "proposal does not ratify (or the limits exclude it)."]),
            Table("frontier", f"The frontier's {len(f.points)} points, {a}'s gain rising",
                  ["point", f"gain {a}", f"gain {b}", f"venue {a}", f"venue {b}",
                   "changes (point 1: from the status quo; then from the point before)", "proposals here"],
                  rows, data=data, notes=notes)]


def frontier_report(study: Study, f: Frontier) -> Report:
    return Report(frontier_tables(study, f), frontier_json(study, f))


def frontier_svg(f: Frontier, width: int = 560, height: int = 400) -> str:
    """The frontier as a staircase of points and the proposals as labelled squares (inline SVG)."""
    a, b = f.countries
    pts = [(p.gains[a], p.gains[b]) for p in f.points]
    props = [(x.proposal, x.gains[a], x.gains[b], x.position) for x in f.placements
             if math.isfinite(x.gains[a]) and math.isfinite(x.gains[b])]
    xs = [x for x, _ in pts] + [p[1] for p in props] or [0.0, 1.0]
    ys = [y for _, y in pts] + [p[2] for p in props] or [0.0, 1.0]
    x0, x1 = min(xs + [0.0]), max(xs + [0.0])
    y0, y1 = min(ys + [0.0]), max(ys + [0.0])
    pad_x, pad_y = (x1 - x0) * 0.08 or 0.1, (y1 - y0) * 0.08 or 0.1
    x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y
    left, right, top, bottom = 60, 20, 20, 64

    def sx(x: float) -> float:
        return round(left + (x - x0) / (x1 - x0) * (width - left - right), 1)

    def sy(y: float) -> float:
        return round(height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom), 1)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Georgia,serif" font-size="11" role="img" '
           f'aria-label="Frontier between {a} and {b}">',
           f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" '
           f'fill="none" stroke="#999"/>']
    if x0 < 0 < x1:
        out.append(f'<line x1="{sx(0)}" y1="{top}" x2="{sx(0)}" y2="{height - bottom}" stroke="#ccc"/>')
    if y0 < 0 < y1:
        out.append(f'<line x1="{left}" y1="{sy(0)}" x2="{width - right}" y2="{sy(0)}" stroke="#ccc"/>')
    for k in range(5):
        vx, vy = x0 + (x1 - x0) * k / 4, y0 + (y1 - y0) * k / 4
        out.append(f'<text x="{sx(vx)}" y="{height - bottom + 14}" text-anchor="middle">{vx:.2f}</text>')
        out.append(f'<text x="{left - 6}" y="{sy(vy) + 4}" text-anchor="end">{vy:.2f}</text>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 26}" text-anchor="middle">'
               f'worst gain in the {html.escape(a)} coalition</text>')
    out.append(f'<text x="14" y="{(top + height - bottom) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 14 {(top + height - bottom) / 2})">'
               f'worst gain in the {html.escape(b)} coalition</text>')
    if pts:
        path = [f"M{sx(pts[0][0])},{sy(pts[0][1])}"]
        for (_, _), (nx, ny) in zip(pts, pts[1:]):
            path += [f"V{sy(ny)}", f"H{sx(nx)}"]
        out.append(f'<path d="{" ".join(path)}" fill="none" stroke="#1f5f8b" stroke-width="1.5"/>')
        for p in f.points:
            out.append(f'<circle cx="{sx(p.gains[a])}" cy="{sy(p.gains[b])}" r="4" fill="#1f5f8b">'
                       f'<title>point {p.point}: {a} {p.gains[a]:+.3f}, {b} {p.gains[b]:+.3f}</title></circle>')
    taken: list[tuple[float, float, float, float]] = []  # label boxes placed so far
    for name, gx, gy, position in props:
        colour = "#1f5f8b" if position == "on the frontier" else ("#555" if position == "inside" else "#b03a2e")
        out.append(f'<rect x="{sx(gx) - 4}" y="{sy(gy) - 4}" width="8" height="8" fill="white" stroke="{colour}" '
                   f'stroke-width="1.5"><title>{html.escape(name)}: {position}</title></rect>')
        anchor, dx = ("end", -7) if sx(gx) > width * 0.7 else ("start", 7)
        span = 5.5 * len(name)
        for dy in (-6, 12, -18, 24, -30, 36):  # the first offset whose box overlaps no earlier label
            x, y = sx(gx) + dx, sy(gy) + dy
            box = (x - span if anchor == "end" else x, y - 10, x if anchor == "end" else x + span, y + 2)
            if not any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in taken):
                break
        taken.append(box)
        out.append(f'<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{colour}">{html.escape(name)}</text>')
    out.append(f'<text x="{left}" y="{height - 6}" fill="#333">● frontier point (line: the frontier)   □ proposal '
               f'(grey: inside, blue: on the frontier, red: beyond)</text>')
    out.append("</svg>")
    return "\n".join(out)
