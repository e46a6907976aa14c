"""The run record: what happened in one run, reduced to the tables every KPI reads.

A ``RunRecord`` comes from a simulated replication, a round captured live on the floor, or an
event log imported from an enterprise. KPIs and charts read only this, so the three sources are
measured by one implementation.

Tables (polars), times in the run's ``time_unit`` measured from the start of the run:

``units`` — one row per unit that entered the system (ordered or released):
    ``unit`` (Int64, case id), ``product`` (String), ``order_arrival`` (Float64: the demand
    appeared), ``release`` (Float64: entered the line; NaN if it never did), ``exit`` (Float64:
    left the line finished or scrapped; NaN if still inside), ``status`` (String: ``good``,
    ``scrap``, ``wip`` = released but not out, ``backlog`` = ordered but not released),
    ``value_added`` (Float64: sum of value-added operation times), ``walking`` (Float64: metres
    the unit was carried), ``reworks`` (Int32), ``due`` (Float64, NaN if none),
    ``material_cost`` (Float64, currency).

``stations`` — one row per station, totals inside the observed window, summed over its servers:
    ``station`` (String), ``servers`` (Int64), ``busy``, ``setup``, ``blocked``, ``starved``,
    ``down``, ``waiting_operator`` (Float64, server × time_unit), ``completions`` (Int64,
    operations completed in the window), ``first_completion``, ``last_completion`` (Float64,
    NaN without completions).

``operators`` — one row per person: ``operator`` (String, ``group#k``), ``group`` (String),
    ``busy``, ``setup``, ``walking``, ``idle`` (Float64, time_unit in the window),
    ``distance`` (Float64, metres walked in the window).

``events`` — the full event log when it was asked for (see ``processfactory.eventlog.schema``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

UNIT_STATUSES = ("good", "scrap", "wip", "backlog")

UNITS_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "unit": pl.Int64,
    "product": pl.String,
    "order_arrival": pl.Float64,
    "release": pl.Float64,
    "exit": pl.Float64,
    "status": pl.String,
    "value_added": pl.Float64,
    "walking": pl.Float64,
    "reworks": pl.Int32,
    "due": pl.Float64,
    "material_cost": pl.Float64,
}

STATIONS_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "station": pl.String,
    "servers": pl.Int64,
    "busy": pl.Float64,
    "setup": pl.Float64,
    "blocked": pl.Float64,
    "starved": pl.Float64,
    "down": pl.Float64,
    "waiting_operator": pl.Float64,
    "completions": pl.Int64,
    "first_completion": pl.Float64,
    "last_completion": pl.Float64,
}

OPERATORS_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "operator": pl.String,
    "group": pl.String,
    "busy": pl.Float64,
    "setup": pl.Float64,
    "walking": pl.Float64,
    "idle": pl.Float64,
    "distance": pl.Float64,
}


@dataclass(frozen=True)
class RunContext:
    """What KPIs need to know about the run besides what happened.

    ``operators`` is the number of people on the line (labour productivity's denominator);
    ``labour_rate`` is per operator-hour and ``holding_cost`` per unit of WIP per hour, in
    ``currency``; ``takt_time`` is in ``time_unit`` per unit; ``demand_units`` is what the
    customer ordered for the run (None when open-ended).
    """

    scenario: str
    time_unit: str = "min"
    operators: int = 1
    labour_rate: float = 0.0
    holding_cost: float = 0.0
    currency: str = "RUB"
    takt_time: float | None = None
    demand_units: int | None = None
    floor_area: float = 0.0
    seed: int = 0
    replication: int = 0
    round: int = 1


@dataclass
class RunRecord:
    """One run: its context, observed window and tables (see the module docstring)."""

    context: RunContext
    window_start: float
    window_end: float
    units: pl.DataFrame
    stations: pl.DataFrame
    operators: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=OPERATORS_SCHEMA))
    events: pl.DataFrame | None = None
    walking_total: float = 0.0
    """Metres walked by people inside the window (transport moves + operators' walks)."""

    @property
    def window_length(self) -> float:
        return self.window_end - self.window_start


__all__ = [
    "OPERATORS_SCHEMA",
    "STATIONS_SCHEMA",
    "UNITS_SCHEMA",
    "UNIT_STATUSES",
    "RunContext",
    "RunRecord",
]
