"""Benchmark of `accord robust`: sampled worlds per second over every proposal of the shipped case
(target: 100,000 worlds in about two seconds or less), and the peak memory of a 10-million-world
run in a fresh process (target: under 1 GiB), and the time `optimize --robust` takes. The machines are shared and
noisy: the best of a few runs is reported for speed.

Run: .venv/bin/python bench/robust.py [--study DIR] [--scenario ID] [--big 10000000] [--skip-big]"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import json, resource, sys, time
from scorer.loading import load_study
from scorer.sampling import robust
from scorer.scoring import resolve_scenario
study = load_study(sys.argv[1] or None)
scenario = resolve_scenario(study, sys.argv[2] or None)
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = robust(study, scenario, int(sys.argv[3]))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "loaded_kib": loaded,
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def in_process(study_dir: str | None, scenario_id: str | None, samples: int, repeat: int = 3) -> None:
    from scorer.loading import load_study
    from scorer.sampling import compile_kernel, robust
    from scorer.scoring import resolve_scenario

    study = load_study(study_dir)
    scenario = resolve_scenario(study, scenario_id)
    kernel = compile_kernel(study, scenario)
    robust(study, scenario, 1000)  # warm up: imports, caches
    best = min(_timed(robust, study, scenario, samples)[1] for _ in range(repeat))
    print(f"{study.manifest.name} ({scenario.id}): {len(kernel.proposals)} proposals, "
          f"{len(kernel.stakeholders)} stakeholders, {kernel.levels.shape[2]} dimensions, "
          f"{len(kernel.judgments)} ranged judgments")
    print(f"{samples:,} worlds in {best:.2f} s (best of {repeat}): {samples / best:,.0f} worlds/s "
          f"(target: {samples:,} in about 2 s)")


def big(study_dir: str | None, scenario_id: str | None, samples: int) -> None:
    out = subprocess.run([sys.executable, "-c", CHILD, study_dir or "", scenario_id or "", str(samples)],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    run = json.loads(out)
    peak, loaded = run["peak_kib"] / 2**20, run["loaded_kib"] / 2**20
    print(f"{samples:,} worlds in {run['seconds']:.1f} s: {samples / run['seconds']:,.0f} worlds/s; "
          f"peak memory {peak:.3f} GiB ({loaded:.3f} GiB after loading the study; target: under 1 GiB)")


def robust_package(study_dir: str | None, scenario_id: str | None, worlds: int) -> None:
    from scorer.loading import load_study
    from scorer.robust_search import robust_optimize
    from scorer.scoring import resolve_scenario

    study = load_study(study_dir)
    scenario = resolve_scenario(study, scenario_id)
    r, seconds = _timed(robust_optimize, study, scenario, worlds)
    share = lambda c: "none" if c is None else f"{c.out_of_sample / r.fresh_worlds:.3f}"  # noqa: E731
    print(f"optimize --robust {worlds}: {seconds:.1f} s (solver {r.solver}, {r.status}); a deal in "
          f"{share(r.robust)} of {r.fresh_worlds:,} fresh worlds, the plain {r.objective} optimum in {share(r.plain)}")


def _timed(fn, *args):
    """What fn returns, and the seconds it took."""
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", help="Study folder (default: the shipped case).")
    parser.add_argument("--scenario", help="Scenario id (default: the study's default).")
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=10_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--worlds", type=int, default=200, help="Worlds for optimize --robust.")
    args = parser.parse_args()
    in_process(args.study, args.scenario, args.samples)
    robust_package(args.study, args.scenario, args.worlds)
    if not args.skip_big:
        big(args.study, args.scenario, args.big)


if __name__ == "__main__":
    main()
