"""Reduce an event log (simulated, captured or imported) to a ``RunRecord``.

Times are the log's ``time`` column (the run's time unit; minutes for an imported log without
``time``, see ``read_event_log``). Voided events are ignored. Operations are start/complete
pairs of activities that have ``start`` events, other than the engine's own activities
(``setup``, ``move``, ...); the k-th start of a case and activity pairs with its k-th complete.
An operation's station is its ``station`` value, else its activity.

What an event log cannot tell, and what this reduction therefore assumes:

- ``blocked``, ``down`` and ``waiting_operator`` are 0: a log has no events for them, so their
  time is counted as ``starved`` (``servers`` × window − busy − setup, at least 0);
- ``servers`` is 1 per station unless given (the log does not say how many exist);
- ``walking`` and ``material_cost`` are 0, ``due`` is NaN, ``operators`` is empty and
  ``walking_total`` 0;
- ``product`` comes from a ``product`` or ``case:product`` column if there is one, else null;
- an operation started but never completed keeps its server busy until the window's end;
- setups count only where the log names their station;
- without any ``exit`` or ``scrap`` event in the whole log (usual for imported logs), a case
  exits at its last ``complete`` (other than ``order``/``release``) and is ``good``, unless an
  operation of it is still open (then it is ``wip``);
- case ids that are not all integers are numbered 0, 1, ... in order of their first event;
  negative integer ids mean "no unit" (e.g. a setup) and get no row in ``units``;
- setups pair per case, activity and station, so setups logged without a unit still pair up.
"""

from __future__ import annotations

import polars as pl

from processfactory.eventlog.convert import (
    ACTIVITY,
    CASE,
    LIFECYCLE,
    NON_STATION_ACTIVITIES,
    coerce_event_log,
    pair_operations,
)
from processfactory.eventlog.record import (
    STATIONS_SCHEMA,
    UNITS_SCHEMA,
    RunContext,
    RunRecord,
)

_NAN = float("nan")


def record_from_event_log(
    events: pl.DataFrame,
    context: RunContext,
    *,
    window: tuple[float, float] | None = None,
    value_added: dict[str, bool] | None = None,
    servers: dict[str, int] | None = None,
) -> RunRecord:
    """The ``RunRecord`` an event log implies (assumptions in the module docstring).

    ``window`` = (start, end) in the log's time unit; default: the first and last event.
    ``value_added`` marks stations (missing ones count as value-adding); ``servers`` gives
    server counts per station (missing ones: 1). The record keeps the full log in ``events``.
    """
    log = coerce_event_log(events, source="event log")
    live = log.filter(~pl.col("voided"))
    if window is None:
        w0 = float(live["time"].min()) if live.height else 0.0  # type: ignore[arg-type]
        w1 = float(live["time"].max()) if live.height else 0.0  # type: ignore[arg-type]
    else:
        w0, w1 = float(window[0]), float(window[1])
        if not w1 >= w0:
            raise ValueError(f"window end {w1} is before its start {w0}")

    pairs = pair_operations(live)
    operations = pairs.filter(~pl.col(ACTIVITY).is_in(list(NON_STATION_ACTIVITIES)))
    operations = operations.with_columns(station=pl.coalesce("station", ACTIVITY))
    # Setups may not belong to a unit (one case id for all of them), so they pair per station.
    setup_events = live.filter((pl.col(ACTIVITY) == "setup") & pl.col("station").is_not_null())
    setups = pair_operations(setup_events, by_station=True)

    units = _units(live, operations, value_added or {})
    stations = _stations(operations, setups, w0, w1, servers or {})
    return RunRecord(
        context=context,
        window_start=w0,
        window_end=w1,
        units=units,
        stations=stations,
        events=log,
    )


def _clipped(w0: float, w1: float) -> pl.Expr:
    """Time of an operation inside [w0, w1]; an open operation runs to the window's end."""
    end = pl.col("complete").fill_null(w1).clip(upper_bound=w1)
    begin = pl.col("start").clip(lower_bound=w0)
    return (end - begin).clip(lower_bound=0.0)


def _stations(
    operations: pl.DataFrame,
    setups: pl.DataFrame,
    w0: float,
    w1: float,
    servers: dict[str, int],
) -> pl.DataFrame:
    length = w1 - w0
    busy = operations.group_by("station").agg(
        busy=_clipped(w0, w1).sum(),
        _first_start=pl.col("start").min(),
    )
    setup = setups.group_by("station").agg(setup=_clipped(w0, w1).sum())
    done = (
        operations.filter(pl.col("complete").is_between(w0, w1))
        .group_by("station")
        .agg(
            completions=pl.len().cast(pl.Int64),
            first_completion=pl.col("complete").min(),
            last_completion=pl.col("complete").max(),
        )
    )
    names = pl.concat(
        [
            busy.select("station"),
            setup.select("station"),
            pl.DataFrame({"station": list(servers)}, schema={"station": pl.String}),
        ]
    ).unique(maintain_order=True)
    table = (
        names.join(busy, on="station", how="left")
        .join(setup, on="station", how="left")
        .join(done, on="station", how="left")
        .with_columns(
            servers=pl.col("station").replace_strict(servers, default=1, return_dtype=pl.Int64)
            if servers
            else pl.lit(1, dtype=pl.Int64),
            busy=pl.col("busy").fill_null(0.0),
            setup=pl.col("setup").fill_null(0.0),
            completions=pl.col("completions").fill_null(0),
            first_completion=pl.col("first_completion").fill_null(_NAN),
            last_completion=pl.col("last_completion").fill_null(_NAN),
            blocked=pl.lit(0.0),
            down=pl.lit(0.0),
            waiting_operator=pl.lit(0.0),
        )
        .with_columns(
            starved=(pl.col("servers") * length - pl.col("busy") - pl.col("setup")).clip(
                lower_bound=0.0
            )
        )
        .sort(pl.col("_first_start").fill_null(float("inf")), "station")
    )
    return table.select([pl.col(c).cast(t) for c, t in STATIONS_SCHEMA.items()])


