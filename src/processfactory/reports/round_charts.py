"""Charts across rounds: a KPI's mean per round with its 95 % confidence interval.

Built with Altair like the charts of ``processfactory.charts`` (inline data, the same metadata
tag), so they render the same way (``processfactory.charts.render``). Values come from
``reports.tables``, so a chart shows exactly the numbers of the report's KPI table; KPIs that
are fractions 0–1 are drawn in %.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import altair as alt

from processfactory.charts.base import Chart, ChartError, inline, with_meta
from processfactory.reports.labels import check_lang, shown_value, text
from processfactory.reports.tables import KpiRow, kpi_rows, station_rows

if TYPE_CHECKING:
    from processfactory.rounds import RoundsComparison

OVERVIEW_KPIS = (
    "labour_productivity",
    "throughput",
    "lead_time",
    "wip",
    "demand_fulfilment",
    "fpy",
    "unit_cost",
    "walking_distance",
    "pce",
)
"""KPIs of the overview chart, in order (those the comparison has)."""

_BAR = "#4c78a8"
_BAR_ONE = "#9ecae9"
_WHISKER = "#222222"
_SMALL_WIDTH = 200
_SMALL_HEIGHT = 150


def round_labels(comparison: RoundsComparison, lang: str) -> list[str]:
    """Short x-axis labels of the rounds: ``Round 1``, ``Round 2``, … in ``lang``."""
    lang = check_lang(lang)
    return [text("round_n", lang).format(n=i + 1) for i in range(len(comparison.rounds))]


def _scaled(row: KpiRow, value: float | None) -> float | None:
    return None if value is None else (value * 100.0 if row.percent else value)


def _rows_data(row: KpiRow, comparison: RoundsComparison, lang: str) -> list[dict[str, Any]]:
    labels = round_labels(comparison, lang)
    data = []
    for i, (cell, rnd) in enumerate(zip(row.cells, comparison.rounds, strict=True)):
        data.append(
            {
                "round": labels[i],
                "name": rnd.name_in(lang),
                "first": i == 0,
                "mean": _scaled(row, cell.mean),
                "low": _scaled(row, cell.low),
                "high": _scaled(row, cell.high),
            }
        )
    return data


def _axis_title(row: KpiRow) -> str:
    return f"{row.label} ({row.unit})" if row.unit else row.label


def _bars_with_ci(
    row: KpiRow,
    comparison: RoundsComparison,
    lang: str,
    *,
    width: int,
    height: int,
    title: str | alt.Title,
    y_title: str,
) -> alt.LayerChart:
    labels = round_labels(comparison, lang)
    data = inline(_rows_data(row, comparison, lang))
    x = alt.X("round:N", sort=labels, title=None, axis=alt.Axis(labelAngle=0))
    tooltip = [
        alt.Tooltip("round:N", title=text("round", check_lang(lang))),
        alt.Tooltip("name:N", title=" "),
        alt.Tooltip("mean:Q", title=text("mean", check_lang(lang)), format=".3~f"),
        alt.Tooltip("low:Q", title=text("ci_low", check_lang(lang)), format=".3~f"),
        alt.Tooltip("high:Q", title=text("ci_high", check_lang(lang)), format=".3~f"),
    ]
    bars = (
        alt.Chart(data, name=f"means_{row.key}")
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("mean:Q", title=y_title, scale=alt.Scale(zero=True)),
            color=alt.condition("datum.first", alt.value(_BAR_ONE), alt.value(_BAR)),
            tooltip=tooltip,
        )
    )
    whiskers = (
        alt.Chart(data, name=f"ci95_{row.key}")
        .mark_rule(color=_WHISKER, strokeWidth=1.5)
        .encode(x=x, y="low:Q", y2="high:Q")
    )
    caps = [
        alt.Chart(data, name=f"ci95_{end}_{row.key}")
        .mark_tick(color=_WHISKER, thickness=1.5, size=10)
        .encode(x=x, y=f"{end}:Q")
        for end in ("low", "high")
    ]
    return alt.LayerChart(layer=[bars, whiskers, *caps]).properties(
        title=title if isinstance(title, alt.Title) else alt.Title(title, fontSize=12),
        width=width,
        height=height,
    )


def _row(comparison: RoundsComparison, kpi: str, lang: str) -> KpiRow:
    for row in kpi_rows(comparison, check_lang(lang)):
        if row.key == kpi:
            return row
    raise ChartError(f"no round of the comparison has the KPI {kpi!r}")


def kpi_by_round_chart(comparison: RoundsComparison, kpi: str, *, lang: str = "en") -> Chart:
    """One KPI's mean per round as bars, with 95 % confidence intervals as whiskers.

    Round 1 (the baseline) is drawn lighter. Data of the ``means`` layer: ``round`` (short
    label), ``name`` (the round's name), ``mean``, ``low``, ``high`` (× 100 for % KPIs).
    """
    lang = check_lang(lang)
    if not comparison.rounds:
        raise ChartError("the comparison has no rounds")
    row = _row(comparison, kpi, lang)
    width = max(_SMALL_WIDTH, 70 * len(comparison.rounds))
    chart = _bars_with_ci(
        row,
        comparison,
        lang,
        width=width,
        height=240,
        title=alt.Title(
            text("kpi_by_round", lang).format(kpi=row.label), subtitle=text("error_bars", lang)
        ),
        y_title=_axis_title(row),
    )
    return with_meta(chart, "kpi_by_round", lang)


def kpi_overview_chart(
    comparison: RoundsComparison,
    kpis: Sequence[str] | None = None,
    *,
    lang: str = "en",
    columns: int = 3,
) -> Chart:
    """Small multiples of :func:`kpi_by_round_chart`: one panel per KPI, each on its own scale.

    ``kpis`` default to :data:`OVERVIEW_KPIS`; KPIs no round has are left out.
    """
    lang = check_lang(lang)
    if not comparison.rounds:
        raise ChartError("the comparison has no rounds")
    wanted = list(OVERVIEW_KPIS if kpis is None else kpis)
    rows = {row.key: row for row in kpi_rows(comparison, lang)}
    panels = [
        _bars_with_ci(
            rows[key],
            comparison,
            lang,
            width=max(_SMALL_WIDTH, 45 * len(comparison.rounds)),
            height=_SMALL_HEIGHT,
            title=rows[key].label,
            y_title=rows[key].unit,
        )
        for key in wanted
        if key in rows
    ]
    if not panels:
        raise ChartError(f"no round of the comparison has any of the KPIs {', '.join(wanted)}")
    lines = [alt.hconcat(*panels[i : i + columns]) for i in range(0, len(panels), columns)]
    chart = alt.vconcat(*lines).properties(
        title=alt.Title(text("cross_round", lang), subtitle=text("error_bars", lang))
    )
    return with_meta(chart, "kpi_overview", lang)


def utilization_by_round_chart(comparison: RoundsComparison, *, lang: str = "en") -> Chart:
    """Mean utilization of every station in every round, as grouped bars with 95 % CIs."""
    lang = check_lang(lang)
    rows = station_rows(comparison, lang)
    if not rows:
        raise ChartError("no round of the comparison has station utilizations")
    labels = round_labels(comparison, lang)
    data: list[dict[str, Any]] = []
    for row in rows:
        for i, cell in enumerate(row.cells):
            data.append(
                {
                    "station": row.label,
                    "round": labels[i],
                    "name": comparison.rounds[i].name_in(lang),
                    "mean": shown_value("utilization", cell.mean),
                    "low": shown_value("utilization", cell.low),
                    "high": shown_value("utilization", cell.high),
                }
            )
    stations = [row.label for row in rows]
    x = alt.X("station:N", sort=stations, title=text("station", lang), axis=alt.Axis(labelAngle=0))
    offset = alt.XOffset("round:N", sort=labels)
    source = inline(data)
    bars = (
        alt.Chart(source, name="utilization")
        .mark_bar()
        .encode(
            x=x,
            xOffset=offset,
            y=alt.Y(
                "mean:Q",
                title=f"{text('utilization', lang)} (%)",
                scale=alt.Scale(domain=[0, 100]),
            ),
            color=alt.Color(
                "round:N",
                sort=labels,
                title=text("round", lang),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("station:N", title=text("station", lang)),
                alt.Tooltip("name:N", title=text("round", lang)),
                alt.Tooltip("mean:Q", title=text("mean", lang), format=".1f"),
            ],
        )
    )
    whiskers = (
        alt.Chart(source, name="ci95")
        .mark_rule(color=_WHISKER)
        .encode(x=x, xOffset=offset, y="low:Q", y2="high:Q")
    )
    width = max(320, 28 * len(rows) * len(labels))
    chart = alt.LayerChart(layer=[bars, whiskers]).properties(
        title=alt.Title(text("utilization_by_round", lang), subtitle=text("error_bars", lang)),
        width=min(width, 900),
        height=220,
    )
    return with_meta(chart, "utilization_by_round", lang)


__all__ = [
    "OVERVIEW_KPIS",
    "kpi_by_round_chart",
    "kpi_overview_chart",
    "round_labels",
    "utilization_by_round_chart",
]
