"""The backtest: scoring rules against hand-computed examples, a mini study whose record is known
by hand, the shipped case's episodes, bad episode files, and the command as a user runs it."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import HERE, MINI
from scorer.backtest import _distinct, backtest, chamber_counts
from scorer.scoring_rules import brier, calibration, log_loss
from scorer.loading import load_located, load_study
from scorer.ratification import country_verdict
from scorer.sampling import compile_kernel, draw, evaluate

FIXTURE = HERE / "fixtures" / "backtest" / "episodes.toml"
ACCORD = Path(sys.executable).with_name("accord")


@pytest.fixture
def mini_episodes(mini: Path) -> Path:
    shutil.copy(FIXTURE, mini / "seeds" / "episodes.toml")
    return mini


# --- scoring rules by hand ------------------------------------------------------------------


def test_brier_is_the_mean_squared_error():
    # (0.1^2 + 0.2^2 + 0.5^2) / 3 = (0.01 + 0.04 + 0.25) / 3
    assert brier([0.9, 0.2, 0.5], [True, False, True]) == pytest.approx(0.1)
    assert brier([1.0, 0.0], [True, False]) == 0.0
    assert brier([1.0, 0.0], [False, True]) == 1.0


def test_log_loss_is_the_mean_negative_log_likelihood():
    # -(ln 0.9 + ln 0.8) / 2
    assert log_loss([0.9, 0.2], [True, False]) == pytest.approx((0.1053605157 + 0.2231435513) / 2)


def test_log_loss_clips_certain_predictions():
    assert log_loss([1.0, 0.0], [False, True], clip=0.01) == pytest.approx(4.605170186)  # -ln 0.01
    assert log_loss([1.0], [True], clip=0.01) == pytest.approx(0.0100503359)  # -ln 0.99
    assert log_loss([0.0], [True], clip=0.05) == pytest.approx(-math.log(0.05))
    assert math.isfinite(log_loss([0.0, 1.0], [True, False], clip=1e-9))


def test_calibration_bins_count_mean_and_frequency():
    bins = calibration([0.05, 0.15, 0.2, 0.5, 0.95, 1.0], [False, True, True, True, True, False], bins=5)
    assert [b.n for b in bins] == [2, 1, 1, 0, 2]  # 0.2 opens the second bin; 1.0 closes the last
    assert bins[0].mean_p == pytest.approx(0.1) and bins[0].observed == 0.5
    assert bins[1].observed == 1.0
    assert bins[3].mean_p is None and bins[3].observed is None
    assert bins[4].mean_p == pytest.approx(0.975) and bins[4].observed == 0.5
    assert (bins[0].low, bins[4].high) == (0.0, 1.0)


# --- a study whose record is known ----------------------------------------------------------


def _scores(bt, grain):
    return {s.predictor: s for s in bt.record if s.grain == grain}


def test_mini_record_matches_the_hand_count(mini_episodes):
    bt = backtest(load_study(mini_episodes), samples=300, seed=7)
    assert [e.status for e in bt.episodes] == ["scored", "scored", "scored", "not representable"]
    tabled, ratified = _scores(bt, "tabled"), _scores(bt, "ratified")
    chamber, actor = _scores(bt, "chamber"), _scores(bt, "actor")
    # tabled: the model treats all three as tabled; one was shelved.
    assert (tabled["model"].n, tabled["model"].brier, tabled["model"].accuracy) == (3, pytest.approx(1 / 3), pytest.approx(2 / 3))
    # ratified: us, mx for the pilot (both yes), us, mx for the bargain (no, no); the model ratifies in mx.
    assert (ratified["model"].n, ratified["model"].brier) == (4, pytest.approx(0.25))
    assert ratified["nothing_passes"].brier == pytest.approx(0.5)
    assert ratified["executive_only"].accuracy == pytest.approx(0.75)  # only the pilot's Mexican side is executive
    # chambers: all four right.
    assert (chamber["model"].n, chamber["model"].brier, chamber["executive_only"].brier) == (4, 0.0, pytest.approx(0.75))
    # actors: mx_president accepts the bargain but opposed it; four others right.
    assert (actor["model"].n, actor["model"].accuracy, actor["model"].brier) == (5, pytest.approx(0.8), pytest.approx(0.2))
    assert actor["model"].log_loss == pytest.approx((4 * -math.log(0.99) - math.log(0.01)) / 5)
    assert actor["nothing_passes"].accuracy == pytest.approx(0.4)
    bins = {round(b.low, 1): b for b in bt.calibration}
    assert (bins[0.0].n, bins[0.0].observed) == (3, 0.0)
    assert (bins[0.8].n, bins[0.8].observed) == (10, pytest.approx(0.8))


def test_leaving_a_scenario_out_drops_only_its_episodes(mini_episodes):
    study = load_study(mini_episodes)
    full, rest = backtest(study, 200, 3), backtest(study, 200, 3, exclude=["alarm"])
    assert [e.status for e in rest.episodes] == ["scored", "scored", "excluded", "not representable"]
    assert _scores(rest, "tabled")["model"].brier == 0.0
    kept = lambda bt: [(o.episode, o.grain, o.item, o.p) for o in bt.scored() if o.episode != "alarm_bargain_shelved"]  # noqa: E731
    assert kept(full) == kept(rest)


def test_unknown_excluded_scenario_is_an_error(mini_episodes):
    with pytest.raises(Exception, match="unknown scenario 'nowhere'"):
        backtest(load_study(mini_episodes), 10, exclude=["nowhere"])


def test_chamber_counts_per_pattern_equal_a_world_by_world_count():
    """Chamber verdicts run once per distinct pattern of acceptances add up to the verdicts run
    world by world, and `country_verdict` ratifies where the vectorised sampler does."""
    study = load_study(HERE.parent)
    sc = study.scenarios["cir_2006"]
    kernel = compile_kernel(study, sc)
    worlds = evaluate(kernel, draw(kernel, 300, np.random.default_rng(5)))
    p = kernel.proposals.index("enforcement_only")
    pkg = study.package("enforcement_only")
    accepts = worlds.accepts[p]
    counts = chamber_counts(study, sc, pkg, kernel.stakeholders, accepts, ["us_house", "us_senate"])
    halves = [chamber_counts(study, sc, pkg, kernel.stakeholders, part, ["us_house", "us_senate"], seen)
              for seen in [{}] for part in (accepts[:, :150], accepts[:, 150:])]
    assert {ch: halves[0][ch] + halves[1][ch] for ch in counts} == counts  # remembered patterns count alike
    by_world = {"us_house": 0, "us_senate": 0}
    for w in range(accepts.shape[1]):
        verdict = country_verdict(study, sc, pkg, "us", dict(zip(kernel.stakeholders, accepts[:, w].tolist())))
        assert verdict.ratified == bool(worlds.countries[p][0, w])
        for ch in by_world:
            by_world[ch] += verdict.chambers[ch].passed
    assert counts == by_world
    assert 0 < counts["us_house"] < 300  # the House vote is uncertain under the judgments' ranges


def test_distinct_patterns_of_more_blocs_than_one_key_holds_are_counted_exactly():
    """Patterns of acceptance among 100 blocs (three steps of integer keys) are told apart and
    counted as numpy's row-by-row unique counts them."""
    rng = np.random.default_rng(3)
    rows = (rng.random((100, 50)) < 0.5)[:, rng.integers(0, 50, 400)]  # 400 worlds, at most 50 patterns
    rows[10, :7], rows[99, 7:14] = ~rows[10, :7], ~rows[99, 7:14]  # patterns that differ in one bloc alone
    first, counts = _distinct(rows)
    patterns, expected = np.unique(rows, axis=1, return_counts=True)
    assert dict(zip(map(tuple, rows[:, first].T.tolist()), counts)) == dict(zip(map(tuple, patterns.T.tolist()),
                                                                                expected.tolist()))


