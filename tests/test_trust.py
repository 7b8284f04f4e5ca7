"""Credibility of delivery and other-regarding terms (scorer/credibility.py, scorer/regard.py):
hand-computed values on the mini study, every consumer against the scalar scorer or enumeration on
generated studies, and the bad inputs.

mini, calm, pilot_deal (guest_workers pilot, border liaison, legalisation none): us_president's own
gain 0.5*0.5 + 0.5*0.5 = 0.5; mx_president's 0.3*0.5 (guest workers) + 0.1*(1 - 0.5) (border) =
0.2 against a reservation of 0.1; house_moderates' 0.7."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

import oracle
from conftest import MINI
from scorer import load_study
from scorer.checks import check_study
from scorer.compiled import compiled
from scorer.judgments import DOMAIN, apply_world
from scorer.models import Delivery, Regard, ReservationShift
from scorer.pareto import frontier
from scorer.ratification import coalition
from scorer.sampling import compile_kernel, draw, evaluate
from scorer.scoring import stances
from scorer.search import optimize
from scorer.stability import sensitivity
from synthetic import synthetic_study
from test_optimize import assert_optimal, assert_unlock_is_minimal, enumerated_frontier, flat
from scorer.concessions import unlock
from cli.parsing import parse_objective

MINI_STUDY = load_study(MINI)
SOLVERS = ["highs", "cbc"]


def with_terms(study, scenario_id="calm", **update):
    """The study with the scenario's delivery, regard or reservation lists replaced."""
    sc = study.scenarios[scenario_id].model_copy(update=update)
    new = study.model_copy(update={"scenarios": {**study.scenarios, scenario_id: sc}})
    return new, sc


MX_BORDER = Delivery(country="mx", dimensions=["border"], judges=["us_president"], probability=0.5,
                     probability_range=(0.25, 0.75))
US_WORKERS = Delivery(country="us", dimensions=["guest_workers"], probability=0.4, probability_range=(0.2, 0.9))
OBSTRUCT = Regard(stakeholder="house_moderates", other="us_president", share=-0.5, share_range=(-0.9, -0.1))


# --- hand-computed values -------------------------------------------------------------------------


def test_a_doubted_delivery_keeps_p_of_the_change():
    """us_president doubts Mexico's border liaison at p = 0.5: 0.5*0.5 + 0.5*(0.5*0.5) = 0.375, and
    its value is p*v + (1-p)*v(no deal) level by level: 0.25 + 0.5*(0.5*0.5 + 0.5*0) = 0.375."""
    study, sc = with_terms(MINI_STUDY, delivery=[MX_BORDER])
    st = stances(study, sc, study.package("pilot_deal"))
    assert st["us_president"].gain == pytest.approx(0.375)
    assert st["us_president"].value == pytest.approx(0.375)
    assert st["mx_president"].gain == pytest.approx(0.2)  # not a judge


def test_judges_default_to_the_other_countrys_actors():
    """The US delivers guest workers at p = 0.4, judged by every Mexican actor: mx_president keeps
    0.3*0.5*0.4 + 0.05 = 0.11 (still >= 0.1); the US actors are unmoved."""
    study, sc = with_terms(MINI_STUDY, delivery=[US_WORKERS])
    st = stances(study, sc, study.package("pilot_deal"))
    assert st["mx_president"].gain == pytest.approx(0.11) and st["mx_president"].accepts
    assert st["us_president"].gain == pytest.approx(0.5)
    assert set(compiled(study, sc).profiles["mx_president"].delivery) == {"guest_workers"}


def test_regard_adds_a_share_of_the_others_own_gain():
    """house_moderates 0.7 - 0.5*0.5 = 0.45; with the delivery doubt the president's own gain is
    0.375, so 0.7 - 0.5*0.375 = 0.5125; the president's own gain has no regard in it."""
    study, sc = with_terms(MINI_STUDY, regard=[OBSTRUCT])
    assert stances(study, sc, study.package("pilot_deal"))["house_moderates"].gain == pytest.approx(0.45)
    study, sc = with_terms(MINI_STUDY, delivery=[MX_BORDER], regard=[OBSTRUCT])
    st = stances(study, sc, study.package("pilot_deal"))
    assert st["house_moderates"].gain == pytest.approx(0.5125)
    assert st["us_president"].gain == pytest.approx(0.375)


