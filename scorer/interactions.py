"""Non-additive terms: a stakeholder's value that depends on a combination of levels, and red
lines that hold only with other levels or only with some credence.

- A term adds its `adjustment` to the stakeholder's value of every package in which each of its
  level sets holds; its gain is adjustment x (holds(package) - holds(status quo)), the status quo
  being the compiled model's.
- A conditional red line is touched when the package picks one of its levels, every set of `when`
  holds and not every set of `unless` does. The point model holds it whatever its credence (a
  credence of 0 drops it: a sampled world where the stakeholder does not insist); the sampler
  draws it held with probability `credence`.

The compiled records live here; `compiled.Profile` holds them and adds them to value, gain and
the red lines touched. Pure Python, like `compiled`."""

from __future__ import annotations

from typing import NamedTuple

from .models import ConditionalRedLine, Interaction, LevelSet, Study

Package = dict[str, str]
Condition = tuple[tuple[str, frozenset[str]], ...]  # (dimension, levels) pairs that must all hold


def holds(condition: Condition, package: Package) -> bool:
    return all(package[d] in levels for d, levels in condition)


def describe(ls: LevelSet) -> str:
    """A level set in words: 'd=a', 'd=a|b' or 'd>=a'."""
    return f"{ls.dimension}>={ls.at_least}" if ls.at_least is not None else f"{ls.dimension}={'|'.join(ls.levels)}"


class Term(NamedTuple):
    """An interaction, compiled: `adjustment` added to the value of a package where `when` holds."""

    id: str  # its judgment's id: adjustment:<stakeholder>.interactions[i]
    when: Condition
    adjustment: float
    low: float
    high: float
    label: str  # 'temp_workers=large together with protections=weak'
    evidence: tuple[str, ...]
    note: str
    at_status_quo: bool = False  # it holds in the compiled status quo

    def holds(self, package: Package) -> bool:
        return holds(self.when, package)

    def part(self, package: Package) -> float:
        """Its part in the gain: adjustment x (holds(package) - holds(status quo))."""
        return self.adjustment * (self.holds(package) - self.at_status_quo)


class ConditionalLine(NamedTuple):
    """A conditional red line, compiled."""

    id: str  # its judgment's id: credence:<stakeholder>.conditional_red_lines[i]
    dimension: str
    levels: frozenset[str]
    when: Condition
    unless: Condition  # empty: no exception
    credence: float
    label: str  # 'temp_workers.large (when protections=weak)'
    evidence: tuple[str, ...]
    note: str

    def touches(self, package: Package) -> bool:
        return (package[self.dimension] in self.levels and holds(self.when, package)
                and not (self.unless and holds(self.unless, package)))


def _condition(study: Study, sets: list[LevelSet]) -> Condition:
    return tuple((ls.dimension, frozenset(study.dimensions[ls.dimension].members(ls))) for ls in sets)


def _term(study: Study, sid: str, i: int, term: Interaction) -> Term:
    low, high = term.adjustment_range or (term.adjustment, term.adjustment)
    label = " together with ".join(describe(ls) for ls in term.when)
    return Term(f"adjustment:{sid}.interactions[{i}]", _condition(study, term.when), term.adjustment, float(low),
                float(high), label, tuple(term.evidence), term.note)


def _line(study: Study, sid: str, i: int, line: ConditionalRedLine) -> ConditionalLine:
    levels = frozenset(study.dimensions[line.dimension].members(line))
    picked = describe(line).replace("=", ".", 1) if line.levels is not None else describe(line)
    words = [f"when {' and '.join(describe(ls) for ls in line.when)}"] if line.when else []
    words += [f"unless {' and '.join(describe(ls) for ls in line.unless)}"] if line.unless else []
    label = picked + (f" ({'; '.join(words)})" if words else "")
    return ConditionalLine(f"credence:{sid}.conditional_red_lines[{i}]", line.dimension, levels,
                           _condition(study, line.when), _condition(study, line.unless), line.credence, label,
                           tuple(line.evidence), line.note)


def value(terms: tuple[Term, ...], package: Package) -> float:
    """The terms' part of a stakeholder's value of the package."""
    return sum(t.adjustment for t in terms if t.holds(package))


def attach(study: Study, profiles: dict, status_quo: Package) -> dict:
    """The profiles with each stakeholder's terms and conditional red lines (those held, credence
    above 0), the terms' value at `status_quo` added to its status-quo value."""
    out = {}
    for sid, profile in profiles.items():
        sh = study.stakeholders[sid]
        if not sh.interactions and not sh.conditional_red_lines:
            out[sid] = profile
            continue
        terms = tuple(t._replace(at_status_quo=t.holds(status_quo))
                      for t in (_term(study, sid, i, x) for i, x in enumerate(sh.interactions)))
        lines = tuple(_line(study, sid, i, r) for i, r in enumerate(sh.conditional_red_lines) if r.credence > 0)
        out[sid] = profile._replace(terms=terms, conditional_red_lines=lines,
                                    status_quo_value=profile.status_quo_value + value(terms, status_quo))
    return out


class Part(NamedTuple):
    """A term's part in a stakeholder's gain on a package (`amount`), or a conditional red line the
    package touches (`amount` None)."""

    label: str
    amount: float | None
    evidence: tuple[str, ...]
    credence: float = 1.0

    @property
    def words(self) -> str:
        """'-0.080: temp_workers=large together with protections=weak — evidence ipc06_...'"""
        cite = f" — evidence {', '.join(self.evidence)}" if self.evidence else ""
        if self.amount is not None:
            return f"{self.amount:+.3f}: {self.label}{cite}"
        held = "" if self.credence == 1 else f", held with credence {self.credence:g}"
        return f"red line {self.label}{held}{cite}"

    def json(self) -> dict:
        return {"term": self.label, "contribution": None if self.amount is None else round(self.amount, 6),
                "credence": self.credence, "evidence": list(self.evidence)}


def hedged(touched: tuple[str, ...], terms: tuple[Part, ...]) -> list[str]:
    """The red lines touched, each held with a credence below one saying so."""
    credence = {t.label: t.credence for t in terms if t.amount is None and t.credence < 1}
    return [f"{b}, held with credence {credence[b]:g}" if b in credence else b for b in touched]


def parts(profile, package: Package) -> tuple[Part, ...]:
    """Each term's part in the stakeholder's gain on the package (those that move it), then each
    conditional red line the package touches."""
    out = [Part(t.label, t.part(package), t.evidence) for t in profile.terms if t.part(package)]
    out += [Part(r.label, None, r.evidence, r.credence) for r in profile.conditional_red_lines if r.touches(package)]
    return tuple(out)


def in_world(profile, judgments, world) -> tuple[list[tuple[Term, float]], list[ConditionalLine]]:
    """A profile's terms with their adjustments and the conditional red lines held in one sampled
    world (`world[k]` is the value of ranged judgment `judgments[k]`; a drawn credence is 1, held,
    or 0, not): what the robust programme states for that world."""
    column = {j.id: k for k, j in enumerate(judgments)}
    terms = [(t, float(world[column[t.id]]) if t.id in column else t.adjustment) for t in profile.terms]
    lines = [r for r in profile.conditional_red_lines if r.id not in column or world[column[r.id]] > 0.5]
    return terms, lines
