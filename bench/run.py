"""All the benchmarks, each reported as a ratio measured in this one run (the machines are shared
and noisy, so absolute times mean little): the cold start of `accord rank` and the backtest
here, then bench/optimize.py and bench/robust.py.

Run: .venv/bin/python bench/run.py [--quick]   (--quick: smaller optimiser runs, no 10M-world run)"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCORD = [sys.executable, "-c", "import sys; from cli.main import main; sys.exit(main())"]


def wall(cmd: list[str], repeat: int = 7) -> float:
    """Median wall time of a fresh process running `cmd`."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_cold_rank() -> None:
    bare = wall([sys.executable, "-c", "pass"])
    rank = wall(ACCORD + ["rank"])
    print(f"cold `accord rank` on the shipped case: {rank:.3f} s; bare python start: {bare:.3f} s; "
          f"ratio {rank / bare:.1f}x (target: well under 0.5 s)")


def bench_backtest() -> None:
    rank = wall(ACCORD + ["rank"], 3)
    backtest = wall(ACCORD + ["backtest", "--format", "json"], 3)
    print(f"`accord backtest` on the shipped case (10,000 worlds per scenario): {backtest:.2f} s, "
          f"{backtest / rank:.1f}x a cold `accord rank` (target: a few seconds)")


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    print("== cold start", flush=True)
    bench_cold_rank()
    print("== backtest", flush=True)
    bench_backtest()
    for script, flags in (("optimize.py", ["--quick"]), ("robust.py", ["--skip-big"])):
        print(f"== bench/{script}", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / script), *(flags if quick else [])], cwd=ROOT, check=True)
