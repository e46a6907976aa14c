"""Spaghetti diagram: how units and people moved over the layout during the observed window.

The run record holds no walk paths, so they are derived from its event log:

* Units carried: each unit goes from the station of one operation to the station of its next
  operation (a rework redone where it is does not move). A move is counted when that next
  operation starts inside the observed window. One line per pair of stations, as wide as the
  number of units carried along it (a transfer batch of five is five units, one trip).
* Operator walks: the engine logs who did each operation and setup (``org:resource``). An
  operator stands at the station given by the scenario (``start_at``, else the first skill)
  and walks whenever their next operation or setup is at another station; the walk starts
  distance ÷ walking speed before that event. Walks starting inside the window are counted,
  as the engine counts walking distance.

Distances follow the layout's metric (``manhattan``: along the aisles, drawn as an L — first
along x, then along y; ``euclidean``: straight). The subtitle gives the record's total walking
distance in the window (``walking_distance_total``: transport moves and operator walks).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import altair as alt
import polars as pl

from processfactory.charts.base import (
    Chart,
    ChartError,
    check_matches,
    inline,
    layered_chart,
    operations,
    require_events,
    station_names,
)
from processfactory.charts.labels import label, number

if TYPE_CHECKING:
    from processfactory.eventlog.record import RunRecord
    from processfactory.scenario.model import Scenario

MATERIAL = "material"
OPERATOR = "operator"
_SIZE = 520  # pixels of the longer side of the floor


def _positions(scenario: Scenario) -> dict[str, tuple[float, float]]:
    positions = {st.id: st.position for st in scenario.stations if st.position is not None}
    if not positions:
        raise ChartError(
            f"scenario {scenario.name!r} has no station positions, so there is no layout to "
            "draw walks on; give every station a position [x, y] in metres"
        )
    return {sid: (float(p[0]), float(p[1])) for sid, p in positions.items()}


def distance(scenario: Scenario, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two positions under the scenario's layout metric."""
    dx, dy = abs(a[0] - b[0]), abs(a[1] - b[1])
    return dx + dy if scenario.layout.metric == "manhattan" else math.hypot(dx, dy)


def material_moves(record: RunRecord, events: pl.DataFrame) -> pl.DataFrame:
    """Units carried between stations: ``unit``, ``from``, ``to``, ``time`` (arrival: the start
    of the next operation), for moves whose next operation starts in the window."""
    ws, we = float(record.window_start), float(record.window_end)
    ops = operations(events).sort("unit", "start", "complete")
    moves = ops.with_columns(
        origin=pl.col("station").shift(1).over("unit"),
    ).filter(
        pl.col("origin").is_not_null()
        & (pl.col("origin") != pl.col("station"))
        & (pl.col("start") >= ws)
        & (pl.col("start") <= we)
    )
    return moves.select(
        "unit", pl.col("origin").alias("from"), pl.col("station").alias("to"), time="start"
    )


def operator_walks(scenario: Scenario, record: RunRecord, events: pl.DataFrame) -> pl.DataFrame:
    """Operators' walks: ``operator``, ``from``, ``to``, ``depart``, ``arrive`` (time unit),
    for walks departing in the window (see the module docstring)."""
    ws, we = float(record.window_start), float(record.window_end)
    positions = _positions(scenario)
    start_of: dict[str, str] = {}
    for op in scenario.operators:
        for k in range(op.count):
            start_of[f"{op.id}#{k + 1}"] = op.start_at or op.skills[0]
    schema = {
        "operator": pl.String,
        "from": pl.String,
        "to": pl.String,
        "depart": pl.Float64,
        "arrive": pl.Float64,
    }
    if not start_of:
        return pl.DataFrame(schema=schema)
    work = (
        events.with_row_index("_row")
        .filter(
            pl.col("org:resource").is_in(list(start_of))
            & (pl.col("lifecycle:transition") == "start")
            & pl.col("station").is_not_null()
            & ((pl.col("concept:name") == pl.col("station")) | (pl.col("concept:name") == "setup"))
        )
        .sort("time", "_row")
    )
    metres_per_time_unit = scenario.layout.walking_speed * scenario.seconds_per_time_unit
    rows: dict[str, list[Any]] = {k: [] for k in schema}
    for operator, group in work.group_by("org:resource", maintain_order=True):
        name = str(operator[0])
        here = start_of[name]
        for station, time in group.select("station", "time").iter_rows():
            if station == here:
                continue
            if here in positions and station in positions:
                metres = distance(scenario, positions[here], positions[station])
            else:
                metres = 0.0
            depart = time - metres / metres_per_time_unit
            if ws <= depart <= we:
                for key, value in zip(schema, (name, here, station, depart, time), strict=True):
                    rows[key].append(value)
            here = station
    return pl.DataFrame(rows, schema=schema)


def _route_points(
    a: tuple[float, float], b: tuple[float, float], manhattan: bool, offset: float
) -> list[tuple[float, float]]:
    (xa, ya), (xb, yb) = a, b
    xa, ya, xb, yb = xa + offset, ya + offset, xb + offset, yb + offset
    if manhattan and xa != xb and ya != yb:
        return [(xa, ya), (xb, ya), (xb, yb)]
    return [(xa, ya), (xb, yb)]


