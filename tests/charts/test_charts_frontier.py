"""TH and lead time against WIP: the three Factory Physics cases and the measured point."""

from __future__ import annotations

import pytest
from chart_helpers import layer_values, svg_marks, svg_texts

from processfactory.charts import ChartError, FrontierPoint, frontier_chart, to_svg
from processfactory.eventlog.record import RunRecord
from processfactory.kpi.lean import compute_kpis
from processfactory.scenario.loader import load_scenario, parse_scenario
from processfactory.scenario.model import Scenario
from processfactory.sim.replications import simulate


def _curve(spec: dict[str, object], case: str, key: str) -> dict[float, float]:
    rows = layer_values(spec, f"{key}_curves")
    return {r["w"]: r[key] for r in rows if r["case"] == case}


def test_curves_follow_the_glossary_formulas(tiny: tuple[Scenario, RunRecord]) -> None:
    scenario, record = tiny
    # T0 = 1 + 2 + 1 = 4, r_b = 1/2, W0 = 2
    spec = frontier_chart(scenario, record).to_dict()
    th_best, th_pwc, th_worst = (
        _curve(spec, case, "th") for case in ("Best case", "Practical worst case", "Worst case")
    )
    ct_best, ct_pwc, ct_worst = (
        _curve(spec, case, "ct") for case in ("Best case", "Practical worst case", "Worst case")
    )
    # w = 1 .. 3 W0 = 6
    assert sorted(th_best) == [1, 2, 3, 4, 5, 6]
    # at w = 3: TH_best = min(3/4, 1/2); TH_pwc = r_b w / (W0 + w - 1) = 1.5/4; TH_worst = 1/4
    assert th_best[3] == pytest.approx(0.5)
    assert th_pwc[3] == pytest.approx(0.375)
    assert th_worst[3] == pytest.approx(0.25)
    # at w = 1 every case is 1/T0, and the cycle times follow Little's law CT = w / TH
    assert th_best[1] == th_pwc[1] == th_worst[1] == pytest.approx(0.25)
    assert ct_best[3] == pytest.approx(6.0)  # max(T0, w / r_b)
    assert ct_pwc[3] == pytest.approx(8.0)  # T0 + (w - 1) / r_b
    assert ct_worst[3] == pytest.approx(12.0)  # w T0
    assert ct_best[1] == pytest.approx(4.0)
    assert layer_values(spec, "th_w0")[0]["w0"] == pytest.approx(2.0)
    # the measured point is the record's KPIs: WIP 1.5, TH 0.25, lead time 6
    kpis = compute_kpis(record)
    (point,) = layer_values(spec, "th_measured")
    assert (point["wip"], point["th"], point["ct"]) == pytest.approx(
        (kpis["wip"], kpis["throughput"], kpis["lead_time"])
    )
    assert (point["wip"], point["th"], point["ct"]) == pytest.approx((1.5, 0.25, 6.0))


def test_a_non_integer_w0_is_a_curve_point_and_the_range_covers_the_points() -> None:
    scenario = load_scenario("reference-line")
    # T0 = 5.2, r_b = 1/1.2, W0 = 4.333: levels 1..13 plus W0
    far = FrontierPoint(wip=20.2, throughput=0.8, lead_time=25.0, label="cap 20")
    spec = frontier_chart(scenario, [far]).to_dict()
    levels = sorted(_curve(spec, "Best case", "th"))
    assert levels[-1] == 22  # past the point at 20.2
    assert 5.2 / 1.2 in levels
    assert _curve(spec, "Best case", "th")[5.2 / 1.2] == pytest.approx(1 / 1.2)
    spec = frontier_chart(scenario, w_max=3).to_dict()
    assert sorted(_curve(spec, "Worst case", "ct")) == [1, 2, 3]


def test_frontier_renders_two_panels_with_points_and_labels() -> None:
    scenario = load_scenario("conwip-line")
    runs = simulate(scenario, 2, 3, units=300, warmup=50, keep_records=True, workers=1)
    chart = frontier_chart(scenario, runs.records, lang="ru")
    spec = chart.to_dict()
    assert len(spec["hconcat"]) == 2
    assert len(layer_values(spec, "ct_measured")) == 2
    svg = to_svg(chart)
    assert len(svg_marks(svg, "th_measured")) == 2
    assert len(svg_marks(svg, "ct_measured")) == 2
    assert len(svg_marks(svg, "th_w0")) == 1
    texts = svg_texts(svg)
    assert "Темп выпуска и время прохождения в зависимости от НЗП" in texts
    assert "Практический худший случай" in texts


def test_a_scenario_without_work_or_in_another_time_unit_is_refused(
    tiny: tuple[Scenario, RunRecord],
) -> None:
    scenario, record = tiny
    hours = scenario.model_copy(update={"time_unit": "h"})
    with pytest.raises(ChartError, match="cannot share one chart"):
        frontier_chart(hours, record)
    zero = parse_scenario(
        "name: Idle\nstations: [{id: desk, time: 0}]\nrun: {units: 10}\n", "idle.yaml"
    )
    with pytest.raises(ChartError, match="no positive operation time"):
        frontier_chart(zero)
