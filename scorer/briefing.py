"""The briefing an analyst sends: for one scenario, what ratifies and what fails, who blocks and
where, the cheapest unlock for the leading failed proposal, the best package for both countries
on the frontier and how robust it is, and how far each verdict turns on open judgments. This
module computes the results; `headline` words them, `brief_sections` lays them out and the
`brief_*` modules render them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from .analysis import Explanation, explain
from .judgments import DEFAULT_SEED
from .models import Scenario, Study
from .ranking import DEFAULT_METHOD, RankRow, rank
from .compiled import compiled
from .ratification import CountryVerdict
from .render import Table

if TYPE_CHECKING:  # the optimiser's result types live in modules that import PuLP
    from .pareto import Frontier, FrontierPoint
    from .headline import Finding
    from .provenance import Provenance
    from .concessions import Unlock

STAGES = ("ranking", "frontier", "robustness", "track record")
BRIEF_SAMPLES = 2000  # enough for shares to +-0.02; the seed is fixed so the briefing is reproducible
CONTESTED = 0.9  # a verdict turns on the judgments when it holds in fewer than this share of worlds
SHOWN_PROPOSALS = 6  # proposals in the short gains matrix (the full one is an appendix)
FAILING_SHOWN = 2  # ... of which at least this many failing ones, where some fail
TURNING_POINTS = 4  # bends of the frontier shown besides its ends and the best point


class Block(NamedTuple):
    """One place where a proposal fails in a country: a named actor who rejects it, a chamber's
    majority party keeping it off the floor (`agenda gate`), a chamber vote short of its
    threshold, or an agenda setter ranking an item it moves beyond its capacity (`not tabled`,
    `place` the item, `reason` in words); with the accepting share and the share needed, and the
    records they rest on."""

    proposal: str
    country: str
    venue: str
    kind: str  # actor | agenda gate | chamber | not tabled
    place: str  # the actor or chamber id (the agenda item, when not tabled)
    share: float | None
    needed: float | None
    who: tuple[str, ...]
    evidence: tuple[str, ...]
    reason: str = ""


class Odds(NamedTuple):
    """How often a proposal (or the best package) is ratified over the sampled worlds."""

    proposal: str
    ratified_at_point: bool
    p_ratified: float
    low: float  # 95% Wilson interval of p_ratified
    high: float
    p_first: float | None
    decisive: tuple[str, ...]

    @property
    def contested(self) -> bool:
        """The point verdict fails to hold in at least 1 - CONTESTED of the worlds."""
        held = self.p_ratified if self.ratified_at_point else 1 - self.p_ratified
        return held < CONTESTED


class BestPackage(NamedTuple):
    """The frontier point with the highest worst gain over both countries (the maximin package)."""

    point: FrontierPoint
    odds: Odds


@dataclass
class Briefing:
    study: Study
    scenario: Scenario
    method: str
    rows: list[RankRow]
    blocks: list[Block]
    reasons: list[Explanation]  # why each blocker of a failing proposal rejects it
    unlock: Unlock | None  # for the leading failed proposal
    frontier: Frontier | None
    best: BestPackage | None
    turning: list[int]  # frontier points in the short table
    odds: list[Odds]  # most often ratified first
    samples: int
    seed: int
    shown_proposals: list[str]
    shown_stakeholders: list[str]
    track_record: Table | None = None  # the model's record against the study's historical episodes
    findings: list[Finding] = field(default_factory=list)
    provenance: Provenance | None = None

    @property
    def failed(self) -> list[RankRow]:
        return [r for r in self.rows if not r.ratified]

    @property
    def leading_failed(self) -> str | None:
        """The failing proposal ranked highest (the one worth unlocking first)."""
        return self.failed[0].proposal if self.failed else None


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a share (sound at 0 and 1, where the normal one collapses)."""
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def blocks(study: Study, scenario: Scenario, proposal: str, verdict: CountryVerdict) -> list[Block]:
    """Where the proposal fails in one country (nothing when it ratifies there)."""
    if verdict.ratified or verdict.venue is None:
        return []
    venue = verdict.venue.value
    country = study.institutions.countries[verdict.country]
    rule = country.venues[verdict.venue]
    out = [Block(proposal, verdict.country, venue, "actor", a, None, None, (a,), tuple(rule.evidence))
           for a in verdict.actors if a in verdict.blocking]
    for t in verdict.chambers.values():
        chamber = study.institutions.chambers[t.chamber]
        seats = scenario.seats[t.chamber].evidence if t.chamber in scenario.seats else []
        if not t.reaches_floor:
            party = [b for b in t.rejecting if b in verdict.blocking]
            out.append(Block(proposal, verdict.country, venue, "agenda gate", t.chamber, t.agenda_share,
                             t.agenda_threshold, tuple(party), tuple(dict.fromkeys([*chamber.evidence, *seats]))))
        elif not t.passed:
            shares = compiled(study, scenario).seats[t.chamber]
            no = tuple(sorted(t.rejecting, key=lambda b: (-shares[b], b)))
            out.append(Block(proposal, verdict.country, venue, "chamber", t.chamber, t.share, t.threshold, no,
                             tuple(dict.fromkeys([*rule.evidence, *chamber.evidence, *seats]))))
    return out


