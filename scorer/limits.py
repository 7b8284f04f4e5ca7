"""What an optimiser search is asked: the objective, and the limits a package must respect (the
countries that must ratify it, stakeholders who must accept, levels fixed or forbidden, the
strongest venue allowed per country), with the requirements ratification imposes. Typed values,
checked against the study; the command line turns its flags into these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

from .compiled import CompiledStudy
from .errors import AccordError
from .models import Study, Venue

ObjectiveName = Literal["maximin", "welfare", "support", "favour"]
OBJECTIVES: tuple[str, ...] = ("maximin", "welfare", "support", "favour=COUNTRY")


@dataclass(frozen=True)
class Objective:
    """What a search maximises: the worst gain among the ratifying coalitions (maximin), or one
    country's (favour), the influence-weighted sum of gains (welfare) or share accepting (support)."""

    name: ObjectiveName
    country: str | None = None

    def __str__(self) -> str:
        return f"favour={self.country}" if self.name == "favour" else self.name


class Setting(NamedTuple):
    """One analyst's setting: a level fixed or forbidden, or a venue cap for a country."""

    kind: Literal["fix", "forbid", "venue"]
    key: str  # dimension, or country for a venue cap
    value: str  # level, or venue

    def __str__(self) -> str:
        return f"{self.kind} {self.key}={self.value}"


@dataclass(frozen=True)
class Limits:
    """What a package must respect besides the level rules: the countries that must ratify it
    (when `ratify`), stakeholders who must accept, levels fixed or forbidden, and the strongest
    venue allowed per country."""

    countries: tuple[str, ...] = ()  # empty: every country of the study that can ratify
    require: tuple[str, ...] = ()
    fix: tuple[tuple[str, str], ...] = ()
    forbid: tuple[tuple[str, str], ...] = ()
    venue: tuple[tuple[str, Venue], ...] = ()
    ratify: bool = True

    def allowed(self, study: Study, dimension: str) -> list[str]:
        levels = study.dimensions[dimension].level_ids
        fixed = {lv for d, lv in self.fix if d == dimension}
        forbidden = {lv for d, lv in self.forbid if d == dimension}
        if len(fixed) > 1:  # one dimension fixed at two levels: no package holds both (a settings clash)
            return []
        return [lv for lv in levels if lv not in forbidden and (not fixed or lv in fixed)]

    def cap(self, country: str) -> int:
        """Rank of the strongest venue allowed in `country` (above every venue when unlimited)."""
        caps = [v.rank for c, v in self.venue if c == country]
        return min(caps) if caps else len(Venue)

    @property
    def settings(self) -> list[Setting]:
        return ([Setting("fix", d, lv) for d, lv in self.fix] + [Setting("forbid", d, lv) for d, lv in self.forbid]
                + [Setting("venue", c, v.value) for c, v in self.venue])

    def keep_settings(self, kept: Iterable[Setting]) -> Limits:
        kept = set(kept)
        return replace(self, fix=tuple(x for x in self.fix if Setting("fix", *x) in kept),
                       forbid=tuple(x for x in self.forbid if Setting("forbid", *x) in kept),
                       venue=tuple(x for x in self.venue if Setting("venue", x[0], x[1].value) in kept))


def check_countries(study: Study, countries: Iterable[str]) -> None:
    known = study.institutions.countries
    seen: set[str] = set()
    for c in countries:
        if c not in known:
            raise AccordError(f"unknown country '{c}' (expected one of: {', '.join(known)})")
        if not known[c].ratifies:
            raise AccordError(f"country '{c}' defines no venues, so it cannot ratify a package")
        if c in seen:
            raise AccordError(f"country '{c}' is named twice")
        seen.add(c)


def check_stakeholders(study: Study, ids: Iterable[str], role: str) -> None:
    for s in ids:
        if s not in study.stakeholders:
            raise AccordError(f"unknown stakeholder '{s}' {role} (expected one of: {', '.join(study.stakeholders)})")


def ratifying_countries(study: Study) -> tuple[str, ...]:
    """The countries whose institutions can ratify a package, in study order."""
    return tuple(c for c, country in study.institutions.countries.items() if country.ratifies)


def resolve_limits(study: Study, limits: Limits) -> Limits:
    """The limits with their countries named (every ratifying country when none is) and checked."""
    if not limits.countries:
        limits = replace(limits, countries=ratifying_countries(study))
        if not limits.countries:
            raise AccordError("no country of the study defines venues, so none can ratify a package")
    check_countries(study, limits.countries)
    check_countries(study, dict.fromkeys(c for c, _ in limits.venue))
    check_stakeholders(study, limits.require, "required to accept")
    return limits


class Requirement(NamedTuple):
    """One acceptance ratification (or the analyst) asks for: a named actor in a country, the
    threshold of a chamber for one venue, or a stakeholder required to accept."""

    kind: Literal["actor", "chamber", "require"]
    id: str
    country: str | None = None
    venue: Venue | None = None
    threshold: float | None = None

    def __str__(self) -> str:
        if self.kind == "chamber":
            return f"{self.id} ({self.threshold:.1%} of seats for a {self.venue.value} in {self.country})"
        if self.kind == "actor":
            return f"{self.id} (acceptance needed to ratify in {self.country})"
        return f"{self.id} (required to accept)"


def requirements(model: CompiledStudy, limits: Limits) -> list[Requirement]:
    """Every requirement the limits impose: venue actors and chambers per country (from the
    compiled ratification tests), then the stakeholders required to accept."""
    out: list[Requirement] = []
    if limits.ratify:
        for c in limits.countries:
            tests = [model.tests[c][v] for v in Venue if v.rank <= limits.cap(c)]
            actors = list(dict.fromkeys(a for t in tests for a in t.actors))
            out += [Requirement("actor", a, c) for a in actors]
            out += [Requirement("chamber", ch.chamber, c, t.venue, ch.threshold) for t in tests for ch in t.chambers]
    out += [Requirement("require", s) for s in limits.require]
    return out
