"""The additive value model: each stakeholder's value for a package, its gain over the status
quo, and whether it accepts, under a scenario.

value(package) = sum over dimensions of weight[d] * v_d(level), with the stakeholder's saliences
multiplied by the scenario's shifts and then normalised to sum to one. gain = value(package) -
value(status quo). A stakeholder accepts when gain >= its reservation margin and the package
touches none of its red lines."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .errors import AccordError
from .models import Concern, Dimension, Scenario, Study

Package = dict[str, str]


def preferred_values(dim: Dimension, preferred: str) -> dict[str, float]:
    """Single-peaked values: 1 at the preferred level, falling linearly to 0 at the farthest level."""
    ids = dim.level_ids
    peak = ids.index(preferred)
    span = max(peak, len(ids) - 1 - peak)
    return {lv: 1.0 - abs(i - peak) / span for i, lv in enumerate(ids)}


def concern_values(dim: Dimension, concern: Concern) -> dict[str, float]:
    return dict(concern.values) if concern.values is not None else preferred_values(dim, concern.preferred)


@dataclass(frozen=True)
class Profile:
    """A stakeholder as it stands in one scenario: normalised weights, level values, margin."""

    id: str
    country: str
    influence: float
    reservation: float
    weights: dict[str, float]
    values: dict[str, dict[str, float]]
    red_lines: dict[str, frozenset[str]]

    def value(self, package: Package) -> float:
        return sum(w * self.values[d][package[d]] for d, w in self.weights.items())

    def breaches(self, package: Package) -> list[str]:
        """The red lines (as 'dimension.level') the package touches."""
        return [f"{d}.{package[d]}" for d, levels in self.red_lines.items() if package[d] in levels]


def salience_multipliers(scenario: Scenario, stakeholder_id: str, skip: Collection[int] = ()) -> dict[str, float]:
    """Per dimension, the product of the scenario's multipliers on this stakeholder's salience
    (the shifts at the indices in `skip` left out)."""
    out: dict[str, float] = {}
    for i, shift in enumerate(scenario.salience):
        if i not in skip and (not shift.stakeholders or stakeholder_id in shift.stakeholders):
            out[shift.dimension] = out.get(shift.dimension, 1.0) * shift.multiplier
    return out


def profiles(study: Study, scenario: Scenario) -> dict[str, Profile]:
    """Profiles of the stakeholders present in the scenario, in study order."""
    margins = {r.stakeholder: r.reservation for r in scenario.reservation}
    out = {}
    for sh in study.stakeholders.values():
        if sh.id in scenario.absent:
            continue
        mult = salience_multipliers(scenario, sh.id)
        raw = {d: c.salience * mult.get(d, 1.0) for d, c in sh.concerns.items()}
        total = sum(raw.values())
        weights = {d: (w / total if total > 0 else 0.0) for d, w in raw.items()}
        red = {}
        for ls in sh.red_lines:
            red[ls.dimension] = red.get(ls.dimension, frozenset()) | frozenset(study.dimensions[ls.dimension].members(ls))
        out[sh.id] = Profile(sh.id, sh.country, sh.influence, margins.get(sh.id, sh.reservation), weights,
                             {d: concern_values(study.dimensions[d], c) for d, c in sh.concerns.items()}, red)
    return out


@dataclass(frozen=True)
class Stance:
    """One stakeholder's verdict on one package."""

    stakeholder: str
    value: float
    gain: float
    margin: float  # gain minus reservation: how far from flipping (negative: rejects on gain)
    breaches: tuple[str, ...]

    @property
    def accepts(self) -> bool:
        return self.margin >= -1e-12 and not self.breaches


def status_quo(study: Study) -> Package:
    return {d: dim.level_ids[0] for d, dim in study.dimensions.items()}


def stance(profile: Profile, package: Package, baseline: Package) -> Stance:
    value = profile.value(package)
    gain = value - profile.value(baseline)
    return Stance(profile.id, value, gain, gain - profile.reservation, tuple(profile.breaches(package)))


def stances(study: Study, scenario: Scenario, package: Package) -> dict[str, Stance]:
    base = status_quo(study)
    return {sid: stance(p, package, base) for sid, p in profiles(study, scenario).items()}


def resolve_scenario(study: Study, scenario_id: str | None) -> Scenario:
    sid = scenario_id or study.manifest.default_scenario
    if sid not in study.scenarios:
        raise AccordError(f"unknown scenario '{sid}' (expected one of: {', '.join(study.scenarios)})")
    return study.scenarios[sid]


def resolve_proposal(study: Study, proposal_id: str) -> Package:
    if proposal_id not in study.proposals:
        raise AccordError(f"unknown proposal '{proposal_id}' (expected one of: {', '.join(study.proposals)})")
    return study.package(proposal_id)
