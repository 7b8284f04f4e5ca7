"""Questions about one proposal: why a stakeholder gains or loses (explain), what a changed
package would do (what-if), and how two proposals differ (compare)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from . import credibility, regard
from .checks import rule_violations
from .errors import AccordError
from .interactions import Part, parts
from .models import Scenario, Study
from .notebook import Tabular
from .ratification import Coalition, coalition
from .compiled import ACCEPT_TOLERANCE, compiled
from .scoring import Package, resolve_proposal


class Contribution(NamedTuple):
    dimension: str
    weight: float
    level: str
    value: float
    baseline_level: str
    baseline_value: float
    evidence: tuple[str, ...]
    delivery: float = 1.0  # the expected delivery of the level (credibility; 1: no doubt)

    @property
    def contribution(self) -> float:
        """This dimension's share of the gain: delivery x weight x (value - status-quo value)."""
        if self.delivery != 1.0:
            return self.delivery * self.weight * (self.value - self.baseline_value)
        return self.weight * (self.value - self.baseline_value)


@dataclass(frozen=True)
class Explanation(Tabular):
    proposal: str
    stakeholder: str
    scenario: str
    contributions: tuple[Contribution, ...]
    gain: float
    reservation: float
    touched: tuple[str, ...]  # red lines touched
    threat: float = 0.0  # what threats take from its no-deal value: part of the gain (`reversion`)
    no_deal: tuple[str, ...] = ()  # the no-deal point the gain is measured against, in words
    terms: tuple[Part, ...] = ()  # non-additive terms' parts in the gain, conditional red lines touched
    not_tabled: tuple[str, ...] = ()  # where the stakeholder, as agenda setter, keeps the proposal off
    trust: tuple[dict, ...] = ()  # delivery doubts and regard terms: mechanism, effect on the gain, text, evidence

    @property
    def accepts(self) -> bool:
        return self.gain - self.reservation >= -ACCEPT_TOLERANCE and not self.touched


def explain(study: Study, scenario: Scenario, proposal_id: str, stakeholder_id: str) -> Explanation:
    """Per-dimension contributions to one stakeholder's gain, largest first, with their evidence."""
    package = resolve_proposal(study, proposal_id, scenario)
    model = compiled(study, scenario)
    present = model.profiles
    if stakeholder_id not in study.stakeholders:
        raise AccordError(f"unknown stakeholder '{stakeholder_id}' (expected one of: {', '.join(study.stakeholders)})")
    if stakeholder_id not in present:
        raise AccordError(f"stakeholder '{stakeholder_id}' is absent in scenario '{scenario.id}'")
    profile = present[stakeholder_id]
    concern = study.stakeholders[stakeholder_id].concerns
    shifted = model.shifts(stakeholder_id)
    shift_evidence = {s.dimension: tuple(s.evidence) for s in scenario.salience if s.dimension in shifted}
    base = model.status_quo
    doubt = profile.delivery
    rows = [Contribution(d, w, package[d], profile.values[d][package[d]], base[d], profile.values[d][base[d]],
                         tuple(concern[d].evidence) + shift_evidence.get(d, ()) + (doubt[d].evidence if d in doubt else ()),
                         doubt[d].probability if d in doubt else 1.0)
            for d, w in profile.weights.items()]
    rows.sort(key=lambda c: (-abs(c.contribution), c.dimension))
    terms = parts(profile, package)
    trust = credibility.parts(profile, package, base) + regard.parts(profile, package)
    gain = (sum(c.contribution for c in rows) + profile.threat + sum(t.amount for t in terms if t.amount is not None)
            + sum(t["effect"] for t in trust if t["mechanism"] == "regard"))
    off = model.not_tabled(package, study.proposals[proposal_id].countries) if proposal_id in study.proposals else ()
    return Explanation(proposal_id, stakeholder_id, scenario.id, tuple(rows), gain, profile.reservation,
                       tuple(profile.touched(package)), profile.threat, model.reversion.lines, terms,
                       tuple(str(n) for n in off if n.setter == stakeholder_id), tuple(trust))


@dataclass(frozen=True)
class WhatIf(Tabular):
    proposal: str
    changes: dict[str, tuple[str, str]]  # dimension -> (original level, new level)
    before: Coalition
    after: Coalition
    rule_problems: tuple[str, ...]

    @property
    def flips(self) -> list[str]:
        return [s for s, x in self.before.stances.items() if x.accepts != self.after.stances[s].accepts]


def whatif(study: Study, scenario: Scenario, proposal_id: str, settings: dict[str, str]) -> WhatIf:
    """The proposal with some dimensions set to other levels, against the original."""
    original = resolve_proposal(study, proposal_id, scenario)
    changed: Package = {**original, **settings}
    countries = study.proposals[proposal_id].countries
    return WhatIf(proposal_id, {d: (original[d], lv) for d, lv in settings.items() if original[d] != lv},
                  coalition(study, scenario, original, countries), coalition(study, scenario, changed, countries),
                  tuple(message for _, message in rule_violations(study, changed)))


class ComparedDimension(NamedTuple):
    dimension: str
    a_level: str
    a_pillar: str
    b_level: str
    b_pillar: str


def compare(study: Study, scenario: Scenario, a: str, b: str) -> list[ComparedDimension]:
    """Dimensions either proposal moves off the scenario's no-deal point, with the pillar that moves them."""
    pa, pb = resolve_proposal(study, a, scenario), resolve_proposal(study, b, scenario)
    pillar_of = {pid: {d: pl.name for pl in study.proposals[pid].pillars for d in pl.provisions} for pid in (a, b)}
    base = compiled(study, scenario).status_quo
    return [ComparedDimension(d, pa[d], pillar_of[a].get(d, ""), pb[d], pillar_of[b].get(d, ""))
            for d in study.dimensions if pa[d] != base[d] or pb[d] != base[d]]
