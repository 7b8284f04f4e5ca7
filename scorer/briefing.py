"""The briefing: ranking, matrix, ratification by country, pivotal actors, and per proposal the
main blockers and why, assembled as tables for one scenario."""

from __future__ import annotations

from .analysis import explain
from .models import Scenario, Study
from .ranking import DEFAULT_METHOD, rank
from .render import Table
from .reports import blocker_reasons, matrix_table, rank_table


def brief(study: Study, scenario: Scenario, method: str = DEFAULT_METHOD) -> list[Table]:
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
    return [
        rank_table(rows, method, scenario.id),
        matrix_table(study, assessments, scenario.id),
        Table("ratification", "Ratification by country", ["proposal", "country", "venue", "ratified", "blocking"],
              ratification),
        Table("pivotal", "Pivotal stakeholders (one change of mind flips the result)",
              ["proposal", "ratified", "pivotal"], pivotal),
        Table("blockers", "Main blockers and why", ["proposal", "blocker", "gain", "reservation", "why"], reasons),
    ]