def test_regard_does_not_chain_and_red_lines_stay_the_actors_own():
    """Mutual regard: each takes a share of the other's own gain only. The restrictionists' red
    line at earned legalisation stays theirs, not the president's who regards them."""
    mutual = [OBSTRUCT, Regard(stakeholder="us_president", other="house_moderates", share=0.5)]
    study, sc = with_terms(MINI_STUDY, regard=mutual)
    st = stances(study, sc, study.package("pilot_deal"))
    assert st["house_moderates"].gain == pytest.approx(0.45)
    assert st["us_president"].gain == pytest.approx(0.5 + 0.5 * 0.7)
    study, sc = with_terms(MINI_STUDY, regard=[Regard(stakeholder="us_president", other="house_restrictionists",
                                                      share=0.5)])
    st = stances(study, sc, study.package("grand_bargain"))
    assert not st["us_president"].touched and st["house_restrictionists"].touched


# --- sensitivity: closed form against the algebra and brute force ---------------------------------------


def test_a_delivery_probability_flips_mexicos_president_at_one_third():
    """0.3*0.5*p + 0.05 >= 0.1  <=>  p >= 1/3; pilot_deal needs mx_president, so ratification
    flips there too: the range [0.2, 0.9] crosses it over (1/3 - 0.2) / 0.7."""
    study, sc = with_terms(MINI_STUDY, delivery=[US_WORKERS])
    st = next(s for s in sensitivity(study, sc, "pilot_deal").stabilities if s.judgment.kind == "delivery")
    assert st.judgment.id == "delivery:us.guest_workers"
    row = next(r for r in st.stakeholders if r.stakeholder == "mx_president")
    assert row.flip == pytest.approx(1 / 3) and row.interval == (pytest.approx(1 / 3), 1.0)
    assert st.ratification_flips == (pytest.approx(1 / 3),)
    assert st.ratification_share == pytest.approx((1 / 3 - 0.2) / 0.7)


def test_a_regard_share_flips_the_house_at_minus_four_tenths():
    """With a reservation of 0.5, house_moderates accept pilot_deal when 0.7 + 0.5 s >= 0.5, s >=
    -0.4; without them the House (0.45) fails."""
    study, sc = with_terms(MINI_STUDY, regard=[OBSTRUCT],
                           reservation=[ReservationShift(stakeholder="house_moderates", reservation=0.5)])
    st = next(s for s in sensitivity(study, sc, "pilot_deal").stabilities if s.judgment.kind == "regard")
    assert st.stakeholders[0].flip == pytest.approx(-0.4)
    assert not st.stakeholders[0].accepts and st.ratification_interval == (-1.0, pytest.approx(-0.4))
    assert st.ratification_share == pytest.approx(0.3 / 0.8)


def _accepts(study, sc, proposal, j, x, s):
    s2, sc2 = apply_world(study, sc, {j: x})
    c = coalition(s2, sc2, s2.package(proposal), s2.proposals[proposal].countries)
    return c.stances[s].accepts, c.ratified


@pytest.mark.parametrize("seed", [4, 7, 9])
def test_flip_points_agree_with_the_scoring_code_on_generated_studies(seed):
    """Every judgment: just inside an interval's flip end the verdict is the point's, just outside
    it is not; at each ratification flip ratification changes. Since a scenario shift scales only
    the stake it names (stakes), a multiplier shared by a regarder and the one it regards moves both
    gains linearly, and a salience moves one ratio: every margin is of degree one at most."""
    study = synthetic_study(5, 3, 10, seed=seed, delivery=True, regard=True)
    eps, checked = 1e-6, 0
    for sc in study.scenarios.values():
        for proposal in list(study.proposals)[1:3]:
            for st in sensitivity(study, sc, proposal).stabilities:
                j = st.judgment
                lo, hi = DOMAIN[j.kind]
                for r in st.stakeholders:
                    if r.flip is None:
                        # Inside the domain: at a salience of exactly 0 a one-concern profile has no
                        # weights at all (0/0), a point no closed form speaks for.
                        for x in (max(lo + 1e-3, j.point - 0.3), min(hi, j.point + 0.3)):
                            assert _accepts(study, sc, proposal, j, x, r.stakeholder)[0] == r.accepts, (j.id, x)
                        continue
                    for end, inward in ((r.interval[0], 1), (r.interval[1], -1)):
                        if math.isinf(end) or end in (lo, hi) or abs(end - j.point) < 10 * eps:
                            continue
                        assert _accepts(study, sc, proposal, j, end + inward * eps, r.stakeholder)[0] == r.accepts
                        assert _accepts(study, sc, proposal, j, end - inward * eps, r.stakeholder)[0] != r.accepts
                        checked += 1
                for f in st.ratification_flips:
                    assert (_accepts(study, sc, proposal, j, f - eps, "us_president")[1]
                            != _accepts(study, sc, proposal, j, f + eps, "us_president")[1]), (j.id, f)
                    checked += 1
    assert checked > 5


