"""Commands on how far the verdicts hold when the judgments behind them move: robust (sampled
worlds) and sensitivity (stability intervals and the tornado of decisive judgments)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

import scorer
from scorer import cost
from scorer.judgments import DEFAULT_SAMPLES, DEFAULT_SEED
from scorer.loading import load_study
from scorer.ranking import DEFAULT_METHOD
from scorer.robust_reports import robust_report, sensitivity_report
from scorer.scoring import resolve_scenario

from .app import app
from .common import Format, FormatOpt, OutputOpt, ScenarioOpt, StudyOpt, emit, progress, viewed
from .score_commands import MethodOpt

PROGRESS_FROM = 200_000  # worlds; shorter runs finish before a bar is worth drawing
ANNOUNCE_FROM = 10.0  # seconds: a run estimated to take longer says so before it starts


class Distribution(str, Enum):
    uniform = "uniform"
    triangular = "triangular"


SamplesOpt = Annotated[int, typer.Option(
    "--samples", "-n", min=1,
    help=f"Number of sampled worlds (at most {cost.MAX_SAMPLES:,}); a run estimated to take more than "
    f"{ANNOUNCE_FROM:.0f} seconds says how long before it starts.")]
SeedOpt = Annotated[int, typer.Option(
    "--seed", min=0, help="Seed of the random stream (0 or more): the same seed gives the same output.")]
DistOpt = Annotated[Distribution, typer.Option(
    "--dist", case_sensitive=False,
    help="How each ranged judgment is drawn: uniform within its range, or triangular peaking at its point value.")]


@app.command()
@viewed(filters=True)
def robust(
    samples: SamplesOpt = DEFAULT_SAMPLES,
    seed: SeedOpt = DEFAULT_SEED,
    dist: DistOpt = Distribution.uniform,
    method: MethodOpt = DEFAULT_METHOD,
    ignore_ratification: Annotated[bool, typer.Option(
        "--ignore-ratification", help="Rank by score alone, not ratified proposals first.")] = False,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Sample the judgments within their ranges: per proposal, how often it is ratified and ranks
    first, its rank distribution, and who is most often pivotal or blocking."""

    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    if samples > cost.TRIAL_SAMPLES * 10:
        seconds = cost.sampling_seconds(s, sc, samples, dist.value, method)
        if samples > cost.MAX_SAMPLES:
            raise typer.BadParameter(f"{samples:,} worlds would take {cost.duration(seconds)} (timed on "
                                     f"{cost.TRIAL_SAMPLES:,}); at most {cost.MAX_SAMPLES:,} per run",
                                     param_hint="--samples")
        if seconds >= ANNOUNCE_FROM:
            typer.echo(f"sampling {samples:,} worlds: {cost.duration(seconds)} (timed on {cost.TRIAL_SAMPLES:,})",
                       err=True)
    with progress(samples, "sampling worlds", PROGRESS_FROM) as tick:
        result = scorer.robust(s, sc, samples, seed, dist.value, method, ignore_ratification, progress=tick)
    emit(robust_report(result), fmt, output, title=f"accord robustness ({sc.id})", study=s, scenario=sc)


@app.command()
@viewed(filters=True)
def sensitivity(
    proposal: Annotated[str, typer.Argument(metavar="PROPOSAL", help="Proposal id.")],
    top: Annotated[int, typer.Option(
        "--top", min=0, help="Rows of the stability table to show, nearest to flipping first (0: all; JSON has all).")] = 20,
    ranged_only: Annotated[bool, typer.Option(
        "--ranged-only", help="Only the judgments given a plausible range.")] = False,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """For each stakeholder and judgment, the interval in which acceptance and ratification stay as
    they are, and a tornado of the judgments whose plausible range crosses a flip point."""

    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    emit(sensitivity_report(scorer.sensitivity(s, sc, proposal, ranged_only), top), fmt, output, title=proposal,
         study=s, scenario=sc)
