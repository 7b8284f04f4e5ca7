"""Entry point: runs the Typer app and turns library errors into messages and exit codes
(0 ok, 1 a check found problems or no package exists, 2 bad input or usage, 3 internal error;
as for any Unix tool, 130 when interrupted and 141 when the reader of the output goes away)."""

from __future__ import annotations

import copy
import gc
import importlib
import os
import sys

import typer

from scorer.errors import AccordError, StudyError
from scorer.escaping import ASCII_FALLBACK, terminal

from .app import app

BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool whose reader closed the pipe

# accord's arrays are small: OpenBLAS's thread pool (numpy's, also loaded by the solvers) only costs its
# start-up, about 50 ms of CPU each time numpy loads on a two-core machine, and made no command faster
# (robust, backtest, brief, optimize: measured side by side, the same bytes out). A user's setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _output_streams_never_fail_on_a_mark() -> None:
    """Characters the output encoding lacks (✓ and ✗ under cp1252) become ASCII stand-ins."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors=ASCII_FALLBACK)
        except (AttributeError, ValueError):
            pass


def _pipe_closed() -> bool:
    """Whether Typer met a broken pipe: it then wraps both streams and exits 1 (the code for
    "problems found"). Unwrap them and point standard output at the null device, so what is still
    buffered goes nowhere and exiting cannot fail again."""
    if type(sys.stdout).__name__ != "PacifyFlushWrapper":
        return False
    sys.stdout, sys.stderr = sys.stdout.wrapped, getattr(sys.stderr, "wrapped", sys.stderr)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (AttributeError, OSError, ValueError):
        pass
    return True


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

# The module that defines each command. A run imports and builds only its command's module (start-up
# time is what an analyst waits for); --help, no command or an unknown one loads them all, in this
# order. tests/test_cli.py checks the table against the commands the modules define.
COMMANDS = {
    **dict.fromkeys(("optimize", "unlock", "frontier"), "optimize_commands"),
    **dict.fromkeys(("rank", "matrix", "coalition", "explain", "whatif", "compare", "brief"), "score_commands"),
    **dict.fromkeys(("robust", "sensitivity"), "robust_commands"),
    **dict.fromkeys(("validate", "list", "show", "init", "schema", "tables"), "study_commands"),
    "backtest": "backtest_commands",
    "diff": "diff_commands",
}


def register(args: list[str]) -> typer.Typer:
    """Import the command modules `args` need (each registers its commands on the app) and return
    the app to build: for a known command, a copy holding that command alone (the others' options
    would be built for nothing); else the whole app, to list them or suggest a name."""
    command = next((a for a in args if not a.startswith("-")), None)
    for module in [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values()):
        importlib.import_module(f"{__package__}.{module}")
    if command not in COMMANDS:
        return app
    one = copy.copy(app)
    one.registered_commands = [c for c in app.registered_commands
                               if (c.name or typer.main.get_command_name(c.callback.__name__)) == command]
    return one


def main(argv: list[str] | None = None, own_process: bool = False) -> int:
    """Run the CLI and return its exit code; errors become one-line messages, never tracebacks.
    --debug and --raw apply wherever they are written on the command line. `own_process`: called
    by the accord command (`command.run`), which owns the process and its collector; an in-process
    caller's collector is left as it is."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    rest = [a for a in args if a not in ("--debug", "--raw")]
    _output_streams_never_fail_on_a_mark()
    try:
        try:
            command = typer.main.get_command(register(rest))
            readable_metavars(command)
        finally:
            if own_process:  # the collector `command.run` turned off before any import: start-up made
                gc.freeze()  # many objects and no garbage; they stay out of later collections
                gc.enable()
        command(args=(["--raw"] if "--raw" in args else []) + rest, prog_name="accord")
    except SystemExit as exit_:
        if _pipe_closed():
            return BROKEN_PIPE
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 2)
    except StudyError as err:
        for problem in err.problems:
            typer.echo(terminal(str(problem)), err=True)
        typer.echo(f"error: the study has {len(err.problems)} problem(s); fix them (accord validate lists them)",
                   err=True)
        return 2
    except (AccordError, OSError) as err:
        if debug:
            raise
        typer.echo(terminal(f"error: {err}"), err=True)
        return 2
    except Exception as err:  # a bug: say so plainly, keep the traceback for --debug
        if debug:
            raise
        typer.echo(f"internal error: {type(err).__name__}: {err} (run again with --debug for a traceback)", err=True)
        return 3
    return 0
