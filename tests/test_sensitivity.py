"""Stability intervals (`accord sensitivity`): the closed form against analytic flip points and
against brute-force bisection on scoring.py and ratification.py, the tornado, and the command."""

from __future__ import annotations

import json
import math

import pytest

from scorer import load_study
from scorer.compiled import compiled
from scorer.judgments import DOMAIN, apply_world, judgments
from scorer.ratification import coalition
from scorer.stability import sensitivity

from conftest import MINI, assert_well_formed
from test_robust import RANGED, write_one


def _verdicts(study, scenario, proposal, judgment, x):
    """(who accepts, ratified) with the one judgment set to x, by the scoring code."""
    s2, sc2 = apply_world(study, scenario, {judgment: x})
    c = coalition(s2, sc2, s2.package(proposal), s2.proposals[proposal].countries)
    return {s: st.accepts for s, st in c.stances.items()}, c.ratified


def _bisect(flipped, inside: float, outside: float, steps: int = 48) -> float:
    """The point between `inside` (not flipped) and `outside` (flipped) where `flipped` turns true."""
    for _ in range(steps):
        mid = (inside + outside) / 2
        inside, outside = (inside, mid) if flipped(mid) else (mid, outside)
    return (inside + outside) / 2


def test_a_single_uncertain_salience_flips_where_the_algebra_says(tmp_path):
    """gain = (x - 0.5) / (x + 0.5) >= 0.2  <=>  x >= 0.75; the range [0.25, 1] crosses it, and
    below 0.75 the proposal is no longer ratified: 2/3 of the range."""
    study = load_study(write_one(tmp_path))
    sens = sensitivity(study, study.scenario(), "both_high")
    st = next(s for s in sens.stabilities if s.judgment.id == "salience:president.a")
    (president,) = st.stakeholders
    assert president.accepts and president.flip == pytest.approx(0.75)
    assert president.interval == (pytest.approx(0.75), math.inf)
    assert president.distance == pytest.approx(0.25 - 0.75)
    assert st.ratification_interval == (pytest.approx(0.75), math.inf)
    assert st.ratification_share == pytest.approx(2 / 3)
    assert [s.judgment.id for s in sens.tornado] == ["salience:president.a"]


def test_reservation_flips_at_the_gain(tmp_path):
    """At x = 0.8 the gain is 0.3 / 1.3: the reservation can rise that far before the president says no."""
    study = load_study(write_one(tmp_path))
    st = next(s for s in sensitivity(study, study.scenario(), "both_high").stabilities
              if s.judgment.id == "reservation:president")
    assert st.stakeholders[0].flip == pytest.approx(0.3 / 1.3)
    assert st.ratification_interval == (-math.inf, pytest.approx(0.3 / 1.3))
    assert not st.crosses  # no range given: a point judgment crosses nothing


@pytest.mark.parametrize("scenario", ["calm", "alarm", "split"])
def test_stability_intervals_agree_with_brute_force_bisection(scenario):
    """For every judgment, proposal and stakeholder of the ranged fixture: just inside each finite
    end of an interval the verdict is the point's, just outside it is not, and bisection on the
    scoring code finds the same acceptance flip point."""
    study = load_study(RANGED)
    sc = study.scenario(scenario)
    eps = 1e-7
    checked = 0
    for proposal in study.proposals:
        for st in sensitivity(study, sc, proposal).stabilities:
            j = st.judgment
            lo_dom, hi_dom = DOMAIN[j.kind]
            point_ratified = _verdicts(study, sc, proposal, j, j.point)[1]
            for s in st.stakeholders:
                a, b = s.interval
                if s.flip is None:  # the same verdict across the inside of the domain
                    for x in (max(lo_dom + 1e-3, j.point - 3), min(hi_dom - 1e-3, j.point + 0.5),
                              min(hi_dom - 1e-3, j.point + 3)):
                        assert _verdicts(study, sc, proposal, j, x)[0][s.stakeholder] == s.accepts, (j.id, x)
                    continue
                outside = a - 0.5 if a == s.flip else b + 0.5
                outside = min(max(outside, lo_dom), hi_dom)
                if j.kind == "value":
                    outside = 0.0 if a == s.flip else 1.0
                flips = lambda x: _verdicts(study, sc, proposal, j, x)[0][s.stakeholder] != s.accepts  # noqa: E731
                assert flips(outside), (proposal, j.id, s.stakeholder)
                assert _bisect(flips, j.point, outside) == pytest.approx(s.flip, abs=1e-9), (proposal, j.id)
                checked += 1
            for end, inward in ((st.ratification_interval[0], 1), (st.ratification_interval[1], -1)):
                if math.isinf(end) or end in DOMAIN[j.kind] or abs(end - j.point) < 10 * eps:
                    continue
                assert _verdicts(study, sc, proposal, j, end + inward * eps)[1] == point_ratified, (j.id, end)
                assert _verdicts(study, sc, proposal, j, end - inward * eps)[1] != point_ratified, (j.id, end)
                checked += 1
    assert checked > 20


def test_red_line_holders_never_flip():
    study = load_study(MINI)
    sens = sensitivity(study, study.scenario("calm"), "grand_bargain")
    for st in sens.stabilities:
        for s in st.stakeholders:
            if s.stakeholder == "house_restrictionists":
                assert s.red_line and s.flip is None and not s.accepts and s.share == 0


