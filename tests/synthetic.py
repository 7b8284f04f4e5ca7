"""Generated studies for tests and benchmarks: a valid `Study` built in memory from a seed, with two
ratifying countries whose venues require a president and chambers of legislative blocs.

The same arguments always give the same study. Nothing here is evidence about any real case."""

from __future__ import annotations

import datetime as dt
import random

from scorer.models import (AgendaSetter, Chamber, Concern, ConditionalRedLine, Country, Delivery, Dimension,
                           Institutions, Interaction, Level, LevelSet, Manifest, NoDealLevel, Pillar, Proposal, Regard,
                           Scenario, SalienceShift, SeatShares, SeatSplit, Stakeholder, Study, Threat, Venue, VenueRule)
from scorer.scoring import Package

# Each country: president, chambers (id -> statute threshold) and the chamber that ratifies treaties.
_COUNTRIES = {
    "us": ("United States", "us_president", {"us_house": 0.5, "us_senate": 0.6}, ("us_senate", 0.667)),
    "mx": ("Mexico", "mx_president", {"mx_deputies": 0.5, "mx_senate": 0.5}, ("mx_senate", 0.5)),
}
_VENUES = list(Venue)


def _shares(rng: random.Random, blocs: list[str]) -> dict[str, float]:
    """Seat shares that add up to exactly one (to three decimals)."""
    raw = [rng.uniform(0.5, 2.0) for _ in blocs]
    shares = [round(r / sum(raw), 3) for r in raw]
    shares[-1] = round(1.0 - sum(shares[:-1]), 3)
    return dict(zip(blocs, shares))


def _dimensions(rng: random.Random, n_dimensions: int, n_levels: int, rules: int) -> dict[str, Dimension]:
    specs = []
    for i in range(n_dimensions):
        levels = []
        # Authority grows with the level: each country starts at a venue and may escalate level by level.
        start = {c: (None if rng.random() < 0.2 else rng.choice([0, 0, 1, 1, 2])) for c in _COUNTRIES}
        current = dict(start)
        for j in range(n_levels):
            authority = {}
            if j > 0:
                for c in _COUNTRIES:
                    if current[c] is None:
                        continue
                    if j > 1 and rng.random() < 0.3:
                        current[c] = min(current[c] + 1, 2)
                    authority[c] = _VENUES[current[c]]
            levels.append({"id": f"l{j}", "label": f"Level {j} of dimension {i}", "authority": authority,
                           "requires": [], "excludes": []})
        specs.append({"id": f"d{i:02d}", "label": f"Dimension {i}", "levels": levels})
    # Level rules only on levels above the status quo (so the status quo always obeys them), and
    # `requires` only towards later dimensions (so they never form a cycle).
    for _ in range(rules if n_dimensions > 1 else 0):
        a = rng.randrange(n_dimensions - 1)
        b = rng.randrange(a + 1, n_dimensions)
        level = specs[a]["levels"][rng.randrange(1, n_levels)]
        if any(r.dimension == specs[b]["id"] for r in level["requires"] + level["excludes"]):
            continue
        if rng.random() < 0.5:
            level["requires"].append(LevelSet(dimension=specs[b]["id"], at_least=f"l{rng.randrange(1, n_levels)}"))
        else:
            level["excludes"].append(LevelSet(dimension=specs[b]["id"],
                                              levels=[f"l{rng.randrange(1, n_levels)}"]))
    return {s["id"]: Dimension(id=s["id"], label=s["label"], levels=[Level(**lv) for lv in s["levels"]])
            for s in specs}


def _concerns(rng: random.Random, dims: list[Dimension], low: int, high: int) -> dict[str, Concern]:
    chosen = rng.sample(dims, min(len(dims), rng.randint(low, high)))
    out = {}
    for dim in chosen:
        salience = round(rng.uniform(0.1, 1.0), 3)
        if rng.random() < 0.3:
            out[dim.id] = Concern(salience=salience, values={lv: round(rng.random(), 3) for lv in dim.level_ids})
        else:
            out[dim.id] = Concern(salience=salience, preferred=rng.choice(dim.level_ids))
    return out