def test_evidence_shared_with_the_judgments_is_reported(mini_episodes):
    """An episode citing a passage its scenario or the profiles also cite is flagged: memo_attacks
    backs the alarm scenario's shift; memo_moderates the moderates' profile."""
    bt = backtest(load_study(mini_episodes), samples=20)
    shared = {r.episode.id: r.shared for r in bt.episodes}
    assert shared["alarm_bargain_shelved"] == ("memo_attacks",)
    assert "memo_moderates" in shared["pilot_signed"]
    assert shared["old_treaty"] == ()


def test_venues_are_checked_against_the_recorded_instrument(mini_episodes):
    bt = backtest(load_study(mini_episodes), samples=20)
    assert [(v.episode, v.country, v.observed, v.model, v.agrees) for v in bt.venues] == [
        ("pilot_signed", "us", "statute", "statute", True), ("pilot_signed", "mx", "executive", "executive", True),
        ("bargain_blocked", "us", "statute", "statute", True)]


# --- the shipped case -----------------------------------------------------------------------


def test_shipped_case_has_the_episodes_the_issue_names():
    study = load_study(HERE.parent)
    representable = {e.id for e in study.episodes.values() if not e.unrepresentable}
    assert {"bush_fox_talks_2001", "talks_suspended_2002", "border_partnership_2002", "bush_principles_2004",
            "spp_2005", "hr4437_2005", "s2611_2006", "s1639_2007", "transit_filter_2024"} <= representable
    assert len(study.episodes) >= 12
    assert all(e.unrepresentable or e.tabled is not None for e in study.episodes.values())


