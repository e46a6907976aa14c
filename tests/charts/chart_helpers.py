"""Hand-made inputs for the chart tests and helpers to read specs and SVGs back.

``TINY_YAML`` is a three-station line on a floor; ``tiny_log()`` is an event log of two units
through it, written by hand, so that every figure the charts show can be worked out on paper
(the tests do, in their comments).
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import polars as pl

from processfactory.eventlog.record import (
    STATIONS_SCHEMA,
    UNITS_SCHEMA,
    RunContext,
    RunRecord,
)
from processfactory.eventlog.reduce import record_from_event_log
from processfactory.eventlog.schema import DEFAULT_BASE_TIME, EVENT_SCHEMA
from processfactory.scenario.loader import parse_scenario
from processfactory.scenario.model import Scenario

NAN = math.nan
SVG_NS = "{http://www.w3.org/2000/svg}"

# a (0,0) -> b (4,0) -> c (4,3); one operator shares a and c (7 m apart, manhattan), b has its
# own. Deterministic times 1, 2, 1: T0 = 4, r_b = 1/2, W0 = 2. Takt = 10 / 4 = 2.5.
TINY_YAML = """\
name: Tiny line
time_unit: min
stations:
  - {id: a, name: Cut, time: 1, position: [0, 0]}
  - {id: b, name: Check, time: 2, position: [4, 0], value_added: false}
  - {id: c, name: Pack, time: 1, position: [4, 3]}
operators:
  - {id: op, skills: [a, c], start_at: a}
  - {id: bee, skills: [b]}
layout: {walking_speed: 1.0, metric: manhattan}
release:
  orders: [{quantity: 2, at: 0}]
