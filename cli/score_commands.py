"""Commands that score proposals: rank, matrix, coalition, explain, whatif, compare, brief."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from scorer import reports, sweeps
from scorer.errors import AccordError, StudyError
from scorer.loading import find_study, load_located, load_study
from scorer.ranking import DEFAULT_METHOD, METHODS, assess, assess_all, rank as rank_proposals
from scorer.render import Report
from scorer.scoring import resolve_scenario

from .app import app
from .common import (SUFFIX, Format, FormatOpt, OutputOpt, ScenarioOpt, ScenariosOpt, StudyOpt, chosen_format, emit,
                     emit_text, format_option, once_per_dimension, stages, viewed)
from .parsing import parse_levels

MethodOpt = Annotated[str, typer.Option(
    "--method", "-m", help=f"Ranking method: {', '.join(METHODS)}. support = influence-weighted share of "
    "stakeholders who accept.")]


@app.command()
@viewed(filters=True)
def rank(
    method: MethodOpt = DEFAULT_METHOD,
    ignore_ratification: Annotated[bool, typer.Option(
        "--ignore-ratification", help="Rank by score alone, not ratified proposals first.")] = False,
    scenario: ScenariosOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Rank the proposals, with venue and ratification per country, who accepts and who blocks; with
    several scenarios (--scenario all), each proposal's rank and ratification side by side."""
    s = load_study(study)
    scs = sweeps.scenarios(s, scenario)
    if len(scs) > 1:
        rankings = {sc.id: rank_proposals(s, sc, method, ignore_ratification) for sc in scs}
        emit(sweeps.rank_sweep(rankings, method), fmt, output, study=s, scenario=scs)
        return
    sc = scs[0]
    emit(reports.rank_table(rank_proposals(s, sc, method, ignore_ratification), method, sc.id), fmt, output,
         study=s, scenario=sc)


@app.command()
@viewed(filters=True)
def matrix(scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal,
           output: OutputOpt = None) -> None:
    """Stakeholders x proposals: each gain over the status quo, marked ✓ where the stakeholder accepts."""
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    emit(reports.matrix_table(s, assess_all(s, sc), sc.id), fmt, output, study=s, scenario=sc)


