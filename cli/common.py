"""Options shared by every command, and the one way commands print or write their results."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from scorer.render import Report, Table, render, write_atomic


class Format(str, Enum):
    terminal = "terminal"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    html = "html"
    latex = "latex"


StudyOpt = Annotated[Optional[Path], typer.Option(
    "--study", help="Study folder. Default: the nearest folder upward holding accord.toml, else the shipped case.",
    show_default=False)]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", help="Write to this file (atomically) instead of standard output.", show_default=False)]
ScenarioOpt = Annotated[Optional[str], typer.Option(
    "--scenario", "-s", help="Scenario id (default: the study's default scenario).", show_default=False)]


def emit(tables: Table | list[Table] | Report, fmt: Format, output: Path | None, title: str = "accord") -> None:
    """Render and print, or write atomically to `output`."""
    text = render(tables, fmt.value, title)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)
        typer.echo(f"wrote {output}", err=True)
