"""The debrief report: one self-contained, print-ready HTML file comparing the rounds of a game.

The report holds a title block, a headline (labour productivity from the first round to the
last, and demand fulfilment), the KPI table (rows = KPIs, labour productivity first; columns =
rounds; mean ± half-width of the 95 % confidence interval and % change against round 1), the
station utilization table, charts across rounds, then one section per round with the lean tools
applied before it and its charts, and finally the KPI definitions. The facilitator notes are
not included: they are for the trainer.

Self-contained: every chart is rendered to SVG (vl-convert) and inlined, the CSS is inline, and
there are no scripts, fonts, images, links or any other reference outside the file; ids inside
each SVG are prefixed so that charts cannot capture each other's clip paths or gradients.
Every text that comes from the user (factory, round and station names) is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape

from processfactory.reports.labels import (
    TEXT,
    Lang,
    check_lang,
    format_change,
    format_mean_ci,
    format_number,
    format_params,
    kpi_definition,
    kpi_label,
    kpi_unit,
    lever_title,
    round_heading,
    short_round_name,
    shown_value,
    text,
)
from processfactory.reports.tables import (
    KpiRow,
    LeverLine,
    kpi_rows,
    lever_lines,
    station_rows,
)

if TYPE_CHECKING:
    from processfactory.charts.base import Chart
    from processfactory.eventlog.record import RunRecord
    from processfactory.rounds import RoundResult, RoundsComparison

TEMPLATE = "debrief.html.j2"

# ---------------------------------------------------------------------------------------------
# SVG for inlining


_XML_PROLOGUE = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*", re.IGNORECASE)
_XMLNS = re.compile(r'\s+xmlns(?::[A-Za-z]+)?="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')


def inline_svg(svg: str, prefix: str) -> Markup:
    """An SVG document made fit to sit inside an HTML page next to other SVGs.

    Drops the XML prologue and the namespace declarations (the HTML parser puts ``<svg>`` in
    the SVG namespace by itself, and the declarations are the only ``http`` strings vl-convert
    writes); prefixes every ``id`` with ``prefix`` and rewrites ``url(#id)`` and ``href="#id"``
    references to match, so two charts with a ``clip1`` each keep their own clip path.
    """
    out = _XML_PROLOGUE.sub("", svg).strip()
    out = _XMLNS.sub("", out)
    ids = set(_ID.findall(out))
    if ids:

        def ref(match: re.Match[str]) -> str:
            name = match.group(2)
            if name not in ids:
                return match.group(0)
            return f"{match.group(1)}{prefix}-{name}{match.group(3)}"

        out = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', out)
        out = re.sub(r"(url\(\s*['\"]?#)([^)'\"\s]+)(['\"]?\s*\))", ref, out)
        out = re.sub(r'((?:xlink:)?href="#)([^"]+)(")', ref, out)
    if not out.startswith("<svg"):
        raise ValueError("the renderer did not return an SVG document")
    return Markup(out)


def chart_svg(chart: Chart, prefix: str) -> Markup:
    """``chart`` rendered by vl-convert, ready to inline (see :func:`inline_svg`).

    The spec is taken without Altair's schema validation, which would cost more than the
    rendering itself; the chart builders' own tests validate their specs.
    """
    from processfactory.charts.render import to_svg

    spec: dict[str, Any] = chart.to_dict(validate=False)
    return inline_svg(to_svg(spec), prefix)


# ---------------------------------------------------------------------------------------------
# Charts of a report


@dataclass(frozen=True)
class Figure:
    """A chart of the report: drawn (``svg``) or not drawn with the reason (``note``)."""

    id: str
    kind: str
    title: str
    svg: Markup | None = None
    note: str = ""


ChartBuilder = Callable[[], "Chart"]


def _figure(
    kind: str, fig_id: str, title: str, build: ChartBuilder, draw: bool, lang: Lang
) -> Figure:
    from processfactory.charts.base import ChartError

    if not draw:
        return Figure(fig_id, kind, title, note=text("charts_off", lang))
    try:
        chart = build()
    except ChartError as err:
        return Figure(fig_id, kind, title, note=str(err))
    return Figure(fig_id, kind, title, svg=chart_svg(chart, fig_id))


def _has_positions(rnd: RoundResult) -> bool:
    return sum(st.position is not None for st in rnd.scenario.stations) >= 2


# Points drawn per chart: enough for a printed page while the report stays a few MB (an SVG
# point or step costs ~100 bytes). The control limits still use every unit in the window.
_FLOW_POINTS = 400
_WIP_POINTS = 800
_CONTROL_POINTS = 500

RecordChart = Callable[["RunRecord"], "Chart"]


def _round_figures(rnd: RoundResult, index: int, lang: Lang, draw: bool) -> list[Figure]:
    """The charts of one round, in reading order."""
    from processfactory import charts
    from processfactory.charts.labels import label

    scenario = rnd.scenario
    records = rnd.result.records
    record = records[0] if records else None
    has_events = record is not None and record.events is not None
    # (figure kind, kind in charts.CHARTS, title label, builder)
    plan: list[tuple[str, str, str, RecordChart]] = [
        (
            "yamazumi",
            "yamazumi",
            "yamazumi.title",
            lambda rec: charts.yamazumi_chart(scenario, rec, lang=lang),
        ),
        (
            "value-stream-map",
            "vsm",
            "vsm.title",
            lambda rec: charts.value_stream_map(scenario, rec, lang=lang),
        ),
        (
            "lead-time-control",
            "control-chart",
            "cc.title",
            lambda rec: charts.lead_time_control_chart(rec, lang=lang, max_points=_CONTROL_POINTS),
        ),
        (
            "lead-time-histogram",
            "lead-time",
            "lt.hist.title",
            lambda rec: charts.lead_time_histogram(rec, lang=lang),
        ),
        (
            "cumulative-flow",
            "cumulative-flow",
            "cfd.title",
            lambda rec: charts.cumulative_flow_chart(
                rec, scenario, lang=lang, max_points=_FLOW_POINTS
            ),
        ),
        (
            "wip",
            "wip",
            "wip.title",
            lambda rec: charts.wip_chart(rec, lang=lang, max_points=_WIP_POINTS),
        ),
    ]
    if _has_positions(rnd):
        plan.append(
            (
                "spaghetti",
                "spaghetti",
                "sp.title",
                lambda rec: charts.spaghetti_chart(scenario, rec, lang=lang),
            )
        )
    figures: list[Figure] = []
    for kind, chart_kind, title_key, build in plan:
        needs_events = charts.CHARTS[chart_kind].needs_events
        fig_id = f"r{index + 1}-{kind}"
        title = label(title_key, lang)
        if record is None:
            figures.append(Figure(fig_id, kind, title, note=text("chart_missing_record", lang)))
        elif needs_events and not has_events:
            figures.append(Figure(fig_id, kind, title, note=text("chart_missing_events", lang)))
        else:
            figures.append(_figure(kind, fig_id, title, partial(build, record), draw, lang))
    if scenario.release.policy == "conwip":
        points = _frontier_points(rnd)
        figures.append(
            _figure(
                "frontier",
                f"r{index + 1}-frontier",
                label("fr.title", lang),
                lambda: charts.frontier_chart(scenario, points, lang=lang),
                draw,
                lang,
            )
        )
    return figures


def _frontier_points(rnd: RoundResult) -> list[Any]:
    """The round's replications as measured points of the frontier chart."""
    import math

    from processfactory.charts.frontier import FrontierPoint

    points = []
    for rep in rnd.result.kpis:
        values = [rep.get(k) for k in ("wip", "throughput", "lead_time")]
        if all(isinstance(v, int | float) and math.isfinite(v) for v in values):
            wip, th, lt = (float(v) for v in values)  # type: ignore[arg-type]
            points.append(FrontierPoint(wip=wip, throughput=th, lead_time=lt))
    return points


def _cross_round_figures(comparison: RoundsComparison, lang: Lang, draw: bool) -> list[Figure]:
    from processfactory.reports import round_charts

    return [
        _figure(
            "kpi-overview",
            "compare-kpi-overview",
            text("cross_round", lang),
            lambda: round_charts.kpi_overview_chart(comparison, lang=lang),
            draw,
            lang,
        ),
        _figure(
            "utilization-by-round",
            "compare-utilization",
            text("utilization_by_round", lang),
            lambda: round_charts.utilization_by_round_chart(comparison, lang=lang),
            draw,
            lang,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# The page


_CODE = re.compile(r"(`+)(.+?)\1")


def inline_code(source: str) -> Markup:
    """``source`` escaped, with Markdown inline code (text between backticks) as ``<code>``."""
    parts: list[str] = []
    last = 0
    for match in _CODE.finditer(source):
        parts.append(str(escape(source[last : match.start()])))
        parts.append(f"<code>{escape(match.group(2))}</code>")
        last = match.end()
    parts.append(str(escape(source[last:])))
    return Markup("".join(parts))


def _lever_view(line: LeverLine, lang: Lang) -> dict[str, Any]:
    return {
        "name": line.name,
        "title": line.title,
        "summary": inline_code(line.summary),
        "params": format_params(line.params, lang) if line.params else text("defaults", lang),
    }


def _cell_view(row: KpiRow, index: int, lang: Lang) -> dict[str, Any]:
    cell = row.cells[index]
    scale = 100.0 if row.percent else 1.0

    def scaled(value: float | None) -> float | None:
        return None if value is None else value * scale

    return {
        "value": format_mean_ci(scaled(cell.mean), scaled(cell.low), scaled(cell.high), lang),
        "change": format_change(cell.change, lang) if index > 0 else "",
        "trend": row.trend(index),
        "round": index + 1,
    }


def _row_view(row: KpiRow, lang: Lang) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "unit": row.unit,
        "cells": [_cell_view(row, i, lang) for i in range(len(row.cells))],
    }


def _headline(comparison: RoundsComparison, rows: list[KpiRow], lang: Lang) -> list[Markup]:
    """Sentences of the headline, numbers in bold."""
    by_key = {row.key: row for row in rows}
    first_round, last_round = comparison.rounds[0], comparison.rounds[-1]
    out: list[Markup] = []
    if len(comparison.rounds) < 2:
        out.append(escape(text("headline_one_round", lang)))
    lp = by_key.get("labour_productivity")
    if lp is not None:
        out.append(
            escape(text("headline_lp", lang)).format(
                first=Markup("<strong>{}</strong>").format(format_number(lp.cells[0].mean, lang)),
                last=Markup("<strong>{}</strong>").format(format_number(lp.cells[-1].mean, lang)),
                unit=lp.unit,
                first_round=first_round.name_in(lang),
                last_round=last_round.name_in(lang),
                change=Markup('<strong class="trend-{}">{}</strong>').format(
                    lp.trend(len(lp.cells) - 1), format_change(lp.cells[-1].change, lang)
                ),
            )
        )
    df = by_key.get("demand_fulfilment")
    if df is not None:

        def pct(value: float | None) -> str:
            shown = format_number(shown_value("demand_fulfilment", value), lang, decimals=1)
            return shown + ("\u00a0%" if lang == "ru" else "%")

        out.append(
            escape(text("headline_df", lang)).format(
                first=Markup("<strong>{}</strong>").format(pct(df.cells[0].mean)),
                last=Markup("<strong>{}</strong>").format(pct(df.cells[-1].mean)),
                change=Markup('<strong class="trend-{}">{}</strong>').format(
                    df.trend(len(df.cells) - 1), format_change(df.cells[-1].change, lang)
                ),
            )
        )
    else:
        out.append(escape(text("headline_no_df", lang)))
    return out


def _definitions(rows: list[KpiRow], comparison: RoundsComparison, lang: Lang) -> list[Any]:
    scenario = comparison.rounds[0].scenario
    keys = [row.key for row in rows]
    if any(rnd.result.kpi.get("utilization") for rnd in comparison.rounds):
        keys.append("utilization")
    return [
        {
            "key": key,
            "label": kpi_label(key, lang),
            "unit": kpi_unit(
                key, lang, time_unit=scenario.time_unit, currency=scenario.costs.currency
            ),
            "definition": kpi_definition(key, lang),
        }
        for key in keys
        if kpi_definition(key, lang)
    ]


def _date_text(date: dt.date | str | None) -> str | None:
    if date is None:
        return None
    if isinstance(date, dt.date):
        return date.isoformat()
    return str(date)


def _environment() -> Environment:
    return Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)


def _template_source() -> str:
    return (
        resources.files("processfactory.reports")
        .joinpath("templates")
        .joinpath(TEMPLATE)
        .read_text(encoding="utf-8")
    )


_TAG = re.compile(r"<[A-Za-z/][^>]*>")
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
_EMBEDDING_TAG = re.compile(
    r"<(?:link|script|img|image|iframe|frame|object|embed|audio|video|source|track|base)\b",
    re.IGNORECASE,
)
_LOADING_ATTRIBUTE = re.compile(
    r"\s(?:src|srcset|data|poster|action|formaction|background|ping)\s*=", re.IGNORECASE
)
_OUTWARD_HREF = re.compile(r"""\s(?:xlink:)?href\s*=\s*(?!["']?#)""", re.IGNORECASE)
_OUTWARD_URL = re.compile(r"""url\(\s*(?!["']?#)|@import""", re.IGNORECASE)


def check_self_contained(html: str) -> None:
    """Raise ``ValueError`` if ``html`` refers to anything outside itself.

    Looks at the markup only (escaped text cannot refer to anything): no element that embeds
    or loads (``<script>``, ``<link>``, ``<img>``, ``<image>``, ``<iframe>``, …), no loading
    attribute (``src``, ``srcset``, ``data``, …), no ``href`` that is not a ``#fragment`` of
    the page, and no ``url(…)`` other than ``url(#…)`` nor ``@import`` in tags or style sheets.
    """
    found: str | None = None
    for tag in _TAG.finditer(html):
        markup = tag.group(0)
        if (
            _EMBEDDING_TAG.match(markup)
            or _LOADING_ATTRIBUTE.search(markup)
            or _OUTWARD_HREF.search(markup)
            or _OUTWARD_URL.search(markup)
        ):
            found = markup
            break
    if found is None:
        for style in _STYLE.finditer(html):
            match = _OUTWARD_URL.search(style.group(1))
            if match is not None:
                found = style.group(1)[max(0, match.start() - 40) : match.end() + 40]
                break
    if found is not None:
        raise ValueError(f"the report refers to something outside itself: {found[:200]}")


def render_debrief_html(
    comparison: RoundsComparison,
    *,
    lang: str = "en",
    date: dt.date | str | None = None,
    charts: bool = True,
) -> str:
    """The debrief report of ``comparison`` as one self-contained HTML document.

    ``lang`` is ``"en"`` or ``"ru"`` (every heading, KPI name, definition and chart text).
    ``date`` (a date or text) is printed under the title; without it the report has no date.
    ``charts=False`` leaves the charts out (their places say so), e.g. for a quick preview.
    """
    language = check_lang(lang)
    if not comparison.rounds:
        raise ValueError("the comparison has no rounds")
    rows = kpi_rows(comparison, language)
    stations = station_rows(comparison, language)
    rounds_view = []
    for i, rnd in enumerate(comparison.rounds):
        rounds_view.append(
            {
                "n": i + 1,
                "anchor": f"round-{i + 1}",
                "name": rnd.name_in(language),
                "heading": round_heading(rnd.name_in(language), i + 1, language),
                "description": rnd.description_in(language),
                "levers": [
                    _lever_view(line, language) for line in lever_lines(comparison, i, language)
                ],
                "applied": [lever_title(name, language) for name in dict.fromkeys(rnd.applied)],
                "figures": _round_figures(rnd, i, language, charts),
            }
        )
    context = {
        "lang": language,
        "t": TEXT[language],
        "title": comparison.title_in(language),
        "factory": comparison.factory,
        "date": _date_text(date),
        "replications": _replications(comparison),
        "seed": _seed(comparison),
        "round_names": [
            short_round_name(rnd.name_in(language), i + 1)
            for i, rnd in enumerate(comparison.rounds)
        ],
        "headline": _headline(comparison, rows, language),
        "rows": [_row_view(row, language) for row in rows],
        "station_rows": [_row_view(row, language) for row in stations],
        "kpi_note": text("kpi_table_note", language).format(replications=_replications(comparison)),
        "compare_figures": _cross_round_figures(comparison, language, charts),
        "rounds": rounds_view,
        "definitions": _definitions(rows, comparison, language),
        "version": _version(),
    }
    template = _environment().from_string(_template_source())
    html = template.render(**context)
    check_self_contained(html)
    return html


def _replications(comparison: RoundsComparison) -> int:
    return comparison.replications or comparison.rounds[0].result.replications


def _seed(comparison: RoundsComparison) -> int:
    return int(comparison.rounds[0].result.seed)


def _version() -> str:
    from processfactory import __version__

    return __version__


def write_debrief_html(
    comparison: RoundsComparison,
    path: str | os.PathLike[str],
    *,
    lang: str = "en",
    date: dt.date | str | None = None,
    charts: bool = True,
) -> Path:
    """Write :func:`render_debrief_html` to ``path`` (UTF-8); returns the path."""
    html = render_debrief_html(comparison, lang=lang, date=date, charts=charts)
    out = Path(path)
    out.write_text(html, encoding="utf-8")
    return out


__all__ = [
    "Figure",
    "chart_svg",
    "check_self_contained",
    "inline_code",
    "inline_svg",
    "render_debrief_html",
    "write_debrief_html",
]
