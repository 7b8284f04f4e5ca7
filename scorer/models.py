"""The pydantic models: the one description of every study file, of the JSON Schema and of the
objects the rest of accord reads. Per-file checks live here; cross-references live in `checks`."""

# No `from __future__ import annotations` here: pydantic would evaluate each field's annotation
# from its text as every class is made, about a seventh of making the 43 classes (at each start-up).

import datetime as dt
from enum import Enum
from typing import Annotated, Literal, Self

from pydantic import (BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, Strict, StringConstraints,
                      field_serializer, field_validator, model_validator)

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
# Numbers are finite (allow_inf_nan=False below), never a boolean (Strict: `true` is not 1.0) and,
# for judgments, at most MAX_MAGNITUDE in size, so no product of them overflows to infinity.
MAX_MAGNITUDE = 1e6
Real = Annotated[float, Strict(), Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
Count = Annotated[int, Strict()]
Unit = Annotated[float, Strict(), Field(ge=0.0, le=1.0)]
Range = tuple[Real, Real]


class Model(BaseModel):
    # defer_build: a model's validator is built when first used, so a command pays only for the
    # file kinds it reads (a cached study's evidence, documents and tables are read on demand).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)


class Venue(str, Enum):
    """Legal authority a measure needs, weakest first."""

    executive = "executive"
    statute = "statute"
    treaty = "treaty"

    @property
    def rank(self) -> int:
        return _VENUE_RANK[self]


_VENUE_RANK = {venue: i for i, venue in enumerate(Venue)}


def check_range(value: float, rng: Range | None, name: str) -> None:
    if rng is None:
        return
    low, high = rng
    if low > high:
        raise ValueError(f"{name}_range low {low} exceeds high {high}")
    if not low <= value <= high:
        raise ValueError(f"{name} {value} lies outside its range [{low}, {high}]")


# --- sources and evidence -------------------------------------------------------------------


class Document(Model):
    """A source document in the registry."""

    id: Id
    file: str = Field(description="File name of the source text, as in the sources folder.")
    author: str
    title: str
    year: Count
    kind: Literal["chapter", "working_paper", "policy_brief", "thesis", "paper", "book", "report"]
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]

    @field_validator("file")
    @classmethod
    def _inside_sources(cls, file: str) -> str:
        parts = file.replace("\\", "/").split("/")
        if not file or file.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts:
            raise ValueError("must be a path inside the sources folder (relative, without '..')")
        return file


class Evidence(Model):
    """A cited passage (document, line, anchor) or an external public source, with our note."""

    id: Id
    document: Id | None = None
    line: Annotated[Count, Field(ge=1)] | None = None
    anchor: str | None = None
    external: str | None = Field(None, description="Reference of a public source outside the registry.")
    note: str = Field(min_length=10, description="What the passage establishes, in our own words.")
    tags: list[str] = []

    @property
    def place(self) -> str:
        """Where the record points: its external reference, or document:line."""
        return self.external if self.external else f"{self.document}:{self.line}"

    @field_validator("anchor")
    @classmethod
    def _short_anchor(cls, anchor: str | None) -> str | None:
        if anchor is not None and not 1 <= len(anchor.split()) <= 10:
            raise ValueError(f"anchor must have 1 to 10 words, found {len(anchor.split())}")
        return anchor

    @model_validator(mode="after")
    def _cited(self) -> Self:
        located = (self.document, self.line, self.anchor)
        if self.external is None and None in located:
            raise ValueError("evidence needs document, line and anchor, or an external reference")
        if self.external is not None and any(x is not None for x in located):
            raise ValueError("external evidence takes no document, line or anchor")
        return self


# --- dimensions -----------------------------------------------------------------------------


class LevelSet(Model):
    """A set of levels on one dimension: the listed `levels`, or every level from `at_least` up."""

    dimension: Id
    levels: list[Id] | None = None
    at_least: Id | None = None
    evidence: list[Id] = []

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        if (self.levels is None) == (self.at_least is None):
            raise ValueError("give exactly one of 'levels' or 'at_least'")
        return self


