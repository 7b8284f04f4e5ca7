"""The model's track record against the historical episodes (seeds/episodes.toml): for each
observation the sources record (tabled, ratified per country, each chamber's vote, each actor's
stance), the model's verdict at the point values and its probability over worlds drawn from the
ranged judgments, scored with accuracy, the Brier score and log loss beside three baselines an
analyst would otherwise use.

Grains: `tabled` (the model has no agenda mechanism yet: every package counts as tabled, p = 1),
`ratified` (one observation per country), `chamber` (only chambers the package's venue needs; the
model says nothing about the others) and `actor` (supported = the model's stakeholder accepts).

Baselines, each a verdict with no uncertainty (p = 0 or 1):
- `nothing_passes`: nothing is tabled, passes a chamber or is ratified, and no actor supports.
- `executive_only`: a package that needs no more than executive authority in every country is
  tabled, ratified, and supported; anything needing a statute or treaty fails, and no chamber
  passes anything.
- `mean_position`: the spatial rule. Each stakeholder's ideal point on a dimension is the level it
  values most (levels placed evenly on [0, 1]); a group's expected outcome is the mean of its
  members' ideal points weighted by influence times salience (by seat share times salience in a
  chamber). The group backs a package nearer that point, in weighted distance, than the status
  quo: all stakeholders of the package's countries for `tabled`, one country's stakeholders for
  `ratified`, the chamber's blocs for `chamber`; an actor supports a package nearer its own ideal.

Log loss clips probabilities to [CLIP, 1 - CLIP], so a certain miss costs ln(1/CLIP), not infinity.
Each scenario's worlds come from their own seeded stream, so leaving a scenario out
(`exclude`) leaves every other probability unchanged.

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

import math
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import AccordError
from .judgments import DEFAULT_SAMPLES, DEFAULT_SEED
from .models import Episode, Scenario, Study, Venue, package_of
from .ratification import coalition, country_verdict, seat_shares, venue_needed
from .render import Report, Table
from .sampling import chunk_size, compile_kernel, draw, evaluate
from .scoring import Package, profiles, status_quo

GRAINS = ("tabled", "ratified", "chamber", "actor")
BASELINES = ("nothing_passes", "executive_only", "mean_position")
PREDICTORS = ("model",) + BASELINES
CLIP = 0.01
BINS = 5
WORST = 5
ALL = "all but tabled"


# --- scoring rules --------------------------------------------------------------------------


def brier(p: Sequence[float], y: Sequence[bool]) -> float:
    """Mean squared difference between the probabilities and the outcomes (1 true, 0 false)."""
    return sum((pi - float(yi)) ** 2 for pi, yi in zip(p, y)) / len(p)


def log_loss(p: Sequence[float], y: Sequence[bool], clip: float = CLIP) -> float:
    """Mean negative log-likelihood of the outcomes, probabilities clipped to [clip, 1 - clip]."""
    total = 0.0
    for pi, yi in zip(p, y):
        q = min(max(pi, clip), 1.0 - clip)
        total -= math.log(q if yi else 1.0 - q)
    return total / len(p)


def accuracy(verdicts: Sequence[bool], y: Sequence[bool]) -> float:
    return sum(v == yi for v, yi in zip(verdicts, y)) / len(y)


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    n: int
    mean_p: float | None
    observed: float | None


def calibration(p: Sequence[float], y: Sequence[bool], bins: int = BINS) -> list[Bin]:
    """Equal-width probability bins [k/bins, (k+1)/bins) (the last includes 1): how many
    predictions fell in each, their mean, and how often the outcome happened."""
    out = []
    for k in range(bins):
        low, high = k / bins, (k + 1) / bins
        inside = [(pi, yi) for pi, yi in zip(p, y) if low <= pi < high or (k == bins - 1 and pi == high)]
        n = len(inside)
        out.append(Bin(low, high, n, sum(pi for pi, _ in inside) / n if n else None,
                       sum(float(yi) for _, yi in inside) / n if n else None))
    return out


# --- observations ---------------------------------------------------------------------------


@dataclass
class Observation:
    """One recorded fact about an episode and what each predictor said about it."""

    episode: str
    grain: str
    item: str  # the country, chamber or actor ('' for tabled)
    observed: bool
    evidence: tuple[str, ...]
    model: bool | None = None
    p: float | None = None
    baselines: dict[str, bool] = field(default_factory=dict)
    reason: str = ""  # why it is not scored (empty: scored)

    @property
    def scored(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class EpisodeResult:
    episode: Episode
    status: str  # scored, not representable, excluded
    reason: str
    observations: tuple[Observation, ...]
    shared: tuple[str, ...] = ()  # evidence the episode shares with the judgments of its scenario


@dataclass(frozen=True)
class VenueCheck:
    """The instrument an episode used in one country against the venue the model says it needs."""

    episode: str
    country: str
    observed: str
    model: str

    @property
    def agrees(self) -> bool:
        return self.observed == self.model


@dataclass(frozen=True)
class Score:
    grain: str
    predictor: str
    n: int
    accuracy: float
    brier: float
    log_loss: float


@dataclass(frozen=True)
class Backtest:
    samples: int
    seed: int
    excluded: tuple[str, ...]
    episodes: tuple[EpisodeResult, ...]
    record: tuple[Score, ...]
    calibration: tuple[Bin, ...]
    venues: tuple[VenueCheck, ...] = ()

    def scored(self) -> list[Observation]:
        return [o for e in self.episodes for o in e.observations if o.scored]


def episode_package(study: Study, episode: Episode) -> tuple[Package, tuple[str, ...]]:
    """The episode's full package (its proposal with the changes applied) and the countries that
    must ratify it."""
    spec = episode.package
    provisions = {**study.proposals[spec.proposal].provisions(), **spec.changes}
    return package_of(study.dimensions, provisions), tuple(study.proposals[spec.proposal].countries)


def episode_evidence(episode: Episode) -> set[str]:
    """Every evidence id the episode cites, on any field."""
    ids = set(episode.evidence) | (set(episode.tabled.evidence) if episode.tabled else set())
    if episode.package is not None:
        ids |= set(episode.package.evidence)
    for part in (*episode.countries.values(), *episode.chambers.values(), *episode.actors.values()):
        ids |= set(part.evidence)
    return ids


def judgment_evidence(study: Study, scenario: Scenario) -> set[str]:
    """Every evidence id behind the numbers the model uses in a scenario: the scenario's shifts and
    seats, the stakeholders' profiles and the institutions. An episode citing one of them is not a
    fully independent test: the case was read from the same passage."""
    ids = set(scenario.evidence)
    for part in (*scenario.salience, *scenario.reservation, *scenario.seats.values()):
        ids |= set(part.evidence)
    for sh in study.stakeholders.values():
        ids |= set(sh.evidence) | set(sh.influence_evidence) | set(sh.reservation_evidence)
        ids |= {e for c in sh.concerns.values() for e in c.evidence} | {e for r in sh.red_lines for e in r.evidence}
    inst = study.institutions
    for country in inst.countries.values():
        ids |= set(country.evidence) | {e for v in country.venues.values() for e in v.evidence}
    for chamber in inst.chambers.values():
        ids |= set(chamber.evidence)
    return ids


def _observations(episode: Episode) -> list[Observation]:
    obs = []
    if episode.tabled is not None:
        obs.append(Observation(episode.id, "tabled", "", episode.tabled.value, tuple(episode.tabled.evidence)))
    for c, outcome in episode.countries.items():
        if outcome.ratified is not None:
            obs.append(Observation(episode.id, "ratified", c, outcome.ratified, tuple(outcome.evidence)))
    for ch, vote in episode.chambers.items():
        obs.append(Observation(episode.id, "chamber", ch, vote.passed, tuple(vote.evidence)))
    for a, stance in episode.actors.items():
        obs.append(Observation(episode.id, "actor", a, stance.stance == "supported", tuple(stance.evidence)))
    return obs


# --- the mean-position baseline -------------------------------------------------------------


class _Spatial:
    """Ideal points and weights of a scenario's stakeholders, for the mean-position rule."""

    def __init__(self, study: Study, scenario: Scenario) -> None:
        self.study = study
        self.profiles = profiles(study, scenario)
        self.ideal = {s: {d: max(range(len(study.dimensions[d].level_ids)),
                                 key=lambda i, v=p.values[d], ids=study.dimensions[d].level_ids: (v[ids[i]], -i))
                          for d in p.weights} for s, p in self.profiles.items()}

    def position(self, d: str, level: str) -> float:
        ids = self.study.dimensions[d].level_ids
        return ids.index(level) / (len(ids) - 1)

    def nearer(self, members: dict[str, float], package: Package) -> bool:
        """Whether the package lies nearer than the status quo to the members' weighted mean ideal
        point (members: stakeholder -> weight, times its salience on each dimension)."""
        base = status_quo(self.study)
        num: dict[str, float] = {}
        den: dict[str, float] = {}
        for s, w in members.items():
            p = self.profiles.get(s)
            if p is None:
                continue
            for d, sal in p.weights.items():
                ids = self.study.dimensions[d].level_ids
                num[d] = num.get(d, 0.0) + w * sal * self.ideal[s][d] / (len(ids) - 1)
                den[d] = den.get(d, 0.0) + w * sal
        dist = lambda pkg: sum(den[d] * abs(self.position(d, pkg[d]) - num[d] / den[d])  # noqa: E731
                               for d in den if den[d] > 0)
        return dist(package) < dist(base) - 1e-12

    def country(self, package: Package, countries: Iterable[str]) -> bool:
        return self.nearer({s: p.influence for s, p in self.profiles.items() if p.country in set(countries)}, package)

    def chamber(self, scenario: Scenario, package: Package, chamber: str) -> bool:
        return self.nearer(seat_shares(self.study, scenario, chamber), package)

    def actor(self, package: Package, actor: str) -> bool:
        return actor in self.profiles and self.nearer({actor: 1.0}, package)