@app.command()
@viewed(filters=True)
def coalition(
    proposal: Annotated[str, typer.Argument(metavar="PROPOSAL", help="Proposal id.")],
    scenario: ScenariosOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Who accepts a proposal, chamber tallies, venue per country, blockers, pivotal and near-flip
    actors; with several scenarios (--scenario all), the verdicts of each side by side."""
    s = load_study(study)
    scs = sweeps.scenarios(s, scenario)
    if len(scs) > 1:
        found = {sc.id: assess(s, sc, proposal).coalition for sc in scs}
        emit(sweeps.coalition_sweep(s, proposal, found), fmt, output, title=proposal, study=s, scenario=scs)
        return
    sc = scs[0]
    emit(reports.coalition_report(s, proposal, assess(s, sc, proposal).coalition), fmt, output, title=proposal,
         study=s, scenario=sc)


@app.command()
@viewed()
def explain(
    proposal: Annotated[str, typer.Argument(metavar="PROPOSAL", help="Proposal id.")],
    stakeholder: Annotated[str, typer.Argument(metavar="STAKEHOLDER", help="Stakeholder id.")],
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Each dimension's contribution to a stakeholder's gain, with the evidence behind it, and where
    each number comes from (stakeholder file, scenario override or the model's mechanism; file:line)."""
    from scorer import analysis  # noqa: PLC0415  (not loaded for rank)
    from scorer.origins import sources, sources_table  # noqa: PLC0415

    s, locator, problems = load_located(study)
    if problems:
        raise StudyError(problems)
    sc = resolve_scenario(s, scenario)
    table = reports.explain_table(analysis.explain(s, sc, proposal, stakeholder))
    found = sources(s, locator, sc, proposal, stakeholder)
    report = Report([table, sources_table(found)], {**table.data, "sources": [x.as_dict() for x in found]})
    emit(report, fmt, output, study=s, scenario=sc)


@app.command()
@viewed(filters=True)
def whatif(
    proposal: Annotated[str, typer.Argument(metavar="PROPOSAL", help="Proposal id.")],
    settings: Annotated[Optional[list[str]], typer.Option(
        "--set", metavar="DIM=LEVEL", show_default=False, help="A level to set; repeat for several dimensions.")] = None,
    judge: Annotated[Optional[list[str]], typer.Option(
        "--judge", metavar="KIND:ID=VALUE", show_default=False,
        help="A judgment to set: salience:STAKEHOLDER.DIM, value:STAKEHOLDER.DIM.LEVEL, reservation:STAKEHOLDER, "
        "multiplier:DIM, seat:CHAMBER.BLOC, adjustment:STAKEHOLDER.interactions[I] or "
        "credence:STAKEHOLDER.conditional_red_lines[I] (0: not held) (the ids accord sensitivity prints); "
        "repeat for several.")] = None,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """The proposal with some dimensions (--set) or judgments (--judge) changed, against the
    original: gains, flips, ratification."""
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    if not settings and not judge:
        raise typer.BadParameter("give --set DIM=LEVEL or --judge KIND:ID=VALUE (or both)")
    levels = once_per_dimension(parse_levels(s, settings, "--set"), "--set")
    if judge:
        from scorer import judge as judging  # noqa: PLC0415

        w, changes = judging.whatif_judged(s, sc, proposal, levels, judging.parse(judge))
        emit(judging.judged_report(w, changes), fmt, output, study=s, scenario=sc)
        return
    from scorer import analysis  # noqa: PLC0415  (not loaded for rank)

    emit(reports.whatif_report(analysis.whatif(s, sc, proposal, levels)), fmt, output, study=s, scenario=sc)


@app.command()
@viewed()
def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="First proposal id.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Second proposal id.")],
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Two proposals side by side, pillar by pillar, with their outcomes."""
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    from scorer import analysis  # noqa: PLC0415  (not loaded for rank)

    emit(reports.compare_report(s, assess(s, sc, a), assess(s, sc, b), analysis.compare(s, sc, a, b)), fmt, output,
         title=f"{a} vs {b}", study=s, scenario=sc)


BriefFormatOpt = Annotated[Format, format_option("csv and jsonl hold the ranking.")]


@app.command()
@viewed(tables=False)  # --scenario as one id; the briefing lays out its own tables: no --table, --columns, --wide
def brief(
    method: MethodOpt = DEFAULT_METHOD,
    fragment: Annotated[bool, typer.Option(
        "--fragment", help="With --format latex: the body only, to paste into a document of your own "
        "(its first lines name the packages it needs).")] = False,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: BriefFormatOpt = Format.terminal,
    output: OutputOpt = None,
) -> None:
    """The briefing, headline first: what ratifies and what fails, who blocks and where, the cheapest
    unlock, the best package for both countries on the frontier and how robust it is, the gains
    that matter; appendices hold the full frontier, the full matrix and the evidence records. The
    date in its provenance line is SOURCE_DATE_EPOCH's when set, so runs can be byte-identical."""
    if fragment and fmt is not Format.latex:
        raise AccordError("--fragment applies to --format latex only")
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    from scorer.brief_text import render_brief  # noqa: PLC0415  (the brief's modules load for the brief only)
    from scorer.briefing import STAGES, brief as build_brief  # noqa: PLC0415
    from scorer.provenance import build_date, provenance, study_label  # noqa: PLC0415

    with stages(STAGES, "briefing") as stage:
        b = build_brief(s, sc, method, stage)
    b.provenance = provenance(find_study(study), study_label(study), sc.id, b.seed, build_date())
    fmt = chosen_format(fmt, output)
    text = render_brief(b, fmt.value, f"accord briefing: {s.manifest.name} ({sc.id})", fragment)
    emit_text(text, output, f"brief.{SUFFIX[fmt]}")
