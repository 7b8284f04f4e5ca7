"""The model's track record against the historical episodes (seeds/episodes.toml): for each
observation the sources record (tabled, ratified per country, each chamber's vote, each actor's
stance), the model's verdict at the point values and its probability over worlds drawn from the
ranged judgments, scored with accuracy, the Brier score and log loss beside three baselines an
analyst would otherwise use.

Grains: `tabled` (no agenda setter keeps the package off, `agenda`; p: the share of worlds whose
drawn capacities take it up),
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

The scores are those of `scoring_rules` (log loss clipped). Each scenario's worlds come from their
own seeded stream, so leaving a scenario out (`exclude`) leaves every other probability unchanged.
The report and its JSON are in `backtest_reports`."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .errors import AccordError
from .judgments import DEFAULT_SAMPLES, DEFAULT_SEED
from .models import Episode, Scenario, Study, Venue, package_of
from .compiled import compiled
from .reversion import in_place
from .ratification import coalition, tally, venue_needed
from .sampling import Scratch, chunk_size, compile_kernel, draw, evaluate, kept_off
from .scoring import Package
from .scoring_rules import Bin, accuracy, brier, calibration, log_loss

GRAINS = ("tabled", "ratified", "chamber", "actor")
BASELINES = ("nothing_passes", "executive_only", "mean_position")
PREDICTORS = ("model",) + BASELINES
ALL = "all but tabled"


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


class EpisodeResult(NamedTuple):
    """One episode's status and observations."""

    episode: Episode
    status: str  # scored, not representable, excluded
    reason: str
    observations: tuple[Observation, ...]
    shared: tuple[str, ...] = ()  # evidence the episode shares with the judgments of its scenario


class VenueCheck(NamedTuple):
    """The instrument an episode used in one country against the venue the model says it needs."""

    episode: str
    country: str
    observed: str
    model: str

    @property
    def agrees(self) -> bool:
        return self.observed == self.model


class Score(NamedTuple):
    """One predictor's record on one grain."""

    grain: str
    predictor: str
    n: int
    accuracy: float
    brier: float
    log_loss: float


class Backtest(NamedTuple):
    """The track record: every episode, the scores per grain and predictor, calibration and venues."""

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
    """The episode's full package (its proposal with the changes applied; where both are silent,
    what the episode's period has in place) and the countries that must ratify it."""
    spec = episode.package
    provisions = {**study.proposals[spec.proposal].provisions(), **spec.changes}
    if episode.scenario is not None:
        provisions = {**in_place(study, study.scenarios[episode.scenario]), **provisions}
    return package_of(study.dimensions, provisions), tuple(study.proposals[spec.proposal].countries)


def episode_evidence(episode: Episode) -> set[str]:
    """Every evidence id the episode cites, on any field."""
    ids = set(episode.evidence) | (set(episode.tabled.evidence) if episode.tabled else set())
    if episode.package is not None:
        ids |= set(episode.package.evidence)
    for part in (*episode.countries.values(), *episode.chambers.values(), *episode.actors.values()):
        ids |= set(part.evidence)
    return ids


