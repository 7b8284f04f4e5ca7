"""Result tables for the scoring commands: display rows for memos and the JSON contract scripts
rely on (documented in the README). Nothing here computes a score; it only lays results out."""

from __future__ import annotations

from . import credibility, regard
from .analysis import ComparedDimension, Explanation, WhatIf
from .compiled import compiled
from .models import Study
from .ranking import Assessment, RankRow
from .ratification import Coalition, CountryVerdict
from .render import Gain, Report, Table


def _venue(v: CountryVerdict) -> str:
    return v.venue.value if v.venue else "none"


def _country_json(v: CountryVerdict) -> dict:
    return {"venue": _venue(v), "ratified": v.ratified, "blocking": list(v.blocking),
            "chambers": {c: _chamber_json(t) for c, t in v.chambers.items()}}


def _chamber_json(t) -> dict:
    out = {"share": round(t.share, 6), "threshold": t.threshold, "passed": t.passed}
    if t.agenda_share is not None:
        out["majority_party_share"] = round(t.agenda_share, 6)
        out["reaches_floor"] = t.reaches_floor
    return out


def _result(v: CountryVerdict | None) -> str:
    """'statute ok' / 'treaty fails' ('-' where the proposal does not involve the country)."""
    return "-" if v is None else f"{_venue(v)} {'ok' if v.ratified else 'fails'}"


def _status(c: Coalition) -> str:
    return "; ".join(f"{k}: {_venue(v)} {'ok' if v.ratified else 'fails'}" for k, v in c.countries.items())


def accepting(c: Coalition) -> list[str]:
    """The stakeholders who accept, in study order."""
    return [s for s, x in c.stances.items() if x.accepts]


def rank_table(rows: list[RankRow], method: str, scenario: str) -> Table:
    data = [{"proposal": r.proposal, "rank": r.rank, "score": round(r.score, 6), "ratified": r.ratified,
             "method": method, "scenario": scenario,
             "countries": {k: {"venue": _venue(v), "ratified": v.ratified}
                           for k, v in r.assessment.coalition.countries.items()},
             "accepting": accepting(r.assessment.coalition), "blocking": r.assessment.coalition.blocking}
            for r in rows]
    countries = list(dict.fromkeys(k for r in rows for k in r.assessment.coalition.countries))
    display = [[r.rank, r.proposal, r.score, r.ratified]
               + [_result(r.assessment.coalition.countries.get(k)) for k in countries]
               + [len(accepting(r.assessment.coalition)), ", ".join(r.assessment.coalition.blocking)] for r in rows]
    return Table("ranking", f"Ranking by {method} ({scenario})",
                 ["rank", "proposal", "score", "ratified", *countries, "accepting", "blocking"], display, data=data,
                 notes=["under each country: the venue the proposal needs there and whether it ratifies"])


def matrix_table(study: Study, assessments: list[Assessment], scenario: str) -> Table:
    """Stakeholders x proposals: gain over the status quo, marked by acceptance."""
    ids = list(assessments[0].coalition.stances) if assessments else []
    rows = [[s, study.stakeholders[s].country] + [Gain(a.coalition.stances[s].gain, a.coalition.stances[s].accepts)
                                                  for a in assessments] for s in ids]
    data = [{"proposal": a.proposal, "stakeholder": s, "gain": round(a.coalition.stances[s].gain, 6),
             "accepts": a.coalition.stances[s].accepts} for a in assessments for s in ids]
    return Table("matrix", f"Gains over the status quo (accepts: ✓) — {scenario}",
                 ["stakeholder", "country"] + [a.proposal for a in assessments], rows, data=data,
                 heat=list(range(2, 2 + len(assessments))))


def closest_to_flipping(c: Coalition, n: int = 5) -> list[tuple[str, float]]:
    """Stakeholders whose gain is nearest their reservation (red-line holders excluded)."""
    near = [(s, x.margin) for s, x in c.stances.items() if not x.touched]
    return sorted(near, key=lambda t: (abs(t[1]), t[0]))[:n]


