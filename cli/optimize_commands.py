"""Commands that search for packages: optimize, unlock, frontier. The optimiser, and PuLP with it,
is imported inside each command, so the scoring commands never load it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from scorer import analysis
from scorer.loading import load_study
from scorer.scoring import resolve_scenario

from .app import app
from .common import Format, FormatOpt, OutputOpt, ScenarioOpt, ScenariosOpt, StudyOpt, emit, given, viewed

if TYPE_CHECKING:  # the optimiser imports PuLP
    from scorer.models import Study
    from scorer.optimize import Limits

CountriesOpt = Annotated[str, typer.Option(
    "--countries", metavar="US,MX", help="Countries that must ratify, comma-separated.")]
SolverOpt = Annotated[Optional[str], typer.Option(
    "--solver", metavar="SOLVER", show_default=False,
    help="MILP solver: highs or cbc. Default: highs when installed (the faster in bench/optimize.py), else cbc.")]
TimeLimitOpt = Annotated[Optional[float], typer.Option(
    "--time-limit", metavar="SECONDS", min=0.0, show_default=False,
    help="Seconds each solve may take; past it the best package found is reported with its gap.")]
FixOpt = Annotated[Optional[list[str]], typer.Option(
    "--fix", metavar="DIM=LEVEL", show_default=False, help="A level the package must set; repeat for several.")]
ForbidOpt = Annotated[Optional[list[str]], typer.Option(
    "--forbid", metavar="DIM=LEVEL", show_default=False, help="A level the package must not set; repeat for several.")]
VenueOpt = Annotated[Optional[list[str]], typer.Option(
    "--venue", metavar="VENUE", show_default=False,
    help="Strongest authority allowed: executive, statute or treaty, in every country, or COUNTRY=VENUE for one "
    "(what can be done without Congress? --venue us=executive).")]


def _split(items: list[str] | None) -> tuple[str, ...]:
    return tuple(x.strip() for item in items or [] for x in item.split(",") if x.strip())


def _limits(study: Study, countries: str, fix: list[str] | None, forbid: list[str] | None,
            venue: list[str] | None, require: list[str] | None = None) -> Limits:
    """The search limits the options describe, checked against the study."""
    from scorer import optimize as opt  # noqa: PLC0415  (PuLP loads only for the optimiser's commands)

    cs = _split([countries])
    return opt.Limits(countries=cs, require=_split(require), fix=analysis.parse_levels(study, fix or [], "--fix"),
                      forbid=analysis.parse_levels(study, forbid or [], "--forbid"),
                      venue=opt.parse_venues(study, venue or [], cs))


@app.command()
@viewed(filters=True)
def optimize(
    objective: Annotated[str, typer.Option(
        "--objective", metavar="OBJECTIVE",
        help="maximin (the worst gain among the actors whose acceptance ratification requires), welfare "
        "(influence-weighted sum of gains), support (influence-weighted share who accept) or favour=COUNTRY "
        "(the best package for that country's ratifying coalition that the others still ratify).")] = "maximin",
    require: Annotated[Optional[list[str]], typer.Option(
        "--require", metavar="ACTOR", show_default=False,
        help="Stakeholder who must accept as well; repeat or comma-separate.")] = None,
    fix: FixOpt = None, forbid: ForbidOpt = None, venue: VenueOpt = None,
    countries: CountriesOpt = "us,mx",
    top: Annotated[int, typer.Option("--top", metavar="K", help="The K best distinct packages.", min=1)] = 1,
    robust: Annotated[Optional[int], typer.Option(
        "--robust", metavar="N", min=1, show_default=False,
        help="Instead, the package that is a deal (ratified, both governments accepting) in the most of N sampled "
        "worlds, judged on fresh worlds next to the plain optimum for --objective (see accord robust).")] = None,
    solver: SolverOpt = None, time_limit: TimeLimitOpt = None,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """The best package every ratifying coalition accepts, found exactly (MILP); when none exists,
    who cannot be satisfied together and the package that comes closest (exit code 1)."""
    from scorer import optimize as opt  # noqa: PLC0415  (PuLP loads only for this command)
    from scorer.optimize_reports import search_report  # noqa: PLC0415

    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    limits = _limits(s, countries, fix, forbid, venue, require)
    if robust is not None:
        from scorer.robust_optimize import robust_optimize, robust_search_report  # noqa: PLC0415

        found = robust_optimize(s, sc, robust, opt.parse_objective(objective), limits, solver, time_limit)
        emit(robust_search_report(s, found), fmt, output, title=f"accord optimize --robust {robust} ({sc.id})",
             study=s, scenario=sc)
        if found.robust is None:
            raise typer.Exit(1)
        return
    result = opt.optimize(s, sc, opt.parse_objective(objective), limits, top, solver, time_limit)
    emit(search_report(s, result), fmt, output, title=f"accord optimize ({sc.id})", study=s, scenario=sc)
    if not result.packages:
        raise typer.Exit(1)


@app.command()
@viewed(filters=True)
def unlock(
    proposal: Annotated[str, typer.Argument(metavar="PROPOSAL", help="Proposal id.")],
    cost: Annotated[str, typer.Option(
        "--cost", metavar="COST",
        help="count (fewest changed dimensions) or sponsor (smallest loss of value for the sponsor; the default "
        "with --by or --sponsor).")] = "count",
    by: Annotated[Optional[str], typer.Option(
        "--by", metavar="COUNTRY", show_default=False,
        help="Ask what this country would concede: its head of government (the actor its executive venue "
        "requires) stands in for the sponsor, without editing the proposal.")] = None,
    sponsor: Annotated[Optional[str], typer.Option(
        "--sponsor", metavar="ID", show_default=False,
        help="Count this stakeholder's loss instead of the proposal's sponsor's.")] = None,
    for_: Annotated[Optional[list[str]], typer.Option(
        "--for", metavar="ACTOR", show_default=False,
        help="Win these stakeholders' acceptance instead of ratification; repeat or comma-separate.")] = None,
    concessions_only: Annotated[bool, typer.Option(
        "--concessions-only", help="Only move levels back toward the status quo.")] = False,
    top: Annotated[int, typer.Option("--top", metavar="K", help="How many alternatives to show.", min=1)] = 3,
    solver: SolverOpt = None, time_limit: TimeLimitOpt = None,
    scenario: ScenariosOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """The smallest changes that make a proposal ratify (or win --for stakeholders), with what each
    alternative wins and loses and each country's ratifying coalition gain or loss; when nothing
    can, who cannot be satisfied and why (exit code 1). Several scenarios (--scenario all): the
    cheapest alternative in each, side by side."""
    from scorer import concessions, sweeps  # noqa: PLC0415
    from scorer.optimize_reports import unlock_report  # noqa: PLC0415
    from scorer.unlock import unlock as find_unlock  # noqa: PLC0415  (PuLP loads only for this command)

    s = load_study(study)
    scs = sweeps.scenarios(s, scenario)
    payer = concessions.sponsor_for(s, by, sponsor)
    if payer is not None and not given("cost"):
        cost = "sponsor"
    results = {sc.id: find_unlock(s, sc, proposal, cost, _split(for_), concessions_only, top, solver, time_limit,
                                  sponsor=payer) for sc in scs}
    if len(scs) > 1:
        emit(sweeps.unlock_sweep(s, results), fmt, output, title=f"accord unlock {proposal}", study=s, scenario=scs)
    else:
        result = results[scs[0].id]
        report = concessions.with_country_gains(s, result, unlock_report(s, result), by)
        emit(report, fmt, output, title=f"accord unlock {proposal} ({scs[0].id})", study=s, scenario=scs[0])
    if any(r.status != "already" and not r.alternatives for r in results.values()):
        raise typer.Exit(1)


@app.command()
@viewed(filters=True)
def frontier(
    fix: FixOpt = None, forbid: ForbidOpt = None, venue: VenueOpt = None,
    countries: CountriesOpt = "us,mx",
    solver: SolverOpt = None, time_limit: TimeLimitOpt = None,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """The Pareto frontier between two countries' ratifying coalitions (the worst gain within each)
    over ratifiable packages, and where the proposals sit relative to it; HTML adds a chart."""
    from scorer.frontier import frontier as find_frontier  # noqa: PLC0415  (PuLP loads only for this command)
    from scorer.optimize_reports import frontier_report  # noqa: PLC0415

    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    result = find_frontier(s, sc, _limits(s, countries, fix, forbid, venue), solver, time_limit)
    emit(frontier_report(s, result), fmt, output, title=f"accord frontier ({sc.id})", study=s, scenario=sc)
    if not result.points:
        raise typer.Exit(1)
