"""The report's words and numbers in both languages, and the charts across rounds."""

from __future__ import annotations

import re
from typing import Any

import pytest

from processfactory.charts.base import ChartError
from processfactory.kpi.summary import KPI_DEFINITIONS, KPI_LABELS, KPI_ORDER
from processfactory.levers import get_lever, lever_names
from processfactory.reports.labels import (
    KPI_DEFINITIONS_RU,
    KPI_LABELS_RU,
    LEVER_TEXT_RU,
    NBSP,
    TEXT,
    format_change,
    format_mean_ci,
    format_number,
    format_params,
    kpi_unit,
    round_heading,
    short_round_name,
)
from processfactory.reports.round_charts import (
    kpi_by_round_chart,
    kpi_overview_chart,
    utilization_by_round_chart,
)
from processfactory.rounds import RoundsComparison

# the session's comparison and reports are built once: keep these tests on one xdist worker
pytestmark = pytest.mark.xdist_group("reports")


def test_russian_texts_cover_every_kpi_lever_and_report_text() -> None:
    assert list(KPI_LABELS_RU) == KPI_ORDER
    assert set(KPI_DEFINITIONS_RU) == set(KPI_DEFINITIONS)
    for key, (_, unit) in KPI_LABELS.items():
        assert (KPI_LABELS_RU[key][1] == "%") == (unit == "%"), key
    assert set(LEVER_TEXT_RU) == set(lever_names())
    assert set(TEXT["ru"]) == set(TEXT["en"])
    for key, value in TEXT["ru"].items():
        assert value != TEXT["en"][key] or key == "seed", key


def test_russian_lever_summaries_name_the_same_parameters() -> None:
    # the English summary is the first paragraph of the lever's docstring; its Russian
    # version must speak of the same parameters (a guard against the two drifting apart)
    for name in lever_names():
        english = set(re.findall(r"`+([^`]+)`+", get_lever(name).summary))
        russian = set(re.findall(r"`+([^`]+)`+", LEVER_TEXT_RU[name][1]))
        assert english == russian, name


def test_units_in_both_languages() -> None:
    assert kpi_unit("throughput", "en", time_unit="min") == "units/min"
    assert kpi_unit("throughput", "ru", time_unit="min") == "ед./мин"
    assert kpi_unit("unit_cost", "ru", currency="RUB") == "RUB/ед."
    assert kpi_unit("lead_time", "ru", time_unit="h") == "ч"


def test_numbers_in_both_languages() -> None:
    assert format_number(1234.5678, "en") == "1,235"
    assert format_number(1234.5678, "ru") == f"1{NBSP}235"
    assert format_number(12.3456, "ru") == "12,35"
    assert format_number(0.0001234, "en") == "1.23e-04"
    assert format_number(0.01234, "ru") == "0,0123"
    assert format_mean_ci(0.0184, 0.0176, 0.0192, "en") == "0.0184 ± 0.0008"
    assert format_number(None, "en") == format_number(float("nan"), "ru") == "—"
    assert format_mean_ci(4.0713, 3.6011, 4.5411, "en") == "4.071 ± 0.470"
    assert format_mean_ci(4.0713, 3.6011, 4.5411, "ru") == "4,071 ± 0,470"
    assert format_mean_ci(3.2, 3.2 - 1e-15, 3.2 + 1e-15, "en") == "3.200"  # a constant
    assert format_mean_ci(5.0, None, None, "en") == "5.000"
    assert format_change(25.0, "en") == "+25.0%"
    assert format_change(-3.04, "ru") == f"-3,0{NBSP}%"
    assert format_change(0.01, "en") == "0.0%"
    assert format_change(None, "en") == "—"


def test_lever_parameters() -> None:
    params: dict[str, Any] = {
        "reduction": 0.8,
        "cap": 6,
        "stations": ["a", "b"],
        "ops": [{"id": 1}, {"id": 2}],
        "on": True,
    }
    assert format_params(params, "en") == (
        "reduction = 0.8; cap = 6; stations = a, b; ops = 2 items; on = yes"
    )
    assert format_params({"reduction": 0.8}, "ru") == "reduction = 0,8"


@pytest.mark.parametrize(
    ("name", "n", "short", "heading"),
    [
        ("Round 1: as is", 1, "as is", "Round 1: as is"),
        ("Раунд 2 — 5S", 2, "5S", "Раунд 2 — 5S"),
        ("Round 3", 3, "", "Round 3"),
        ("Round 12: late", 1, "Round 12: late", "Round 1: Round 12: late"),
        ("w = 8 (W0)", 3, "w = 8 (W0)", "Round 3: w = 8 (W0)"),
    ],
)
def test_round_names(name: str, n: int, short: str, heading: str) -> None:
    assert short_round_name(name, n) == short
    assert round_heading(name, n, "en") == heading


def _layer_values(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    datasets = spec["datasets"]
    for layer in spec["layer"]:
        if layer.get("name") == name:
            data = layer.get("data", spec.get("data"))  # shared data sits on the layer chart
            return list(datasets[data["name"]])
    raise AssertionError(f"no layer {name}")


def test_kpi_by_round_chart_shows_the_means_and_intervals(comparison: RoundsComparison) -> None:
    spec = kpi_by_round_chart(comparison, "fpy", lang="en").to_dict()  # validated by Altair
    rows = _layer_values(spec, "means_fpy")
    assert [row["round"] for row in rows] == [f"Round {k + 1}" for k in range(len(rows))]
    for row, rnd in zip(rows, comparison.rounds, strict=True):
        entry = rnd.result.kpi["fpy"]
        assert row["mean"] == pytest.approx(entry["mean"] * 100)  # % KPI drawn in %
        assert row["low"] == pytest.approx(entry["ci95"][0] * 100)
        assert row["high"] == pytest.approx(entry["ci95"][1] * 100)
        assert row["name"] == rnd.name
    assert spec["usermeta"]["processfactory"] == {"kind": "kpi_by_round", "lang": "en"}
    lp = kpi_by_round_chart(comparison, "labour_productivity", lang="ru").to_dict()
    assert lp["title"]["text"] == "Производительность труда по раундам"
    values = _layer_values(lp, "means_labour_productivity")
    means = [r.result.kpi["labour_productivity"]["mean"] for r in comparison.rounds]
    assert [row["mean"] for row in values] == pytest.approx(means)


def test_overview_and_utilization_charts(comparison: RoundsComparison) -> None:
    spec = kpi_overview_chart(comparison, lang="ru").to_dict()
    panels = [panel for line in spec["vconcat"] for panel in line["hconcat"]]
    titles = [panel["title"]["text"] for panel in panels]
    assert titles[0] == KPI_LABELS_RU["labour_productivity"][0]
    assert len(titles) == len(set(titles)) >= 6
    util = utilization_by_round_chart(comparison, lang="en").to_dict()
    rows = _layer_values(util, "utilization")
    stations = comparison.rounds[0].scenario.stations
    assert len(rows) == len(comparison.rounds) * len(
        [s for s in stations if s.id in comparison.rounds[0].result.kpi["utilization"]]
    )
    first = stations[0]
    row = next(r for r in rows if r["round"] == "Round 1" and r["station"] == first.name)
    assert row["mean"] == pytest.approx(
        comparison.rounds[0].result.kpi["utilization"][first.id]["mean"] * 100
    )


def test_unknown_kpi_is_a_chart_error(comparison: RoundsComparison) -> None:
    with pytest.raises(ChartError, match="no_such_kpi"):
        kpi_by_round_chart(comparison, "no_such_kpi")
