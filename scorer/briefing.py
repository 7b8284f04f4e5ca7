"""The briefing: ranking, matrix, ratification by country, pivotal actors, and per proposal the
main blockers and why, assembled as tables for one scenario."""

from __future__ import annotations

from collections.abc import Callable

from .analysis import explain
from .models import Scenario, Study
from .ranking import DEFAULT_METHOD, rank
from .render import Table
from .reports import blocker_reasons, matrix_table, rank_table


STAGES = ("ranking", "frontier", "robustness")


def brief(study: Study, scenario: Scenario, method: str = DEFAULT_METHOD,
          stage: Callable[[str], None] | None = None) -> list[Table]:
    """The briefing's tables; `stage` is told as each of STAGES begins (the last two take seconds)."""
    stage = stage or (lambda name: None)
    stage("ranking")
    rows = rank(study, scenario, method)
    assessments = [r.assessment for r in rows]
    ratification = [[a.proposal, k, v.venue.value if v.venue else "none", v.ratified, ", ".join(v.blocking)]
                    for a in assessments for k, v in a.coalition.countries.items()]
    pivotal = [[a.proposal, a.coalition.ratified, ", ".join(a.coalition.pivotal) or "-"] for a in assessments]
    reasons = []
    for a in assessments:
        if not a.coalition.ratified:
            reasons += blocker_reasons(study, {s: explain(study, scenario, a.proposal, s)
                                              for s in a.coalition.blocking if s in a.coalition.stances})
    tables = [
        rank_table(rows, method, scenario.id),
        matrix_table(study, assessments, scenario.id),
        Table("ratification", "Ratification by country", ["proposal", "country", "venue", "ratified", "blocking"],
              ratification),
        Table("pivotal", "Pivotal stakeholders (one change of mind flips the result)",
              ["proposal", "ratified", "pivotal"], pivotal),
        Table("blockers", "Main blockers and why", ["proposal", "blocker", "gain", "reservation", "why"], reasons),
    ]
    stage("frontier")
    tables += frontier_section(study, scenario)
    stage("robustness")
    from .backtest_reports import track_record_section  # noqa: PLC0415
    return tables + [robustness_section(study, scenario, method), track_record_section(study)]


def frontier_section(study: Study, scenario: Scenario) -> list[Table]:
    """The US-Mexico frontier with the proposals placed on it (the HTML shows a chart); empty when
    the study has fewer than two ratifying countries. PuLP loads only here, not for `rank`."""
    from .pareto import frontier  # noqa: PLC0415
    from .limits import Limits, ratifying_countries  # noqa: PLC0415
    from .optimize_reports import frontier_tables  # noqa: PLC0415

    countries = ratifying_countries(study)[:2]
    if len(countries) < 2:
        return []
    return frontier_tables(study, frontier(study, scenario, Limits(countries=countries)))


BRIEF_SAMPLES = 2000  # enough for shares to +-0.02; the seed is fixed so the briefing is reproducible


def robustness_section(study: Study, scenario: Scenario, method: str = DEFAULT_METHOD) -> Table:
    """Per proposal, how often it is ratified and ranks first when the judgments move within
    their ranges, and the judgments its verdict hinges on most. numpy loads only here."""
    from .judgments import DEFAULT_SEED  # noqa: PLC0415
    from .sampling import robust  # noqa: PLC0415
    from .robust_reports import decisive  # noqa: PLC0415
    from .stability import sensitivity  # noqa: PLC0415

    result = robust(study, scenario, BRIEF_SAMPLES, DEFAULT_SEED, method=method)
    rows, data = [], []
    for o in result.odds:
        hinges = decisive(sensitivity(study, scenario, o.proposal, ranged_only=True))
        p_ratified, p_first = o.ratified / result.samples, o.first / result.samples
        rows.append([o.proposal, o.ratified_at_point, p_ratified, p_first, "; ".join(hinges) or "-"])
        data.append({"proposal": o.proposal, "ratified_at_point": o.ratified_at_point,
                     "p_ratified": round(p_ratified, 6), "p_first": round(p_first, 6), "decisive": hinges})
    return Table("robustness", f"Robustness: {result.samples} worlds with the judgments drawn within their ranges "
                 f"(seed {result.seed})", ["proposal", "ratified (point)", "p ratified", "p first",
                                           "decisive judgments (share of range where ratification flips)"],
                 rows, data=data, notes=["accord robust and accord sensitivity PROPOSAL give the detail"])
