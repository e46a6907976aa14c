"""The scenario: a process described as data.

A scenario is what a facilitator writes in YAML: stations in routing order, their times and
waiting places, the people who work there, the layout, how work is released, what the customer
wants, what it costs and how long to run. Every field carries its unit in its description; the
reference page ``docs/scenario.md`` is generated from these descriptions.

Times are in the scenario's ``time_unit``; distances in metres; areas in square metres;
money in the scenario's ``currency``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from processfactory.scenario.distributions import Distribution

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_\-]*$",
        max_length=64,
        description="A short id: letters, digits, '_' or '-', starting with a letter or '_'.",
    ),
]
PositiveInt = Annotated[int, Field(ge=1)]
NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]

TIME_UNIT_SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0}

Language = Literal["en", "ru"]
"""Languages of reports and charts, in which a scenario can give its display texts."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Setup(_Strict):
    """A setup (changeover) done by the station before it can work."""

    time: Distribution = Field(description="Setup duration (time_unit).")
    on: Literal["batch", "changeover"] = Field(
        "changeover",
        description=(
            "'changeover': before a unit of another product than the previous one (and before the "
            "first unit); 'batch': before every process batch."
        ),
    )


class Defects(_Strict):
    """Defects made by this station's operation."""

    rate: Probability = Field(description="Probability that one operation makes a defect (0–1).")
    detected_at: Identifier | None = Field(
        None,
        description=(
            "Station whose completion detects the defect (an inspection downstream on the "
            "routing). Default: detected where it happens."
        ),
    )
    action: Literal["rework", "scrap"] = Field(
        "rework", description="What happens to a detected defective unit."
    )
    rework_at: Identifier | None = Field(
        None,
        description=(
            "Station that reworks the unit (default: the station that made the defect). After "
            "rework the unit continues its routing after the station that detected the defect."
        ),
    )


class Breakdowns(_Strict):
    """Breakdowns of a station: all its servers stop until repaired (preemptive-resume)."""

    time_between: Distribution = Field(
        description="Time from the end of a repair to the next failure (time_unit), running clock."
    )
    repair: Distribution = Field(description="Repair duration (time_unit).")


class Station(_Strict):
    """A workplace: one or more identical servers with a waiting place in front."""

    id: Identifier
    name: str | None = Field(None, description="Display name (default: the id).")
    time: Distribution = Field(
        description="Operation time for one unit, or for one process batch (time_unit)."
    )
    servers: PositiveInt = Field(1, description="Parallel identical servers (workplaces).")
    buffer: Annotated[int, Field(ge=0)] | None = Field(
        None,
        description=(
            "Waiting places in front of the station (units). Default: unlimited. A station whose "
            "next buffer is full keeps the finished unit and is blocked."
        ),
    )
    value_added: bool = Field(
        True,
        description="Whether this operation adds value (transport, inspection, rework do not).",
    )
    process_batch: PositiveInt = Field(
        1, description="Units processed together in one operation (e.g. an oven load)."
    )
    transfer_batch: PositiveInt = Field(
        1,
        description=(
            "Units moved together to the next station: finished units wait at the station until "
            "this many are done, then move together."
        ),
    )
    setup: Setup | None = None
    defects: Defects | None = None
    breakdowns: Breakdowns | None = None
    kanban: PositiveInt | None = Field(
        None,
        description=(
            "Kanban cards of this station (release policy 'kanban'): units started here and not "
            "yet taken by the next station. The station starts a unit only with a free card."
        ),
    )
    position: tuple[float, float] | None = Field(
        None, description="Position on the floor [x, y] (metres)."
    )
    footprint: NonNegative = Field(0.0, description="Floor area of the station (m²).")
    buffer_footprint: NonNegative = Field(0.0, description="Floor area of its waiting place (m²).")


class Operator(_Strict):
    """People who run the stations. Without any operators each server is self-staffed."""

    id: Identifier
    count: PositiveInt = Field(1, description="Identical people in this group.")
    skills: Annotated[list[Identifier], Field(min_length=1)] = Field(
        description=(
            "Stations this group can work at, in priority order. One station: dedicated; several: "
            "shared (walks between them over the layout)."
        )
    )
    start_at: Identifier | None = Field(
        None, description="Station where they stand at the start (default: first skill)."
    )


