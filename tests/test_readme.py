"""The README's tour runs: every `$ accord ...` line it shows is run by the installed `accord` on
the shipped case, and must end as a reader expects (0, or 1 where no package exists)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ACCORD = Path(sys.executable).with_name("accord")
COMMANDS = re.findall(r"^\$ (accord .+)$", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.M)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    work = tmp_path_factory.mktemp("tour")
    env = {**os.environ, "COLUMNS": "100"}

    def run(line: str) -> subprocess.CompletedProcess:
        args = shlex.split(line)[1:]
        return subprocess.run([str(ACCORD), *args, "--study", str(ROOT)] if "--study" not in args else
                              [str(ACCORD), *args], cwd=work, env=env, capture_output=True, text=True, timeout=300)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(COMMANDS, pool.map(run, COMMANDS)))


def test_the_readme_shows_a_tour():
    assert len(COMMANDS) >= 8


@pytest.mark.parametrize("line", COMMANDS)
def test_every_command_in_the_readme_runs(line, runs):
    done = runs[line]
    assert done.returncode in (0, 1), f"{line}\n{done.stderr}"
    assert done.stdout.strip() and "Traceback" not in done.stderr