def _splits(seats: dict[str, float], parties: list[list[str]], spread: float = 0.25) -> list[SeatSplit]:
    """A ranged split of each party of two or more blocs: its first bloc's share of the party, within
    `spread` of its point share (no random draw, so the rest of the study is as without splits)."""
    out = []
    for blocs in (p for p in parties if len(p) >= 2):
        point = seats[blocs[0]] / sum(seats[b] for b in blocs)
        out.append(SeatSplit(blocs=blocs, bloc=blocs[0],
                             share_range=(max(0.0, round(point - spread, 3)), min(1.0, round(point + spread, 3)))))
    return out


def synthetic_study(n_dimensions: int = 20, n_levels: int = 4, n_stakeholders: int = 30, seed: int = 0,
                    rules: int | None = None, n_proposals: int = 4, concerns: tuple[int, int] | None = None,
                    seat_ranges: bool = False, no_deal: bool = False, interactions: bool = False,
                    agenda: bool = False, delivery: bool = False, regard: bool = False) -> Study:
    """A random but valid study: `n_dimensions` dimensions of `n_levels` levels, `n_stakeholders`
    stakeholders (two presidents, legislative blocs sitting in both chambers of their country, the
    first two US blocs the House majority party, and interest groups), `rules` requires/excludes
    rules (default: a quarter of the dimensions), two scenarios (`base`, and `shifted` with a
    salience shift, new House seats and majority party, and an absent group) and
    `n_proposals` random proposals besides the status quo. Each stakeholder cares about between
    `concerns` (low, high) dimensions: default 3-8 (1-4 under 8 dimensions); (n, n) makes a dense
    study, every stakeholder concerned with every dimension. With `seat_ranges`, every chamber's
    blocs form ranged party splits (the majority party, and the other blocs; in `shifted`, its own).
    With `no_deal`, each scenario has a level in place off the first level (one needing a venue
    where there is one) and `shifted` has two threats, a ranged cost and a level (drawn from their
    own stream: the rest is unchanged). With `interactions`, about half the stakeholders get a
    non-additive term and a third a conditional red line (`_with_terms`), drawn from a stream of
    their own so the rest of the study is the same as without. With `agenda`, the dimensions are
    grouped into three agenda items and each scenario gets agenda setters (from a stream of its own,
    so the rest of the study is the one generated without them). With `delivery`, both scenarios add
    delivery doubts (Mexico's on two dimensions, judged by every US actor; the US's on one, judged
    by Mexico's president); with `regard`, regard terms (a US bloc and a Mexican bloc against their
    president, the two presidents sharing in each other's gain, the US president in a US bloc's).
    Both draw from a stream of their own, so the rest of the study stays as without them."""
    if n_stakeholders < 8:
        raise ValueError("a synthetic study needs at least 8 stakeholders (2 presidents, 6 blocs)")
    rng = random.Random(seed)
    dims = _dimensions(rng, n_dimensions, n_levels, n_dimensions // 4 if rules is None else rules)
    dim_list = list(dims.values())
    per_country = 3 if n_stakeholders < 16 else 4
    spread = concerns or ((1, min(4, n_dimensions)) if n_dimensions < 8 else (3, 8))
    stakeholders: dict[str, Stakeholder] = {}
    chambers: dict[str, Chamber] = {}
    countries: dict[str, Country] = {}
    for c, (name, president, statute, (treaty_chamber, treaty_share)) in _COUNTRIES.items():
        stakeholders[president] = Stakeholder(
            id=president, name=f"President ({c})", country=c, kind="executive", influence=1.0,
            reservation=round(rng.uniform(0.0, 0.05), 3), concerns=_concerns(rng, dim_list, *spread))
        blocs = [f"{c}_bloc{k}" for k in range(per_country)]
        for b in blocs:
            red = []
            if rng.random() < 0.3:
                dim = rng.choice(dim_list)
                red = [LevelSet(dimension=dim.id, at_least=dim.level_ids[-1])]
            stakeholders[b] = Stakeholder(
                id=b, name=f"Bloc {b}", country=c, kind="legislative_bloc", influence=0.5,
                chambers=list(statute), reservation=round(rng.uniform(-0.02, 0.05), 3), red_lines=red,
                concerns=_concerns(rng, dim_list, *spread))
        for ch in statute:
            # The lower US chamber has a majority party that gates the floor (as the House does).
            party = blocs[:2] if ch == "us_house" else []
            chambers[ch] = Chamber(name=ch, country=c, seats=_shares(rng, blocs), majority_party=party)
            if seat_ranges:
                parties = [blocs[:2], blocs[2:]] if party else [blocs]
                chambers[ch] = chambers[ch].model_copy(update={"splits": _splits(chambers[ch].seats, parties)})
        venues = {Venue.executive: VenueRule(actors=[president]),
                  Venue.statute: VenueRule(actors=[president], chambers=statute),
                  Venue.treaty: VenueRule(actors=[president], chambers={treaty_chamber: treaty_share})}
        countries[c] = Country(name=name, venues=venues)
    for k in range(n_stakeholders - len(stakeholders)):
        sid = f"group{k:02d}"
        stakeholders[sid] = Stakeholder(
            id=sid, name=f"Group {k}", country=rng.choice(list(_COUNTRIES)), kind="interest_group",
            influence=round(rng.uniform(0.1, 1.0), 3), reservation=round(rng.uniform(-0.05, 0.1), 3),
            concerns=_concerns(rng, dim_list, *spread))
    if interactions:
        stakeholders = _with_terms(random.Random(seed + 104_729), dim_list, stakeholders)
    groups = [s for s in stakeholders if s.startswith("group")]
    us_blocs = [s for s in stakeholders if s.startswith("us_bloc")]
    scenarios = {
        "base": Scenario(id="base", label="Base", year=2001),
        "shifted": Scenario(
            id="shifted", label="Shifted", year=2002,
            salience=[SalienceShift(dimension=dim_list[0].id, multiplier=3.0)],
            seats={"us_house": SeatShares(shares=_shares(rng, us_blocs), majority_party=us_blocs[1:])},
            absent=groups[:1]),
    }
    if seat_ranges:
        house = scenarios["shifted"].seats["us_house"]
        house = house.model_copy(update={"splits": _splits(house.shares, [us_blocs[1:]])})
        scenarios["shifted"] = scenarios["shifted"].model_copy(update={"seats": {"us_house": house}})
    if no_deal:
        scenarios = _with_no_deal(random.Random(f"no_deal{seed}"), scenarios, dim_list, stakeholders)
    if delivery or regard:
        scenarios = {k: sc.model_copy(update=_trust(random.Random(seed + 7919 * (i + 1)), dim_list, delivery, regard))
                     for i, (k, sc) in enumerate(scenarios.items())}
    proposals = {"status_quo": Proposal(id="status_quo", title="Status quo", sponsor="us_president",
                                        date=dt.date(2001, 1, 1), summary="Nothing changes.", countries=list(countries))}
    for k in range(n_proposals):
        package = _proposal_package(rng, dims)
        moved = {d: lv for d, lv in package.items() if lv != dims[d].level_ids[0]}
        half = len(moved) // 2
        items = list(moved.items())
        pillars = [Pillar(name=name, provisions=dict(part)) for name, part in
                   (("Access", items[:half]), ("Security", items[half:])) if part]
        proposals[f"proposal{k}"] = Proposal(
            id=f"proposal{k}", title=f"Proposal {k}", sponsor=rng.choice(["us_president", "mx_president"]),
            date=dt.date(2001, 2, 1) + dt.timedelta(days=k), summary="A generated package.", pillars=pillars,
            countries=list(countries))
    if agenda:
        dims, scenarios = _agenda(random.Random(f"agenda-{seed}"), dims, scenarios)
    return Study(manifest=Manifest(name=f"synthetic-{seed}", default_scenario="base"), documents={}, evidence={},
                 dimensions=dims, stakeholders=stakeholders,
                 institutions=Institutions(countries=countries, chambers=chambers),
                 scenarios=scenarios, proposals=proposals)


def _with_no_deal(rng: random.Random, scenarios: dict[str, Scenario], dims: list[Dimension],
                  stakeholders: dict[str, Stakeholder]) -> dict[str, Scenario]:
    """The scenarios with no-deal points: a level in place in each, and in `shifted` a US threat that
    costs Mexico's president and a bloc (ranged), and a threatened level on another dimension."""
    first = {d.id: d.level_ids[0] for d in dims}

    def coherent(d: Dimension, lv: str) -> bool:
        package = {**first, d.id: lv}
        return all(package[ls.dimension] in dims_by_id[ls.dimension].members(ls) for ls in d.level(lv).requires) and \
            not any(package[ls.dimension] in dims_by_id[ls.dimension].members(ls) for ls in d.level(lv).excludes)

    dims_by_id = {d.id: d for d in dims}

    def in_place() -> dict[str, NoDealLevel]:
        with_venue = [(d.id, lv.id) for d in dims for lv in d.levels[1:] if lv.authority and coherent(d, lv.id)]
        d, lv = rng.choice(with_venue) if with_venue else (dims[0].id, dims[0].level_ids[-1])
        return {d: NoDealLevel(level=lv)}
    base = scenarios["base"].model_copy(update={"no_deal": in_place()})
    kept = in_place()
    other = next(d for d in dims if d.id not in kept)
    cost = round(rng.uniform(0.05, 0.3), 3)
    threats = [Threat(id="tariffs", by="us", measure="impose tariffs", hurts=["mx_president", "mx_bloc0"],
                      cost=cost, cost_range=(round(cost / 2, 3), round(cost * 1.5, 3))),
               Threat(id="closure", by="mx", measure="stop cooperating", dimension=other.id,
                      level=rng.choice(other.level_ids[1:]))]
    shifted = scenarios["shifted"].model_copy(update={"no_deal": kept, "threats": threats})
    return {"base": base, "shifted": shifted}


def _random_set(rng: random.Random, dim: Dimension) -> LevelSet:
    if rng.random() < 0.5:
        return LevelSet(dimension=dim.id, at_least=rng.choice(dim.level_ids[1:]))
    return LevelSet(dimension=dim.id, levels=rng.sample(dim.level_ids, rng.randint(1, len(dim.level_ids) - 1)))


def _with_terms(rng: random.Random, dims: list[Dimension], stakeholders: dict[str, Stakeholder]
                ) -> dict[str, Stakeholder]:
    """Random terms on two or three dimensions (some holding at the status quo, some ranged) and
    conditional red lines with `when` or `unless` and a credence, over the given stakeholders."""
    out = {}
    for sid, sh in stakeholders.items():
        terms, lines = [], []
        if len(dims) >= 2 and rng.random() < 0.5:
            sets = [_random_set(rng, d) if rng.random() < 0.8 else LevelSet(dimension=d.id, levels=[d.level_ids[0]])
                    for d in rng.sample(dims, min(len(dims), rng.randint(2, 3)))]
            x = round(rng.uniform(-0.3, 0.3), 3)
            ranged = [round(x - 0.1, 3), round(x + 0.1, 3)] if rng.random() < 0.5 else None
            terms.append(Interaction(when=sets, adjustment=x, adjustment_range=ranged))
        if len(dims) >= 2 and rng.random() < 0.35:
            line, other = rng.sample(dims, 2)
            cond = [_random_set(rng, other)]
            red = _random_set(rng, line)
            form = "when" if rng.random() < 0.5 else "unless"
            credence = 1.0 if rng.random() < 0.5 else round(rng.uniform(0.3, 0.9), 2)
            lines.append(ConditionalRedLine(**red.model_dump(), **{form: cond}, credence=credence))
        changed = {"interactions": terms, "conditional_red_lines": lines}
        out[sid] = sh.model_copy(update=changed) if terms or lines else sh
    return out


def _agenda(rng: random.Random, dims: dict[str, Dimension], scenarios: dict[str, Scenario]
            ) -> tuple[dict[str, Dimension], dict[str, Scenario]]:
    """Items i0-i2 over the dimensions (some left on none); per scenario a bilateral setter per
    president and a statute setter for the US, each ranking the items and a crowding 'crisis'."""
    items = ["i0", "i1", "i2"]
    dims = {d: dim.model_copy(update={"agenda_item": rng.choice(items + [None])}) for d, dim in dims.items()}
    if not any(dim.agenda_item for dim in dims.values()):
        first = next(iter(dims))
        dims[first] = dims[first].model_copy(update={"agenda_item": "i0"})
    out = {}
    for sid, sc in scenarios.items():
        setters = []
        for who, country, venues in (("us_president", "us", ["bilateral"]), ("mx_president", "mx", ["bilateral"]),
                                     ("us_president", "us", ["statute", "treaty"])):
            ranked = rng.sample(items + ["crisis"], 4)
            capacity = rng.randint(1, 4)
            setters.append(AgendaSetter(stakeholder=who, country=country, venues=venues, items=ranked,
                                        capacity=capacity, capacity_range=(max(0.0, capacity - 1.5), capacity + 1.0)))
        out[sid] = sc.model_copy(update={"agenda": setters})
    return dims, out


def _trust(rng: random.Random, dims: list[Dimension], delivery: bool, regard: bool) -> dict:
    """A scenario's generated delivery doubts and regard terms (see `synthetic_study`)."""
    out: dict = {}
    if delivery:
        picked = rng.sample(dims, min(3, len(dims)))
        p, q = round(rng.uniform(0.2, 0.9), 2), round(rng.uniform(0.2, 0.9), 2)
        out["delivery"] = [
            Delivery(country="mx", dimensions=[d.id for d in picked[:2]], probability=p,
                     probability_range=(round(max(0.0, p - 0.2), 2), round(min(1.0, p + 0.2), 2))),
            Delivery(country="us", dimensions=[picked[-1].id], judges=["mx_president"], probability=q)]
    if regard:
        pairs = [("us_bloc0", "us_president"), ("mx_bloc1", "mx_president"), ("us_president", "mx_president"),
                 ("mx_president", "us_president"), ("us_president", "us_bloc0")]
        out["regard"] = []
        for s, o in pairs:
            share = round(rng.uniform(-0.8, -0.1) if s.endswith(("bloc0", "bloc1")) else rng.uniform(0.05, 0.5), 2)
            out["regard"].append(Regard(stakeholder=s, other=o, share=share,
                                        share_range=(round(max(-1.0, share - 0.2), 2),
                                                     round(min(1.0, share + 0.2), 2))))
    return out


def _proposal_package(rng: random.Random, dims: dict[str, Dimension]) -> Package:
    """A random package, repaired to obey the level rules by moving offending dimensions to the status quo."""
    package = {d: (rng.choice(dim.level_ids) if rng.random() < 0.5 else dim.level_ids[0]) for d, dim in dims.items()}
    while True:
        broken = [d for d, lv in package.items()
                  if any(package[ls.dimension] not in dims[ls.dimension].members(ls)
                         for ls in dims[d].level(lv).requires)
                  or any(package[ls.dimension] in dims[ls.dimension].members(ls) for ls in dims[d].level(lv).excludes)]
        if not broken:
            return package
        package[broken[0]] = dims[broken[0]].level_ids[0]
