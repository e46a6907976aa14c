"""The dashboard's charts as Vega-Lite specs (built with Altair), labelled in the active language.

The page embeds each spec as JSON and draws it with vega-embed from the app's static files.
"""

from __future__ import annotations

from typing import Any

import altair as alt
from django.utils.translation import gettext as _

from processfactory.web.dashboard.figures import ProgrammeFigures

WIDTH = 460
HEIGHT = 240


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()
    return spec


def plan_vs_fact_chart(figures: ProgrammeFigures, metric: str) -> dict[str, Any]:
    """Cumulative fact (bars), target (line; hollow points where interpolated) and the end-2024
    forecast (a diamond) per year, for ``metric`` ``"people"`` or ``"enterprises"``."""
    fact_label, target_label, forecast_label = _("Fact"), _("Target"), _("Forecast")
    rows: list[dict[str, Any]] = []
    for y in figures.years:
        fact = y.people_cumulative if metric == "people" else y.enterprises_cumulative
        target = y.people_target if metric == "people" else y.enterprises_target
        interpolated = (
            y.people_target_interpolated
            if metric == "people"
            else y.enterprises_target_interpolated
        )
        if fact is not None:
            rows.append({"year": str(y.year), "series": fact_label, "value": fact})
        if target is not None:
            rows.append(
                {
                    "year": str(y.year),
                    "series": target_label,
                    "value": target,
                    "note": _("interpolated") if interpolated else _("given"),
                }
            )
    forecast = figures.forecast
    rows.append(
        {
            "year": str(forecast.horizon_year),
            "series": forecast_label,
            "value": forecast.people_forecast
            if metric == "people"
            else forecast.enterprises_forecast,
        }
    )
    title = (
        _("Trained people, cumulative")
        if metric == "people"
        else _("Enrolled enterprises, cumulative")
    )
    base = alt.Chart(alt.InlineData(values=rows)).encode(
        x=alt.X("year:O", title=_("Year"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=title),
        color=alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(
                domain=[fact_label, target_label, forecast_label],
                range=["#0b5cad", "#b42318", "#8a5a00"],
            ),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("year:O", title=_("Year")),
            alt.Tooltip("series:N", title=_("Series")),
            alt.Tooltip("value:Q", title=_("Value"), format=",d"),
        ],
    )
    bars = base.mark_bar(opacity=0.85).transform_filter(alt.datum.series == fact_label)
    line = base.mark_line(point=True, strokeDash=[4, 3]).transform_filter(
        alt.datum.series == target_label
    )
    point = base.mark_point(shape="diamond", size=140, filled=True).transform_filter(
        alt.datum.series == forecast_label
    )
    chart = alt.layer(bars, line, point).properties(
        title=alt.Title(
            title,
            subtitle=_(
                "Fact to the date of the figures; targets and forecast by the end of the year"
            ),
        ),
        width=WIDTH,
        height=HEIGHT,
    )
    return _spec(chart)


def categories_chart(figures: ProgrammeFigures) -> dict[str, Any]:
    """People trained per year by category (stacked bars)."""
    rows = [
        {"year": str(row.year), "category": c.label, "people": row.people_trained}
        for c in figures.categories
        for row in c.by_year
    ]
    chart = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_bar()
        .encode(
            x=alt.X("year:O", title=_("Year"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("sum(people):Q", title=_("Trained in the year")),
            color=alt.Color("category:N", title=_("Category"), legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("year:O", title=_("Year")),
                alt.Tooltip("category:N", title=_("Category")),
                alt.Tooltip("sum(people):Q", title=_("Trained people")),
            ],
        )
        .properties(title=_("Trained people by category"), width=WIDTH, height=HEIGHT)
    )
    return _spec(chart)


def factories_chart(figures: ProgrammeFigures, year: int | None) -> dict[str, Any]:
    """People trained per factory (bars) with the factory's NPS in the tooltip."""
    rows = []
    for f in figures.factories:
        if year is None:
            people, score = f.people_trained, f.nps.score
        else:
            match = next((r for r in f.by_year if r.year == year), None)
            people = match.people_trained if match else 0
            score = match.nps.score if match else None
        rows.append({"factory": f.name, "people": people, "nps": score})
    title = _("Trained people by factory")
    if year is not None:
        title = _("Trained people by factory in %(year)d") % {"year": year}
    chart = (
        alt.Chart(alt.InlineData(values=rows))
        .mark_bar(color="#0b5cad")
        .encode(
            # long factory names are cut (full name in the tooltip) so the bars keep their room
            y=alt.Y("factory:N", title=None, sort="-x", axis=alt.Axis(labelLimit=170)),
            x=alt.X("people:Q", title=_("Trained people")),
            tooltip=[
                alt.Tooltip("factory:N", title=_("Factory")),
                alt.Tooltip("people:Q", title=_("Trained people")),
                alt.Tooltip("nps:Q", title=_("NPS"), format=".1f"),
            ],
        )
        .properties(title=title, width=WIDTH - 170, height=max(120, 28 * len(rows)))
    )
    return _spec(chart)


def dashboard_charts(figures: ProgrammeFigures, year: int | None) -> list[dict[str, Any]]:
    """The page's charts: ``{"id", "title", "spec"}`` each (the title is the text alternative;
    the tables beside carry the same numbers)."""
    return [
        {
            "id": "chart-people",
            "title": _("Trained people, cumulative"),
            "spec": plan_vs_fact_chart(figures, "people"),
        },
        {
            "id": "chart-enterprises",
            "title": _("Enrolled enterprises, cumulative"),
            "spec": plan_vs_fact_chart(figures, "enterprises"),
        },
        {
            "id": "chart-categories",
            "title": _("Trained people by category"),
            "spec": categories_chart(figures),
        },
        {
            "id": "chart-factories",
            "title": _("Trained people by factory"),
            "spec": factories_chart(figures, year),
        },
    ]
