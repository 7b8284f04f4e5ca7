"""Ranged seats: a party's split between its blocs as a judgment. The data and its checks; the
sampler's seat draws against a per-world evaluation read straight from the institutions; the flip
points of sensitivity against brute force; the robust search with seat draws against enumeration."""

from __future__ import annotations

import json

import numpy as np
import pytest

import oracle
from conftest import MINI
from scorer import load_study
from scorer.checks import check_study
from scorer.compiled import compiled
from scorer.judgments import DEFAULT_SEED, apply_world, judgments
from scorer.models import SeatSplit
from scorer.robust_search import robust_optimize
from scorer.sampling import compile_kernel, draw, evaluate, robust
from scorer.ratification import coalition
from scorer.scoring import profiles, stance
from scorer.stability import sensitivity
from scorer.limits import Limits
from synthetic import synthetic_study
from test_robust_optimize import _deals

STUDY = load_study(MINI)
HOUSE = ["house_moderates", "house_restrictionists"]


def with_splits(study, splits, scenario=None):
    """The study with `splits` on the House (or on `scenario`'s House seats)."""
    if scenario is None:
        house = study.institutions.chambers["us_house"].model_copy(update={"splits": splits})
        inst = study.institutions.model_copy(update={"chambers": {**study.institutions.chambers, "us_house": house}})
        return study.model_copy(update={"institutions": inst})
    sc = study.scenarios[scenario]
    seats = {**sc.seats, "us_house": sc.seats["us_house"].model_copy(update={"splits": splits})}
    return study.model_copy(update={"scenarios": {**study.scenarios, scenario: sc.model_copy(update={"seats": seats})}})


RANGED = with_splits(STUDY, [SeatSplit(blocs=HOUSE, bloc="house_moderates", share_range=(0.4, 0.7))])


# --- the data and its checks ------------------------------------------------------------------


@pytest.mark.parametrize("split, scenario, field, message", [
    (dict(blocs=["house_moderates", "senate_bloc"], bloc="house_moderates", share_range=(0.4, 0.7)), None,
     ("blocs", 1), "bloc 'senate_bloc' holds no seats in 'us_house'"),
    (dict(blocs=["house_moderates", "house_moderates"], bloc="house_moderates", share_range=(0.4, 0.7)), None,
     ("blocs",), "expected two or more distinct blocs"),
    (dict(blocs=["house_moderates"], bloc="house_moderates", share_range=(0.4, 0.7)), None,
     ("blocs",), "expected two or more distinct blocs"),
    (dict(blocs=HOUSE, bloc="senate_bloc", share_range=(0.4, 0.7)), None,
     ("bloc",), "unknown bloc 'senate_bloc' for this split"),
    (dict(blocs=HOUSE, bloc="house_moderates", share_range=(0.6, 1.2)), None,
     ("share_range",), "expected 0 <= low <= high <= 1, found [0.6, 1.2]"),
    (dict(blocs=HOUSE, bloc="house_moderates", share_range=(0.7, 0.4)), None,
     ("share_range",), "expected 0 <= low <= high <= 1, found [0.7, 0.4]"),
    # the point share of the moderates is 0.55 in the institutions and 0.4 in `alarm`
    (dict(blocs=HOUSE, bloc="house_moderates", share_range=(0.6, 0.8)), None,
     ("share_range",), "expected a range holding 'house_moderates''s share of its party, 0.5500, found [0.6, 0.8]"),
    (dict(blocs=HOUSE, bloc="house_moderates", share_range=(0.5, 0.8)), "alarm",
     ("share_range",), "expected a range holding 'house_moderates''s share of its party, 0.4000"),
])
def test_bad_splits_are_found_where_they_are(split, scenario, field, message):
    study = with_splits(STUDY, [SeatSplit(**split)], scenario)
    found = check_study(study, set())
    where = ("scenario", "alarm", ("seats", "us_house", "splits", 0) + field) if scenario else \
        ("institutions", "institutions", ("chambers", "us_house", "splits", 0) + field)
    assert [f for f in found if f[:3] == where and message in f[3]], found