def _executive_only(study: Study, package: Package, countries: Iterable[str]) -> bool:
    return all((venue_needed(study, package, c) or Venue.executive) is Venue.executive for c in countries)


def _baselines(study: Study, scenario: Scenario, spatial: _Spatial, package: Package,
               countries: tuple[str, ...], o: Observation) -> dict[str, bool]:
    executive = _executive_only(study, package, countries)
    if o.grain == "tabled":
        mean = spatial.country(package, countries)
    elif o.grain == "ratified":
        executive = _executive_only(study, package, [o.item])
        mean = spatial.country(package, [o.item])
    elif o.grain == "chamber":
        executive = False
        mean = spatial.chamber(scenario, package, o.item)
    else:
        mean = spatial.actor(package, o.item)
    return {"nothing_passes": False, "executive_only": executive, "mean_position": mean}


# --- the model ------------------------------------------------------------------------------


def _chambers_needed(study: Study, package: Package, country: str) -> set[str]:
    venue = venue_needed(study, package, country)
    return set(study.institutions.countries[country].venues[venue].chambers) if venue else set()


def _scenario_seed(seed: int, scenario_id: str) -> np.random.SeedSequence:
    return np.random.SeedSequence([seed, zlib.crc32(scenario_id.encode())])


def _score_scenario(study: Study, scenario: Scenario, episodes: list[Episode], samples: int, seed: int,
                    progress: Callable[[int], None] | None) -> dict[str, list[Observation]]:
    """The observations of the scenario's episodes, each with the model's verdict and probability
    and the baselines' verdicts."""
    packages = {e.id: episode_package(study, e) for e in episodes}
    spatial = _Spatial(study, scenario)
    out: dict[str, list[Observation]] = {}
    for e in episodes:
        package, countries = packages[e.id]
        c = coalition(study, scenario, package, countries)
        obs = _observations(e)
        for o in obs:
            if o.grain == "ratified" and o.item not in countries:
                o.reason = f"the package asks nothing to be ratified in '{o.item}'"
            elif o.grain == "chamber":
                country = study.institutions.chambers[o.item].country
                if country not in countries or o.item not in _chambers_needed(study, package, country):
                    o.reason = "the model gives this chamber no role in the venue the package needs"
            if o.grain == "tabled":
                o.model = True
            elif o.grain == "ratified" and not o.reason:
                o.model = c.countries[o.item].ratified
            elif o.grain == "chamber" and not o.reason:
                o.model = c.countries[study.institutions.chambers[o.item].country].chambers[o.item].passed
            elif o.grain == "actor":
                o.model = o.item in c.stances and c.stances[o.item].accepts
            o.baselines = _baselines(study, scenario, spatial, package, countries, o)
        out[e.id] = obs

    kernel = compile_kernel(study, scenario, packages)
    rng = np.random.default_rng(_scenario_seed(seed, scenario.id))
    index = {s: i for i, s in enumerate(kernel.stakeholders)}
    counts = {e.id: [0] * len(out[e.id]) for e in episodes}
    seen: dict[str, dict[bytes, tuple[bool, ...]]] = {e.id: {} for e in episodes}
    step, done = chunk_size(kernel), 0
    while done < samples:
        n = min(step, samples - done)
        worlds = evaluate(kernel, draw(kernel, n, rng))
        for p, e in enumerate(episodes):
            package, countries = packages[e.id]
            chambers = chamber_counts(study, scenario, package, kernel.stakeholders, worlds.accepts[p],
                                      [o.item for o in out[e.id] if o.grain == "chamber" and o.scored], seen[e.id])
            for i, o in enumerate(out[e.id]):
                if o.grain == "tabled":  # no agenda mechanism: tabled in every world
                    counts[e.id][i] += n
                elif o.grain == "ratified" and o.scored:
                    counts[e.id][i] += int(worlds.countries[p][countries.index(o.item)].sum())
                elif o.grain == "chamber" and o.scored:
                    counts[e.id][i] += chambers[o.item]
                elif o.grain == "actor" and o.item in index:
                    counts[e.id][i] += int(worlds.accepts[p, index[o.item]].sum())
        done += n
        if progress is not None:
            progress(n)
    for e in episodes:
        for i, o in enumerate(out[e.id]):
            if o.model is not None:
                o.p = counts[e.id][i] / samples
    return out


