"""Where a package must be ratified and whether it survives there, evaluated on the compiled
study's ratification tests (`compiled.VenueTest`).

The venue a country needs is the strongest authority any level of the package needs there
(executive < statute < treaty; none when no level asks anything of that country). A country
ratifies when every actor its institutions name for that venue accepts and, in every required
chamber, the accepting blocs hold at least the threshold share of seats, the majority party's floor
gate permitting. A package is ratified when it is tabled (no agenda setter keeps it off: `agenda`)
and every country it involves ratifies."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from .agenda import NotTabled
from .compiled import SEAT_TOLERANCE, ChamberTest, CompiledStudy, Package, VenueTest, compiled, voters
from .errors import AccordError
from .models import Scenario, Study, Venue
from .notebook import Tabular
from .scoring import Stance, stance
from .seat_ranges import tally_ranges


MEMO_SIZE = 4096  # coalitions remembered per compiled study: a brief scores about a hundred


def venue_needed(study: Study, package: Package, country: str, scenario: Scenario | None = None) -> Venue | None:
    """The strongest authority the package's levels need in `country`, or None."""
    return compiled(study, scenario or study.scenario()).venue_needed(package, country)


class ChamberTally(NamedTuple):
    """A chamber's vote: the accepting blocs' share of seats against the threshold, and, where a
    majority party controls the floor, the accepting share of that party's seats (the agenda gate);
    where the chamber's party splits are ranged, the range of each share (who accepts held fixed)."""

    chamber: str
    share: float
    threshold: float
    accepting: tuple[str, ...]
    rejecting: tuple[str, ...]
    agenda_share: float | None = None
    agenda_threshold: float | None = None
    share_range: tuple[float, float] | None = None  # over the ranged party splits (None: none in this chamber)
    agenda_range: tuple[float, float] | None = None

    @property
    def reaches_floor(self) -> bool:
        return self.agenda_share is None or self.agenda_share >= self.agenda_threshold - SEAT_TOLERANCE

    @property
    def passed(self) -> bool:
        return self.reaches_floor and self.share >= self.threshold - SEAT_TOLERANCE


class CountryVerdict(NamedTuple):
    country: str
    venue: Venue | None
    actors: tuple[str, ...]
    chambers: dict[str, ChamberTally]
    blocking: tuple[str, ...]

    @property
    def ratified(self) -> bool:
        return not self.blocking and all(t.passed for t in self.chambers.values())

    @property
    def venue_name(self) -> str:
        """The venue's name, "none" where the package asks nothing of the country."""
        return self.venue.value if self.venue else "none"


def tally(test: ChamberTest, accepts: dict[str, bool], ranges: bool = True) -> ChamberTally:
    """The chamber's vote; without `ranges`, the split ranges are left out (None), for callers that
    read only whether it passes."""
    yes = tuple(b for b in test.seats if accepts.get(b, False))
    no = tuple(b for b in test.seats if not accepts.get(b, False) and test.seats[b] > 0)
    agenda = None
    if test.party:
        agenda = sum(w for b, w in test.party_weights.items() if b in yes)
    spread = tally_ranges(test, yes) if ranges and test.splits else (None, None)
    return ChamberTally(test.chamber, sum(test.seats[b] for b in yes), test.threshold, yes, no, agenda, test.gate,
                        *spread)


def verdict(test: VenueTest | None, country: str, accepts: dict[str, bool], ranges: bool = True) -> CountryVerdict:
    """Ratification in one country through the test its venue sets (None: no venue needed), given
    who accepts (absent stakeholders never accept): the actors who reject block; where the majority
    party keeps the bill off the floor, its rejecting blocs block; where a chamber's vote fails,
    every rejecting bloc with seats there blocks. `ranges=False` skips the tallies' split ranges
    (for a caller that reads only `ratified`)."""
    if test is None:
        return CountryVerdict(country, None, (), {}, ())
    blocking = [a for a in test.actors if not accepts.get(a, False)]
    tallies = {}
    for chamber in test.chambers:
        t = tally(chamber, accepts, ranges)
        tallies[chamber.chamber] = t
        if not t.reaches_floor:
            blocking += [b for b in chamber.party if b in t.rejecting and b not in blocking]
        elif not t.passed:
            blocking += [b for b in t.rejecting if b not in blocking]
    return CountryVerdict(country, test.venue, test.actors, tallies, tuple(blocking))


def country_verdict(study: Study, scenario: Scenario, package: Package, country: str,
                    accepts: dict[str, bool]) -> CountryVerdict:
    return verdict(compiled(study, scenario).test(package, country), country, accepts)


def ratified(study: Study, scenario: Scenario, package: Package, countries: Iterable[str],
             accepts: dict[str, bool]) -> bool:
    model = compiled(study, scenario)
    countries = list(countries)
    return not model.not_tabled(package, countries) and all(
        verdict(model.test(package, c), c, accepts, ranges=False).ratified for c in countries)


@dataclass(frozen=True)
class Coalition(Tabular):
    """Everything `coalition` reports about one package in one scenario."""

    scenario: str
    countries: dict[str, CountryVerdict]
    stances: dict[str, Stance]
    pivotal: tuple[str, ...]
    no_deal: tuple[str, ...] = ()  # gains are measured against this no-deal point (`reversion`), in words
    not_tabled: tuple[NotTabled, ...] = ()  # why no agenda setter takes the package up (empty: tabled)

    @property
    def tabled(self) -> bool:
        return not self.not_tabled

    @property
    def ratified(self) -> bool:
        return self.tabled and all(v.ratified for v in self.countries.values())

    @property
    def blocking(self) -> list[str]:
        """Who blocks: the setters who keep the package off the agenda, and each country's blockers."""
        return sorted({b for v in self.countries.values() for b in v.blocking} | {n.setter for n in self.not_tabled})


def country_gain(study: Study, c: Coalition, package: Package, country: str) -> float:
    """The worst gain among the actors the country's venue requires, its ratifying coalition
    (-inf if one is absent, inf if none is required)."""
    actors = compiled(study, study.scenarios[c.scenario]).required_actors(package, country)
    return min((c.stances[a].gain if a in c.stances else -math.inf) for a in actors) if actors else math.inf


def coalition(study: Study, scenario: Scenario, package: Package, countries: Iterable[str]) -> Coalition:
    """Stances, per-country verdicts and the pivotal stakeholders (whose flip alone flips the result)."""
    model = compiled(study, scenario)
    countries = list(countries)
    if not countries:
        raise AccordError("a package needs at least one country to ratify it")
    key = (tuple(package.items()), tuple(countries))
    if key not in model.verdicts:
        if len(model.verdicts) >= MEMO_SIZE:  # an enumeration would otherwise keep every package
            model.verdicts.clear()
        model.verdicts[key] = _coalition(model, package, countries)
    return model.verdicts[key]


def _coalition(model: CompiledStudy, package: Package, countries: list[str]) -> Coalition:
    st = {sid: stance(p, package) for sid, p in model.profiles.items()}
    accepts = {s: x.accepts for s, x in st.items()}
    tests = {c: model.test(package, c) for c in countries}
    verdicts = {c: verdict(tests[c], c, accepts) for c in countries}
    off = model.not_tabled(package, countries)
    outcome = all(v.ratified for v in verdicts.values())
    readers = voters(tests.values())
    pivotal = () if off else tuple(
        s for s in st if s in readers and all(
            verdict(tests[c], c, {**accepts, s: not accepts[s]}, ranges=False).ratified for c in countries) != outcome)
    return Coalition(model.scenario.id, verdicts, st, pivotal, model.reversion.lines if model.reversion else (), off)
