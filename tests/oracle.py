"""Exhaustive enumeration: the independent oracle the optimiser is tested against. Every package is
built by itertools.product over the levels and judged by the scoring and ratification code alone;
nothing here imports the optimiser.

`best_vectorised` is the same enumeration in numpy, for the benchmark's 10-12 dimension studies;
the tests check it against the plain version."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from scorer.checks import rule_violations
from scorer.models import Scenario, Study, Venue
from scorer.ratification import CountryVerdict, country_verdict
from scorer.scoring import Package, Stance, profiles, stance

SEAT_EPSILON = 1e-9


# --- the institutions, read straight from the study (not from the compiled model) ------------------


def seat_shares(study: Study, scenario: Scenario, chamber: str) -> dict[str, float]:
    override = scenario.seats.get(chamber)
    return dict(override.shares if override is not None else study.institutions.chambers[chamber].seats)


def majority_party(study: Study, scenario: Scenario, chamber: str) -> list[str]:
    override = scenario.seats.get(chamber)
    if override is not None and override.majority_party is not None:
        return list(override.majority_party)
    return list(study.institutions.chambers[chamber].majority_party)


def split_seats(study: Study, scenario: Scenario, chamber: str, bloc: str, x: float) -> dict[str, float]:
    """The seats of the party `bloc` belongs to in a ranged split, `bloc` holding x of the party:
    the party's total as read, its other blocs sharing the rest as their read shares do."""
    override = scenario.seats.get(chamber)
    splits = override.splits if override is not None else study.institutions.chambers[chamber].splits
    split = next(s for s in splits if s.bloc == bloc)
    seats = seat_shares(study, scenario, chamber)
    total = sum(seats[b] for b in split.blocs)
    others = [b for b in split.blocs if b != bloc]
    rest = sum(seats[b] for b in others)
    out = {bloc: x * total}
    for b in others:
        out[b] = (1 - x) * total * (seats[b] / rest if rest > 0 else 1 / len(others))
    return out


def ratified_with_seats(study: Study, scenario: Scenario, package: Package, countries: Sequence[str],
                        accepts: dict[str, bool], seats: dict[str, dict[str, float]]) -> bool:
    """Ratification read straight from the institutions, with `seats` (chamber -> bloc -> share)
    replacing the chambers' shares they name: every named actor of the venue accepts; in each of its
    chambers the accepting blocs hold the threshold and, behind a majority party, the party's
    accepting blocs hold the agenda threshold of the party's seats."""
    for c in countries:
        venue = venue_needed(study, package, c, scenario)
        if venue is None:
            continue
        rule = study.institutions.countries[c].venues[venue]
        if not all(accepts.get(a, False) for a in rule.actors):
            return False
        for ch, threshold in rule.chambers.items():
            shares = {**seat_shares(study, scenario, ch), **seats.get(ch, {})}
            if sum(x for b, x in shares.items() if accepts.get(b, False)) < threshold - SEAT_EPSILON:
                return False
            party = majority_party(study, scenario, ch)
            if party:
                total = sum(shares[b] for b in party)
                held = sum(shares[b] for b in party if accepts.get(b, False))
                if (held / total if total > 0 else 0.0) < study.institutions.chambers[ch].agenda_threshold - SEAT_EPSILON:
                    return False
    return True


def venue_needed(study: Study, package: Package, country: str, scenario: Scenario | None = None) -> Venue | None:
    """A level the scenario's period already has in place (its `no_deal`) needs no venue."""
    kept = {d: nd.level for d, nd in scenario.no_deal.items()} if scenario is not None else {}
    needed = [study.dimensions[d].level(lv).authority.get(country) for d, lv in package.items() if kept.get(d) != lv]
    return max((v for v in needed if v is not None), key=lambda v: list(Venue).index(v), default=None)


def required_actors(study: Study, package: Package, country: str, scenario: Scenario | None = None) -> list[str]:
    venue = venue_needed(study, package, country, scenario) or Venue.executive
    return list(study.institutions.countries[country].venues[venue].actors)


def tabled(study: Study, scenario: Scenario, package: Package, countries: Sequence[str]) -> bool:
    """No agenda setter of the scenario keeps the package off: read from the scenario's setters and
    the dimensions' items, each setter taking up its first `capacity` items."""
    first = {d: dim.level_ids[0] for d, dim in study.dimensions.items()}  # the no-deal point, read here
    first.update({d: nd.level for d, nd in scenario.no_deal.items()})
    first.update({t.dimension: t.level for t in scenario.threats if t.dimension is not None})
    for setter in scenario.agenda:
        if setter.country not in countries:
            continue
        gates = ("bilateral" in setter.venues and len(set(countries)) > 1) or any(
            venue_needed(study, package, setter.country, scenario) == Venue(v) for v in setter.venues if v != "bilateral")
        taken_up = set(setter.items[:int(setter.capacity)]) if setter.capacity >= 0 else set()
        for d, dim in study.dimensions.items():
            if gates and package[d] != first[d] and dim.agenda_item in setter.items and dim.agenda_item not in taken_up:
                return False
    return True


