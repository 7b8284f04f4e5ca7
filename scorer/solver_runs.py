"""Solver runs that leave nothing behind: the child process a solver starts (PuLP runs CBC as one)
is stopped, and the temporary files it reads and writes are removed, however the run ends,
including Ctrl-C or SIGINT during the solve."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STOP_WAIT = 5.0  # seconds a child has to stop after SIGTERM before it is killed


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=STOP_WAIT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


@contextmanager
def contained() -> Iterator[Callable[[object], object]]:
    """Within the block, every process started through subprocess.Popen is recorded and stopped
    when the block ends; yields a function that points a PuLP solver's temporary files at a private
    folder, removed when the block ends."""
    folder = tempfile.mkdtemp(prefix="accord-solver-")
    children: list[subprocess.Popen] = []
    original = subprocess.Popen

    class Recorded(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            children.append(self)

    def private(solver: object) -> object:
        if hasattr(solver, "tmpDir"):
            solver.tmpDir = folder
        return solver

    subprocess.Popen = Recorded  # type: ignore[misc]
    try:
        yield private
    finally:
        subprocess.Popen = original  # type: ignore[misc]
        for child in children:
            _stop(child)
        shutil.rmtree(folder, ignore_errors=True)