def chamber_counts(study: Study, scenario: Scenario, package: Package, stakeholders: tuple[str, ...],
                   accepts: np.ndarray, chambers: list[str], seen: dict[bytes, tuple[bool, ...]] | None = None
                   ) -> dict[str, int]:
    """In how many worlds each chamber passes the package: `country_verdict` (the one statement of
    the rule) run once per distinct pattern of acceptances among the (S, n) `accepts`, remembered
    in `seen` across calls."""
    if not chambers:
        return {}
    seen = {} if seen is None else seen
    patterns, inverse = np.unique(accepts.T, axis=0, return_inverse=True)
    weight = np.bincount(inverse.ravel(), minlength=len(patterns))
    countries = {study.institutions.chambers[ch].country for ch in chambers}
    out = dict.fromkeys(chambers, 0)
    for row, w in zip(patterns, weight):
        key = row.tobytes()
        if key not in seen:
            who = dict(zip(stakeholders, row.tolist()))
            verdicts = {c: country_verdict(study, scenario, package, c, who) for c in countries}
            seen[key] = tuple(verdicts[study.institutions.chambers[ch].country].chambers[ch].passed
                              for ch in chambers)
        for ch, passed in zip(chambers, seen[key]):
            out[ch] += int(w) if passed else 0
    return out