def test_shipped_record_reports_the_documented_disagreements():
    """The misses docs/case.md documents show up as misses: the 2001 package after 9/11 and
    Mexico's return to the filter role."""
    bt = backtest(load_study(HERE.parent), samples=500)
    by = {(o.episode, o.grain, o.item): o for o in bt.scored()}
    assert by[("talks_suspended_2002", "actor", "us_president")].model is True
    assert by[("transit_filter_2024", "ratified", "mx")].model is False
    assert by[("s2611_2006", "chamber", "us_house")].model is False
    assert by[("s2611_2006", "chamber", "us_senate")].model is True


# --- bad episode files ----------------------------------------------------------------------


def _problems(study: Path) -> list[str]:
    return [f"{p.file}:{p.line}: {p.path}: {p.message}" for p in load_located(study)[2]]


@pytest.mark.parametrize("old, new, expected", [
    ('scenario = "calm"\npackage = { proposal = "pilot_deal" }', 'scenario = "stormy"\npackage = { proposal = "pilot_deal" }',
     "episodes[0].scenario: unknown scenario 'stormy'"),
    ('{ proposal = "pilot_deal" }', '{ proposal = "pilot_dael" }', "episodes[0].package.proposal: unknown proposal 'pilot_dael'"),
    ('legalisation = "none"', 'legalisation = "amnesty"', "episodes[2].package.changes.legalisation: unknown level 'amnesty'"),
    ("[episodes.chambers.us_house]\npassed = true", "[episodes.chambers.us_hose]\npassed = true",
     "episodes[0].chambers.us_hose: unknown chamber 'us_hose'"),
    ("[episodes.actors.senate_bloc]", "[episodes.actors.senate_blok]", "episodes[1].actors.senate_blok: unknown stakeholder"),
    ('evidence = ["memo_cloture"]\n\n[episodes.actors.us_president]', 'evidence = ["memo_clotur"]\n\n[episodes.actors.us_president]',
     "episodes[0].chambers.us_senate.evidence[0]: unknown evidence 'memo_clotur'"),
    ('stance = "supported"\nevidence = ["memo_president"]', 'stance = "cheered"\nevidence = ["memo_president"]',
     "episodes[0].actors.us_president.stance"),
    ('unrepresentable = "No scenario holds 1950."', 'unrepresentable = ""', "give a scenario and a package"),
    ('[episodes.countries.mx]\nventure = "executive"', '', ""),
])
def test_bad_episode_files_are_located_errors(mini_episodes, old, new, expected):
    path = mini_episodes / "seeds" / "episodes.toml"
    text = path.read_text()
    if not expected:  # the no-op row checks that the fixture itself is clean
        assert _problems(mini_episodes) == []
        return
    assert old in text
    path.write_text(text.replace(old, new, 1))
    problems = _problems(mini_episodes)
    assert any(expected in p and p.startswith("seeds/episodes.toml:") for p in problems), problems


