"""`validate`: every check on a study, the evidence tags included, optionally against the source texts."""

from __future__ import annotations

import os
from pathlib import Path

from .checks import tag_findings
from .errors import Problem, StudyError
from .loading import load_located
from .sources import check_sources


def validate_study(path: str | os.PathLike | None = None, sources: str | os.PathLike | None = None) -> list[Problem]:
    """All problems found in the study (empty when it is valid)."""
    try:
        study, locator, problems = load_located(path)
    except StudyError as err:
        return err.problems
    if problems:
        return problems
    problems = [locator.problem(*finding) for finding in tag_findings(study)]
    if sources is not None:
        folder = Path(sources)
        if not folder.is_dir():
            return [Problem(str(folder), None, "", "sources folder not found")]
        problems += check_sources(study, locator, folder)
    return sorted(problems, key=Problem.sort_key)
