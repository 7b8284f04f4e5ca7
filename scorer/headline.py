"""The briefing's headline: a few sentences generated from its results, each carrying the numbers
it states (`facts`) and the section whose table backs it (`ref`). Nothing here is written by
hand about a case; every name and number comes from the results."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .briefing import Block, Briefing


@dataclass(frozen=True)
class Finding:
    key: str  # passes | blocks | unlock | best | judgments
    text: str
    ref: str  # the section that backs it
    facts: dict = field(default_factory=dict)


def names(items: list[str], limit: int = 3) -> str:
    """'a', 'a and b', 'a, b and c'; past `limit`, the first ones and how many more."""
    items = list(items)
    if len(items) > limit:
        items = items[:limit - 1] + [f"{len(items) - limit + 1} more"]
    if len(items) <= 1:
        return items[0] if items else "none"
    return ", ".join(items[:-1]) + " and " + items[-1]


def pct(x: float) -> str:
    return f"{x:.0%}"


def where(study, b: Block) -> str:
    """One place a proposal fails, in words with its numbers."""
    if b.kind == "actor":
        return f"{b.place} rejects it"
    if b.kind == "not tabled":
        return b.reason
    chamber = study.institutions.chambers[b.place].name
    if b.kind == "agenda gate":
        return (f"the {chamber}'s majority party keeps it off the floor ({pct(b.share)} of the party's seats "
                f"accept, {pct(b.needed)} needed; {names(list(b.who), 2)} against)")
    return f"the {chamber} votes it down ({pct(b.share)} of seats accept, {pct(b.needed)} needed; " \
           f"{names(list(b.who), 2)} against)"


def passes(b: Briefing) -> Finding:
    ok = [r.proposal for r in b.rows if r.ratified]
    failed = [r.proposal for r in b.failed]
    text = f"In {b.scenario.id}, {len(ok)} of {len(b.rows)} proposals ratify ({names(ok)})"
    text += f"; {len(failed)} {'fails' if len(failed) == 1 else 'fail'}, led by {failed[0]}." if failed else \
        "; none fails."
    return Finding("passes", text, "ranking", {"ratified": ok, "failed": failed})


def blockers(b: Briefing) -> Finding | None:
    lead = b.leading_failed
    if lead is None:
        return None
    mine = [x for x in b.blocks if x.proposal == lead]
    by_country: dict[str, list[Block]] = {}
    for x in mine:
        by_country.setdefault(x.country, []).append(x)
    parts = [f"in {c} ({xs[0].venue}): " + "; ".join(where(b.study, x) for x in xs) for c, xs in by_country.items()]
    text = f"{lead} fails " + ", and ".join(parts) + "."
    counts = Counter(s for r in b.failed for s in r.assessment.coalition.blocking)
    facts = {"proposal": lead, "blocks": [{"country": x.country, "venue": x.venue, "kind": x.kind, "place": x.place,
                                           "share": x.share, "needed": x.needed, "who": list(x.who)} for x in mine]}
    if len(b.failed) > 1 and counts:
        top, k = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        text += f" Across the {len(b.failed)} failing proposals, {top} blocks most often ({k} of them)."
        facts.update(most_often=top, most_often_count=k)
    return Finding("blocks", text, "blocks", facts)


def unlock(b: Briefing) -> Finding | None:
    u = b.unlock
    if u is None:
        return None
    if not u.alternatives:
        return Finding("unlock", f"No change to {u.proposal} makes it ratify ({u.status}).", "unlock",
                       {"proposal": u.proposal, "changes": None})
    a = u.alternatives[0]
    moves = "; ".join(f"{c.dimension} {c.before} → {c.after}" for c in a.changes)
    text = (f"The cheapest unlock for {u.proposal} changes {len(a.changes)} "
            f"dimension{'s' if len(a.changes) != 1 else ''} ({moves})")
    text += f", which wins over {names(list(a.wins))}" if a.wins else ""
    text += f" and loses {names(list(a.loses))}." if a.loses else "."
    return Finding("unlock", text, "unlock", {"proposal": u.proposal, "changes": len(a.changes),
                                              "wins": list(a.wins), "loses": list(a.loses)})


def best(b: Briefing) -> Finding | None:
    if b.frontier is None:
        return None
    if b.best is None:
        a, c = b.frontier.countries
        return Finding("best", f"No package is ratified in both {a} and {c}.", "frontier", {"point": None})
    p, o = b.best.point, b.best.odds
    a, c = b.frontier.countries
    text = (f"The best package for both countries is frontier point {p.point}: the worst gain is "
            f"{p.gains[a]:+.3f} in {a}'s ratifying coalition and {p.gains[c]:+.3f} in {c}'s; it is ratified in "
            f"{pct(o.p_ratified)} of {b.samples} sampled worlds (95% interval {o.low:.1%}–{o.high:.1%}).")
    return Finding("best", text, "frontier", {"point": p.point, "gains": dict(p.gains), "p_ratified": o.p_ratified,
                                              "low": o.low, "high": o.high})


def judgments(b: Briefing) -> Finding:
    contested = [o for o in b.odds if o.contested]
    if b.best is not None and b.best.odds.contested:
        contested.append(b.best.odds)
    if not contested:
        return Finding("judgments", f"No verdict turns on a judgment the sources leave open: each holds in at least "
                       f"{pct(0.9)} of the {b.samples} sampled worlds.", "robustness", {"contested": []})
    parts = []
    for o in contested[:2]:
        verdict = "ratified" if o.ratified_at_point else "not ratified"
        hinge = f", hinging most on {o.decisive[0]}" if o.decisive else ""
        parts.append(f"{o.proposal} is {verdict} at the point reading but ratified in {pct(o.p_ratified)} of "
                     f"worlds{hinge}")
    more = f"; {len(contested) - 2} more in the table" if len(contested) > 2 else ""
    text = "Verdicts that turn on judgments the sources leave open: " + "; ".join(parts) + more + "."
    return Finding("judgments", text, "robustness",
                   {"contested": [{"proposal": o.proposal, "p_ratified": o.p_ratified} for o in contested]})


def findings(b: Briefing) -> list[Finding]:
    """The headline, decisions first: what passes, what blocks, what unlocks, the best package, how sure."""
    out = [passes(b), blockers(b), unlock(b), best(b), judgments(b)]
    return [f for f in out if f is not None]