class Layout(_Strict):
    """The floor: how far apart things are and how fast people walk."""

    walking_speed: Positive = Field(1.0, description="Walking speed of people (m/s).")
    metric: Literal["manhattan", "euclidean"] = Field(
        "manhattan", description="Distance between positions: along aisles, or straight line."
    )
    transport: bool = Field(
        False,
        description=(
            "If true, moving a transfer batch between stations takes distance ÷ walking speed; "
            "if false, moves are instantaneous (distance is still counted)."
        ),
    )


class Product(_Strict):
    """A product (or type of case) of the mix."""

    id: Identifier
    share: Positive = Field(
        1.0, description="Relative share of releases (normalised over products)."
    )
    routing: list[Identifier] | None = Field(
        None, description="Stations visited in order (default: all stations as listed)."
    )
    times: dict[Identifier, Distribution] = Field(
        default_factory=dict, description="Operation time overrides by station id (time_unit)."
    )
    material_cost: NonNegative | None = Field(
        None, description="Material per unit released (currency); default: costs.material."
    )


class Order(_Strict):
    """A customer order: a quantity of one product, arriving at a time, due at a time."""

    product: Identifier | None = Field(None, description="Product id (default: the first product).")
    quantity: PositiveInt = Field(1, description="Units ordered.")
    at: NonNegative = Field(0.0, description="Time the order arrives (time_unit).")
    due: NonNegative | None = Field(None, description="Due date (time_unit from the start).")


class Release(_Strict):
    """How work enters the line."""

    policy: Literal["push", "conwip", "kanban"] = Field(
        "push",
        description=(
            "'push': units are released as orders arrive; 'conwip': at most `cap` units in the "
            "line, orders wait outside; 'kanban': stations work only with a free card."
        ),
    )
    arrivals: Literal["saturated"] | Distribution | None = Field(
        None,
        description=(
            "'saturated': endless supply (a unit is released when the line can take it); or an "
            "inter-arrival time distribution of single-unit orders (time_unit). Default: "
            "'saturated' unless `orders` are given."
        ),
    )
    orders: list[Order] | None = Field(None, description="A fixed list of customer orders.")
    cap: PositiveInt | None = Field(None, description="CONWIP cap: most units in the line.")

    @model_validator(mode="after")
    def _consistent(self) -> Release:
        if self.policy == "conwip" and self.cap is None:
            raise ValueError("policy 'conwip' needs a cap (most units in the line)")
        if self.policy != "conwip" and self.cap is not None:
            raise ValueError(f"cap is only used with policy 'conwip', not '{self.policy}'")
        if self.orders is not None and self.arrivals is not None:
            raise ValueError("give either arrivals or orders, not both")
        return self

    @property
    def source(self) -> Literal["saturated", "arrivals", "orders"]:
        if self.orders is not None:
            return "orders"
        if self.arrivals is None or self.arrivals == "saturated":
            return "saturated"
        return "arrivals"


class Demand(_Strict):
    """What the customer wants: sets the takt time = period ÷ units."""

    units: PositiveInt = Field(description="Units demanded per period.")
    period: Positive = Field(description="Length of the period (time_unit).")


class Costs(_Strict):
    """Money figures for unit cost: (labour + material + WIP holding) ÷ good units."""

    currency: str = Field("RUB", description="Currency code used in reports.")
    labour_rate: NonNegative = Field(0.0, description="Cost of one operator-hour.")
    material: NonNegative = Field(0.0, description="Material per unit released (good or scrapped).")
    holding: NonNegative = Field(0.0, description="Cost of holding one unit of WIP for one hour.")


class RunControl(_Strict):
    """When a run stops and what it ignores at the start."""

    units: PositiveInt | None = Field(
        None, description="Stop after this many units have exited after the warm-up."
    )
    duration: Positive | None = Field(
        None, description="Stop at this time (time_unit), e.g. the length of a round."
    )
    warmup_units: Annotated[int, Field(ge=0)] = Field(
        0, description="Units exiting before the observed window starts (excluded from KPIs)."
    )
    warmup_time: NonNegative = Field(
        0.0, description="Time before the observed window starts (time_unit)."
    )
    seed: Annotated[int, Field(ge=0)] = Field(0, description="Seed of the run's random numbers.")
    replications: Annotated[int, Field(ge=1, le=100_000)] = Field(
        10, description="Default number of replications (at most 100,000)."
    )


