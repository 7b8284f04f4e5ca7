"""The no-deal point: what each stakeholder gets in a scenario's period if no package is agreed.

Gains are measured against it. It is the package of levels already in place (a dimension's first
level unless the scenario's `no_deal` names another: cooperation already running belongs to the
reversion point), with each threat that sets a level applied on top, and, per stakeholder, the
summed `cost` of the threats that hurt it (a unilateral measure one side says it will take without
a deal). A threat's cost lowers the stakeholder's no-deal value, so it raises its gain from every
package by the same amount; that keeps the MILP linear (a constant in each gain).

A level already in place needs no venue: a package that keeps it changes nothing there, so
`compiled` drops that level's authority in the scenario (`in_place`). Where a proposal is silent,
it keeps what is in place (`proposal_package`)."""

from __future__ import annotations

from typing import NamedTuple

from .models import Scenario, Study

Package = dict[str, str]


class Reversion(NamedTuple):
    """A scenario's no-deal point, with where each part of it comes from."""

    package: Package  # dimension -> its no-deal level
    cost: dict[str, float]  # stakeholder -> what the threats take from its no-deal value
    lines: tuple[str, ...]  # in words, each part that is not the study's first levels, with its evidence


def reversion(study: Study, scenario: Scenario) -> Reversion:
    """The scenario's no-deal package and each stakeholder's threat cost (see the module docstring)."""
    package = {d: dim.level_ids[0] for d, dim in study.dimensions.items()}
    sources: dict[str, tuple[str, tuple[str, ...]]] = {}
    for d, nd in scenario.no_deal.items():
        package[d] = nd.level
        sources[d] = ("in place", tuple(nd.evidence))
    cost: dict[str, float] = {}
    for t in scenario.threats:
        if t.dimension is not None:
            package[t.dimension] = t.level
            sources[t.dimension] = (f"threat {t.id}: {t.by} would {t.measure}", tuple(t.evidence))
        else:
            for s in t.hurts:
                cost[s] = cost.get(s, 0.0) + t.cost
    lines = [f"{d} at {package[d]} ({why}; evidence {', '.join(ev) or 'none'})"
             for d, (why, ev) in sources.items() if package[d] != study.dimensions[d].level_ids[0]]
    lines += [f"threat {t.id}: {t.by} would {t.measure}; costs {', '.join(t.hurts)} {t.cost:g}"
              f" (evidence {', '.join(t.evidence) or 'none'})" for t in scenario.threats if t.cost is not None]
    return Reversion(package, cost, tuple(lines))


def proposal_package(study: Study, scenario: Scenario, proposal_id: str) -> Package:
    """The proposal's package in the scenario: its provisions, and where it is silent, what the
    period has in place (a deal that says nothing of the liaison mechanisms keeps them; it does not
    carry out a threat, which is what no deal would bring)."""
    provisions = study.proposals[proposal_id].provisions()
    return {**study.package(proposal_id),
            **{d: lv for d, lv in in_place(study, scenario).items() if d not in provisions}}


def in_place(study: Study, scenario: Scenario) -> dict[str, str]:
    """Dimension -> the level the scenario's period already has in place (its `no_deal` entries):
    a package keeping it needs no venue for it. A threatened level is not in place."""
    return {d: nd.level for d, nd in scenario.no_deal.items()}
