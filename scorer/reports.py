"""Result tables for the scoring commands: display rows for memos and the JSON contract scripts
rely on (documented in the README). Nothing here computes a score; it only lays results out."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import credibility, regard
from .compiled import compiled
from .interactions import hedged
from .models import Study
from .ranking import Assessment, RankRow
from .ratification import Coalition, CountryVerdict
from .render import Gain, Report, Table
from .scoring import resolve_proposal

if TYPE_CHECKING:  # read by explain, whatif and compare alone: not loaded for rank
    from .analysis import ComparedDimension, Explanation, WhatIf


def _country_json(v: CountryVerdict) -> dict:
    return {"venue": v.venue_name, "ratified": v.ratified, "blocking": list(v.blocking),
            "chambers": {c: _chamber_json(t) for c, t in v.chambers.items()}}


def _chamber_json(t) -> dict:
    out = {"share": round(t.share, 6), "threshold": t.threshold, "passed": t.passed}
    if t.agenda_share is not None:
        out["majority_party_share"] = round(t.agenda_share, 6)
        out["reaches_floor"] = t.reaches_floor
    if t.share_range is not None:
        out["share_range"] = [round(x, 6) for x in t.share_range]
    if t.agenda_range is not None:
        out["majority_party_share_range"] = [round(x, 6) for x in t.agenda_range]
    return out


def _span(low: float, high: float, signed: bool = False) -> str:
    fmt = "{:+.3f}" if signed else "{:.2f}"
    return f"{fmt.format(low)} to {fmt.format(high)}"


def _chamber_row(t) -> list:
    """A chamber's tally: its seat margin (accepting share less threshold) and, where its party
    splits are ranged, the margin's range; the majority party's share behind its floor gate."""
    floor = "-"
    if t.agenda_share is not None:
        floor = f"{t.agenda_share:.2f} of majority party"
        if t.agenda_range is not None:
            floor += f" ({_span(*t.agenda_range)})"
    spread = "-" if t.share_range is None else _span(t.share_range[0] - t.threshold, t.share_range[1] - t.threshold, True)
    return [t.chamber, round(t.share, 4), t.threshold, f"{t.share - t.threshold:+.3f}", spread, floor, t.passed,
            ", ".join(t.accepting), ", ".join(t.rejecting)]


def _result(v: CountryVerdict | None) -> str:
    """'statute ok' / 'treaty fails' ('-' where the proposal does not involve the country)."""
    return "-" if v is None else f"{v.venue_name} {'ok' if v.ratified else 'fails'}"


def _status(c: Coalition) -> str:
    return "; ".join(f"{k}: {v.venue_name} {'ok' if v.ratified else 'fails'}" for k, v in c.countries.items())


def accepting(c: Coalition) -> list[str]:
    """The stakeholders who accept, in study order."""
    return [s for s, x in c.stances.items() if x.accepts]


def rank_table(rows: list[RankRow], method: str, scenario: str) -> Table:
    data = [{"proposal": r.proposal, "rank": r.rank, "score": round(r.score, 6), "ratified": r.ratified,
             "method": method, "scenario": scenario,
             "countries": {k: {"venue": v.venue_name, "ratified": v.ratified}
                           for k, v in r.assessment.coalition.countries.items()},
             "accepting": accepting(r.assessment.coalition), "blocking": r.assessment.coalition.blocking,
             "not_tabled": [str(n) for n in r.assessment.coalition.not_tabled]}
            for r in rows]
    countries = list(dict.fromkeys(k for r in rows for k in r.assessment.coalition.countries))
    display = [[r.rank, r.proposal, r.score, r.ratified]
               + [_result(r.assessment.coalition.countries.get(k)) for k in countries]
               + [len(accepting(r.assessment.coalition)), ", ".join(r.assessment.coalition.blocking)] for r in rows]
    return Table("ranking", f"Ranking by {method} ({scenario})",
                 ["rank", "proposal", "score", "ratified", *countries, "accepting", "blocking"], display, data=data,
                 notes=["under each country: the venue the proposal needs there and whether it ratifies"]
                 + [f"{r.proposal}: {n}" for r in rows for n in r.assessment.coalition.not_tabled])


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


def not_tabled_json(c: Coalition) -> list[dict]:
    """Why no agenda setter takes the package up, one record per setter and item (empty: tabled)."""
    return [{**n.record(), "reason": str(n)} for n in c.not_tabled]


def coalition_json(proposal: str, c: Coalition) -> dict:
    return {"proposal": proposal, "scenario": c.scenario, "ratified": c.ratified,
            "tabled": c.tabled, "not_tabled": not_tabled_json(c),
            "countries": {k: _country_json(v) for k, v in c.countries.items()},
            "stakeholders": [{"id": s, "gain": round(x.gain, 6), "margin": round(x.margin, 6), "accepts": x.accepts,
                              "pivotal": s in c.pivotal, "red_lines_touched": list(x.touched),
                              "terms": [t.json() for t in x.terms]}
                             for s, x in c.stances.items()],
            "no_deal": list(c.no_deal)}


def no_deal_note(scenario: str, lines: tuple[str, ...]) -> list[str]:
    """The no-deal point in words, where it is not the study's first levels."""
    return [f"gain measured against the {scenario} no-deal point: " + "; ".join(lines)] if lines else []


def trust_json(t: dict) -> dict:
    return {"stakeholder": t["stakeholder"], "mechanism": t["mechanism"], "effect": round(t["effect"], 6),
            "text": t["text"], "evidence": t["evidence"]}


