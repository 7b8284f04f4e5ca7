"""Ranged seats: how a party's seats split between its blocs, as a judgment with a range.

A split names a party's blocs in one chamber and the bloc whose share of the party is ranged. The
party's share of the chamber (its blocs' seats summed) is a fact and never moves; at share x the
ranged bloc holds x of the party's seats and the party's other blocs hold the rest in proportion to
their point shares (equally when those are all zero). Every bloc's seats are therefore linear in x,
and so is every chamber's accepting share and, the party's total being fixed, the majority party's
accepting share behind its floor gate: with who accepts held fixed, ratification changes only where
one of these lines crosses its threshold (`stability` finds where, in closed form).

A chamber's splits apply where the scenario does not set its seats; where it does, the scenario's
own splits apply. The scalar scorer and the MILP read the point shares; the sampler draws x and
sensitivity reports where a verdict flips. Pure Python."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .models import Scenario, Study

if TYPE_CHECKING:
    from .compiled import ChamberTest

Seats = dict[str, float]


class Split(NamedTuple):
    """One party's split in one chamber, compiled for a scenario."""

    chamber: str
    bloc: str  # the bloc whose share of the party is ranged
    others: tuple[str, ...]  # the party's other blocs
    total: float  # the party's share of the chamber, fixed
    point: float  # the ranged bloc's share of the party at the point reading
    low: float
    high: float
    rest: tuple[float, ...]  # each other bloc's part of the party's remaining seats (sums to 1)
    evidence: tuple[str, ...] = ()

    @property
    def blocs(self) -> tuple[str, ...]:
        return (self.bloc, *self.others)

    def shares(self, x: float) -> Seats:
        """The party's blocs' shares of the chamber when the ranged bloc holds x of the party."""
        return {self.bloc: x * self.total,
                **{b: (1.0 - x) * self.total * r for b, r in zip(self.others, self.rest)}}


def compile_split(chamber: str, seats: Seats, blocs: list[str], bloc: str, low: float, high: float,
                  evidence: tuple[str, ...] = ()) -> Split:
    others = tuple(b for b in blocs if b != bloc)
    total = sum(seats[b] for b in blocs)
    remaining = sum(seats[b] for b in others)
    rest = tuple(seats[b] / remaining if remaining > 0 else 1.0 / len(others) for b in others)
    return Split(chamber, bloc, others, total, seats[bloc] / total if total > 0 else 0.0, float(low), float(high),
                 rest, evidence)


def splits(study: Study, scenario: Scenario) -> tuple[Split, ...]:
    """Every split that applies under `scenario`, in chamber order."""
    out = []
    for ch, chamber in study.institutions.chambers.items():
        override = scenario.seats.get(ch)
        seats, declared = ((override.shares, override.splits) if override is not None
                           else (chamber.seats, chamber.splits))
        out += [compile_split(ch, seats, s.blocs, s.bloc, *s.share_range, tuple(s.evidence)) for s in declared]
    return tuple(out)


def chamber_at(test: ChamberTest, split: Split, x: float) -> ChamberTest:
    """A compiled `ChamberTest` with the split's bloc at share x of its party (itself if the split is
    in another chamber)."""
    if test.chamber != split.chamber:
        return test
    return test._replace(seats={**test.seats, **split.shares(x)})


def with_share(study: Study, scenario: Scenario, split: Split, x: float) -> tuple[Study, Scenario]:
    """The study and scenario with the split's bloc at share x of its party (copies)."""
    ch = split.chamber
    override = scenario.seats.get(ch)
    if override is not None:
        seats = {**scenario.seats, ch: override.model_copy(update={"shares": {**override.shares, **split.shares(x)}})}
        return study, scenario.model_copy(update={"seats": seats})
    chamber = study.institutions.chambers[ch]
    chamber = chamber.model_copy(update={"seats": {**chamber.seats, **split.shares(x)}})
    institutions = study.institutions.model_copy(update={"chambers": {**study.institutions.chambers, ch: chamber}})
    return study.model_copy(update={"institutions": institutions}), scenario


def tally_ranges(test: ChamberTest, accepting: set[str] | tuple[str, ...]
                 ) -> tuple[tuple[float, float], tuple[float, float] | None]:
    """With who accepts held fixed, the range of the chamber's accepting share, and of the majority
    party's accepting share of its seats (None: no floor gate), as the splits' bloc shares move
    over their ranges. The splits are independent and each share is linear in each, so the ends
    are the sums of each split's ends."""
    share = sum(test.seats[b] for b in accepting)
    party = sum(test.seats[b] for b in test.party)
    held = sum(test.seats[b] for b in test.party if b in accepting)
    low = high = share
    a_low = a_high = held
    for sp in test.splits:
        now = sum(test.seats[b] for b in sp.blocs if b in accepting)
        ends = [sum(v for b, v in sp.shares(x).items() if b in accepting) - now for x in (sp.low, sp.high)]
        low, high = low + min(ends), high + max(ends)
        if sp.bloc in test.party:
            a_low, a_high = a_low + min(ends), a_high + max(ends)
    agenda = (a_low / party, a_high / party) if test.party and party > 0 else (0.0, 0.0) if test.party else None
    return (low, high), agenda
