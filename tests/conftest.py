"""Shared fixtures: the small mini study on disk and a way to run the CLI in-process."""

from __future__ import annotations

import compileall
import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from cli.main import main

# Property tests replay the same examples on every run, so CI is deterministic; search afresh with
# `pytest --hypothesis-profile=explore` (and add what it finds as a regression test).
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("ci")

HERE = Path(__file__).parent
MINI = HERE / "fixtures" / "mini"
SOURCES = HERE / "fixtures" / "sources"


# The study cache (scorer.study_cache) goes to a folder of this session's own, never the user's: set
# before any test module loads a study at import, and inherited by the CLI run as a subprocess.
STUDY_CACHE = tempfile.mkdtemp(prefix="accord-tests-")
os.environ["XDG_CACHE_HOME"] = STUDY_CACHE


# accord's modules compiled to bytecode, as pip compiles an installed wheel's: under PYTHONDONTWRITEBYTECODE
# an editable install never stores them, and each of the hundreds of `accord` processes the tests run
# would compile its sources afresh (20-40 ms each). Modules already compiled and unchanged are skipped.
for package in ("scorer", "cli"):
    compileall.compile_dir(HERE.parent / package, quiet=1, maxlevels=0)


def pytest_unconfigure(config) -> None:
    shutil.rmtree(STUDY_CACHE, ignore_errors=True)


# The files that take longest (seconds of CPU or of waiting on a browser), slowest first. The workers
# (pyproject.toml) take files in collection order: started first, these cannot be left running alone
# at the end while the other cores idle. A file not named keeps its place after them.
SLOWEST_FIRST = ("test_contract.py", "test_brief.py", "test_conventions.py", "test_frontier_summary.py",
                 "test_optimize.py", "test_mechanisms_together.py", "test_sensitivity.py", "test_hostile.py",
                 "test_seat_ranges.py", "test_reversion.py", "test_readme.py", "test_two_red_lines.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    place = {name: i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: place.get(item.path.name, len(place)))  # stable: a file's tests stay in order


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh, editable copy of the mini study."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target


@pytest.fixture
def run(capfd, monkeypatch):
    """Run `accord ARGS...` in-process; returns (exit code, stdout, stderr). Captured at the file
    descriptors, not just sys.stdout, so whatever a solver's C code prints there is seen too."""
    monkeypatch.setenv("COLUMNS", "200")

    def _run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        code = main([str(a) for a in args])
        out, err = capfd.readouterr()
        return code, out, err

    return _run


def assert_well_formed(fmt: str, out: str) -> None:
    """The output parses as the format it claims to be."""
    if fmt == "json":
        json.loads(out)
    elif fmt == "csv":
        assert len(list(csv.reader(io.StringIO(out)))) >= 2
    elif fmt == "html":
        assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    elif fmt == "markdown":
        assert "|" in out
    elif fmt == "latex":
        assert "\\begin{" in out
    else:
        assert out.strip()
