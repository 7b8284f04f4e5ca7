"""The backtest command: the model's track record against the historical episodes."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from scorer.judgments import DEFAULT_SAMPLES, DEFAULT_SEED
from scorer.loading import load_study

from .app import app
from .common import Format, FormatOpt, OutputOpt, StudyOpt, emit, progress
from .robust_commands import SamplesOpt, SeedOpt


@app.command()
def backtest(
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
    exclude_scenario: Annotated[Optional[list[str]], typer.Option(
        "--exclude-scenario", "-x", help="Leave out the episodes of this scenario and report the record on the "
        "rest; repeat for several.", show_default=False)] = None,
    study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Score the model against the historical episodes (seeds/episodes.toml): for each, what
    happened (tabled, ratified per country, chamber votes, actors' stances) against the model's
    verdict and its probability over worlds drawn from the ranged judgments. Reports accuracy,
    Brier score and log loss per grain beside three baselines (nothing passes, only executive
    agreements pass, influence-weighted mean position), says where the model beats them and where
    it does not, and gives a calibration table and the worst misses."""
    from scorer.backtest import backtest as run_backtest, scenarios_needed
    from scorer.backtest_reports import backtest_report

    s = load_study(study)
    exclude = exclude_scenario or []
    with progress(samples * scenarios_needed(s, exclude), "scoring episodes") as tick:
        result = run_backtest(s, samples, seed, exclude, progress=tick)
    emit(backtest_report(result), fmt, output, title="accord backtest")
