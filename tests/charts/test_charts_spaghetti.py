"""Spaghetti diagram: walks derived from the events, counted by hand on the tiny line."""

from __future__ import annotations

import dataclasses

import pytest
from chart_helpers import layer_values, svg_marks, svg_texts, tiny_log

from processfactory.charts import ChartError, spaghetti_chart, to_svg
from processfactory.charts.base import require_events
from processfactory.charts.spaghetti import operator_walks
from processfactory.eventlog.record import RunContext, RunRecord
from processfactory.eventlog.reduce import record_from_event_log
from processfactory.scenario.model import Scenario
from processfactory.sim.replications import SimulationResult, simulate

# Cut (0,0), Check (4,0), Pack (4,3); op#1 starts at Cut and works Cut, Pack, Cut, Pack: three
# walks of 7 m (manhattan). Units go Cut -> Check -> Pack: two each way.


def _routes(spec: dict[str, object]) -> dict[tuple[str, str, str], tuple[int, float, float]]:
    rows = layer_values(spec, "routes")
    return {(r["kind"], r["from"], r["to"]): (r["trips"], r["metres"], r["total"]) for r in rows}


def test_trips_per_route_and_distances(tiny: tuple[Scenario, RunRecord]) -> None:
    scenario, record = tiny
    spec = spaghetti_chart(scenario, record).to_dict()
    assert _routes(spec) == {
        ("Units carried", "Cut", "Check"): (2, 4.0, 8.0),
        ("Units carried", "Check", "Pack"): (2, 3.0, 6.0),
        ("Operator walks", "Cut", "Pack"): (3, 7.0, 21.0),
    }
    # the operator's route goes along x, then along y, beside the units' routes
    walk = [
        coordinate
        for r in layer_values(spec, "routes")
        if r["kind"] == "Operator walks"
        for coordinate in (r["x"], r["y"])
    ]
    assert walk == pytest.approx([0.08, 0.08, 4.08, 0.08, 4.08, 3.08])
    svg = to_svg(spec)
    assert len(svg_marks(svg, "routes")) == 3
    assert len(svg_marks(svg, "stations")) == 3
    assert sorted(t.text or "" for t in svg_marks(svg, "station_labels")) == [
        "Check",
        "Cut",
        "Pack",
    ]
    assert "Spaghetti diagram" in svg_texts(svg)


def test_only_moves_inside_the_window_count(tiny: tuple[Scenario, RunRecord]) -> None:
    scenario, _ = tiny
    context = RunContext(scenario=scenario.name)
    late = record_from_event_log(tiny_log(), context, window=(4.1, 8.0))
    # walks depart 7 m / 60 m per min before arriving: 3.1 - 0.117 and 4.2 - 0.117 are before
    # 4.1, only the last walk (to Pack at 7.2) is in; unit 1 reaches Check at 5 and Pack at 7.2
    assert _routes(spaghetti_chart(scenario, late).to_dict()) == {
        ("Units carried", "Cut", "Check"): (1, 4.0, 4.0),
        ("Units carried", "Check", "Pack"): (1, 3.0, 3.0),
        ("Operator walks", "Cut", "Pack"): (1, 7.0, 7.0),
    }
    walks = operator_walks(scenario, late, require_events(late, "test"))
    assert walks.rows() == [("op#1", "a", "c", pytest.approx(7.2 - 7 / 60), 7.2)]


def test_walks_match_the_distance_the_engine_counted(demo_run: SimulationResult) -> None:
    scenario, record = demo_run.scenario, demo_run.records[0]
    spec = spaghetti_chart(scenario, record, lang="ru").to_dict()
    walked = sum(
        trips * metres
        for (kind, _, _), (trips, metres, _) in _routes(spec).items()
        if kind == "Переходы операторов"
    )
    engine = float(record.operators["distance"].sum())
    # a walk still under way at the end has no arrival event yet: at most one per operator;
    # the only shared operator walks between kitting (1, 1) and packing (2, 12): 12 m
    assert 0 <= engine - walked <= 12
    assert walked > 0
    texts = svg_texts(to_svg(spec))
    assert "Диаграмма спагетти" in texts
    assert "x (м)" in texts


def test_missing_events_or_layout_are_clear_errors(demo_run: SimulationResult) -> None:
    bare = dataclasses.replace(demo_run.records[0], events=None)
    with pytest.raises(ChartError, match="simulate with events=True"):
        spaghetti_chart(demo_run.scenario, bare)
    desk = simulate("single-desk", 1, 1, units=20, warmup=0, events=True, workers=1)
    with pytest.raises(ChartError, match="no station positions"):
        spaghetti_chart(desk.scenario, desk.records[0])
