"""The diff command: two studies, or two JSON results of the same command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scorer.errors import AccordError
from scorer.loading import load_study

from .app import app
from .common import Format, FormatOpt, OutputOpt, emit, viewed


@app.command()
@viewed()
def diff(
    a: Annotated[Path, typer.Argument(metavar="A", help="A study folder, or a JSON result (accord ... -f json).")],
    b: Annotated[Path, typer.Argument(metavar="B", help="Another study folder, or another JSON result.")],
    fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Which judgments differ between two studies and which verdicts change because of them (with
    the judgments that alone change each ratification); or what differs between two JSON results,
    verdicts first."""
    from scorer.diff import diff_results, diff_studies, read_result  # noqa: PLC0415

    if a.is_dir() and b.is_dir():
        emit(diff_studies(load_study(a), load_study(b), str(a), str(b)), fmt, output, title=f"accord diff {a} {b}")
    elif a.is_file() and b.is_file():
        emit(diff_results(read_result(a), read_result(b), str(a), str(b)), fmt, output, title=f"accord diff {a} {b}")
    else:
        missing = next((p for p in (a, b) if not p.exists()), None)
        raise AccordError(f"{missing}: no such file or folder" if missing else
                          "diff takes two study folders or two JSON files, not one of each")