# --- the record -----------------------------------------------------------------------------


def _predictions(o: Observation, predictor: str) -> tuple[bool, float]:
    if predictor == "model":
        return o.model, o.p
    verdict = o.baselines[predictor]
    return verdict, float(verdict)


def record(observations: list[Observation]) -> list[Score]:
    """Accuracy, Brier score and log loss of every predictor on each grain with observations,
    and on all grains but `tabled` together (the model makes no tabled prediction)."""
    groups = [(g, [o for o in observations if o.grain == g]) for g in GRAINS]
    groups.append((ALL, [o for o in observations if o.grain != "tabled"]))
    out = []
    for grain, obs in groups:
        if not obs:
            continue
        y = [o.observed for o in obs]
        for predictor in PREDICTORS:
            verdicts, p = zip(*(_predictions(o, predictor) for o in obs))
            out.append(Score(grain, predictor, len(obs), accuracy(verdicts, y), brier(p, y), log_loss(p, y)))
    return out


def backtest(study: Study, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
             exclude: Iterable[str] = (), progress: Callable[[int], None] | None = None) -> Backtest:
    """Score the model and the baselines on every representable episode outside `exclude`d
    scenarios; `progress` is told how many worlds each step drew."""
    if samples < 1:
        raise AccordError(f"the number of samples must be at least 1, found {samples}")
    excluded = tuple(dict.fromkeys(exclude))
    for s in excluded:
        if s not in study.scenarios:
            raise AccordError(f"unknown scenario '{s}' (expected one of: {', '.join(study.scenarios)})")
    by_scenario: dict[str, list[Episode]] = {}
    for e in study.episodes.values():
        if not e.unrepresentable and e.scenario not in excluded:
            by_scenario.setdefault(e.scenario, []).append(e)
    scored: dict[str, list[Observation]] = {}
    for sid, episodes in by_scenario.items():
        scored.update(_score_scenario(study, study.scenarios[sid], episodes, samples, seed, progress))
    results = []
    for e in study.episodes.values():
        if e.unrepresentable:
            results.append(EpisodeResult(e, "not representable", e.unrepresentable, ()))
        elif e.scenario in excluded:
            results.append(EpisodeResult(e, "excluded", f"scenario '{e.scenario}' left out", ()))
        else:
            shared = episode_evidence(e) & judgment_evidence(study, study.scenarios[e.scenario])
            results.append(EpisodeResult(e, "scored", "", tuple(scored[e.id]), tuple(sorted(shared))))
    bt = Backtest(samples, seed, excluded, tuple(results), (), ())
    obs = bt.scored()
    model = [o for o in obs if o.grain != "tabled"]
    return Backtest(samples, seed, excluded, tuple(results), tuple(record(obs)),
                    tuple(calibration([o.p for o in model], [o.observed for o in model])),
                    tuple(venue_checks(study, [r.episode for r in results if r.status == "scored"])))


