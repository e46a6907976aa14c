"""Cumulative flow and WIP over time: step values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from chart_helpers import (
    NAN,
    layer_names,
    layer_values,
    svg_marks,
    svg_texts,
    unit_row,
    units_record,
)

from processfactory.charts import ChartError, cumulative_flow_chart, to_svg, wip_chart
from processfactory.eventlog.record import RunRecord
from processfactory.kpi.lean import time_average_wip
from processfactory.scenario.model import Scenario
from processfactory.sim.replications import SimulationResult

# releases 0, 1, 2, 5; exits 3, 4, (still inside), 6; observed window [1, 10]
UNITS = [unit_row(0, 0, 3), unit_row(1, 1, 4), unit_row(2, 2, NAN), unit_row(3, 5, 6)]


@pytest.fixture(scope="module")
def record() -> RunRecord:
    return units_record(UNITS, (1.0, 10.0))


def _series(spec: dict[str, object], name: str) -> list[tuple[float, int]]:
    rows = layer_values(spec, "flow")
    return [(r["t"], r["count"]) for r in rows if r["series"] == name]


def test_cumulative_flow_counts_releases_and_exits_at_every_step(record: RunRecord) -> None:
    spec = cumulative_flow_chart(record).to_dict()
    # every event time from the run's start (0) to the window's end (10)
    grid = [0, 1, 2, 3, 4, 5, 6, 10]
    assert _series(spec, "Released") == list(zip(grid, [1, 2, 3, 3, 3, 4, 4, 4], strict=True))
    assert _series(spec, "Exited") == list(zip(grid, [0, 0, 0, 1, 2, 2, 3, 3], strict=True))
    # without events there is no per-station flow
    assert {r["series"] for r in layer_values(spec, "flow")} == {"Released", "Exited"}
    # the warm-up before the window (0 to 1) is shaded
    assert layer_values(spec, "warmup")[0]["from"] == 0.0
    assert layer_values(spec, "warmup")[0]["to"] == 1.0


def test_cumulative_flow_adds_each_station_from_the_events(
    tiny: tuple[Scenario, RunRecord],
) -> None:
    scenario, record = tiny
    spec = cumulative_flow_chart(record, scenario).to_dict()
    # completions: Cut (a) at 1 and 5, Check (b) at 3 and 7, Pack (c) at 4 and 8
    grid = [0, 1, 3, 4, 5, 7, 8]
    assert _series(spec, "Done: Cut") == list(zip(grid, [0, 1, 1, 1, 2, 2, 2], strict=True))
    assert _series(spec, "Done: Check") == list(zip(grid, [0, 0, 1, 1, 1, 2, 2], strict=True))
    assert _series(spec, "Done: Pack") == list(zip(grid, [0, 0, 0, 1, 1, 1, 2], strict=True))
    assert _series(spec, "Released") == [(t, 2) for t in grid]
    order = [r["series"] for r in layer_values(spec, "flow") if r["t"] == 0]
    assert order == ["Released", "Done: Cut", "Done: Check", "Done: Pack", "Exited"]
    # no warm-up in this run: nothing shaded
    assert "warmup" not in layer_names(spec)


def test_cumulative_flow_of_a_long_run_is_sampled_on_a_grid(record: RunRecord) -> None:
    spec = cumulative_flow_chart(record, max_points=3).to_dict()
    # 3 grid times 0, 5, 10: released by then 1, 4, 4
    assert _series(spec, "Released") == [(0.0, 1), (5.0, 4), (10.0, 4)]


def test_wip_steps_and_time_average(record: RunRecord) -> None:
    spec = wip_chart(record).to_dict()
    steps = [(r["t"], r["wip"]) for r in layer_values(spec, "wip")]
    assert steps == [(0, 1), (1, 2), (2, 3), (3, 2), (4, 1), (5, 2), (6, 1), (10, 1)]
    # lives inside [1, 10]: [1,3) 2 + [1,4) 3 + [2,10) 8 + [5,6) 1 = 14 over 9
    (mean,) = layer_values(spec, "mean")
    assert mean["wip"] == pytest.approx(14 / 9)
    assert mean["wip"] == pytest.approx(time_average_wip(record))
    assert (mean["from"], mean["to"]) == (1.0, 10.0)


def test_wip_step_integral_equals_the_kpi_on_a_simulated_run(demo_run: SimulationResult) -> None:
    record = demo_run.records[0]
    spec = wip_chart(record).to_dict()
    rows = layer_values(spec, "wip")
    t = np.array([r["t"] for r in rows])
    w = np.array([r["wip"] for r in rows], dtype=float)
    ws, we = record.window_start, record.window_end
    # integrate the step function over the window only
    left, right = np.clip(t[:-1], ws, we), np.clip(t[1:], ws, we)
    area = float((w[:-1] * (right - left)).sum())
    assert area / (we - ws) == pytest.approx(time_average_wip(record), rel=1e-9)
    assert layer_values(spec, "mean")[0]["wip"] == pytest.approx(time_average_wip(record))


def test_flow_charts_render_with_their_titles(record: RunRecord) -> None:
    svg = to_svg(wip_chart(record, lang="ru"))
    texts = svg_texts(svg)
    assert "Незавершённое производство во времени" in texts
    assert "НЗП (единиц)" in texts
    assert len(svg_marks(svg, "mean")) == 1
    cfd = to_svg(cumulative_flow_chart(record))
    assert "Cumulative flow" in svg_texts(cfd)
    # one area per series
    assert len(svg_marks(cfd, "flow")) == 2


def test_an_empty_window_is_an_error() -> None:
    with pytest.raises(ChartError, match="empty observed window"):
        wip_chart(units_record(UNITS, (0.0, 0.0)))
