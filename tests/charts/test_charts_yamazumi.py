"""Yamazumi: planned from the scenario, measured from the record, and from plain stacks."""

from __future__ import annotations

import pytest
from chart_helpers import layer_values, station_row, svg_marks, svg_texts, units_record

from processfactory.charts import ChartError, to_svg, yamazumi_chart, yamazumi_from_stacks
from processfactory.eventlog.record import RunRecord
from processfactory.kpi.lean import compute_kpis
from processfactory.kpi.theory import bottleneck_rate
from processfactory.scenario.loader import load_scenario
from processfactory.scenario.model import Scenario


def _bars(spec: dict[str, object]) -> list[tuple[str, str, float, float]]:
    return [(r["station"], r["element"], r["start"], r["end"]) for r in layer_values(spec, "bars")]


def test_stacks_are_drawn_bottom_up_with_a_takt_rule() -> None:
    stacks = {"W1": [("pick", 1.0), ("place", 2.0)], "W2": [("pick", 0.5)]}
    chart = yamazumi_from_stacks(stacks, 2.5, title="Balanced line")
    spec = chart.to_dict()
    assert _bars(spec) == [
        ("W1", "pick", 0.0, 1.0),
        ("W1", "place", 1.0, 3.0),
        ("W2", "pick", 0.0, 0.5),
    ]
    assert layer_values(spec, "takt") == [{"takt": 2.5, "label": "Takt 2.50 min"}]
    svg = to_svg(chart)
    assert len(svg_marks(svg, "bars")) == 3
    assert len(svg_marks(svg, "takt")) == 1
    texts = svg_texts(svg)
    assert "Balanced line" in texts and "Takt 2.50 min" in texts
    assert {"W1", "W2"} <= set(texts)


def test_stacks_without_takt_have_no_rule_and_bad_input_is_refused() -> None:
    spec = yamazumi_from_stacks({"W1": [("pick", 1.0)]}, None).to_dict()
    assert "takt" not in [layer.get("name") for layer in spec["layer"]]
    with pytest.raises(ChartError, match="at least one station"):
        yamazumi_from_stacks({}, 1.0)
    with pytest.raises(ChartError, match=">= 0"):
        yamazumi_from_stacks({"W1": [("pick", -1.0)]}, 1.0)
    with pytest.raises(ChartError, match="positive"):
        yamazumi_from_stacks({"W1": [("pick", 1.0)]}, 0.0)


def test_plan_of_the_tiny_line(tiny: tuple[Scenario, RunRecord]) -> None:
    scenario, _ = tiny
    spec = yamazumi_chart(scenario).to_dict()
    assert _bars(spec) == [
        ("Cut", "Operation (value-added)", 0.0, 1.0),
        ("Check", "Operation (non-value-added)", 0.0, 2.0),
        ("Pack", "Operation (value-added)", 0.0, 1.0),
    ]
    assert layer_values(spec, "takt")[0]["takt"] == 2.5


def test_a_russian_chart_shows_the_russian_station_names(
    tiny: tuple[Scenario, RunRecord],
) -> None:
    scenario, record = tiny
    data = scenario.model_dump()
    data["translations"] = {"ru": {"stations": {"a": "Резка", "c": "Упаковка"}}}
    translated = Scenario.model_validate(data)
    planned = {bar[0] for bar in _bars(yamazumi_chart(translated, lang="ru").to_dict())}
    assert planned == {"Резка", "Check", "Упаковка"}  # b has no Russian name: its own name
    measured = yamazumi_chart(translated, record, lang="ru")
    assert {bar[0] for bar in _bars(measured.to_dict())} == planned
    assert "Резка" in svg_texts(to_svg(measured))
    english = {bar[0] for bar in _bars(yamazumi_chart(translated, lang="en").to_dict())}
    assert english == {"Cut", "Check", "Pack"}


