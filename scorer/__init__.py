"""accord's library: load a study, check it, score proposals, find packages that can pass.

Notebooks use these names directly; the `accord` command line only calls them:

    import scorer
    study = scorer.load_study()                      # the shipped case
    sc = study.scenario("post911_2002")
    scorer.rank(study, sc)                           # ranking rows, best first
    scorer.coalition(study, sc, study.package("whole_enchilada"), ["us", "mx"])
    scorer.optimize(study, sc)                       # PuLP loads on first use
    scorer.robust(study, sc, 2000)                   # numpy loads on first use

Every name is imported on first use (PEP 562), so a notebook or command that only scores never
loads PuLP or numpy, and a command loads only the modules it uses."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.2.0"  # accord's version, stated once (pyproject.toml reads it from here)

# name -> module holding it, imported on first access, so that importing one submodule (the CLI
# imports `scorer.loading`, say) does not load the rest
_LAZY = {
    "AccordError": "errors", "Problem": "errors", "StudyError": "errors",
    "CompiledStudy": "compiled", "compile_study": "compiled",
    "Limits": "limits", "Objective": "limits",
    "find_study": "loading", "load_study": "loading", "shipped_case": "loading",
    "Study": "models", "validate_study": "validation",
    "assess": "ranking", "assess_all": "ranking", "rank": "ranking", "coalition": "ratification",
    "compare": "analysis", "explain": "analysis", "whatif": "analysis",
    "optimize": "search", "unlock": "concessions", "frontier": "pareto", "robust_optimize": "robust_search",
    "robust": "sampling", "sensitivity": "stability",
}

if TYPE_CHECKING:  # for editors and type checkers; at run time these load on first use
    from .analysis import compare, explain, whatif
    from .compiled import CompiledStudy, compile_study
    from .concessions import unlock
    from .errors import AccordError, Problem, StudyError
    from .limits import Limits, Objective
    from .loading import find_study, load_study, shipped_case
    from .models import Study
    from .pareto import frontier
    from .ranking import assess, assess_all, rank
    from .ratification import coalition
    from .robust_search import robust_optimize
    from .sampling import robust
    from .search import optimize
    from .stability import sensitivity
    from .validation import validate_study


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'scorer' has no attribute '{name}'")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["AccordError", "CompiledStudy", "Limits", "Objective", "Problem", "Study", "StudyError", "assess",
           "assess_all", "coalition", "compare", "compile_study", "explain", "find_study", "frontier", "load_study",
           "optimize", "rank", "robust", "robust_optimize", "sensitivity", "shipped_case", "unlock",
           "validate_study", "whatif"]
