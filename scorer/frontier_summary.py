"""The frontier in a few solves, for the brief: its two ends, its best point for both countries
and its turning points, not every step (`accord frontier` traces every step: `pareto`).

The ends come first: the most for the second country (then the most for the first keeping that),
and the most for the first (then the most for the second keeping that). Between two known points
P (left) and Q (right) any other frontier point lies in the gap's box, more than P for the first
country and more than Q for the second, and below its corner (Q's gain for the first, P's for the
second). One solve splits a gap: it maximises the sum of the two floors weighted by the normal of
the line from P to Q over the box. The box holds every package that dominates one in it, and both
weights are positive, so the package found is on the frontier (no second solve needed to confirm
it), and it is the gap's point farthest from that line: the bend there. No package found: the gap
holds no point, and it closes. Where the gap is split for the best point, the box is narrowed to
the packages whose worst gain beats the best found (or equals it, left of the best, where the full
frontier lists an equal one first): no package found there, the gap cannot hold a better point.

Which gap next: first any gap whose corner could beat the best point found (a point inside a gap
has a worst gain below its corner's) and that no solve has cleared; then the gap whose corner lies
farthest from the line between its points, in the chart's scale. A gap is left unsplit for the best
point only when its corner cannot beat the best found or a solve cleared it, so the best point is
the full frontier's whatever the budget; the search stops at `BUDGET` solves (more only where the
best point needs them) or when no gap is open. Points are numbered in the summary's own order, the
first country's gain rising.

A proposal is placed against the points found: on one of them; inside, with the point found that
improves it most evenly (a point left out may improve it more evenly: `accord frontier` names that
one); beyond only when no open gap's corner is as good for both, else "not computed"."""

from __future__ import annotations

import math
import time
from typing import NamedTuple

from .limits import Limits
from .milp import maximise
from .models import Scenario, Study
from .pareto import STEP, TIE, Frontier, FrontierPoint, Placement, country_gains, place, programme
from .search import verify
from .solver import Session, default_solver

BUDGET = 14  # solves: the two ends take four, each split or closed gap one more


class Gap(NamedTuple):
    """The open box between two adjacent known points, by their gains (left: more for the second
    country)."""

    left: tuple[float, float]
    right: tuple[float, float]
    cleared: bool = False  # proven to hold no point better for both than the best found

    @property
    def corner(self) -> tuple[float, float]:
        return self.right[0], self.left[1]


