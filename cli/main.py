"""Entry point: the Typer app, its commands, and the wrapper that turns library errors into
messages and exit codes (0 ok, 1 a check found problems, 2 bad input or usage, 3 internal error)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from scorer import catalogue
from scorer.errors import AccordError, StudyError
from scorer.loading import find_study, load_study
from scorer.render import Table, to_json, write_atomic
from scorer.validation import validate_study

from .common import Format, FormatOpt, OutputOpt, StudyOpt, emit

app = typer.Typer(
    name="accord",
    help="Compare and score policy proposals for US-Mexico migration cooperation, with evidence.\n\n"
    "Every command reads a study: --study DIR, else the nearest folder upward holding accord.toml, "
    "else the case shipped with accord. Exit codes: 0 ok, 1 a check found problems, 2 bad input "
    "or usage, 3 internal error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on internal errors.")] = False) -> None:
    """Compare and score policy proposals for US-Mexico migration cooperation."""


@app.command()
def validate(
    study: StudyOpt = None,
    sources: Annotated[Optional[Path], typer.Option(
        help="Folder of source texts: also check each document's SHA-256 and each anchor at its line (±2).",
        show_default=False)] = None,
    fmt: FormatOpt = Format.terminal,
    output: OutputOpt = None,
) -> None:
    """Run every check on the study; exit 1 if any problem is found."""
    problems = validate_study(study, sources)
    if fmt is Format.terminal and output is None:
        for p in problems:
            typer.echo(str(p))
        where = find_study(study)
        if problems:
            typer.echo(f"{len(problems)} problem(s) in {where}", err=True)
        else:
            checked = f"; anchors and hashes checked against {sources}" if sources else ""
            typer.echo(f"ok: {where} is valid{checked}")
    else:
        rows = [[p.file, p.line, p.path, p.message] for p in problems]
        emit(Table("problems", "Problems", ["file", "line", "path", "message"], rows,
                   data=[p.__dict__ for p in problems]), fmt, output)
    if problems:
        raise typer.Exit(1)


@app.command("list")
def list_items(
    kind: Annotated[str, typer.Argument(help="One of: " + ", ".join(catalogue.KINDS) + ".")],
    study: StudyOpt = None,
    fmt: FormatOpt = Format.terminal,
    output: OutputOpt = None,
) -> None:
    """List the proposals, stakeholders, dimensions, scenarios, evidence or documents of the study."""
    emit(catalogue.listing(load_study(study), kind), fmt, output)


@app.command()
def show(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Any id: proposal, stakeholder, dimension, ...")],
    study: StudyOpt = None,
    fmt: FormatOpt = Format.terminal,
    output: OutputOpt = None,
) -> None:
    """Show everything the study says about one id."""
    emit(catalogue.show(load_study(study), item_id), fmt, output, title=item_id)


@app.command()
def init(directory: Annotated[Path, typer.Argument(metavar="DIR", help="New folder for the study.")]) -> None:
    """Copy the shipped case into DIR as a new study to edit (refuses to overwrite)."""
    target = catalogue.init_study(directory)
    typer.echo(f"created study {target}; edit its files, then run: accord validate --study {target}")


@app.command()
def schema(
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Write one <kind>.schema.json per file kind into this folder.", show_default=False)] = None,
) -> None:
    """Print (or write) the JSON Schema of every study file kind, for editors to validate against."""
    schemas = catalogue.schemas()
    if out is None:
        typer.echo(to_json(schemas), nl=False)
        return
    for kind, body in schemas.items():
        write_atomic(out / f"{kind}.schema.json", to_json(body))
    typer.echo(f"wrote {len(schemas)} schemas to {out}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; errors become one-line messages, never tracebacks."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
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
