"""Lead-time histogram and individuals control chart, checked against hand calculations."""

from __future__ import annotations

import pytest
from chart_helpers import NAN, layer_values, svg_marks, svg_texts, unit_row, units_record

from processfactory.charts import (
    ChartError,
    control_limits,
    lead_time_control_chart,
    lead_time_histogram,
    to_svg,
)
from processfactory.eventlog.record import RunRecord
from processfactory.kpi.lean import compute_kpis, lead_times
from processfactory.sim.replications import SimulationResult

# lead times in order of exit: twelve steady units, then a slow one
LEADS = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 6, 5, 30]


@pytest.fixture(scope="module")
def record() -> RunRecord:
    units = [unit_row(i, 10.0 * i, 10.0 * i + lt) for i, lt in enumerate(LEADS)]
    # exits outside the window do not count: one before it, one still inside
    units += [unit_row(20, -10, -2), unit_row(21, 150, NAN)]
    return units_record(units, (0.0, 200.0))


@pytest.fixture(scope="module")
def control_svg(record: RunRecord) -> str:
    svg: str = to_svg(lead_time_control_chart(record))
    return svg


def test_control_limits_from_moving_ranges_by_hand() -> None:
    # moving ranges: ten 0s, then 1, 1, 25 -> mean 27/13; sigma = MR-bar / 1.128
    limits = control_limits(LEADS)
    mean = 96 / 14
    sigma = (27 / 13) / 1.128
    assert limits["mean"] == pytest.approx(mean)
    assert limits["mr_bar"] == pytest.approx(27 / 13)
    assert limits["sigma"] == pytest.approx(sigma)
    assert limits["ucl"] == pytest.approx(mean + 3 * sigma)  # 12.38
    assert limits["lcl"] == pytest.approx(mean - 3 * sigma)  # 1.33
    # a lower limit below zero is drawn at zero
    assert control_limits([1, 10, 1, 10])["lcl"] == 0.0


def test_control_chart_plots_units_in_exit_order_and_marks_the_outlier(
    record: RunRecord, control_svg: str
) -> None:
    spec = lead_time_control_chart(record).to_dict()
    points = layer_values(spec, "points")
    assert [p["seq"] for p in points] == list(range(1, 15))
    assert [p["lead_time"] for p in points] == LEADS
    assert [p["unit"] for p in points] == list(range(14))
    outside = [p["seq"] for p in points if p["state"] == "Outside the limits"]
    assert outside == [14]
    limits = {r["line"]: r["value"] for r in layer_values(spec, "limits")}
    mean, sigma = 96 / 14, (27 / 13) / 1.128
    assert limits["Upper control limit"] == pytest.approx(mean + 3 * sigma)
    assert limits["Centre line (mean)"] == pytest.approx(mean)
    assert limits["Lower control limit"] == pytest.approx(mean - 3 * sigma)
    # drawn: 14 points, 3 limit lines, 3 limit labels
    assert len(svg_marks(control_svg, "points")) == 14
    assert len(svg_marks(control_svg, "limits")) == 3
    labels = [t.text for t in svg_marks(control_svg, "limit_labels")]
    assert labels == [
        f"UCL {mean + 3 * sigma:.2f}",
        f"CL {mean:.2f}",
        f"LCL {mean - 3 * sigma:.2f}",
    ]


def test_control_chart_shows_the_last_points_but_limits_from_all(record: RunRecord) -> None:
    spec = lead_time_control_chart(record, max_points=5).to_dict()
    assert [p["seq"] for p in layer_values(spec, "points")] == [10, 11, 12, 13, 14]
    centre = [r for r in layer_values(spec, "limits") if r["dash"] == "centre"]
    assert centre[0]["value"] == pytest.approx(96 / 14)
    assert "the last 5 of 14 units" in spec["title"]["subtitle"]


def test_histogram_counts_the_kpi_lead_times(record: RunRecord) -> None:
    spec = lead_time_histogram(record, bins=[0, 5, 10, 40]).to_dict()
    bars = layer_values(spec, "bars")
    assert [(b["start"], b["end"], b["count"]) for b in bars] == [
        (0, 5, 0),
        (5, 10, 13),
        (10, 40, 1),
    ]
    stats = {r["statistic"]: r["value"] for r in layer_values(spec, "stats")}
    kpis = compute_kpis(record)
    assert stats == {
        "Mean": pytest.approx(kpis["lead_time"]),
        "Median": pytest.approx(kpis["lead_time_median"]),
        "90th percentile": pytest.approx(kpis["lead_time_p90"]),
    }
    assert stats["Mean"] == pytest.approx(96 / 14)
    assert stats["Median"] == 5.0


def test_histogram_of_a_simulated_run_holds_every_lead_time(demo_run: SimulationResult) -> None:
    record = demo_run.records[0]
    values = lead_times(record)
    spec = lead_time_histogram(record, lang="ru").to_dict()
    bars = layer_values(spec, "bars")
    assert sum(b["count"] for b in bars) == values.size > 10
    assert bars[0]["start"] == pytest.approx(values.min())
    assert bars[-1]["end"] == pytest.approx(values.max())
    svg = to_svg(spec)
    assert len(svg_marks(svg, "bars")) == len(bars)
    assert "Распределение времени прохождения" in svg_texts(svg)
    assert "Время прохождения (мин)" in svg_texts(svg)


def test_no_units_out_is_a_clear_error() -> None:
    empty = units_record([unit_row(0, 1.0, NAN)], (0.0, 10.0))
    with pytest.raises(ChartError, match="no unit exited"):
        lead_time_histogram(empty)
    with pytest.raises(ChartError, match="at least 2 units"):
        lead_time_control_chart(empty)


def test_equal_lead_times_up_to_rounding_noise_make_one_bar() -> None:
    # deterministic times played live: 0.1 + 0.2 style noise, not a real spread
    leads = [3.0, 3.0 + 4e-16, 3.0 - 4e-16, 3.0]
    units = [unit_row(i, 0.1 * i, 0.1 * i + lt) for i, lt in enumerate(leads)]
    bars = layer_values(lead_time_histogram(units_record(units, (0.0, 10.0))).to_dict(), "bars")
    assert len(bars) == 1
    assert bars[0]["count"] == 4
    assert bars[0]["start"] < 3.0 < bars[0]["end"]