def spaghetti_chart(scenario: Scenario, record: RunRecord, *, lang: str = "en") -> Chart:
    """Spaghetti diagram of a run of ``scenario`` (its record must hold events); see the
    module docstring. Layers' data: ``routes`` (path points: ``route``, ``kind``, ``from``,
    ``to``, ``trips``, ``metres``, ``total``, ``order``, ``x``, ``y``) and ``stations``."""
    positions = _positions(scenario)
    events = require_events(record, "spaghetti diagram")
    check_matches(scenario, record)
    names = station_names(scenario, lang)
    order = {st.id: i for i, st in enumerate(scenario.stations)}
    manhattan = scenario.layout.metric == "manhattan"

    counts: dict[tuple[str, str, str], int] = {}
    moves = material_moves(record, events)
    walks = operator_walks(scenario, record, events)
    for kind, frame in ((MATERIAL, moves), (OPERATOR, walks)):
        for a, b in frame.select("from", "to").iter_rows():
            if a not in positions or b not in positions:
                continue
            first, second = sorted((a, b), key=lambda s: order.get(s, len(order)))
            key = (kind, first, second)
            counts[key] = counts.get(key, 0) + 1

    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    offset = {MATERIAL: 0.0, OPERATOR: 0.02 * span}
    kind_names = {MATERIAL: label("sp.material", lang), OPERATOR: label("sp.operator", lang)}
    path_rows: list[dict[str, Any]] = []
    for (kind, a, b), trips in sorted(counts.items()):
        metres = distance(scenario, positions[a], positions[b])
        route = f"{kind}:{a}-{b}"
        points = _route_points(positions[a], positions[b], manhattan, offset[kind])
        for k, (x, y) in enumerate(points):
            path_rows.append(
                {
                    "route": route,
                    "kind": kind_names[kind],
                    "from": names[a],
                    "to": names[b],
                    "trips": trips,
                    "metres": metres,
                    "total": trips * metres,
                    "order": k,
                    "x": x,
                    "y": y,
                }
            )
    station_rows = [
        {"station": sid, "name": names[sid], "x": p[0], "y": p[1]} for sid, p in positions.items()
    ]

    pad = 0.08 * span
    x_dom = [min(xs) - pad, max(xs) + pad]
    y_dom = [min(ys) - pad, max(ys) + pad]
    ppm = _SIZE / max(x_dom[1] - x_dom[0], y_dom[1] - y_dom[0])
    width = max(160, int((x_dom[1] - x_dom[0]) * ppm))
    height = max(160, int((y_dom[1] - y_dom[0]) * ppm))
    x_enc = alt.X("x:Q", title=label("sp.x", lang), scale=alt.Scale(domain=x_dom, nice=False))
    y_enc = alt.Y("y:Q", title=label("sp.y", lang), scale=alt.Scale(domain=y_dom, nice=False))
    kinds = [kind_names[MATERIAL], kind_names[OPERATOR]]
    layers: list[alt.Chart] = []
    if path_rows:
        layers.append(
            alt.Chart(inline(path_rows), name="routes")
            .mark_line(opacity=0.75, strokeCap="round", strokeJoin="round")
            .encode(
                x=x_enc,
                y=y_enc,
                detail="route:N",
                order="order:Q",
                color=alt.Color(
                    "kind:N",
                    title=label("sp.kind", lang),
                    scale=alt.Scale(domain=kinds, range=["#4c78a8", "#e45756"]),
                    legend=alt.Legend(orient="bottom"),
                ),
                strokeWidth=alt.StrokeWidth(
                    "trips:Q",
                    title=label("sp.trips", lang),
                    scale=alt.Scale(range=[1.5, 9]),
                    legend=alt.Legend(orient="bottom"),
                ),
                tooltip=[
                    alt.Tooltip("kind:N", title=label("sp.kind", lang)),
                    alt.Tooltip("from:N", title=label("sp.route", lang)),
                    alt.Tooltip("to:N", title="→"),
                    alt.Tooltip("trips:Q", title=label("sp.trips", lang)),
                    alt.Tooltip("metres:Q", title=label("sp.distance", lang), format=".1f"),
                    alt.Tooltip("total:Q", title=label("sp.total", lang), format=",.0f"),
                ],
            )
        )
    layers.append(
        alt.Chart(inline(station_rows), name="stations")
        .mark_square(size=500, color="#555555", opacity=1)
        .encode(x=x_enc, y=y_enc, tooltip=[alt.Tooltip("name:N", title=label("station", lang))])
    )
    layers.append(
        alt.Chart(inline(station_rows), name="station_labels")
        .mark_text(dy=-18, fontWeight="bold")
        .encode(x=x_enc, y=y_enc, text="name:N")
    )
    subtitle = label("sp.subtitle", lang, distance=number(record.walking_total, lang, 0))
    return layered_chart(
        layers,
        "spaghetti",
        lang,
        title=label("sp.title", lang),
        subtitle=subtitle,
        width=width,
        height=height,
    )


__all__ = ["distance", "material_moves", "operator_walks", "spaghetti_chart"]
