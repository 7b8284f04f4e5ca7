"""What a long computation will cost, known before it starts: the time to sample worlds (timed on
a short trial run) and the memory of the robust programme (estimated per world), with the limits
past which accord refuses to start.

Measured with /usr/bin/time on `accord optimize --robust N`: the robust programme grows by about
125 KB per world on the shipped case (29 stakeholders) and 46 KB on the mini test study (7), that
is 4 to 7 KB per world and stakeholder; ROBUST_BYTES rounds that up."""

from __future__ import annotations

import time

from .models import Scenario, Study

MAX_SAMPLES = 100_000_000  # sampled worlds per run: minutes at the ~10^5 worlds a second sampling reaches
TRIAL_SAMPLES = 2_000  # worlds sampled to time a run before it starts
ROBUST_BYTES = 8 * 1024  # memory of the robust programme per world and stakeholder
ROBUST_MEMORY = 2 * 1024**3  # the most memory `optimize --robust` may ask for


def sampling_seconds(study: Study, scenario: Scenario, samples: int, distribution: str = "uniform",
                     method: str | None = None) -> float:
    """Estimated seconds to sample `samples` worlds: two timed trials, TRIAL_SAMPLES apart, give
    the time per world apart from the fixed cost of setting a run up."""
    from .sampling import robust  # noqa: PLC0415  (numpy loads only for sampling)

    kwargs = {"method": method} if method else {}
    times = []
    for n in (1, 1 + TRIAL_SAMPLES):
        start = time.perf_counter()
        robust(study, scenario, n, 0, distribution, **kwargs)
        times.append(time.perf_counter() - start)
    per_world = max(times[1] - times[0], 0.0) / TRIAL_SAMPLES
    return times[0] + per_world * samples


def robust_memory(study: Study, worlds: int) -> int:
    """Estimated bytes of the robust programme over `worlds` sampled worlds."""
    return worlds * (len(study.stakeholders) + 1) * ROBUST_BYTES


def max_robust_worlds(study: Study) -> int:
    """The most worlds whose robust programme fits in ROBUST_MEMORY."""
    return ROBUST_MEMORY // ((len(study.stakeholders) + 1) * ROBUST_BYTES)


def duration(seconds: float) -> str:
    """'about 3 minutes', 'about 4 months': a rough length of time for people."""
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600),
                       ("minute", 60)):
        if seconds >= size:
            n = round(seconds / size)
            return f"about {n} {unit}{'s' if n != 1 else ''}"
    return f"about {max(1, round(seconds))} second{'s' if round(seconds) > 1 else ''}"


def size(n_bytes: float) -> str:
    """'2.0 GB': a rough size for people."""
    for unit, scale in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2)):
        if n_bytes >= scale:
            return f"{n_bytes / scale:.1f} {unit}"
    return f"{n_bytes / 1024:.0f} KB"