# --- the sampler against the scalar scorer ------------------------------------------------------------


@pytest.mark.parametrize("seed", [3, 8])
def test_sampled_worlds_equal_the_scalar_scorer(seed):
    """At the point reading and in drawn worlds (delivery and regard ranged), the sampler's gains
    are the scalar scorer's on the study with those judgments set."""
    study = synthetic_study(5, 3, 10, seed=seed, delivery=True, regard=True)
    for sc in study.scenarios.values():
        kernel = compile_kernel(study, sc)
        assert {j.kind for j in kernel.judgments} >= {"delivery", "regard"}
        worlds = np.column_stack([kernel.point, draw(kernel, 3, np.random.default_rng(seed))])
        gains = evaluate(kernel, worlds).gains
        for n in range(worlds.shape[1]):
            s2, sc2 = apply_world(study, sc, dict(zip(kernel.judgments, worlds[:, n])))
            for p, proposal in enumerate(kernel.proposals):
                st = stances(s2, sc2, s2.package(proposal))
                for i, s in enumerate(kernel.stakeholders):
                    if s in st:
                        assert gains[i, p, n] == pytest.approx(st[s].gain, abs=1e-12), (s, proposal, n)


# --- the optimiser against enumeration --------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("seed", [1, 4, 9])
def test_optimize_unlock_frontier_equal_enumeration_with_trust_terms(seed, solver):
    study = synthetic_study(4, 3, 10, seed=seed, delivery=True, regard=True)
    for sc in study.scenarios.values():
        for objective in ("maximin", "welfare"):
            judged = oracle.feasible(oracle.judge_all(study, sc))
            result = optimize(study, sc, parse_objective(objective), top=2, solver=solver)
            assert_optimal(study, sc, result, objective, judged)
        points = frontier(study, sc, solver=solver).points
        assert flat(tuple(p.gains.values()) for p in points) == pytest.approx(flat(enumerated_frontier(study, sc)),
                                                                              abs=1e-9)
        proposal = "proposal0"
        assert_unlock_is_minimal(study, sc, proposal, unlock(study, sc, proposal, top=2, solver=solver))


def test_the_mechanisms_change_the_generated_verdicts():
    """The opt-in changes the gains (else the tests above would test nothing new)."""
    plain = synthetic_study(4, 3, 10, seed=1)
    both = synthetic_study(4, 3, 10, seed=1, delivery=True, regard=True)
    assert plain.stakeholders == both.stakeholders and plain.proposals == both.proposals
    pkg = plain.package("proposal0")
    a, b = stances(plain, plain.scenario("base"), pkg), stances(both, both.scenario("base"), pkg)
    assert any(abs(a[s].gain - b[s].gain) > 1e-6 for s in a)


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize("update, path, message", [
    ({"regard": [Regard(stakeholder="nobody", other="us_president", share=-0.5)]}, ("regard", 0, "stakeholder"),
     "unknown stakeholder 'nobody'"),
    ({"delivery": [Delivery(country="ca", dimensions=["border"], probability=0.5)]}, ("delivery", 0, "country"),
     "unknown country 'ca'"),
    ({"delivery": [Delivery(country="mx", dimensions=["walls"], probability=0.5)]}, ("delivery", 0, "dimensions", 0),
     "unknown dimension 'walls'"),
    ({"delivery": [Delivery(country="mx", dimensions=["border"], judges=["mx_senators"], probability=0.5)]},
     ("delivery", 0, "judges", 0), "belongs to 'mx'"),
    ({"delivery": [MX_BORDER, MX_BORDER]}, ("delivery", 1, "dimensions"), "already judges delivery on 'border'"),
    ({"regard": [OBSTRUCT, OBSTRUCT]}, ("regard", 1), "already regards 'us_president'"),
])
def test_bad_references_are_located(update, path, message):
    study, _ = with_terms(MINI_STUDY, **update)
    found = [f for f in check_study(study, set()) if f[:2] == ("scenario", "calm")]
    assert any(f[2] == path and message in f[3] for f in found), found


