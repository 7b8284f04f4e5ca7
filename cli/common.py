"""Options shared by every command, and the one way commands print or write their results."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.main import get_current_context

from scorer.render import Report, Table, render
from scorer.writing import output_path, write_text


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
OutputOpt = Annotated[Optional[str], typer.Option(
    "--output", "-o", metavar="PATH", show_default=False,
    help="Write to this file instead of standard output: atomically, through a symbolic link to its target, "
    "keeping an existing file's mode; a device such as /dev/stdout is written directly; a PATH ending in / "
    "is a folder, which gets COMMAND.EXT.")]


def not_empty(value: str | None) -> str | None:
    """Option callback: an option given must say something (`--scenario ""` is no default)."""
    if value is not None and not value.strip():
        raise typer.BadParameter("must not be empty (leave the option out for the default)")
    return value


def once_per_dimension(pairs: Sequence[tuple[str, str]], flag: str) -> dict[str, str]:
    """DIM=LEVEL pairs as a mapping, refusing a dimension given twice (which one would hold?)."""
    levels: dict[str, list[str]] = {}
    for dim, level in pairs:
        levels.setdefault(dim, []).append(level)
    twice = {d: lv for d, lv in levels.items() if len(lv) > 1}
    if twice:
        listed = "; ".join(f"{d} ({', '.join(lv)})" for d, lv in twice.items())
        raise typer.BadParameter(f"each dimension once; given more than once: {listed}", param_hint=flag)
    return {d: lv[0] for d, lv in levels.items()}


ScenarioOpt = Annotated[Optional[str], typer.Option(
    "--scenario", "-s", help="Scenario id (default: the study's default scenario).", show_default=False,
    callback=not_empty)]


SUFFIX = {Format.terminal: "txt", Format.markdown: "md", Format.csv: "csv", Format.json: "json",
          Format.html: "html", Format.latex: "tex"}


def emit(tables: Table | list[Table] | Report, fmt: Format, output: str | Path | None, title: str = "accord") -> None:
    """Render and print, or write to `output` (see `scorer.writing`); CSV cells that could run as
    spreadsheet formulas are neutralised unless `accord --raw` was given."""
    ctx = get_current_context(silent=True)
    raw = bool(ctx and ctx.meta.get("accord.raw"))
    text = render(tables, fmt.value, title, raw=raw)
    if output is None:
        typer.echo(text, nl=False)
    else:
        target = output_path(output, f"{ctx.info_name if ctx else 'accord'}.{SUFFIX[fmt]}")
        write_text(target, text)
        typer.echo(f"wrote {target}", err=True)


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
