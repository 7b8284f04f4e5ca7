"""Judgments as ranges: draw many plausible worlds (every ranged salience, scenario multiplier,
value, reservation, party split, threat's cost, term adjustment, red-line credence and agenda
capacity at once) and count, per proposal, how often it is ratified, ranks first, and whom it
hinges on. The model is the one in `scoring` and `ratification`, recast over numpy arrays with the
samples as an axis and evaluated in chunks, so memory stays bounded.

Each ranged judgment (see `judgments.judgments`) is drawn independently, uniformly within its
range or from a triangular distribution peaking at its point value; saliences are normalised per
stakeholder after drawing and then scaled by the multipliers, as the model does. A credence is
drawn as a coin: the red line is held (1) with that probability, whatever the distribution. The
draws come from one seeded stream read in order, so a seed gives the same worlds whatever the
chunk size. A stakeholder is pivotal in a
world when its change of mind alone would flip ratification there, and blocking when `coalition`
would list it among those blocking. A package an agenda setter keeps off in a world (its drawn
capacity short of the rank the package needs, `agenda`) is not ratified there, has no pivotal
stakeholder, and the setter blocks it.

Its JSON contract is stated in the README ("JSON contracts") and produced by `robust_reports`."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from . import interactions
from .errors import AccordError
from .compiled import ACCEPT_TOLERANCE, RANK_TIE, SEAT_TOLERANCE, ChamberTest, CompiledStudy, Package, compiled
from .judgments import DEFAULT_SAMPLES, DEFAULT_SEED, DISTRIBUTIONS, DOMAIN, Judgment
from .models import Scenario, Study
from .notebook import Tabular
from .ranking import DEFAULT_METHOD, METHODS, rank
from .scoring import resolve_proposal
from .seat_ranges import chamber_at
# The largest working array per chunk of worlds, about the cache a core has to itself: on the shipped
# case, chunks of some 500 worlds were fastest for robust (its 14 proposals) and for the backtest (its
# few packages, whose arrays of draws and stakes are as large as robust's).
CHUNK_BYTES = 7 * 2**18


class Scratch:
    """Working arrays kept from one chunk of worlds to the next, by name: each chunk would otherwise
    allocate its megabytes afresh, and the system hands memory back zeroed page by page (on the
    shipped case, tens of thousands of page faults per 50,000 worlds: a fifth of the time). What
    `evaluate` returns with a scratch is overwritten by the next chunk's. Any later request for a
    name reuses its memory, whatever the shape: two kernels whose results are read together must not
    share a Scratch."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def empty(self, name: str, shape: tuple[int, ...], dtype: type = float) -> np.ndarray:
        size = math.prod(shape) * np.dtype(dtype).itemsize
        a = self.arrays.get(name)
        if a is None or a.nbytes < size:  # a smaller chunk (or scenario) reuses the larger one's memory
            a = self.arrays[name] = np.empty(size, np.uint8)
        return a[:size].view(dtype).reshape(shape)


def _empty(scratch: Scratch | None, name: str, shape: tuple[int, ...], dtype: type = float) -> np.ndarray:
    return np.empty(shape, dtype) if scratch is None else scratch.empty(name, shape, dtype)


@dataclass(frozen=True)
class Tests:
    """Ratification as M weighted tests per proposal (padded to the same M): a package is ratified
    when, for every test, weights @ accepts >= threshold. A test is a venue's named actors (weight
    1 each, threshold their number less one half), a chamber's seats (threshold its share) or a
    chamber's majority party (weights: shares of the party's seats, threshold the agenda gate)."""

    weights: np.ndarray  # (P, M, S)
    threshold: np.ndarray  # (P, M)
    country: np.ndarray  # (P, M) index into the proposal's countries (-1: padding)
    actors: np.ndarray  # (P, M) bool: a test of named actors (who block whenever they reject)
    floor: np.ndarray  # (P, M) index of the chamber's majority-party test, for a seat test (-1: none)
    countries: tuple[tuple[str, ...], ...]  # per proposal
    required: tuple[tuple[np.ndarray, ...], ...]  # per proposal and country: `country_gain`'s actors
    complete: tuple[tuple[bool, ...], ...]  # per proposal and country: every required actor is present
    present: np.ndarray  # (S,) bool
    membership: np.ndarray  # (P, C, M): 1 where test m belongs to country c
    # Ranged seats: the drawn columns of the seat judgments, and (Ks, P, M, S) how each test's
    # weights move per unit of its column's draw (a bloc's seats are linear in its party share).
    seat_columns: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    seat_slopes: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0, 0)))

    @cached_property
    def stacked(self) -> np.ndarray:
        """(P, (1 + Ks) M, S) the weights, then each seat column's slopes: one product gives every tally."""
        return np.concatenate([self.weights, *self.seat_slopes], axis=1)

    @cached_property
    def entries(self) -> Entries:
        """Who weighs in which test, as a sparse list (a stakeholder weighs in a few tests only)."""
        return Entries.of(self)


