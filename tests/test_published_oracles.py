"""The ratification and bargaining logic against published worked examples (../shared/oracles.md):
power indices of weighted voting games, recomputed from accord's own chamber tallies and pivotal
actors, and the Nash bargaining solution recovered by the `nash` ranking method."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import pytest

from scorer.models import (Chamber, Concern, Country, Dimension, Institutions, Level, Manifest, Pillar, Proposal,
                           ReservationShift, Scenario, Stakeholder, Study, Venue, VenueRule)
from scorer.ranking import rank
from scorer.ratification import coalition, ratified

# --- power indices -------------------------------------------------------------------------------
# A weighted voting game as a one-chamber study: the blocs' seat shares are the weights over their
# sum, the statute threshold is the quota over that sum, and one dimension's "act" level needs the
# statute. No president is required, so the chamber alone decides.

GAMES = {
    # Deegan-Packel / Felsenthal-Machover: the EEC Council of Ministers, 1958 (Luxembourg a dummy).
    "eec_1958": (12, [4, 4, 4, 2, 2, 1], ["7/30"] * 3 + ["3/20"] * 2 + ["0"], [0.2381] * 3 + [0.1429] * 2 + [0.0]),
    # Stach 2011.
    "stach_2011": (50, [10, 10, 20, 30], ["1/12", "1/12", "1/4", "7/12"], [0.1, 0.1, 0.3, 0.5]),
    "small": (6, [4, 3, 2, 1], ["5/12", "1/4", "1/4", "1/12"], [5 / 12, 1 / 4, 1 / 4, 1 / 12]),
}


def voting_study(quota: int, weights: list[int]) -> Study:
    total = sum(weights)
    blocs = [f"b{i}" for i in range(len(weights))]
    act = Dimension(id="act", label="Act", levels=[Level(id="no", label="No"),
                                                   Level(id="yes", label="Yes", authority={"us": Venue.statute})])
    stakeholders = {b: Stakeholder(id=b, name=b, country="us", kind="legislative_bloc", influence=1.0,
                                   chambers=["council"], concerns={"act": Concern(salience=1.0, preferred="yes")})
                    for b in blocs}
    stakeholders["us_president"] = Stakeholder(id="us_president", name="President", country="us", kind="executive",
                                               influence=1.0, concerns={"act": Concern(salience=1.0, preferred="yes")})
    venues = {Venue.executive: VenueRule(actors=[]),
              Venue.statute: VenueRule(chambers={"council": quota / total}),
              Venue.treaty: VenueRule(chambers={"council": quota / total})}
    chamber = Chamber(name="Council", country="us", seats={b: w / total for b, w in zip(blocs, weights)})
    proposals = {
        "status_quo": Proposal(id="status_quo", title="Status quo", sponsor="us_president",
                               date=dt.date(2001, 1, 1), summary="Nothing.", countries=["us"]),
        "act": Proposal(id="act", title="Act", sponsor="us_president", date=dt.date(2001, 1, 2), summary="Act.",
                        countries=["us"], pillars=[Pillar(name="Act", provisions={"act": "yes"})]),
    }
    return Study(manifest=Manifest(name="voting", default_scenario="base"), documents={}, evidence={},
                 dimensions={"act": act}, stakeholders=stakeholders,
                 institutions=Institutions(countries={"us": Country(name="US", venues=venues)},
                                           chambers={"council": chamber}),
                 scenarios={"base": Scenario(id="base", label="Base", year=2001)}, proposals=proposals)


def with_accepting(study: Study, accepting: set[str]) -> Scenario:
    """A scenario in which exactly the blocs in `accepting` accept the act (the others' reservation
    exceeds any gain)."""
    blocs = [s for s in study.stakeholders if s != "us_president"]
    return Scenario(id="world", label="World", year=2001,
                    reservation=[ReservationShift(stakeholder=b, reservation=0.0 if b in accepting else 2.0)
                                 for b in blocs])


@pytest.mark.parametrize("game", GAMES)
def test_pivotal_blocs_give_the_published_banzhaf_index(game):
    """Over every coalition of accepting blocs, a bloc is pivotal (accord's `coalition(...).pivotal`)
    in twice as many coalitions as it has Banzhaf swings: normalised, the published index."""
    quota, weights, _, banzhaf = GAMES[game]
    study = voting_study(quota, weights)
    blocs = [f"b{i}" for i in range(len(weights))]
    counts = dict.fromkeys(blocs, 0)
    for n in range(len(blocs) + 1):
        for accepting in itertools.combinations(blocs, n):
            c = coalition(study, with_accepting(study, set(accepting)), study.package("act"), ["us"])
            assert {s for s, x in c.stances.items() if x.accepts and s != "us_president"} == set(accepting)
            for b in c.pivotal:
                counts[b] += 1
    total = sum(counts.values())
    assert [counts[b] / total for b in blocs] == pytest.approx(banzhaf, abs=5e-5)


@pytest.mark.parametrize("game", GAMES)
def test_first_bloc_to_carry_the_chamber_gives_the_published_shapley_shubik_index(game):
    """Over every order in which blocs join, the bloc whose acceptance first ratifies the act."""
    quota, weights, shapley, _ = GAMES[game]
    study = voting_study(quota, weights)
    scenario = study.scenarios["base"]
    package = study.package("act")
    blocs = [f"b{i}" for i in range(len(weights))]
    wins = dict.fromkeys(blocs, 0)
    orders = list(itertools.permutations(blocs))
    for order in orders:
        accepts: dict[str, bool] = {}
        for b in order:
            accepts[b] = True
            if ratified(study, scenario, package, ["us"], accepts):
                wins[b] += 1
                break
    assert [Fraction(wins[b], len(orders)) for b in blocs] == [Fraction(x) for x in shapley]


# --- Nash bargaining ------------------------------------------------------------------------------


def split_study(splits: list[int]) -> Study:
    """Two presidents divide one unit: at level `sNN` the US president values NN/100 and Mexico's
    the rest; the status quo (disagreement) gives the US 0.4 and Mexico 0."""
    levels = [Level(id="disagree", label="Disagreement")] + [
        Level(id=f"s{x}", label=f"US share {x}%", authority={"us": Venue.executive, "mx": Venue.executive})
        for x in splits]
    us_values = {"disagree": 0.4, **{f"s{x}": x / 100 for x in splits}}
    mx_values = {"disagree": 0.0, **{f"s{x}": 1 - x / 100 for x in splits}}
    stakeholders = {
        "us_president": Stakeholder(id="us_president", name="US", country="us", kind="executive", influence=1.0,
                                    concerns={"split": Concern(salience=1.0, values=us_values)}),
        "mx_president": Stakeholder(id="mx_president", name="MX", country="mx", kind="executive", influence=1.0,
                                    concerns={"split": Concern(salience=1.0, values=mx_values)}),
    }
    countries = {c: Country(name=c, venues={v: VenueRule(actors=[f"{c}_president"]) for v in Venue})
                 for c in ("us", "mx")}
    proposals = {"status_quo": Proposal(id="status_quo", title="Status quo", sponsor="us_president",
                                        date=dt.date(2001, 1, 1), summary="No deal.", countries=["us", "mx"])}
    for x in splits:
        proposals[f"split_{x}"] = Proposal(id=f"split_{x}", title=f"{x}/{100 - x}", sponsor="us_president",
                                           date=dt.date(2001, 1, 2), summary="A split.", countries=["us", "mx"],
                                           pillars=[Pillar(name="Split", provisions={"split": f"s{x}"})])
    return Study(manifest=Manifest(name="split", default_scenario="base"), documents={}, evidence={},
                 dimensions={"split": Dimension(id="split", label="Split", levels=levels)},
                 stakeholders=stakeholders, institutions=Institutions(countries=countries, chambers={}),
                 scenarios={"base": Scenario(id="base", label="Base", year=2001)}, proposals=proposals)


def test_nash_method_picks_the_nash_bargaining_split():
    """Dividing one unit with disagreement point (0.4, 0), the Nash solution gives party one 0.7
    (oracles.md): the product (x - 0.4)(1 - x) peaks there, and the nash method ranks it first."""
    study = split_study(list(range(40, 100, 5)))
    rows = rank(study, study.scenarios["base"], "nash")
    assert rows[0].assessment.proposal == "split_70" and rows[0].rank == 1
    assert rows[0].score == pytest.approx(0.3 * 0.3)
    assert [r.assessment.proposal for r in rows[1:3]] == ["split_65", "split_75"]
