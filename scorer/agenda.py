"""Agenda setters: who can keep an item off an agenda, per country and venue, and which packages
they keep off (not tabled, hence not ratified).

A dimension belongs to at most one agenda item (`Dimension.agenda_item`). A scenario's setter ranks
items, most pressing first, and takes up only the first `capacity` of them (a judgment with a
range; a drawn capacity c takes up the items ranked at most c). A setter gates the packages of its
venues in its country: 'bilateral', every package its country ratifies with another; a venue, every
package needing that venue there. Such a package is not tabled when it moves a dimension off the
no-deal point (`CompiledStudy.status_quo`) whose item the setter ranks beyond its capacity. Items a
setter does not rank are not its to keep off. The majority party's floor gate
(`compiled.ChamberTest`) is the other agenda setter of the model: a vote of the party's blocs, not
a ranking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from .models import Scenario, Study, Venue


class Gate(NamedTuple):
    """One setter as compiled: the rank of each dimension whose item it ranks (1 = most pressing)."""

    index: int  # position in the scenario's `agenda` (the capacity judgment's `shift`)
    setter: str
    country: str
    bilateral: bool
    venues: frozenset[Venue]
    capacity: float
    ranks: dict[str, tuple[str, int]]  # dimension -> (item, rank)
    evidence: tuple[str, ...]

    def applies(self, countries: Iterable[str], venue: Venue | None) -> bool:
        """Whether the setter gates a package ratified by `countries` that needs `venue` in its country."""
        countries = set(countries)
        if self.country not in countries:
            return False
        return (self.bilateral and len(countries) > 1) or venue in self.venues

    def need(self, package: Mapping[str, str], no_deal: Mapping[str, str]) -> int:
        """The capacity the package needs of this setter: the worst rank among the moved dimensions
        it ranks (0 if it moves none)."""
        return max((rank for d, (_, rank) in self.ranks.items() if package[d] != no_deal[d]), default=0)

    def off(self, capacity: float | None = None) -> dict[str, tuple[str, int]]:
        """The dimensions kept at the no-deal point at `capacity` (the point capacity by default)."""
        cap = self.capacity if capacity is None else capacity
        return {d: r for d, r in self.ranks.items() if r[1] > cap}


class NotTabled(NamedTuple):
    """Why a package is not tabled: the setter, the item it ranks beyond its capacity, the moved
    dimensions of that item, and the evidence."""

    setter: str
    country: str
    item: str
    rank: int
    capacity: float
    dimensions: tuple[str, ...]
    evidence: tuple[str, ...]

    def __str__(self) -> str:
        cap = int(self.capacity) if float(self.capacity).is_integer() else self.capacity
        where = f" — evidence {', '.join(self.evidence)}" if self.evidence else ""
        return f"not tabled: {self.item} ranks {ordinal(self.rank)} on {self.setter}'s agenda, capacity {cap}{where}"

    def record(self) -> dict:
        return {"setter": self.setter, "country": self.country, "item": self.item, "rank": self.rank,
                "capacity": self.capacity, "dimensions": list(self.dimensions), "evidence": list(self.evidence)}


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def gates(study: Study, scenario: Scenario) -> tuple[Gate, ...]:
    """The scenario's agenda setters, compiled."""
    out = []
    for i, s in enumerate(scenario.agenda):
        rank = {item: r for r, item in enumerate(s.items, start=1)}
        ranks = {d: (dim.agenda_item, rank[dim.agenda_item]) for d, dim in study.dimensions.items()
                 if dim.agenda_item in rank}
        out.append(Gate(i, s.stakeholder, s.country, "bilateral" in s.venues,
                        frozenset(Venue(v) for v in s.venues if v != "bilateral"), float(s.capacity), ranks,
                        tuple(s.evidence)))
    return tuple(out)


def not_tabled(gates_: Iterable[Gate], package: Mapping[str, str], no_deal: Mapping[str, str],
               countries: Iterable[str], venue_needed, capacity: Mapping[int, float] | None = None
               ) -> tuple[NotTabled, ...]:
    """Every reason the package is not tabled (empty: it is tabled), one per setter and item, at
    the point capacities or at those given by setter index. `venue_needed(country)` is the venue
    the package needs there."""
    countries = list(countries)
    out = []
    for g in gates_:
        if not g.applies(countries, venue_needed(g.country)):
            continue
        cap = g.capacity if capacity is None else capacity.get(g.index, g.capacity)
        moved: dict[tuple[str, int], list[str]] = {}
        for d, key in g.off(cap).items():
            if package[d] != no_deal[d]:
                moved.setdefault(key, []).append(d)
        out += [NotTabled(g.setter, g.country, item, rank, cap, tuple(dims), g.evidence)
                for (item, rank), dims in sorted(moved.items(), key=lambda kv: kv[0][1])]
    return tuple(out)
