"""Options shared by every command, and the one way commands print or write their results."""

from __future__ import annotations

import functools
import inspect
import os
import shutil
import sys
import typing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from scorer import views
from scorer.render import MACHINE_FORMATS, Report, Table, render, write_atomic

if TYPE_CHECKING:
    from scorer.models import Scenario, Study


class Format(str, Enum):
    terminal = "terminal"
    markdown = "markdown"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    html = "html"
    latex = "latex"


# The format `-o FILE` implies when --format is not given.
EXTENSIONS = {".txt": Format.terminal, ".md": Format.markdown, ".markdown": Format.markdown, ".csv": Format.csv,
              ".json": Format.json, ".jsonl": Format.jsonl, ".ndjson": Format.jsonl, ".html": Format.html,
              ".htm": Format.html, ".tex": Format.latex}

StudyOpt = Annotated[Optional[Path], typer.Option(
    "--study", metavar="DIR",
    help="Study folder. Default: the nearest folder upward holding accord.toml, else the shipped case.",
    show_default=False)]
FormatOpt = Annotated[Format, typer.Option(
    "--format", "-f", metavar="FORMAT", case_sensitive=False,
    help="Output format: terminal, markdown, csv, json, jsonl, html or latex. Default: from the extension of "
    "-o FILE, else terminal. csv and jsonl hold one table: see --table.")]
OutputOpt = Annotated[Optional[Path], typer.Option(
    "--output", "-o", metavar="FILE",
    help="Write to this file (atomically) instead of standard output; its extension sets the format unless "
    "--format is given. For csv or jsonl, a folder (or a name without extension) gets one file per table.",
    show_default=False)]


def _one_scenario(value: list[str] | None) -> list[str] | None:
    if value and len(value) > 1:
        raise typer.BadParameter(f"given {len(value)} times ({', '.join(value)}); give one scenario "
                                 "(rank, coalition and unlock take several: --scenario a,b or all)")
    return value


# Repeatable at the parser so that a second --scenario is an error instead of silently winning;
# `viewed` hands the command the one id (or None).
ScenarioOpt = Annotated[Optional[list[str]], typer.Option(
    "--scenario", "-s", metavar="ID", callback=_one_scenario, show_default=False,
    help="Scenario id (default: the study's default scenario).")]
ScenariosOpt = Annotated[Optional[list[str]], typer.Option(
    "--scenario", "-s", metavar="ID[,ID...]|all", show_default=False,
    help="Scenario id (default: the study's default scenario); several (comma-separated or repeated) or 'all' "
    "put the verdicts of each scenario side by side.")]


@dataclass(frozen=True)
class View:
    """How a command's tables are narrowed and drawn (the options `viewed` adds)."""

    wide: bool = False
    table: str | None = None
    columns: tuple[str, ...] = ()
    proposals: tuple[str, ...] = ()
    stakeholders: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    given: frozenset[str] = frozenset()  # the command's parameters given on the command line
    study: str | None = None  # --study as given


_VIEW: ContextVar[View] = ContextVar("view", default=View())

_VIEW_OPTIONS = {
    "wide": (bool, typer.Option("--wide", help="Do not fit tables to the terminal width (COLUMNS): print them whole.")),
    "table": (Optional[str], typer.Option(
        "--table", metavar="NAME", show_default=False,
        help="Only this one of the command's tables (csv and jsonl, which hold one table, take the first "
        "otherwise).")),
    "columns": (Optional[list[str]], typer.Option(
        "--columns", metavar="COL[,COL...]", show_default=False,
        help="Only these columns, by their snake_case CSV header, in this order.")),
}
_FILTER_OPTIONS = {
    "proposals": (Optional[list[str]], typer.Option(
        "--proposals", metavar="ID[,ID...]", show_default=False, help="Only these proposals.")),
    "stakeholders": (Optional[list[str]], typer.Option(
        "--stakeholders", metavar="ID[,ID...]", show_default=False, help="Only these stakeholders.")),
    "only_countries": (Optional[list[str]], typer.Option(
        "--country", metavar="COUNTRY[,...]", show_default=False,
        help="Only these countries, and the stakeholders of these countries.")),
}


