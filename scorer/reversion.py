"""The no-deal point: what each stakeholder gets in a scenario's period if no package is agreed.

Gains are measured against it. It is the package of levels already in place (a dimension's first
level unless the scenario's `no_deal` names another: cooperation already running belongs to the
reversion point), with each threat that sets a level applied on top, and, per stakeholder, the
summed `cost` of the threats that hurt it (a unilateral measure one side says it will take without
a deal). A threat's cost lowers the stakeholder's no-deal value, so it raises its gain from every
package by the same amount; that keeps the MILP linear (a constant in each gain).

A level already in place needs no venue: a package that keeps it changes nothing there, so
`compiled` drops that level's authority in the scenario (`in_place`)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Scenario, Study

Package = dict[str, str]


@dataclass(frozen=True)
class Reversion:
    """A scenario's no-deal point, with where each part of it comes from."""

    package: Package  # dimension -> its no-deal level
    cost: dict[str, float]  # stakeholder -> what the threats take from its no-deal value
    sources: dict[str, tuple[str, tuple[str, ...]]]  # dimension set off its first level -> (why, evidence ids)

    def describe(self, scenario: Scenario) -> list[str]:
        """One line per part of the no-deal point that is not the study's first levels."""
        out = [f"{d} at {self.package[d]} ({why}; evidence {', '.join(ev) or 'none'})"
               for d, (why, ev) in self.sources.items()]
        out += [f"threat {t.id}: {t.by} would {t.measure}; costs {', '.join(t.hurts)} {t.cost:g}"
                f" (evidence {', '.join(t.evidence) or 'none'})"
                for t in scenario.threats if t.cost is not None]
        return out


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
    sources = {d: why for d, why in sources.items() if package[d] != study.dimensions[d].level_ids[0]}
    return Reversion(package, cost, sources)


def in_place(study: Study, scenario: Scenario) -> dict[str, str]:
    """Dimension -> the level the scenario's period already has in place (its `no_deal` entries):
    a package keeping it needs no venue for it. A threatened level is not in place."""
    return {d: nd.level for d, nd in scenario.no_deal.items()}
