"""Loading, discovery, round trip, init and schema export."""

from __future__ import annotations

import json

import pytest

from scorer import find_study, load_study, shipped_case, validate_study
from scorer.catalogue import init_study, schemas
from scorer.errors import AccordError
from scorer.models import Study
from scorer.toml_lines import LineIndex

from conftest import MINI, SOURCES


def test_mini_study_is_valid_against_its_sources():
    assert validate_study(MINI, SOURCES) == []


def test_round_trip_through_json_gives_the_same_models():
    study = load_study(MINI)
    again = Study.model_validate_json(study.model_dump_json())
    assert again == study


def test_study_is_found_from_a_subdirectory(mini):
    assert find_study(start=mini / "criteria" / "stakeholders") == mini


def test_outside_any_study_the_shipped_case_is_used(tmp_path):
    assert find_study(start=tmp_path) == shipped_case()
    assert (shipped_case() / "accord.toml").is_file()


def test_explicit_study_wins_over_discovery(mini, tmp_path):
    assert find_study(mini, start=tmp_path) == mini


def test_init_copies_a_valid_study_and_refuses_to_overwrite(tmp_path):
    target = init_study(tmp_path / "new")
    assert (target / "accord.toml").is_file()
    assert validate_study(target) == validate_study(shipped_case())
    with pytest.raises(AccordError, match="already exists"):
        init_study(target)


def test_the_shipped_case_is_valid_every_evidence_tag_included():
    """Every `stakeholder:`, `dimension:`, `scenario:` ... tag of an evidence record names an item
    the case defines (the check reports dangling tags; tests/test_evidence_tags.py holds its cases)."""
    assert validate_study(shipped_case()) == []


def test_init_cli_refuses_to_overwrite(tmp_path, run):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    code, out, err = run("init", tmp_path / "taken")
    assert code == 2 and "already exists" in err
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"


def test_schema_export_covers_every_file_kind(tmp_path, run):
    kinds = schemas()
    assert set(kinds) == {"manifest", "documents", "evidence", "table", "dimensions", "institutions",
                          "stakeholder", "scenario", "proposal", "episodes"}
    assert "concerns" in kinds["stakeholder"]["properties"]
    code, out, err = run("schema", "--out", tmp_path / "schemas")
    assert code == 0
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == sorted(f"{k}.schema.json" for k in kinds)
    assert json.loads((tmp_path / "schemas" / "proposal.schema.json").read_text())["title"] == "Proposal"


def test_line_index_follows_tables_arrays_and_keys():
    text = '\n'.join(['id = "p"', '', '[[pillars]]', 'name = "A"', '[pillars.provisions]', 'x = "a"',
                      '[[pillars]]', 'name = "B"', 'provisions = { y = { level = "b" } }',
                      'note = """', 'two', 'lines"""', 'after = 1'])
    index = LineIndex(text)
    assert index.line_of(("id",)) == 1
    assert index.line_of(("pillars", 0, "provisions", "x", "level")) == 6
    assert index.line_of(("pillars", 1, "name")) == 8
    assert index.line_of(("pillars", 1, "provisions", "y", "level")) == 9
    assert index.line_of(("pillars", 1, "after")) == 13


def test_sources_check_finds_a_misplaced_anchor_and_a_wrong_hash(mini, tmp_path):
    memo = mini / "seeds" / "evidence" / "memo.toml"
    memo.write_text(memo.read_text().replace("line = 6\n", "line = 2\n"))
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "mini.txt").write_text((SOURCES / "mini.txt").read_text() + "one more line\n")
    problems = [str(p) for p in validate_study(mini, sources)]
    assert any("seeds/documents.toml:" in p and "sha256" in p for p in problems)
    assert any("evidence[4].anchor" in p and "not found at line 2" in p and "the anchor is at line 6" in p
               for p in problems)


def test_sources_check_wants_the_anchor_on_exactly_its_line(mini):
    memo = mini / "seeds" / "evidence" / "memo.toml"
    memo.write_text(memo.read_text().replace("line = 6\n", "line = 7\n"))
    problems = [str(p) for p in validate_study(mini, SOURCES)]
    assert len(problems) == 1 and "evidence[4].anchor" in problems[0] and "the anchor is at line 6" in problems[0]


def test_validate_with_missing_sources_folder(run, tmp_path):
    code, out, err = run("validate", "--study", MINI, "--sources", tmp_path / "nowhere")
    assert code == 1 and "sources folder not found" in out
