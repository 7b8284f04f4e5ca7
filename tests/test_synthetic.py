"""The generated studies the optimiser's tests and benchmarks use."""

from __future__ import annotations

import datetime as dt

from scorer.checks import check_study
from synthetic import synthetic_study


def test_many_proposals_get_distinct_dates_past_the_end_of_february():
    study = synthetic_study(8, 3, 8, seed=1, n_proposals=40)  # raised "day is out of range" from 28 on
    dates = [p.date for pid, p in study.proposals.items() if pid != "status_quo"]
    assert len(dates) == 40 == len(set(dates))
    assert dates[0] == dt.date(2001, 2, 1) and dates[27] == dt.date(2001, 2, 28) and dates[28] == dt.date(2001, 3, 1)
    assert check_study(study, set()) == []


def test_a_dense_study_concerns_every_stakeholder_with_every_dimension():
    study = synthetic_study(10, 4, 20, seed=2, concerns=(10, 10))
    assert all(set(s.concerns) == set(study.dimensions) for s in study.stakeholders.values())
    assert check_study(study, set()) == []