def turning_points(f: Frontier, best: int | None, bends: int = TURNING_POINTS) -> list[int]:
    """The frontier's ends, its best point for both countries, and `bends` more points chosen as
    Douglas-Peucker does: each time the point farthest from the line through the points chosen so
    far (in the chart's scale), so the short table traces the frontier's shape."""
    pts = f.points
    a, b = f.countries
    xs, ys = [p.gains[a] for p in pts], [p.gains[b] for p in pts]
    sx, sy = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    xy = [(x / sx, y / sy) for x, y in zip(xs, ys)]
    chosen = {0, len(pts) - 1} | {i for i, p in enumerate(pts) if p.point == best}

    def distance(i: int) -> float:
        lo = max(j for j in chosen if j < i)
        hi = min(j for j in chosen if j > i)
        (x0, y0), (x1, y1), (x, y) = xy[lo], xy[hi], xy[i]
        return abs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0)) / (math.hypot(x1 - x0, y1 - y0) or 1.0)

    for _ in range(bends):
        rest = [i for i in range(len(pts)) if i not in chosen]
        if not rest:
            break
        chosen.add(max(rest, key=lambda i: (distance(i), -i)))
    return [pts[i].point for i in sorted(chosen)]


def brief(study: Study, scenario: Scenario, method: str = DEFAULT_METHOD,
          stage: Callable[[str], None] | None = None) -> Briefing:
    """The briefing's results; `stage` is told as each of STAGES begins (the last two take seconds)."""
    from .headline import findings  # noqa: PLC0415

    stage = stage or (lambda name: None)
    stage("ranking")
    rows = rank(study, scenario, method)
    where = [Block(r.proposal, n.country, "agenda", "not tabled", n.item, None, None, (n.setter,), n.evidence, str(n))
             for r in rows for n in r.assessment.coalition.not_tabled]
    where += [x for r in rows for v in r.assessment.coalition.countries.values()
              for x in blocks(study, scenario, r.proposal, v)]
    reasons = [explain(study, scenario, r.proposal, s) for r in rows if not r.ratified
               for s in r.assessment.coalition.blocking if s in r.assessment.coalition.stances
               and any(s in v.blocking for v in r.assessment.coalition.countries.values())]
    stage("frontier")
    f, opened = frontier_of(study, scenario), None
    failed = [r.proposal for r in rows if not r.ratified]
    if failed:
        from .concessions import unlock  # noqa: PLC0415
        opened = unlock(study, scenario, failed[0], top=1)
    stage("robustness")
    odds, best = robustness(study, scenario, method, f)
    best_point = best.point.point if best else None
    shown = shown_proposals(rows, odds)
    stage("track record")
    from .backtest_reports import track_record_section  # noqa: PLC0415  (numpy, like the robustness stage)

    b = Briefing(study, scenario, method, rows, where, reasons, opened, f, best,
                 turning_points(f, best_point) if f and f.points else [], odds, BRIEF_SAMPLES, DEFAULT_SEED,
                 shown, shown_stakeholders(rows, shown), track_record_section(study))
    b.findings = findings(b)
    return b