def coalition_json(proposal: str, c: Coalition) -> dict:
    return {"proposal": proposal, "scenario": c.scenario, "ratified": c.ratified,
            "countries": {k: _country_json(v) for k, v in c.countries.items()},
            "stakeholders": [{"id": s, "gain": round(x.gain, 6), "margin": round(x.margin, 6), "accepts": x.accepts,
                              "pivotal": s in c.pivotal, "red_lines_touched": list(x.touched)}
                             for s, x in c.stances.items()]}


def trust_json(t: dict) -> dict:
    return {"stakeholder": t["stakeholder"], "mechanism": t["mechanism"], "effect": round(t["effect"], 6),
            "text": t["text"], "evidence": t["evidence"]}


def trust_parts(study: Study, scenario: str, package: dict[str, str]) -> list[dict]:
    """Every present stakeholder's delivery doubts and regard terms bearing on the package."""
    model = compiled(study, study.scenarios[scenario])
    return [t for p in model.profiles.values()
            for t in credibility.parts(p, package, model.status_quo) + regard.parts(p, package)]


def coalition_report(study: Study, proposal: str, c: Coalition) -> Report:
    countries = [[k, _venue(v), v.ratified, ", ".join(v.actors), ", ".join(v.blocking)] for k, v in c.countries.items()]
    chambers = [[t.chamber, round(t.share, 4), t.threshold,
                 "-" if t.agenda_share is None else f"{t.agenda_share:.2f} of majority party", t.passed,
                 ", ".join(t.accepting), ", ".join(t.rejecting)]
                for v in c.countries.values() for t in v.chambers.values()]
    people = [[s, study.stakeholders[s].country, x.gain, x.margin, x.accepts, s in c.pivotal, ", ".join(x.touched)]
              for s, x in sorted(c.stances.items(), key=lambda kv: -kv[1].gain)]
    flips = [[s, m, "accepts" if c.stances[s].accepts else "rejects"] for s, m in closest_to_flipping(c)]
    trust = trust_parts(study, c.scenario, study.package(proposal))
    verdict = "RATIFIED" if c.ratified else "NOT RATIFIED"
    return Report([
        Table("countries", f"{proposal} in {c.scenario}: {verdict}", ["country", "venue", "ratified", "required actors",
                                                                     "blocking"], countries),
        Table("chambers", "Chamber tallies (share of seats held by accepting blocs)",
              ["chamber", "share", "threshold", "floor", "passed", "accepting", "rejecting"], chambers),
        Table("stakeholders", "Stakeholders", ["stakeholder", "country", "gain", "margin", "accepts", "pivotal",
                                               "red lines touched"], people),
        Table("closest", "Closest to flipping (margin = gain - reservation)", ["stakeholder", "margin", "now"], flips),
        *([Table("trust", "Delivery doubts and regard (effect on the gain)", ["stakeholder", "mechanism", "effect", "how"],
                 [[t["stakeholder"], t["mechanism"], t["effect"], t["text"]] for t in trust])] if trust else []),
    ], coalition_json(proposal, c))


def explain_table(e: Explanation) -> Table:
    rows = [[c.dimension, c.weight, c.baseline_level, c.level, c.baseline_value, c.value, c.contribution,
             ", ".join(c.evidence)] for c in e.contributions]
    data = {"proposal": e.proposal, "stakeholder": e.stakeholder, "scenario": e.scenario, "gain": round(e.gain, 6),
            "reservation": e.reservation, "accepts": e.accepts, "red_lines_touched": list(e.touched),
            "contributions": [{"dimension": c.dimension, "weight": round(c.weight, 6), "level": c.level,
                               "value": round(c.value, 6), "status_quo_level": c.baseline_level,
                               "status_quo_value": round(c.baseline_value, 6),
                               "contribution": round(c.contribution, 6), "delivery": c.delivery,
                               "evidence": list(c.evidence)}
                              for c in e.contributions],
            "trust": [trust_json(t) for t in e.trust]}
    verdict = "accepts" if e.accepts else "rejects"
    notes = [f"gain {e.gain:+.3f} against reservation {e.reservation:+.3f}: {verdict}"]
    notes += [f"red line touched: {b}" for b in e.touched]
    notes += [f"{t['text']} ({t['effect']:+.3f})" for t in e.trust]
    return Table("explain", f"Why {e.stakeholder} {verdict} {e.proposal} ({e.scenario})",
                 ["dimension", "weight", "status quo", "proposal", "value sq", "value", "contribution", "evidence"],
                 rows, data=data, notes=notes)