demand: {units: 4, period: 10}
"""

# (case, activity, lifecycle, time, station, resource)
TINY_EVENTS: list[tuple[str, str, str, float, str | None, str | None]] = [
    ("0", "release", "complete", 0.0, None, None),
    ("1", "release", "complete", 0.0, None, None),
    ("0", "a", "start", 0.0, "a", "op#1"),
    ("0", "a", "complete", 1.0, "a", "op#1"),
    ("0", "b", "start", 1.0, "b", "bee#1"),
    ("0", "b", "complete", 3.0, "b", "bee#1"),
    ("0", "c", "start", 3.1, "c", "op#1"),  # op#1 walked a -> c
    ("0", "c", "complete", 4.0, "c", "op#1"),
    ("0", "exit", "complete", 4.0, None, None),
    ("1", "a", "start", 4.2, "a", "op#1"),  # walked c -> a
    ("1", "a", "complete", 5.0, "a", "op#1"),
    ("1", "b", "start", 5.0, "b", "bee#1"),
    ("1", "b", "complete", 7.0, "b", "bee#1"),
    ("1", "c", "start", 7.2, "c", "op#1"),  # walked a -> c
    ("1", "c", "complete", 8.0, "c", "op#1"),
    ("1", "exit", "complete", 8.0, None, None),
]


def tiny_scenario() -> Scenario:
    return parse_scenario(TINY_YAML, "tiny.yaml")


def make_events(
    rows: Sequence[tuple[str, str, str, float, str | None, str | None]],
) -> pl.DataFrame:
    """An event log in EVENT_SCHEMA from (case, activity, lifecycle, time, station, resource)."""
    return pl.DataFrame(
        {
            "case:concept:name": [r[0] for r in rows],
            "concept:name": [r[1] for r in rows],
            "lifecycle:transition": [r[2] for r in rows],
            "time:timestamp": [DEFAULT_BASE_TIME + timedelta(minutes=r[3]) for r in rows],
            "time": [r[3] for r in rows],
            "station": [r[4] for r in rows],
            "org:resource": [r[5] for r in rows],
            "round": [1] * len(rows),
            "voided": [False] * len(rows),
        },
        schema=EVENT_SCHEMA,
    )


def tiny_log() -> pl.DataFrame:
    return make_events(TINY_EVENTS)


def tiny_record(scenario: Scenario | None = None) -> RunRecord:
    """``tiny_log()`` reduced to a run record, window [0, 8] (first to last event)."""
    scn = scenario or tiny_scenario()
    return record_from_event_log(
        tiny_log(),
        RunContext(scenario=scn.name, time_unit="min", operators=2, takt_time=scn.takt_time),
        value_added={st.id: st.value_added for st in scn.stations},
    )


def unit_row(uid: int, release: float, exit: float, *, status: str | None = None) -> dict[str, Any]:
    """One units-table row (status from the times unless given)."""
    if status is None:
        status = "wip" if math.isnan(exit) else "good"
    return {
        "unit": uid,
        "product": "p",
        "order_arrival": release,
        "release": release,
        "exit": exit,
        "status": status,
        "value_added": 0.0,
        "walking": 0.0,
        "reworks": 0,
        "due": NAN,
        "material_cost": 0.0,
    }


def station_row(sid: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "station": sid,
        "servers": 1,
        "busy": 0.0,
        "setup": 0.0,
        "blocked": 0.0,
        "starved": 0.0,
        "down": 0.0,
        "waiting_operator": 0.0,
        "completions": 0,
        "first_completion": NAN,
        "last_completion": NAN,
    }
    row.update(values)
    return row


def units_record(
    units: Sequence[dict[str, Any]],
    window: tuple[float, float],
    stations: Sequence[dict[str, Any]] = (),
    **context: Any,
) -> RunRecord:
    """A record with only units (and optionally stations) tables, no events."""
    context.setdefault("scenario", "hand-made")
    return RunRecord(
        context=RunContext(**context),
        window_start=window[0],
        window_end=window[1],
        units=pl.DataFrame(list(units), schema=UNITS_SCHEMA),
        stations=pl.DataFrame(list(stations), schema=STATIONS_SCHEMA),
    )


# --------------------------------------------------------------------------- reading specs back


def _layers(
    spec: dict[str, Any], inherited: dict[str, Any] | None = None
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Every sub-spec with the data it uses (its own, else its parent's)."""
    out = []
    data = spec.get("data", inherited)
    for key in ("layer", "hconcat", "vconcat"):
        for sub in spec.get(key, []):
            out.append((sub, sub.get("data", data)))
            out += _layers(sub, data)
    return out


def layer_values(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The data rows of the layer called ``name`` (inline, or from the spec's datasets).

    Altair suffixes the layers of concatenated panels with the panel's index (``name_1``).
    """
    for layer, data in _layers(spec):
        if re.fullmatch(rf"{re.escape(name)}(_\d+)?", layer.get("name", "")):
            assert data is not None, f"layer {name!r} has no data"
            values = data["values"] if "values" in data else spec["datasets"][data["name"]]
            return list(values)
    raise AssertionError(f"no layer named {name!r} in the spec")


def layer_names(spec: dict[str, Any]) -> list[str]:
    return [layer["name"] for layer, _ in _layers(spec) if "name" in layer]


def svg_root(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def svg_marks(svg: str, name: str) -> list[ET.Element]:
    """The drawn items (paths, lines, texts) of the layer ``name``'s mark groups (a line or
    area split by colour has one group per series)."""
    tags = {f"{SVG_NS}{tag}" for tag in ("path", "line", "text", "rect", "circle")}
    pattern = re.compile(rf"{re.escape(name)}(_\d+)?_marks")
    groups = [
        group
        for group in svg_root(svg).iter(f"{SVG_NS}g")
        if any(pattern.fullmatch(c) for c in (group.get("class") or "").split())
    ]
    if not groups:
        raise AssertionError(f"no mark group {name}_marks in the SVG")
    return [child for group in groups for child in group if child.tag in tags]


def svg_texts(svg: str) -> list[str]:
    """Every text drawn in the SVG (titles, axis labels, legend, text marks)."""
    return [t.text or "" for t in svg_root(svg).iter(f"{SVG_NS}text")]
