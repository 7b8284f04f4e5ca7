"""The Typer application object, shared by the command modules."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(
    name="accord",
    help="Compare and score policy proposals for US-Mexico migration cooperation, with evidence.\n\n"
    "Every command reads a study: --study DIR, else the nearest folder upward holding accord.toml, "
    "else the case shipped with accord. Exit codes: 0 ok, 1 a check found problems (validate) or no "
    "package exists (optimize, unlock, frontier), 2 bad input or usage, 3 internal error.",
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from scorer import __version__  # noqa: PLC0415

        typer.echo(f"accord {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on internal errors.")] = False,
    raw: Annotated[bool, typer.Option(
        "--raw", help="CSV cells as they are: by default a text cell starting with = + - @ tab or CR gets a "
        "leading ' so a spreadsheet shows it instead of running it as a formula (OWASP's advice).")] = False,
    no_cache: Annotated[bool, typer.Option(
        "--no-cache", help="Read the study's files afresh, without the cache of validated studies in "
        "$XDG_CACHE_HOME/accord (~/.cache/accord); ACCORD_NO_CACHE=1 does the same.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print accord's version and exit.")] = False,
) -> None:
    """Compare and score policy proposals for US-Mexico migration cooperation."""
    from scorer import study_cache  # noqa: PLC0415  (not needed for --help)

    ctx.meta["accord.raw"] = raw
    study_cache.use(not no_cache)
