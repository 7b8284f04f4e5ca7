"""accord's library: load a study, check it, score proposals, find packages that can pass.

Notebooks use these functions directly; the `accord` command line only calls them."""

from .errors import AccordError, Problem, StudyError
from .loading import find_study, load_study, shipped_case
from .models import Study
from .validation import validate_study

__all__ = ["AccordError", "Problem", "Study", "StudyError", "find_study", "load_study", "shipped_case",
           "validate_study"]