def frontier_of(study: Study, scenario: Scenario) -> Frontier | None:
    """The US-Mexico frontier (or between the study's first two ratifying countries) in summary:
    its ends, its best point for both and its bends (`frontier_summary`); None when the study has
    fewer than two. PuLP loads only here, not for `rank`."""
    from .frontier_summary import summary_frontier  # noqa: PLC0415
    from .limits import Limits, ratifying_countries  # noqa: PLC0415

    countries = ratifying_countries(study)[:2]
    if len(countries) < 2:
        return None
    return summary_frontier(study, scenario, Limits(countries=countries))


def robustness(study: Study, scenario: Scenario, method: str, f: Frontier | None) -> tuple[list[Odds], BestPackage | None]:
    """Per proposal, how often it is ratified and ranks first when the judgments move within their
    ranges, and the judgments its verdict hinges on most; and the same odds for the frontier's
    best point, on the same worlds. numpy loads only here."""
    from .sampling import robust  # noqa: PLC0415
    from .robust_reports import decisive  # noqa: PLC0415
    from .stability import sensitivity  # noqa: PLC0415

    point = max(f.points, key=lambda p: (min(p.gains.values()), -p.point)) if f is not None and f.points else None
    also = {"best": (point.package, f.countries)} if point is not None else None
    result = robust(study, scenario, BRIEF_SAMPLES, DEFAULT_SEED, method=method, roles=False, also=also)
    n = result.samples
    odds = [Odds(o.proposal, o.ratified_at_point, o.ratified / n, *wilson(o.ratified, n), o.first / n,
                 tuple(decisive(sensitivity(study, scenario, o.proposal, ranged_only=True, decisive_only=True))))
            for o in result.odds]
    best = None
    if point is not None:
        count = result.also["best"]
        best = BestPackage(point, Odds(f"frontier point {point.point}", point.coalition.ratified, count / n,
                                       *wilson(count, n), None, ()))
    return odds, best


def shown_proposals(rows: list[RankRow], odds: list[Odds], n: int = SHOWN_PROPOSALS) -> list[str]:
    """The proposals that matter in the scenario, in rank order: the best ratified ones and the best
    failing ones (at least FAILING_SHOWN of those where there are), `n` in all, and any whose verdict
    turns on the judgments."""
    contested = {o.proposal for o in odds if o.contested}
    ratified = [r.proposal for r in rows if r.ratified]
    failed = [r.proposal for r in rows if not r.ratified]
    ratified = ratified[:n - min(FAILING_SHOWN, len(failed))]
    keep = ratified + failed[:n - len(ratified)]
    return [r.proposal for r in rows if r.proposal in keep or r.proposal in contested]


def shown_stakeholders(rows: list[RankRow], shown: list[str]) -> list[str]:
    """The stakeholders that decide the shown proposals: the actors each venue names, the blocs of
    the chambers that vote, and whoever is pivotal or blocking; in study order."""
    keep: set[str] = set()
    for r in rows:
        if r.proposal not in shown:
            continue
        c = r.assessment.coalition
        keep |= set(c.pivotal) | set(c.blocking)
        for v in c.countries.values():
            keep |= set(v.actors)
            for t in v.chambers.values():
                keep |= set(t.accepting) | set(t.rejecting)
    first = rows[0].assessment.coalition.stances if rows else {}
    return [s for s in first if s in keep]