class Level(Model):
    id: Id
    label: str
    description: str = ""
    authority: dict[Id, Venue] = Field(
        default_factory=dict,
        description="Authority this level needs, by country; a country not listed needs none.",
    )
    requires: list[LevelSet] = []
    excludes: list[LevelSet] = []
    evidence: list[Id] = []


class Dimension(Model):
    """An issue dimension with its levels ordered from the status quo (first) to the maximum."""

    id: Id
    label: str
    description: str = ""
    levels: list[Level] = Field(min_length=2)
    evidence: list[Id] = []
    agenda_item: Id | None = Field(None, description=(
        "The agenda item the dimension belongs to (see a scenario's agenda setters); none: no setter gates it."))

    @field_validator("levels")
    @classmethod
    def _unique_levels(cls, levels: list[Level]) -> list[Level]:
        ids = [lv.id for lv in levels]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate level ids: {', '.join(dupes)}")
        return levels

    @property
    def level_ids(self) -> list[str]:
        return self._lookup()[1]

    def level(self, level_id: str) -> Level:
        try:
            return self._lookup()[2][level_id]
        except KeyError:
            raise ValueError(f"'{level_id}' is not a level of dimension '{self.id}'") from None

    def _lookup(self) -> tuple[list[Level], list[str], dict[str, Level]]:
        """(levels, their ids, level by id), memoised: scoring reads them on every step. Kept
        outside the fields (pydantic ignores it in equality and dumps) and rebuilt if `levels` is
        another list (a model_copy with new levels)."""
        memo = self.__dict__.get("_levels_memo")
        if memo is None or memo[0] is not self.levels:
            memo = (self.levels, [lv.id for lv in self.levels], {lv.id: lv for lv in self.levels})
            self.__dict__["_levels_memo"] = memo
        return memo

    def members(self, levels: LevelSet) -> set[str]:
        """Level ids of this dimension that a LevelSet names."""
        if levels.levels is not None:
            return set(levels.levels)
        return set(self.level_ids[self.level_ids.index(levels.at_least) :])


class Dimensions(Model):
    """criteria/dimensions.toml"""

    dimensions: list[Dimension]


# --- stakeholders ---------------------------------------------------------------------------


class StakeholderKind(str, Enum):
    executive = "executive"
    agency = "agency"
    legislative_bloc = "legislative_bloc"
    interest_group = "interest_group"
    foreign_government = "foreign_government"
    public = "public"


class Concern(Model):
    """How much a stakeholder cares about one dimension, and how it values each level."""

    salience: Annotated[Real, Field(ge=0.0)]
    salience_range: Range | None = Field(None, description="Plausible low-high reading (a judgment).")
    preferred: Id | None = Field(None, description="Ideal level; value falls linearly with distance.")
    values: dict[Id, Unit] | None = Field(None, description="Explicit value per level in [0, 1].")
    value_ranges: dict[Id, Range] = {}
    evidence: list[Id] = []
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.preferred is None) == (self.values is None):
            raise ValueError("give exactly one of 'preferred' or 'values'")
        check_range(self.salience, self.salience_range, "salience")
        for level, rng in self.value_ranges.items():
            if self.values is None or level not in self.values:
                raise ValueError(f"value_ranges.{level} has no matching entry in 'values'")
            check_range(self.values[level], rng, f"values.{level}")
        return self


class Interaction(Model):
    """A non-additive term: `adjustment` is added to the stakeholder's value of any package in which
    every level set of `when` holds (say, a large guest-worker programme with weak protections)."""

    when: list[LevelSet] = Field(min_length=1, description="Level sets that must all hold together.")
    adjustment: Real = Field(description="Value added (negative: taken away) when they hold together.")
    adjustment_range: Range | None = None
    evidence: list[Id] = []
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_range(self.adjustment, self.adjustment_range, "adjustment")
        return self