def test_a_bloc_in_two_splits_and_a_split_straddling_the_majority_party_are_found():
    study = synthetic_study(4, 2, 16, seed=3, seat_ranges=True)  # four US blocs: two splits of two
    house = study.institutions.chambers["us_house"]
    bad = [*house.splits, SeatSplit(blocs=["us_bloc1", "us_bloc2"], bloc="us_bloc2", share_range=(0.0, 1.0))]
    study = study.model_copy(update={"institutions": study.institutions.model_copy(update={"chambers": {
        **study.institutions.chambers, "us_house": house.model_copy(update={"splits": bad})}})})
    messages = {f[2]: f[3] for f in check_study(study, set())}
    assert "straddle the majority party" in messages[("chambers", "us_house", "splits", 2, "blocs")]
    assert "'us_bloc1' is already in splits[0]" in messages[("chambers", "us_house", "splits", 2, "blocs", 0)]
    assert "'us_bloc2' is already in splits[1]" in messages[("chambers", "us_house", "splits", 2, "blocs", 1)]


def test_validate_locates_a_bad_split_in_its_file(mini, run):
    path = mini / "criteria" / "institutions.toml"
    path.write_text(path.read_text().replace(
        'seats = { house_restrictionists = 0.45, house_moderates = 0.55 }',
        'seats = { house_restrictionists = 0.45, house_moderates = 0.55 }\n'
        'splits = [{ blocs = ["house_moderates", "house_restrictionists"], bloc = "house_moderates", '
        'share_range = [0.6, 0.8] }]'))
    code, out, err = run("validate", "--study", mini)
    assert code == 1
    assert "criteria/institutions.toml:" in out and "chambers.us_house.splits[0].share_range" in out, out
    assert "found [0.6, 0.8]" in out and "Traceback" not in out + err


# --- the compiled form and the judgment -------------------------------------------------------


def test_splits_leave_the_point_alone_and_keep_the_party_total():
    model, plain = compiled(RANGED, RANGED.scenario("calm")), compiled(STUDY, STUDY.scenario("calm"))
    assert model.seats == plain.seats
    assert [(c, v, [(ch.seats, ch.threshold) for ch in t.chambers]) for c, vs in model.tests.items() for v, t in vs.items()] \
        == [(c, v, [(ch.seats, ch.threshold) for ch in t.chambers]) for c, vs in plain.tests.items() for v, t in vs.items()]
    split, = model.seat_splits
    assert split.point == pytest.approx(0.55) and split.shares(split.point) == pytest.approx(model.seats["us_house"])
    for x in (0.0, 0.3, 0.9, 1.0):
        assert sum(split.shares(x).values()) == pytest.approx(1.0)
    j, = [j for j in judgments(RANGED, RANGED.scenario("calm")) if j.kind == "seats"]
    assert (j.id, j.point, j.low, j.high, j.stakeholders) == ("seats:us_house.house_moderates", 0.55, 0.4, 0.7,
                                                              ("house_moderates", "house_restrictionists"))


def test_a_scenario_that_sets_seats_uses_its_own_splits_only():
    alarm = RANGED.scenario("alarm")
    assert not [j for j in judgments(RANGED, alarm) if j.kind == "seats"]
    study = with_splits(RANGED, [SeatSplit(blocs=HOUSE, bloc="house_moderates", share_range=(0.3, 0.5))], "alarm")
    j, = [j for j in judgments(study, study.scenario("alarm")) if j.kind == "seats"]
    assert (j.point, j.low, j.high) == (pytest.approx(0.4), 0.3, 0.5)
    world, sc = apply_world(study, study.scenario("alarm"), {j: 0.5})
    assert sc.seats["us_house"].shares == pytest.approx({"house_moderates": 0.5, "house_restrictionists": 0.5})
    assert world.institutions == study.institutions


