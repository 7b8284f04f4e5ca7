"""Diffs: two studies (which judgments differ, which verdicts change, and which of the differing
judgments alone changes each verdict) or two JSON results of the same command.

A judgment is any number `whatif --judge` can set (salience, value, reservation, multiplier,
seat), compared scenario by scenario; a proposal's level on a dimension is compared as
`level:PROPOSAL.DIMENSION`. A verdict is a proposal's ratification and rank (by `support`) and
each stakeholder's acceptance, per scenario in both studies.

JSON of `accord diff A B`:

    {"a", "b", "scenarios": [ids], "judgments": [{"id", "scenarios": [ids], "a", "b"}],
     "verdicts": [{"scenario", "proposal", "ratified": {"a", "b"}, "rank": {"a", "b"},
                   "flips": [stakeholder], "decisive": [judgment ids]}], "only_in_a": [ids], "only_in_b": [ids]}

and of `accord diff A.json B.json`: ``{"a", "b", "changes": [{"path", "a", "b", "verdict"}]}``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from .compiled import compiled, level_values
from .errors import AccordError
from .judge import judged
from .judgments import judgments
from .models import Scenario, Study
from .ranking import rank
from .render import Report, Table

MAX_ATTRIBUTED = 60  # differing judgments tried one by one against each changed verdict
VERDICT_KEYS = ("ratified", "accepts", "rank", "venue", "status", "passed", "pivotal", "reaches_floor")


def numbers(study: Study, scenario: Scenario) -> dict[str, float | str]:
    """Every judged number of the study in `scenario`, by the id `whatif --judge` takes (values of
    every level, ranged or not), and every proposal's level id on every dimension."""
    out = {j.id: j.point for j in judgments(study, scenario)}
    for sh in study.stakeholders.values():
        for d, c in sh.concerns.items():
            if d in study.dimensions:
                for level, v in level_values(study.dimensions[d], c.values, c.preferred).items():
                    out[f"value:{sh.id}.{d}.{level}"] = v
    for chamber in study.institutions.chambers:
        for bloc, share in dict(compiled(study, scenario).seats[chamber]).items():
            out[f"seat:{chamber}.{bloc}"] = share
    for p in study.proposals.values():
        for d, level in study.package(p.id).items():
            out[f"level:{p.id}.{d}"] = level
    return out


class Verdict(NamedTuple):
    scenario: str
    proposal: str
    ratified: tuple[bool, bool]
    rank: tuple[int, int]
    flips: tuple[str, ...]
    decisive: tuple[str, ...]


def diff_studies(a: Study, b: Study, label_a: str = "A", label_b: str = "B") -> Report:
    """Which judgments differ between two studies, and which verdicts change because of them."""
    common = [s for s in a.scenarios if s in b.scenarios]
    if not common:
        raise AccordError("the two studies share no scenario id, so no verdict can be compared")
    differ: dict[tuple[str, object, object], list[str]] = {}
    only_a, only_b = set(), set()
    per_scenario: dict[str, dict[str, tuple[object, object]]] = {}
    for s in common:
        na, nb = numbers(a, a.scenarios[s]), numbers(b, b.scenarios[s])
        only_a |= set(na) - set(nb)
        only_b |= set(nb) - set(na)
        changed = {k: (na[k], nb[k]) for k in na if k in nb and na[k] != nb[k]}
        per_scenario[s] = changed
        for k, (x, y) in changed.items():
            differ.setdefault((k, x, y), []).append(s)
    verdicts = []
    for s in common:
        ra = {r.proposal: r for r in rank(a, a.scenarios[s])}
        rb = {r.proposal: r for r in rank(b, b.scenarios[s])}
        for p in (p for p in ra if p in rb):
            x, y = ra[p], rb[p]
            sa, sb = x.assessment.coalition.stances, y.assessment.coalition.stances
            flips = tuple(k for k in sa if k in sb and sa[k].accepts != sb[k].accepts)
            if x.ratified == y.ratified and x.rank == y.rank and not flips:
                continue
            decisive = _decisive(a, a.scenarios[s], p, x.ratified, per_scenario[s]) if x.ratified != y.ratified else ()
            verdicts.append(Verdict(s, p, (x.ratified, y.ratified), (x.rank, y.rank), flips, decisive))
    return _report(differ, verdicts, common, sorted(only_a), sorted(only_b), label_a, label_b)


