"""Summaries across replications, percent change, labels, definitions and the KPI docs page."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from kpi_records import hand_record

from processfactory.kpi import (
    KPI_DEFINITIONS,
    KPI_LABELS,
    KPI_ORDER,
    MAP_KPIS,
    compute_kpis,
    percent_change,
    render_kpi_docs,
    summarize,
)

# Student t quantiles t_{0.975, df} from the printed tables (not recomputed with scipy).
T_975 = {1: 12.706204736174707, 2: 4.302652729749464, 3: 3.182446305284263}


def test_mean_and_exact_t_interval() -> None:
    out = summarize([{"throughput": x} for x in (1.0, 2.0, 3.0, 4.0)])
    half = T_975[3] * math.sqrt(5 / 3) / math.sqrt(4)  # s² = Σ(x − 2.5)² / 3 = 5/3
    assert out["throughput"]["mean"] == 2.5
    lo, hi = out["throughput"]["ci95"]
    assert lo == pytest.approx(2.5 - half, rel=1e-12)
    assert hi == pytest.approx(2.5 + half, rel=1e-12)


def test_identical_replications_give_a_zero_width_interval() -> None:
    out = summarize([{"wip": 3.0}] * 5)
    assert out["wip"] == {"mean": 3.0, "ci95": [3.0, 3.0]}


def test_nan_replications_are_left_out_per_kpi() -> None:
    out = summarize(
        [
            {"lead_time": 1.0, "unit_cost": math.nan},
            {"lead_time": math.nan, "unit_cost": math.nan},
            {"lead_time": 3.0, "unit_cost": math.nan},
        ]
    )
    assert out["lead_time"]["mean"] == 2.0
    half = T_975[1] * math.sqrt(2) / math.sqrt(2)  # n = 2, s = √2
    assert out["lead_time"]["ci95"] == pytest.approx([2.0 - half, 2.0 + half], rel=1e-12)
    assert out["unit_cost"] == {"mean": None, "ci95": [None, None]}


def test_one_replication_has_no_interval() -> None:
    out = summarize([{"throughput": 0.3, "utilization": {"A": 0.8}}])
    assert out["throughput"] == {"mean": 0.3, "ci95": [None, None]}
    assert out["utilization"] == {"A": {"mean": 0.8, "ci95": [None, None]}}


def test_nested_maps_over_the_union_of_their_keys() -> None:
    out = summarize(
        [
            {"utilization": {"A": 0.5, "B": 1.0}},
            {"utilization": {"A": 0.7}},
            {"utilization": {"A": 0.6, "B": math.nan}},
        ]
    )
    a = out["utilization"]["A"]
    assert a["mean"] == pytest.approx(0.6)
    s = math.sqrt(((0.5 - 0.6) ** 2 + (0.7 - 0.6) ** 2 + (0.6 - 0.6) ** 2) / 2)  # = 0.1
    half = T_975[2] * s / math.sqrt(3)
    assert a["ci95"] == pytest.approx([0.6 - half, 0.6 + half], rel=1e-9)
    assert out["utilization"]["B"] == {"mean": 1.0, "ci95": [None, None]}


def test_summary_of_real_kpis_is_strict_json() -> None:
    reps = [compute_kpis(hand_record()), compute_kpis(hand_record(labour_rate=90.0))]
    out = summarize(reps)
    text = json.dumps(out, allow_nan=False)  # raises on any NaN / inf
    back = json.loads(text)
    assert back["station_cycle_time"]["B"] == {"mean": None, "ci95": [None, None]}
    assert back["units_good"]["mean"] == 3.0
    assert list(out) == list(reps[0])  # keys keep their order


def test_non_numeric_values_are_rejected() -> None:
    with pytest.raises(TypeError, match="scenario"):
        summarize([{"scenario": "demo"}, {"scenario": "demo"}])


def test_empty_list_summarizes_to_empty_dict() -> None:
    assert summarize([]) == {}


@pytest.mark.parametrize(
    ("base", "new", "expected"),
    [
        (100.0, 125.0, 25.0),
        (4.0, 3.0, -25.0),
        (-10.0, -5.0, 50.0),  # went up, so positive
        (0.0, 5.0, None),
        (math.nan, 5.0, None),
        (5.0, math.inf, None),
        (None, 5.0, None),
    ],
)
def test_percent_change(base: float | None, new: float | None, expected: float | None) -> None:
    got = percent_change(base, new)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


def test_labels_order_and_definitions_cover_exactly_the_computed_keys() -> None:
    keys = set(compute_kpis(hand_record()))  # takt and demand given: every key present
    assert set(KPI_LABELS) == keys
    assert set(KPI_ORDER) == keys and len(KPI_ORDER) == len(keys)
    assert set(KPI_DEFINITIONS) == keys
    assert KPI_ORDER[:5] == [
        "labour_productivity",
        "throughput",
        "lead_time",
        "lead_time_p90",
        "wip",
    ]
    maps = {k for k, v in compute_kpis(hand_record()).items() if isinstance(v, dict)}
    assert maps == MAP_KPIS
    for key, (label, unit) in KPI_LABELS.items():
        assert label and unit, key
        unit.format(time_unit="min", currency="RUB")  # only known placeholders


def test_docs_page_is_up_to_date() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "kpi.md"
    assert page.read_text(encoding="utf-8") == render_kpi_docs(), (
        "docs/kpi.md is stale: run `python -m processfactory.kpi.summary docs/kpi.md`"
    )
    for key in KPI_ORDER:
        assert KPI_DEFINITIONS[key] in render_kpi_docs()


def test_student_t_quantile_matches_scipy_for_every_degree_of_freedom() -> None:
    from scipy import stats

    from processfactory.kpi.summary import student_t_975

    for df in [*range(1, 200), 500, 1000, 10_000]:
        assert student_t_975(df) == pytest.approx(stats.t.ppf(0.975, df), rel=2e-8), df
    with pytest.raises(ValueError):
        student_t_975(0)