def test_synthetic_seat_ranges_are_opt_in():
    assert synthetic_study(6, 3, 10, seed=4).model_dump() == synthetic_study(6, 3, 10, seed=4).model_dump()
    plain, ranged = synthetic_study(6, 3, 10, seed=4), synthetic_study(6, 3, 10, seed=4, seat_ranges=True)
    assert not any(c.splits for c in plain.institutions.chambers.values())
    assert all(c.splits for c in ranged.institutions.chambers.values())
    assert {c: ch.seats for c, ch in plain.institutions.chambers.items()} == \
        {c: ch.seats for c, ch in ranged.institutions.chambers.items()}
    assert check_study(ranged, set()) == []


# --- the sampler against a per-world evaluation read from the institutions ---------------------


def _world_seats(study, scenario, kernel, column):
    """chamber -> bloc -> share in one world, by the oracle's own reading of each split."""
    seats: dict[str, dict[str, float]] = {}
    for j, x in zip(kernel.judgments, column):
        chamber, bloc = j.id.removeprefix("seats:").split(".")
        seats.setdefault(chamber, {}).update(oracle.split_seats(study, scenario, chamber, bloc, float(x)))
    return seats


# seeds where some verdict turns on the seat ranges (found by running `robust` over seeds 0-39)
HINGED = [(4, "base"), (4, "shifted"), (10, "base"), (10, "shifted"), (12, "base"), (38, "shifted")]


@pytest.mark.parametrize("seed, scenario", HINGED[1:5])
def test_sampled_seats_give_the_verdicts_of_each_world_evaluated_alone(seed, scenario):
    study = synthetic_study(5, 3, 12, seed=seed, seat_ranges=True, n_proposals=6)
    sc = study.scenarios[scenario]
    kernel = compile_kernel(study, sc)
    assert kernel.judgments and all(j.kind == "seats" for j in kernel.judgments)
    draws = draw(kernel, 60, np.random.default_rng(seed))
    worlds = evaluate(kernel, draws, roles=True)
    present = profiles(study, sc)
    for p, pid in enumerate(kernel.proposals):
        package, countries = study.package(pid), study.proposals[pid].countries
        accepts = {s: stance(prof, package).accepts for s, prof in present.items()}
        for n in range(draws.shape[1]):
            seats = _world_seats(study, sc, kernel, draws[:, n])
            verdict = oracle.ratified_with_seats(study, sc, package, countries, accepts, seats)
            assert worlds.ratified[p, n] == verdict, (pid, n)
            pivotal = {s for s in present if oracle.ratified_with_seats(
                study, sc, package, countries, {**accepts, s: not accepts[s]}, seats) != verdict}
            assert pivotal == {kernel.stakeholders[i] for i in np.flatnonzero(worlds.pivotal[p, :, n])}, (pid, n)
    assert (worlds.ratified.any(axis=1) & ~worlds.ratified.all(axis=1)).any()


@pytest.mark.parametrize("seed, scenario", [HINGED[0], HINGED[5]])
def test_robust_counts_the_worlds_each_evaluated_alone_ratifies(seed, scenario):
    """`robust` on a generated study with seat ranges: per proposal, the worlds ratified are those
    the institutions ratify with each world's seats (the same seeded worlds, drawn in one go)."""
    study = synthetic_study(5, 3, 12, seed=seed, seat_ranges=True, n_proposals=6)
    sc = study.scenarios[scenario]
    samples = 300
    result = {o.proposal: o.ratified for o in robust(study, sc, samples=samples, seed=seed, chunk=128).odds}
    kernel = compile_kernel(study, sc)
    draws = draw(kernel, samples, np.random.default_rng(seed))
    present = profiles(study, sc)
    hinged = 0
    for pid in kernel.proposals:
        package, countries = study.package(pid), study.proposals[pid].countries
        accepts = {s: stance(prof, package).accepts for s, prof in present.items()}
        count = sum(oracle.ratified_with_seats(study, sc, package, countries, accepts,
                                               _world_seats(study, sc, kernel, draws[:, n])) for n in range(samples))
        assert result[pid] == count, pid
        hinged += 0 < count < samples
    assert hinged, "no proposal of this study turns on its seat ranges"