def viewed(filters: bool = False) -> Callable[[Callable], Callable]:
    """Adds --wide, --table and --columns to a command that prints tables (with `filters`, also
    --proposals, --stakeholders and --country); `emit` applies them."""
    options = {**_VIEW_OPTIONS, **(_FILTER_OPTIONS if filters else {})}

    def decorate(command: Callable) -> Callable:
        signature = inspect.signature(command, eval_str=True)
        extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=False if kind is bool else None,
                                   annotation=Annotated[kind, option]) for name, (kind, option) in options.items()]
        extra.append(inspect.Parameter("_ctx", inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context))
        single = [p.name for p in signature.parameters.values() if p.annotation == ScenarioOpt]

        @functools.wraps(command)
        def run(*args: object, **kwargs: object) -> object:
            ctx = kwargs.pop("_ctx")
            for name in single:
                kwargs[name] = kwargs[name][0] if kwargs[name] else None
            chosen = {name: kwargs.pop(name) for name in options}
            split = lambda items: tuple(x.strip() for t in items or [] for x in t.split(",") if x.strip())  # noqa: E731
            given = frozenset(p for p in ctx.params if (ctx.get_parameter_source(p) is not None
                                                         and not ctx.get_parameter_source(p).name.startswith("DEFAULT")))
            study = ctx.params.get("study")
            token = _VIEW.set(View(bool(chosen["wide"]), chosen["table"], split(chosen["columns"]),
                                   split(chosen.get("proposals")), split(chosen.get("stakeholders")),
                                   split(chosen.get("only_countries")), given, None if study is None else str(study)))
            try:
                return command(*args, **kwargs)
            finally:
                _VIEW.reset(token)

        run.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *extra])
        run.__annotations__ = {**typing.get_type_hints(command, include_extras=True),
                               **{p.name: p.annotation for p in extra}}
        return run

    return decorate


def terminal_width() -> int | None:
    """COLUMNS when set, else the width of standard output when it is a terminal, else None."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def given(param: str) -> bool:
    """Whether the running command's option `param` was given (not left at its default)."""
    return param in _VIEW.get().given


def _format(fmt: Format, output: Path | None) -> Format:
    """--format when given on the command line, else the one -o's extension implies, else `fmt`."""
    if output is not None and not given("fmt"):
        return EXTENSIONS.get(output.suffix.lower(), fmt)
    return fmt


def context_label(study: Study | None = None, scenario: Scenario | list[Scenario] | None = None) -> str:
    """'study NAME; scenario ID' for the tables' titles (--study as given, when given)."""
    parts = []
    if study is not None:
        given_as = _VIEW.get().study
        parts.append(f"study {study.manifest.name}" + (f" ({given_as})" if given_as else ""))
    if scenario is not None:
        ids = [s.id for s in scenario] if isinstance(scenario, list) else [scenario.id]
        parts.append(("scenarios " if len(ids) > 1 else "scenario ") + ", ".join(ids))
    return "; ".join(parts)


Result = Table | list[Table] | Report


def _narrowed(result: Result, view: View, study: Study | None) -> Result:
    """The result cut as --proposals/--stakeholders/--country, --table and --columns say."""
    if study is not None:
        result = views.narrow(result, views.selection(study, view.proposals, view.stakeholders, view.countries))
    if view.table:
        result = views.pick_table(result, view.table)
    if view.columns:
        picked = views.pick_columns(views.tables_of(result), list(view.columns))
        result = picked[0] if len(picked) == 1 else picked
    return result


def _write(path: Path, text: str) -> None:
    write_atomic(path, text)
    typer.echo(f"wrote {path}", err=True)


def emit(result: Result, fmt: Format, output: Path | None, title: str = "accord", study: Study | None = None,
         scenario: Scenario | list[Scenario] | None = None) -> None:
    """Narrow the result as the view options say, render it and print it, or write it atomically
    to `output` (into a folder, one file per table, for csv and jsonl). `study` and `scenario`
    are named in the titles."""
    view = _VIEW.get()
    fmt = _format(fmt, output)
    result = _narrowed(result, view, study)
    label = context_label(study, scenario)
    if label and fmt is not Format.json and fmt.value not in MACHINE_FORMATS:
        titled = views.titled(views.tables_of(result), label)
        result = Report(titled, result.data) if isinstance(result, Report) else titled
        title = f"{title} [{label}]"
    tables = views.tables_of(result)
    if fmt.value in MACHINE_FORMATS and len(tables) > 1:
        if output is not None and (output.is_dir() or not output.suffix):
            for t in tables:
                _write(output / f"{t.key}.{fmt.value}", render(t, fmt.value))
            return
        if sys.stderr.isatty():  # a person is watching; scripts get the first table quietly
            typer.echo(f"note: {fmt.value} holds one table; this is '{tables[0].key}' (the others: "
                       f"{', '.join(t.key for t in tables[1:])}; --table NAME picks one, -o DIR writes each)", err=True)
        result = tables[0]
    width = None if view.wide or output is not None else terminal_width()
    text = render(result, fmt.value, title, width)
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write(output / f"{tables[0].key}.{fmt.value}" if output.is_dir() else output, text)


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