class Entries(NamedTuple):
    """One entry per (proposal p, test m, stakeholder s) where s has a weight in the test at the point
    or in some world (a ranged seat share moves it), sorted by p, s, m: a (p, s) pair's entries are
    consecutive, a group. Flat indices: p * M + m into (P, M, n) arrays, p * S + s into (P, S, n)."""

    test: np.ndarray  # (E,) p * M + m
    voter: np.ndarray  # (E,) p * S + s
    weight: np.ndarray  # (E,) at the point
    moves: tuple[tuple[np.ndarray, np.ndarray], ...]  # per seat column: the entries it moves, their slopes
    blame: np.ndarray  # (E,) bool: seats at the point or in some world (a rejecting bloc there is blamed)
    threshold: np.ndarray  # (E,) the entry's test's
    starts: np.ndarray  # (G,) each group's first entry
    later: tuple[tuple[np.ndarray, np.ndarray], ...]  # per j >= 1: the groups with a j-th entry, and those entries
    group: np.ndarray  # (G,) p * S + s
    proposal: np.ndarray  # (G,) p
    present: np.ndarray  # (G,) bool: the stakeholder is present (only those can be pivotal)

    @classmethod
    def of(cls, t: Tests) -> Entries:
        """The entries of the tests' weights and seat slopes."""
        P, M, S = t.weights.shape
        moving = t.seat_slopes != 0  # (Ks, P, M, S)
        p, s, m = np.nonzero(((t.weights != 0) | moving.any(axis=0)).transpose(0, 2, 1))
        first = np.flatnonzero(np.r_[True, (p[1:] != p[:-1]) | (s[1:] != s[:-1])]) if len(p) else p
        moves = tuple((np.flatnonzero(on[p, m, s]), slopes[p, m, s][on[p, m, s]])
                      for on, slopes in zip(moving, t.seat_slopes))
        blame = (t.weights[p, m, s] > 0) | moving[:, p, m, s].any(axis=0)
        size = np.diff(np.r_[first, len(p)])
        later = tuple((np.flatnonzero(size > j), first[size > j] + j) for j in range(1, max(size, default=0)))
        return cls(p * M + m, p * S + s, t.weights[p, m, s], moves, blame, t.threshold[p, m], first, later,
                   p[first] * S + s[first], p[first], t.present[s[first]])

    def per_group(self, x: np.ndarray, combine: np.ufunc) -> np.ndarray:
        """(G, n): x (E, n) combined over each group's entries (np.add, np.logical_or)."""
        out = x[self.starts]
        for groups, entries in self.later:
            out[groups] = combine(out[groups], x[entries])
        return out

    def weights_at(self, delta: np.ndarray, scratch: Scratch | None = None) -> np.ndarray:
        """(E, n) each entry's weight in each world; `delta` is (Ks, n), each seat draw less its point."""
        out = _empty(scratch, "entry weights", (len(self.weight), delta.shape[1]))
        out[:] = self.weight[:, None]
        for (which, slope), d in zip(self.moves, delta):
            out[which] += slope[:, None] * d
        return out


@dataclass(frozen=True)
class Kernel:
    """A study and scenario as arrays: S stakeholders (study order, absent ones never accept),
    D dimensions, P proposals plus the no-deal package (last), K ranged judgments. The worlds are the
    last axis of every array `evaluate` returns."""

    stakeholders: tuple[str, ...]
    proposals: tuple[str, ...]
    judgments: tuple[Judgment, ...]
    present: np.ndarray  # (S,) bool
    influence: np.ndarray  # (S,)
    salience: np.ndarray  # (S, D) point saliences (0: no concern)
    multiplier: np.ndarray  # (S, D) product of the scenario's multipliers that have no range
    levels: np.ndarray  # (S, P + 1, D) point value of each package's level
    reservation: np.ndarray  # (S,)
    touched: np.ndarray  # (S, P) bool: the proposal touches a red line
    tests: Tests
    # Where the K drawn columns go. Saliences: column, stakeholder, dimension (as arrays).
    salience_draws: tuple[np.ndarray, np.ndarray, np.ndarray]
    multiplier_draws: tuple[tuple[int, np.ndarray, int], ...]  # column, stakeholders, dimension
    # Values, per stakeholder: its index, columns, dimensions, point values, and (P + 1, k) which
    # packages sit at each drawn level.
    value_draws: tuple[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]
    reservation_draws: tuple[np.ndarray, np.ndarray]  # columns, stakeholders
    low: np.ndarray  # (K,) the judgments' ranges, clipped to where each kind can lie
    high: np.ndarray  # (K,)
    point: np.ndarray  # (K,)
    # Agenda setters (G of them): the capacity each package needs of each (0: it gates no dimension
    # the package moves, or does not gate the package), their point capacities, the drawn ones
    # (columns, setter indices) and each setter's stakeholder index.
    need: np.ndarray  # (P, G)
    capacity: np.ndarray  # (G,)
    capacity_draws: tuple[np.ndarray, np.ndarray]
    setters: np.ndarray  # (G,)
    threat: np.ndarray  # (S,) what threats take from each no-deal value, at the point (`reversion`)
    threat_draws: tuple[tuple[int, np.ndarray], ...] = ()  # ranged threats: column, stakeholders it hurts
    # Non-additive terms (`interactions`): their point value in each package (the no-deal package
    # last), the drawn adjustments (column, stakeholder, (P + 1,) where the term holds, point) and
    # the drawn credences (column, stakeholder, (P,) where the red line is touched).
    terms: np.ndarray | None = None  # (S, P + 1)
    term_draws: tuple[tuple[int, int, np.ndarray, float], ...] = ()
    credence_draws: tuple[tuple[int, int, np.ndarray], ...] = ()
    # Delivery doubts (credibility): judge, dimension, drawn column (-1: fixed), point probability.
    delivery: tuple[tuple[int, int, int, float], ...] = ()
    # Regard terms: stakeholder, other, drawn column (-1: fixed), point share.
    regard: tuple[tuple[int, int, int, float], ...] = ()

    @cached_property
    def pairs(self) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """The (proposal, stakeholder) pairs that can be pivotal or blocking, as p * S + s: the tests'
        groups (`Entries`), then the agenda setters' pairs not among them; and per setter, (P,) the
        index of its pair with each proposal."""
        P, S = len(self.proposals), len(self.stakeholders)
        index = {int(pair): i for i, pair in enumerate(self.tests.entries.group)}
        for s in self.setters:
            for p in range(P):
                index.setdefault(p * S + int(s), len(index))
        setter_rows = tuple(np.array([index[p * S + int(s)] for p in range(P)], dtype=np.intp) for s in self.setters)
        return np.array(list(index), dtype=np.intp), setter_rows


