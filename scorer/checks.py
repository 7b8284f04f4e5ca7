"""Cross-reference checks over a study whose files each parsed: unknown and inconsistent ids,
level rules that contradict or loop, proposals that break them, seat shares that do not add up,
ranged party splits that do not fit their chamber.

Each finding is (item kind, item id, field path within the item, message); the loader turns it
into file:line. References into a kind whose files failed to load are not reported as unknown."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from .models import Dimension, LevelSet, SeatSplit, Study, StakeholderKind, Venue

Finding = tuple[str, str, tuple, str]
SEAT_TOLERANCE = 0.005
# Reference kind -> the file kind that defines it (for skipping references into broken files).
_FILE_KIND = {"dimension": "dimensions", "document": "documents", "stakeholder": "stakeholder",
              "scenario": "scenario", "evidence": "evidence", "country": "institutions",
              "chamber": "institutions", "proposal": "proposal"}
# Evidence tags are `kind:id`; these kinds name an item of the study, these mark a record as
# holding a number, a judgment or a conclusion and take no id.
_TAG_REFERENCES = ("stakeholder", "dimension", "scenario", "proposal", "episode", "chamber", "venue")
_TAG_MARKERS = ("number", "judgment", "conclusion")


def _expected(known) -> str:
    names = list(known)
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"(expected one of: {shown})" if names else "(none are defined)"


class _Checker:
    def __init__(self, study: Study, broken: set[str]) -> None:
        self.s = study
        self.broken = broken
        self.findings: list[Finding] = []

    def add(self, kind: str, item: str, path: tuple, message: str) -> None:
        self.findings.append((kind, item, path, message))

    def ref(self, kind: str, item: str, path: tuple, value: str, target: str, known) -> bool:
        """Report `value` if it is not among `known` ids of `target` kind; True when known."""
        if value in known:
            return True
        if _FILE_KIND[target] not in self.broken:
            self.add(kind, item, path, f"unknown {target} '{value}' {_expected(known)}")
        return False

    def evidence(self, kind: str, item: str, path: tuple, ids: list[str]) -> None:
        for i, ev in enumerate(ids):
            self.ref(kind, item, path + (i,), ev, "evidence", self.s.evidence)

    def level_set(self, kind: str, item: str, path: tuple, ls: LevelSet) -> Dimension | None:
        if not self.ref(kind, item, path + ("dimension",), ls.dimension, "dimension", self.s.dimensions):
            return None
        dim = self.s.dimensions[ls.dimension]
        named = [("levels", i, lv) for i, lv in enumerate(ls.levels or [])]
        named += [("at_least", None, ls.at_least)] if ls.at_least else []
        ok = True
        for fld, i, lv in named:
            sub = path + ((fld, i) if i is not None else (fld,))
            if lv not in dim.level_ids:
                ok = False
                self.add(kind, item, sub, f"unknown level '{lv}' for dimension '{dim.id}' {_expected(dim.level_ids)}")
        self.evidence(kind, item, path + ("evidence",), ls.evidence)
        return dim if ok else None

    # --- per kind ---------------------------------------------------------------------------

    def manifest(self) -> None:
        self.ref("manifest", "manifest", ("default_scenario",), self.s.manifest.default_scenario,
                 "scenario", self.s.scenarios)

    def documents_and_evidence(self) -> None:
        for ev in self.s.evidence.values():
            if ev.document is not None:
                self.ref("evidence", ev.id, ("document",), ev.document, "document", self.s.documents)

    def dimensions(self) -> None:
        countries = self.s.institutions.countries
        for dim in self.s.dimensions.values():
            self.evidence("dimension", dim.id, ("evidence",), dim.evidence)
            for li, level in enumerate(dim.levels):
                base = ("levels", li)
                for country in level.authority:
                    self.ref("dimension", dim.id, base + ("authority", country), country, "country", countries)
                sets = {}
                for rule in ("requires", "excludes"):
                    for ri, ls in enumerate(getattr(level, rule)):
                        target = self.level_set("dimension", dim.id, base + (rule, ri), ls)
                        if target is not None:
                            sets.setdefault(rule, []).append((ri, target.id, target.members(ls)))
                            if target.id == dim.id:
                                self.add("dimension", dim.id, base + (rule, ri, "dimension"),
                                         f"a level cannot {rule[:-1]} levels of its own dimension")
                self.evidence("dimension", dim.id, base + ("evidence",), level.evidence)
                for ri, d, required in sets.get("requires", []):
                    excluded = set().union(*[m for _, d2, m in sets.get("excludes", []) if d2 == d])
                    if required <= excluded:
                        self.add("dimension", dim.id, base + ("requires", ri),
                                 f"requires and excludes leave no allowed level of '{d}'")
        self._requires_cycles()

    def _requires_cycles(self) -> None:
        edges: dict[tuple[str, str], set[tuple[str, str]]] = {}
        for dim in self.s.dimensions.values():
            for level in dim.levels:
                for ls in level.requires:
                    target = self.s.dimensions.get(ls.dimension)
                    if target is not None and set(ls.levels or []) | {ls.at_least} - {None} <= set(target.level_ids):
                        edges.setdefault((dim.id, level.id), set()).update((target.id, lv) for lv in target.members(ls))
        state: dict[tuple[str, str], int] = {}

        def visit(node: tuple[str, str], trail: list[tuple[str, str]]) -> None:
            state[node] = 1
            for nxt in sorted(edges.get(node, ())):
                if state.get(nxt) == 1:
                    loop = " -> ".join(f"{d}.{lv}" for d, lv in trail[trail.index(nxt):] + [nxt])
                    dim, level = nxt
                    self.add("dimension", dim, ("levels", self.s.dimensions[dim].level_ids.index(level), "requires"),
                             f"'requires' rules form a cycle: {loop}")
                elif nxt not in state:
                    visit(nxt, trail + [nxt])
            state[node] = 2

        for node in sorted(edges):
            if node not in state:
                visit(node, [node])

    def stakeholders(self) -> None:
        inst = self.s.institutions
        for sh in self.s.stakeholders.values():
            k = ("stakeholder", sh.id)
            self.ref(*k, ("country",), sh.country, "country", inst.countries)
            for i, ch in enumerate(sh.chambers):
                if self.ref(*k, ("chambers", i), ch, "chamber", inst.chambers) and inst.chambers[ch].country != sh.country:
                    self.add(*k, ("chambers", i), f"chamber '{ch}' belongs to '{inst.chambers[ch].country}', "
                             f"not to the bloc's country '{sh.country}'")
            for name in ("influence_evidence", "reservation_evidence", "evidence"):
                self.evidence(*k, (name,), getattr(sh, name))
            for i, ls in enumerate(sh.red_lines):
                self.level_set(*k, ("red_lines", i), ls)
            for d, concern in sh.concerns.items():
                base = ("concerns", d)
                if not self.ref(*k, base, d, "dimension", self.s.dimensions):
                    continue
                dim = self.s.dimensions[d]
                if concern.preferred is not None and concern.preferred not in dim.level_ids:
                    self.add(*k, base + ("preferred",), f"unknown level '{concern.preferred}' for dimension "
                             f"'{d}' {_expected(dim.level_ids)}")
                if concern.values is not None:
                    for lv in concern.values:
                        if lv not in dim.level_ids:
                            self.add(*k, base + ("values", lv), f"unknown level '{lv}' for dimension '{d}' "
                                     f"{_expected(dim.level_ids)}")
                    missing = [lv for lv in dim.level_ids if lv not in concern.values]
                    if missing:
                        self.add(*k, base + ("values",), f"no value for levels: {', '.join(missing)}")
                self.evidence(*k, base + ("evidence",), concern.evidence)

    def interactions(self) -> None:
        """Non-additive terms and conditional red lines name known dimensions, levels and evidence."""
        for sh in self.s.stakeholders.values():
            k = ("stakeholder", sh.id)
            for i, term in enumerate(sh.interactions):
                for j, ls in enumerate(term.when):
                    self.level_set(*k, ("interactions", i, "when", j), ls)
                self.evidence(*k, ("interactions", i, "evidence"), term.evidence)
            for i, line in enumerate(sh.conditional_red_lines):
                base = ("conditional_red_lines", i)
                self.level_set(*k, base, line)
                for part in ("when", "unless"):
                    for j, ls in enumerate(getattr(line, part)):
                        self.level_set(*k, base + (part, j), ls)

    def _majority(self, kind: str, item: str, path: tuple, chamber: str, party: list[str], shares: dict[str, float]) -> None:
        for i, bloc in enumerate(party):
            if bloc not in shares:
                self.add(kind, item, path + (i,), f"majority-party bloc '{bloc}' holds no seats in '{chamber}'")

    def _seat_shares(self, kind: str, item: str, path: tuple, chamber: str, shares: dict[str, float]) -> None:
        for bloc in shares:
            sh = self.s.stakeholders.get(bloc)
            if not self.ref(kind, item, path + (bloc,), bloc, "stakeholder", self.s.stakeholders):
                continue
            if sh.kind is not StakeholderKind.legislative_bloc or chamber not in sh.chambers:
                self.add(kind, item, path + (bloc,), f"'{bloc}' does not sit in chamber '{chamber}' "
                         f"(its file must list it under 'chambers')")
        total = sum(shares.values())
        if abs(total - 1.0) > SEAT_TOLERANCE:
            self.add(kind, item, path, f"seat shares of '{chamber}' add up to {total:.4f}, expected 1")

    def _seat_splits(self, kind: str, item: str, path: tuple, chamber: str, shares: dict[str, float],
                     splits: list[SeatSplit], party: list[str]) -> None:
        """Each ranged party split names two or more distinct blocs of the chamber, a bloc among
        them, a range within [0, 1] holding the bloc's point share of the party, and no bloc of
        another split; its blocs lie all inside or all outside the majority party, so the party
        totals (of the split and of the floor gate) stay fixed."""
        seen: dict[str, int] = {}
        for i, split in enumerate(splits):
            at = path + (i,)
            self.evidence(kind, item, at + ("evidence",), split.evidence)
            if len(set(split.blocs)) != len(split.blocs) or len(split.blocs) < 2:
                self.add(kind, item, at + ("blocs",), f"expected two or more distinct blocs, found {split.blocs}")
                continue
            known = True
            for j, bloc in enumerate(split.blocs):
                if bloc not in shares:
                    known = False
                    self.add(kind, item, at + ("blocs", j), f"bloc '{bloc}' holds no seats in '{chamber}'")
                elif bloc in seen:
                    self.add(kind, item, at + ("blocs", j), f"bloc '{bloc}' is already in splits[{seen[bloc]}]")
                seen.setdefault(bloc, i)
            if split.bloc not in split.blocs:
                self.add(kind, item, at + ("bloc",), f"unknown bloc '{split.bloc}' for this split "
                         f"{_expected(split.blocs)}")
                continue
            low, high = split.share_range
            if not 0.0 <= low <= high <= 1.0:
                self.add(kind, item, at + ("share_range",), f"expected 0 <= low <= high <= 1, found [{low}, {high}]")
                continue
            inside = [b in party for b in split.blocs]
            if any(inside) and not all(inside):
                self.add(kind, item, at + ("blocs",), "the blocs straddle the majority party: expected all "
                         "inside it or all outside it")
            if not known:
                continue
            total = sum(shares[b] for b in split.blocs)
            if total <= 0:
                self.add(kind, item, at + ("blocs",), f"the party holds no seats in '{chamber}'")
                continue
            point = shares[split.bloc] / total
            if not low - 1e-9 <= point <= high + 1e-9:
                self.add(kind, item, at + ("share_range",), f"expected a range holding '{split.bloc}''s share of "
                         f"its party, {point:.4f}, found [{low}, {high}]")

    def institutions(self) -> None:
        inst = self.s.institutions
        k = ("institutions", "institutions")
        for cid, country in inst.countries.items():
            self.evidence(*k, ("countries", cid, "evidence"), country.evidence)
            for venue, rule in country.venues.items():
                base = ("countries", cid, "venues", venue.value)
                for i, actor in enumerate(rule.actors):
                    self.ref(*k, base + ("actors", i), actor, "stakeholder", self.s.stakeholders)
                for ch in rule.chambers:
                    if self.ref(*k, base + ("chambers", ch), ch, "chamber", inst.chambers) and inst.chambers[ch].country != cid:
                        self.add(*k, base + ("chambers", ch), f"chamber '{ch}' belongs to '{inst.chambers[ch].country}'")
                self.evidence(*k, base + ("evidence",), rule.evidence)
        for ch_id, chamber in inst.chambers.items():
            base = ("chambers", ch_id)
            self.ref(*k, base + ("country",), chamber.country, "country", inst.countries)
            self._seat_shares(*k, base + ("seats",), ch_id, chamber.seats)
            self._majority(*k, base + ("majority_party",), ch_id, chamber.majority_party, chamber.seats)
            self._seat_splits(*k, base + ("splits",), ch_id, chamber.seats, chamber.splits, chamber.majority_party)
            self.evidence(*k, base + ("evidence",), chamber.evidence)
            for sh in self.s.stakeholders.values():
                if ch_id in sh.chambers and sh.id not in chamber.seats:
                    self.add(*k, base + ("seats",), f"bloc '{sh.id}' sits in '{ch_id}' but has no seat share")

    def scenarios(self) -> None:
        for sc in self.s.scenarios.values():
            k = ("scenario", sc.id)
            self.evidence(*k, ("evidence",), sc.evidence)
            for i, shift in enumerate(sc.salience):
                self.ref(*k, ("salience", i, "dimension"), shift.dimension, "dimension", self.s.dimensions)
                for j, sh in enumerate(shift.stakeholders):
                    self.ref(*k, ("salience", i, "stakeholders", j), sh, "stakeholder", self.s.stakeholders)
                self.evidence(*k, ("salience", i, "evidence"), shift.evidence)
            for i, shift in enumerate(sc.reservation):
                self.ref(*k, ("reservation", i, "stakeholder"), shift.stakeholder, "stakeholder", self.s.stakeholders)
                self.evidence(*k, ("reservation", i, "evidence"), shift.evidence)
            for ch, seats in sc.seats.items():
                if self.ref(*k, ("seats", ch), ch, "chamber", self.s.institutions.chambers):
                    self._seat_shares(*k, ("seats", ch, "shares"), ch, seats.shares)
                    if seats.majority_party is not None:
                        self._majority(*k, ("seats", ch, "majority_party"), ch, seats.majority_party, seats.shares)
                    party = seats.majority_party
                    if party is None:
                        party = self.s.institutions.chambers[ch].majority_party
                    self._seat_splits(*k, ("seats", ch, "splits"), ch, seats.shares, seats.splits, party)
                self.evidence(*k, ("seats", ch, "evidence"), seats.evidence)
            for i, sh in enumerate(sc.absent):
                self.ref(*k, ("absent", i), sh, "stakeholder", self.s.stakeholders)

    def reversion(self) -> None:
        """Each scenario's no-deal point names known dimensions and levels, and what is in place
        keeps the level rules; a threat names a country, the stakeholders it hurts (once each) or a
        level, and no dimension is set twice."""
        for sc in self.s.scenarios.values():
            k = ("scenario", sc.id)
            known = True
            for d, nd in sc.no_deal.items():
                if self.ref(*k, ("no_deal", d), d, "dimension", self.s.dimensions):
                    known &= self._level(k, ("no_deal", d, "level"), d, nd.level)
                else:
                    known = False
                self.evidence(*k, ("no_deal", d, "evidence"), nd.evidence)
            if known and sc.no_deal and not self.dimensions_broken():
                kept = {d: nd.level for d, nd in sc.no_deal.items()}
                first = {d: dim.level_ids[0] for d, dim in self.s.dimensions.items()}
                for d, message in rule_violations(self.s, {**first, **kept}):
                    self.add(*k, ("no_deal", d) if d in kept else ("no_deal",), f"what is in place: {message}")
            ids: set[str] = set()
            set_by: dict[str, str] = {d: "no_deal" for d in sc.no_deal}
            for i, t in enumerate(sc.threats):
                base = ("threats", i)
                if t.id in ids:
                    self.add(*k, base + ("id",), f"threat '{t.id}' is defined twice")
                ids.add(t.id)
                self.ref(*k, base + ("by",), t.by, "country", self.s.institutions.countries)
                for j, sh in enumerate(t.hurts):
                    self.ref(*k, base + ("hurts", j), sh, "stakeholder", self.s.stakeholders)
                    if sh in t.hurts[:j]:
                        self.add(*k, base + ("hurts", j), f"stakeholder '{sh}' is listed twice")
                if t.dimension is not None:
                    if self.ref(*k, base + ("dimension",), t.dimension, "dimension", self.s.dimensions):
                        self._level(k, base + ("level",), t.dimension, t.level)
                    if t.dimension in set_by:
                        self.add(*k, base + ("dimension",), f"dimension '{t.dimension}' is already set by "
                                 f"{set_by[t.dimension]}: a no-deal point has one level per dimension")
                    set_by[t.dimension] = f"threat '{t.id}'"
                self.evidence(*k, base + ("evidence",), t.evidence)

    def _level(self, k: tuple[str, str], path: tuple, d: str, level: str) -> bool:
        ids = self.s.dimensions[d].level_ids
        if level not in ids:
            self.add(*k, path, f"unknown level '{level}' for dimension '{d}' {_expected(ids)}")
        return level in ids

    def agenda(self) -> None:
        """Agenda setters: a present stakeholder of the country named, a country that ratifies, and a
        ranking in which some dimension carries an item (the other items are the issues that crowd
        it out)."""
        inst = self.s.institutions
        carried = {d.agenda_item for d in self.s.dimensions.values()} - {None}
        for sc in self.s.scenarios.values():
            k = ("scenario", sc.id)
            for i, setter in enumerate(sc.agenda):
                base = ("agenda", i)
                if self.ref(*k, base + ("stakeholder",), setter.stakeholder, "stakeholder", self.s.stakeholders):
                    sh = self.s.stakeholders[setter.stakeholder]
                    if setter.stakeholder in sc.absent:
                        self.add(*k, base + ("stakeholder",), f"'{sh.id}' is absent in this scenario, so it sets no agenda")
                    if sh.country != setter.country:
                        self.add(*k, base + ("country",),
                                 f"expected '{sh.id}''s country '{sh.country}', found '{setter.country}'")
                if self.ref(*k, base + ("country",), setter.country, "country", inst.countries):
                    if not inst.countries[setter.country].ratifies:
                        self.add(*k, base + ("country",),
                                 f"country '{setter.country}' defines no venues, so it has no agenda to set")
                if "dimension" not in self.broken and not carried & set(setter.items):
                    self.add(*k, base + ("items",), "no dimension carries any of these items (a dimension's "
                             f"'agenda_item') {_expected(sorted(carried))}")
                self.evidence(*k, base + ("evidence",), setter.evidence)

    def delivery(self) -> None:
        """Delivery judgments (credibility) name a known country, dimensions and judges, and judge
        each (judge, dimension) at most once per scenario."""
        for sc in self.s.scenarios.values():
            k = ("scenario", sc.id)
            seen: dict[tuple[str, str], int] = {}
            for i, rec in enumerate(sc.delivery):
                base = ("delivery", i)
                self.ref(*k, base + ("country",), rec.country, "country", self.s.institutions.countries)
                dims = [d for j, d in enumerate(rec.dimensions)
                        if self.ref(*k, base + ("dimensions", j), d, "dimension", self.s.dimensions)]
                judges = [s for j, s in enumerate(rec.judges)
                          if self.ref(*k, base + ("judges", j), s, "stakeholder", self.s.stakeholders)]
                for j, s in enumerate(rec.judges):
                    if s in self.s.stakeholders and self.s.stakeholders[s].country == rec.country:
                        self.add(*k, base + ("judges", j), f"judge '{s}' belongs to '{rec.country}', the country "
                                 "that delivers; a judge is an actor of another country")
                if not rec.judges:
                    judges = [s.id for s in self.s.stakeholders.values() if s.country != rec.country]
                for s in judges:
                    for d in dims:
                        if (s, d) in seen:
                            self.add(*k, base + ("dimensions",), f"'{s}' already judges delivery on '{d}' in "
                                     f"delivery[{seen[s, d]}]")
                        seen.setdefault((s, d), i)
                self.evidence(*k, base + ("evidence",), rec.evidence)

    def regard(self) -> None:
        """Regard terms name known stakeholders, at most one term per (stakeholder, other)."""
        for sc in self.s.scenarios.values():
            k = ("scenario", sc.id)
            seen: dict[tuple[str, str], int] = {}
            for i, rec in enumerate(sc.regard):
                base = ("regard", i)
                self.ref(*k, base + ("stakeholder",), rec.stakeholder, "stakeholder", self.s.stakeholders)
                self.ref(*k, base + ("other",), rec.other, "stakeholder", self.s.stakeholders)
                if (rec.stakeholder, rec.other) in seen:
                    self.add(*k, base, f"'{rec.stakeholder}' already regards '{rec.other}' in "
                             f"regard[{seen[rec.stakeholder, rec.other]}]")
                seen.setdefault((rec.stakeholder, rec.other), i)
                self.evidence(*k, base + ("evidence",), rec.evidence)

    def proposals(self) -> None:
        if "status_quo" not in self.s.proposals and "proposal" not in self.broken:
            self.add("manifest", "manifest", (), "the study has no 'status_quo' proposal")
        for p in self.s.proposals.values():
            k = ("proposal", p.id)
            self.ref(*k, ("sponsor",), p.sponsor, "stakeholder", self.s.stakeholders)
            for i, c in enumerate(p.countries):
                countries = self.s.institutions.countries
                if self.ref(*k, ("countries", i), c, "country", countries) and not countries[c].ratifies:
                    self.add(*k, ("countries", i), f"country '{c}' defines no venues, so it cannot ratify a package")
            self.evidence(*k, ("evidence",), p.evidence)
            set_in: dict[str, int] = {}
            for pi, pillar in enumerate(p.pillars):
                for d, prov in pillar.provisions.items():
                    base = ("pillars", pi, "provisions", d)
                    if not self.ref(*k, base, d, "dimension", self.s.dimensions):
                        continue
                    if d in set_in:
                        self.add(*k, base, f"dimension '{d}' is already set in pillars[{set_in[d]}]")
                    set_in[d] = pi
                    dim = self.s.dimensions[d]
                    if prov.level not in dim.level_ids:
                        self.add(*k, base + ("level",), f"unknown level '{prov.level}' for dimension '{d}' "
                                 f"{_expected(dim.level_ids)}")
                    elif p.id == "status_quo" and prov.level != dim.level_ids[0]:
                        self.add(*k, base + ("level",), f"status_quo must keep '{d}' at '{dim.level_ids[0]}'")
                    self.evidence(*k, base + ("evidence",), prov.evidence)
            if not self.findings_for(k) and not self.dimensions_broken():
                for dim_id, message in rule_violations(self.s, self.s.package(p.id)):
                    pi = set_in.get(dim_id)
                    self.add(*k, ("pillars", pi, "provisions", dim_id) if pi is not None else (), message)

    def dimensions_broken(self) -> bool:
        return "dimensions" in self.broken or any(f[0] == "dimension" for f in self.findings)

    def findings_for(self, key: tuple[str, str]) -> bool:
        return any(f[:2] == key for f in self.findings)

    def tables(self) -> None:
        for t in self.s.tables.values():
            k = ("table", t.id)
            self.ref(*k, ("document",), t.document, "document", self.s.documents)
            self.evidence(*k, ("evidence",), t.evidence)
            labels = [r.label for r in t.rows]
            for i, row in enumerate(t.rows):
                if len(row.cells) != len(t.weights):
                    self.add(*k, ("rows", i, "cells"), f"expected {len(t.weights)} cells, found {len(row.cells)}")
                for j, label in enumerate(row.subtotal_of):
                    if label not in labels:
                        self.add(*k, ("rows", i, "subtotal_of", j), f"no row labelled '{label}'")

    def episodes(self) -> None:
        """Episodes name known scenarios, proposals, levels, countries, chambers and actors; a
        changed package must still keep the level rules."""
        inst = self.s.institutions
        for ep in self.s.episodes.values():
            k = ("episode", ep.id)
            self.evidence(*k, ("evidence",), ep.evidence)
            if ep.scenario is not None:
                self.ref(*k, ("scenario",), ep.scenario, "scenario", self.s.scenarios)
            pkg = ep.package
            if pkg is not None:
                self.evidence(*k, ("package", "evidence"), pkg.evidence)
                known = self.ref(*k, ("package", "proposal"), pkg.proposal, "proposal", self.s.proposals)
                for d, level in pkg.changes.items():
                    path = ("package", "changes", d)
                    if not self.ref(*k, path, d, "dimension", self.s.dimensions):
                        known = False
                    elif level not in self.s.dimensions[d].level_ids:
                        known = False
                        self.add(*k, path, f"unknown level '{level}' for dimension '{d}' "
                                 f"{_expected(self.s.dimensions[d].level_ids)}")
                if known and not self.dimensions_broken():
                    package = {**self.s.package(pkg.proposal), **pkg.changes}
                    for d, message in rule_violations(self.s, package):
                        self.add(*k, ("package", "changes", d) if d in pkg.changes else ("package",), message)
            if ep.tabled is not None:
                self.evidence(*k, ("tabled", "evidence"), ep.tabled.evidence)
            for c, outcome in ep.countries.items():
                self.ref(*k, ("countries", c), c, "country", inst.countries)
                self.evidence(*k, ("countries", c, "evidence"), outcome.evidence)
            for ch, vote in ep.chambers.items():
                self.ref(*k, ("chambers", ch), ch, "chamber", inst.chambers)
                self.evidence(*k, ("chambers", ch, "evidence"), vote.evidence)
            for a, stance in ep.actors.items():
                self.ref(*k, ("actors", a), a, "stakeholder", self.s.stakeholders)
                self.evidence(*k, ("actors", a, "evidence"), stance.evidence)

    def run(self) -> list[Finding]:
        self.manifest()
        self.documents_and_evidence()
        self.dimensions()
        self.stakeholders()
        self.interactions()
        self.institutions()
        self.scenarios()
        self.reversion()
        self.agenda()
        self.delivery()
        self.regard()
        self.proposals()
        self.tables()
        self.episodes()
        return self.findings


def rule_violations(study: Study, package: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(dimension, message) for each `requires`/`excludes` rule a full package breaks."""
    for d, level_id in package.items():
        level = study.dimensions[d].level(level_id)
        for ls in level.requires:
            if package[ls.dimension] not in study.dimensions[ls.dimension].members(ls):
                yield d, (f"level '{d}.{level_id}' requires '{ls.dimension}' at "
                          f"{_describe(study, ls)}, found '{package[ls.dimension]}'")
        for ls in level.excludes:
            if package[ls.dimension] in study.dimensions[ls.dimension].members(ls):
                yield d, f"level '{d}.{level_id}' excludes '{ls.dimension}.{package[ls.dimension]}'"