def test_changes_without_evidence_are_rejected(mini_episodes):
    path = mini_episodes / "seeds" / "episodes.toml"
    path.write_text(path.read_text().replace(', evidence = ["memo_attacks"] }', " }", 1))
    assert any("changes need evidence" in p for p in _problems(mini_episodes))


def test_changed_package_must_keep_the_level_rules(mini_episodes):
    rules = mini_episodes / "criteria" / "dimensions.toml"
    text = rules.read_text()
    anchor = 'id = "earned"\nlabel = "Earned legalisation"\n'
    assert anchor in text
    rules.write_text(text.replace(anchor, anchor + 'requires = [{ dimension = "border", at_least = "joint" }]\n'))
    assert _problems(mini_episodes) == []  # grand_bargain sets border = joint
    path = mini_episodes / "seeds" / "episodes.toml"
    path.write_text(path.read_text().replace('legalisation = "none"', 'border = "liaison"', 1))
    assert any("episodes[2].package: level 'legalisation.earned' requires 'border'" in p for p in _problems(mini_episodes))


# --- the command ----------------------------------------------------------------------------


def test_backtest_json_from_the_installed_command(mini_episodes):
    out = subprocess.run([str(ACCORD), "backtest", "--study", str(mini_episodes), "-n", "200", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    assert {"samples", "seed", "clip", "excluded_scenarios", "summary", "episodes", "record", "calibration",
            "verdicts", "worst_misses"} <= set(data)
    assert data["samples"] == 200 and data["clip"] == 0.01
    ep = {e["id"]: e for e in data["episodes"]}
    assert ep["old_treaty"]["status"] == "not representable" and ep["old_treaty"]["reason"] == "No scenario holds 1950."
    obs = {(o["grain"], o["item"]): o for o in ep["bargain_blocked"]["observations"]}
    assert obs[("actor", "mx_president")] == {
        "grain": "actor", "item": "mx_president", "observed": False, "model": True, "p": 1.0,
        "baselines": obs[("actor", "mx_president")]["baselines"], "scored": True, "reason": "",
        "evidence": ["memo_mexico"]}
    assert set(obs[("actor", "mx_president")]["baselines"]) == {"nothing_passes", "executive_only", "mean_position"}
    record = {(r["grain"], r["predictor"]): r for r in data["record"]}
    assert record[("actor", "model")]["brier"] == 0.2
    assert {"grain", "n", "beats", "does_not_beat"} == set(data["verdicts"][0])
    assert {"episode": "bargain_blocked", "grain": "actor", "item": "mx_president", "observed": False,
            "p": 1.0} in data["worst_misses"]


def test_backtest_command_excludes_a_scenario_and_rejects_unknown_ones(mini_episodes):
    ok = subprocess.run([str(ACCORD), "backtest", "--study", str(mini_episodes), "-n", "50", "-f", "json",
                         "--exclude-scenario", "alarm"], capture_output=True, text=True)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["excluded_scenarios"] == ["alarm"]
    bad = subprocess.run([str(ACCORD), "backtest", "--study", str(mini_episodes), "-n", "50",
                          "--exclude-scenario", "stormy"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown scenario 'stormy'" in bad.stderr and not bad.stdout


def test_backtest_terminal_says_where_the_model_beats_the_baselines(mini_episodes, run):
    code, out, _ = run("backtest", "--study", mini_episodes, "-n", "50")
    assert code == 0
    flat = " ".join(out.split())
    assert "ratified (n=4): model Brier 0.250; beats nothing_passes (0.500)" in flat
    assert "does NOT beat executive_only (0.250)" in flat  # a tie is not a win
    assert "treats every package as tabled" in out
    assert out == run("backtest", "--study", mini_episodes, "-n", "50")[1]


def test_backtest_on_the_shipped_case_runs_from_the_checkout(run):
    code, out, err = run("backtest", "--study", MINI.parent.parent.parent, "-n", "200", "-f", "json")
    assert code == 0, err
    assert len(json.loads(out)["episodes"]) >= 12