def _without_rework(closed: pl.DataFrame, live: pl.DataFrame) -> pl.DataFrame:
    """Drop rework operations: rework adds no value (the glossary's value-added time).

    A ``rework`` event names the station that will redo the unit; the first operation of that
    case at that station starting at or after the event is the rework.
    """
    rework = live.filter(pl.col(ACTIVITY) == "rework").select(
        CASE, "station", pl.col("time").alias("_rw")
    )
    if rework.height == 0:
        return closed
    redo = (
        rework.drop_nulls("station")
        .sort("_rw")
        .join_asof(
            closed.select(CASE, "station", "start").sort("start"),
            left_on="_rw",
            right_on="start",
            by=[CASE, "station"],
            strategy="forward",
            # both sides are sorted as a whole, hence within every (case, station) group
            check_sortedness=False,
        )
        .drop_nulls("start")
        .select(CASE, "station", "start")
        .unique()
    )
    return closed.join(redo, on=[CASE, "station", "start"], how="anti", nulls_equal=True)


def _units(
    live: pl.DataFrame, operations: pl.DataFrame, value_added: dict[str, bool]
) -> pl.DataFrame:
    act = pl.col(ACTIVITY)
    t = pl.col("time")
    has_exit_events = bool(live[ACTIVITY].is_in(["exit", "scrap"]).any())
    product_col = next((c for c in ("product", "case:product") if c in live.columns), None)
    per_case = live.group_by(CASE).agg(
        _first=t.min(),
        _order=t.filter(act == "order").min(),
        _release=t.filter(act == "release").min(),
        _entered=t.filter(act != "order").min(),
        _exit=t.filter(act.is_in(["exit", "scrap"])).min(),
        _scrap=(act == "scrap").any(),
        _last_complete=t.filter(
            (pl.col(LIFECYCLE) == "complete") & ~act.is_in(["order", "release"])
        ).max(),
        reworks=(act == "rework").sum().cast(pl.Int32),
        product=(
            pl.col(product_col).cast(pl.String).drop_nulls().first()
            if product_col
            else pl.lit(None, dtype=pl.String)
        ),
    )
    va_flag = (
        pl.col("station").replace_strict(value_added, default=True, return_dtype=pl.Boolean)
        if value_added
        else pl.lit(True)
    )
    closed = _without_rework(operations.filter(pl.col("complete").is_not_null()), live)
    va = (
        closed.filter(va_flag)
        .group_by(CASE)
        .agg(value_added=(pl.col("complete") - pl.col("start")).sum())
    )
    still_open = (
        operations.filter(pl.col("complete").is_null())
        .select(CASE)
        .unique()
        .with_columns(_open=pl.lit(True))
    )
    table = (
        per_case.join(va, on=CASE, how="left")
        .join(still_open, on=CASE, how="left")
        .with_columns(
            _open=pl.col("_open").fill_null(False),
            release=pl.coalesce("_release", "_entered"),
        )
    )
    if has_exit_events:
        exit_time = pl.col("_exit")
    else:
        exit_time = pl.when(~pl.col("_open")).then(pl.col("_last_complete"))
    table = table.with_columns(
        exit=pl.when(pl.col("release").is_not_null()).then(exit_time),
        order_arrival=pl.coalesce("_order", "release"),
    ).with_columns(
        status=pl.when(pl.col("release").is_null())
        .then(pl.lit("backlog"))
        .when(pl.col("_scrap"))
        .then(pl.lit("scrap"))
        .when(pl.col("exit").is_not_null())
        .then(pl.lit("good"))
        .otherwise(pl.lit("wip")),
    )
    # Negative ids follow the engine's "-1 = none" convention: events tied to no unit.
    table = table.with_columns(unit=_unit_ids(table)).filter(pl.col("unit") >= 0)
    return (
        table.with_columns(
            order_arrival=pl.col("order_arrival").fill_null(_NAN),
            release=pl.col("release").fill_null(_NAN),
            exit=pl.col("exit").fill_null(_NAN),
            value_added=pl.col("value_added").fill_null(0.0),
            walking=pl.lit(0.0),
            due=pl.lit(_NAN),
            material_cost=pl.lit(0.0),
        )
        .sort("unit")
        .select([pl.col(c).cast(dt) for c, dt in UNITS_SCHEMA.items()])
    )


def _unit_ids(table: pl.DataFrame) -> pl.Series:
    """Integer case ids as they are; otherwise 0, 1, ... by first event (then by case id)."""
    as_int = table[CASE].str.strip_chars().cast(pl.Int64, strict=False)
    if as_int.null_count() == 0 and as_int.n_unique() == table.height:
        return as_int
    ranked = (
        table.select("_first", CASE)
        .with_row_index("_pos")
        .sort("_first", CASE)
        .with_row_index("_uid")
        .sort("_pos")
    )
    return ranked["_uid"].cast(pl.Int64)


__all__ = ["record_from_event_log"]
