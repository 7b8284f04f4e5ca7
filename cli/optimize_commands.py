"""Commands that search for packages: optimize, unlock, frontier. The optimiser, and PuLP with it,
loads on first use through `scorer`'s lazy names, so the scoring commands never load it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

import scorer
from scorer import cost as budget, sponsors, sweeps
from scorer.errors import AccordError, UndefinedObjective
from scorer.limits import Limits, ratifying_countries
from scorer.optimize_reports import frontier_report, search_report, unlock_report
from scorer.robust_reports import robust_search_report
from scorer.loading import load_study
from scorer.scoring import resolve_scenario

from .app import app
from .common import (Format, FormatOpt, OutputOpt, ScenarioOpt, ScenariosOpt, StudyOpt, emit, given, not_empty,
                     viewed)
from .parsing import parse_levels, parse_objective, parse_venues, split

if TYPE_CHECKING:
    from scorer.models import Study

CountriesOpt = Annotated[Optional[str], typer.Option(
    "--countries", metavar="US,MX", show_default=False,
    help="Countries that must ratify, comma-separated. Default: every country of the study that can ratify.")]
SolverOpt = Annotated[Optional[str], typer.Option(
    "--solver", metavar="SOLVER", show_default=False, callback=not_empty,
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


def _countries(study: Study, text: str | None) -> tuple[str, ...]:
    """The --countries list (every ratifying country when not given): at least one, each once."""
    if text is None:
        return ratifying_countries(study)
    countries = split([text])
    if not countries:
        raise typer.BadParameter("name at least one country, e.g. us,mx", param_hint="--countries")
    twice = sorted({c for c in countries if countries.count(c) > 1})
    if twice:
        raise typer.BadParameter(f"each country once; given more than once: {', '.join(twice)}",
                                 param_hint="--countries")
    return countries


def _objective_hint(err: UndefinedObjective) -> AccordError:
    return AccordError(f"{err} (try --objective welfare or support)")


def _limits(study: Study, countries: str | None, fix: list[str] | None, forbid: list[str] | None,
            venue: list[str] | None, require: list[str] | None = None) -> Limits:
    """The search limits the options describe (the library checks them against the study)."""
    named = _countries(study, countries)
    return Limits(countries=named, require=split(require), fix=parse_levels(study, fix, "--fix"),
                  forbid=parse_levels(study, forbid, "--forbid"), venue=parse_venues(venue, named))


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
    countries: CountriesOpt = None,
    top: Annotated[int, typer.Option("--top", metavar="K", help="The K best distinct packages.", min=1)] = 1,
    robust: Annotated[Optional[int], typer.Option(
        "--robust", metavar="N", min=1, show_default=False,
        help="Instead, the package that is a deal (ratified, both governments accepting) in the most of N sampled "
        "worlds, judged on fresh worlds next to the plain optimum for --objective (see accord robust). The "
        "programme needs about 8 KB per world and stakeholder; N past 2 GB of it is refused.")] = None,
    solver: SolverOpt = None, time_limit: TimeLimitOpt = None,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """The best package every ratifying coalition accepts, found exactly (MILP); when none exists,
    who cannot be satisfied together and the package that comes closest (exit code 1)."""

    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    limits = _limits(s, countries, fix, forbid, venue, require)
    if robust is not None:
        if robust > budget.max_robust_worlds(s):
            raise typer.BadParameter(
                f"{robust:,} worlds would need about {budget.size(budget.robust_memory(s, robust))} for the programme "
                f"(about {budget.ROBUST_BYTES // 1024} KB per world and stakeholder); at most "
                f"{budget.max_robust_worlds(s):,} fit in the {budget.size(budget.ROBUST_MEMORY)} accord allows",
                param_hint="--robust")
        try:
            found = scorer.robust_optimize(s, sc, robust, parse_objective(objective), limits, solver, time_limit)
        except UndefinedObjective as err:
            raise _objective_hint(err) from None
        emit(robust_search_report(s, found), fmt, output, title=f"accord optimize --robust {robust} ({sc.id})",
             study=s, scenario=sc)
        if found.robust is None:
            raise typer.Exit(1)
        return
    try:
        result = scorer.optimize(s, sc, parse_objective(objective), limits, top, solver, time_limit)
    except UndefinedObjective as err:
        raise _objective_hint(err) from None
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
    s = load_study(study)
    scs = sweeps.scenarios(s, scenario)
    payer = sponsors.sponsor_for(s, by, sponsor)
    if payer is not None and not given("cost"):
        cost = "sponsor"
    results = {sc.id: scorer.unlock(s, sc, proposal, cost, split(for_), concessions_only, top, solver, time_limit,
                                    sponsor=payer) for sc in scs}
    if len(scs) > 1:
        emit(sweeps.unlock_sweep(s, results), fmt, output, title=f"accord unlock {proposal}", study=s, scenario=scs)
    else:
        result = results[scs[0].id]
        report = sponsors.with_country_gains(s, result, unlock_report(s, result), by)
        emit(report, fmt, output, title=f"accord unlock {proposal} ({scs[0].id})", study=s, scenario=scs[0])
    if any(r.status != "already" and not r.alternatives for r in results.values()):
        raise typer.Exit(1)


@app.command()
@viewed(filters=True)
def frontier(
    fix: FixOpt = None, forbid: ForbidOpt = None, venue: VenueOpt = None,
    countries: CountriesOpt = None,
    solver: SolverOpt = None, time_limit: TimeLimitOpt = None,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """The Pareto frontier between two countries' ratifying coalitions (the worst gain within each)
    over ratifiable packages, and where the proposals sit relative to it; HTML adds a chart."""

    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    result = scorer.frontier(s, sc, _limits(s, countries, fix, forbid, venue), solver, time_limit)
    emit(frontier_report(s, result), fmt, output, title=f"accord frontier ({sc.id})", study=s, scenario=sc)
    if not result.points:
        raise typer.Exit(1)
