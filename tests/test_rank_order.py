"""The rank order and the frontier's honesty about what it computed (issue 14's wrong answers):
ratified proposals first by a comparison, never by an offset added to scores; a proposal whose
required actor is absent is unratified and ranks after every ratified one; a frontier stopped
early places no proposal "beyond" points it never computed."""

from __future__ import annotations

import numpy as np

from conftest import MINI
from scorer import load_study
from scorer import pareto
from scorer.ranking import rank
from scorer.sampling import compile_kernel, evaluate, ranks, scores

STUDY = load_study(MINI)


def _influential(study, factor: float):
    """The study with every stakeholder's influence multiplied by `factor`."""
    stakeholders = {s: sh.model_copy(update={"influence": sh.influence * factor}) for s, sh in study.stakeholders.items()}
    return study.model_copy(update={"stakeholders": stakeholders})


def test_with_huge_influences_a_ratified_proposal_still_ranks_first():
    """The old key added 1e6 to ratified proposals' scores: with welfare scores above 1e6 an
    unratified proposal outranked every ratified one (and robust reported it first in every world)."""
    study = _influential(STUDY, 1e9)
    sc = study.scenario("calm")
    rows = rank(study, sc, "welfare")
    ratified = [r for r in rows if r.ratified]
    assert ratified and not any(r.ratified for r in rows[len(ratified):])
    assert all(r.rank < min(u.rank for u in rows if not u.ratified) for r in ratified)
    assert max(r.score for r in rows if not r.ratified) > 1e6  # the case the offset got wrong
    kernel = compile_kernel(study, sc)
    worlds = evaluate(kernel, kernel.point[:, None])
    vector = ranks(worlds.ratified, scores(kernel, worlds, "welfare"))[:, 0]
    by_id = {r.proposal: r.rank for r in rows}
    assert [int(x) for x in vector] == [by_id[p] for p in kernel.proposals]


def test_a_proposal_whose_required_actor_is_absent_is_unratified_and_ranks_after_the_ratified():
    sc = STUDY.scenario("calm").model_copy(update={"absent": ["mx_president"]})
    study = STUDY.model_copy(update={"scenarios": {**STUDY.scenarios, "calm": sc}})
    rows = rank(study, sc, "maximin")
    needs_mexico = [r for r in rows if r.assessment.coalition.countries["mx"].venue is not None]
    assert needs_mexico and not any(r.ratified for r in needs_mexico)
    ratified = [r for r in rows if r.ratified]
    assert all(r.rank < min(n.rank for n in needs_mexico) for r in ratified)
    assert all(np.isneginf(r.score) for r in needs_mexico)


def test_a_frontier_stopped_at_its_cap_is_partial_and_places_nothing_beyond(monkeypatch):
    sc = STUDY.scenario("calm")
    full = pareto.frontier(STUDY, sc)
    assert full.status == "optimal" and len(full.points) > 1
    monkeypatch.setattr(pareto, "MAX_POINTS", 1)
    cut = pareto.frontier(STUDY, sc)
    assert cut.status == "partial" and len(cut.points) == 1
    positions = {p.proposal: p.position for p in cut.placements}
    assert "beyond" not in positions.values()
    beyond_in_full = {p.proposal for p in full.placements if p.position == "beyond"}
    improved_by_first = {p.proposal for p in cut.placements if p.position != "not computed"}
    assert beyond_in_full.isdisjoint(improved_by_first)
    assert "not computed" in positions.values()