# --- sensitivity against brute force -----------------------------------------------------------


def _brute(study, scenario, pid, j, xs):
    package, countries = study.package(pid), study.proposals[pid].countries
    accepts = {s: stance(prof, package).accepts for s, prof in profiles(study, scenario).items()}
    chamber, bloc = j.id.removeprefix("seats:").split(".")
    return np.array([oracle.ratified_with_seats(study, scenario, package, countries, accepts,
                                                {chamber: oracle.split_seats(study, scenario, chamber, bloc, x)})
                     for x in xs])


@pytest.mark.parametrize("seed, scenario", HINGED + [(1, "base"), (2, "shifted")])
def test_seat_flip_points_equal_brute_force(seed, scenario):
    study = synthetic_study(5, 3, 12, seed=seed, seat_ranges=True, n_proposals=6)
    sc = study.scenarios[scenario]
    xs = np.linspace(0.0, 1.0, 801)
    checked = 0
    for pid in study.proposals:
        for st in sensitivity(study, sc, pid).stabilities:
            j = st.judgment
            if j.kind != "seats":
                continue
            verdicts = _brute(study, sc, pid, j, xs)
            at_point = _brute(study, sc, pid, j, [j.point])[0]
            # between flips the verdict is constant; across each flip it changes
            edges = [0.0, *st.ratification_flips, 1.0]
            for a, b in zip(edges, edges[1:]):
                inside = (xs > a + 1e-6) & (xs < b - 1e-6)
                assert len(set(verdicts[inside])) <= 1, (pid, j.id, a, b)
            for f in st.ratification_flips:
                left, right = _brute(study, sc, pid, j, [f - 1e-6, f + 1e-6])
                assert left != right, (pid, j.id, f)
                checked += 1
            lo, hi = st.ratification_interval
            assert (verdicts[(xs > lo + 1e-6) & (xs < hi - 1e-6)] == at_point).all()
            if j.high > j.low:
                in_range = (xs >= j.low) & (xs <= j.high)
                assert st.ratification_share == pytest.approx((verdicts[in_range] != at_point).mean(), abs=0.01)
    assert checked or (seed, scenario) not in HINGED


# --- the robust search draws the seats of each world -------------------------------------------


@pytest.mark.parametrize("seed, scenario", [(1, "base"), (4, "shifted")])
def test_the_robust_package_with_seat_draws_is_the_best_by_enumeration(seed, scenario):
    study = synthetic_study(3, 2, 9, seed=seed, seat_ranges=True)
    sc = study.scenarios[scenario]
    result = robust_optimize(study, sc, 30, fresh_worlds=200, seed=DEFAULT_SEED)
    deals = _deals(study, sc, Limits(), 30)
    assert result.status == "optimal"
    assert result.robust.in_sample == max(deals.values())


# --- what the reports show ---------------------------------------------------------------------


