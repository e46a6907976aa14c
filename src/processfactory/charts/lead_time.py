"""Lead-time histogram and control chart, from the units that exit in the observed window.

The lead times are exactly the ones the KPIs average (``kpi.lean``): exit − release of every
unit exiting in (window_start, window_end], good or scrapped.

* Histogram: counts per bin (numpy's bins: half-open ``[a, b)``, the last one closed), with the
  mean, median and 90th percentile of ``compute_kpis`` as rules.
* Control chart (individuals / XmR): the lead times in order of exit (ties by unit id), the
  centre line at their mean and the control limits mean ± 3σ, where σ = mean moving range ÷
  d2 (d2 = 1.128 for ranges of two consecutive units). The lower limit is not drawn below 0
  (a lead time cannot be negative). Points outside the limits are marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import polars as pl

from processfactory.charts.base import (
    Chart,
    ChartError,
    exited_in_window,
    inline,
    layered_chart,
)
from processfactory.charts.labels import label, number, time_unit

if TYPE_CHECKING:
    from processfactory.eventlog.record import RunRecord

D2 = 1.128
"""Bias constant d2 of the range of two observations (σ = mean moving range ÷ d2)."""

MAX_BINS = 50
_IN_COLOUR = "#4c78a8"
_OUT_COLOUR = "#d62728"


def exits_in_order(record: RunRecord) -> pl.DataFrame:
    """Units exiting in the window with their lead time, in order of exit (ties: unit id).

    Columns ``unit``, ``exit``, ``lead_time``; the same units ``kpi.lean.lead_times`` counts.
    """
    return (
        exited_in_window(record)
        .select("unit", "exit", lead_time=pl.col("exit") - pl.col("release"))
        .sort("exit", "unit")
    )


def control_limits(values: Sequence[float] | np.ndarray) -> dict[str, float]:
    """Individuals-chart figures of ``values`` (in time order): ``mean``, ``mr_bar`` (mean
    moving range), ``sigma`` (= mr_bar ÷ 1.128), ``ucl`` (mean + 3σ), ``lcl`` (mean − 3σ,
    at least 0). Needs at least two values."""
    x = np.asarray(values, dtype=np.float64)
    if x.size < 2:
        raise ChartError(
            f"a control chart needs at least 2 units exiting in the observed window, got {x.size}"
        )
    mean = float(x.mean())
    mr_bar = float(np.abs(np.diff(x)).mean())
    sigma = mr_bar / D2
    return {
        "mean": mean,
        "mr_bar": mr_bar,
        "sigma": sigma,
        "ucl": mean + 3 * sigma,
        "lcl": max(0.0, mean - 3 * sigma),
    }


def _bin_edges(values: np.ndarray, bins: int | Sequence[float] | None) -> np.ndarray:
    if bins is None:
        spread = float(np.ptp(values))
        if spread <= 1e-9 * max(1.0, float(np.abs(values).max())):
            # equal lead times up to rounding noise (deterministic times): one bar; numpy's
            # "auto" would ask for billions of bins of the noise's width
            return np.histogram_bin_edges(values, bins=1)
        edges = np.histogram_bin_edges(values, bins="auto")
        if edges.size - 1 > MAX_BINS:
            edges = np.histogram_bin_edges(values, bins=MAX_BINS)
        return edges
    if isinstance(bins, int):
        if bins < 1:
            raise ChartError(f"bins must be at least 1, got {bins}")
        return np.histogram_bin_edges(values, bins=bins)
    edges = np.asarray(bins, dtype=np.float64)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ChartError("bin edges must be at least two increasing numbers")
    return edges


def lead_time_histogram(
    record: RunRecord, *, lang: str = "en", bins: int | Sequence[float] | None = None
) -> Chart:
    """Histogram of the lead times of the units exiting in the window (module docstring).

    ``bins``: a number of equal bins or the bin edges (default: numpy's ``auto``, at most 50).
    Layers' data: ``bars`` — ``start``, ``end``, ``count``; ``stats`` — ``statistic``, ``value``.
    """
    from processfactory.kpi.lean import compute_kpis, lead_times

    unit = time_unit(record.context.time_unit, lang)
    values = lead_times(record)
    if values.size == 0:
        raise ChartError("no unit exited in the observed window, so there are no lead times")
    edges = _bin_edges(values, bins)
    counts, _ = np.histogram(values, bins=edges)
    rows = [
        {"start": float(a), "end": float(b), "count": int(c)}
        for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
    ]
    kpis = compute_kpis(record)
    stats = [
        (label("lt.mean", lang), float(kpis["lead_time"])),  # type: ignore[arg-type]
        (label("lt.median", lang), float(kpis["lead_time_median"])),  # type: ignore[arg-type]
        (label("lt.p90", lang), float(kpis["lead_time_p90"])),  # type: ignore[arg-type]
    ]
    axis = label("lt.axis", lang, unit=unit)
    bars = (
        alt.Chart(inline(rows), name="bars")
        .mark_bar(color=_IN_COLOUR, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("start:Q", title=axis, scale=alt.Scale(zero=False)),
            x2="end:Q",
            y=alt.Y("count:Q", title=label("units", lang)),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("start:Q", format=".2f"),
                alt.Tooltip("end:Q", format=".2f"),
                alt.Tooltip("count:Q", title=label("units", lang)),
            ],
        )
    )
    names = [name for name, _ in stats]
    rules = (
        alt.Chart(inline([{"statistic": n, "value": v} for n, v in stats]), name="stats")
        .mark_rule(strokeWidth=2, strokeDash=[6, 3])
        .encode(
            x="value:Q",
            color=alt.Color(
                "statistic:N",
                sort=names,
                title=label("lt.statistic", lang),
                scale=alt.Scale(domain=names, range=["#d62728", "#2ca02c", "#ff7f0e"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("statistic:N", title=label("lt.statistic", lang)),
                alt.Tooltip("value:Q", title=axis, format=".3f"),
            ],
        )
    )
    subtitle = label(
        "lt.hist.subtitle",
        lang,
        n=values.size,
        mean=number(stats[0][1], lang),
        median=number(stats[1][1], lang),
        p90=number(stats[2][1], lang),
        unit=unit,
    )
    return layered_chart(
        [bars, rules], "lead-time", lang, title=label("lt.hist.title", lang), subtitle=subtitle
    )


def lead_time_control_chart(
    record: RunRecord, *, lang: str = "en", max_points: int = 2000
) -> Chart:
    """Individuals control chart of lead time in order of exit (module docstring).

    The limits use every unit exiting in the window; at most ``max_points`` (the last ones)
    are drawn. Layers' data: ``points`` — ``seq``, ``unit``, ``exit``, ``lead_time``,
    ``state``; ``limits`` — ``line``, ``value``.
    """
    unit = time_unit(record.context.time_unit, lang)
    exits = exits_in_order(record)
    values = exits.get_column("lead_time").to_numpy()
    limits = control_limits(values)
    n = values.size
    first = max(0, n - max(1, max_points))
    inside, outside = label("cc.in", lang), label("cc.out", lang)
    rows: list[dict[str, Any]] = []
    for seq, (uid, ex, lt) in enumerate(exits.iter_rows(), start=1):
        if seq <= first:
            continue
        out = lt > limits["ucl"] or lt < limits["lcl"]
        rows.append(
            {
                "seq": seq,
                "unit": uid,
                "exit": ex,
                "lead_time": lt,
                "state": outside if out else inside,
            }
        )
    axis = label("lt.axis", lang, unit=unit)
    x = alt.X("seq:Q", title=label("cc.axis_x", lang), scale=alt.Scale(nice=False, zero=False))
    line = (
        alt.Chart(inline(rows), name="line")
        .mark_line(color="#9ecae9", strokeWidth=1)
        .encode(x=x, y=alt.Y("lead_time:Q", title=axis))
    )
    points = (
        alt.Chart(inline(rows), name="points")
        .mark_circle(size=22, opacity=0.9)
        .encode(
            x=x,
            y="lead_time:Q",
            color=alt.Color(
                "state:N",
                title=None,
                scale=alt.Scale(domain=[inside, outside], range=[_IN_COLOUR, _OUT_COLOUR]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("seq:Q", title=label("cc.axis_x", lang)),
                alt.Tooltip("unit:Q", title=label("cc.point", lang)),
                alt.Tooltip("exit:Q", title=label("time", lang, unit=unit), format=".2f"),
                alt.Tooltip("lead_time:Q", title=axis, format=".3f"),
            ],
        )
    )
    limit_rows = [
        {
            "line": label(key, lang),
            "value": limits[which],
            "dash": "centre" if which == "mean" else "limit",
            "text": f"{label(key + '_short', lang)} {number(limits[which], lang)}",
        }
        for key, which in (("cc.ucl", "ucl"), ("cc.centre", "mean"), ("cc.lcl", "lcl"))
    ]
    rules = (
        alt.Chart(inline(limit_rows), name="limits")
        .mark_rule(strokeWidth=1.5)
        .encode(
            y="value:Q",
            color=alt.value("#555555"),
            strokeDash=alt.StrokeDash(
                "dash:N",
                legend=None,
                scale=alt.Scale(domain=["centre", "limit"], range=[[1, 0], [6, 3]]),
            ),
        )
    )
    texts = (
        alt.Chart(inline(limit_rows), name="limit_labels")
        .mark_text(align="left", baseline="middle", dx=4, x="width", color="#333333")
        .encode(
            y="value:Q",
            text="text:N",
            tooltip=[alt.Tooltip("line:N", title=None), alt.Tooltip("value:Q", format=".3f")],
        )
    )
    subtitle = label(
        "cc.subtitle",
        lang,
        mean=number(limits["mean"], lang),
        unit=unit,
        sigma=number(limits["sigma"], lang),
    )
    if first:
        subtitle += label("cc.subtitle_last", lang, shown=n - first, n=n)
    return layered_chart(
        [line, rules, texts, points],
        "control-chart",
        lang,
        title=label("cc.title", lang),
        subtitle=subtitle,
    )


__all__ = [
    "D2",
    "control_limits",
    "exits_in_order",
    "lead_time_control_chart",
    "lead_time_histogram",
]
