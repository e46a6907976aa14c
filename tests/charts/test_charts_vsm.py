"""Value-stream map: every figure of the tiny line worked out by hand, and KPI agreement."""

from __future__ import annotations

import dataclasses

import pytest
from chart_helpers import layer_values, svg_marks, svg_texts

from processfactory.charts import ChartError, to_svg, value_stream_map
from processfactory.charts.vsm import TO_EXIT, unit_segments
from processfactory.eventlog.record import RunRecord
from processfactory.kpi.lean import compute_kpis
from processfactory.scenario.model import Scenario
from processfactory.sim.replications import SimulationResult

# The tiny log (chart_helpers.TINY_EVENTS), window [0, 8]:
#   unit 0: released 0, Cut 0-1, Check 1-3, waits 3-3.1, Pack 3.1-4, exits 4   (lead time 4)
#   unit 1: released 0, waits 0-4.2, Cut 4.2-5, Check 5-7, waits 7-7.2, Pack 7.2-8, exits 8  (8)


@pytest.fixture(scope="module")
def tiny_spec(tiny: tuple[Scenario, RunRecord]) -> dict[str, object]:
    scenario, record = tiny
    spec: dict[str, object] = value_stream_map(scenario, record).to_dict()
    return spec


def test_timeline_is_waiting_and_processing_per_unit(tiny_spec: dict[str, object]) -> None:
    rows = layer_values(tiny_spec, "timeline")
    timeline = {(r["station"], r["kind"]): r["time"] for r in rows}
    assert timeline == pytest.approx(
        {
            ("a", "wait"): 4.2 / 2,
            ("a", "process"): (1 + 0.8) / 2,
            ("b", "wait"): 0.0,
            ("b", "process"): (2 + 2) / 2,
            ("c", "wait"): (0.1 + 0.2) / 2,
            ("c", "process"): (0.9 + 0.8) / 2,
            (TO_EXIT, "wait"): 0.0,
        }
    )
    # the segments add up to the mean lead time, (4 + 8) / 2
    assert sum(timeline.values()) == pytest.approx(6.0)


def test_inventory_and_units_in_process_add_up_to_the_wip(
    tiny: tuple[Scenario, RunRecord], tiny_spec: dict[str, object]
) -> None:
    _, record = tiny
    inventory = {r["station"]: r["inventory"] for r in layer_values(tiny_spec, "inventory")}
    # waiting unit-time over the 8-minute window: before Cut 4.2, before Pack 0.1 + 0.2
    assert inventory == pytest.approx({"a": 4.2 / 8, "b": 0.0, "c": 0.3 / 8, TO_EXIT: 0.0})
    boxes = {r["station"]: r for r in layer_values(tiny_spec, "boxes")}
    assert {s: b["in_process"] for s, b in boxes.items()} == pytest.approx(
        {"a": 1.8 / 8, "b": 4 / 8, "c": 1.7 / 8}
    )
    total = sum(inventory.values()) + sum(b["in_process"] for b in boxes.values())
    assert total == pytest.approx(compute_kpis(record)["wip"]) == pytest.approx(1.5)
    assert {s: b["op_time"] for s, b in boxes.items()} == pytest.approx(
        {"a": 0.9, "b": 2.0, "c": 0.85}
    )
    assert {s: b["cycle_time"] for s, b in boxes.items()} == {"a": 4.0, "b": 4.0, "c": 4.0}
    assert boxes["a"]["utilization"] == pytest.approx(1.8 / 8)


def test_summary_is_the_kpis_pce(
    tiny: tuple[Scenario, RunRecord], tiny_spec: dict[str, object]
) -> None:
    _, record = tiny
    (summary,) = layer_values(tiny_spec, "summary")
    # value added (Check is not): unit 0 1 + 0.9, unit 1 0.8 + 0.8; PCE = mean(1.9/4, 1.6/8)
    assert summary["pce"] == pytest.approx((1.9 / 4 + 1.6 / 8) / 2)
    assert summary["pce"] == pytest.approx(compute_kpis(record)["pce"])
    assert summary["lead_time"] == pytest.approx(6.0)
    assert summary["processing"] == pytest.approx(0.9 + 2.0 + 0.85)
    assert summary["value_added"] == pytest.approx((1.9 + 1.6) / 2)


def test_the_map_renders_boxes_triangles_and_texts(tiny_spec: dict[str, object]) -> None:
    svg = to_svg(tiny_spec)
    assert len(svg_marks(svg, "boxes")) == 3
    assert len(svg_marks(svg, "inventory")) == 4  # before each station and before the exit
    assert [t.text for t in svg_marks(svg, "box_title")] == ["Cut", "Check", "Pack"]
    texts = svg_texts(svg)
    assert "Value stream map" in texts
    assert "PCE 33.8%" in texts
    assert "Lead time 6.00 min" in texts
    assert "Op. time 0.90 min" in texts


def test_the_russian_map(tiny: tuple[Scenario, RunRecord]) -> None:
    scenario, record = tiny
    texts = svg_texts(to_svg(value_stream_map(scenario, record, lang="ru")))
    assert "Карта потока создания ценности" in texts
    assert "Эффективность цикла (PCE) 33,8\u00a0%" in texts
    assert "Время прохождения 6,00 мин" in texts


def test_segments_tile_each_life_on_a_simulated_run(demo_run: SimulationResult) -> None:
    scenario, record = demo_run.scenario, demo_run.records[0]
    spec = value_stream_map(scenario, record).to_dict()
    kpis = compute_kpis(record)
    timeline = sum(r["time"] for r in layer_values(spec, "timeline"))
    assert timeline == pytest.approx(kpis["lead_time"], rel=1e-9)
    inventory = sum(r["inventory"] for r in layer_values(spec, "inventory"))
    in_process = sum(r["in_process"] for r in layer_values(spec, "boxes"))
    assert inventory + in_process == pytest.approx(kpis["wip"], rel=1e-9)
    assert layer_values(spec, "summary")[0]["pce"] == pytest.approx(kpis["pce"])
    segments = unit_segments(scenario, record)
    assert (segments["end"] >= segments["begin"]).all()


def test_a_record_without_events_asks_for_them(demo_run: SimulationResult) -> None:
    bare = dataclasses.replace(demo_run.records[0], events=None)
    with pytest.raises(ChartError, match=r"events=True"):
        value_stream_map(demo_run.scenario, bare)
