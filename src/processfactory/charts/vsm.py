"""Value-stream map of a run: process boxes, inventory between them, the timeline and PCE.

Built from the scenario (stations in routing order, names, servers, value-added flags) and the
run record, which must hold its event log: only the events tell where each unit waited.

Every released unit's life [release, exit) is cut, from its operations in the events, into
consecutive segments: the wait before each operation (queue, blocked upstream, transfer batch,
transport: everything between the end of its previous operation, or its release, and the start
of this one), the operation itself, and the wait after its last operation until it exits.
A unit still inside at the end waits, after its last operation, for the next station of its
product's routing.

* Boxes: per station the mean operation time (operations completed in the window), the
  measured cycle time and utilization (``compute_kpis``: ``station_cycle_time``,
  ``utilization``), the mean setup (changeover) time and the uptime (1 − ``down``) when the
  station has setups or breakdowns, and the number of workplaces when above one.
* Inventory triangles: time-average number of units waiting before each station over the
  observed window. With the units in operation (``in_process`` in the boxes' data) and those
  waiting to exit they add up to the time-average WIP of ``compute_kpis``.
* Timeline: per station the waiting (upper level) and processing (lower level) time per unit,
  averaged over the units exiting in the window, so that the segments add up to their mean
  lead time (``compute_kpis``' ``lead_time``).
* Summary: lead time, processing time, value-added time (mean ``value_added`` of the good
  units exiting in the window) and PCE, as ``compute_kpis`` computes it (the mean of each
  unit's value-added ÷ lead time, which is not the ratio of the two means).
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import polars as pl

from processfactory.charts.base import (
    Chart,
    ChartError,
    check_matches,
    exited_in_window,
    inline,
    layered_chart,
    operations,
    require_events,
    station_names,
)
from processfactory.charts.labels import label, number, percent, time_unit

if TYPE_CHECKING:
    from processfactory.eventlog.record import RunRecord
    from processfactory.scenario.model import Scenario

TO_EXIT = "<exit>"
"""Station key of the wait after a unit's last operation."""

_STEP = 3.0  # x distance between stations
_BOX = (0.9, 3.0)  # a box's x span within its step
_PX_PER_X = 62


def _routing_next(scenario: Scenario) -> dict[str, dict[str | None, str]]:
    """Per product: the station after each station on its routing (None: the first one)."""
    default = [st.id for st in scenario.stations]
    routings = {p.id: p.routing or default for p in scenario.products} or {"": default}
    out: dict[str, dict[str | None, str]] = {}
    for pid, route in routings.items():
        nxt: dict[str | None, str] = {None: route[0]}
        for a, b in zip(route, route[1:], strict=False):
            nxt.setdefault(a, b)
        out[pid] = nxt
    return out


def unit_segments(scenario: Scenario, record: RunRecord) -> pl.DataFrame:
    """Every released unit's life cut into segments (module docstring).

    Columns: ``unit``, ``station`` (``TO_EXIT`` for the wait before leaving), ``kind``
    (``wait`` or ``process``), ``begin``, ``end`` (``inf`` while still going on).
    """
    events = require_events(record, "value stream map")
    check_matches(scenario, record)
    ops = operations(events).sort("unit", "start", "complete")
    units = record.units.select(
        "unit",
        pl.col("product").fill_null(""),
        pl.col("release").cast(pl.Float64).fill_nan(None),
        pl.col("exit").cast(pl.Float64).fill_nan(None),
    ).filter(pl.col("release").is_not_null())
    if ops.height and ops.join(units, on="unit", how="semi").height == 0:
        raise ChartError("the events' case ids do not match the run record's units")
    ops = ops.join(units.select("unit", "release"), on="unit", how="inner")
    previous_end = pl.col("complete").shift(1).over("unit")
    ops = ops.with_columns(prev_end=pl.coalesce(previous_end, pl.col("release")))
    waits = ops.select("unit", "station", kind=pl.lit("wait"), begin="prev_end", end="start")
    process = ops.select("unit", "station", kind=pl.lit("process"), begin="start", end="complete")

    last = ops.group_by("unit").agg(
        last_station=pl.col("station").last(), last_end=pl.col("complete").last()
    )
    tails = units.join(last, on="unit", how="left").filter(
        pl.col("last_end").is_null() | pl.col("last_end").is_finite()
    )
    routes = _routing_next(scenario)
    first_product = next(iter(routes))
    tail_rows: dict[str, list[Any]] = {k: [] for k in ("unit", "station", "begin", "end")}
    for uid, product, release, exit_, last_station, last_end in tails.select(
        "unit", "product", "release", "exit", "last_station", "last_end"
    ).iter_rows():
        begin = release if last_end is None else last_end
        if exit_ is not None:
            station, end = TO_EXIT, exit_
        else:
            nxt = routes.get(product, routes[first_product])
            station, end = nxt.get(last_station, TO_EXIT), math.inf
        tail_rows["unit"].append(uid)
        tail_rows["station"].append(station)
        tail_rows["begin"].append(begin)
        tail_rows["end"].append(end)
    tail = pl.DataFrame(
        tail_rows,
        schema={"unit": pl.Int64, "station": pl.String, "begin": pl.Float64, "end": pl.Float64},
    ).with_columns(kind=pl.lit("wait"))
    columns = ["unit", "station", "kind", "begin", "end"]
    return pl.concat([waits.select(columns), process.select(columns), tail.select(columns)])