def trust_parts(study: Study, scenario: str, package: dict[str, str]) -> list[dict]:
    """Every present stakeholder's delivery doubts and regard terms bearing on the package."""
    model = compiled(study, study.scenarios[scenario])
    return [t for p in model.profiles.values()
            for t in credibility.parts(p, package, model.status_quo) + regard.parts(p, package)]


def coalition_report(study: Study, proposal: str, c: Coalition) -> Report:
    countries = [[k, v.venue_name, v.ratified, ", ".join(v.actors), ", ".join(v.blocking)] for k, v in c.countries.items()]
    chambers = [_chamber_row(t) for v in c.countries.values() for t in v.chambers.values()]
    voting = {t.chamber for v in c.countries.values() for t in v.chambers.values()}
    splits = [sp for sp in compiled(study, study.scenarios[c.scenario]).seat_splits if sp.chamber in voting]
    seat_notes = ["margin: accepting share less threshold; its range (and the floor's) as the ranged party splits "
                  "move, who accepts held fixed"] if splits else []
    seat_notes += [f"{sp.chamber}: {sp.bloc} holds {sp.point:.2f} of its party's seats, ranged {sp.low:.2f}-{sp.high:.2f}"
                   f" (evidence {', '.join(sp.evidence) or 'none'})" for sp in splits]
    people = [[s, study.stakeholders[s].country, x.gain, x.margin, x.accepts, s in c.pivotal, ", ".join(x.touched)]
              for s, x in sorted(c.stances.items(), key=lambda kv: -kv[1].gain)]
    flips = [[s, m, "accepts" if c.stances[s].accepts else "rejects"] for s, m in closest_to_flipping(c)]
    trust = trust_parts(study, c.scenario, resolve_proposal(study, proposal, study.scenarios[c.scenario]))
    verdict = "RATIFIED" if c.ratified else "NOT RATIFIED" if c.tabled else "NOT TABLED"
    return Report([
        Table("countries", f"{proposal} in {c.scenario}: {verdict}", ["country", "venue", "ratified", "required actors",
                                                                     "blocking"], countries,
              notes=no_deal_note(c.scenario, c.no_deal) + [str(n) for n in c.not_tabled]),
        Table("chambers", "Chamber tallies (share of seats held by accepting blocs)",
              ["chamber", "share", "threshold", "margin", "margin range", "floor", "passed", "accepting", "rejecting"],
              chambers, notes=seat_notes),
        Table("stakeholders", "Stakeholders", ["stakeholder", "country", "gain", "margin", "accepts", "pivotal",
                                               "red lines touched"], people,
              notes=[f"{s}: {t.words}" for s, x in c.stances.items() for t in x.terms]),
        Table("closest", "Closest to flipping (margin = gain - reservation)", ["stakeholder", "margin", "now"], flips),
        *([Table("trust", "Delivery doubts and regard (effect on the gain)", ["stakeholder", "mechanism", "effect", "how"],
                 [[t["stakeholder"], t["mechanism"], t["effect"], t["text"]] for t in trust])] if trust else []),
    ], coalition_json(proposal, c))


def explain_table(e: Explanation) -> Table:
    rows = [[c.dimension, c.weight, c.baseline_level, c.level, c.baseline_value, c.value, c.contribution,
             ", ".join(c.evidence)] for c in e.contributions]
    data = {"proposal": e.proposal, "stakeholder": e.stakeholder, "scenario": e.scenario, "gain": round(e.gain, 6),
            "reservation": e.reservation, "accepts": e.accepts, "red_lines_touched": list(e.touched),
            "not_tabled": list(e.not_tabled),
            "contributions": [{"dimension": c.dimension, "weight": round(c.weight, 6), "level": c.level,
                               "value": round(c.value, 6), "status_quo_level": c.baseline_level,
                               "status_quo_value": round(c.baseline_value, 6),
                               "contribution": round(c.contribution, 6), "delivery": c.delivery,
                               "evidence": list(c.evidence)}
                              for c in e.contributions],
            "threat": round(e.threat, 6), "no_deal": list(e.no_deal), "terms": [t.json() for t in e.terms],
            "trust": [trust_json(t) for t in e.trust]}
    verdict = "accepts" if e.accepts else "rejects"
    notes = [f"gain {e.gain:+.3f} against reservation {e.reservation:+.3f}: {verdict}"]
    notes += [f"of which {e.threat:+.3f}: what threats take from its no-deal value"] if e.threat else []
    notes += no_deal_note(e.scenario, e.no_deal)
    notes += [f"red line touched: {b}" for b in hedged(e.touched, e.terms)]
    notes += [f"term {t.words}" for t in e.terms if t.amount is not None]
    notes += [f"{t['text']} ({t['effect']:+.3f})" for t in e.trust]
    notes += list(e.not_tabled)
    return Table("explain", f"Why {e.stakeholder} {verdict} {e.proposal} ({e.scenario})",
                 ["dimension", "weight", "status quo", "proposal", "value sq", "value", "contribution", "evidence"],
                 rows, data=data, notes=notes)


def whatif_report(w: WhatIf) -> Report:
    changes = [[d, old, new] for d, (old, new) in w.changes.items()]
    gains = [[s, x.gain, w.after.stances[s].gain, w.after.stances[s].gain - x.gain, x.accepts,
              w.after.stances[s].accepts] for s, x in w.before.stances.items()
             if abs(w.after.stances[s].gain - x.gain) > 1e-12 or x.accepts != w.after.stances[s].accepts]
    countries = [[k, v.venue_name, v.ratified, w.after.countries[k].venue_name, w.after.countries[k].ratified]
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
