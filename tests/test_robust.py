"""Sampled worlds (`accord robust`): the vectorised model against scoring.py and ratification.py,
analytic probabilities, convergence, reproducibility, and the command's contract.

The `ranged` fixture is the mini study with a range on nearly every judgment, a House agenda gate,
two multipliers on one dimension, a scenario reservation, and an absent stakeholder."""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scorer import load_study
from scorer.judgments import apply_world
from scorer.ranking import METHODS, rank
from scorer.ratification import coalition
from scorer.robust_reports import robustness_json
from scorer.sampling import compile_kernel, draw, evaluate, ranks, robust, scores

from conftest import HERE, MINI, assert_well_formed

RANGED = HERE / "fixtures" / "ranged"


def write_one(root: Path, salience: float = 0.8, salience_range: tuple[float, float] | None = (0.25, 1.0),
              reservation: float = 0.2) -> Path:
    """A study with one stakeholder who must accept: it weighs dimension a (salience x, prefers
    'hi') against b (salience 0.5, prefers 'lo'); `both_high` sets both high, so its gain is
    (x - 0.5) / (x + 0.5) and it accepts exactly when x >= (0.5 + 0.5 r) / (1 - r)."""
    files = {
        "accord.toml": 'name = "one"\ndefault_scenario = "base"\n',
        "seeds/documents.toml": "documents = []\n",
        "criteria/dimensions.toml": (
            '[[dimensions]]\nid = "a"\nlabel = "A"\nlevels = [{ id = "lo", label = "Low" }, '
            '{ id = "hi", label = "High", authority = { us = "executive" } }]\n\n'
            '[[dimensions]]\nid = "b"\nlabel = "B"\nlevels = [{ id = "lo", label = "Low" }, { id = "hi", label = "High" }]\n'),
        "criteria/institutions.toml": (
            '[countries.us]\nname = "United States"\nvenues.executive = { actors = ["president"] }\n'
            'venues.statute = { actors = ["president"] }\nvenues.treaty = { actors = ["president"] }\n'),
        "criteria/stakeholders/president.toml": (
            f'id = "president"\nname = "President"\ncountry = "us"\nkind = "executive"\ninfluence = 1.0\n'
            f'reservation = {reservation}\n\n[concerns.a]\nsalience = {salience}\n'
            + (f"salience_range = [{salience_range[0]}, {salience_range[1]}]\n" if salience_range else "")
            + 'preferred = "hi"\n\n[concerns.b]\nsalience = 0.5\npreferred = "lo"\n'),
        "criteria/scenarios/base.toml": 'id = "base"\nlabel = "Base"\nyear = 2001\n',
        "proposals/both_high.toml": (
            'id = "both_high"\ntitle = "Both high"\nsponsor = "president"\ndate = 2001-01-01\nsummary = "Both high."\n'
            'countries = ["us"]\n[[pillars]]\nname = "All"\nprovisions = { a = "hi", b = "hi" }\n'),
        "proposals/status_quo.toml": (
            'id = "status_quo"\ntitle = "Status quo"\nsponsor = "president"\ndate = 2001-01-01\n'
            'summary = "Nothing changes."\ncountries = ["us"]\n'),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def odds(result, proposal: str):
    return next(o for o in result.odds if o.proposal == proposal)


def _agree(study, scenario, kernel, draws) -> None:
    """Every verdict of the vectorised model equals the scoring code's in every world."""
    worlds = evaluate(kernel, draws, roles=True)
    method_scores = {m: scores(kernel, worlds, m) for m in METHODS}
    for n in range(draws.shape[1]):
        s2, sc2 = apply_world(study, scenario, dict(zip(kernel.judgments, draws[:, n])))
        for p, pid in enumerate(kernel.proposals):
            c = coalition(s2, sc2, s2.package(pid), s2.proposals[pid].countries)
            assert bool(worlds.ratified[p, n]) == c.ratified, (pid, n)
            assert [c.countries[k].ratified for k in c.countries] == list(worlds.countries[p][:, n])
            for i, sid in enumerate(kernel.stakeholders):
                assert bool(worlds.blocking[p, i, n]) == (sid in c.blocking), (pid, sid, n)
                if sid in c.stances:
                    assert worlds.gains[i, p, n] == pytest.approx(c.stances[sid].gain, abs=1e-12)
                    assert bool(worlds.accepts[p, i, n]) == c.stances[sid].accepts, (pid, sid, n)
                    assert bool(worlds.pivotal[p, i, n]) == (sid in c.pivotal), (pid, sid, n)
                else:
                    assert not worlds.accepts[p, i, n]
        for method, score in method_scores.items():
            for ignore in (False, True):
                by_id = {row.proposal: row for row in rank(s2, sc2, method, ignore)}
                vector_ranks = ranks(worlds.ratified[:, n:n + 1], score[:, n:n + 1], ignore)[:, 0]
                for p, pid in enumerate(kernel.proposals):
                    assert score[p, n] == pytest.approx(by_id[pid].score, abs=1e-9), (method, pid)
                    assert vector_ranks[p] == by_id[pid].rank, (method, ignore, pid)


@pytest.mark.parametrize("folder", [MINI, RANGED], ids=["mini", "ranged"])
def test_vectorised_model_agrees_with_the_scoring_code_at_the_point_values(folder):
    study = load_study(folder)
    for scenario in study.scenarios.values():
        kernel = compile_kernel(study, scenario)
        _agree(study, scenario, kernel, kernel.point[:, None])


@pytest.mark.parametrize("distribution", ["uniform", "triangular"])
def test_vectorised_model_agrees_with_the_scoring_code_in_sampled_worlds(distribution):
    """An independent oracle: each sampled world is written back into the study's models and
    scored by scoring.py, ratification.py and ranking.py one at a time."""
    study = load_study(RANGED)
    rng = np.random.default_rng(7)
    for scenario in study.scenarios.values():
        kernel = compile_kernel(study, scenario)
        assert len(kernel.judgments) > 20
        _agree(study, scenario, kernel, draw(kernel, 12, rng, distribution))


def test_every_kind_of_judgment_is_sampled_in_the_ranged_fixture():
    study = load_study(RANGED)
    kinds = {j.kind for j in compile_kernel(study, study.scenario("alarm")).judgments}
    assert kinds == {"salience", "multiplier", "value", "reservation"}


def test_a_known_flip_point_gives_the_analytic_probability(tmp_path):
    """Reservation 0.2: accepts when x >= 0.75. x uniform on [0.25, 1]: P = 0.25 / 0.75 = 1/3.
    Triangular peaking at 0.8: P = 1 - 0.5^2 / (0.75 * 0.55) = 0.39394."""
    study = load_study(write_one(tmp_path))
    n = 40_000
    for dist, expected in (("uniform", 1 / 3), ("triangular", 1 - 0.25 / (0.75 * 0.55))):
        p = odds(robust(study, study.scenario(), n, distribution=dist), "both_high").ratified / n
        assert abs(p - expected) < 4 * math.sqrt(expected * (1 - expected) / n), dist


def test_a_symmetric_range_around_the_flip_point_gives_one_half(tmp_path):
    """Reservation 0: accepts when x >= 0.5, the middle of [0, 1]; under either distribution."""
    study = load_study(write_one(tmp_path, salience=0.5, salience_range=(0.0, 1.0), reservation=0.0))
    n = 40_000
    for dist in ("uniform", "triangular"):
        result = robust(study, study.scenario(), n, distribution=dist)
        p = odds(result, "both_high").ratified / n
        assert abs(p - 0.5) < 4 * math.sqrt(0.25 / n), dist
        assert odds(result, "both_high").pivotal["president"] == n


def test_estimates_converge_as_samples_grow(tmp_path):
    study = load_study(write_one(tmp_path))
    errors = []
    for n in (1_000, 10_000, 100_000):
        p = odds(robust(study, study.scenario(), n, seed=11), "both_high").ratified / n
        errors.append(abs(p - 1 / 3))
        assert errors[-1] < 4 * math.sqrt((1 / 3) * (2 / 3) / n)
    assert errors[-1] < 0.006


def test_without_ranges_every_world_is_the_point_reading(tmp_path):
    study = load_study(write_one(tmp_path, salience_range=None))
    result = robust(study, study.scenario(), 500)
    assert result.judgments == ()
    for o in result.odds:
        assert o.ratified == (500 if o.ratified_at_point else 0)
        assert o.rank_counts[o.rank_at_point - 1] == 500


def test_the_same_seed_gives_the_same_json_whatever_the_chunk_size():
    study = load_study(RANGED)
    scenario = study.scenario("alarm")
    one = json.dumps(robustness_json(robust(study, scenario, 3000, seed=5)))
    assert one == json.dumps(robustness_json(robust(study, scenario, 3000, seed=5, chunk=7)))
    assert one == json.dumps(robustness_json(robust(study, scenario, 3000, seed=5, chunk=1000)))
    assert one != json.dumps(robustness_json(robust(study, scenario, 3000, seed=6)))


def test_shares_are_consistent():
    """Every proposal's ranks add up to the samples; a proposal's ratification share is at most
    its share in any one country; someone blocks wherever it fails."""
    study = load_study(RANGED)
    n = 2000
    result = robust(study, study.scenario("alarm"), n)
    for o in result.odds:
        assert sum(o.rank_counts) == n
        assert all(o.ratified <= c for c in o.countries.values())
        if o.ratified < n:
            assert max(o.blocking.values()) > 0
    assert "us_unions" not in odds(result, "pilot_deal").accepts  # absent, and blocks nothing


# --- the command ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "csv", "json", "html", "latex"])
def test_robust_speaks_every_format_deterministically(fmt, run):
    args = ("robust", "--study", RANGED, "--scenario", "alarm", "--samples", "500", "--format", fmt)
    code, out, err = run(*args)
    assert code == 0, err
    assert_well_formed(fmt, out)
    assert out == run(*args)[1]
    assert err == ""  # no progress bar when standard error is not a terminal


def test_robust_json_contract(run):
    code, out, _ = run("robust", "--study", RANGED, "-n", "800", "--seed", "3", "--dist", "triangular",
                       "--method", "welfare", "-f", "json")
    data = json.loads(out)
    assert {k: data[k] for k in ("scenario", "method", "samples", "seed", "distribution")} == {
        "scenario": "calm", "method": "welfare", "samples": 800, "seed": 3, "distribution": "triangular"}
    assert {"id", "kind", "point", "low", "high"} <= set(data["judgments"][0])
    row = data["proposals"][0]
    assert {"proposal", "ratified_at_point", "rank_at_point", "p_ratified", "p_ratified_se", "p_first",
            "mean_rank", "ranks", "countries", "stakeholders"} <= set(row)
    assert sum(row["ranks"]) == pytest.approx(1.0, abs=1e-5)
    assert {"id", "p_accepts", "p_pivotal", "p_blocking"} == set(row["stakeholders"][0])
    shares = [p["p_ratified"] for p in data["proposals"]]
    assert shares == sorted(shares, reverse=True)


def test_robust_writes_a_file(tmp_path, run):
    target = tmp_path / "robust.md"
    code, out, err = run("robust", "--study", MINI, "-n", "300", "-f", "markdown", "-o", target)
    assert code == 0 and out == ""
    assert "| proposal" in target.read_text()


@pytest.mark.parametrize("args, message", [
    (("--samples", "0"), "--samples"),
    (("--dist", "normal"), "--dist"),
    (("--method", "borda"), "unknown method 'borda'"),
    (("--scenario", "nope"), "unknown scenario 'nope'"),
])
def test_robust_bad_arguments_exit_2(args, message, run):
    code, out, err = run("robust", "--study", MINI, *args)
    assert code == 2 and message in err


def test_brief_reports_robustness(run):
    code, out, err = run("brief", "--study", MINI, "-f", "json")
    assert code == 0, err
    rows = json.loads(out)["robustness"]
    assert {r["proposal"] for r in rows} == {"grand_bargain", "pilot_deal", "status_quo"}
    assert {"p_ratified", "p_first", "decisive", "ratified_at_point"} <= set(rows[0])


def test_the_scoring_commands_never_load_numpy():
    """numpy loads only where worlds are sampled (`accord robust`, `brief`), never at start-up."""
    code = ("import sys; from cli.main import main; main(['rank', '--study', sys.argv[1]]); "
            "print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(MINI)], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


def test_progress_bar_only_on_a_terminal_and_long_runs(monkeypatch):
    from cli.common import progress
    from cli.robust_commands import PROGRESS_FROM

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress(PROGRESS_FROM, "x", PROGRESS_FROM) as tick:
        assert tick is None
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress(PROGRESS_FROM - 1, "x", PROGRESS_FROM) as tick:
        assert tick is None
    with progress(PROGRESS_FROM, "sampling", PROGRESS_FROM) as tick:
        tick(PROGRESS_FROM)
    assert "sampling" in screen.getvalue()


def test_sampling_without_roles_gives_the_same_odds_and_the_report_refuses_it():
    """The brief samples without counting who is pivotal or blocking; the odds it reads must not
    change, and `accord robust`'s report needs the counts."""
    study = load_study(RANGED)
    scenario = study.scenario("alarm")
    full, plain = robust(study, scenario, 1500, seed=3), robust(study, scenario, 1500, seed=3, roles=False)
    assert [(o.proposal, o.ratified, o.first, o.rank_counts, o.countries, o.accepts) for o in full.odds] == \
        [(o.proposal, o.ratified, o.first, o.rank_counts, o.countries, o.accepts) for o in plain.odds]
    assert all(o.pivotal is None and o.blocking is None for o in plain.odds)
    with pytest.raises(ValueError, match="roles=True"):
        robustness_json(plain)


@pytest.mark.parametrize("where", ["ranged", "generated"])
def test_packages_counted_on_the_same_worlds_get_the_count_of_their_own_sample(where):
    """The brief counts its best package on the worlds the ranking drew (`also`): as many of them
    ratify a package as of the same seed's worlds drawn for the packages alone, whatever the chunk
    size, and as the ranking counts for the proposal it is; and the ranking's odds do not change."""
    from scorer.sampling import ratified_counts
    from scorer.scoring import resolve_proposal
    from synthetic import synthetic_study

    study = load_study(RANGED) if where == "ranged" else synthetic_study(
        8, 3, 14, seed=3, seat_ranges=True, no_deal=True, interactions=True, agenda=True, delivery=True, regard=True)
    seen = set()
    for scenario in study.scenarios.values():
        also = {f"again {p}": (resolve_proposal(study, p, scenario), tuple(study.proposals[p].countries))
                for p in study.proposals}
        alone = ratified_counts(compile_kernel(study, scenario, also), 1200, np.random.default_rng(4))[0]
        for chunk in (None, 300):
            plain = robust(study, scenario, 1200, seed=4, roles=False, chunk=chunk)
            counted = robust(study, scenario, 1200, seed=4, roles=False, chunk=chunk, also=also)
            assert counted.also == {p: int(x) for p, x in zip(also, alone)}
            assert counted.also == {f"again {o.proposal}": o.ratified for o in plain.odds}
            assert counted.odds == plain.odds and plain.also == {}
            seen |= set(counted.also.values())
    assert any(0 < x < 1200 for x in seen)  # a package ratified in some worlds and not in others