def test_the_tornado_lists_crossing_judgments_most_decisive_first():
    study = load_study(RANGED)
    for sc in study.scenarios.values():
        for proposal in study.proposals:
            sens = sensitivity(study, sc, proposal)
            tornado = sens.tornado
            assert all(st.crosses and st.judgment.ranged for st in tornado)
            keys = [(-st.decisiveness[0], -st.decisiveness[1]) for st in tornado]
            assert keys == sorted(keys)
            crossing = {st.judgment.id for st in sens.stabilities
                        if any(s.flip is not None and st.judgment.low < s.flip < st.judgment.high
                               for s in st.stakeholders)}
            assert crossing <= {st.judgment.id for st in tornado}


def test_judgments_cover_every_salience_and_reservation_of_those_present():
    study = load_study(RANGED)
    sc = study.scenario("alarm")
    ids = {j.id for j in judgments(study, sc)}
    for sh in study.stakeholders.values():
        if sh.id in sc.absent:
            assert not any(sh.id in i for i in ids)
            continue
        assert f"reservation:{sh.id}" in ids
        assert {f"salience:{sh.id}.{d}" for d in sh.concerns} <= ids
    assert {"multiplier:border[0]", "multiplier:border[1]", "multiplier:guest_workers"} <= ids
    mx = next(j for j in judgments(study, sc) if j.id == "reservation:mx_president")
    assert (mx.point, mx.low, mx.high) == (0.15, 0.05, 0.3)  # the scenario's margin replaces the stakeholder's


# --- the command ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "csv", "json", "html", "latex"])
def test_sensitivity_speaks_every_format(fmt, run):
    args = ("sensitivity", "pilot_deal", "--study", RANGED, "--scenario", "calm", "--format", fmt)
    code, out, err = run(*args)
    assert code == 0, err
    assert_well_formed(fmt, out)
    assert out == run(*args)[1]


def test_sensitivity_json_contract(run):
    code, out, _ = run("sensitivity", "pilot_deal", "--study", RANGED, "-s", "alarm", "-f", "json")
    data = json.loads(out)
    assert data["proposal"] == "pilot_deal" and data["scenario"] == "alarm" and data["ratified"] is True
    # Stakes: the border shift raises mx_president's border stake to 0.1 / 1.0 x 3 = 0.3 and leaves
    # legalisation 0.6 and guest workers 0.3 as read, so pilot_deal gains him 0.3 x 0.5 + 0.3 x 0.5
    # = 0.3: the flip sits at the top of the reservation's range [0.05, 0.3], which no longer crosses it.
    assert data["tornado"] == []
    mx = next(j for j in data["judgments"] if j["id"] == "reservation:mx_president")
    assert mx["ratification_interval"] == [None, 0.3] and mx["ratification_share"] == 0.0
    assert mx["stakeholders"] == [{"id": "mx_president", "accepts": True, "red_line": False, "flip": 0.3,
                                   "interval": [None, 0.3], "distance": 0.0, "share": 0.0}]
    code, out, _ = run("sensitivity", "pilot_deal", "--study", RANGED, "-s", "calm", "-f", "json")
    assert json.loads(out)["tornado"][0] == "salience:house_restrictionists.border"


def test_sensitivity_unknown_proposal_exits_2(run):
    code, out, err = run("sensitivity", "nope", "--study", MINI)
    assert code == 2 and "unknown proposal 'nope'" in err


@pytest.mark.parametrize("where", ["case", "generated"])
def test_decisive_only_keeps_every_judgment_that_flips_ratification_within_its_range(where):
    """The brief asks only for the judgments that may flip ratification within their range: the
    same stabilities, in the same tornado order, as the full sensitivity's with a ratification share."""
    from synthetic import synthetic_study

    if where == "case":
        study = load_study(".")
        scenarios = [study.scenario("pre911_2001"), study.scenario("transit_2024")]
    else:
        study = synthetic_study(8, 3, 14, seed=3, seat_ranges=True, no_deal=True, interactions=True, agenda=True,
                                delivery=True, regard=True)
        scenarios = list(study.scenarios.values())
    kept = 0
    for sc in scenarios:
        for proposal in study.proposals:
            full = sensitivity(study, sc, proposal, ranged_only=True)
            short = sensitivity(study, sc, proposal, ranged_only=True, decisive_only=True)
            decisive = [st for st in full.stabilities if st.ratification_share > 0]
            assert [st for st in short.stabilities if st.ratification_share > 0] == decisive
            assert [st for st in short.tornado if st.ratification_share > 0] == \
                   [st for st in full.tornado if st.ratification_share > 0]
            kept += len(decisive)
    assert kept > 0


def test_a_compiled_study_lists_its_judgments_once_as_a_fresh_listing_would():
    """The brief's sensitivity and sampler read the compiled judgments some twenty times: listed once
    per (study, scenario), the same records as a fresh listing."""
    study = load_study(".")
    for sc in study.scenarios.values():
        model = compiled(study, sc)
        assert model.judgments is model.judgments
        assert model.judgments == tuple(judgments(study, sc))