def venue_checks(study: Study, episodes: Iterable[Episode]) -> list[VenueCheck]:
    """Each recorded instrument against the venue the model's authority rules name ('none' where
    the package asks nothing of that country). The venue follows from the package alone, with no
    judgment in it, so it is a check, not a forecast."""
    out = []
    for e in episodes:
        package, _ = episode_package(study, e)
        for c, outcome in e.countries.items():
            if outcome.venue is not None:
                needed = venue_needed(study, package, c)
                out.append(VenueCheck(e.id, c, outcome.venue.value, needed.value if needed else "none"))
    return out


def scenarios_needed(study: Study, exclude: Iterable[str] = ()) -> int:
    """How many scenarios the backtest samples (for a progress bar's length)."""
    return len({e.scenario for e in study.episodes.values() if not e.unrepresentable and e.scenario not in set(exclude)})


# --- reports --------------------------------------------------------------------------------


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
        text += " (the model has no agenda mechanism yet and treats every package as tabled)"
    return text


def worst_misses(bt: Backtest, n: int | None = None) -> list[Observation]:
    """The model's misses, worst first: scored observations whose probability lies at least 0.5
    from what happened (ties by episode), leaving out `tabled`, which the model does not predict;
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
               "on every grain."))


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
             "tabled: the model has no agenda mechanism yet, so it treats every package as tabled (p = 1)",
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