class ConditionalRedLine(LevelSet):
    """A red line that holds only when every set of `when` holds and not every set of `unless` does,
    and that the stakeholder holds with `credence` (the point model holds it; robustness draws it)."""

    when: list[LevelSet] = []
    unless: list[LevelSet] = []
    credence: Annotated[float, Strict(), Field(gt=0.0, le=1.0)] = Field(
        1.0, description="Probability that the stakeholder holds the red line, in (0, 1].")
    note: str = ""


class Stakeholder(Model):
    """criteria/stakeholders/<id>.toml"""

    id: Id
    name: str
    country: Id
    kind: StakeholderKind
    influence: Annotated[Real, Field(gt=0.0)]
    influence_evidence: list[Id] = []
    chambers: list[Id] = Field([], description="Chambers a legislative bloc sits in.")
    reservation: Real = Field(
        0.0, description="How much better than the status quo a package must be for acceptance."
    )
    reservation_range: Range | None = None
    reservation_evidence: list[Id] = []
    red_lines: list[LevelSet] = []
    concerns: dict[Id, Concern] = Field(min_length=1)
    evidence: list[Id] = []
    note: str = ""
    interactions: list[Interaction] = Field([], description="Non-additive terms on combinations of levels.")
    conditional_red_lines: list[ConditionalRedLine] = Field(
        [], description="Red lines that hold only with other levels, or with a credence below one.")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_range(self.reservation, self.reservation_range, "reservation")
        if self.kind is StakeholderKind.legislative_bloc and not self.chambers:
            raise ValueError("a legislative_bloc must name the chambers it sits in")
        if self.chambers and self.kind is not StakeholderKind.legislative_bloc:
            raise ValueError(f"only a legislative_bloc sits in chambers, not a {self.kind.value}")
        return self


# --- institutions ---------------------------------------------------------------------------


class VenueRule(Model):
    """Who must accept for a package to be ratified in one country through one venue."""

    actors: list[Id] = []
    chambers: dict[Id, Unit] = Field({}, description="Chamber id -> share of seats that must accept.")
    evidence: list[Id] = []


class Country(Model):
    """A country; one that can ratify a package defines all three venues, one whose government
    only has a say as a stakeholder (a Central American state) defines none."""

    name: str
    venues: dict[Venue, VenueRule] = {}
    evidence: list[Id] = []

    @field_validator("venues")
    @classmethod
    def _all_venues(cls, venues: dict[Venue, VenueRule]) -> dict[Venue, VenueRule]:
        missing = [v.value for v in Venue if v not in venues]
        if venues and missing:
            raise ValueError(f"missing venues: {', '.join(missing)}")
        return venues

    @property
    def ratifies(self) -> bool:
        return bool(self.venues)


class SeatSplit(Model):
    """How a party's seats split between its blocs: the party's share of the chamber (its blocs'
    shares summed) is a fact and stays fixed; the share of the party that `bloc` holds is a
    judgment with a range, the party's other blocs holding the rest in proportion to their shares."""

    blocs: list[Id] = Field(description="The party's blocs, each with a seat share in the chamber.")
    bloc: Id = Field(description="The bloc whose share of the party's seats is ranged (one of `blocs`).")
    share_range: Range = Field(description="Plausible share of the party's seats held by `bloc`, within [0, 1].")
    evidence: list[Id] = []


class Chamber(Model):
    name: str
    country: Id
    seats: dict[Id, Unit] = Field(description="Legislative bloc id -> share of seats (sums to 1).")
    majority_party: list[Id] = Field([], description=(
        "Blocs of the majority party, whose leaders control the floor: a bill reaches a vote only if "
        "blocs holding at least `agenda_threshold` of the party's seats accept. Empty: no agenda gate."))
    agenda_threshold: Unit = 0.5
    evidence: list[Id] = []
    splits: list[SeatSplit] = Field([], description=(
        "Ranged party splits of `seats`; they apply where a scenario does not set this chamber's seats."))