@pytest.mark.parametrize("seed, scenario", HINGED[:3])
def test_tally_ranges_are_the_extremes_over_the_corners_of_the_split_ranges(seed, scenario):
    """Each chamber's accepting share (and its majority party's) over every corner of the splits'
    ranges, read from the institutions, spans exactly the tally's reported range."""
    import itertools

    study = synthetic_study(5, 3, 12, seed=seed, seat_ranges=True, n_proposals=6)
    sc = study.scenarios[scenario]
    present = profiles(study, sc)
    ranged = [j for j in judgments(study, sc) if j.kind == "seats"]
    for pid in study.proposals:
        package = study.package(pid)
        accepts = {s: stance(prof, package).accepts for s, prof in present.items()}
        c = coalition(study, sc, package, study.proposals[pid].countries)
        for verdict in c.countries.values():
            for t in verdict.chambers.values():
                mine = [j for j in ranged if j.id.startswith(f"seats:{t.chamber}.")]
                assert (t.share_range is None) == (not mine)
                if not mine:
                    continue
                shares, agendas = [], []
                for corner in itertools.product(*[(j.low, j.high) for j in mine]):
                    seats = oracle.seat_shares(study, sc, t.chamber)
                    for j, x in zip(mine, corner):
                        seats.update(oracle.split_seats(study, sc, t.chamber, j.id.split(".")[1], x))
                    shares.append(sum(v for b, v in seats.items() if accepts.get(b, False)))
                    party = oracle.majority_party(study, sc, t.chamber)
                    if party:
                        agendas.append(sum(seats[b] for b in party if accepts.get(b, False))
                                       / sum(seats[b] for b in party))
                assert t.share_range == pytest.approx((min(shares), max(shares)))
                assert (t.agenda_range is None) == (not agendas)
                if agendas:
                    assert t.agenda_range == pytest.approx((min(agendas), max(agendas)))


def test_coalition_shows_the_seat_margin_its_range_and_the_splits_evidence(run):
    code, out, _ = run("coalition", "bush_fox_2001", "-s", "pre911_2001", "-f", "json")
    house = json.loads(out)["countries"]["us"]["chambers"]["us_house"]
    assert code == 0 and house["share_range"][0] < house["threshold"] < house["share"] < house["share_range"][1]
    assert house["majority_party_share_range"] == [0.35, 0.65]
    code, out, _ = run("coalition", "bush_fox_2001", "-s", "pre911_2001", "-f", "markdown")
    assert "-0.004 to +0.271" in out and "0.53 of majority party (0.35 to 0.65)" in out
    assert "us_house_business_gop holds 0.53 of its party's seats, ranged 0.35-0.65 (evidence " \
           "seats_ros02_gop_split_no_share" in out


def test_whatif_moves_a_ranged_split_by_its_sensitivity_id(run):
    """0.45 of House Republicans in the business wing: the 2001 package no longer reaches the floor."""
    code, out, _ = run("whatif", "bush_fox_2001", "-s", "pre911_2001", "--judge",
                       "seats:us_house.us_house_business_gop=0.45", "-f", "json")
    data = json.loads(out)
    assert code == 0 and data["before"]["ratified"] and not data["after"]["ratified"]
    assert data["after"]["countries"]["us"]["chambers"]["us_house"]["reaches_floor"] is False


# --- the point programmes on studies with ranged seats -------------------------------------------


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("seed, scenario", HINGED[:4])
def test_optimize_unlock_and_frontier_equal_enumeration_with_seat_ranges(seed, scenario, solver):
    """The programmes state the point shares; the oracle reads the institutions itself."""
    from scorer.concessions import unlock
    from scorer.pareto import frontier
    from scorer.search import optimize
    from test_optimize import COUNTRIES, assert_optimal, assert_unlock_is_minimal, enumerated_frontier, flat

    study = synthetic_study(4, 3, 10, seed=seed, seat_ranges=True)
    sc = study.scenarios[scenario]
    judged = oracle.feasible(oracle.judge_all(study, sc, COUNTRIES))
    assert_optimal(study, sc, optimize(study, sc, solver=solver), "maximin", judged)
    proposal = sorted(study.proposals)[1]
    assert_unlock_is_minimal(study, sc, proposal, unlock(study, sc, proposal, "count", top=2, solver=solver))
    result = frontier(study, sc, solver=solver)
    assert flat(tuple(p.gains.values()) for p in result.points) == pytest.approx(
        flat(enumerated_frontier(study, sc)), abs=1e-9)