def whatif_report(w: WhatIf) -> Report:
    changes = [[d, old, new] for d, (old, new) in w.changes.items()]
    gains = [[s, x.gain, w.after.stances[s].gain, w.after.stances[s].gain - x.gain, x.accepts,
              w.after.stances[s].accepts] for s, x in w.before.stances.items()
             if abs(w.after.stances[s].gain - x.gain) > 1e-12 or x.accepts != w.after.stances[s].accepts]
    countries = [[k, _venue(v), v.ratified, _venue(w.after.countries[k]), w.after.countries[k].ratified]
                 for k, v in w.before.countries.items()]
    data = {"proposal": w.proposal, "changes": {d: {"from": o, "to": n} for d, (o, n) in w.changes.items()},
            "ratified_before": w.before.ratified, "ratified_after": w.after.ratified, "flips": w.flips,
            "rule_problems": list(w.rule_problems),
            "before": coalition_json(w.proposal, w.before), "after": coalition_json(w.proposal, w.after)}
    notes = [f"ratified: {w.before.ratified} -> {w.after.ratified}; flips: {', '.join(w.flips) or 'none'}"]
    notes += [f"warning: {p}" for p in w.rule_problems]
    return Report([Table("changes", f"What if: {w.proposal}", ["dimension", "from", "to"], changes),
            Table("gains", "Changed gains", ["stakeholder", "gain before", "gain after", "change", "accepts before",
                                             "accepts after"], gains),
            Table("ratification", "Ratification", ["country", "venue before", "ratified before", "venue after",
                                                   "ratified after"], countries, notes=notes)], data)


def compare_report(study: Study, a: Assessment, b: Assessment, dims: list[ComparedDimension]) -> Report:
    label = lambda d, lv: study.dimensions[d].level(lv).label  # noqa: E731
    rows = [[c.a_pillar or "-", label(c.dimension, c.a_level), study.dimensions[c.dimension].label,
             label(c.dimension, c.b_level), c.b_pillar or "-"] for c in dims]
    outcome = [["ratified", a.coalition.ratified, b.coalition.ratified],
               ["venue and result", _status(a.coalition), _status(b.coalition)],
               ["accepting", len(accepting(a.coalition)), len(accepting(b.coalition))],
               ["blocking", ", ".join(a.coalition.blocking), ", ".join(b.coalition.blocking)]]
    data = {"a": a.proposal, "b": b.proposal,
            "dimensions": [{"dimension": c.dimension, "a": {"level": c.a_level, "pillar": c.a_pillar},
                            "b": {"level": c.b_level, "pillar": c.b_pillar}} for c in dims],
            "outcome": {p.proposal: coalition_json(p.proposal, p.coalition) for p in (a, b)}}
    return Report([Table("provisions", f"{a.proposal} vs {b.proposal}, pillar by pillar",
                         [f"{a.proposal} pillar", a.proposal, "dimension", b.proposal, f"{b.proposal} pillar"], rows),
                   Table("outcome", f"Outcome ({a.coalition.scenario})", ["", a.proposal, b.proposal], outcome)], data)


def blocker_reasons(study: Study, scenario_explanations: dict[str, Explanation]) -> list[list]:
    """Why each blocker rejects: red lines touched, else the dimensions that cost it most."""
    rows = []
    for s, e in scenario_explanations.items():
        if e.touched:
            why = "red line: " + ", ".join(e.touched)
        else:
            worst = [c for c in e.contributions if c.contribution < 0][:2]
            why = "; ".join(f"{c.dimension} ({c.contribution:+.3f})" for c in worst) or "gain below reservation"
        rows.append([e.proposal, s, e.gain, e.reservation, why])
    return rows