class Institutions(Model):
    """criteria/institutions.toml"""

    countries: dict[Id, Country]
    chambers: dict[Id, Chamber] = {}


# --- scenarios ------------------------------------------------------------------------------


class SalienceShift(Model):
    dimension: Id
    multiplier: Annotated[Real, Field(ge=0.0)]
    multiplier_range: Range | None = None
    stakeholders: list[Id] = Field([], description="Only these stakeholders; empty means all.")
    evidence: list[Id] = []

    @model_validator(mode="after")
    def _in_range(self) -> Self:
        check_range(self.multiplier, self.multiplier_range, "multiplier")
        return self


class ReservationShift(Model):
    stakeholder: Id
    reservation: Real
    reservation_range: Range | None = None
    evidence: list[Id] = []

    @model_validator(mode="after")
    def _in_range(self) -> Self:
        check_range(self.reservation, self.reservation_range, "reservation")
        return self


class SeatShares(Model):
    shares: dict[Id, Unit]
    majority_party: list[Id] | None = Field(None, description="Replaces the chamber's majority party.")
    evidence: list[Id] = []
    splits: list[SeatSplit] = Field([], description="Ranged party splits of `shares` (the chamber's do not apply).")


class LevelChoice(Model):
    """A dimension's level, with the evidence for it."""

    level: Id
    evidence: list[Id] = []
    note: str = ""


class NoDealLevel(LevelChoice):
    """A level already in place in the scenario's period: where the dimension stands without a deal."""


class Threat(Model):
    """A unilateral measure one country says it will take without a deal. It worsens the no-deal
    point either by `cost` for the stakeholders it `hurts` (in gain units, a judgment that may carry
    a range) or by setting `dimension` to `level` in the no-deal package (for everyone)."""

    id: Id
    by: Id = Field(description="The country that threatens.")
    measure: str
    hurts: list[Id] = Field([], description="Stakeholders whose no-deal value falls by `cost`.")
    cost: Annotated[Real, Field(ge=0.0)] | None = None
    cost_range: Range | None = None
    dimension: Id | None = None
    level: Id | None = None
    evidence: list[Id] = []

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        by_cost, by_level = self.cost is not None, self.dimension is not None or self.level is not None
        if by_cost == by_level:
            raise ValueError("a threat sets either `cost` (with `hurts`) or `dimension` and `level`, not both or neither")
        if by_cost:
            if not self.hurts:
                raise ValueError("a threat with a `cost` must name the stakeholders it `hurts`")
            check_range(self.cost, self.cost_range, "cost")
            if self.cost_range is not None and self.cost_range[0] < 0:
                raise ValueError(f"cost_range low {self.cost_range[0]} is negative (a threat only worsens)")
        else:
            if self.dimension is None or self.level is None:
                raise ValueError("a threat that sets a level needs both `dimension` and `level`")
            if self.hurts or self.cost_range is not None:
                raise ValueError("a threat that sets a level takes no `hurts` or `cost_range`")
        return self


class AgendaSetter(Model):
    """A stakeholder who can keep items off an agenda in its country: of a venue there, or of every
    package its country negotiates with another ('bilateral'). It ranks items, most pressing first,
    and takes up only the first `capacity` of them (a judgment, hence its range)."""

    stakeholder: Id
    country: Id
    venues: list[Literal["bilateral", "executive", "statute", "treaty"]] = Field(min_length=1)
    items: list[Id] = Field(min_length=1, description="Agenda items, most pressing first.")
    capacity: Annotated[Count, Field(ge=0)]
    capacity_range: Range | None = None
    evidence: list[Id] = []

    @model_validator(mode="after")
    def _valid(self) -> Self:
        check_range(self.capacity, self.capacity_range, "capacity")
        if self.capacity_range is not None and self.capacity_range[0] < 0:
            raise ValueError(f"capacity_range low {self.capacity_range[0]} is negative")
        for name, ids in (("items", self.items), ("venues", self.venues)):
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"duplicate {name}: {', '.join(dupes)}")
        return self


