"""Flags into the library's typed values: DIM=LEVEL settings, COUNTRY=VENUE caps, objectives and
comma-separated lists. Errors name the flag; the library's own errors name the object."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from scorer.errors import AccordError
from scorer.models import Study, Venue

if TYPE_CHECKING:
    from scorer.limits import Objective


def split(items: Iterable[str] | None) -> tuple[str, ...]:
    """Repeated and comma-separated values, in order, blanks dropped."""
    return tuple(x.strip() for item in items or [] for x in item.split(",") if x.strip())


def parse_levels(study: Study, items: Iterable[str] | None, flag: str) -> tuple[tuple[str, str], ...]:
    """'DIM=LEVEL' strings (or comma-separated lists of them) given to option `flag`, checked
    against the study."""
    out = []
    for item in split(items):
        dim, sep, level = item.partition("=")
        if not sep:
            raise AccordError(f"{flag}: expected DIM=LEVEL, found '{item}'")
        if dim not in study.dimensions:
            raise AccordError(f"{flag}: unknown dimension '{dim}' (expected one of: {', '.join(study.dimensions)})")
        if level not in study.dimensions[dim].level_ids:
            raise AccordError(f"{flag}: unknown level '{level}' for dimension '{dim}' "
                              f"(expected one of: {', '.join(study.dimensions[dim].level_ids)})")
        out.append((dim, level))
    return tuple(out)


def parse_objective(text: str) -> Objective:
    """'maximin', 'welfare', 'support' or 'favour=COUNTRY'."""
    from scorer.limits import OBJECTIVES, Objective  # noqa: PLC0415  (only the optimiser's commands: a start-up cost)

    name, sep, country = text.partition("=")
    if name == "favour" and sep and country:
        return Objective("favour", country)
    if not sep and name in ("maximin", "welfare", "support"):
        return Objective(name)
    raise AccordError(f"--objective: unknown objective '{text}' (expected one of: {', '.join(OBJECTIVES)})")


def parse_venues(items: Iterable[str] | None, countries: Sequence[str]) -> tuple[tuple[str, Venue], ...]:
    """'VENUE' (for every country in `countries`) or 'COUNTRY=VENUE' strings."""
    out = []
    for item in split(items):
        country, sep, name = item.rpartition("=")
        if name not in [v.value for v in Venue]:
            raise AccordError(f"--venue: unknown venue '{name}' (expected one of: executive, statute, treaty)")
        out += [(c, Venue(name)) for c in ([country] if sep else countries)]
    return tuple(out)