def _rows(model: CompiledStudy, package: Package, where: tuple[str, ...], index: dict[str, int]
          ) -> list[tuple[np.ndarray, float, int, bool, int, ChamberTest | None, bool]]:
    """The compiled ratification tests one package faces, as weighted rows (weights, threshold,
    country, actors test, floor row; and for a chamber's row, its test and whether the row is the
    party's floor gate)."""
    S = len(index)
    rows: list[tuple[np.ndarray, float, int, bool, int, ChamberTest | None, bool]] = []
    for c, country in enumerate(where):
        test = model.test(package, country)
        if test is None:
            continue
        if test.actors:
            w = np.zeros(S)
            w[[index[a] for a in test.actors]] = 1.0
            rows.append((w, len(test.actors) - 0.5, c, True, -1, None, False))
        for chamber in test.chambers:
            floor = -1
            if chamber.party:
                floor = len(rows)
                rows.append((_chamber_weights(chamber, True, index), chamber.gate - SEAT_TOLERANCE, c, False, -1,
                             chamber, True))
            rows.append((_chamber_weights(chamber, False, index), chamber.threshold - SEAT_TOLERANCE, c, False, floor,
                         chamber, False))
    return rows


def _chamber_weights(chamber: ChamberTest, gate: bool, index: dict[str, int]) -> np.ndarray:
    """(S,) a chamber row's weights: each majority-party bloc's share of the party's seats for its
    floor gate, else each bloc's share of the seats."""
    w = np.zeros(len(index))
    for b, x in (chamber.party_weights if gate else chamber.seats).items():
        w[index[b]] = x
    return w


def _tests(model: CompiledStudy, packages: list[tuple[Package, tuple[str, ...]]], index: dict[str, int],
           seats: list[tuple[int, Judgment]] = ()) -> Tests:
    """The compiled ratification tests each package faces, as weighted rows; with the ranged seat
    judgments (column, judgment), how each row's weights move per unit of each draw."""
    S = len(index)
    per_proposal, countries, required, complete = [], [], [], []
    for package, where in packages:
        countries.append(tuple(where))
        need = [model.required_actors(package, c) for c in countries[-1]]
        required.append(tuple(np.array([index[a] for a in actors], dtype=np.intp) for actors in need))
        complete.append(tuple(not any(a in model.absent for a in actors) for actors in need))
        per_proposal.append(_rows(model, package, where, index))
    P, M = len(packages), max([len(r) for r in per_proposal] + [1])
    weights, threshold = np.zeros((P, M, S)), np.full((P, M), -1.0)
    country, floor = np.full((P, M), -1, dtype=np.intp), np.full((P, M), -1, dtype=np.intp)
    actors = np.zeros((P, M), dtype=bool)
    seat_slopes = np.zeros((len(seats), P, M, S))
    for p, rows in enumerate(per_proposal):
        for m, (w, t, c, is_actors, fl, chamber, gate) in enumerate(rows):
            weights[p, m], threshold[p, m], country[p, m] = w, t, c
            actors[p, m], floor[p, m] = is_actors, fl
            for k, (_, j) in enumerate(seats):  # a row is linear in the share: the slope is w(1) - w(0)
                if chamber is not None and chamber.chamber == j.split.chamber:  # other rows do not move
                    seat_slopes[k, p, m] = (_chamber_weights(chamber_at(chamber, j.split, 1.0), gate, index)
                                            - _chamber_weights(chamber_at(chamber, j.split, 0.0), gate, index))
    present = np.array([s not in model.absent for s in index])
    membership = np.zeros((P, max(len(c) for c in countries) if countries else 0, M))
    for p in range(P):
        for m in range(M):
            if country[p, m] >= 0:
                membership[p, country[p, m], m] = 1.0
    return Tests(weights, threshold, country, actors, floor, tuple(countries), tuple(required),
                 tuple(complete), present, membership, np.array([k for k, _ in seats], dtype=np.intp), seat_slopes)


