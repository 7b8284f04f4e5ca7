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
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, Optional

import typer
from typer.main import get_current_context

from scorer import views
from scorer.render import MACHINE_FORMATS, Report, Table, render
from scorer.writing import output_path, write_text

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
def format_option(one_table: str) -> typer.models.OptionInfo:
    """--format; `one_table` says what csv and jsonl, which hold one table, hold."""
    return typer.Option(
        "--format", "-f", metavar="FORMAT", case_sensitive=False,
        help="Output format: terminal, markdown, csv, json, jsonl, html or latex. Default: from the extension of "
        f"-o FILE, else terminal. {one_table}")


FormatOpt = Annotated[Format, format_option("csv and jsonl hold one table: see --table.")]
OutputOpt = Annotated[Optional[str], typer.Option(
    "--output", "-o", metavar="PATH", show_default=False,
    help="Write to this file instead of standard output: atomically, through a symbolic link to its target, "
    "keeping an existing file's mode; a device such as /dev/stdout is written directly. Its extension sets the "
    "format unless --format is given. A PATH ending in / is a folder, which gets COMMAND.EXT (for csv or jsonl, "
    "one file per table).")]


def not_empty(value: str | None) -> str | None:
    """Option callback: an option given must say something (`--solver ""` is no default)."""
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


def _scenarios(value: list[str] | None) -> list[str] | None:
    if value and any(not v.strip() for v in value):
        raise typer.BadParameter("must not be empty (leave the option out for the default)")
    return value


def _one_scenario(value: list[str] | None) -> list[str] | None:
    _scenarios(value)
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
    "--scenario", "-s", metavar="ID[,ID...]|all", show_default=False, callback=_scenarios,
    help="Scenario id (default: the study's default scenario); several (comma-separated or repeated) or 'all' "
    "put the verdicts of each scenario side by side.")]


class View(NamedTuple):
    """How a command's tables are narrowed and drawn (the options `viewed` adds)."""

    wide: bool = False
    table: str | None = None
    columns: tuple[str, ...] = ()
    proposals: tuple[str, ...] = ()
    stakeholders: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
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


def viewed(filters: bool = False, tables: bool = True) -> Callable[[Callable], Callable]:
    """Adds --wide, --table and --columns to a command that prints tables (with `filters`, also
    --proposals, --stakeholders and --country; without `tables`, none of the three: a command that
    lays out its own text); `emit` applies them. --scenario becomes one id where the command takes one."""
    options = {**(_VIEW_OPTIONS if tables else {}), **(_FILTER_OPTIONS if filters else {})}

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
            study = ctx.params.get("study")
            token = _VIEW.set(View(bool(chosen.get("wide")), chosen.get("table"), split(chosen.get("columns")),
                                   split(chosen.get("proposals")), split(chosen.get("stakeholders")),
                                   split(chosen.get("only_countries")), None if study is None else str(study)))
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
    ctx = get_current_context(silent=True)
    source = ctx.get_parameter_source(param) if ctx is not None else None
    return source is not None and not source.name.startswith("DEFAULT")


def chosen_format(fmt: Format, output: str | None) -> Format:
    """--format when given on the command line, else the one -o's extension implies, else `fmt`."""
    if output is not None and not given("fmt"):
        return EXTENSIONS.get(Path(output).suffix.lower(), fmt)
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
    write_text(path, text)
    typer.echo(f"wrote {path}", err=True)


SUFFIX = {Format.terminal: "txt", Format.markdown: "md", Format.csv: "csv", Format.json: "json",
          Format.jsonl: "jsonl", Format.html: "html", Format.latex: "tex"}


def emit(result: Result, fmt: Format, output: str | None, title: str = "accord", study: Study | None = None,
         scenario: Scenario | list[Scenario] | None = None) -> None:
    """Narrow the result as the view options say, render it and print it, or write it to `output`
    (see `scorer.writing`; into a folder, one file per table, for csv and jsonl). `study` and
    `scenario` are named in the titles. CSV cells that could run as spreadsheet formulas are
    neutralised unless `accord --raw` was given."""
    ctx = get_current_context(silent=True)
    raw = bool(ctx and ctx.meta.get("accord.raw"))
    view = _VIEW.get()
    fmt = chosen_format(fmt, output)
    result = _narrowed(result, view, study)
    label = context_label(study, scenario)
    if label and fmt is not Format.json and fmt.value not in MACHINE_FORMATS:
        titled = views.titled(views.tables_of(result), label)
        result = Report(titled, result.data) if isinstance(result, Report) else titled
        title = f"{title} [{label}]"
    tables = views.tables_of(result)
    if fmt.value in MACHINE_FORMATS and len(tables) > 1:
        if output is not None and (output.endswith(("/", os.sep)) or os.path.isdir(output)
                                   or not Path(output).suffix):
            for t in tables:
                _write(Path(output) / f"{t.key}.{fmt.value}", render(t, fmt.value, raw=raw))
            return
        if sys.stderr.isatty():  # a person is watching; scripts get the first table quietly
            typer.echo(f"note: {fmt.value} holds one table; this is '{tables[0].key}' (the others: "
                       f"{', '.join(t.key for t in tables[1:])}; --table NAME picks one, -o DIR writes each)", err=True)
        result = tables[0]
    width = None if view.wide or output is not None else terminal_width()
    text = render(result, fmt.value, title, width, raw=raw)
    emit_text(text, output, f"{ctx.info_name if ctx else 'accord'}.{SUFFIX[fmt]}")


def emit_text(text: str, output: str | None, name: str = "accord.txt") -> None:
    """Print `text`, or write it to `output` (see `scorer.writing`; `name` in a folder)."""
    if output is None:
        typer.echo(text, nl=False)
    else:
        _write(output_path(output, name), text)


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
