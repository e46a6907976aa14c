"""Cumulative flow diagram and WIP over time, from the run record's units (and events).

Both count from the start of the run; the warm-up before the observed window is shaded.

* Cumulative flow: per series the number of events up to each time, as a step function —
  units released (``units.release``), done at each station (the events' operation completes,
  when the record has events; a reworked unit counts at each pass) and exited, good or
  scrapped (``units.exit``). The vertical gap between two curves is the WIP between those
  points, the horizontal gap the time spent between them. With a scenario whose products
  take different routings, only the stations every product visits get a curve (the others
  carry part of the flow and would cross the curves around them).
* WIP: the number of released, unfinished units, ``#{release <= t} - #{exit <= t}`` (the
  definition ``kpi.lean`` integrates), as a step function, with its time-average over the
  observed window (``time_average_wip``) as a rule.

Long runs are sampled on an even time grid of ``max_points`` points (the value at each grid
time); shorter ones keep every step exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import polars as pl

from processfactory.charts.base import (
    Chart,
    ChartError,
    check_matches,
    inline,
    layered_chart,
    require_events,
    station_names,
)
from processfactory.charts.labels import label, number, time_unit

if TYPE_CHECKING:
    from processfactory.eventlog.record import RunRecord
    from processfactory.scenario.model import Scenario


def _span(record: RunRecord, times: Sequence[np.ndarray]) -> tuple[float, float]:
    """Time axis of the flow charts: from the run's start (0, or earlier data) to the window end."""
    start = min(0.0, float(record.window_start))
    for t in times:
        if t.size:
            start = min(start, float(t.min()))
    end = float(record.window_end)
    if not math.isfinite(end) or end <= start:
        raise ChartError("the run record has an empty observed window")
    return start, end


def _grid(times: Sequence[np.ndarray], start: float, end: float, max_points: int) -> np.ndarray:
    """Every distinct event time in [start, end] plus both ends, or an even grid if too many."""
    if max_points < 2:
        raise ChartError(f"max_points must be at least 2, got {max_points}")
    joined = np.concatenate([t[(t >= start) & (t <= end)] for t in times] + [[start, end]])
    points = np.unique(joined)
    if points.size > max_points:
        return np.linspace(start, end, max_points)
    return points


