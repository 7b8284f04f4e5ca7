"""The malformed-input corpus: every case gives a located, one-line error and no traceback."""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import pytest

from conftest import MINI

CORPUS = Path(__file__).parent / "bad_input"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.toml").is_file())


def build(case: str, tmp_path: Path) -> tuple[Path, dict]:
    """The mini study with the case's files laid over it (and its `remove` files deleted)."""
    spec = tomllib.loads((CORPUS / case / "case.toml").read_text())
    study = tmp_path / case
    shutil.copytree(MINI, study)
    for src in (CORPUS / case).rglob("*"):
        if src.is_file() and src.name != "case.toml":
            dest = study / src.relative_to(CORPUS / case)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest)
    for rel in spec.get("remove", []):
        os.remove(study / rel)
    return study, spec


def test_corpus_is_large_enough():
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_the_problem_where_it_is(case, tmp_path, run):
    study, spec = build(case, tmp_path)
    code, out, err = run("validate", "--study", study)
    assert code == 1
    where = spec["file"] + (f":{spec['line']}" if spec.get("line") else "")
    located = [line for line in out.splitlines() if line.startswith(where + ":")]
    assert located, f"no problem reported at {where}:\n{out}"
    assert any(spec["field"] in line and spec["message"] in line for line in located), out
    assert "Traceback" not in out + err


@pytest.mark.parametrize("case", CASES)
def test_other_commands_refuse_a_broken_study_with_exit_2(case, tmp_path, run):
    study, spec = build(case, tmp_path)
    code, out, err = run("rank", "--study", study)
    assert code == 2
    assert spec["file"] in err and spec["message"] in err
    assert "Traceback" not in out + err
    assert out == ""
