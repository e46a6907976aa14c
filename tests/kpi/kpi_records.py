"""Hand-built run records for the KPI tests (polars tables with the record.py schemas)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import polars as pl

from processfactory.eventlog.record import (
    OPERATORS_SCHEMA,
    STATIONS_SCHEMA,
    UNITS_SCHEMA,
    RunContext,
    RunRecord,
)

NAN = math.nan


def unit(
    uid: int,
    *,
    order: float,
    release: float,
    exit: float,
    status: str,
    va: float = 0.0,
    reworks: int = 0,
    due: float = NAN,
    material: float = 0.0,
    walking: float = 0.0,
) -> dict[str, object]:
    """One row of the units table."""
    return {
        "unit": uid,
        "product": "p",
        "order_arrival": order,
        "release": release,
        "exit": exit,
        "status": status,
        "value_added": va,
        "walking": walking,
        "reworks": reworks,
        "due": due,
        "material_cost": material,
    }


def station(
    sid: str,
    *,
    servers: int = 1,
    busy: float = 0.0,
    setup: float = 0.0,
    blocked: float = 0.0,
    starved: float = 0.0,
    down: float = 0.0,
    waiting_operator: float = 0.0,
    completions: int = 0,
    first: float = NAN,
    last: float = NAN,
) -> dict[str, object]:
    """One row of the stations table."""
    return {
        "station": sid,
        "servers": servers,
        "busy": busy,
        "setup": setup,
        "blocked": blocked,
        "starved": starved,
        "down": down,
        "waiting_operator": waiting_operator,
        "completions": completions,
        "first_completion": first,
        "last_completion": last,
    }


def operator(oid: str, *, busy: float = 0.0, setup: float = 0.0) -> dict[str, object]:
    """One row of the operators table."""
    return {
        "operator": oid,
        "group": oid.split("#")[0],
        "busy": busy,
        "setup": setup,
        "walking": 0.0,
        "idle": 0.0,
        "distance": 0.0,
    }


def make_record(
    units: Sequence[dict[str, object]],
    *,
    window: tuple[float, float],
    station_rows: Sequence[dict[str, object]] = (),
    operator_rows: Sequence[dict[str, object]] = (),
    walking_total: float = 0.0,
    **context: object,
) -> RunRecord:
    """A RunRecord from row dicts; ``context`` goes to RunContext (scenario name defaulted).

    The table rows are ``station_rows`` / ``operator_rows`` because ``operators`` is the
    context's head count.
    """
    context.setdefault("scenario", "hand-built")
    return RunRecord(
        context=RunContext(**context),  # type: ignore[arg-type]
        window_start=window[0],
        window_end=window[1],
        units=pl.DataFrame(list(units), schema=UNITS_SCHEMA),
        stations=pl.DataFrame(list(station_rows), schema=STATIONS_SCHEMA),
        operators=pl.DataFrame(list(operator_rows), schema=OPERATORS_SCHEMA),
        walking_total=walking_total,
    )


def hand_record(**context: object) -> RunRecord:
    """The record of test_kpi_lean.py, whose KPIs are worked out there by hand."""
    defaults: dict[str, object] = dict(
        time_unit="min",
        operators=2,
        labour_rate=60.0,
        holding_cost=6.0,
        takt_time=2.5,
        demand_units=4,
        floor_area=50.0,
    )
    defaults.update(context)
    return make_record(
        [
            unit(1, order=0, release=1, exit=5, status="good", va=2, due=6, material=10),
            unit(2, order=1, release=3, exit=9, status="good", va=3, reworks=1, due=8, material=10),
            unit(3, order=2, release=4, exit=7, status="scrap", va=1, due=10, material=5),
            unit(4, order=3, release=6, exit=NAN, status="wip", va=1, due=11, material=10),
            unit(5, order=0, release=0, exit=2, status="good", va=1, due=3, material=10),
            unit(6, order=10, release=NAN, exit=NAN, status="backlog", due=20),
            unit(7, order=7, release=8, exit=12, status="good", va=1, material=10),
        ],
        window=(2.0, 12.0),
        station_rows=[
            station(
                "A", busy=8, setup=1, blocked=0.5, starved=0.5, completions=5, first=3, last=11
            ),
            station(
                "B",
                servers=2,
                busy=12,
                setup=2,
                starved=4,
                down=1,
                waiting_operator=1,
                completions=1,
                first=7,
                last=7,
            ),
        ],
        operator_rows=[operator("A#1", busy=6, setup=1), operator("B#1", busy=4)],
        walking_total=30.0,
        **defaults,
    )
