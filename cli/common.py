"""Options shared by every command, and the one way commands print or write their results."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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
    emit_text(render(tables, fmt.value, title), output)


def emit_text(text: str, output: Path | None) -> None:
    """Print `text`, or write it atomically to `output`."""
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)
        typer.echo(f"wrote {output}", err=True)


@contextmanager
def progress(total: int, label: str, worth_from: int = 1) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on standard error, only when it is a terminal and `total` reaches
    `worth_from`; yields the bar's update function (None when there is no bar)."""
    if total < worth_from or not sys.stderr.isatty():
        yield None
        return
    with typer.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


@contextmanager
def stages(names: Sequence[str], label: str) -> Iterator[Callable[[str], None] | None]:
    """A progress bar over named stages, showing the one under way; None when not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    with typer.progressbar(length=len(names), label=label, file=sys.stderr, item_show_func=lambda name: name) as bar:
        started: list[str] = []

        def begin(name: str) -> None:
            bar.current_item = name
            bar.update(1 if started else 0)
            started.append(name)

        yield begin