def _describe(study: Study, ls: LevelSet) -> str:
    return f"'{ls.at_least}' or above" if ls.at_least else "one of " + ", ".join(ls.levels)


def check_study(study: Study, broken: set[str]) -> list[Finding]:
    return _Checker(study, broken).run()


def tag_findings(study: Study) -> list[Finding]:
    """Evidence tags that name no item of a study that loaded whole: each tag's kind must be known
    and, for a reference kind, its id defined; a dangling tag comes with the closest id. No number
    of the model reads a tag, so `validate` reports these and the other commands still run."""
    known = {"stakeholder": study.stakeholders, "dimension": study.dimensions, "scenario": study.scenarios,
             "proposal": study.proposals, "episode": study.episodes, "chamber": study.institutions.chambers,
             "venue": [v.value for v in Venue]}
    findings: list[Finding] = []
    for ev in study.evidence.values():
        for i, tag in enumerate(ev.tags):
            kind, _, value = tag.partition(":")
            where = ("evidence", ev.id, ("tags", i))
            if kind in _TAG_MARKERS and not value:
                continue
            if kind not in _TAG_REFERENCES:
                findings.append((*where, f"unknown tag kind in '{tag}' (expected one of: "
                                 f"{', '.join(_TAG_REFERENCES)} followed by ':' and an id, or "
                                 f"{', '.join(m + ':' for m in _TAG_MARKERS)})"))
            elif value not in known[kind]:
                close = difflib.get_close_matches(value, list(known[kind]), n=1, cutoff=0.5)
                hint = f"; did you mean '{kind}:{close[0]}'?" if close else ""
                findings.append((*where, f"tag '{tag}' names an unknown {kind} {_expected(known[kind])}{hint}"))
    return findings
