"""Commands that score proposals: rank, matrix, coalition, explain, whatif, compare, brief."""

from __future__ import annotations

from typing import Annotated

import typer

from scorer import analysis, reports
from scorer.brief_text import render_brief
from scorer.briefing import STAGES, brief as build_brief
from scorer.errors import AccordError
from scorer.loading import find_study, load_study
from scorer.provenance import build_date, provenance, study_label
from scorer.ranking import DEFAULT_METHOD, METHODS, assess, assess_all, rank as rank_proposals
from scorer.scoring import resolve_scenario

from .app import app
from .common import Format, FormatOpt, OutputOpt, ScenarioOpt, StudyOpt, emit, emit_text, stages

MethodOpt = Annotated[str, typer.Option(
    "--method", "-m", help=f"Ranking method: {', '.join(METHODS)}. support = influence-weighted share of "
    "stakeholders who accept.")]


@app.command()
def rank(
    method: MethodOpt = DEFAULT_METHOD,
    ignore_ratification: Annotated[bool, typer.Option(
        "--ignore-ratification", help="Rank by score alone, not ratified proposals first.")] = False,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Rank the proposals, with venue and ratification per country, supporters and blockers."""
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    emit(reports.rank_table(rank_proposals(s, sc, method, ignore_ratification), method, sc.id), fmt, output)


@app.command()
def matrix(scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal,
           output: OutputOpt = None) -> None:
    """Stakeholders x proposals: each gain over the status quo, marked ✓ where the stakeholder accepts."""
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    emit(reports.matrix_table(s, assess_all(s, sc), sc.id), fmt, output)


@app.command()
def coalition(
    proposal: Annotated[str, typer.Argument(help="Proposal id.")],
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Who accepts a proposal, chamber tallies, venue per country, blockers, pivotal and near-flip actors."""
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    emit(reports.coalition_report(s, proposal, assess(s, sc, proposal).coalition), fmt, output, title=proposal)


@app.command()
def explain(
    proposal: Annotated[str, typer.Argument(help="Proposal id.")],
    stakeholder: Annotated[str, typer.Argument(help="Stakeholder id.")],
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Each dimension's contribution to a stakeholder's gain, with the evidence behind it."""
    s = load_study(study)
    emit(reports.explain_table(analysis.explain(s, resolve_scenario(s, scenario), proposal, stakeholder)), fmt, output)


@app.command()
def whatif(
    proposal: Annotated[str, typer.Argument(help="Proposal id.")],
    settings: Annotated[list[str], typer.Option("--set", help="DIM=LEVEL; repeat for several dimensions.")],
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """The proposal with some dimensions changed, against the original: gains, flips, ratification."""
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    emit(reports.whatif_report(analysis.whatif(s, sc, proposal, dict(analysis.parse_levels(s, settings, "--set")))), fmt, output)


@app.command()
def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="First proposal id.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Second proposal id.")],
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """Two proposals side by side, pillar by pillar, with their outcomes."""
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    emit(reports.compare_report(s, assess(s, sc, a), assess(s, sc, b), analysis.compare(s, a, b)), fmt, output,
         title=f"{a} vs {b}")


@app.command()
def brief(
    method: MethodOpt = DEFAULT_METHOD,
    fragment: Annotated[bool, typer.Option(
        "--fragment", help="With --format latex: the body only, to paste into a document of your own "
        "(its first lines name the packages it needs).")] = False,
    scenario: ScenarioOpt = None, study: StudyOpt = None, fmt: FormatOpt = Format.terminal, output: OutputOpt = None,
) -> None:
    """The briefing, headline first: what ratifies and what fails, who blocks and where, the cheapest
    unlock, the best package for both countries on the frontier and how robust it is, the gains
    that matter; appendices hold the full frontier, the full matrix and the evidence records. The
    date in its provenance line is SOURCE_DATE_EPOCH's when set, so runs can be byte-identical."""
    if fragment and fmt is not Format.latex:
        raise AccordError("--fragment applies to --format latex only")
    s = load_study(study)
    sc = resolve_scenario(s, scenario)
    with stages(STAGES, "briefing") as stage:
        b = build_brief(s, sc, method, stage)
    b.provenance = provenance(find_study(study), study_label(study), sc.id, b.seed, build_date())
    text = render_brief(b, fmt.value, f"accord briefing: {s.manifest.name} ({sc.id})", fragment)
    emit_text(text, output)
