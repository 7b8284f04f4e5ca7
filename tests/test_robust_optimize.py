"""`accord optimize --robust N`: the sample-average programme against exhaustive enumeration of
every package, each scored world by world by scoring.py and ratification.py."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from scorer import load_study
from scorer.checks import rule_violations
from scorer.judgments import DEFAULT_SEED, apply_world
from scorer.limits import Limits, Objective, resolve_limits
from scorer.ratification import coalition
from scorer.robust_search import robust_optimize, signers
from scorer.sampling import compile_kernel, draw

from conftest import MINI, assert_well_formed
from test_robust import RANGED


def _deals(study, scenario, limits, worlds):
    """Per package allowed by the level rules, the number of worlds where it is ratified and every
    government accepts, by the scoring code (one world at a time)."""
    limits = resolve_limits(study, limits)
    kernel = compile_kernel(study, scenario)
    draws = draw(kernel, worlds, np.random.default_rng(DEFAULT_SEED))
    governments = signers(study, limits)
    studies = [apply_world(study, scenario, dict(zip(kernel.judgments, draws[:, n]))) for n in range(worlds)]
    dims = list(study.dimensions.values())
    out = {}
    for levels in itertools.product(*(d.level_ids for d in dims)):
        package = dict(zip((d.id for d in dims), levels))
        if any(rule_violations(study, package)):
            continue
        count = 0
        for s2, sc2 in studies:
            c = coalition(s2, sc2, package, limits.countries)
            count += c.ratified and all(g in c.stances and c.stances[g].accepts for g in governments)
        out[tuple(levels)] = count
    return out


@pytest.mark.parametrize("folder, scenario", [(MINI, "alarm"), (RANGED, "calm"), (RANGED, "alarm"),
                                              (RANGED, "split")])
def test_the_robust_package_is_a_deal_in_as_many_worlds_as_the_best_by_enumeration(folder, scenario):
    study = load_study(folder)
    sc = study.scenario(scenario)
    worlds = 40
    result = robust_optimize(study, sc, worlds, fresh_worlds=500)
    deals = _deals(study, sc, Limits(), worlds)
    best = max(deals.values())
    assert result.status == "optimal"
    assert result.robust.in_sample == best
    assert deals[tuple(result.robust.package.values())] == best
    assert result.plain.in_sample == deals[tuple(result.plain.package.values())] <= best


def test_solvers_agree_and_the_json_is_stable(run):
    args = ("optimize", "--robust", "30", "--study", RANGED, "-s", "alarm", "-f", "json")
    highs = json.loads(run(*args, "--solver", "highs")[1])
    cbc = json.loads(run(*args, "--solver", "cbc")[1])
    assert highs["robust"]["in_sample"] == cbc["robust"]["in_sample"]
    assert {"status", "scenario", "solver", "worlds", "fresh_worlds", "seed", "distribution", "signers",
            "robust", "plain"} <= set(highs)
    assert highs["signers"] == ["us_president", "mx_president"]
    assert {"package", "changes", "ratified_at_point", "signed_at_point", "in_sample", "out_of_sample",
            "out_of_sample_se", "out_of_sample_ratified"} <= set(highs["robust"])
    assert highs["plain"]["objective_name"] == "maximin"
    assert highs == json.loads(run(*args, "--solver", "highs")[1])


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "csv", "html", "latex"])
def test_optimize_robust_speaks_every_format(fmt, run):
    code, out, err = run("optimize", "--robust", "10", "--study", MINI, "--format", fmt)
    assert code == 0, err
    assert_well_formed(fmt, out)
    assert "robust" in out


def test_limits_hold_for_the_robust_package():
    study = load_study(RANGED)
    limits = Limits(forbid=(("guest_workers", "pilot"),))
    result = robust_optimize(study, study.scenario("alarm"), 20, Objective("welfare"), limits, fresh_worlds=200)
    assert result.robust.package["guest_workers"] != "pilot"
    assert result.plain is None or result.plain.package["guest_workers"] != "pilot"
