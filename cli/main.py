"""Entry point: runs the Typer app and turns library errors into messages and exit codes
(0 ok, 1 a check found problems or no package exists, 2 bad input or usage, 3 internal error)."""

from __future__ import annotations

import importlib
import sys

import typer

from scorer.errors import AccordError, StudyError

from .app import app

# The module that defines each command. A run imports and builds only its command's module (start-up
# time is what an analyst waits for); --help, no command or an unknown one loads them all, in this
# order. tests/test_cli.py checks the table against the commands the modules define.
COMMANDS = {
    **dict.fromkeys(("optimize", "unlock", "frontier"), "optimize_commands"),
    **dict.fromkeys(("rank", "matrix", "coalition", "explain", "whatif", "compare", "brief"), "score_commands"),
    **dict.fromkeys(("robust", "sensitivity"), "robust_commands"),
    **dict.fromkeys(("validate", "list", "show", "init", "schema", "tables"), "study_commands"),
}


def register(args: list[str]) -> None:
    """Import the command modules `args` need (each registers its commands on the app)."""
    command = next((a for a in args if not a.startswith("-")), None)
    for module in [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values()):
        importlib.import_module(f"{__package__}.{module}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become one-line messages, never tracebacks."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        register(args)
        app(args=[a for a in args if a != "--debug"], prog_name="accord")
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