def _window_average(segments: pl.DataFrame, ws: float, we: float) -> pl.DataFrame:
    """Per station and kind: time-average number of units in such segments over [ws, we]."""
    overlap = (pl.min_horizontal("end", pl.lit(we)) - pl.max_horizontal("begin", pl.lit(ws))).clip(
        lower_bound=0.0
    )
    return segments.group_by("station", "kind").agg(units=overlap.sum() / (we - ws))


def _timeline(segments: pl.DataFrame, record: RunRecord) -> tuple[pl.DataFrame, int]:
    """Per station and kind: mean time per unit over the units exiting in the window."""
    exited = exited_in_window(record).select("unit")
    n = exited.height
    if n == 0:
        raise ChartError("no unit exited in the observed window, so there is no value stream")
    mine = segments.join(exited, on="unit", how="semi")
    per = mine.group_by("station", "kind").agg(time=(pl.col("end") - pl.col("begin")).sum() / n)
    return per, n


def _station_figures(
    scenario: Scenario, record: RunRecord, events: pl.DataFrame
) -> dict[str, dict[str, float]]:
    from processfactory.eventlog.convert import pair_operations
    from processfactory.kpi.lean import compute_kpis

    ws, we = float(record.window_start), float(record.window_end)
    kpis = compute_kpis(record)
    ops = operations(events).filter((pl.col("complete") > ws) & (pl.col("complete") <= we))
    op_time = dict(
        ops.group_by("station").agg((pl.col("complete") - pl.col("start")).mean()).iter_rows()
    )
    setup_events = events.filter(
        (pl.col("concept:name") == "setup") & pl.col("station").is_not_null()
    )
    setups = pair_operations(setup_events, by_station=True).filter(
        pl.col("complete").is_not_null() & (pl.col("complete") > ws) & (pl.col("complete") <= we)
    )
    setup_time = dict(
        setups.group_by("station").agg((pl.col("complete") - pl.col("start")).mean()).iter_rows()
    )
    out: dict[str, dict[str, float]] = {}
    for st in scenario.stations:

        def kpi(key: str, sid: str = st.id) -> float:
            per = kpis.get(key)
            return float(per.get(sid, math.nan)) if isinstance(per, dict) else math.nan

        out[st.id] = {
            "op_time": float(op_time.get(st.id, math.nan)),
            "cycle_time": kpi("station_cycle_time"),
            "utilization": kpi("utilization"),
            "setup_time": float(setup_time.get(st.id, math.nan)),
            "down": kpi("down"),
        }
    return out


