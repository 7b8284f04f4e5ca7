"""Result tables and JSON contracts of the robustness commands: `accord robust` (sampled
worlds), `accord sensitivity` (stability intervals and the tornado) and `accord optimize --robust`.
Nothing here computes; it lays results out. The contracts are documented in the README and in
the modules that compute them (`sampling`, `sensitivity`, `robust_optimize`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .judgments import Judgment
from .models import Study
from .optimize_reports import changes_json, changes_of, pillars_json, provision_rows
from .render import Report, Table

if TYPE_CHECKING:  # the result types live in modules that import numpy and PuLP
    from .robust_search import Candidate, RobustSearch
    from .sampling import Robustness
    from .stability import Interval, Sensitivity, Stability


# --- accord robust ----------------------------------------------------------------------------


def _p(x: float) -> float:
    return round(x, 6)


def judgment_json(j: Judgment) -> dict:
    return {"id": j.id, "kind": j.kind, "stakeholders": list(j.stakeholders), "dimension": j.dimension,
            "level": j.level, "point": j.point, "low": j.low, "high": j.high}


def _counted_roles(r: Robustness) -> None:
    if any(o.pivotal is None for o in r.odds):
        raise ValueError("the report needs who is pivotal and blocking: sample with robust(..., roles=True)")


def robustness_json(r: Robustness) -> dict:
    _counted_roles(r)
    n = r.samples
    out = []
    for o in r.odds:
        p = o.ratified / n
        out.append({
            "proposal": o.proposal, "ratified_at_point": o.ratified_at_point, "rank_at_point": o.rank_at_point,
            "p_ratified": _p(p), "p_ratified_se": _p(math.sqrt(p * (1 - p) / n)), "p_first": _p(o.first / n),
            "mean_rank": _p(sum((i + 1) * c for i, c in enumerate(o.rank_counts)) / n),
            "ranks": [_p(c / n) for c in o.rank_counts],
            "countries": {c: _p(x / n) for c, x in o.countries.items()},
            "stakeholders": [{"id": s, "p_accepts": _p(o.accepts[s] / n), "p_pivotal": _p(o.pivotal[s] / n),
                              "p_blocking": _p(o.blocking[s] / n)} for s in o.accepts],
        })
    return {"scenario": r.scenario, "method": r.method, "samples": r.samples, "seed": r.seed,
            "distribution": r.distribution, "judgments": [judgment_json(j) for j in r.judgments], "proposals": out}


def _most(counts: dict[str, int], samples: int, n: int = 3) -> str:
    top = sorted(((c, s) for s, c in counts.items() if c > 0), key=lambda t: (-t[0], t[1]))[:n]
    return ", ".join(f"{s} {c / samples:.2f}" if c / samples >= 0.005 else f"{s} <0.01" for c, s in top)


def robust_report(r: Robustness) -> Report:
    """Per proposal: the point verdict, how often ratified and ranked first, the rank
    distribution, and who is most often pivotal or blocking."""
    _counted_roles(r)
    n = r.samples
    rows, dist = [], []
    for o in r.odds:
        p = o.ratified / n
        rows.append([o.proposal, o.ratified_at_point, o.rank_at_point, p, 1.96 * math.sqrt(p * (1 - p) / n),
                     o.first / n, sum((i + 1) * c for i, c in enumerate(o.rank_counts)) / n,
                     "; ".join(f"{c} {x / n:.2f}" for c, x in o.countries.items()),
                     _most(o.pivotal, n), _most(o.blocking, n)])
        dist.append([o.proposal] + [c / n for c in o.rank_counts])
    notes = [f"{n} worlds, {len(r.judgments)} judgments drawn ({r.distribution}), seed {r.seed}; "
             "±: 95% interval of the ratification share; the judgments are listed in the JSON"]
    return Report([
        Table("robust", f"Robustness by {r.method} ({r.scenario})",
              ["proposal", "ratified (point)", "rank (point)", "p ratified", "±", "p first", "mean rank",
               "p ratified by country", "most often pivotal", "most often blocking"], rows, notes=notes),
        Table("ranks", "Rank distribution (share of worlds at each rank)",
              ["proposal"] + [str(i + 1) for i in range(len(r.odds))], dist,
              heat=list(range(1, len(r.odds) + 1))),
    ], robustness_json(r))


# --- accord sensitivity -----------------------------------------------------------------------


def _num(x: float | None) -> float | None:
    return None if x is None or math.isinf(x) else round(x, 6)


def _interval_text(iv: Interval) -> str:
    lo = "-inf" if math.isinf(iv[0]) else f"{iv[0]:.3f}"
    hi = "inf" if math.isinf(iv[1]) else f"{iv[1]:.3f}"
    return f"[{lo}, {hi}]"


def _bar(st: Stability, width: int = 20) -> str:
    """The share of the range over which ratification (#) or, failing that, acceptance (+) differs."""
    rat, acc = st.decisiveness
    return ("#" * round(rat * width) if rat > 0 else "+" * round(acc * width)).ljust(width)


def _flips_text(st: Stability) -> str:
    """Who flips inside the plausible range, and where: 'mx_president rejects above 0.180'."""
    out = []
    for s in st.stakeholders:
        if s.share > 0 and s.flip is not None:
            verb = "rejects" if s.accepts else "accepts"
            if st.judgment.kind == "credence":  # a red line held or not: no point of a range
                out.append(f"{s.stakeholder} {verb} where the red line is not held (p {s.share:.3f})")
                continue
            side = "below" if s.interval[0] == s.flip else "above"
            out.append(f"{s.stakeholder} {verb} {side} {s.flip:.3f}")
    return "; ".join(out)


def decisive(sens: Sensitivity, n: int = 3) -> list[str]:
    """The n most decisive judgments, as 'id (share of range where ratification differs)'; a party
    split also says where in its range the verdict flips."""
    out = []
    for st in sens.tornado[:n]:
        if st.decisiveness[0] <= 0:
            continue
        j, where = st.judgment, ""
        if j.kind == "seats":
            flips = ", ".join(f"{x:.2f}" for x in st.ratification_flips if j.low <= x <= j.high)
            where = f"; the bloc holds {j.point:.2f} of its party, {j.low:.2f}-{j.high:.2f}, flips at {flips}"
        out.append(f"{j.id} ({st.decisiveness[0]:.0%}{where})")
    return out


def sensitivity_json(sens: Sensitivity) -> dict:
    def interval(iv: Interval) -> list[float | None]:
        return [_num(iv[0]), _num(iv[1])]

    return {
        "proposal": sens.proposal, "scenario": sens.scenario, "ratified": sens.ratified,
        "judgments": [{
            "id": st.judgment.id, "kind": st.judgment.kind, "dimension": st.judgment.dimension,
            "level": st.judgment.level, "point": st.judgment.point, "low": st.judgment.low, "high": st.judgment.high,
            "ratification_interval": interval(st.ratification_interval),
            "ratification_flips": [_num(x) for x in st.ratification_flips],
            "ratification_share": round(st.ratification_share, 6),
            "stakeholders": [{"id": s.stakeholder, "accepts": s.accepts, "red_line": s.red_line, "flip": _num(s.flip),
                              "interval": interval(s.interval), "distance": _num(s.distance),
                              "share": round(s.share, 6)} for s in st.stakeholders],
        } for st in sens.stabilities],
        "tornado": [st.judgment.id for st in sens.tornado],
    }


def sensitivity_report(sens: Sensitivity, top: int = 20) -> Report:
    """The tornado of crossing judgments, then the stability of each judgment for each
    stakeholder, nearest to flipping first (`top` rows shown; 0: all; the JSON has all)."""
    verdict = "ratified" if sens.ratified else "not ratified"
    tornado = [[st.judgment.id, st.judgment.point, _interval_text((st.judgment.low, st.judgment.high)),
                _flips_text(st), ", ".join(f"{x:.3f}" for x in st.ratification_flips
                                           if st.judgment.low < x < st.judgment.high),
                st.ratification_share, st.decisiveness[1], _bar(st)] for st in sens.tornado]
    rows = [(s.distance if s.distance is not None else math.inf, st.judgment.id, s.stakeholder, st, s)
            for st in sens.stabilities for s in st.stakeholders]
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    shown = rows if top <= 0 else rows[:top]
    stability_rows = [[s.stakeholder, st.judgment.id, st.judgment.point,
                       _interval_text((st.judgment.low, st.judgment.high)),
                       "red line" if s.red_line else s.accepts, s.flip, _interval_text(s.interval), s.distance,
                       _interval_text(st.ratification_interval)] for _, _, _, st, s in shown]
    notes = [f"showing {len(shown)} of {len(rows)}; --top 0 shows all"] if len(shown) < len(rows) else []
    return Report([
        Table("tornado", f"{sens.proposal} in {sens.scenario} ({verdict} at the point reading): judgments whose "
              "plausible range crosses a flip point, most decisive first",
              ["judgment", "point", "range", "flips within the range", "ratification flips at",
               "ratification differs", "acceptance differs", "share of range (#: ratification, +: acceptance)"],
              tornado, notes=[] if tornado else ["no judgment's range crosses a flip point: the verdict holds "
                                                 "across every plausible reading taken one at a time"]),
        Table("stability", "Stability intervals (all else at its point value), nearest to flipping first",
              ["stakeholder", "judgment", "point", "range", "accepts", "flip at", "acceptance holds in",
               "distance", "ratification holds in"], stability_rows,
              notes=notes + ["distance: from the plausible range to the flip point; negative when the range "
                             "crosses it"]),
    ], sensitivity_json(sens))


# --- accord optimize --robust -------------------------------------------------------------------


def _share(count: int, n: int) -> float:
    return round(count / n, 6)


def _candidate_json(study: Study, c: Candidate | None, r: RobustSearch) -> dict | None:
    if c is None:
        return None
    p = c.out_of_sample / r.fresh_worlds
    return {"package": c.package, "changes": changes_json(study, c.package, r.scenario),
            "pillars": pillars_json(study, c.package, r.scenario), "ratified_at_point": c.ratified_at_point,
            "signed_at_point": c.signed_at_point, "in_sample": _share(c.in_sample, r.worlds),
            "out_of_sample": _share(c.out_of_sample, r.fresh_worlds),
            "out_of_sample_se": round(math.sqrt(p * (1 - p) / r.fresh_worlds), 6),
            "out_of_sample_ratified": _share(c.out_of_sample_ratified, r.fresh_worlds)}


def robust_search_json(study: Study, r: RobustSearch) -> dict:
    plain = _candidate_json(study, r.plain, r)
    if plain is not None:
        plain = {"objective_name": str(r.objective), "objective": round(r.plain_objective, 6), **plain}
    return {"status": r.status, "scenario": r.scenario, "solver": r.solver, "gap": r.gap, "worlds": r.worlds,
            "fresh_worlds": r.fresh_worlds, "seed": r.seed, "distribution": r.distribution,
            "judgments": r.judgments, "signers": list(r.signers), "robust": _candidate_json(study, r.robust, r),
            "plain": plain}


def robust_search_report(study: Study, r: RobustSearch) -> Report:
    """The robust package next to the plain optimum: ratified in and out of sample, and their levels."""
    rows = []
    for name, c in (("robust (most worlds)", r.robust), (f"plain optimum ({r.objective})", r.plain)):
        if c is None:
            rows.append([name, "-", "-", "-", "-", "-", "none found"])
            continue
        p = c.out_of_sample / r.fresh_worlds
        rows.append([name, c.signed_at_point, c.in_sample / r.worlds, p,
                     1.96 * math.sqrt(p * (1 - p) / r.fresh_worlds), c.out_of_sample_ratified / r.fresh_worlds,
                     len(changes_of(study, c.package, r.scenario))])
    notes = [f"a world counts when the package is ratified and {', '.join(r.signers)} accept it",
             f"{r.worlds} worlds for the programme, {r.fresh_worlds} fresh worlds to judge it; {r.judgments} "
             f"judgments drawn ({r.distribution}), seed {r.seed}; solver {r.solver}: {r.status}"
             + (f", gap {r.gap:.2g}" if r.gap else "")]
    tables = [Table("robust", f"Robust package: a deal in the most sampled worlds ({r.scenario})",
                    ["package", "deal (point)", "share in sample", "share out of sample", "±",
                     "ratified out of sample", "changes"], rows, notes=notes)]
    if r.robust is not None:
        tables.append(Table("robust_package", "The robust package", ["pillar", "dimension", "level", "label",
                                                                     "status quo"],
                            provision_rows(study, r.robust.package, r.scenario)))
    if r.robust is not None and r.plain is not None:
        differ = [[d, study.dimensions[d].label, r.robust.package[d], r.plain.package[d]]
                  for d in study.dimensions if r.robust.package[d] != r.plain.package[d]]
        tables.append(Table("differences", "Where the robust package and the plain optimum differ",
                            ["dimension", "label", "robust", "plain"], differ,
                            notes=[] if differ else ["the same package"]))
    return Report(tables, robust_search_json(study, r))
