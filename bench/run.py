"""All the benchmarks, each figure printed beside the previous one (bench/previous.json). The machines
are shared and noisy, so times are compared within this one run, as ratios of paired runs: A and B
alternate (A B, B A, A B, ...) so that drift hits both, and the median of the per-pair ratios is
reported, for wall time and for CPU time (user + system, which other load on the machine disturbs
less). Timings are of whole processes (time.perf_counter, resource) or of in-process calls. The
backtest on the shipped case is timed against a cold `accord rank` the same way.

1. Start-up, in fresh processes: `accord rank` and `accord --help` against the import floor of
   accord's own libraries (`python -c "import pydantic, typer"`); `accord rank` with a cold study
   cache (--no-cache) as well; `accord brief` against `accord rank`, with the study cache and without
   (both --no-cache), and the brief's floor (BRIEF_FLOOR: rank, the solver imports and the frontier
   summary, which the brief cannot shed without changing its answers) against `accord rank`. accord's modules are compiled
   to bytecode first, as an installed accord's are (pip compiles a wheel's modules when it
   installs them, as it did the libraries of the floor); otherwise, in a checkout run with
   PYTHONDONTWRITEBYTECODE set, every run would compile accord's sources afresh and the floor's
   libraries not.
2. The frontier on dense generated studies (every stakeholder concerned with every dimension):
   20x4x30, 20x4x120 and 40x4x120 (dimensions x levels x stakeholders), with HiGHS and CBC, each in
   a fresh process stopped at a wall-clock limit: seconds, points and status.
3. `accord robust`'s sampler against its numpy bound (bench/robust_bound.py: the least numpy work
   for the same counts from the same random stream), in worlds per second: with pivotal and
   blocking counted (what `accord robust` reports) against the bound that counts them too, and
   without (what the brief asks) against the bound that counts ratifications only.
Without --quick, then bench/optimize.py and bench/robust.py in full.

Run: .venv/bin/python bench/run.py [--quick] [--only SECTIONS] [--save]
  --quick: fewer pairs, a shorter frontier limit, no full sub-benchmarks
  --only:  a comma-separated list of start-up, backtest, frontier, robust
  --save:  store this run's figures in bench/previous.json as the ones to compare against next"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS = ROOT / "bench" / "previous.json"
ACCORD = [sys.executable, "-c", "from cli.command import run; run()"]
FLOOR = [sys.executable, "-c", "import pydantic, typer"]
# What any CLI built on pydantic models pays beyond FLOOR (whose `import pydantic` is lazy): the
# machinery loaded by the first model class, even one whose validator is deferred as accord's are.
MODEL_FLOOR = [sys.executable, "-c", "import pydantic, typer\nclass M(pydantic.BaseModel):\n"
               "    model_config = pydantic.ConfigDict(defer_build=True)\n    x: int"]
DENSE = [(20, 4, 30), (20, 4, 120), (40, 4, 120)]
SOLVERS = ("highs", "cbc")

# What a brief cannot avoid without changing its answers: a whole `accord rank` (the brief's own
# start-up, study load and ranking), the numpy, PuLP and HiGHS imports, and the frontier summary's
# solves (the brief's other sections are what is left to speed up).
BRIEF_FLOOR = [sys.executable, "-c", """
import gc, os, sys
gc.disable()
sys.argv = ["accord", "rank"]
from cli.main import main
code = main(own_process=True)
import numpy, pulp
from scorer.briefing import frontier_of
from scorer.loading import load_study
study = load_study()
frontier_of(study, study.scenarios[study.manifest.default_scenario])
sys.stdout.flush()
os._exit(code)
"""]

FRONTIER_CHILD = """
import json, sys, time
sys.path.insert(0, "tests")
from scorer.pareto import frontier
from synthetic import synthetic_study
d, levels, n, solver = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
study = synthetic_study(d, levels, n, seed=0, concerns=(d, d))
start = time.perf_counter()
result = frontier(study, study.scenario(), solver=solver)
print(json.dumps({"seconds": time.perf_counter() - start, "points": len(result.points), "status": result.status}))
"""


def once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one fresh process (exit codes 0 and 1 both count as done)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd[3:]) or cmd[-1]} failed: {done.stderr.strip()}")
    return wall, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def paired(a: list[str], b: list[str], pairs: int, env: dict[str, str]) -> dict[str, float]:
    """Wall and CPU: the median ratio a/b over `pairs` pairs run alternately, and the medians."""
    ta, tb = [], []
    for i in range(pairs):
        for which in ((a, ta), (b, tb)) if i % 2 == 0 else ((b, tb), (a, ta)):
            which[1].append(once(which[0], env))
    out = {}
    for k, kind in enumerate(("wall", "cpu")):
        out[kind] = statistics.median(x[k] / y[k] for x, y in zip(ta, tb))
        out[f"{kind} a"], out[f"{kind} b"] = statistics.median(x[k] for x in ta), statistics.median(y[k] for y in tb)
    return out


class Figures:
    """This run's figures, each printed beside the previous run's."""

    def __init__(self) -> None:
        self.previous = json.loads(PREVIOUS.read_text()) if PREVIOUS.is_file() else {}
        self.now: dict[str, float | str] = {}

    def show(self, name: str, value: float | str, unit: str = "", detail: str = "") -> None:
        self.now[name] = value
        was = self.previous.get(name)
        shown = lambda v: (f"{v:,}" if isinstance(v, int) else f"{v:.3g}{unit}" if isinstance(v, float)  # noqa: E731
                           else str(v))
        print(f"   {name:<40} {shown(value):>8}   (previous {shown(was) if was is not None else '-'})"
              + (f"   {detail}" if detail else ""), flush=True)

    def save(self) -> None:
        rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in self.now.items()}
        PREVIOUS.write_text(json.dumps(rounded, indent=2) + "\n")
        print(f"saved to {PREVIOUS.relative_to(ROOT)}")


def bench_start_up(figures: Figures, pairs: int) -> None:
    print(f"== start-up: fresh processes, {pairs} alternating pairs, median ratios; "
          f"floor = python -c \"import pydantic, typer\"", flush=True)
    compileall = subprocess.run([sys.executable, "-m", "compileall", "-q", "scorer", "cli"], cwd=ROOT)
    if compileall.returncode:
        raise RuntimeError("accord's modules do not compile to bytecode")
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}  # a study cache of this run's own
        env.pop("ACCORD_NO_CACHE", None)
        once(ACCORD + ["rank"], env)  # fills the cache, as the analyst's previous command did
        for name, cmd in (("rank / floor", ["rank"]), ("rank --no-cache / floor", ["--no-cache", "rank"]),
                          ("--help / floor", ["--help"])):
            r = paired(ACCORD + cmd, FLOOR, pairs, env)
            for kind in ("wall", "cpu"):
                figures.show(f"{name}, {kind}", r[kind], "x",
                             f"accord {' '.join(cmd)} {r[f'{kind} a'] * 1000:.0f} ms, floor {r[f'{kind} b'] * 1000:.0f} ms")
        r = paired(ACCORD + ["rank"], MODEL_FLOOR, pairs, env)
        for kind in ("wall", "cpu"):
            figures.show(f"rank / model floor, {kind}", r[kind], "x",
                         f"accord rank {r[f'{kind} a'] * 1000:.0f} ms, floor with one pydantic model "
                         f"{r[f'{kind} b'] * 1000:.0f} ms")
        for name, a, b in (("brief / rank", ACCORD + ["brief"], ACCORD + ["rank"]),
                           ("brief --no-cache / rank --no-cache", ACCORD + ["--no-cache", "brief"],
                            ACCORD + ["--no-cache", "rank"]),
                           ("brief floor / rank", BRIEF_FLOOR, ACCORD + ["rank"])):
            r = paired(a, b, max(3, pairs // 4), env)
            for kind in ("wall", "cpu"):
                figures.show(f"{name}, {kind}", r[kind], "x",
                             f"{name.split(' / ')[0]} {r[f'{kind} a']:.2f} s, rank {r[f'{kind} b'] * 1000:.0f} ms")


def bench_frontier(figures: Figures, limit: float) -> None:
    print(f"== frontier on dense generated studies (fresh process each, stopped after {limit:.0f} s)", flush=True)
    for d, levels, n in DENSE:
        for solver in SOLVERS:
            name = f"frontier {d}x{levels}x{n} {solver}"
            cmd = [sys.executable, "-c", FRONTIER_CHILD, str(d), str(levels), str(n), solver]
            try:
                out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=limit, check=True).stdout
            except subprocess.TimeoutExpired:
                figures.show(f"{name} s", f">{limit:.0f}", detail="stopped: no answer within the limit")
                continue
            result = json.loads(out.strip().splitlines()[-1])
            figures.show(f"{name} s", result["seconds"], " s", f"{result['points']} points, {result['status']}")
            figures.show(f"{name} points", result["points"])


def bench_robust(figures: Figures, samples: int, rounds: int) -> None:
    import robust_bound  # noqa: PLC0415  (bench/robust_bound.py)
    import numpy as np  # noqa: PLC0415
    from scorer.loading import load_study  # noqa: PLC0415
    from scorer.sampling import compile_kernel, robust  # noqa: PLC0415

    print(f"== robust on the shipped case: {samples:,} worlds, {rounds} alternating rounds, medians", flush=True)
    study = load_study(ROOT, cache=False)
    scenario = study.scenario()
    kernel = compile_kernel(study, scenario)
    full = robust(study, scenario, samples, seed=1)
    bound = robust_bound.counts(kernel, samples, seed=1)
    if not all(np.array_equal(a, b) for a, b in zip(bound, robust_bound.robust_counts(kernel, full))):
        raise RuntimeError("the numpy bound counts other ratifications or roles than robust: "
                           "it is not the same arithmetic")
    runs = {"robust": lambda: robust(study, scenario, samples, seed=1),
            "bound": lambda: robust_bound.counts(kernel, samples, seed=1),
            "plain": lambda: robust(study, scenario, samples, seed=1, roles=False),
            "plain bound": lambda: robust_bound.counts(kernel, samples, seed=1, roles=False)}
    times: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for i in range(rounds):
        for name in (list(runs) if i % 2 == 0 else list(runs)[::-1]):
            start, start_cpu = time.perf_counter(), time.process_time()
            runs[name]()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    start = time.perf_counter()
    robust_bound.draw_only(kernel, samples, seed=1)
    t_draw = time.perf_counter() - start
    rate = {name: samples / statistics.median(t) for name, t in times.items()}
    ratio = lambda a, b, t=times: statistics.median(y / x for x, y in zip(t[a], t[b]))  # noqa: E731
    figures.show("robust worlds/s", round(rate["robust"]), "", f"with pivotal and blocking (accord robust); "
                 f"{len(kernel.judgments)} ranged judgments, {len(kernel.proposals)} proposals, "
                 f"{len(kernel.stakeholders)} stakeholders")
    figures.show("numpy bound with roles worlds/s", round(rate["bound"]), "",
                 f"drawing alone {samples / t_draw:,.0f} worlds/s")
    figures.show("robust / bound, with roles", ratio("robust", "bound"), "x",
                 f"bound's wall time / robust's, median of the rounds (CPU: {ratio('robust', 'bound', cpu):.3f}); "
                 "target: at least 1/1.3 = 0.77")
    figures.show("robust without roles worlds/s", round(rate["plain"]), "", "ratification and ranks (the brief)")
    figures.show("numpy bound worlds/s", round(rate["plain bound"]), "", "ratification only")
    figures.show("robust without roles / bound", ratio("plain", "plain bound"), "x",
                 f"bound's wall time / robust's, median of the rounds (CPU: {ratio('plain', 'plain bound', cpu):.3f}); "
                 "target: at least 1/1.3 = 0.77")


def bench_backtest(figures: Figures, pairs: int) -> None:
    print("== backtest on the shipped case (10,000 worlds per scenario) against a cold rank", flush=True)
    env = {k: v for k, v in os.environ.items() if k != "ACCORD_NO_CACHE"}
    r = paired(ACCORD + ["backtest", "--format", "json"], ACCORD + ["rank"], pairs, env)
    for kind in ("wall", "cpu"):
        figures.show(f"backtest / rank, {kind}", r[kind], "x",
                     f"backtest {r[f'{kind} a']:.2f} s, rank {r[f'{kind} b'] * 1000:.0f} ms (target: a few seconds)")


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]
    figures = Figures()
    sections = {"start-up": lambda: bench_start_up(figures, pairs=10 if quick else 20),
                "backtest": lambda: bench_backtest(figures, pairs=3 if quick else 5),
                "frontier": lambda: bench_frontier(figures, limit=30.0 if quick else 600.0),
                "robust": lambda: bench_robust(figures, samples=50_000 if quick else 200_000, rounds=5 if quick else 9)}
    only = None
    if "--only" in sys.argv:
        at = sys.argv.index("--only") + 1
        only = sys.argv[at].split(",") if at < len(sys.argv) else []
        if not only or set(only) - set(sections):
            sys.exit(f"--only: expected a comma-separated list of {', '.join(sections)}")
        if "--save" in sys.argv:
            sys.exit("--save stores a whole run's figures: run without --only")
    for name, section in sections.items():
        if only is None or name in only:
            section()
    if "--save" in sys.argv:
        figures.save()
    if not quick and only is None:
        for script in ("optimize.py", "robust.py"):
            print(f"== bench/{script}", flush=True)
            subprocess.run([sys.executable, str(ROOT / "bench" / script)], cwd=ROOT, check=True)
