"""Where a package must be ratified and whether it survives there.

The venue a country needs is the strongest authority any level of the package needs there
(executive < statute < treaty; none when no level asks anything of that country). A country
ratifies when every actor its institutions name for that venue accepts and, in every required
chamber, the accepting blocs hold at least the threshold share of seats. A package is ratified
when every country it involves ratifies."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Scenario, Study, Venue
from .notebook import Tabular
from .scoring import Package, Stance, stances

SEAT_EPSILON = 1e-9


def venue_needed(study: Study, package: Package, country: str) -> Venue | None:
    """The strongest authority the package's levels need in `country`, or None."""
    needed = [study.dimensions[d].level(lv).authority.get(country) for d, lv in package.items()]
    needed = [v for v in needed if v is not None]
    return max(needed, key=lambda v: v.rank) if needed else None


def seat_shares(study: Study, scenario: Scenario, chamber: str) -> dict[str, float]:
    if chamber in scenario.seats:
        return dict(scenario.seats[chamber].shares)
    return dict(study.institutions.chambers[chamber].seats)


def majority_party(study: Study, scenario: Scenario, chamber: str) -> list[str]:
    """Blocs of the party that controls the chamber's floor (empty: no agenda gate)."""
    override = scenario.seats.get(chamber)
    if override is not None and override.majority_party is not None:
        return list(override.majority_party)
    return list(study.institutions.chambers[chamber].majority_party)


def required_actors(study: Study, package: Package, country: str) -> list[str]:
    """Named actors whose acceptance the country's venue requires (the executive's when no venue)."""
    venue = venue_needed(study, package, country) or Venue.executive
    return list(study.institutions.countries[country].venues[venue].actors)


@dataclass(frozen=True)
class ChamberTally:
    """A chamber's vote: the accepting blocs' share of seats against the threshold, and, where a
    majority party controls the floor, the accepting share of that party's seats (the agenda gate)."""

    chamber: str
    share: float
    threshold: float
    accepting: tuple[str, ...]
    rejecting: tuple[str, ...]
    agenda_share: float | None = None
    agenda_threshold: float | None = None

    @property
    def reaches_floor(self) -> bool:
        return self.agenda_share is None or self.agenda_share >= self.agenda_threshold - SEAT_EPSILON

    @property
    def passed(self) -> bool:
        return self.reaches_floor and self.share >= self.threshold - SEAT_EPSILON


@dataclass(frozen=True)
class CountryVerdict:
    country: str
    venue: Venue | None
    actors: tuple[str, ...]
    chambers: dict[str, ChamberTally]
    blocking: tuple[str, ...]

    @property
    def ratified(self) -> bool:
        return not self.blocking and all(t.passed for t in self.chambers.values())


def country_verdict(study: Study, scenario: Scenario, package: Package, country: str,
                    accepts: dict[str, bool]) -> CountryVerdict:
    """Ratification in one country given who accepts (absent stakeholders never accept)."""
    venue = venue_needed(study, package, country)
    if venue is None:
        return CountryVerdict(country, None, (), {}, ())
    rule = study.institutions.countries[country].venues[venue]
    blocking = [a for a in rule.actors if not accepts.get(a, False)]
    tallies = {}
    for chamber, threshold in rule.chambers.items():
        seats = seat_shares(study, scenario, chamber)
        yes = tuple(b for b in seats if accepts.get(b, False))
        no = tuple(b for b in seats if not accepts.get(b, False) and seats[b] > 0)
        party = majority_party(study, scenario, chamber)
        agenda = None
        if party:
            party_seats = sum(seats[b] for b in party)
            agenda = sum(seats[b] for b in party if b in yes) / party_seats if party_seats > 0 else 0.0
        gate = study.institutions.chambers[chamber].agenda_threshold if party else None
        tally = ChamberTally(chamber, sum(seats[b] for b in yes), threshold, yes, no, agenda, gate)
        tallies[chamber] = tally
        if not tally.reaches_floor:
            blocking += [b for b in party if b in no and b not in blocking]
        elif not tally.passed:
            blocking += [b for b in no if b not in blocking]
    return CountryVerdict(country, venue, tuple(rule.actors), tallies, tuple(blocking))


def ratified(study: Study, scenario: Scenario, package: Package, countries: Iterable[str],
             accepts: dict[str, bool]) -> bool:
    return all(country_verdict(study, scenario, package, c, accepts).ratified for c in countries)


@dataclass(frozen=True)
class Coalition(Tabular):
    """Everything `coalition` reports about one package in one scenario."""

    scenario: str
    countries: dict[str, CountryVerdict]
    stances: dict[str, Stance]
    pivotal: tuple[str, ...]

    @property
    def ratified(self) -> bool:
        return all(v.ratified for v in self.countries.values())

    @property
    def blocking(self) -> list[str]:
        return sorted({b for v in self.countries.values() for b in v.blocking})


def country_gain(study: Study, c: Coalition, package: Package, country: str) -> float:
    """The worst gain among the actors the country's venue requires, its ratifying coalition
    (-inf if one is absent, inf if none is required)."""
    actors = required_actors(study, package, country)
    return min((c.stances[a].gain if a in c.stances else -math.inf) for a in actors) if actors else math.inf


def coalition(study: Study, scenario: Scenario, package: Package, countries: Iterable[str]) -> Coalition:
    """Stances, per-country verdicts and the pivotal stakeholders (whose flip alone flips the result)."""
    countries = list(countries)
    st = stances(study, scenario, package)
    accepts = {s: x.accepts for s, x in st.items()}
    verdicts = {c: country_verdict(study, scenario, package, c, accepts) for c in countries}
    outcome = all(v.ratified for v in verdicts.values())
    pivotal = tuple(s for s in st if ratified(study, scenario, package, countries,
                                              {**accepts, s: not accepts[s]}) != outcome)
    return Coalition(scenario.id, verdicts, st, pivotal)
