"""Acceptance and ratification on the mini study, against numbers computed by hand.

mini: us_president weighs guest_workers and border 0.5/0.5 (prefers large, joint); mx_president
weighs legalisation 0.6 (earned), guest_workers 0.3 (large), border 0.1 (values 0.5/1/0), with a
reservation of 0.1; house_restrictionists prefer no guest workers and have a red line at earned
legalisation; house_moderates prefer a pilot (0.7) and no legalisation (0.3)."""

import pytest

from scorer import load_study
from scorer.compiled import compiled
from scorer.ranking import rank
from scorer.ratification import coalition, venue_needed
from scorer.scoring import stances

import oracle
from conftest import MINI
from synthetic import synthetic_study


@pytest.fixture(scope="module")
def study():
    return load_study(MINI)


def test_gains_are_weighted_value_changes(study):
    """pilot_deal: us_president 0.5*0.5 + 0.5*0.5 = 0.5; mx_president (0.3*0.5 + 0.1*1) - 0.1*0.5 = 0.2."""
    st = stances(study, study.scenario("calm"), study.package("pilot_deal"))
    assert st["us_president"].gain == pytest.approx(0.5)
    assert st["mx_president"].gain == pytest.approx(0.2)
    assert st["house_moderates"].gain == pytest.approx(0.7)


def test_reservation_margin_and_red_lines_decide_acceptance(study):
    """grand_bargain: mx_president gains 0.9 - 0.05 = 0.85 >= 0.1 and accepts; the House
    restrictionists' gain is 0.5 - 0.5 = 0 but earned legalisation crosses their red line."""
    st = stances(study, study.scenario("calm"), study.package("grand_bargain"))
    assert st["mx_president"].gain == pytest.approx(0.85) and st["mx_president"].accepts
    assert st["house_restrictionists"].gain == pytest.approx(0.0)
    assert st["house_restrictionists"].touched == ("legalisation.earned",)
    assert not st["house_restrictionists"].accepts


def test_status_quo_fails_a_positive_reservation(study):
    """A package equal to the status quo gains 0: mx_president (reservation 0.1) rejects it."""
    st = stances(study, study.scenario("calm"), study.package("status_quo"))
    assert not st["mx_president"].accepts and st["us_president"].accepts


def test_scenario_multiplier_scales_only_the_stake_it_names(study):
    """In 'alarm' border salience triples: us_president's stakes go from 0.5/0.5 to 0.5/1.5 (guest
    workers keeps its stake), so pilot_deal gains 0.5 x 0.5 + 1.5 x 0.5 = 1.0 and grand_bargain
    0.5 + 1.5 = 2.0; in 'calm' they gain 0.5 and 1.0."""
    model = compiled(study, study.scenario("alarm"))
    assert model.profiles["us_president"].weights == pytest.approx({"guest_workers": 0.5, "border": 1.5})
    st = stances(study, study.scenario("alarm"), study.package("pilot_deal"))
    assert st["us_president"].gain == pytest.approx(0.5 * 0.5 + 1.5 * 0.5)
    st = stances(study, study.scenario("alarm"), study.package("grand_bargain"))
    assert st["us_president"].gain == pytest.approx(2.0)
    st = stances(study, study.scenario("calm"), study.package("pilot_deal"))
    assert st["us_president"].gain == pytest.approx(0.5)


def test_venue_is_the_strongest_authority_any_level_needs(study):
    """grand_bargain: large guest workers need a US statute, joint border operations a Mexican statute."""
    package = study.package("grand_bargain")
    assert venue_needed(study, package, "us").value == "statute"
    assert venue_needed(study, package, "mx").value == "statute"
    assert venue_needed(study, study.package("status_quo"), "us") is None