class Delivery(Model):
    """A delivery judgment (credibility of commitments): the judges expect the levels `country`
    must deliver on `dimensions` to be delivered with `probability`; a judge then values a level
    at p x its value + (1 - p) x the value of the no-deal level."""

    country: Id = Field(description="The country that must deliver.")
    dimensions: list[Id] = Field(min_length=1)
    judges: list[Id] = Field([], description="Stakeholders who judge; empty: every actor of another country.")
    probability: Unit
    probability_range: Range | None = None
    evidence: list[Id] = []

    @model_validator(mode="after")
    def _in_range(self) -> Self:
        check_range(self.probability, self.probability_range, "probability")
        if self.probability_range is not None and not 0.0 <= self.probability_range[0] <= self.probability_range[1] <= 1.0:
            raise ValueError(f"probability_range must lie within [0, 1], found {list(self.probability_range)}")
        return self


class Regard(Model):
    """An other-regarding term: `stakeholder`'s gain includes `share` x `other`'s own gain (its
    gain without its own regard terms: regard does not chain). A negative share: it gains from
    the other's loss (an opposition that profits from the president's failure)."""

    stakeholder: Id
    other: Id
    share: Annotated[Real, Field(ge=-1.0, le=1.0)]
    share_range: Range | None = None
    evidence: list[Id] = []

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_range(self.share, self.share_range, "share")
        if self.share_range is not None and not -1.0 <= self.share_range[0] <= self.share_range[1] <= 1.0:
            raise ValueError(f"share_range must lie within [-1, 1], found {list(self.share_range)}")
        if self.stakeholder == self.other:
            raise ValueError(f"'{self.stakeholder}' cannot regard itself")
        return self


class Scenario(Model):
    """criteria/scenarios/<id>.toml: a context that shifts saliences, margins and seats."""

    id: Id
    label: str
    year: Count
    description: str = ""
    salience: list[SalienceShift] = []
    reservation: list[ReservationShift] = []
    seats: dict[Id, SeatShares] = {}
    absent: list[Id] = Field([], description="Stakeholders not at the table in this context.")
    evidence: list[Id] = []
    no_deal: dict[Id, NoDealLevel] = Field({}, description=(
        "Dimension id -> the level already in place in this period (default: the dimension's first level)."))
    threats: list[Threat] = []
    agenda: list[AgendaSetter] = Field([], description="Who can keep an item off an agenda in this context.")
    delivery: list[Delivery] = Field([], description="Delivery judgments: how far the judges expect levels to be delivered.")
    regard: list[Regard] = Field([], description="Other-regarding terms: a share of another's own gain.")


# --- proposals ------------------------------------------------------------------------------


class Provision(LevelChoice):  # the level a proposal sets on a dimension
    pass


class Pillar(Model):
    name: str
    provisions: dict[Id, Provision] = Field(description="Dimension id -> the level it sets.")

    @field_validator("provisions", mode="before")
    @classmethod
    def _bare_level(cls, provisions: object) -> object:
        if isinstance(provisions, dict):
            return {k: {"level": v} if isinstance(v, str) else v for k, v in provisions.items()}
        return provisions


class Proposal(Model):
    """proposals/<id>.toml: a package as pillars of provisions."""

    id: Id
    title: str
    sponsor: Id
    date: dt.date
    summary: str
    countries: list[Id] = Field(min_length=1, description="Countries that must ratify it.")
    evidence: list[Id] = []
    pillars: list[Pillar] = []
    note: str = ""

    @field_validator("countries")
    @classmethod
    def _distinct_countries(cls, countries: list[str]) -> list[str]:
        dupes = sorted({c for c in countries if countries.count(c) > 1})
        if dupes:
            raise ValueError(f"each country must ratify once; listed more than once: {', '.join(dupes)}")
        return countries

    def provisions(self) -> dict[str, str]:
        """Dimension id -> level for every dimension the proposal sets."""
        return {d: p.level for pillar in self.pillars for d, p in pillar.provisions.items()}