def compile_kernel(study: Study, scenario: Scenario,
                   packages: dict[str, tuple[Package, tuple[str, ...]]] | None = None) -> Kernel:
    """The arrays `evaluate` works on, stacked from the compiled study and scenario, for `packages`
    (name -> full package and the countries that must ratify it; default: the study's proposals).
    Absent stakeholders keep an empty row: they never accept."""
    model = compiled(study, scenario)
    if packages is None:
        packages = {p: (resolve_proposal(study, p, scenario), tuple(study.proposals[p].countries))
                    for p in study.proposals}
    sids = list(study.stakeholders)
    index = {s: i for i, s in enumerate(sids)}
    dims = list(model.levels)
    dindex = {d: i for i, d in enumerate(dims)}
    props = list(packages)
    where = list(packages.values())
    packages = [pkg for pkg, _ in where] + [model.status_quo]
    S, D, P1 = len(sids), len(dims), len(packages)
    ranged = [j for j in model.judgments if j.ranged]
    ranged_shifts = frozenset(j.shift for j in ranged if j.kind == "multiplier")

    present = np.array([s not in model.absent for s in sids])
    salience, multiplier = np.zeros((S, D)), np.ones((S, D))
    levels, touched = np.zeros((S, P1, D)), np.zeros((S, P1 - 1), dtype=bool)
    reservation = np.zeros(S)
    for s, prof in model.profiles.items():
        i = index[s]
        for d, values in prof.values.items():
            salience[i, dindex[d]] = prof.salience[d]
            levels[i, :, dindex[d]] = [values[pkg[d]] for pkg in packages]
        touched[i] = [bool(prof.touched(pkg, hedged=False)) for pkg in packages[:-1]]
        for d, m in model.shifts(s, ranged_shifts).items():
            multiplier[i, dindex[d]] = m
        reservation[i] = prof.reservation

    sal, mult, res, seats, threat_draws, adjust, believe, cap = [], [], [], [], [], [], [], []
    val: dict[int, list[tuple[int, int, float, list[float]]]] = {}
    for k, j in enumerate(ranged):
        i = index[j.stakeholders[0]] if j.stakeholders else -1
        if j.kind == "salience":
            sal.append((k, i, dindex[j.dimension]))
        elif j.kind == "multiplier":
            shift = scenario.salience[j.shift]
            who = [i for i, s in enumerate(sids) if not shift.stakeholders or s in shift.stakeholders]
            mult.append((k, np.array(who, dtype=np.intp), dindex[j.dimension]))
        elif j.kind == "threat":
            threat_draws.append((k, np.array([index[s] for s in j.stakeholders], dtype=np.intp)))
        elif j.kind == "value":
            at_level = [float(pkg[j.dimension] == j.level) for pkg in packages]
            val.setdefault(i, []).append((k, dindex[j.dimension], j.point, at_level))
        elif j.kind == "seats":
            seats.append((k, j))
        elif j.kind == "adjustment":
            term = model.profiles[j.stakeholders[0]].terms[j.term]
            adjust.append((k, i, np.array([float(term.holds(pkg)) for pkg in packages]), j.point))
        elif j.kind == "credence":
            line = next(r for r in model.profiles[j.stakeholders[0]].conditional_red_lines if r.id == j.id)
            believe.append((k, i, np.array([line.touches(pkg) for pkg in packages[:-1]], dtype=bool)))
        elif j.kind == "capacity":
            cap.append((k, j.shift))
        elif j.kind == "reservation":
            res.append((k, i))
    columns = lambda rows, n: tuple(np.array([r[c] for r in rows], dtype=np.intp) for c in range(n))  # noqa: E731
    value_draws = tuple((i, np.array([r[0] for r in rows], dtype=np.intp), np.array([r[1] for r in rows], dtype=np.intp),
                         np.array([r[2] for r in rows]), np.array([r[3] for r in rows]).T)
                        for i, rows in val.items())
    tests = _tests(model, where, index, seats)
    influence = np.array([sh.influence for sh in study.stakeholders.values()], dtype=float)
    low = np.array([max(j.low, DOMAIN[j.kind][0]) for j in ranged])
    high = np.array([min(j.high, DOMAIN[j.kind][1]) for j in ranged])
    point = np.array([j.point for j in ranged])
    threat = np.zeros(S)
    for s, prof in model.profiles.items():
        threat[index[s]] = prof.threat
    terms = None  # additive studies add nothing
    if any(p.terms for p in model.profiles.values()):
        terms = np.array([[interactions.value(model.profiles[s].terms, pkg) if s in model.profiles else 0.0
                           for pkg in packages] for s in sids]).reshape(S, P1)
    need = np.array([[g.need(pkg, model.status_quo) if g.applies(c, model.venue_needed(pkg, g.country)) else 0
                      for g in model.agenda] for pkg, c in where], dtype=float).reshape(len(where), len(model.agenda))
    column = {(j.kind, j.shift): k for k, j in enumerate(ranged) if j.kind in ("delivery", "regard")}
    delivery = tuple((index[s], dindex[d], column.get(("delivery", t.index), -1), t.probability)
                     for s, prof in model.profiles.items() for d, t in prof.delivery.items())
    regard = tuple((index[s], index[t.other], column.get(("regard", t.index), -1), t.share)
                   for s, prof in model.profiles.items() for t in prof.regard)
    return Kernel(tuple(sids), tuple(props), tuple(ranged), present, influence, salience, multiplier, levels,
                  reservation, touched, tests, columns(sal, 3), tuple(mult), value_draws, columns(res, 2),
                  low, high, point, need, np.array([g.capacity for g in model.agenda]), columns(cap, 2),
                  np.array([index[g.setter] for g in model.agenda], dtype=np.intp),
                  threat, tuple(threat_draws), terms, tuple(adjust), tuple(believe), delivery, regard)


def chamber_in_world(kernel: Kernel, chamber: ChamberTest, draws: np.ndarray) -> ChamberTest:
    """The chamber's test with the seat shares one world draws (`draws`: that world's K values)."""
    for k in kernel.tests.seat_columns:
        chamber = chamber_at(chamber, kernel.judgments[k].split, float(draws[k]))
    return chamber


# --- drawing worlds -------------------------------------------------------------------------


def draw(kernel: Kernel, n: int, rng: np.random.Generator, distribution: str = "uniform",
         scratch: Scratch | None = None) -> np.ndarray:
    """(K, n) values of the K ranged judgments in n worlds (a world per column). Each world takes
    K consecutive uniforms of the seeded stream, turned into its distribution by inverse transform,
    so consecutive calls read the stream in order whatever n is."""
    if distribution not in DISTRIBUTIONS:
        raise AccordError(f"unknown distribution '{distribution}' (expected one of: {', '.join(DISTRIBUTIONS)})")
    K = len(kernel.judgments)
    u = rng.random(out=_empty(scratch, "uniforms", (n, K))).T
    low, high, mode = kernel.low[:, None], kernel.high[:, None], kernel.point[:, None]
    width = high - low
    coins = [k for k, _, _ in kernel.credence_draws]  # a credence: held (1) with its probability
    held = (u[coins] < mode[coins]).astype(float)
    if distribution == "uniform":  # written straight into a world per column: no copy to transpose
        out = np.multiply(u, width, out=_empty(scratch, "draws", (K, n)))
        out += low
    else:
        u = np.ascontiguousarray(u)
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1.0 - u) * width * (high - mode))
        out = np.where(u < (mode - low) / width, left, right)
    out[coins] = held
    return out