def all_packages(study: Study) -> Iterator[Package]:
    dims = list(study.dimensions.values())
    for levels in itertools.product(*[d.level_ids for d in dims]):
        yield {d.id: lv for d, lv in zip(dims, levels)}


@dataclass(frozen=True)
class Judged:
    package: Package
    stances: dict[str, Stance]
    verdicts: dict[str, CountryVerdict]
    scenario: Scenario | None = None
    tabled: bool = True

    @property
    def ratified(self) -> bool:
        return self.tabled and all(v.ratified for v in self.verdicts.values())

    def accepts(self, s: str) -> bool:
        return s in self.stances and self.stances[s].accepts


def judge_all(study: Study, scenario: Scenario, countries: Sequence[str] = ("us", "mx"),
              fix: Sequence[tuple[str, str]] = (), forbid: Sequence[tuple[str, str]] = (),
              venue: Sequence[tuple[str, Venue]] = (), allowed: dict[str, list[str]] | None = None) -> list[Judged]:
    """Every package obeying the level rules and the settings, with its stances and verdicts."""
    present = profiles(study, scenario)
    out = []
    for package in all_packages(study):
        if any(package[d] != lv for d, lv in fix) or any(package[d] == lv for d, lv in forbid):
            continue
        if allowed and any(package[d] not in levels for d, levels in allowed.items()):
            continue
        needed = {c: venue_needed(study, package, c, scenario) for c, _ in venue}
        if any(needed[c] is not None and needed[c].rank > v.rank for c, v in venue):
            continue
        if next(rule_violations(study, package), None) is not None:
            continue
        st = {s: stance(p, package) for s, p in present.items()}
        accepts = {s: x.accepts for s, x in st.items()}
        out.append(Judged(package, st, {c: country_verdict(study, scenario, package, c, accepts) for c in countries},
                          scenario, tabled(study, scenario, package, countries)))
    return out


def country_gain(study: Study, j: Judged, country: str) -> float:
    return min(j.stances[a].gain if a in j.stances else -math.inf for a in required_actors(study, j.package, country, j.scenario))


def objective(study: Study, j: Judged, name: str, countries: Sequence[str]) -> float:
    """maximin, welfare, support or favour=COUNTRY, as the ranking code defines them."""
    if name == "maximin":
        return min(country_gain(study, j, c) for c in countries)
    if name.startswith("favour="):
        return country_gain(study, j, name.split("=")[1])
    if name == "welfare":
        return sum(study.stakeholders[s].influence * x.gain for s, x in j.stances.items())
    total = sum(study.stakeholders[s].influence for s in j.stances)
    return sum(study.stakeholders[s].influence for s, x in j.stances.items() if x.accepts) / total


def feasible(judged: list[Judged], require: Sequence[str] = (), ratify: bool = True) -> list[Judged]:
    return [j for j in judged if (j.ratified or not ratify) and all(j.accepts(s) for s in require)]


def ranked(study: Study, judged: list[Judged], name: str, countries: Sequence[str]) -> list[tuple[float, Judged]]:
    """Feasible packages with their objective, best first."""
    return sorted(((objective(study, j, name, countries), j) for j in judged), key=lambda t: -t[0])


def missing(study: Study, j: Judged, countries: Sequence[str], require: Sequence[str] = ()) -> int:
    """How many required acceptances the package misses: named actors and chamber thresholds of
    each country's venue, and the required stakeholders."""
    count = sum(not j.accepts(s) for s in require)
    for c in countries:
        v = j.verdicts[c]
        if v.venue is None:
            continue
        count += sum(not j.accepts(a) for a in v.actors)
        count += sum(not t.passed for t in v.chambers.values())
    return count