def value_stream_map(scenario: Scenario, record: RunRecord, *, lang: str = "en") -> Chart:
    """Value-stream map of ``record`` (a run of ``scenario`` with its events); see the module
    docstring. Layers' data: ``boxes`` (per station: ``station``, ``op_time``,
    ``cycle_time``, ``utilization``, ``in_process``), ``inventory`` (``station``,
    ``inventory``), ``timeline`` (``station``, ``kind``, ``time``), ``summary``
    (``lead_time``, ``processing``, ``value_added``, ``pce``)."""
    from processfactory.kpi.lean import compute_kpis

    events = require_events(record, "value stream map")
    segments = unit_segments(scenario, record)
    ws, we = float(record.window_start), float(record.window_end)
    if not we > ws:
        raise ChartError("the run record has an empty observed window")
    average = {(s, k): v for s, k, v in _window_average(segments, ws, we).iter_rows()}
    per_unit, n_units = _timeline(segments, record)
    timeline = {(s, k): v for s, k, v in per_unit.iter_rows()}
    figures = _station_figures(scenario, record, events)
    kpis = compute_kpis(record)
    unit = time_unit(record.context.time_unit, lang)
    names = station_names(scenario, lang)
    used = {s for s, _ in average} | {s for s, _ in timeline}
    stations = [st for st in scenario.stations if st.id in used]
    if not stations:
        raise ChartError("the run has no operations at the scenario's stations")

    boxes: list[dict[str, Any]] = []
    box_text: list[dict[str, Any]] = []
    inventory: list[dict[str, Any]] = []
    ladder: list[dict[str, Any]] = []
    ladder_text: list[dict[str, Any]] = []
    x = 0.0
    for i, st in enumerate(stations):
        left = i * _STEP
        fig = figures[st.id]
        in_process = average.get((st.id, "process"), 0.0)
        boxes.append(
            {
                "station": st.id,
                "name": names[st.id],
                "x0": left + _BOX[0],
                "x1": left + _BOX[1],
                "y0": 5.0,
                "y1": 9.7,
                "value_added": st.value_added,
                "op_time": fig["op_time"],
                "cycle_time": fig["cycle_time"],
                "utilization": fig["utilization"],
                "in_process": in_process,
            }
        )
        centre = left + (_BOX[0] + _BOX[1]) / 2
        lines = [names[st.id]]
        lines.append(label("vsm.op_time", lang, value=number(fig["op_time"], lang), unit=unit))
        lines.append(
            label("vsm.cycle_time", lang, value=number(fig["cycle_time"], lang), unit=unit)
        )
        lines.append(label("vsm.utilization", lang, value=percent(fig["utilization"], lang)))
        if math.isfinite(fig["setup_time"]):
            lines.append(
                label("vsm.changeover", lang, value=number(fig["setup_time"], lang), unit=unit)
            )
        if fig["down"] > 0:
            lines.append(label("vsm.uptime", lang, value=percent(1 - fig["down"], lang)))
        if st.servers > 1:
            lines.append(label("vsm.servers", lang, n=st.servers))
        # long station names wrap onto two lines instead of running over the neighbouring boxes
        rows = [(t, "bold") for t in textwrap.wrap(lines[0], 22) or [lines[0]]]
        rows += [(t, "") for t in lines[1:]]
        for k, (text, weight) in enumerate(rows):
            box_text.append({"x": centre, "y": 9.2 - 0.68 * k, "text": text, "weight": weight})
        inventory.append(
            {
                "station": st.id,
                "x": left + _BOX[0] / 2,
                "y": 6.6,
                "inventory": average.get((st.id, "wait"), 0.0),
            }
        )
        wait = timeline.get((st.id, "wait"), 0.0)
        proc = timeline.get((st.id, "process"), 0.0)
        ladder += [{"x": left, "y": 3.4}, {"x": left + _BOX[0], "y": 3.4}]
        ladder += [{"x": left + _BOX[0], "y": 2.0}, {"x": left + _BOX[1], "y": 2.0}]
        ladder_text.append(
            {"station": st.id, "kind": "wait", "time": wait, "x": left + _BOX[0] / 2, "y": 3.8}
        )
        ladder_text.append(
            {"station": st.id, "kind": "process", "time": proc, "x": centre, "y": 1.5}
        )
        x = left + _STEP
    exit_wait = timeline.get((TO_EXIT, "wait"), 0.0)
    inventory.append(
        {
            "station": TO_EXIT,
            "x": x + _BOX[0] / 2,
            "y": 6.6,
            "inventory": average.get((TO_EXIT, "wait"), 0.0),
        }
    )
    ladder += [{"x": x, "y": 3.4}, {"x": x + _BOX[0], "y": 3.4}]
    ladder_text.append(
        {"station": TO_EXIT, "kind": "wait", "time": exit_wait, "x": x + _BOX[0] / 2, "y": 3.8}
    )
    for k, row in enumerate(ladder):
        row["order"] = k
    for row in inventory:
        row["text"] = label("vsm.inventory", lang, value=number(float(row["inventory"]), lang, 1))
    for row in ladder_text:
        row["text"] = number(float(row["time"]), lang)

    lead_time = float(kpis["lead_time"])  # type: ignore[arg-type]
    pce = float(kpis["pce"])  # type: ignore[arg-type]
    value_added = _mean_value_added(record)
    processing = sum(v for (s, k), v in timeline.items() if k == "process")
    sx0, sx1 = x + _BOX[0] + 0.4, x + _BOX[0] + 4.4
    summary = [
        {
            "x0": sx0,
            "x1": sx1,
            "y0": 0.6,
            "y1": 4.4,
            "lead_time": lead_time,
            "processing": processing,
            "value_added": value_added,
            "pce": pce,
        }
    ]
    summary_lines = [
        label("vsm.lead_time", lang, value=number(lead_time, lang), unit=unit),
        label("vsm.processing", lang, value=number(processing, lang), unit=unit),
        label("vsm.value_added", lang, value=number(value_added, lang), unit=unit),
        label("vsm.pce", lang, value=percent(pce, lang)),
    ]
    summary_text = [
        {"x": sx0 + 0.15, "y": 3.8 - 0.8 * k, "text": t} for k, t in enumerate(summary_lines)
    ]
    inventory_text = [dict(row, y=5.55) for row in inventory]

    x_max = sx1 + 0.3
    xs = alt.Scale(domain=[-0.3, x_max], nice=False, zero=False)
    ys = alt.Scale(domain=[0, 10], nice=False)

    def xy(xf: str = "x", yf: str = "y") -> dict[str, Any]:
        return {
            "x": alt.X(f"{xf}:Q", scale=xs, axis=None),
            "y": alt.Y(f"{yf}:Q", scale=ys, axis=None),
        }

    def text_layer(
        rows: list[dict[str, Any]], name: str, field: str = "text", **mark: Any
    ) -> alt.Chart:
        """A layer writing each row's ``field`` at its ``x``, ``y``."""
        layer: alt.Chart = (
            alt.Chart(inline(rows), name=name).mark_text(**mark).encode(**xy(), text=f"{field}:N")
        )
        return layer

    layers: list[alt.Chart] = [
        alt.Chart(inline(boxes), name="boxes")
        .mark_rect(stroke="#4c78a8", strokeWidth=1.5)
        .encode(
            **xy("x0", "y0"),
            x2="x1:Q",
            y2="y1:Q",
            fill=alt.condition(alt.datum.value_added, alt.value("#dbe9f6"), alt.value("#fde5cc")),
        ),
        text_layer(
            [r for r in box_text if r["weight"]],
            "box_title",
            fontSize=11,
            fontWeight="bold",
            baseline="middle",
        ),
        text_layer(
            [r for r in box_text if not r["weight"]], "box_text", fontSize=10.5, baseline="middle"
        ),
        alt.Chart(inline(inventory), name="inventory")
        .mark_point(shape="triangle-up", size=700, filled=True, color="#f2c14e", opacity=1)
        .encode(**xy()),
        text_layer(
            [dict(r, letter="I") for r in inventory],
            "inventory_letter",
            "letter",
            fontWeight="bold",
            dy=4,
        ),
        text_layer(inventory_text, "inventory_text", fontSize=10.5),
        alt.Chart(inline(ladder), name="ladder")
        .mark_line(color="#333333", strokeWidth=1.5)
        .encode(**xy(), order="order:Q"),
        text_layer(ladder_text, "timeline", fontSize=10.5),
        alt.Chart(inline(summary), name="summary")
        .mark_rect(fill="#f4f4f4", stroke="#333333")
        .encode(**xy("x0", "y0"), x2="x1:Q", y2="y1:Q"),
        text_layer(summary_text, "summary_text", align="left", fontSize=11),
    ]
    subtitle = label("vsm.subtitle", lang, scenario=scenario.display_name(lang), n=n_units)
    chart: Chart = layered_chart(
        layers,
        "vsm",
        lang,
        title=label("vsm.title", lang),
        subtitle=subtitle,
        width=int((x_max + 0.3) * _PX_PER_X),
        height=330,
    ).configure_view(stroke=None)
    return chart


def _mean_value_added(record: RunRecord) -> float:
    """Mean value-added time of the units PCE averages over: good, exiting in the window,
    with a positive lead time."""
    good = exited_in_window(record).filter(
        (pl.col("status") != "scrap") & (pl.col("exit") - pl.col("release") > 0)
    )
    values = good.get_column("value_added").cast(pl.Float64).to_numpy()
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else math.nan


__all__ = ["TO_EXIT", "unit_segments", "value_stream_map"]
