"""Commands that check and browse a study: validate, list, show, init, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from scorer import catalogue
from scorer.escaping import terminal
from scorer.loading import find_study, load_study
from scorer.render import Table, to_json, write_atomic
from scorer.validation import validate_study

from .app import app
from .common import Format, FormatOpt, OutputOpt, StudyOpt, emit, viewed


@app.command()
@viewed()
def validate(
    study: StudyOpt = None,
    sources: Annotated[Optional[Path], typer.Option(
        help="Folder of source texts: also check each document's SHA-256 and each anchor on exactly its cited line.",
        show_default=False)] = None,
    fmt: FormatOpt = Format.terminal,
    output: OutputOpt = None,
) -> None:
    """Run every check on the study; exit 1 if any problem is found."""
    problems = validate_study(study, sources)
    if fmt is Format.terminal and output is None:
        for p in problems:
            typer.echo(terminal(str(p)))
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
@viewed(filters=True)
def list_items(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="One of: " + ", ".join(catalogue.KINDS) + ".")],
    study: StudyOpt = None,
    fmt: FormatOpt = Format.terminal,
    output: OutputOpt = None,
) -> None:
    """List the proposals, stakeholders, dimensions, scenarios, evidence or documents of the study."""
    s = load_study(study)
    emit(catalogue.listing(s, kind), fmt, output, study=s)


@app.command()
@viewed()
def show(
    item_id: Annotated[str, typer.Argument(metavar="ID", help="Any id: proposal, stakeholder, dimension, ...")],
    study: StudyOpt = None,
    fmt: FormatOpt = Format.terminal,
    output: OutputOpt = None,
) -> None:
    """Show everything the study says about one id."""
    s = load_study(study)
    emit(catalogue.show(s, item_id), fmt, output, title=item_id, study=s)


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


@app.command()
@viewed()
def tables(
    table_id: Annotated[Optional[str], typer.Argument(metavar="ID", help="One table id (default: all).")] = None,
    study: StudyOpt = None,
    fmt: FormatOpt = Format.terminal,
    output: OutputOpt = None,
) -> None:
    """The working paper's interview tables: printed and recomputed figures side by side, and
    every printed figure that disagrees with the arithmetic."""
    from scorer.tables import tables_report

    s = load_study(study)
    emit(tables_report(s, table_id), fmt, output, title="Interview tables", study=s)