def test_plan_of_the_demo_tops_out_at_one_over_the_bottleneck_rate() -> None:
    demo = load_scenario("demo")
    spec = yamazumi_chart(demo).to_dict()
    tops: dict[str, float] = {}
    for station, _, _, end in _bars(spec):
        tops[station] = max(tops.get(station, 0.0), end)
    assert list(tops) == [st.name for st in demo.stations]
    assert max(tops.values()) == pytest.approx(1 / bottleneck_rate(demo))
    svg = to_svg(spec)
    assert len(svg_marks(svg, "bars")) == 6  # one bar per station
    assert len(svg_marks(svg, "takt")) == 1


def test_plan_splits_a_station_over_servers_and_batches() -> None:
    scenario = load_scenario("demo").model_copy(deep=True)
    frame = scenario.station("frame").model_copy(update={"servers": 2})
    stations = [frame if st.id == "frame" else st for st in scenario.stations]
    spec = yamazumi_chart(scenario.model_copy(update={"stations": stations})).to_dict()
    original = yamazumi_chart(load_scenario("demo")).to_dict()
    frame_bar = next(b for b in _bars(spec) if b[0] == "Frame assembly")
    frame_before = next(b for b in _bars(original) if b[0] == "Frame assembly")
    assert frame_bar[3] == pytest.approx(frame_before[3] / 2)


def test_measured_stacks_are_station_times_per_unit_completed(
    tiny: tuple[Scenario, RunRecord],
) -> None:
    scenario, _ = tiny
    # Cut: 2 servers, 4 completions: busy 12 -> 12 / 8 = 1.5, setup 2 -> 0.25, walking 1 ->
    # 0.125; Check: busy 9 over 3 -> 3; Pack: nothing done -> no bar
    record = units_record(
        [],
        (0.0, 20.0),
        stations=[
            station_row(
                "a",
                servers=2,
                busy=12.0,
                setup=2.0,
                waiting_operator=1.0,
                completions=4,
                first_completion=2.0,
                last_completion=14.0,
            ),
            station_row("b", busy=9.0, completions=3, first_completion=5.0, last_completion=15.0),
            station_row("c"),
        ],
        takt_time=2.5,
    )
    spec = yamazumi_chart(scenario, record, lang="ru").to_dict()
    assert _bars(spec) == [
        ("Cut", "Операция (добавляет ценность)", 0.0, 1.5),
        ("Cut", "Переналадка", 1.5, 1.75),
        ("Cut", "Ожидание оператора (ходьба)", 1.75, 1.875),
        ("Check", "Операция (не добавляет ценности)", 0.0, 3.0),
    ]
    # ticks at the measured cycle times: (14 - 2) / 3 = 4 and (15 - 5) / 2 = 5
    ticks = {r["station"]: r["cycle_time"] for r in layer_values(spec, "cycle_time")}
    assert ticks == {"Cut": 4.0, "Check": 5.0}
    measured = compute_kpis(record)["station_cycle_time"]
    assert ticks == {"Cut": measured["a"], "Check": measured["b"]}
    svg = to_svg(spec)
    texts = svg_texts(svg)
    assert any(t.startswith("Диаграмма Ямазуми") for t in texts)
    assert "Такт 2,50 мин" in texts
    assert len(svg_marks(svg, "bars")) == 4
    assert len(svg_marks(svg, "cycle_time")) == 2


def test_a_record_of_another_scenario_is_refused(tiny: tuple[Scenario, RunRecord]) -> None:
    _, record = tiny
    with pytest.raises(ChartError, match="does not belong to scenario"):
        yamazumi_chart(load_scenario("demo"), record)


def test_without_demand_the_subtitle_says_there_is_no_takt() -> None:
    spec = yamazumi_chart(load_scenario("reference-line")).to_dict()
    assert "no takt time" in spec["title"]["subtitle"]
    assert "takt" not in [layer.get("name") for layer in spec["layer"]]