@pytest.mark.parametrize("model, fields, message", [
    (Delivery, {"country": "mx", "dimensions": ["border"], "probability": 1.5}, "less than or equal to 1"),
    (Delivery, {"country": "mx", "dimensions": ["border"], "probability": 0.5, "probability_range": (0.2, 1.2)},
     "within [0, 1]"),
    (Regard, {"stakeholder": "a", "other": "a", "share": 0.5}, "cannot regard itself"),
    (Regard, {"stakeholder": "a", "other": "b", "share": 0.5, "share_range": (0.6, 0.9)}, "outside its range"),
])
def test_bad_values_are_refused(model, fields, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        model(**fields)


# --- explanations -------------------------------------------------------------------------------------


def test_explain_and_coalition_show_each_terms_part():
    from scorer.analysis import explain
    from scorer.reports import coalition_report, explain_table
    study, sc = with_terms(MINI_STUDY, delivery=[MX_BORDER], regard=[OBSTRUCT])
    president = explain(study, sc, "pilot_deal", "us_president")
    assert president.gain == pytest.approx(0.375)
    border = next(c for c in president.contributions if c.dimension == "border")
    assert border.delivery == 0.5 and border.contribution == pytest.approx(0.125)
    (doubt,) = president.trust
    assert doubt["effect"] == pytest.approx(-0.125)
    assert doubt["text"].startswith("us_president counts mx border liaison at 0.5 of its value — delivery doubt")
    moderates = explain(study, sc, "pilot_deal", "house_moderates")
    assert moderates.gain == pytest.approx(0.5125)
    assert explain_table(moderates).data["trust"][0]["effect"] == pytest.approx(-0.1875)
    assert "us_president's own gain (+0.375)" in moderates.trust[0]["text"]
    c = coalition(study, sc, study.package("pilot_deal"), ["us", "mx"])
    table = next(t for t in coalition_report(study, "pilot_deal", c).tables if t.key == "trust")
    assert {(r[0], r[1]) for r in table.rows} == {("us_president", "delivery"), ("house_moderates", "regard")}


def test_the_robust_programmes_world_coefficients_equal_the_samplers_gains():
    """The robust search states each world's gain as linear coefficients (delivery and regard
    drawn); summed over a proposal's levels they are the sampler's gains in that world."""
    from scorer.robust_search import _world_coefficients
    from scorer.sampling import weights
    study = synthetic_study(5, 3, 10, seed=8, delivery=True, regard=True)
    for sc in study.scenarios.values():
        kernel = compile_kernel(study, sc)
        model = compiled(study, sc)
        worlds = draw(kernel, 4, np.random.default_rng(1))
        gains = evaluate(kernel, worlds).gains
        w = weights(kernel, worlds)
        for i, s in enumerate(kernel.stakeholders):
            if s not in model.profiles:
                continue
            for n, coefficients in enumerate(_world_coefficients(model, kernel, worlds, w, i)):
                for p, proposal in enumerate(kernel.proposals):
                    package = study.package(proposal)
                    total = sum(row[package[d]] for d, row in coefficients.items())
                    assert total == pytest.approx(gains[i, p, n], abs=1e-12), (s, proposal, n)


def test_whatif_judges_a_regard_share_and_a_delivery_probability(run):
    case = ("--study", str(Path(__file__).resolve().parents[1]))
    # With migration back on the US agenda (capacity 4), a milder PRI tips the Mexican Senate.
    code, out, _ = run("whatif", "bush_fox_2001", *case, "-s", "post911_2002", "--judge",
                       "regard:mx_pri.mx_president=-0.2", "--judge", "capacity:us_president=4", "-f", "json")
    data = json.loads(out)
    assert code == 0 and not data["ratified_before"] and data["ratified_after"] and "mx_pri" in data["flips"]
    code, _, err = run("whatif", "bush_fox_2001", *case, "-s", "post911_2002", "--judge",
                       "delivery:mx.transit_enforcement+emigration_control=1.5")
    assert code == 2 and "outside [0.0, 1.0]" in err
