"""Evidence tags (`kind:id`) must name items of the study: `validate` reports a dangling tag where
it is, with the ids it could have meant; no number of the model reads a tag, so the other commands
still run."""

from __future__ import annotations

import pytest

NOTE = 'note = "The US president favours a guest-worker scheme and joint border work."\n'
WHERE = "seeds/evidence/memo.toml:7: evidence[0]"

CASES = {
    "stakeholder, close match": ('["dimension:guest_workers", "stakeholder:us_presidnet"]', [
        f"{WHERE}.tags[1]: tag 'stakeholder:us_presidnet' names an unknown stakeholder (expected one of: "
        "house_moderates, house_restrictionists, mx_president, mx_senators, senate_bloc, us_president); "
        "did you mean 'stakeholder:us_president'?"]),
    "dimension, close match": ('["dimension:guestworkers"]', [
        f"{WHERE}.tags[0]: tag 'dimension:guestworkers' names an unknown dimension", "did you mean 'dimension:guest_workers'?"]),
    "scenario, nothing close": ('["scenario:1990s"]', [
        f"{WHERE}.tags[0]: tag 'scenario:1990s' names an unknown scenario (expected one of: alarm, calm)\\n"]),
    "proposal and episode": ('["proposal:grand_bargian", "episode:bracero_1942"]', [
        f"{WHERE}.tags[0]: tag 'proposal:grand_bargian' names an unknown proposal", "did you mean 'proposal:grand_bargain'?",
        f"{WHERE}.tags[1]: tag 'episode:bracero_1942' names an unknown episode (none are defined)"]),
    "chamber and venue": ('["chamber:us_hose", "venue:decree"]', [
        f"{WHERE}.tags[0]: tag 'chamber:us_hose' names an unknown chamber", "did you mean 'chamber:us_house'?",
        f"{WHERE}.tags[1]: tag 'venue:decree' names an unknown venue (expected one of: executive, statute, treaty)"]),
    "unknown kind": ('["stakholder:us_president"]', [
        f"{WHERE}.tags[0]: unknown tag kind in 'stakholder:us_president' (expected one of: stakeholder, dimension"]),
    "marker with an id": ('["number:7"]', [f"{WHERE}.tags[0]: unknown tag kind in 'number:7'"]),
}


def _tagged(mini, tags: str):
    memo = mini / "seeds" / "evidence" / "memo.toml"
    text = memo.read_text()
    assert NOTE in text
    memo.write_text(text.replace(NOTE, NOTE + f"tags = {tags}\n", 1))


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_a_dangling_tag_where_it_is(case, mini, run):
    tags, expected = CASES[case]
    _tagged(mini, tags)
    code, out, err = run("validate", "--study", mini)
    assert code == 1 and "Traceback" not in out + err
    for text in expected:
        assert text.replace("\\n", "\n") in out, out
    assert run("rank", "--study", mini)[0] == 0


def test_tags_that_name_items_and_markers_pass(mini, run):
    _tagged(mini, '["stakeholder:us_president", "dimension:guest_workers", "scenario:calm", "proposal:grand_bargain", '
                  '"chamber:us_house", "venue:statute", "number", "judgment", "conclusion"]')
    code, out, _ = run("validate", "--study", mini)
    assert code == 0, out
