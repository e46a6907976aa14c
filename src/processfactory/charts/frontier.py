"""Throughput and lead time against WIP: Factory Physics' three cases and the measured runs.

For WIP levels w = 1, 2, … (to about 3·W0, and past the measured WIP) the curves are
``kpi.theory.factory_physics`` of the scenario's bottleneck rate r_b and raw process time T0
(``bottleneck_rate``, ``raw_process_time``): best case TH = min(w/T0, r_b), CT = max(T0, w/r_b);
practical worst case TH = r_b·w/(W0 + w − 1), CT = T0 + (w − 1)/r_b; worst case TH = 1/T0,
CT = w·T0. W0 = r_b·T0 is the critical WIP (a vertical rule). Each measured run is a point at
its time-average WIP with its throughput and mean lead time (``compute_kpis``: ``wip``,
``throughput``, ``lead_time``), or a point given directly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import altair as alt

from processfactory.charts.base import Chart, ChartError, inline, with_meta
from processfactory.charts.labels import label, number, time_unit

if TYPE_CHECKING:
    from processfactory.eventlog.record import RunRecord
    from processfactory.scenario.model import Scenario

_CASES = ("best", "pwc", "worst")
_COLOURS = ("#2ca02c", "#ff7f0e", "#d62728", "#000000")
_PANEL_WIDTH = 330
_PANEL_HEIGHT = 260


@dataclass(frozen=True)
class FrontierPoint:
    """A measured (or planned) operating point: time-average WIP (units), throughput
    (units per time unit) and mean lead time (time unit), with an optional label."""

    wip: float
    throughput: float
    lead_time: float
    label: str = ""


def _point_of(item: RunRecord | FrontierPoint, scenario: Scenario) -> FrontierPoint:
    if isinstance(item, FrontierPoint):
        return item
    from processfactory.kpi.lean import compute_kpis

    if item.context.time_unit != scenario.time_unit:
        raise ChartError(
            f"the run record is in {item.context.time_unit} and the scenario in "
            f"{scenario.time_unit}; their times cannot share one chart"
        )
    kpis = compute_kpis(item)
    wip, th, lt = (float(kpis[k]) for k in ("wip", "throughput", "lead_time"))  # type: ignore[arg-type]
    return FrontierPoint(wip=wip, throughput=th, lead_time=lt)


def _points(
    measured: RunRecord | FrontierPoint | Sequence[RunRecord | FrontierPoint] | None,
    scenario: Scenario,
) -> list[FrontierPoint]:
    if measured is None:
        return []
    items = list(measured) if isinstance(measured, Sequence) else [measured]
    points = [_point_of(item, scenario) for item in items]
    return [p for p in points if all(math.isfinite(v) for v in (p.wip, p.throughput, p.lead_time))]


def frontier_levels(w0: float, points: Sequence[FrontierPoint], w_max: int | None) -> list[float]:
    """WIP levels of the curves: 1 … w_max (default: ⌈3·W0⌉, past every point, at least 4),
    plus W0 itself where the best case bends."""
    if w_max is None:
        top = max([math.ceil(3 * w0), 4] + [math.ceil(p.wip) + 1 for p in points])
    else:
        if w_max < 1:
            raise ChartError(f"w_max must be at least 1, got {w_max}")
        top = int(w_max)
    levels = [float(w) for w in range(1, top + 1)]
    if 1 < w0 < top and w0 != int(w0):
        levels.append(w0)
    return sorted(levels)


def frontier_chart(
    scenario: Scenario,
    measured: RunRecord | FrontierPoint | Sequence[RunRecord | FrontierPoint] | None = None,
    *,
    lang: str = "en",
    w_max: int | None = None,
) -> Chart:
    """TH and lead time against WIP: best / practical-worst / worst cases and measured points.

    ``measured``: a run record, several (e.g. replications, or runs at several CONWIP caps),
    or ``FrontierPoint`` values. Layers' data: ``th_curves`` / ``ct_curves`` — ``w``,
    ``case``, ``th``, ``ct``; ``th_measured`` / ``ct_measured`` — ``wip``, ``th``, ``ct``
    (Altair suffixes the layer names with the panel's index: ``th_curves_0``, ``ct_curves_1``).
    """
    from processfactory.kpi.theory import bottleneck_rate, factory_physics, raw_process_time

    rb, t0 = bottleneck_rate(scenario), raw_process_time(scenario)
    if not (math.isfinite(rb) and rb > 0 and t0 > 0):
        raise ChartError(
            f"scenario {scenario.name!r} has no positive operation time, so it has no "
            "bottleneck rate or raw process time to draw"
        )
    w0 = rb * t0
    points = _points(measured, scenario)
    unit = time_unit(scenario.time_unit, lang)
    names = [label(f"fr.{case}", lang) for case in _CASES]
    measured_name = label("fr.measured", lang)
    rows: list[dict[str, Any]] = []
    for w in frontier_levels(w0, points, w_max):
        fp = factory_physics(rb, t0, w)
        for case, name in zip(_CASES, names, strict=True):
            rows.append({"w": w, "case": name, "th": fp[f"th_{case}"], "ct": fp[f"ct_{case}"]})
    point_rows = [
        {
            "wip": p.wip,
            "th": p.throughput,
            "ct": p.lead_time,
            "case": measured_name,
            "text": p.label,
        }
        for p in points
    ]
    colour = alt.Color(
        "case:N",
        title=label("fr.case", lang),
        scale=alt.Scale(domain=[*names, measured_name], range=list(_COLOURS)),
        legend=alt.Legend(orient="bottom"),
    )
    w_axis = alt.X("w:Q", title=label("fr.axis_w", lang), scale=alt.Scale(nice=False))
    w0_data = inline([{"w0": w0, "text": f"{label('fr.w0', lang)} = {number(w0, lang)}"}])

    def panel(key: str, title: str, y_title: str) -> alt.LayerChart:
        curves = (
            alt.Chart(inline(rows), name=f"{key}_curves")
            .mark_line(strokeWidth=2)
            .encode(
                x=w_axis,
                y=alt.Y(f"{key}:Q", title=y_title),
                color=colour,
                tooltip=[
                    alt.Tooltip("case:N", title=label("fr.case", lang)),
                    alt.Tooltip("w:Q", title=label("fr.axis_w", lang), format=".2f"),
                    alt.Tooltip(f"{key}:Q", title=y_title, format=".4f"),
                ],
            )
        )
        rule = (
            alt.Chart(w0_data, name=f"{key}_w0")
            .mark_rule(color="#777777", strokeDash=[4, 4])
            .encode(x="w0:Q")
        )
        rule_text = (
            alt.Chart(w0_data, name=f"{key}_w0_label")
            .mark_text(align="left", baseline="bottom", dx=3, dy=-4, y="height", color="#555555")
            .encode(x="w0:Q", text="text:N")
        )
        layers: list[alt.Chart] = [curves, rule, rule_text]
        if point_rows:
            layers.append(
                alt.Chart(inline(point_rows), name=f"{key}_measured")
                .mark_point(shape="diamond", size=120, filled=True)
                .encode(
                    x="wip:Q",
                    y=f"{key}:Q",
                    color=colour,
                    tooltip=[
                        alt.Tooltip("text:N", title=measured_name),
                        alt.Tooltip("wip:Q", title=label("fr.axis_w", lang), format=".3f"),
                        alt.Tooltip(f"{key}:Q", title=y_title, format=".4f"),
                    ],
                )
            )
            if any(p.label for p in points):
                layers.append(
                    alt.Chart(inline(point_rows), name=f"{key}_measured_label")
                    .mark_text(align="left", dx=7, dy=-7)
                    .encode(x="wip:Q", y=f"{key}:Q", text="text:N")
                )
        return alt.LayerChart(layer=layers).properties(
            title=title, width=_PANEL_WIDTH, height=_PANEL_HEIGHT
        )

    th_panel = panel("th", label("fr.th_title", lang), label("fr.axis_th", lang, unit=unit))
    ct_panel = panel("ct", label("fr.ct_title", lang), label("fr.axis_ct", lang, unit=unit))
    subtitle = label(
        "fr.subtitle",
        lang,
        rb=number(rb, lang, 3),
        unit=unit,
        t0=number(t0, lang),
        w0=number(w0, lang),
    )
    chart = alt.HConcatChart(hconcat=[th_panel, ct_panel]).properties(
        title=alt.Title(label("fr.title", lang), subtitle=subtitle, anchor="middle")
    )
    return with_meta(chart, "frontier", lang)


__all__ = ["FrontierPoint", "frontier_chart", "frontier_levels"]