# --- the model over arrays ------------------------------------------------------------------


@dataclass
class Worlds:
    """The model's verdicts in n worlds: arrays with the worlds as the last axis."""

    levels: np.ndarray  # (S, P + 1, n) value of each package, the no-deal package last
    threat: np.ndarray | None  # (S, n) what the threats take from each no-deal value (None: nothing)
    accepts: np.ndarray  # (P, S, n) bool
    ratified: np.ndarray  # (P, n) bool
    countries: list[np.ndarray]  # per proposal: (C, n) bool, ratified in each of its countries
    yes: np.ndarray  # (P, S, n) accepts as 0.0 or 1.0
    roles: Roles | None = None  # with roles: who is pivotal and who blocks

    @property
    def values(self) -> np.ndarray:
        """(S, P, n) value of each proposal (the no-deal point's is values - gains)."""
        return self.levels[:, :-1]

    @cached_property
    def gains(self) -> np.ndarray:
        """(S, P, n) each proposal's gain over the no-deal point, threats counted (as `Profile.gain`)."""
        return _gains(self.levels, self.threat)

    @cached_property
    def pivotal(self) -> np.ndarray | None:
        """(P, S, n) bool, or None without roles."""
        return None if self.roles is None else self.roles.dense(self.roles.pivotal, self.accepts.shape)

    @cached_property
    def blocking(self) -> np.ndarray | None:
        """(P, S, n) bool, or None without roles."""
        return None if self.roles is None else self.roles.dense(self.roles.blocking, self.accepts.shape)


