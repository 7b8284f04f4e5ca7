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
    """The mini study with the case's `remove` files or folders deleted, the case's files laid over
    it, and the special files its spec asks for: `folders`, `fifos`, `links` (path -> target) and
    `large` (path -> size in bytes, so big files need not live in the repository)."""
    spec = tomllib.loads((CORPUS / case / "case.toml").read_text())
    study = tmp_path / case
    shutil.copytree(MINI, study)
    for rel in spec.get("remove", []):
        (shutil.rmtree if (study / rel).is_dir() else os.remove)(study / rel)
    for src in (CORPUS / case).rglob("*"):
        if src.is_file() and src.name != "case.toml":
            dest = study / src.relative_to(CORPUS / case)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest)
    for rel in spec.get("folders", []):
        (study / rel).mkdir(parents=True)
    for rel in spec.get("fifos", []):
        os.mkfifo(study / rel)
    for rel, target in spec.get("links", {}).items():
        os.symlink(target, study / rel)
    for rel, size in spec.get("large", {}).items():
        (study / rel).write_text("# padding\n" * (size // 10))
    return study, spec


def expected(spec: dict) -> list[dict]:
    """Every problem the case must report: the main one and those listed under `also`."""
    return [spec, *spec.get("also", [])]


def test_corpus_is_large_enough():
    assert len(CASES) >= 64


@pytest.mark.parametrize("case", CASES)
def test_validate_reports_the_problem_where_it_is(case, tmp_path, run):
    study, spec = build(case, tmp_path)
    code, out, err = run("validate", "--study", study)
    assert code == 1
    for problem in expected(spec):
        where = problem["file"] + (f":{problem['line']}" if problem.get("line") else "")
        located = [line for line in out.splitlines() if line.startswith(where + ":")]
        assert located, f"no problem reported at {where}:\n{out}"
        assert any(f": {problem['field']}: " in line and problem["message"] in line for line in located), out
    assert "Traceback" not in out + err


@pytest.mark.parametrize("case", CASES)
def test_other_commands_refuse_a_broken_study_with_exit_2(case, tmp_path, run):
    study, spec = build(case, tmp_path)
    code, out, err = run("rank", "--study", study)
    assert code == 2
    assert all(p["file"] in err and p["message"] in err for p in expected(spec))
    assert "Traceback" not in out + err
    assert out == ""