def step_counts(times: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Number of ``times`` at or before each grid time (a right-continuous step function)."""
    ordered = np.sort(times[np.isfinite(times)])
    counts: np.ndarray = np.searchsorted(ordered, grid, side="right")
    return counts


def _warmup_layer(record: RunRecord, start: float, lang: str) -> alt.Chart | None:
    if not record.window_start > start:
        return None
    data = inline(
        [{"from": start, "to": float(record.window_start), "what": label("warmup", lang)}]
    )
    layer: alt.Chart = (
        alt.Chart(data, name="warmup")
        .mark_rect(color="#999999", opacity=0.15)
        .encode(
            x="from:Q",
            x2="to:Q",
            tooltip=[alt.Tooltip("what:N", title=label("window", lang))],
        )
    )
    return layer


def _column(record: RunRecord, name: str) -> np.ndarray:
    arr: np.ndarray = record.units.get_column(name).cast(pl.Float64).fill_null(np.nan).to_numpy()
    return arr


def _station_completions(
    record: RunRecord, scenario: Scenario | None, lang: str = "en"
) -> list[tuple[str, np.ndarray]]:
    """(display name, completion times) per station with operation completes in the events."""
    if record.events is None:
        return []
    events = require_events(record, "cumulative flow")
    done = events.filter(
        (pl.col("lifecycle:transition") == "complete")
        & pl.col("station").is_not_null()
        & (pl.col("concept:name") == pl.col("station"))
    )
    if scenario is not None:
        check_matches(scenario, record)
        everyone = {st.id for st in scenario.stations}
        for product in scenario.products:
            if product.routing:
                everyone &= set(product.routing)
        order = [st.id for st in scenario.stations if st.id in everyone]
        names = station_names(scenario, lang)
    else:
        order = record.stations.get_column("station").to_list()
        names = {sid: sid for sid in order}
    present = set(done.get_column("station").unique().to_list())
    if scenario is None:
        order += sorted(present - set(order))
    out = []
    for sid in order:
        if sid not in present:
            continue
        times = done.filter(pl.col("station") == sid).get_column("time").to_numpy()
        out.append((names.get(sid, sid), times.astype(np.float64)))
    return out


def cumulative_flow_chart(
    record: RunRecord,
    scenario: Scenario | None = None,
    *,
    lang: str = "en",
    max_points: int = 1000,
) -> Chart:
    """Cumulative flow diagram of a run (see the module docstring).

    ``scenario`` (optional) orders and names the stations; without it the record's order and
    station ids are used. The ``flow`` layer's data: ``series``, ``order``, ``t``, ``count``.
    """
    unit = time_unit(record.context.time_unit, lang)
    release, exit_ = _column(record, "release"), _column(record, "exit")
    series: list[tuple[str, np.ndarray]] = [(label("cfd.released", lang), release)]
    for name, times in _station_completions(record, scenario, lang):
        series.append((label("cfd.done", lang, station=name), times))
    series.append((label("cfd.exited", lang), exit_))
    finite_times = [t[np.isfinite(t)] for _, t in series]
    start, end = _span(record, finite_times)
    grid = _grid(finite_times, start, end, max_points)
    rows: list[dict[str, Any]] = []
    names = [name for name, _ in series]
    for k, (name, times) in enumerate(zip(names, finite_times, strict=True)):
        counts = step_counts(times, grid)
        rows += [
            {"series": name, "order": k, "t": float(t), "count": int(c)}
            for t, c in zip(grid, counts, strict=True)
        ]
    flow = (
        alt.Chart(inline(rows), name="flow")
        .mark_area(interpolate="step-after", opacity=0.85, line={"strokeWidth": 1})
        .encode(
            x=alt.X("t:Q", title=label("time", lang, unit=unit), scale=alt.Scale(nice=False)),
            y=alt.Y("count:Q", title=label("cfd.axis", lang), stack=None),
            color=alt.Color(
                "series:N",
                sort=names,
                title=label("cfd.series", lang),
                scale=alt.Scale(scheme="tableau10"),
                legend=alt.Legend(orient="right"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("series:N", title=label("cfd.series", lang)),
                alt.Tooltip("t:Q", title=label("time", lang, unit=unit), format=".2f"),
                alt.Tooltip("count:Q", title=label("units", lang)),
            ],
        )
    )
    layers: list[alt.Chart] = []
    warmup = _warmup_layer(record, start, lang)
    if warmup is not None:
        layers.append(warmup)
    layers.append(flow)
    return layered_chart(
        layers,
        "cumulative-flow",
        lang,
        title=label("cfd.title", lang),
        subtitle=label("cfd.subtitle", lang),
    )


def wip_steps(record: RunRecord, grid: np.ndarray) -> np.ndarray:
    """WIP at each grid time: released at or before it, minus exited at or before it."""
    release, exit_ = _column(record, "release"), _column(record, "exit")
    released = np.isfinite(release)
    wip: np.ndarray = step_counts(release[released], grid) - step_counts(exit_[released], grid)
    return wip


def wip_chart(record: RunRecord, *, lang: str = "en", max_points: int = 2000) -> Chart:
    """WIP over time with its time-average over the observed window (module docstring).

    Layers' data: ``wip`` — ``t``, ``wip``; ``mean`` — ``from``, ``to``, ``wip``.
    """
    from processfactory.kpi.lean import time_average_wip

    unit = time_unit(record.context.time_unit, lang)
    release, exit_ = _column(record, "release"), _column(record, "exit")
    released = np.isfinite(release)
    times = [release[released], exit_[released & np.isfinite(exit_)]]
    start, end = _span(record, times)
    grid = _grid(times, start, end, max_points)
    steps = wip_steps(record, grid)
    mean = time_average_wip(record)
    rows = [{"t": float(t), "wip": int(w)} for t, w in zip(grid, steps, strict=True)]
    x = alt.X("t:Q", title=label("time", lang, unit=unit), scale=alt.Scale(nice=False))
    y_title = label("wip.axis", lang)
    area = (
        alt.Chart(inline(rows), name="wip")
        .mark_area(interpolate="step-after", opacity=0.35, line={"color": "#1f77b4"})
        .encode(
            x=x,
            y=alt.Y("wip:Q", title=y_title),
            tooltip=[
                alt.Tooltip("t:Q", title=label("time", lang, unit=unit), format=".2f"),
                alt.Tooltip("wip:Q", title=y_title),
            ],
        )
    )
    layers: list[alt.Chart] = []
    warmup = _warmup_layer(record, start, lang)
    if warmup is not None:
        layers.append(warmup)
    layers.append(area)
    if math.isfinite(mean):
        mean_data = inline(
            [
                {
                    "from": float(record.window_start),
                    "to": float(record.window_end),
                    "wip": mean,
                    "what": label("wip.mean", lang),
                }
            ]
        )
        layers.append(
            alt.Chart(mean_data, name="mean")
            .mark_rule(color="#d62728", strokeWidth=2, strokeDash=[6, 3])
            .encode(
                x="from:Q",
                x2="to:Q",
                y="wip:Q",
                tooltip=[
                    alt.Tooltip("what:N", title=label("wip.axis", lang)),
                    alt.Tooltip("wip:Q", format=".3f"),
                ],
            )
        )
    subtitle = label("wip.subtitle", lang, value=number(mean, lang))
    return layered_chart(layers, "wip", lang, title=label("wip.title", lang), subtitle=subtitle)


__all__ = ["cumulative_flow_chart", "step_counts", "wip_chart", "wip_steps"]
