"""Running a MILP solver on a built programme: the solver's choice and options, its status and
gap, CBC's known false "infeasible" verdicts, its temporary files, and the solver's own output
kept off standard output."""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal, NamedTuple

import pulp

from .compiled import MILP_FEASIBILITY, MILP_GAP
from .errors import AccordError
from .solver_runs import contained

# HiGHS first: in bench/optimize.py it proved the optima faster than CBC on the shipped case and on
# generated studies (it runs in-process; CBC is a subprocess reading an MPS file). CBC is the fallback.
SOLVERS = ("highs", "cbc")
Status = Literal["optimal", "feasible", "infeasible", "unbounded", "not_solved"]


class Solve(NamedTuple):
    status: Status  # feasible: a package found, not proven optimal (a time limit)
    gap: float | None
    seconds: float

    @property
    def found(self) -> bool:
        return self.status in ("optimal", "feasible")


def default_solver() -> str:
    for name in SOLVERS:
        if _solver(name, None, check=False) is not None:
            return name
    raise AccordError("no MILP solver is available: install highspy, or PuLP with its bundled CBC")


def _solver(name: str, time_limit: float | None, check: bool = True, preprocess: bool = False):
    if name == "highs":
        # One thread: HiGHS's branch and bound is serial, and on our small programmes its worker pool
        # only competes for the cores (the shipped case's frontier: the same points in less time).
        solver = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=MILP_GAP, gapAbs=MILP_GAP, threads=1,
                            mip_feasibility_tolerance=MILP_FEASIBILITY, primal_feasibility_tolerance=MILP_FEASIBILITY)
        if solver.available():
            return solver
        solver = pulp.HiGHS_CMD(msg=False, timeLimit=time_limit, gapRel=MILP_GAP, gapAbs=MILP_GAP, threads=1,
                                options=[f"mip_feasibility_tolerance={MILP_FEASIBILITY}",
                                         f"primal_feasibility_tolerance={MILP_FEASIBILITY}"])
        if solver.available():
            return solver
    elif name == "cbc":
        # CBC 2.10's preprocessing gives wrong answers on our programmes: it declares feasible ones
        # infeasible (coin-or/Cbc#740, #747) and returns a package one tie-break worse than the
        # optimum while reporting "optimal" (unlock proposal0 on synthetic_study(12, 3, 14, seed=15),
        # scenario shifted, third alternative). It runs without; in bench/optimize.py that costs
        # nothing measurable on the shipped case. PuLP 3 warns that PULP_CBC_CMD goes away in PuLP 4;
        # pyproject pins PuLP 3 for its bundled CBC.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=MILP_GAP, gapAbs=MILP_GAP,
                                       options=[f"primalTolerance {MILP_FEASIBILITY}",
                                                f"integerTolerance {MILP_FEASIBILITY}"]
                                       + ([] if preprocess else ["preprocess off"]))
        if solver.available():
            return solver
    elif check:
        raise AccordError(f"unknown solver '{name}' (expected one of: {', '.join(SOLVERS)})")
    if check:
        other = "cbc" if name == "highs" else "highs"
        raise AccordError(f"solver '{name}' is not installed (solver '{other}' may be)")
    return None


@contextmanager
def stdout_guarded() -> Iterator[None]:
    """File descriptor 1 points at the null device while a solver runs: HiGHS (1.16) prints its
    banner there from C++, past any `msg=False`, and would corrupt the JSON a user pipes on."""
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def run(prob: pulp.LpProblem, solver: str, time_limit: float | None) -> Solve:
    """Solve the programme as it stands with the named solver (never PuLP's default)."""
    start = time.perf_counter()
    # PuLP leaves a command-line solver's scratch files behind when it raises (below), and Ctrl-C
    # would leave CBC running: the run is contained, its files in a folder removed at the end.
    with stdout_guarded(), contained() as private:
        try:
            prob.solve(private(_solver(solver, time_limit)))
        except pulp.PulpSolverError:
            if solver != "cbc":
                raise
            # Without preprocessing CBC stops before writing a solution file when its bound
            # tightening alone proves the programme infeasible, which PuLP reports as an error.
            # With preprocessing it writes one: its verdict is taken (a package it returns is
            # verified by the scoring code like any other; a second error is raised).
            prob.solve(private(_solver(solver, time_limit, preprocess=True)))
    return _outcome(prob, time.perf_counter() - start)