class Translation(_Strict):
    """Display texts of the scenario in one language, for reports and charts in that language.

    Texts left out fall back to the scenario's own: its `name`, its `description`, and each
    station's `name` (or id).
    """

    name: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="Name of the scenario in this language."
    )
    description: str | None = Field(None, description="Description in this language.")
    stations: dict[Identifier, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict,
        description="Display names of stations in this language, by station id.",
    )


class Scenario(_Strict):
    """A process: an assembly line, or an office / public-service process."""

    name: str = Field(description="Name shown in tables and reports.")
    description: str = Field("", description="Free text for the facilitator.")
    time_unit: Literal["s", "min", "h"] = Field("min", description="Unit of every time field.")
    stations: Annotated[list[Station], Field(min_length=1)] = Field(
        description="Stations in routing order (the routing when no products are given)."
    )
    operators: list[Operator] = Field(
        default_factory=list,
        description="Operator groups. Empty: one dedicated operator per server.",
    )
    layout: Layout = Field(default_factory=Layout)
    products: list[Product] = Field(
        default_factory=list, description="Product mix. Empty: one product over all stations."
    )
    release: Release = Field(default_factory=Release)
    demand: Demand | None = Field(None, description="Customer demand (takt time).")
    costs: Costs = Field(default_factory=Costs)
    run: RunControl = Field(default_factory=RunControl)
    translations: dict[Language, Translation] = Field(
        default_factory=dict,
        description=(
            "Display texts by language ('en', 'ru'), e.g. `{ru: {name: ..., stations: {id: ...}}}`"
            ": names shown in reports and charts of that language instead of `name`, "
            "`description` and the stations' names."
        ),
    )

    def translation(self, lang: str) -> Translation | None:
        """The display texts given for ``lang``, or None."""
        return next((tr for code, tr in self.translations.items() if code == lang), None)

    def display_name(self, lang: str = "en") -> str:
        """The scenario's name in ``lang``: its translation, else ``name``."""
        tr = self.translation(lang)
        return tr.name if tr is not None and tr.name else self.name

    def display_description(self, lang: str = "en") -> str:
        """The description in ``lang``: its translation, else ``description``."""
        tr = self.translation(lang)
        return tr.description if tr is not None and tr.description else self.description

    def station_name(self, station_id: str, lang: str = "en") -> str:
        """A station's display name in ``lang``: its translation, else its ``name``, else its id.

        An id the scenario does not have is returned as it is.
        """
        tr = self.translation(lang)
        if tr is not None and station_id in tr.stations:
            return tr.stations[station_id]
        for st in self.stations:
            if st.id == station_id:
                return st.name or st.id
        return station_id

    def station_names(self, lang: str = "en") -> dict[str, str]:
        """Display name in ``lang`` per station id, in station order (:meth:`station_name`)."""
        tr = self.translation(lang)
        given = tr.stations if tr is not None else {}
        return {st.id: given.get(st.id, st.name or st.id) for st in self.stations}

    @property
    def seconds_per_time_unit(self) -> float:
        return TIME_UNIT_SECONDS[self.time_unit]

    @property
    def takt_time(self) -> float | None:
        """Takt time (time_unit per unit) = available time ÷ demand, if a demand is given."""
        if self.demand is None:
            return None
        return self.demand.period / self.demand.units

    def station(self, station_id: str) -> Station:
        for st in self.stations:
            if st.id == station_id:
                return st
        raise KeyError(station_id)

    @property
    def operator_count(self) -> int:
        """People working the line: the operator pool, or one per server when none is given."""
        if self.operators:
            return sum(op.count for op in self.operators)
        return sum(st.servers for st in self.stations)


__all__ = [
    "Breakdowns",
    "Costs",
    "Defects",
    "Demand",
    "Language",
    "Layout",
    "Operator",
    "Order",
    "Product",
    "Release",
    "RunControl",
    "Scenario",
    "Setup",
    "Station",
    "Translation",
]