def test_house_blocks_grand_bargain_and_moderates_are_pivotal(study):
    """No House bloc accepts (share 0 < 0.5); moderates alone would bring 0.55 and ratify it,
    restrictionists alone only 0.45."""
    c = coalition(study, study.scenario("calm"), study.package("grand_bargain"), ["us", "mx"])
    assert not c.ratified
    house = c.countries["us"].chambers["us_house"]
    assert house.share == 0 and not house.passed
    assert set(c.countries["us"].blocking) == {"house_restrictionists", "house_moderates"}
    assert c.countries["mx"].ratified
    assert c.pivotal == ("house_moderates",)


def test_pilot_deal_ratifies_and_moderates_are_pivotal(study):
    c = coalition(study, study.scenario("calm"), study.package("pilot_deal"), ["us", "mx"])
    assert c.ratified
    assert c.countries["us"].chambers["us_house"].share == pytest.approx(1.0)
    assert set(c.pivotal) == {"us_president", "mx_president", "house_moderates", "senate_bloc"}


@pytest.mark.parametrize("seed", range(3))
def test_pivotal_stakeholders_are_those_whose_flip_alone_flips_ratification(seed):
    """On generated studies, every tabled package's pivotal stakeholders equal a brute force over
    every stakeholder present, read by the oracle's own ratification (coalition skips the ones no
    venue counts: this checks that skipping them loses none)."""
    study = synthetic_study(5, 3, 14, seed=seed)
    for sc in study.scenarios.values():
        for j in oracle.judge_all(study, sc):
            if not j.tabled:
                continue
            accepts = {s: x.accepts for s, x in j.stances.items()}
            ratified = oracle.ratified_with_seats(study, sc, j.package, ("us", "mx"), accepts, {})
            flips = {s for s in accepts if oracle.ratified_with_seats(
                study, sc, j.package, ("us", "mx"), {**accepts, s: not accepts[s]}, {}) != ratified}
            assert set(coalition(study, sc, j.package, ["us", "mx"]).pivotal) == flips, j.package


def test_security_salience_wins_over_the_house_restrictionists(study):
    """In 'alarm' their border stake triples (0.5/1.5): pilot_deal's pilot programme costs them
    0.5 x 0.5 = 0.25 and its liaison gains them 1.5 x 0.5 = 0.75, a gain of 0.5, so they accept and
    the House tally, now 0.6 + 0.4 of seats, is complete."""
    c = coalition(study, study.scenario("alarm"), study.package("pilot_deal"), ["us", "mx"])
    assert c.stances["house_restrictionists"].gain == pytest.approx(0.5)
    house = c.countries["us"].chambers["us_house"]
    assert house.share == pytest.approx(1.0) and house.passed


def test_ratified_proposals_rank_first_unless_ignored(study):
    """support: grand_bargain and status_quo both win 0.75 of the influence (3.0 of 4.0), but
    grand_bargain is unratified, so it ranks last; by welfare with ratification ignored it leads."""
    rows = rank(study, study.scenario("calm"), "support")
    assert [r.proposal for r in rows] == ["pilot_deal", "status_quo", "grand_bargain"]
    assert [r.rank for r in rows] == [1, 2, 3]
    rows = rank(study, study.scenario("calm"), "welfare", ignore_ratification=True)
    assert rows[0].proposal == "grand_bargain"


def test_every_method_gives_one_score_per_proposal(study):
    for method in ("support", "welfare", "maximin", "nash", "topsis"):
        rows = rank(study, study.scenario("calm"), method)
        assert sorted(r.proposal for r in rows) == ["grand_bargain", "pilot_deal", "status_quo"]


def test_maximin_and_nash_use_the_required_actors(study):
    """maximin: the worst gain among the presidents: pilot_deal min(0.5, 0.2) = 0.2;
    nash: 0.5 * 0.2 = 0.1."""
    by = {r.proposal: r.score for r in rank(study, study.scenario("calm"), "maximin", True)}
    assert by["pilot_deal"] == pytest.approx(0.2)
    by = {r.proposal: r.score for r in rank(study, study.scenario("calm"), "nash", True)}
    assert by["pilot_deal"] == pytest.approx(0.1)