def _outcome(prob: pulp.LpProblem, seconds: float) -> Solve:
    """The status and gap of the solve just run on `prob`."""
    sol = prob.sol_status
    if sol == pulp.LpSolutionOptimal:
        status = "optimal"
    elif sol == pulp.LpSolutionIntegerFeasible:
        status = "feasible"
    elif sol == pulp.LpSolutionInfeasible or prob.status == pulp.LpStatusInfeasible:
        status = "infeasible"
    elif sol == pulp.LpSolutionUnbounded:
        status = "unbounded"
    else:
        status = "not_solved"
    gap = None
    model = getattr(prob, "solverModel", None)
    if status in ("optimal", "feasible") and model is not None and hasattr(model, "getInfo"):
        gap = float(model.getInfo().mip_gap)
        gap = max(0.0, gap) if status == "optimal" else gap
    elif status == "optimal":
        gap = 0.0
    return Solve(status, gap if gap is None or math.isfinite(gap) else None, seconds)


class Session:
    """Solves of one programme whose variables and constraints stay as built, each under the
    objective and variable bounds the problem holds at that moment. With HiGHS in process the
    programme is passed to the solver once, through PuLP's own build, and each later solve only
    sets its costs and bounds anew: PuLP would rebuild it row by row every time. With any other
    solver each solve is a `run`."""

    def __init__(self, prob: pulp.LpProblem, solver: str, time_limit: float | None = None) -> None:
        self.prob, self.solver, self.time_limit = prob, solver, time_limit
        highs = _solver(solver, time_limit) if solver == "highs" else None
        self.highs = highs if isinstance(highs, pulp.HiGHS) else None
        if self.highs is not None:
            # Feasibility jump, a heuristic HiGHS runs before the first LP, took a quarter of its time
            # on the brief's frontier (small programmes, one node each) and changed no package found.
            self.highs.optionsDict["mip_heuristic_run_feasibility_jump"] = False
        self.columns: list[pulp.LpVariable] = []
        self.known: set[int] = set()
        self.rows = 0

    def run(self) -> Solve:
        if self.highs is None:
            return run(self.prob, self.solver, self.time_limit)
        start = time.perf_counter()
        prob, highs = self.prob, self.highs
        with stdout_guarded():
            if not self.columns:
                highs.createAndConfigureSolver(prob)
                highs.buildSolverModel(prob)  # numbers the columns in the order of prob.variables()
                self.columns, self.rows = list(prob.variables()), prob.numConstraints()
                self.known = {id(v) for v in self.columns}
            else:
                self._reset()
            highs.callSolver(prob)
        prob.assignStatus(*highs.findSolutionValues(prob))
        return _outcome(prob, time.perf_counter() - start)

    def _reset(self) -> None:
        """The kept programme's costs and column bounds set to the problem's current ones."""
        import highspy  # noqa: PLC0415  (installed: PuLP's in-process HiGHS is)

        prob, columns = self.prob, self.columns
        # Only costs and column bounds are passed on: a row added or removed, or a new column in the
        # objective, is refused; a row changed in place is not seen (no caller changes one).
        if prob.numConstraints() != self.rows or any(id(v) not in self.known for v in prob.objective):
            raise RuntimeError("a kept programme gained or lost a row, or its objective a new column")
        infinity = highspy.kHighsInf
        sign = -1 if prob.sense == pulp.LpMaximize else 1
        index = list(range(len(columns)))
        prob.solverModel.changeColsCost(len(columns), index, [sign * prob.objective.get(v, 0.0) for v in columns])
        prob.solverModel.changeColsBounds(len(columns), index,
                                          [-infinity if v.lowBound is None else v.lowBound for v in columns],
                                          [infinity if v.upBound is None else v.upBound for v in columns])
