"""Entry point: runs the Typer app and turns library errors into messages and exit codes
(0 ok, 1 a check found problems or no package exists, 2 bad input or usage, 3 internal error)."""

from __future__ import annotations

import sys

import typer

from scorer.errors import AccordError, StudyError

from . import diff_commands, optimize_commands, robust_commands, score_commands, study_commands  # noqa: F401  (they register their commands)
from .app import app


def readable_metavars(command) -> None:
    """Name every argument and option value in help by what it is (PROPOSAL, not `<str>`):
    arguments by their name in capitals, options without a metavar by their type."""
    for param in command.params:
        if param.param_type_name == "argument":
            param.metavar = param.metavar or param.name.upper()
            # Typer >= 0.16 adds the Python type after the name (`PROPOSAL <str>`): the name says it.
            param.display_type_rich = lambda ctx=None: None
        elif param.metavar is None and param.param_type_name == "option" and not getattr(param, "is_flag", False):
            param.metavar = param.name.upper()
    for sub in getattr(command, "commands", {}).values():
        readable_metavars(sub)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become one-line messages, never tracebacks."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        command = typer.main.get_command(app)
        readable_metavars(command)
        command(args=[a for a in args if a != "--debug"], prog_name="accord")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    except StudyError as err:
        for problem in err.problems:
            typer.echo(str(problem), err=True)
        typer.echo(f"error: the study has {len(err.problems)} problem(s); fix them (accord validate lists them)",
                   err=True)
        return 2
    except (AccordError, OSError) as err:
        if debug:
            raise
        typer.echo(f"error: {err}", err=True)
        return 2
    except Exception as err:  # a bug: say so plainly, keep the traceback for --debug
        if debug:
            raise
        typer.echo(f"internal error: {type(err).__name__}: {err} (run again with --debug for a traceback)", err=True)
        return 3
    return 0


def run() -> None:
    sys.exit(main())
