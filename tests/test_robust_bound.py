"""The benchmark's numpy bound for `accord robust` (bench/robust_bound.py) counts exactly what the
sampler counts from the same stream: ratifications, and who is pivotal and who blocks. Otherwise
timing the two side by side would compare different arithmetic."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from scorer import load_study
from scorer.sampling import compile_kernel, robust

from conftest import HERE

sys.path.insert(0, str(HERE.parent / "bench"))
import robust_bound  # noqa: E402

# The shipped case has ranged seat shares, an agenda setter and a credence; `ranged` an absent
# stakeholder and a House agenda gate; `terms` non-additive terms; `two_red_lines` conditional lines.
STUDIES = [(HERE.parent, None), (HERE.parent, "cir_2006"), (HERE / "fixtures" / "ranged", "alarm"),
           (HERE / "fixtures" / "ranged", "split"), (HERE / "fixtures" / "terms", None),
           (HERE / "fixtures" / "two_red_lines", None)]


@pytest.mark.parametrize("folder, scenario_id", STUDIES, ids=lambda x: getattr(x, "name", x))
def test_the_numpy_bound_counts_what_robust_counts(folder, scenario_id):
    study = load_study(folder, cache=False)
    scenario = study.scenario(scenario_id)
    kernel = compile_kernel(study, scenario)
    result = robust(study, scenario, 1500, seed=9)
    ratified, pivotal, blocking = robust_bound.counts(kernel, 1500, seed=9)
    expected = robust_bound.robust_counts(kernel, result)
    assert np.array_equal(ratified, expected[0])
    assert np.array_equal(pivotal, expected[1]) and np.array_equal(blocking, expected[2])
    assert np.array_equal(robust_bound.ratified_counts(kernel, 1500, seed=9), ratified)


def test_the_bound_is_not_trivially_equal():
    """The shipped case's counts vary across proposals and stakeholders: the comparison can fail."""
    study = load_study(HERE.parent, cache=False)
    kernel = compile_kernel(study, study.scenario())
    ratified, pivotal, blocking = robust_bound.counts(kernel, 1500, seed=9)
    assert len(set(ratified.tolist())) > 2 and 0 < ratified.sum() < 1500 * len(ratified)
    assert pivotal.any() and not pivotal.all() and blocking.any() and not blocking.all()