# --- the working paper's interview tables ---------------------------------------------------


class TableRow(Model):
    """One printed row: counts by rank, the row's total mentions and weighted index, as printed."""

    label: str = Field(description="The printed row label, footnote markers dropped.")
    line: Annotated[Count, Field(ge=1)] = Field(description="Line of the row in the source text.")
    cells: list[Annotated[Count, Field(ge=0)] | None] = Field(
        description='Counts by rank (first, second, third) as printed; a blank cell is written "" '
        "(TOML has no null), read as None, and counts as 0 in the arithmetic.",
        json_schema_extra={"items": {"anyOf": [{"type": "integer", "minimum": 0}, {"const": ""}]}},
    )
    total: Count | None = Field(None, description="The printed total mentions; None = not printed.")
    index: Count | None = Field(None, description="The printed weighted index; None = not printed.")
    subtotal_of: list[str] = Field(
        [], description="For a printed subtotal row: labels of the rows it sums (rows that are not subtotals)."
    )

    @field_validator("cells", mode="before")
    @classmethod
    def _blank_cells(cls, cells: object) -> object:
        if isinstance(cells, list):
            return [None if c == "" else c for c in cells]
        return cells


class InterviewTable(Model):
    """seeds/tables/<id>.toml: one of the working paper's tables, as printed, cell by cell.

    The rows that are not subtotals (the leaf rows) are the data: a subtotal row should equal the
    sum of its components, and the printed total row the sum of the leaf rows."""

    id: Id
    title: str
    document: Id
    line: Annotated[Count, Field(ge=1)] = Field(description="Line of the table's title in the source text.")
    columns: list[str] = Field(description="Headings of the rank columns, first rank first, as printed.")
    total_column: str = Field("Total Mentions", description="Heading of the total-mentions column.")
    index_column: str = Field("Weighted Index", description="Heading of the weighted-index column.")
    weights: list[Count] = Field([3, 2, 1], description="Index weight of each rank column.")
    rows: list[TableRow]
    total: TableRow | None = Field(None, description="The printed column-total row (sums the leaf rows).")
    evidence: list[Id] = []
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len(self.columns) != len(self.weights):
            raise ValueError(f"{len(self.columns)} columns but {len(self.weights)} weights")
        labels = [r.label for r in self.rows]
        dupes = sorted({x for x in labels if labels.count(x) > 1})
        if dupes:
            raise ValueError(f"duplicate row labels: {', '.join(dupes)}")
        subtotals = {r.label for r in self.rows if r.subtotal_of}
        for row in self.rows:
            nested = [x for x in row.subtotal_of if x in subtotals]
            if nested:
                raise ValueError(f"subtotal row '{row.label}' sums other subtotals ({', '.join(nested)}); "
                                 "list the rows they sum instead")
        if self.total is not None:
            if self.total.subtotal_of:
                raise ValueError("the total row takes no 'subtotal_of': it sums the rows that are not subtotals")
            if len(self.total.cells) != len(self.weights):
                raise ValueError(f"total row: expected {len(self.weights)} cells, found {len(self.total.cells)}")
        return self


# --- historical episodes (the backtest) -----------------------------------------------------


class EpisodePackage(Model):
    """The package an episode put forward: a proposal, optionally with some levels changed."""

    proposal: Id
    changes: dict[Id, Id] = Field({}, description="Dimension id -> the level the episode's package sets instead.")
    evidence: list[Id] = Field([], description="Evidence for the changes (required when there are any).")

    @model_validator(mode="after")
    def _changes_cited(self) -> Self:
        if self.changes and not self.evidence:
            raise ValueError("changes need evidence")
        return self


class Tabled(Model):
    """Whether the package was formally put on the table (negotiated, signed or brought to a vote)."""

    value: bool
    evidence: list[Id] = Field(min_length=1)


