"""`validate`: every check on a study, optionally against the source texts."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Problem, StudyError
from .loading import load_located
from .sources import check_sources


def validate_study(path: str | os.PathLike | None = None, sources: str | os.PathLike | None = None) -> list[Problem]:
    """All problems found in the study (empty when it is valid)."""
    try:
        study, locator, problems = load_located(path)
    except StudyError as err:
        return err.problems
    if sources is not None and not problems:
        folder = Path(sources)
        if not folder.is_dir():
            return [Problem(str(folder), None, "", "sources folder not found")]
        problems = sorted(check_sources(study, locator, folder), key=Problem.sort_key)
    return problems
