"""Properties of the scoring model that hold for any package (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer import load_study
from scorer.models import Study
from scorer.ranking import rank
from scorer.ratification import ratified
from scorer.compiled import compiled
from scorer.scoring import profiles

from conftest import MINI

STUDY = load_study(MINI)
DIMS = list(STUDY.dimensions.values())


packages = st.fixed_dictionaries({d.id: st.sampled_from(d.level_ids) for d in DIMS})


@settings(max_examples=200, deadline=None)
@given(packages, st.sampled_from(["calm", "alarm"]))
def test_moving_toward_a_preferred_level_never_lowers_the_gain(package, scenario):
    base = compiled(STUDY, STUDY.scenarios[scenario]).status_quo
    for sid, profile in profiles(STUDY, STUDY.scenarios[scenario]).items():
        for d, concern in STUDY.stakeholders[sid].concerns.items():
            if concern.preferred is None:
                continue
            ids = STUDY.dimensions[d].level_ids
            here, peak = ids.index(package[d]), ids.index(concern.preferred)
            if here == peak:
                continue
            closer = {**package, d: ids[here + (1 if peak > here else -1)]}
            gain = profile.value(package) - profile.value(base)
            assert profile.value(closer) - profile.value(base) >= gain - 1e-12


@settings(max_examples=300, deadline=None)
@given(packages, st.sets(st.sampled_from(list(STUDY.stakeholders))), st.sampled_from(list(STUDY.stakeholders)))
def test_adding_an_accepting_stakeholder_never_unratifies(package, accepting, newcomer):
    scenario = STUDY.scenarios["calm"]
    before = {s: s in accepting for s in STUDY.stakeholders}
    after = {**before, newcomer: True}
    if ratified(STUDY, scenario, package, ["us", "mx"], before):
        assert ratified(STUDY, scenario, package, ["us", "mx"], after)


def _reordered(study: Study, order: list[int]) -> Study:
    def shuffle(mapping: dict) -> dict:
        items = list(mapping.items())
        return dict(items[i % len(items)] for i in sorted(range(len(items)), key=lambda k: order[k % len(order)]))
    return Study.model_construct(**{**dict(study), "stakeholders": shuffle(study.stakeholders),
                                    "dimensions": shuffle(study.dimensions), "proposals": shuffle(study.proposals)})


@settings(max_examples=50, deadline=None)
@given(st.permutations(list(range(6))), st.sampled_from(["support", "welfare", "maximin", "nash", "topsis"]))
def test_scores_do_not_depend_on_the_order_of_files(order, method):
    expected = [(r.proposal, round(r.score, 9), r.ratified) for r in rank(STUDY, STUDY.scenarios["calm"], method)]
    shuffled = _reordered(STUDY, order)
    got = [(r.proposal, round(r.score, 9), r.ratified) for r in rank(shuffled, shuffled.scenarios["calm"], method)]
    assert got == expected