class CountryOutcome(Model):
    """What happened to the package in one country: the instrument used, if any, and whether it
    was ratified there (None: the episode never reached that stage)."""

    venue: Venue | None = None
    ratified: bool | None = None
    evidence: list[Id] = Field(min_length=1)
    note: str = ""


class ChamberVote(Model):
    """A chamber's decision on the package; `votes` as recorded ("239-182"), the roll call cited."""

    passed: bool
    votes: str = ""
    evidence: list[Id] = Field(min_length=1)
    note: str = ""


class ActorStance(Model):
    """An actor recorded as supporting or opposing (blocking) the package."""

    stance: Literal["supported", "opposed"]
    evidence: list[Id] = Field(min_length=1)
    note: str = ""


class Episode(Model):
    """seeds/episodes.toml: one historical episode, the package proposed, its scenario and what
    happened at the grain the sources give. An episode the model cannot represent names the
    reason in `unrepresentable` and takes no scenario or package."""

    id: Id
    title: str
    date: dt.date
    scenario: Id | None = None
    package: EpisodePackage | None = None
    unrepresentable: str = Field("", description="Why the model cannot represent it (empty: it can).")
    in_sample: str = Field("", description="What in the case was read from this outcome (empty: nothing).")
    tabled: Tabled | None = None
    countries: dict[Id, CountryOutcome] = {}
    chambers: dict[Id, ChamberVote] = {}
    actors: dict[Id, ActorStance] = {}
    evidence: list[Id] = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.unrepresentable:
            if self.scenario is not None or self.package is not None:
                raise ValueError("an unrepresentable episode takes no scenario or package")
        elif self.scenario is None or self.package is None:
            raise ValueError("give a scenario and a package, or the reason in 'unrepresentable'")
        return self


class Episodes(Model):
    """seeds/episodes.toml"""

    episodes: list[Episode]


# --- the study ------------------------------------------------------------------------------


class Manifest(Model):
    """accord.toml: marks a folder as a study."""

    name: str
    description: str = ""
    default_scenario: Id


class Documents(Model):
    """seeds/documents.toml"""

    documents: list[Document]


class EvidenceFile(Model):
    """seeds/evidence/<name>.toml"""

    evidence: list[Evidence]


class Study(Model):
    """A loaded, validated study. Mappings are keyed by id in a stable order."""

    manifest: Manifest
    documents: dict[str, Document]
    evidence: dict[str, Evidence]
    dimensions: dict[str, Dimension]
    stakeholders: dict[str, Stakeholder]
    institutions: Institutions
    scenarios: dict[str, Scenario]
    proposals: dict[str, Proposal]
    tables: dict[str, InterviewTable] = {}
    episodes: dict[str, Episode] = {}

    @field_serializer("documents", "evidence", "tables", "episodes", mode="wrap")
    def _read_on_demand(self, records: object, handler: SerializerFunctionWrapHandler) -> object:
        """A cached study reads these on first use (scorer.study_cache): any mapping dumps as a dict."""
        return handler(records if isinstance(records, dict) else dict(records))

    def scenario(self, scenario_id: str | None = None) -> Scenario:
        return self.scenarios[scenario_id or self.manifest.default_scenario]

    def package(self, proposal_id: str) -> dict[str, str]:
        """The full package of a proposal: every dimension at its level, status quo if unset."""
        return package_of(self.dimensions, self.proposals[proposal_id].provisions())


def package_of(dimensions: dict[str, Dimension], provisions: dict[str, str]) -> dict[str, str]:
    return {d: provisions.get(d, dim.level_ids[0]) for d, dim in dimensions.items()}


# File kinds: the model of each kind of file, for the loader and the JSON Schema export.
FILE_KINDS: dict[str, type[Model]] = {
    "manifest": Manifest,
    "documents": Documents,
    "evidence": EvidenceFile,
    "dimensions": Dimensions,
    "stakeholder": Stakeholder,
    "institutions": Institutions,
    "scenario": Scenario,
    "proposal": Proposal,
    "table": InterviewTable,
    "episodes": Episodes,
}
