"""The additive value model, evaluated on the compiled study: each stakeholder's value for a
package, its gain over the status quo, and whether it accepts, under a scenario.

value(package) = sum over dimensions of weight[d] * v_d(level), the weights being the
stakeholder's stakes: its saliences normalised once to sum to one, then scaled by the scenario's
shifts (`compiled.stakes`). gain = value(package) - value(status quo). A stakeholder accepts when gain >= its reservation and the package touches none
of its red lines. The weights, values and red lines are compiled once (`compiled`)."""

from __future__ import annotations

from typing import NamedTuple

from .compiled import ACCEPT_TOLERANCE, Package, Profile, compiled
from .reversion import proposal_package
from .errors import AccordError
from .interactions import Part, parts
from .models import Scenario, Study

__all__ = ["Package", "Profile", "Stance", "profiles", "resolve_proposal", "resolve_scenario", "stance", "stances"]


def profiles(study: Study, scenario: Scenario) -> dict[str, Profile]:
    """Profiles of the stakeholders present in the scenario, in study order."""
    return compiled(study, scenario).profiles


class Stance(NamedTuple):
    """One stakeholder's verdict on one package."""

    stakeholder: str
    value: float
    gain: float
    margin: float  # gain minus reservation: how far from flipping (negative: rejects on gain)
    touched: tuple[str, ...]  # the red lines the package touches, as 'dimension.level'
    terms: tuple[Part, ...] = ()  # each non-additive term's part in the gain, each conditional red line touched

    @property
    def accepts(self) -> bool:
        return self.margin >= -ACCEPT_TOLERANCE and not self.touched


def stance(profile: Profile, package: Package) -> Stance:
    """The stakeholder's verdict on the package (its gain is against the compiled status quo)."""
    value = profile.value(package)
    gain = profile.gain(package, value)
    return Stance(profile.id, value, gain, gain - profile.reservation, tuple(profile.touched(package)),
                  parts(profile, package) if profile.terms or profile.conditional_red_lines else ())


def stances(study: Study, scenario: Scenario, package: Package) -> dict[str, Stance]:
    return {sid: stance(p, package) for sid, p in profiles(study, scenario).items()}


def resolve_scenario(study: Study, scenario_id: str | None) -> Scenario:
    sid = scenario_id or study.manifest.default_scenario
    if sid not in study.scenarios:
        raise AccordError(f"unknown scenario '{sid}' (expected one of: {', '.join(study.scenarios)})")
    return study.scenarios[sid]


def resolve_proposal(study: Study, proposal_id: str, scenario: Scenario | None = None) -> Package:
    """The proposal's package; in a scenario, keeping what the period has in place where it is silent."""
    if proposal_id not in study.proposals:
        raise AccordError(f"unknown proposal '{proposal_id}' (expected one of: {', '.join(study.proposals)})")
    return study.package(proposal_id) if scenario is None else proposal_package(study, scenario, proposal_id)