def summary_frontier(study: Study, scenario: Scenario, limits: Limits = Limits(), solver: str | None = None,
                     budget: int = BUDGET) -> Frontier:
    """The frontier's ends, best point for both countries and bends, in at most `budget` solves
    (more only where the best point needs them); `status` is `optimal` when no gap was left open."""
    solver = solver or default_solver()
    start = time.perf_counter()
    limits, model, form, floor_a, floor_b = programme(study, scenario, limits)
    a, b = limits.countries
    low = min(form.bounds[s][0] for s in form.bounds) - 1.0
    eps_a = form.prob.add_variable("epsilon_a", lowBound=low, upBound=None)
    eps_b = form.prob.add_variable("epsilon_b", lowBound=low, upBound=None)
    form.add(floor_a >= eps_a, f"frontier_floor_{a}")
    form.add(floor_b >= eps_b, f"frontier_floor_{b}")
    found: dict[tuple[float, float], FrontierPoint] = {}
    proven, solves = True, 0
    session = Session(form.prob, solver)

    def solve(objective, at_least_a: float, at_least_b: float) -> FrontierPoint | None:
        """The best package by `objective` with each floor at least the bound given; None when
        there is none."""
        nonlocal proven, solves
        solves += 1
        eps_a.lowBound, eps_b.lowBound = at_least_a, at_least_b
        maximise(form, objective)
        solved = session.run()
        if not solved.found:
            proven = proven and solved.status == "infeasible"
            return None
        proven = proven and solved.status == "optimal"
        package = form.package()
        c = verify(model, package, limits)
        return FrontierPoint(0, country_gains(study, c, package, (a, b)), package, c)

    def key(p: FrontierPoint) -> tuple[float, float]:
        return p.gains[a], p.gains[b]

    top = solve(floor_b, low, low)
    if top is None:
        return Frontier(scenario.id, (a, b), solver, "infeasible" if proven else "not_solved", (), (),
                        time.perf_counter() - start, summary=True)
    first = solve(floor_a, low, top.gains[b] - TIE) or top
    right = solve(floor_a, low, low) or first
    last = solve(floor_b, right.gains[a] - TIE, low) or right
    for p in (first, last):
        found[key(p)] = p
    ends = sorted(found)
    scale = ((ends[-1][0] - ends[0][0]) or 1.0, (ends[0][1] - ends[-1][1]) or 1.0)

    def best_of(points) -> tuple[float, float]:
        """The full frontier's best point for both: the highest worst gain, the leftmost of equals."""
        return max(points, key=lambda g: (min(g), -g[0]))

    def priority(g: Gap, best: tuple[float, float]) -> tuple[int, float]:
        """Gaps that could hold a better maximin point first, then the farthest corner from the chord."""
        (x0, y0), (x1, y1), (cx, cy) = g.left, g.right, g.corner
        dx, dy = (x1 - x0) / scale[0], (y1 - y0) / scale[1]
        far = abs(dx * (y0 - cy) / scale[1] - (x0 - cx) / scale[0] * dy) / (math.hypot(dx, dy) or 1.0)
        return (0 if min(g.corner) > min(best) and not g.cleared else 1, -far)

    gaps = [Gap(l, r) for l, r in zip(ends, ends[1:])]
    while gaps:
        best = best_of(found)
        gaps.sort(key=lambda g: priority(g, best))
        g = gaps.pop(0)
        maximin = not priority(g, best)[0]
        if not maximin and solves >= budget:
            gaps.append(g)
            break
        (x0, y0), (x1, y1) = g.left, g.right
        at_least = (x0 + STEP, y1 + 2 * TIE)
        if maximin:  # only where the worst gain beats the best's (or equals it, left of the best)
            floor = min(best) + (TIE if x0 >= best[0] else 0.0)
            at_least = (max(at_least[0], floor), max(at_least[1], floor))
        p = solve((y0 - y1) * floor_a + (x1 - x0) * floor_b, *at_least)
        if p is None:
            if maximin and proven:
                gaps.append(g._replace(cleared=True))
            continue
        x, y = key(p)
        if not (x0 + STEP / 2 <= x and y > y1 + TIE and (x, y) not in found):
            proven = False  # the solver met the box only within its tolerance: leave the gap
            continue
        found[(x, y)] = p
        gaps += [Gap(g.left, (x, y), g.cleared), Gap((x, y), g.right, g.cleared)]  # parts of a cleared gap are too

    points = [found[k]._replace(point=i + 1) for i, k in enumerate(sorted(found))]
    status = "optimal" if proven and not gaps else "partial" if proven else "feasible"
    placements = tuple(place_in_summary(study, scenario, (a, b), points, gaps, x, proven) for x in study.proposals)
    return Frontier(scenario.id, (a, b), solver, status, tuple(points), placements, time.perf_counter() - start,
                    summary=True)


def place_in_summary(study: Study, scenario: Scenario, countries: tuple[str, str], points: list[FrontierPoint],
                     gaps: list[Gap], proposal_id: str, proven: bool = True) -> Placement:
    """Where the proposal sits relative to the points found: on one of them, inside (the point
    named improves it most evenly among those found), or beyond; "not computed" instead of beyond
    where an open gap could hold a point as good for both."""
    x = place(study, scenario, countries, points, proposal_id, proven)
    ga, gb = (x.gains[k] for k in countries)
    if x.position != "beyond" or not (math.isfinite(ga) and math.isfinite(gb)):
        return x
    if any(cx > ga - TIE and cy > gb - TIE for cx, cy in (g.corner for g in gaps)):
        return x._replace(position="not computed")
    return x