def judgment_evidence(study: Study, scenarios: Iterable[Scenario]) -> dict[str, set[str]]:
    """Per scenario, every evidence id behind the numbers the model uses in it: the scenario's shifts
    and seats, the stakeholders' profiles and the institutions. An episode citing one of them is not
    a fully independent test: the case was read from the same passage."""
    ids: set[str] = set()
    for sh in study.stakeholders.values():
        ids |= set(sh.evidence) | set(sh.influence_evidence) | set(sh.reservation_evidence)
        ids |= {e for c in sh.concerns.values() for e in c.evidence} | {e for r in sh.red_lines for e in r.evidence}
    inst = study.institutions
    for country in inst.countries.values():
        ids |= set(country.evidence) | {e for v in country.venues.values() for e in v.evidence}
    for chamber in inst.chambers.values():
        ids |= set(chamber.evidence)
    out = {}
    for scenario in scenarios:
        own = set(scenario.evidence)
        for part in (*scenario.salience, *scenario.reservation, *scenario.seats.values()):
            own |= set(part.evidence)
        out[scenario.id] = own | ids
    return out


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
        model = compiled(study, scenario)
        self.profiles, self.seats, self.no_deal = model.profiles, model.seats, model.status_quo
        ids = {d: dim.level_ids for d, dim in study.dimensions.items()}
        self.steps = {d: len(x) - 1 for d, x in ids.items()}
        self.position = {d: {lv: i / self.steps[d] for i, lv in enumerate(x)} for d, x in ids.items()}
        self.ideal = {s: {d: _ideal(p.values[d], ids[d]) for d in p.weights} for s, p in self.profiles.items()}
        self.points: dict[tuple, tuple[list[tuple[str, float, float]], float]] = {}

    def nearer(self, group: tuple, members: Callable[[], dict[str, float]], package: Package) -> bool:
        """Whether the package lies nearer than the status quo to the weighted mean ideal point of
        the group's members (stakeholder -> weight, times its salience on each dimension), worked
        out once per group."""
        if group not in self.points:
            num: dict[str, float] = {}
            den: dict[str, float] = {}
            for s, w in members().items():
                p = self.profiles.get(s)
                if p is None:
                    continue
                for d, sal in p.weights.items():
                    num[d] = num.get(d, 0.0) + w * sal * self.ideal[s][d] / self.steps[d]
                    den[d] = den.get(d, 0.0) + w * sal
            point = [(d, den[d], num[d] / den[d]) for d in den if den[d] > 0]
            self.points[group] = point, self._distance(point, self.no_deal)  # the scenario's no-deal point
        point, no_deal = self.points[group]
        return self._distance(point, package) < no_deal - 1e-12

    def _distance(self, point: list[tuple[str, float, float]], package: Package) -> float:
        return sum(w * abs(self.position[d][package[d]] - x) for d, w, x in point)

    def country(self, package: Package, countries: Iterable[str]) -> bool:
        countries = frozenset(countries)
        return self.nearer(("countries", countries), lambda: {
            s: p.influence for s, p in self.profiles.items() if p.country in countries}, package)

    def chamber(self, package: Package, chamber: str) -> bool:
        return self.nearer(("chamber", chamber), lambda: self.seats[chamber], package)

    def actor(self, package: Package, actor: str) -> bool:
        return actor in self.profiles and self.nearer(("actor", actor), lambda: {actor: 1.0}, package)


def _ideal(values: dict[str, float], levels: list[str]) -> int:
    """The index of the level valued most (the first of equals)."""
    v = [values[lv] for lv in levels]
    return v.index(max(v))


def _executive_only(study: Study, package: Package, countries: Iterable[str]) -> bool:
    return all((venue_needed(study, package, c) or Venue.executive) is Venue.executive for c in countries)


def _baselines(study: Study, spatial: _Spatial, package: Package, countries: tuple[str, ...],
               o: Observation) -> dict[str, bool]:
    executive = _executive_only(study, package, countries)
    if o.grain == "tabled":
        mean = spatial.country(package, countries)
    elif o.grain == "ratified":
        executive = _executive_only(study, package, [o.item])
        mean = spatial.country(package, [o.item])
    elif o.grain == "chamber":
        executive = False
        mean = spatial.chamber(package, o.item)
    else:
        mean = spatial.actor(package, o.item)
    return {"nothing_passes": False, "executive_only": executive, "mean_position": mean}


# --- the model ------------------------------------------------------------------------------


def _scenario_seed(seed: int, scenario_id: str) -> np.random.SeedSequence:
    return np.random.SeedSequence([seed, zlib.crc32(scenario_id.encode())])


def _score_scenario(study: Study, scenario: Scenario, episodes: list[Episode], samples: int, seed: int,
                    progress: Callable[[int], None] | None, scratch: Scratch) -> dict[str, list[Observation]]:
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
                if country not in countries or o.item not in c.countries[country].chambers:
                    o.reason = "the model gives this chamber no role in the venue the package needs"
            if o.grain == "tabled":
                o.model = c.tabled
            elif o.grain == "ratified" and not o.reason:
                o.model = c.countries[o.item].ratified
            elif o.grain == "chamber" and not o.reason:
                o.model = c.countries[study.institutions.chambers[o.item].country].chambers[o.item].passed
            elif o.grain == "actor":
                o.model = o.item in c.stances and c.stances[o.item].accepts
            o.baselines = _baselines(study, spatial, package, countries, o)
        out[e.id] = obs

    kernel = compile_kernel(study, scenario, packages)
    rng = np.random.default_rng(_scenario_seed(seed, scenario.id))
    index = {s: i for i, s in enumerate(kernel.stakeholders)}
    counts = {e.id: [0] * len(out[e.id]) for e in episodes}
    seen: dict[str, dict[tuple, bool]] = {e.id: {} for e in episodes}
    step, done = chunk_size(kernel), 0  # each chunk's worlds are read before the next's
    while done < samples:
        n = min(step, samples - done)
        drawn = draw(kernel, n, rng, scratch=scratch)
        worlds = evaluate(kernel, drawn, scratch=scratch)
        tabled = (~kept_off(kernel, drawn).any(axis=1)).sum(axis=1)  # (P,) worlds in which each is tabled
        accepts = worlds.accepts.sum(axis=2)  # (P, S) worlds in which each stakeholder accepts each
        for p, e in enumerate(episodes):
            package, countries = packages[e.id]
            ratified = worlds.countries[p].sum(axis=1)
            chambers = chamber_counts(study, scenario, package, kernel.stakeholders, worlds.accepts[p],
                                      [o.item for o in out[e.id] if o.grain == "chamber" and o.scored], seen[e.id])
            for i, o in enumerate(out[e.id]):
                if o.grain == "tabled":
                    counts[e.id][i] += int(tabled[p])
                elif o.grain == "ratified" and o.scored:
                    counts[e.id][i] += int(ratified[countries.index(o.item)])
                elif o.grain == "chamber" and o.scored:
                    counts[e.id][i] += chambers[o.item]
                elif o.grain == "actor" and o.item in index:
                    counts[e.id][i] += int(accepts[p, index[o.item]])
        done += n
        if progress is not None:
            progress(n)
    for e in episodes:
        for i, o in enumerate(out[e.id]):
            if o.model is not None:
                o.p = counts[e.id][i] / samples
    return out


