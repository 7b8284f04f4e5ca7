"""Credibility of delivery: a level one country must deliver is worth to a judging actor only what
it expects to be delivered. With a delivery judgment p on dimension d, the judge values a level at
p x v_d(level) + (1 - p) x v_d(no-deal level), the no-deal level being the compiled status quo's;
its gain coefficient on d is p x weight x (v_d(level) - v_d(no-deal level)). Linear in p."""

from __future__ import annotations

from typing import NamedTuple

from .models import Scenario, Study


class DeliveryTerm(NamedTuple):
    """One judge's expectation that `country` delivers what a package sets on one dimension."""

    country: str
    probability: float
    index: int  # position of the judgment in the scenario's `delivery` list
    evidence: tuple[str, ...]


def judges(study: Study, scenario: Scenario, index: int) -> tuple[str, ...]:
    """The present stakeholders a delivery judgment applies to: those it names, or every present
    actor of another country."""
    rec = scenario.delivery[index]
    named = rec.judges or [s.id for s in study.stakeholders.values() if s.country != rec.country]
    return tuple(s for s in named if s not in scenario.absent)


def delivery_terms(study: Study, scenario: Scenario) -> dict[str, dict[str, DeliveryTerm]]:
    """Judge -> dimension -> its delivery term, for the dimensions the judge has a concern in
    (checks allow one judgment per judge and dimension)."""
    out: dict[str, dict[str, DeliveryTerm]] = {}
    for i, rec in enumerate(scenario.delivery):
        for s in judges(study, scenario, i):
            for d in rec.dimensions:
                if d in study.stakeholders[s].concerns:
                    out.setdefault(s, {})[d] = DeliveryTerm(rec.country, rec.probability, i, tuple(rec.evidence))
    return out


def parts(profile, package: dict[str, str], status_quo: dict[str, str]) -> list[dict]:
    """A compiled profile's delivery terms that bear on `package` (the level differs in value from
    the no-deal level): the gain each takes away, in words with its evidence."""
    out = []
    for d, t in profile.delivery.items():
        full = profile.weights[d] * (profile.values[d][package[d]] - profile.values[d][status_quo[d]])
        if full != 0.0:
            cited = f" — evidence {', '.join(t.evidence)}" if t.evidence else ""
            out.append({"stakeholder": profile.id, "mechanism": "delivery", "effect": (t.probability - 1.0) * full,
                        "text": f"{profile.id} counts {t.country} {d} {package[d]} at {t.probability:g} of its value "
                                f"— delivery doubt{cited}", "evidence": list(t.evidence)})
    return out
