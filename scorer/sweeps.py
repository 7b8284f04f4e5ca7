"""Sweeps over scenarios: the verdicts of rank, coalition and unlock in several scenarios side by
side, so an analyst need not loop over `--scenario` in the shell.

JSON contracts (`-f json` with more than one scenario):

- rank: ``{"method", "scenarios": {scenario: [rank rows as in accord rank]}}``
- coalition: ``{"proposal", "scenarios": {scenario: coalition as in accord coalition}}``
- unlock: ``{"proposal", "scenarios": {scenario: unlock as in accord unlock}}``

CSV and JSON lines give each table's rows in long form (one row per scenario and item)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import AccordError
from .models import Scenario, Study
from .ranking import RankRow
from .ratification import Coalition
from .render import Gain, Report, Table
from .reports import accepting, coalition_json, rank_table

if TYPE_CHECKING:  # unlock imports PuLP
    from .concessions import Unlock

MARK = {True: "✓", False: "✗"}


def scenarios(study: Study, given: Iterable[str] | None) -> list[Scenario]:
    """The scenarios named by --scenario values: ids, comma-separated lists, or 'all' (every
    scenario, in time order: by year, then id); the default scenario when none is given. Each
    appears once."""
    ids = [x.strip() for text in given or [] for x in text.split(",") if x.strip()]
    if not ids:
        return [study.scenario()]
    out: list[str] = []
    for sid in ids:
        names = sorted(study.scenarios, key=lambda k: (study.scenarios[k].year, k)) if sid == "all" else [sid]
        for name in names:
            if name not in study.scenarios:
                raise AccordError(f"unknown scenario '{name}' (expected one of: all, {', '.join(study.scenarios)})")
            if name not in out:
                out.append(name)
    return [study.scenarios[s] for s in out]


def rank_sweep(rankings: dict[str, list[RankRow]], method: str) -> Report:
    """Each proposal's rank and ratification in each scenario (proposals in the first scenario's order)."""
    ids = list(rankings)
    first = [r.proposal for r in rankings[ids[0]]]
    by = {s: {r.proposal: r for r in rows} for s, rows in rankings.items()}
    rows = [[p] + [f"{by[s][p].rank} {MARK[by[s][p].ratified]}" for s in ids] for p in first]
    long = [{"scenario": s, "proposal": r.proposal, "rank": r.rank, "score": round(r.score, 6),
             "ratified": r.ratified} for s in ids for r in rankings[s]]
    counts = ", ".join(f"{s} {sum(r.ratified for r in rankings[s])}" for s in ids)
    table = Table("ranking", f"Rank by {method} in each scenario (✓ ratified, ✗ not)", ["proposal", *ids], rows,
                  data=long, notes=["Ratified proposals rank first, then by score; ties share a rank.",
                                    f"Ratified, of the {len(first)} proposals ranked: {counts}."])
    return Report([table], {"method": method,
                            "scenarios": {s: rank_table(rows_, method, s).data for s, rows_ in rankings.items()}})


def coalition_sweep(study: Study, proposal: str, coalitions: dict[str, Coalition]) -> Report:
    """The proposal's verdict per scenario, and each stakeholder's gain and acceptance per scenario."""
    ids = list(coalitions)
    countries = list(next(iter(coalitions.values())).countries)
    verdict_rows = []
    for s, c in coalitions.items():
        row = [s, c.ratified]
        for k in countries:
            row += [c.countries[k].venue_name, c.countries[k].ratified]
        verdict_rows.append(row + [", ".join(c.blocking), ", ".join(c.pivotal), len(accepting(c))])
    heads = ["scenario", "ratified"] + [x for k in countries for x in (f"{k} venue", f"{k} ratified")]
    verdicts = Table("verdicts", f"{proposal} in each scenario", heads + ["blocking", "pivotal", "accepting"],
                     verdict_rows)
    people = list(dict.fromkeys(s for c in coalitions.values() for s in c.stances))
    stance_rows = [[p, study.stakeholders[p].country] + [Gain(c.stances[p].gain, c.stances[p].accepts)
                                                         if p in c.stances else None for c in coalitions.values()]
                   for p in people]
    long = [{"scenario": s, "stakeholder": p, "gain": round(c.stances[p].gain, 6), "accepts": c.stances[p].accepts}
            for s, c in coalitions.items() for p in c.stances]
    stances = Table("stakeholders", f"Gains over the status quo of {proposal} (accepts: ✓; empty: absent)",
                    ["stakeholder", "country", *ids], stance_rows, data=long, heat=list(range(2, 2 + len(ids))))
    return Report([verdicts, stances], {"proposal": proposal,
                                        "scenarios": {s: coalition_json(proposal, c) for s, c in coalitions.items()}})


def unlock_sweep(study: Study, results: dict[str, Unlock]) -> Report:
    """Per scenario: whether the proposal already ratifies, else its cheapest unlocking changes."""
    from .optimize_reports import unlock_json  # noqa: PLC0415

    rows = []
    for s, u in results.items():
        best = u.alternatives[0] if u.alternatives else None
        changes = "; ".join(f"{c.dimension}: {c.before} → {c.after}" for c in best.changes) if best else ""
        rows.append([s, u.status, u.before.ratified, changes, len(best.changes) if best else None,
                     ", ".join(best.wins) if best else "", ", ".join(best.loses) if best else ""])
    proposal = next(iter(results.values())).proposal
    table = Table("unlock", f"What unlocks {proposal} in each scenario (the cheapest alternative)",
                  ["scenario", "status", "ratified before", "changes", "n", "wins", "loses"], rows,
                  notes=["status 'already': nothing needs to change; 'infeasible': no change unlocks it "
                         "(accord unlock with one --scenario says why)."])
    return Report([table], {"proposal": proposal, "scenarios": {s: unlock_json(study, u) for s, u in results.items()}})
