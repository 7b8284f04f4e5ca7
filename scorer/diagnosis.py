"""When no package meets the limits: the settings that clash with the level rules (and the agenda
setters' holds, named when they take part), or a minimal
set of requirements no package meets together, each with the reason, and the package that comes
closest. Structured reasons; the wording of the tables lives in `optimize_reports`."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pulp

from .agenda import ordinal
from .compiled import SEAT_TOLERANCE, CompiledStudy, Package
from .limits import Limits, Requirement, Setting, requirements
from .milp import Expr, Formulation, add_conditional_red_line, chamber_of, formulate, maximise, minimise
from .ratification import Coalition, coalition
from .solver import run


class Conflict(NamedTuple):
    requirement: Requirement
    reason: str


class Diagnosis(NamedTuple):
    """Why no package exists: the settings that clash with the level rules, or the requirements
    no package meets together (with why), and the package that misses the fewest requirements."""

    settings: tuple[Setting, ...]
    conflict: tuple[Conflict, ...]
    closest: Package | None
    closest_coalition: Coalition | None
    missing: tuple[Requirement, ...]
    agenda: tuple[str, ...] = ()  # the agenda holds that take part in a clash of settings, in words


def requirement_met(model: CompiledStudy, req: Requirement, package: Package, c: Coalition) -> bool | None:
    """Whether the package meets the requirement; None when its venue does not ask for it."""
    accepts = lambda s: s in c.stances and c.stances[s].accepts  # noqa: E731
    if req.kind == "require":
        return accepts(req.id)
    test = model.test(package, req.country)
    if test is None:
        return None
    if req.kind == "actor":
        return accepts(req.id) if req.id in test.actors else None
    if test.venue is not req.venue:
        return None
    return c.countries[req.country].chambers[req.id].passed


def _deletion_filter(items: list, infeasible: Callable[[list], bool]) -> list:
    """A minimal subset of `items` that is still infeasible (every item is needed for that)."""
    kept = list(items)
    for item in list(items):
        trial = [x for x in kept if x != item]
        if infeasible(trial):
            kept = trial
    return kept


def diagnose(model: CompiledStudy, limits: Limits, solver: str, time_limit: float | None = None,
             prefer: Callable[[Formulation], Expr] | None = None) -> Diagnosis:
    """Why no package meets `limits`: a minimal set of clashing settings, or a minimal set of
    requirements no package meets together with the reason for each, and the closest package
    (fewest requirements missed; among those, the one maximising `prefer`'s expression)."""

    def feasible(form: Formulation) -> bool:
        maximise(form, 0)
        return run(form.prob, solver, time_limit).status != "infeasible"

    if not feasible(formulate(model, limits, enforce=[])):
        clash = _deletion_filter(limits.settings, lambda kept: not feasible(
            formulate(model, limits.keep_settings(kept), enforce=[])))
        held = _holds(model, limits) if feasible(formulate(model, limits, enforce=[], agenda=False)) else ()
        return Diagnosis(tuple(clash), (), None, None, (), held)
    everything = requirements(model, limits)
    conflict = _deletion_filter(everything, lambda kept: not feasible(formulate(model, limits, kept)))
    reasons = tuple(Conflict(req, _why(model, limits, req, conflict, solver, time_limit)) for req in conflict)

    soft = formulate(model, limits, soft=True)
    minimise(soft, pulp.lpSum(soft.misses.values()))
    closest, closest_c, missing = None, None, ()
    if run(soft.prob, solver, time_limit).found:
        closest = soft.package()
        if prefer is not None:
            fewest = round(sum(m.varValue or 0.0 for m in soft.misses.values()))
            soft.add(pulp.lpSum(soft.misses.values()) <= fewest, "fewest_missing")
            maximise(soft, prefer(soft))
            if run(soft.prob, solver, time_limit).found:
                closest = soft.package()
        closest_c = coalition(model.study, model.scenario, closest, limits.countries)
        missing = tuple(r for r in everything if requirement_met(model, r, closest, closest_c) is False)
    return Diagnosis((), reasons, closest, closest_c, missing)


def _holds(model: CompiledStudy, limits: Limits) -> tuple[str, ...]:
    """The dimensions each agenda setter holds at the no-deal level for these limits, in words."""
    countries = list(limits.countries) or list(model.tests)
    out = []
    for g in model.agenda:
        if g.country not in countries or not (g.venues or (g.bilateral and len(set(countries)) > 1)):
            continue
        where = "a bilateral package" if g.bilateral and len(set(countries)) > 1 else \
            "a package needing " + " or ".join(sorted(v.value for v in g.venues)) + f" in {g.country}"
        for (item, rank), dims in sorted({r: [d for d, x in g.off().items() if x == r] for r in g.off().values()}.items(),
                                         key=lambda kv: kv[0][1]):
            out.append(f"{g.setter} keeps {item} off the agenda of {where} (ranked {ordinal(rank)}, capacity "
                       f"{g.capacity:g}): {', '.join(dims)} stay at the no-deal level")
    return tuple(out)


def _accepting(form: Formulation, blocs) -> list[str]:
    return [b for b in blocs if b in form.accept and (form.accept[b].varValue or 0) > 0.5]


def _why(model: CompiledStudy, limits: Limits, req: Requirement, conflict: list[Requirement], solver: str,
         time_limit: float | None) -> str:
    others = [str(r) for r in conflict if r != req]
    alone = formulate(model, limits, enforce=[req])
    maximise(alone, 0)
    if run(alone.prob, solver, time_limit).found:
        return "can be met alone, but not together with " + "; ".join(others)
    if req.kind in ("actor", "require"):
        if req.id not in model.profiles:
            return f"absent in scenario '{model.scenario.id}'"
        profile = model.profiles[req.id]
        form = formulate(model, limits, enforce=[])
        for d, levels in profile.red_lines.items():
            form.add(pulp.lpSum(form.pick[d][lv] for lv in levels) == 0, f"avoid_red_line_{d}")
        for i, line in enumerate(profile.conditional_red_lines):
            add_conditional_red_line(form, line, 1, f"avoid_conditional_red_line_{i}")
        maximise(form, form.gain[req.id])
        if not run(form.prob, solver, time_limit).found:
            lines = ", ".join([f"{d}.{lv}" for d, levels in profile.red_lines.items() for lv in levels]
                              + [line.label for line in profile.conditional_red_lines])
            return f"every package allowed touches one of its red lines ({lines})"
        best = profile.gain(form.package())
        return (f"its best attainable gain without crossing its red lines is {best:+.3f}, "
                f"below its reservation {profile.reservation:+.3f}")
    form = formulate(model, limits, enforce=[])
    form.add(form.venue[req.country][req.venue] == 1, "venue_in_question")
    chamber = chamber_of(form, req)
    seats = chamber.seats
    share = pulp.lpSum(x * form.accepted(b) for b, x in seats.items() if x > 0)
    if chamber.party:
        agenda = pulp.lpSum(w * form.accepted(b) for b, w in chamber.party_weights.items() if seats[b] > 0)
        maximise(form, agenda)
        if not run(form.prob, solver, time_limit).found:
            return f"no package allowed needs a {req.venue.value} in {req.country}"
        yes = _accepting(form, chamber.party)
        held = sum(chamber.party_weights[b] for b in yes)
        if held < chamber.gate - SEAT_TOLERANCE:
            return (f"the majority party ({', '.join(chamber.party)}) keeps it off the floor: at most {held:.1%} of "
                    f"the party's seats accept ({', '.join(yes) or 'none'}), against the {chamber.gate:.1%} needed")
        form.add(agenda >= chamber.gate - SEAT_TOLERANCE, "agenda_gate_met")
    maximise(form, share)
    if not run(form.prob, solver, time_limit).found:
        return f"no package allowed needs a {req.venue.value} in {req.country}"
    yes = _accepting(form, seats)
    gated = " with the majority party's agenda gate met" if chamber.party else ""
    if not yes:
        return (f"no bloc of {req.id} accepts any package allowed that needs a {req.venue.value} in {req.country} "
                f"(0% of seats against the {req.threshold:.1%} needed)")
    return (f"at most {sum(seats[b] for b in yes):.1%} of seats accept together{gated} ({', '.join(yes)}), "
            f"against the {req.threshold:.1%} needed")