def pareto(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The nondominated points (distinct up to 1e-9), first coordinate rising."""
    out: list[tuple[float, float]] = []
    best_y = -math.inf
    for x, y in sorted(points, key=lambda t: (-t[0], -t[1])):
        if y > best_y + 1e-9:
            out.append((x, y))
            best_y = y
    return sorted(out)


# --- the same enumeration, vectorised (for the benchmark) ------------------------------------------


def best_vectorised(study: Study, scenario: Scenario, name: str = "maximin",
                    countries: Sequence[str] = ("us", "mx"), inner_size: int = 1 << 18) -> tuple[float, Package] | None:
    """The best ratified package under `name` (maximin, welfare or support) by enumerating every
    package in numpy blocks: the last dimensions vectorised, the first looped over. Additive
    studies only: it states no non-additive term or conditional red line."""
    if any(sh.interactions or sh.conditional_red_lines for sh in study.stakeholders.values()) or any(
            (scenario.no_deal, scenario.threats, scenario.agenda, scenario.delivery, scenario.regard)):
        raise ValueError("best_vectorised enumerates additive studies against the first levels only (no "
                         "interactions, conditional red lines, no-deal point, threats, agenda, delivery or regard)")
    dims = list(study.dimensions.values())
    prof = profiles(study, scenario)
    ids = list(prof)
    col = {s: i for i, s in enumerate(ids)}
    base = {d: dim.level_ids[0] for d, dim in study.dimensions.items()}
    influence = np.array([study.stakeholders[s].influence for s in ids])
    reservation = np.array([prof[s].reservation for s in ids])
    coef, red, auth = [], [], []
    for d in dims:
        c = np.zeros((len(d.levels), len(ids)))
        r = np.zeros((len(d.levels), len(ids)), dtype=bool)
        for s, p in prof.items():
            if d.id in p.weights:
                c[:, col[s]] = [p.weights[d.id] * (p.values[d.id][lv] - p.values[d.id][base[d.id]])
                                for lv in d.level_ids]
            r[:, col[s]] = [lv in p.red_lines.get(d.id, ()) for lv in d.level_ids]
        coef.append(c)
        red.append(r)
        auth.append({k: np.array([lv.authority[k].rank if k in lv.authority else -1 for lv in d.levels])
                     for k in countries})
    index = {d.id: i for i, d in enumerate(dims)}
    rules = [(index[d.id], j, index[ls.dimension], sorted(dims[index[ls.dimension]].level_ids.index(m)
                                                         for m in dims[index[ls.dimension]].members(ls)), kind)
             for d in dims for j, lv in enumerate(d.levels)
             for kind, sets in (("requires", lv.requires), ("excludes", lv.excludes)) for ls in sets]

    split = len(dims)
    while split > 0 and math.prod(len(d.levels) for d in dims[split - 1:]) <= inner_size:
        split -= 1
    inner = list(range(split, len(dims)))
    shape = [len(dims[i].levels) for i in inner]
    grid = np.indices(shape).reshape(len(inner), -1).T if inner else np.zeros((1, 0), int)
    n = grid.shape[0]
    at = {i: grid[:, k] for k, i in enumerate(inner)}
    inner_gain = sum((coef[i][at[i]] for i in inner), np.zeros((n, len(ids))))
    inner_red = np.zeros((n, len(ids)), dtype=bool)
    for i in inner:
        inner_red |= red[i][at[i]]
    inner_venue = {k: np.max([auth[i][k][at[i]] for i in inner], axis=0) if inner else np.full(n, -1)
                   for k in countries}
    rule_cache = {}
    for r, (a, j, b, members, kind) in enumerate(rules):
        if a in at:
            rule_cache[(r, "a")] = at[a] == j
        if b in at:
            rule_cache[(r, "b")] = np.isin(at[b], members)

    rule_of = {k: {v: study.institutions.countries[k].venues[v] for v in Venue} for k in countries}
    best: tuple[float, Package] | None = None
    for combo in itertools.product(*[range(len(dims[i].levels)) for i in range(split)]):
        ok = np.ones(n, dtype=bool)
        for r, (a, j, b, members, kind) in enumerate(rules):
            picked = rule_cache[(r, "a")] if a in at else np.full(n, combo[a] == j)
            member = rule_cache[(r, "b")] if b in at else np.full(n, combo[b] in members)
            ok &= ~picked | (member if kind == "requires" else ~member)
        if not ok.any():
            continue
        gain = inner_gain + sum((coef[i][combo[i]] for i in range(split)), np.zeros(len(ids)))
        touched = inner_red | np.any([red[i][combo[i]] for i in range(split)] or [np.zeros(len(ids), bool)], axis=0)
        acc = (gain - reservation >= -1e-12) & ~touched
        floors = []
        for k in countries:
            venue = np.maximum(inner_venue[k], max((auth[i][k][combo[i]] for i in range(split)), default=-1))
            ratified = venue == -1
            floor = np.full(n, np.inf)
            for v in Venue:
                rule = rule_of[k][v]
                here = acc[:, [col[a] for a in rule.actors if a in col]].all(axis=1) & \
                    all(a in col for a in rule.actors)
                for ch, threshold in rule.chambers.items():
                    seats = seat_shares(study, scenario, ch)
                    share = sum((seats[b] * acc[:, col[b]] for b in seats if b in col), np.zeros(n))
                    here &= share >= threshold - SEAT_EPSILON
                    party = majority_party(study, scenario, ch)
                    if party:
                        party_seats = sum(seats[b] for b in party)
                        held = sum((seats[b] * acc[:, col[b]] for b in party if b in col), np.zeros(n))
                        gate = study.institutions.chambers[ch].agenda_threshold
                        here &= (held / party_seats if party_seats > 0 else held * 0) >= gate - SEAT_EPSILON
                ratified |= (venue == v.rank) & here
            for v in (None, *Venue):
                actors = rule_of[k][v or Venue.executive].actors
                worst = np.min([gain[:, col[a]] if a in col else np.full(n, -np.inf) for a in actors], axis=0)
                floor = np.where(venue == (v.rank if v else -1), worst, floor)
            ok &= ratified
            floors.append(floor)
        if not ok.any():
            continue
        if name == "maximin":
            score = np.min(floors, axis=0)
        elif name == "welfare":
            score = gain @ influence
        else:
            score = (acc @ influence) / influence.sum()
        score = np.where(ok, score, -np.inf)
        i = int(np.argmax(score))
        if best is None or score[i] > best[0]:
            levels = list(combo) + list(grid[i])
            best = (float(score[i]), {d.id: d.level_ids[lv] for d, lv in zip(dims, levels)})
    return best
