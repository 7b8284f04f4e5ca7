"""The backtest's report: where the model beats the baselines, the record per grain, the venue
checks, calibration, the misses, every observation and episode, and the briefing's track record.

JSON of `accord backtest` (stable):
    {"samples", "seed", "clip", "excluded_scenarios": [ids], "summary": str,
     "episodes": [{"id", "title", "date", "scenario", "package": {"proposal", "changes"}|null,
                   "status": "scored"|"not representable"|"excluded", "reason", "in_sample", "shared_evidence", "evidence",
                   "observations": [{"grain", "item", "observed", "model", "p", "baselines": {name: bool},
                                     "scored", "reason", "evidence"}]}],
     "record": [{"grain", "predictor", "n", "accuracy", "brier", "log_loss"}],
     "calibration": [{"low", "high", "n", "mean_p", "observed"}],
     "verdicts": [{"grain", "n", "beats": [names], "does_not_beat": [names]}],
     "venues": [{"episode", "country", "observed", "model", "agrees"}],
     "worst_misses": [{"episode", "grain", "item", "observed", "p"}]}"""

from __future__ import annotations

from .backtest import ALL, BASELINES, GRAINS, Backtest, Observation, backtest
from .judgments import DEFAULT_SEED
from .models import Episode, Study
from .render import Report, Table
from .scoring_rules import CLIP

WORST = 5  # misses shown in the brief


def verdicts(bt: Backtest) -> list[dict]:
    """Per grain, the baselines the model beats on Brier score and those it does not."""
    out = []
    for grain in [g for g in GRAINS + (ALL,) if any(s.grain == g for s in bt.record)]:
        scores = {s.predictor: s for s in bt.record if s.grain == grain}
        model = scores["model"]
        out.append({"grain": grain, "n": model.n,
                    "beats": [b for b in BASELINES if model.brier < scores[b].brier - 1e-12],
                    "does_not_beat": [b for b in BASELINES if model.brier >= scores[b].brier - 1e-12]})
    return out


def _sentence(v: dict, bt: Backtest) -> str:
    scores = {s.predictor: s for s in bt.record if s.grain == v["grain"]}
    model = scores["model"].brier
    parts = []
    if v["beats"]:
        parts.append("beats " + ", ".join(f"{b} ({scores[b].brier:.3f})" for b in v["beats"]))
    if v["does_not_beat"]:
        parts.append("does NOT beat " + ", ".join(f"{b} ({scores[b].brier:.3f})" for b in v["does_not_beat"]))
    text = f"{v['grain']} (n={v['n']}): model Brier {model:.3f}; " + "; ".join(parts)
    if v["grain"] == "tabled":
        text += " (tabled unless an agenda setter keeps the package off; where a scenario has none, the model treats every package as tabled)"
    return text


def worst_misses(bt: Backtest, n: int | None = None) -> list[Observation]:
    """The model's misses, worst first: scored observations whose probability lies at least 0.5
    from what happened (ties by episode), leaving out `tabled`, scored on its own (as `record` does);
    the first `n` when given."""
    obs = [o for o in bt.scored() if o.grain != "tabled" and abs(o.p - float(o.observed)) >= 0.5]
    obs.sort(key=lambda o: (-abs(o.p - float(o.observed)), o.episode, o.grain, o.item))
    return obs[:n]


def summary_line(bt: Backtest) -> str:
    if not bt.episodes:
        return "No episodes to score: the study has no seeds/episodes.toml."
    counts = {s: sum(e.status == s for e in bt.episodes) for s in ("scored", "not representable", "excluded")}
    head = (f"{counts['scored']} episodes scored ({len(bt.scored())} observations), "
            f"{counts['not representable']} not representable"
            + (f", {counts['excluded']} left out with {', '.join(bt.excluded)}" if bt.excluded else ""))
    overall = {s.predictor: s for s in bt.record if s.grain == ALL}
    if not overall:
        return head + "; nothing to score"
    m = overall["model"]
    best = min(BASELINES, key=lambda b: overall[b].brier)
    word = "beats" if m.brier < overall[best].brier - 1e-12 else "does not beat"
    losses = [f"{b} on {v['grain']}" for v in verdicts(bt) if v["grain"] not in ("tabled", ALL)
              for b in v["does_not_beat"]]
    return (f"{head}. On {m.n} predictions (all grains but tabled) the model is right {m.accuracy:.0%} of the time "
            f"with Brier {m.brier:.3f}; it {word} the best baseline, {best} (Brier {overall[best].brier:.3f})"
            + (f"; grain by grain it does not beat {', '.join(losses)}." if losses else "; it beats every baseline "
               "on every grain it predicts."))


def _verdict_text(value: bool | None, grain: str) -> str:
    if value is None:
        return "-"
    if grain == "actor":
        return "supports" if value else "opposes"
    if grain == "tabled":
        return "tabled" if value else "not tabled"
    return {"ratified": ("ratified", "not ratified"), "chamber": ("passed", "failed")}[grain][not value]


def _observation_json(o: Observation) -> dict:
    return {"grain": o.grain, "item": o.item, "observed": o.observed, "model": o.model,
            "p": None if o.p is None else round(o.p, 6), "baselines": o.baselines, "scored": o.scored,
            "reason": o.reason, "evidence": list(o.evidence)}