def chamber_counts(study: Study, scenario: Scenario, package: Package, stakeholders: tuple[str, ...],
                   accepts: np.ndarray, chambers: list[str], seen: dict[tuple, bool] | None = None) -> dict[str, int]:
    """In how many worlds each chamber passes the package: `tally` on the chamber's test (the one
    statement of its vote) run once per distinct pattern of acceptances among the blocs with seats
    there (the only stakeholders it reads) in the (S, n) `accepts`, remembered in `seen` across calls.
    Each chamber must be one the package's venue in its country puts to a vote (as `_score_scenario`
    checks before it asks)."""
    seen = {} if seen is None else seen
    model = compiled(study, scenario)
    index = {s: i for i, s in enumerate(stakeholders)}
    out = {}
    for ch in chambers:
        test = next(t for t in model.test(package, study.institutions.chambers[ch].country).chambers if t.chamber == ch)
        blocs = list(test.seats)
        rows = accepts[[index[b] for b in blocs]]
        out[ch] = 0
        for world, n in zip(*_distinct(rows)):
            key = (ch, *rows[:, world].tolist())
            if key not in seen:
                seen[key] = tally(test, dict(zip(blocs, key[1:])), ranges=False).passed
            out[ch] += n if seen[key] else 0
    return out


def _distinct(rows: np.ndarray) -> tuple[list[int], list[int]]:
    """The distinct columns of the (B, n) bool `rows`: a column holding each, and how many do. Each
    column becomes an integer key, 40 rows at a time beside the ids of the patterns so far (so n must
    stay below 2**23, some 500 times the largest chunk)."""
    key = np.zeros(rows.shape[1], np.int64)
    for start in range(0, len(rows), 40):
        part = rows[start:start + 40]
        key = (key << len(part)) | ((1 << np.arange(len(part), dtype=np.int64)) @ part)
        if start + 40 < len(rows):
            key = np.unique(key, return_inverse=True)[1]
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    return first.tolist(), counts.tolist()


# --- the record -----------------------------------------------------------------------------


def _predictions(o: Observation, predictor: str) -> tuple[bool, float]:
    if predictor == "model":
        return o.model, o.p
    verdict = o.baselines[predictor]
    return verdict, float(verdict)


def record(observations: list[Observation]) -> list[Score]:
    """Accuracy, Brier score and log loss of every predictor on each grain with observations,
    and on all grains but `tabled` together (kept apart, so the aggregate stays comparable with the
    record from before the model had agenda setters)."""
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
    scratch = Scratch()  # one for every scenario's chunks
    for sid, episodes in by_scenario.items():
        scored.update(_score_scenario(study, study.scenarios[sid], episodes, samples, seed, progress, scratch))
    results = []
    behind = judgment_evidence(study, [study.scenarios[sid] for sid in by_scenario])
    for e in study.episodes.values():
        if e.unrepresentable:
            results.append(EpisodeResult(e, "not representable", e.unrepresentable, ()))
        elif e.scenario in excluded:
            results.append(EpisodeResult(e, "excluded", f"scenario '{e.scenario}' left out", ()))
        else:
            shared = episode_evidence(e) & behind[e.scenario]
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
                needed = venue_needed(study, package, c, study.scenarios[e.scenario] if e.scenario else None)
                out.append(VenueCheck(e.id, c, outcome.venue.value, needed.value if needed else "none"))
    return out


def scenarios_needed(study: Study, exclude: Iterable[str] = ()) -> int:
    """How many scenarios the backtest samples (for a progress bar's length)."""
    return len({e.scenario for e in study.episodes.values() if not e.unrepresentable and e.scenario not in set(exclude)})