def _decisive(study: Study, scenario: Scenario, proposal: str, ratified: bool,
              changed: dict[str, tuple[object, object]]) -> tuple[str, ...]:
    """The differing judgments that, set alone in study A to B's value, change the proposal's
    ratification (levels are not tried: they are the proposal, not a judgment)."""
    from .ranking import assess  # noqa: PLC0415

    out = []
    tried = [(k, y) for k, (_, y) in changed.items() if not k.startswith("level:")][:MAX_ATTRIBUTED]
    for k, y in tried:
        try:
            s2, sc2, _ = judged(study, scenario, [(k, float(y))])
        except AccordError:
            continue
        if assess(s2, sc2, proposal).coalition.ratified != ratified:
            out.append(k)
    return tuple(out)


def _report(differ: dict, verdicts: list[Verdict], common: list[str], only_a: list[str], only_b: list[str],
            label_a: str, label_b: str) -> Report:
    every = set(common)
    rows = [[k, "all" if set(ss) == every else ", ".join(ss), x, y] for (k, x, y), ss in sorted(differ.items(),
                                                                                               key=lambda i: i[0][0])]
    judgment_table = Table("judgments", f"Judgments that differ ({label_a} → {label_b})",
                           ["judgment", "scenarios", "a", "b"], rows,
                           notes=[f"only in {label_a}: {', '.join(only_a)}" if only_a else f"nothing only in {label_a}",
                                  f"only in {label_b}: {', '.join(only_b)}" if only_b else f"nothing only in {label_b}"])
    verdict_rows = [[v.scenario, v.proposal, v.ratified[0], v.ratified[1], v.rank[0], v.rank[1], ", ".join(v.flips),
                     ", ".join(v.decisive)] for v in verdicts]
    verdict_table = Table("verdicts", "Verdicts that change (rank by support)",
                          ["scenario", "proposal", "ratified a", "ratified b", "rank a", "rank b", "flips",
                           "decisive alone"], verdict_rows,
                          notes=["decisive alone: the differing judgments that, set to B's value in A one at a "
                                 "time, change the ratification verdict"])
    data = {"a": label_a, "b": label_b, "scenarios": common,
            "judgments": [{"id": k, "scenarios": ss, "a": x, "b": y} for (k, x, y), ss in sorted(
                differ.items(), key=lambda i: i[0][0])],
            "verdicts": [{"scenario": v.scenario, "proposal": v.proposal,
                          "ratified": {"a": v.ratified[0], "b": v.ratified[1]}, "rank": {"a": v.rank[0], "b": v.rank[1]},
                          "flips": list(v.flips), "decisive": list(v.decisive)} for v in verdicts],
            "only_in_a": only_a, "only_in_b": only_b}
    return Report([judgment_table, verdict_table], data)


# --- two JSON results ------------------------------------------------------------------------

ITEM_KEYS = ("proposal", "stakeholder", "id", "scenario", "dimension", "country", "rank")


def flatten(value: object, path: str = "") -> dict[str, object]:
    """Leaves of a JSON value by path; list items are named by their id key where they have one."""
    if isinstance(value, dict):
        out: dict[str, object] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = {}
        for i, v in enumerate(value):
            key = next((k for k in ITEM_KEYS if k in v), None)
            name = f"{key}={v[key]}" if key else str(i)
            out.update(flatten(v, f"{path}[{name}]"))
        return out
    return {path: value}


def read_result(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise AccordError(f"{path}: cannot read ({err})") from None
    except json.JSONDecodeError as err:
        raise AccordError(f"{path}: line {err.lineno}: not JSON ({err.msg}); diff takes two study folders or two "
                          "JSON results (-f json)") from None


def diff_results(a: object, b: object, label_a: str = "A", label_b: str = "B") -> Report:
    """Every leaf that differs between two JSON results of the same command, verdicts first."""
    fa, fb = flatten(a), flatten(b)
    paths = list(dict.fromkeys([*fa, *fb]))
    changes = [(p, fa.get(p), fb.get(p), p.rsplit(".", 1)[-1] in VERDICT_KEYS) for p in paths
               if fa.get(p) != fb.get(p) or (p in fa) != (p in fb)]
    changes.sort(key=lambda c: not c[3])
    rows = [[p, json.dumps(x, ensure_ascii=False) if isinstance(x, (list, dict)) else x,
             json.dumps(y, ensure_ascii=False) if isinstance(y, (list, dict)) else y, v] for p, x, y, v in changes]
    table = Table("changes", f"What differs ({label_a} → {label_b}); verdicts first", ["path", "a", "b", "verdict"],
                  rows, notes=[f"{sum(c[3] for c in changes)} verdicts and {sum(not c[3] for c in changes)} other "
                               "values differ; empty: not in that result"])
    return Report([table], {"a": label_a, "b": label_b,
                            "changes": [{"path": p, "a": x, "b": y, "verdict": v} for p, x, y, v in changes]})