def backtest_json(bt: Backtest) -> dict:
    episodes = []
    for r in bt.episodes:
        e = r.episode
        episodes.append({
            "id": e.id, "title": e.title, "date": e.date.isoformat(), "scenario": e.scenario,
            "package": None if e.package is None else {"proposal": e.package.proposal, "changes": dict(e.package.changes)},
            "status": r.status, "reason": r.reason, "in_sample": e.in_sample, "shared_evidence": list(r.shared),
            "evidence": list(e.evidence),
            "observations": [_observation_json(o) for o in r.observations]})
    return {
        "samples": bt.samples, "seed": bt.seed, "clip": CLIP, "excluded_scenarios": list(bt.excluded),
        "summary": summary_line(bt), "episodes": episodes,
        "record": [{"grain": s.grain, "predictor": s.predictor, "n": s.n, "accuracy": round(s.accuracy, 6),
                    "brier": round(s.brier, 6), "log_loss": round(s.log_loss, 6)} for s in bt.record],
        "calibration": [{"low": b.low, "high": b.high, "n": b.n,
                         "mean_p": None if b.mean_p is None else round(b.mean_p, 6),
                         "observed": None if b.observed is None else round(b.observed, 6)} for b in bt.calibration],
        "verdicts": verdicts(bt),
        "venues": [{"episode": v.episode, "country": v.country, "observed": v.observed, "model": v.model,
                    "agrees": v.agrees} for v in bt.venues],
        "worst_misses": [{"episode": o.episode, "grain": o.grain, "item": o.item, "observed": o.observed,
                          "p": round(o.p, 6)} for o in worst_misses(bt)],
    }


def _package_text(e: Episode) -> str:
    if e.package is None:
        return "-"
    changes = ", ".join(f"{d}={lv}" for d, lv in e.package.changes.items())
    return e.package.proposal + (f" with {changes}" if changes else "")


def backtest_report(bt: Backtest) -> Report:
    """Tables: the episodes, every observation against each predictor, the record per grain,
    the plain verdicts, the calibration table and the worst misses."""
    episodes = [[r.episode.id, r.episode.date.isoformat(), r.episode.scenario or "-", _package_text(r.episode),
                 r.status + (f": {r.reason}" if r.reason else ""), r.episode.in_sample or "-",
                 ", ".join(r.shared) or "-", ", ".join(r.episode.evidence)] for r in bt.episodes]
    rows = []
    for r in bt.episodes:
        for o in r.observations:
            rows.append([o.episode, o.grain, o.item or "-", _verdict_text(o.observed, o.grain),
                         _verdict_text(o.model, o.grain) if o.scored else f"not scored: {o.reason}", o.p,
                         *[_verdict_text(o.baselines.get(b), o.grain) for b in BASELINES], ", ".join(o.evidence)])
    record_rows = [[s.grain, s.predictor, s.n, s.accuracy, s.brier, s.log_loss] for s in bt.record]
    calib = [[f"{b.low:.1f}-{b.high:.1f}", b.n, b.mean_p, b.observed] for b in bt.calibration]
    misses = [[o.episode, o.grain, o.item or "-", _verdict_text(o.observed, o.grain), o.p] for o in worst_misses(bt)]
    notes = [f"{bt.samples} worlds per scenario (seed {bt.seed}); log loss clips probabilities to "
             f"[{CLIP}, {1 - CLIP}]; the baselines' verdicts are certain (p = 0 or 1)",
             "tabled: unless an agenda setter keeps the package off; where a scenario has none, the model "
             "treats every package as tabled (p = 1)",
             "in_sample episodes share data with the case (seat splits, margins, the House agenda gate): "
             "their chamber and actor grains are not out-of-sample tests"]
    return Report([
        Table("summary", "Track record", ["summary"], [[summary_line(bt)]]),
        Table("verdicts", "Where the model beats the baselines (Brier score, lower is better)", ["grain", "verdict"],
              [[v["grain"], _sentence(v, bt)] for v in verdicts(bt)]),
        Table("record", "Record per grain", ["grain", "predictor", "n", "accuracy", "brier", "log loss"], record_rows,
              notes=notes),
        Table("venues", f"Venues: the model names the recorded instrument in {sum(v.agrees for v in bt.venues)} of "
              f"{len(bt.venues)} cases", ["episode", "country", "recorded", "model"],
              [[v.episode, v.country, v.observed, v.model] for v in bt.venues]),
        Table("calibration", "Calibration of the model's probabilities (all grains but tabled)",
              ["probability", "n", "mean p", "observed frequency"], calib),
        Table("misses", "Worst misses (model probability at least 0.5 from what happened)",
              ["episode", "grain", "item", "observed", "p"], misses),
        Table("observations", "Every observation", ["episode", "grain", "item", "observed", "model", "p",
                                                    *BASELINES, "evidence"], rows),
        Table("episodes", "Episodes", ["episode", "date", "scenario", "package", "status", "in sample",
                                       "evidence shared with the judgments", "evidence"], episodes,
              notes=[f"{sum(bool(r.shared) for r in bt.episodes)} of {sum(r.status == 'scored' for r in bt.episodes)} "
                     "scored episodes cite a passage the case's judgments also cite (scenario shifts and seats, "
                     "stakeholder profiles, institutions): none is a fully independent test"]),
    ], backtest_json(bt))


BRIEF_SAMPLES = 2000


def track_record_section(study: Study, samples: int = BRIEF_SAMPLES, seed: int = DEFAULT_SEED) -> Table:
    """The briefing's track record: the summary line, then the worst misses."""
    bt = backtest(study, samples, seed)
    misses = worst_misses(bt)
    rows = [[o.episode, o.grain, o.item or "-", _verdict_text(o.observed, o.grain), o.p] for o in misses[:WORST]]
    data = {"summary": summary_line(bt), "verdicts": verdicts(bt),
            "worst_misses": backtest_json(bt)["worst_misses"][:WORST]}
    return Table("track_record", f"Track record against the historical episodes: the worst {len(rows)} of "
                 f"{len(misses)} misses", ["episode", "grain", "item", "observed", "p (model)"], rows, data=data,
                 notes=[summary_line(bt), "accord backtest gives every episode, grain and baseline"])