class Roles(NamedTuple):
    """Who is pivotal and who blocks, for the (proposal, stakeholder) pairs that can be (`Kernel.pairs`);
    every other pair is neither."""

    pairs: np.ndarray  # (R,) p * S + s
    pivotal: np.ndarray  # (R, n) bool
    blocking: np.ndarray  # (R, n) bool

    def dense(self, rows: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
        out = np.zeros((shape[0] * shape[1], shape[2]), dtype=bool)
        out[self.pairs] = rows
        return out.reshape(shape)


def weights(kernel: Kernel, draws: np.ndarray, scratch: Scratch | None = None) -> np.ndarray:
    """(S, D, n) stakes, as `compiled.stakes` states them: the drawn saliences normalised per
    stakeholder, then times the multipliers. `draws` is (K, n), a world per column."""
    n = draws.shape[1]
    raw = _empty(scratch, "stakes", (len(kernel.stakeholders), kernel.salience.shape[1], n))
    raw[:] = kernel.salience[:, :, None]
    cols, who, dims = kernel.salience_draws
    raw[who, dims] = np.take(draws, cols, axis=0, out=_empty(scratch, "saliences", (len(cols), n)))
    total = raw.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0  # no stake at all (saliences are never negative): its zeros stay zeros
    raw /= total
    scaled = np.nonzero(kernel.multiplier != 1)  # a multiplier of 1 leaves the stake as it is
    raw[scaled] *= kernel.multiplier[scaled][:, None]
    for k, who, d in kernel.multiplier_draws:
        raw[who, d] *= draws[k]
    return raw


def _at_draws(point: np.ndarray, draws: np.ndarray, drawn: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """(len(point), n): the point values in every world, the drawn rows (columns, rows) as drawn."""
    out = np.empty((len(point), draws.shape[1]))
    out[:] = point[:, None]
    cols, rows = drawn
    out[rows] = draws[cols]
    return out


def reservations(kernel: Kernel, draws: np.ndarray) -> np.ndarray:
    """(S, n) reservations."""
    return _at_draws(kernel.reservation, draws, kernel.reservation_draws)


def threats(kernel: Kernel, draws: np.ndarray) -> np.ndarray:
    """(S, n) what the threats take from each stakeholder's no-deal value: added to every gain."""
    out = np.empty((len(kernel.stakeholders), draws.shape[1]))
    out[:] = kernel.threat[:, None]
    for k, who in kernel.threat_draws:
        out[who] += draws[k] - kernel.point[k]
    return out


def level_values(kernel: Kernel, draws: np.ndarray, w: np.ndarray, scratch: Scratch | None = None) -> np.ndarray:
    """(S, P + 1, n) value of each package (the no-deal package last) to each stakeholder."""
    values = np.matmul(kernel.levels, w, out=_empty(scratch, "values", kernel.levels.shape[:2] + w.shape[2:]))
    for s, cols, dims, point, at_level in kernel.value_draws:
        values[s] += at_level @ ((draws[cols] - point[:, None]) * w[s, dims])
    if kernel.delivery or kernel.regard:  # before the terms: a regard counts the other's levels only
        trust_terms(kernel, draws, w, values)
    if kernel.terms is not None:
        values += kernel.terms[:, :, None]
    for k, s, where, point in kernel.term_draws:
        values[s] += where[:, None] * (draws[k] - point)[None, :]
    return values


def capacities(kernel: Kernel, draws: np.ndarray) -> np.ndarray:
    """(G, n) each agenda setter's capacity."""
    return _at_draws(kernel.capacity, draws, kernel.capacity_draws)


def kept_off(kernel: Kernel, draws: np.ndarray) -> np.ndarray:
    """(P, G, n) bool: the setter keeps the package off the agenda (it needs more capacity)."""
    return kernel.need[:, :, None] > capacities(kernel, draws)[None, :, :]


def dimension_values(kernel: Kernel, draws: np.ndarray, s: int, d: int) -> np.ndarray:
    """(P + 1, n) stakeholder s's value of each package's level on dimension d, values drawn."""
    out = np.repeat(kernel.levels[s, :, d][:, None], draws.shape[1], axis=1)
    for t, cols, dims, point, at_level in kernel.value_draws:
        if t == s:
            on = dims == d
            out += at_level[:, on] @ (draws[cols[on]] - point[on, None])
    return out


def _drawn(draws: np.ndarray, column: int, point: float) -> np.ndarray | float:
    return draws[column] if column >= 0 else point


def trust_terms(kernel: Kernel, draws: np.ndarray, w: np.ndarray, values: np.ndarray) -> None:
    """Apply, in place, the delivery doubts (a judge keeps p of the change a delivered level
    makes on the dimension) and then the regard terms (share x the other's own gain) to `values`
    (S, P + 1, n), the status quo last."""
    for s, d, column, point in kernel.delivery:
        v = dimension_values(kernel, draws, s, d)
        values[s] -= (1.0 - _drawn(draws, column, point)) * w[s, d] * (v - v[-1])
    own = values.copy() if kernel.regard else values
    for s, o, column, point in kernel.regard:
        values[s] += _drawn(draws, column, point) * (own[o] - own[o, -1])


def evaluate(kernel: Kernel, draws: np.ndarray, roles: bool = False, scratch: Scratch | None = None,
             stakes: np.ndarray | None = None) -> Worlds:
    """Gains, acceptances and ratification in each world (`draws` is (K, n)); with `roles`, who
    is pivotal and who blocks. `stakes`: the worlds' `weights`, when already worked out for these
    draws by a kernel of the same study and scenario (they depend on no package)."""
    w = weights(kernel, draws, scratch) if stakes is None else stakes
    values = level_values(kernel, draws, w, scratch)
    threat = threats(kernel, draws) if kernel.threat.any() or kernel.threat_draws else None
    S, P1, n = values.shape
    # Worlds.gains computes the gains again only for the methods that read them
    margin = _gains(values, threat, _empty(scratch, "margins", (S, P1 - 1, n)))
    margin -= reservations(kernel, draws)[:, None, :]
    accepts = np.greater_equal(margin, -ACCEPT_TOLERANCE, out=_empty(scratch, "accepts", margin.shape, bool))
    accepts &= (~kernel.touched & kernel.present[:, None])[:, :, None]
    for k, s, where in kernel.credence_draws:
        accepts[s] &= ~(where[:, None] & (draws[k] > 0.5)[None, :])
    transposed = accepts.transpose(1, 0, 2)  # (P, S, n)
    accepts = _empty(scratch, "accepts by proposal", transposed.shape, bool)
    accepts[:] = transposed

    t = kernel.tests
    yes = _empty(scratch, "yes", accepts.shape)
    yes[:] = accepts
    delta = draws[t.seat_columns] - kernel.point[t.seat_columns][:, None]  # (Ks, n)
    # (P, (1 + Ks) M, n): the point weights' tally, then each seat slope's, added in per unit of its draw
    tally = np.matmul(t.stacked, yes, out=_empty(scratch, "tallies", (P1 - 1, t.stacked.shape[1], n)))
    M = t.threshold.shape[1]
    for k, d in enumerate(delta):
        tally[:, :M] += tally[:, (k + 1) * M:(k + 2) * M] * d
    tally = tally[:, :M]
    passed = tally >= t.threshold[:, :, None]
    off = kept_off(kernel, draws)
    tabled = ~off.any(axis=1)  # (P, n)
    ratified = passed.all(axis=1) & tabled
    fails = np.matmul(t.membership, (~passed).astype(float))  # (P, C, n) failed tests per country
    countries = [ok[:len(names)] for ok, names in zip(fails == 0, t.countries)]
    worlds = Worlds(values, threat, accepts, ratified, countries, yes)
    if roles:
        pairs, setter_rows = kernel.pairs
        pivotal, blocking = np.zeros((2, len(pairs), draws.shape[1]), dtype=bool)
        _pivotal(t, tally, passed, accepts, delta, tabled, pivotal, scratch)
        _blocking(t, passed, accepts, blocking)
        for g, rows in enumerate(setter_rows):  # a setter who keeps the package off blocks it
            blocking[rows] |= off[:, g]
        worlds.roles = Roles(pairs, pivotal, blocking)
    return worlds


def _gains(values: np.ndarray, threat: np.ndarray | None, out: np.ndarray | None = None) -> np.ndarray:
    """(S, P, n) gains from (S, P + 1, n) values, the no-deal package last, and the threats' part."""
    gains = np.subtract(values[:, :-1], values[:, -1:], out=out)
    if threat is not None:
        gains += threat[:, None, :]
    return gains


def _pivotal(t: Tests, tally: np.ndarray, passed: np.ndarray, accepts: np.ndarray, delta: np.ndarray,
             tabled: np.ndarray, out: np.ndarray, scratch: Scratch | None = None) -> None:
    """Set `out` (rows: the tests' groups first, as `Kernel.pairs`) where present stakeholders' change
    of mind alone would flip ratification of a tabled package. A flip moves each test by the
    stakeholder's weight in it (in that world), up or down; only the tests it weighs in move, so the
    flip ratifies when those pass and no other fails."""
    e, (P, S, n) = t.entries, accepts.shape
    if not len(e.starts):
        return
    moved = e.weights_at(delta, scratch)  # (E, n): a rejecting stakeholder would add its weight, one accepting take it
    np.negative(moved, out=moved, where=accepts.reshape(P * S, n)[e.voter])
    moved += tally[e.test // tally.shape[1], e.test % tally.shape[1]]
    before = passed.reshape(-1, n)[e.test]
    gained = e.per_group((moved >= e.threshold[:, None]).astype(np.int16) - before,
                         np.add)  # (G, n): tests a flip makes pass, less those it makes fail
    failing = (~passed).sum(axis=1)[e.proposal]  # (G, n)
    out[:len(e.starts)] = ((failing == gained) != (failing == 0)) & tabled[e.proposal] & e.present[:, None]


def _blocking(t: Tests, passed: np.ndarray, accepts: np.ndarray, out: np.ndarray) -> None:
    """Set `out` (rows as in `_pivotal`) for the blockers `country_verdict` lists: named actors who
    reject; rejecting majority-party blocs where the party keeps a bill off the floor; else, where
    a chamber's vote fails, every rejecting bloc with seats there."""
    e, (P, S, n), M = t.entries, accepts.shape, passed.shape[1]
    if not len(e.starts):
        return
    passed = passed.reshape(-1, n)
    fault = ~passed & (t.country >= 0).reshape(-1, 1)  # a failed party or seat test...
    gated = np.flatnonzero(t.floor.ravel() >= 0)  # ...a seat test only where its party's floor gate passed
    fault[gated] &= passed[(t.floor + M * np.arange(P)[:, None]).ravel()[gated]]
    fault |= t.actors.reshape(-1, 1)  # a test of named actors: every one who rejects blocks
    # blamed: a bloc with seats in a faulty test, at the point or in some world (a ranged share may
    # reach 0 only at its range's end, which a draw hits with probability zero)
    blamed = e.per_group(fault[e.test] & e.blame[:, None], np.logical_or)
    out[:len(e.starts)] = blamed & ~accepts.reshape(P * S, n)[e.group]


def scores(kernel: Kernel, worlds: Worlds, method: str) -> np.ndarray:
    """(P, n) scores under `method`, as `ranking.scores` computes them (higher is better)."""
    if method not in METHODS:
        raise AccordError(f"unknown method '{method}' (expected one of: {', '.join(METHODS)})")
    present = kernel.present
    influence = np.where(present, kernel.influence, 0.0)
    if method == "support":
        return np.matmul(influence, worlds.yes) / influence.sum()
    if method == "welfare":
        return np.tensordot(influence, worlds.gains, axes=([0], [0]))
    if method == "topsis":
        return _topsis(worlds.values[present], kernel.influence[present] / kernel.influence[present].sum())
    n = worlds.gains.shape[2]
    out = np.empty((len(kernel.proposals), n))
    for p, (required, complete) in enumerate(zip(kernel.tests.required, kernel.tests.complete)):
        gains = np.array([worlds.gains[r, p].min(axis=0) if ok and len(r) else np.full(n, -math.inf)
                          for r, ok in zip(required, complete)]).reshape(len(required), n)
        if method == "maximin":
            out[p] = gains.min(axis=0)
        else:  # nash
            out[p] = np.where((gains < 0).any(axis=0), 0.0, gains.prod(axis=0))
    return out


def _topsis(values: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """(P, n) TOPSIS closeness of each proposal, per world; values are (S, P, n)."""
    norms = np.sqrt((values**2).sum(axis=1, keepdims=True))
    scaled = np.divide(weight[:, None, None] * values, norms, out=np.zeros_like(values), where=norms > 0)
    ideal = scaled.max(axis=1, keepdims=True)
    anti = scaled.min(axis=1, keepdims=True)
    d_plus = np.sqrt(((scaled - ideal) ** 2).sum(axis=0))
    d_minus = np.sqrt(((scaled - anti) ** 2).sum(axis=0))
    total = d_plus + d_minus
    return np.divide(d_minus, total, out=np.full_like(total, 0.5), where=total > 0)


def ranks(ratified: np.ndarray, score: np.ndarray, ignore_ratification: bool = False) -> np.ndarray:
    """(P, n) competition ranks in the order of `ranking.beats`: ratified first, then by score."""
    key = np.round(score, 12)
    beats = key[None, :, :] > key[:, None, :] + RANK_TIE  # (mine, other, n)
    if not ignore_ratification:  # between a ratified proposal and one not, the ratified one wins
        beats &= ratified[None, :, :] == ratified[:, None, :]
        beats |= ratified[None, :, :] > ratified[:, None, :]
    return 1 + beats.view(np.uint8).sum(axis=1, dtype=np.intp)


# --- the robustness report ------------------------------------------------------------------


class Odds(NamedTuple):
    """One proposal's counts over the sampled worlds."""

    proposal: str
    ratified_at_point: bool
    rank_at_point: int
    ratified: int
    first: int
    rank_counts: tuple[int, ...]  # worlds at rank 1, 2, ...
    countries: dict[str, int]
    accepts: dict[str, int]
    pivotal: dict[str, int] | None  # None: not counted (robust(..., roles=False))
    blocking: dict[str, int] | None


@dataclass(frozen=True)
class Robustness(Tabular):
    scenario: str
    method: str
    samples: int
    seed: int
    distribution: str
    judgments: tuple[Judgment, ...]
    odds: tuple[Odds, ...]  # most often ratified first
    also: dict[str, int] = field(default_factory=dict)  # worlds that ratify each of robust(..., also=)'s packages

    def share(self, count: int) -> float:
        return count / self.samples


def chunk_size(kernel: Kernel) -> int:
    """Worlds per chunk: CHUNK_BYTES over an estimate of the largest working array's bytes per world
    (the largest of the draws, K values; the stakes, S D; the package values, S (P + 1)), within
    [256, 16384]. No answer depends on the chunk size."""
    S, P1, D = kernel.levels.shape
    return int(min(16384, max(256, CHUNK_BYTES // (8 * max(len(kernel.judgments), S * D, S * P1)))))


def ratified_counts(kernel: Kernel, samples: int, rng: np.random.Generator, distribution: str = "uniform",
                    signed_by: list[str] = (), chunk: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(P,) how many of `samples` worlds drawn from `rng` ratify each of the kernel's packages;
    and how many ratify it with every stakeholder in `signed_by` accepting it as well."""
    signers = [kernel.stakeholders.index(x) for x in signed_by]
    ratified, signed = np.zeros(len(kernel.proposals), np.int64), np.zeros(len(kernel.proposals), np.int64)
    step, done, scratch = chunk or chunk_size(kernel), 0, Scratch()
    while done < samples:
        n = min(step, samples - done)
        worlds = evaluate(kernel, draw(kernel, n, rng, distribution, scratch), scratch=scratch)
        ratified += worlds.ratified.sum(axis=1)
        signed += (worlds.ratified & worlds.accepts[:, signers].all(axis=1)).sum(axis=1)
        done += n
    return ratified, signed


def robust(study: Study, scenario: Scenario, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
           distribution: str = "uniform", method: str = DEFAULT_METHOD, ignore_ratification: bool = False,
           chunk: int | None = None, progress: Callable[[int], None] | None = None, roles: bool = True,
           also: dict[str, tuple[Package, tuple[str, ...]]] | None = None) -> Robustness:
    """Ratification and ranking odds of every proposal over `samples` drawn worlds; with `roles`,
    also how often each stakeholder is pivotal or blocking (`accord robust` reports them; the brief
    does not ask, and skips that work); with `also` (name -> package and the countries that must
    ratify it, as `compile_kernel` takes them), how many of the same worlds ratify each of those
    packages, which take no part in the ranking (the brief's best frontier point)."""
    if samples < 1:
        raise AccordError(f"the number of sampled worlds must be at least 1, found {samples}")
    if method not in METHODS:
        raise AccordError(f"unknown method '{method}' (expected one of: {', '.join(METHODS)})")
    kernel = compile_kernel(study, scenario)
    rng = np.random.default_rng(seed)
    P, S = len(kernel.proposals), len(kernel.stakeholders)
    ratified, rank_counts = np.zeros(P, np.int64), np.zeros((P, P + 1), np.int64)
    countries = [np.zeros(len(names), np.int64) for names in kernel.tests.countries]
    accepts, pivotal, blocking = (np.zeros((P, S), np.int64) for _ in range(3))
    offsets = (P + 1) * np.arange(P)[:, None]  # proposal p's ranks count in row p
    step, scratch = chunk or chunk_size(kernel), Scratch()
    extra, extra_scratch = (compile_kernel(study, scenario, also), Scratch()) if also else (None, None)
    also_ratified = np.zeros(len(also or ()), np.int64)
    done = 0
    while done < samples:
        n = min(step, samples - done)
        draws = draw(kernel, n, rng, distribution, scratch)
        stakes = weights(kernel, draws, scratch)  # the same for `also`'s packages: worked out once
        worlds = evaluate(kernel, draws, roles, scratch, stakes)
        if extra is not None:
            also_ratified += evaluate(extra, draws, scratch=extra_scratch, stakes=stakes).ratified.sum(axis=1)
        r = ranks(worlds.ratified, scores(kernel, worlds, method), ignore_ratification)
        ratified += worlds.ratified.sum(axis=1)
        rank_counts += np.bincount((r + offsets).ravel(), minlength=P * (P + 1)).reshape(P, P + 1)
        for p in range(P):
            countries[p] += worlds.countries[p].sum(axis=1)
        accepts += (worlds.yes @ np.ones(n)).astype(np.int64)  # exact: sums of 0s and 1s
        if roles:
            pivotal.ravel()[worlds.roles.pairs] += worlds.roles.pivotal.view(np.uint8).sum(axis=1, dtype=np.int64)
            blocking.ravel()[worlds.roles.pairs] += worlds.roles.blocking.view(np.uint8).sum(axis=1, dtype=np.int64)
        done += n
        if progress is not None:
            progress(n)

    point = {row.proposal: row for row in rank(study, scenario, method, ignore_ratification)}
    odds = []
    for p, pid in enumerate(kernel.proposals):
        # Absent stakeholders never accept: listed only where their absence blocks.
        listed = [i for i, s in enumerate(kernel.stakeholders) if kernel.present[i] or blocking[p, i]]
        per = lambda a: {kernel.stakeholders[i]: int(a[p, i]) for i in listed}  # noqa: E731
        odds.append(Odds(pid, point[pid].ratified, point[pid].rank, int(ratified[p]), int(rank_counts[p, 1]),
                         tuple(int(x) for x in rank_counts[p, 1:]),
                         {c: int(x) for c, x in zip(kernel.tests.countries[p], countries[p])},
                         per(accepts), per(pivotal) if roles else None, per(blocking) if roles else None))
    odds.sort(key=lambda o: (-o.ratified, -o.first, o.proposal))
    return Robustness(scenario.id, method, samples, seed, distribution, kernel.judgments, tuple(odds),
                      {name: int(x) for name, x in zip(also or (), also_ratified)})
