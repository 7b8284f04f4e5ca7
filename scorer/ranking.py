"""Ranking proposals and the proposals x stakeholders matrix of gains.

Methods (`METHODS`): support (default: the influence-weighted share of stakeholders who accept,
because a deal passes by assembling acceptances, not by totting up utility), welfare, maximin,
nash and topsis. Ratified proposals rank above unratified ones unless told otherwise."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from . import aggregation
from .compiled import RANK_TIE
from .errors import AccordError
from .models import Scenario, Study
from .notebook import Tabular
from .ratification import Coalition, coalition, country_gain
from .scoring import resolve_proposal

METHODS = ("support", "welfare", "maximin", "nash", "topsis")
DEFAULT_METHOD = "support"


@dataclass(frozen=True)
class Assessment(Tabular):
    """A proposal's coalition in one scenario, the unit every report starts from."""

    proposal: str
    countries: tuple[str, ...]
    coalition: Coalition

    @property
    def gains(self) -> dict[str, float]:
        return {s: x.gain for s, x in self.coalition.stances.items()}

    def country_gain(self, study: Study, country: str) -> float:
        """The worst gain among the actors the country's venue requires (its ratifying coalition)."""
        return country_gain(study, self.coalition,
                            resolve_proposal(study, self.proposal, study.scenarios[self.coalition.scenario]), country)


def assess(study: Study, scenario: Scenario, proposal_id: str) -> Assessment:
    package = resolve_proposal(study, proposal_id, scenario)
    countries = tuple(study.proposals[proposal_id].countries)
    return Assessment(proposal_id, countries, coalition(study, scenario, package, countries))


def assess_all(study: Study, scenario: Scenario) -> list[Assessment]:
    return [assess(study, scenario, p) for p in study.proposals]


def scores(study: Study, assessments: list[Assessment], method: str) -> list[float]:
    """One score per assessment under `method` (higher is better)."""
    if method not in METHODS:
        raise AccordError(f"unknown method '{method}' (expected one of: {', '.join(METHODS)})")
    if not assessments:
        return []
    ids = list(assessments[0].coalition.stances)
    influence = [study.stakeholders[s].influence for s in ids]
    if method == "support":
        total = sum(influence)
        return [sum(w for s, w in zip(ids, influence) if a.coalition.stances[s].accepts) / total for a in assessments]
    if method == "welfare":
        return aggregation.weighted_sum([[a.gains[s] for s in ids] for a in assessments], influence)
    if method == "maximin":
        return [min(a.country_gain(study, c) for c in a.countries) for a in assessments]
    if method == "nash":
        out = []
        for a in assessments:
            gains = [a.country_gain(study, c) for c in a.countries]
            out.append(0.0 if any(g < 0 for g in gains) else math.prod(gains))
        return out
    values = [[a.coalition.stances[s].value for s in ids] for a in assessments]
    return aggregation.topsis(values, [w / sum(influence) for w in influence])


class RankRow(NamedTuple):
    rank: int
    proposal: str
    score: float
    ratified: bool
    assessment: Assessment


def beats(ok: bool, score: float, other_ok: bool, other_score: float) -> bool:
    """The rank order: a ratified proposal (`ok`) before an unratified one, then the higher score
    (rounded to 12 decimals, so float noise does not break ties). Never an offset added to scores:
    with large influences an offset let an unratified proposal rank first."""
    if ok != other_ok:
        return ok
    return round(score, 12) > round(other_score, 12) + RANK_TIE


class Ranking(Tabular, list):
    """RankRows, best first (a list that notebooks show as a table)."""


def rank(study: Study, scenario: Scenario, method: str = DEFAULT_METHOD,
         ignore_ratification: bool = False) -> Ranking:
    """Proposals best first: ratified before unratified (unless ignored), then by score, then id;
    tied proposals share the better rank."""
    assessments = assess_all(study, scenario)
    score = scores(study, assessments, method)
    keyed = [((a.coalition.ratified or ignore_ratification), s, a) for a, s in zip(assessments, score)]
    keyed.sort(key=lambda k: (not k[0], -round(k[1], 12), k[2].proposal))
    ranks = [1 + sum(beats(o, t, ok, s) for o, t, _ in keyed) for ok, s, _ in keyed]
    return Ranking(RankRow(r, a.proposal, s, a.coalition.ratified, a) for r, (_, s, a) in zip(ranks, keyed))
