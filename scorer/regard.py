"""Other-regarding terms: a stakeholder's gain may include a share of another's own gain,
gain_i = own gain_i + sum over its terms of share x own gain_other. The other's own gain is its
gain without its regard terms (with its delivery doubts), so regard never chains: a cycle of
regard is harmless. It is the other's gain over the levels: the other's threat costs and
non-additive terms (`reversion`, `interactions`) are not shared, since neither is a level choice
(the shipped case regards only the two presidents, who have neither). Linear in the share and in
the level choices, so a term compiles into the stakeholder's gain coefficients; its red lines stay
its own."""

from __future__ import annotations

from typing import NamedTuple

from .models import Scenario


class RegardTerm(NamedTuple):
    """`share` of `other`'s own gain, with `other`'s own gain coefficients (dimension -> level)."""

    other: str
    share: float
    index: int  # position of the term in the scenario's `regard` list
    coefficients: dict[str, dict[str, float]]
    evidence: tuple[str, ...]

    def gain(self, package: dict[str, str]) -> float:
        """share x the other's own gain on `package`."""
        return self.share * sum(row[package[d]] for d, row in self.coefficients.items())


def regard_terms(scenario: Scenario, own: dict[str, dict[str, dict[str, float]]]) -> dict[str, tuple[RegardTerm, ...]]:
    """Stakeholder -> its regard terms, given every present stakeholder's own gain coefficients;
    a term naming an absent stakeholder (on either side) is dropped."""
    out: dict[str, list[RegardTerm]] = {}
    for i, rec in enumerate(scenario.regard):
        if rec.stakeholder in own and rec.other in own:
            out.setdefault(rec.stakeholder, []).append(
                RegardTerm(rec.other, rec.share, i, own[rec.other], tuple(rec.evidence)))
    return {s: tuple(terms) for s, terms in out.items()}


def combined(own: dict[str, dict[str, float]], terms: tuple[RegardTerm, ...]) -> dict[str, dict[str, float]]:
    """A stakeholder's gain coefficients: its own plus share x each other's own, per dimension."""
    out = {d: dict(row) for d, row in own.items()}
    for t in terms:
        for d, row in t.coefficients.items():
            mine = out.setdefault(d, {lv: 0.0 for lv in row})
            for lv, c in row.items():
                mine[lv] += t.share * c
    return out


def parts(profile, package: dict[str, str]) -> list[dict]:
    """A compiled profile's regard terms on `package`: the gain each adds, in words with its evidence."""
    out = []
    for t in profile.regard:
        other = sum(row[package[d]] for d, row in t.coefficients.items())
        cited = f" — evidence {', '.join(t.evidence)}" if t.evidence else ""
        out.append({"stakeholder": profile.id, "mechanism": "regard", "effect": t.gain(package),
                    "text": f"{profile.id} counts {t.share:+g} x {t.other}'s own gain ({other:+.3f}) — "
                            f"{'gains from its failure' if t.share < 0 else 'shares in its success'}{cited}",
                    "evidence": list(t.evidence)})
    return out
