"""Results as tables in a notebook: the `Tabular` mixin gives the library's result types
`_repr_html_` and `_repr_markdown_` (Jupyter shows them as tables), `to_records()` (a list of
flat dicts) and `to_frame()` (a pandas DataFrame, when pandas is installed; accord does not
depend on it). Each result type's records are laid out here, by type name, so the result modules
only name the mixin."""

from __future__ import annotations

import math
from collections.abc import Callable

from .errors import AccordError
from .render import Table, _cell, render


def _r(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, 6)


def _stances(c) -> list[dict]:
    return [{"stakeholder": s, "gain": _r(x.gain), "margin": _r(x.margin), "accepts": x.accepts,
             "pivotal": s in c.pivotal, "red_lines_touched": ", ".join(x.touched)} for s, x in c.stances.items()]


def _verdict(c) -> str:
    venues = "; ".join(f"{k} {v.venue_name} {'ok' if v.ratified else 'fails'}"
                       for k, v in c.countries.items())
    return f"{'ratified' if c.ratified else 'not ratified'} ({venues})"


def _coalition(c) -> tuple[str, list[dict]]:
    return f"Coalition in {c.scenario}: {_verdict(c)}", _stances(c)


def _assessment(a) -> tuple[str, list[dict]]:
    return f"{a.proposal} in {a.coalition.scenario}: {_verdict(a.coalition)}", _stances(a.coalition)


def _ranking(rows) -> tuple[str, list[dict]]:
    scenario = rows[0].assessment.coalition.scenario if rows else ""
    return f"Ranking ({scenario})", [{"rank": r.rank, "proposal": r.proposal, "score": _r(r.score),
                                      "ratified": r.ratified, "blocking": ", ".join(r.assessment.coalition.blocking)}
                                     for r in rows]


def _explanation(e) -> tuple[str, list[dict]]:
    title = f"Why {e.stakeholder} {'accepts' if e.accepts else 'rejects'} {e.proposal} ({e.scenario}): gain " \
            f"{e.gain:+.3f}, reservation {e.reservation:+.3f}"
    return title, [{"dimension": c.dimension, "weight": _r(c.weight), "status_quo_level": c.baseline_level,
                    "level": c.level, "status_quo_value": _r(c.baseline_value), "value": _r(c.value),
                    "contribution": _r(c.contribution), "evidence": ", ".join(c.evidence)} for c in e.contributions]


def _whatif(w) -> tuple[str, list[dict]]:
    title = f"What if: {w.proposal}; ratified {w.before.ratified} -> {w.after.ratified}"
    return title, [{"stakeholder": s, "gain_before": _r(x.gain), "gain_after": _r(w.after.stances[s].gain),
                    "accepts_before": x.accepts, "accepts_after": w.after.stances[s].accepts}
                   for s, x in w.before.stances.items() if s in w.after.stances]


def _unlock(u) -> tuple[str, list[dict]]:
    return f"What unlocks {u.proposal} ({u.scenario}): {u.status}", [
        {"rank": a.rank, "changes": "; ".join(f"{c.dimension}: {c.before} -> {c.after}" for c in a.changes),
         "n": len(a.changes), "ratified": a.coalition.ratified, "wins": ", ".join(a.wins),
         "loses": ", ".join(a.loses), "sponsor_gain_after": _r(a.sponsor_gain)} for a in u.alternatives]


def _search(s) -> tuple[str, list[dict]]:
    return f"Packages by {s.objective} ({s.scenario}): {s.status}", [
        {"rank": f.rank, "objective": _r(f.objective), "ratified": f.coalition.ratified,
         "package": ", ".join(f"{d}={lv}" for d, lv in f.package.items())} for f in s.packages]


def _frontier(f) -> tuple[str, list[dict]]:
    a, b = f.countries
    return f"Frontier between {a} and {b} ({f.scenario})", [
        {"point": p.point, f"gain_{a}": _r(p.gains[a]), f"gain_{b}": _r(p.gains[b]),
         "package": ", ".join(f"{d}={lv}" for d, lv in p.package.items())} for p in f.points]


def _robustness(r) -> tuple[str, list[dict]]:
    return f"Robustness over {r.samples} worlds ({r.scenario}, seed {r.seed})", [
        {"proposal": o.proposal, "ratified_at_point": o.ratified_at_point, "rank_at_point": o.rank_at_point,
         "p_ratified": _r(r.share(o.ratified)), "p_first": _r(r.share(o.first))} for o in r.odds]


def _sensitivity(s) -> tuple[str, list[dict]]:
    return f"Sensitivity of {s.proposal} ({s.scenario}): ratified {s.ratified}", [
        {"judgment": x.judgment.id, "point": _r(x.judgment.point), "low": _r(x.judgment.low),
         "high": _r(x.judgment.high), "ratification_share": _r(x.ratification_share),
         "crosses": x.crosses} for x in s.stabilities]


LAYOUTS: dict[str, Callable[[object], tuple[str, list[dict]]]] = {
    "Coalition": _coalition, "Assessment": _assessment, "Ranking": _ranking, "Explanation": _explanation,
    "WhatIf": _whatif, "Unlock": _unlock, "Search": _search, "Frontier": _frontier, "Robustness": _robustness,
    "Sensitivity": _sensitivity,
}


class Tabular:
    """Mixin: a result shown as a table in Jupyter, and as records or a DataFrame."""

    __slots__ = ()

    def _layout(self) -> tuple[str, list[dict]]:
        return LAYOUTS[type(self).__name__](self)

    def to_records(self) -> list[dict]:
        """The result's rows as flat dicts (numbers rounded to six places)."""
        return self._layout()[1]

    def to_frame(self):
        """The records as a pandas DataFrame; needs pandas, which accord does not install."""
        try:
            import pandas  # noqa: PLC0415
        except ImportError:
            raise AccordError("to_frame() needs pandas (pip install pandas); to_records() needs nothing") from None
        return pandas.DataFrame.from_records(self.to_records())

    def _table(self) -> Table:
        title, rows = self._layout()
        headers = list(rows[0]) if rows else ["(no rows)"]
        return Table("result", title, headers, [list(r.values()) for r in rows])

    def _repr_markdown_(self) -> str:
        return render(self._table(), "markdown")

    def _repr_html_(self) -> str:
        import html  # noqa: PLC0415  (in a notebook only: a start-up cost for the command line)

        t = self._table()
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in t.headers)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(_cell(v)))}</td>" for v in row)
                       + "</tr>" for row in t.rows)
        return (f"<table><caption>{html.escape(t.title)}</caption><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")
