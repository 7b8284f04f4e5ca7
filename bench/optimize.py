"""Benchmarks of the optimiser, reported as ratios measured in this one run (the machines are shared
and noisy, so absolute times mean little). Run: .venv/bin/python bench/optimize.py [--quick]

1. The shipped case: a fresh `accord optimize`, `unlock` and `frontier` against `accord rank`.
2. Generated studies of 20 dimensions x 4 levels x 30 stakeholders: time to a proven optimum.
3. The MILP against exhaustive enumeration (numpy, tests/oracle.py) on 10-12 dimensions: same
   answers, and the ratio of times.
Each with CBC and with HiGHS."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import oracle  # noqa: E402  (the tests' enumeration oracle)

from scorer import StudyError, load_study  # noqa: E402
from scorer.ranking import assess  # noqa: E402
from cli.parsing import parse_objective  # noqa: E402
from scorer.search import optimize  # noqa: E402
from scorer.solver import SOLVERS  # noqa: E402
from synthetic import synthetic_study  # noqa: E402
from scorer.concessions import unlock  # noqa: E402

ACCORD = [sys.executable, "-c", "from cli.command import run; run()"]
QUICK = "--quick" in sys.argv


def wall(cmd: list[str], repeat: int = 5) -> float:
    """Median wall time of a fresh process running `cmd` (exit codes 0 and 1 both count)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd[3:])} failed: {done.stderr.strip()}")
    return statistics.median(times)


def timed(fn, repeat: int = 3):
    """(median seconds, last result) of an in-process call."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def bench_shipped_case() -> None:
    print("== the shipped case (fresh processes, median of 5)")
    try:
        study = load_study(ROOT)
    except StudyError as err:
        print(f"   skipped: the shipped case does not load yet ({len(err.problems)} problems)")
        return
    sc = study.scenario()
    failing = [p for p in study.proposals if not assess(study, sc, p).coalition.ratified]
    bare = wall([sys.executable, "-c", "pass"])
    rank = wall(ACCORD + ["rank"])
    print(f"   bare python {bare:.3f} s; accord rank {rank:.3f} s")
    for solver in SOLVERS:
        opt = wall(ACCORD + ["optimize", "--solver", solver])
        line = f"   {solver}: optimize {opt:.3f} s ({opt / rank:.1f}x rank)"
        if failing:
            unl = wall(ACCORD + ["unlock", failing[0], "--solver", solver])
            line += f"; unlock {failing[0]} {unl:.3f} s ({unl / rank:.1f}x rank)"
        front = wall(ACCORD + ["frontier", "--solver", solver], repeat=3)
        print(line + f"; frontier {front:.3f} s")
    for solver in SOLVERS:
        t, result = timed(lambda: optimize(study, sc, solver=solver))
        print(f"   in-process optimize with {solver}: {t * 1000:.0f} ms, {result.status}, "
              f"objective {result.packages[0].objective if result.packages else None}")


def bench_generated(seeds: range) -> None:
    print("== generated studies, 20 dimensions x 4 levels x 30 stakeholders (in-process, build + solve)")
    totals = {s: 0.0 for s in SOLVERS}
    worst = {s: 0.0 for s in SOLVERS}
    for seed in seeds:
        study = synthetic_study(20, 4, 30, seed=seed)
        sc = study.scenario()
        answers = {}
        for solver in SOLVERS:
            for objective in ("maximin", "welfare", "support", "favour=mx"):
                t, result = timed(lambda: optimize(study, sc, parse_objective(objective), solver=solver), repeat=1)
                assert result.status == "optimal", (seed, solver, objective, result.status)
                answers.setdefault(objective, []).append(result.packages[0].objective)
                totals[solver] += t
                worst[solver] = max(worst[solver], t)
            for proposal in study.proposals:
                t, _ = timed(lambda: unlock(study, sc, proposal, solver=solver), repeat=1)
                totals[solver] += t
                worst[solver] = max(worst[solver], t)
        for objective, values in answers.items():
            assert max(values) - min(values) < 1e-7, (seed, objective, values)
    for solver in SOLVERS:
        print(f"   {solver}: total {totals[solver]:.2f} s over {len(seeds)} studies x (4 objectives + "
              f"unlock of each proposal); slowest single call {worst[solver]:.3f} s (target < 10 s)")
    print(f"   ratio CBC / HiGHS: {totals['cbc'] / totals['highs']:.2f}")


def bench_against_enumeration(sizes: list[int]) -> None:
    print("== the MILP against exhaustive enumeration (numpy, every package), 4 levels x 30 stakeholders")
    for n in sizes:
        study = synthetic_study(n, 4, 30, seed=100 + n)
        sc = study.scenario()
        for objective in ("maximin", "welfare"):
            t_enum, (value, _) = timed(lambda: oracle.best_vectorised(study, sc, objective), repeat=1)
            line = f"   {n} dimensions ({4 ** n:,} packages), {objective}: enumeration {t_enum:.2f} s"
            for solver in SOLVERS:
                t, result = timed(lambda: optimize(study, sc, parse_objective(objective), solver=solver))
                same = abs(result.packages[0].objective - value) < 1e-9
                line += f"; {solver} {t:.3f} s (MILP/enumeration {t / t_enum:.4f}, same answer: {same})"
                assert same, (n, objective, solver, result.packages[0].objective, value)
            print(line)


if __name__ == "__main__":
    bench_shipped_case()
    bench_generated(range(2 if QUICK else 5))
    bench_against_enumeration([10] if QUICK else [10, 11, 12])
