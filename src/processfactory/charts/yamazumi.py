"""Yamazumi chart: stacked time per unit at each station against the takt time.

Each station's bar is its time per unit of output, stacked by work element, so that a bar
above the takt line is a station that cannot keep up with the customer. A station with c
servers and process batch b delivers b·c units per operation time, so its bar is the per-unit
time divided by servers (and, in the plan, by the process batch) — the tallest planned bar is
exactly 1 ÷ the bottleneck rate r_b of ``kpi.theory``.

* Without a run record (the plan): per station the mean operation time per unit of the product
  mix (the workload ``kpi.theory`` uses for T₀ and r_b) ÷ (servers × process batch), value-added
  or not as the station is marked, plus setups done before every batch (``on: batch``) spread
  over the batch. Changeover setups depend on the product sequence, which only a run shows.
* With a run record (measured): per station each time column of the record's stations table
  (``busy`` as the operation, ``setup``, ``waiting_operator``, ``down``) ÷ (completions ×
  servers), i.e. station time per unit completed in the window; and a tick at each station's
  measured cycle time (``station_cycle_time`` of ``compute_kpis``).

``yamazumi_from_stacks`` draws any stacks, e.g. the result of line balancing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import altair as alt

from processfactory.charts.base import (
    Chart,
    ChartError,
    check_matches,
    finite,
    inline,
    layered_chart,
    station_names,
)
from processfactory.charts.labels import label, number, time_unit

if TYPE_CHECKING:
    from processfactory.eventlog.record import RunRecord
    from processfactory.scenario.model import Scenario

Stacks = Mapping[str, Sequence[tuple[str, float]]]
"""Per station (or operator, in display order): its work elements as (element, time) pairs."""

# the record's stations-table columns shown as elements, in stacking order
_MEASURED_ELEMENTS = (
    ("busy", None),
    ("setup", "element.setup"),
    ("waiting_operator", "element.waiting_operator"),
    ("down", "element.down"),
)
_TAKT_COLOUR = "#d62728"
# fixed colours of the standard elements, so that plan and measurement read alike
ELEMENT_COLOURS = {
    "element.operation_va": "#4c78a8",
    "element.operation_nva": "#f58518",
    "element.setup": "#e45756",
    "element.waiting_operator": "#eeca3b",
    "element.down": "#b279a2",
}
_PALETTE = (
    "#72b7b2", "#54a24b", "#ff9da6", "#9d755d", "#bab0ac", "#4c78a8", "#f58518", "#e45756",
    "#eeca3b", "#b279a2",
)  # fmt: skip


def yamazumi_from_stacks(
    stacks: Stacks,
    takt: float | None,
    *,
    lang: str = "en",
    unit: str = "min",
    title: str | None = None,
    subtitle: str | None = None,
    cycle_times: Mapping[str, float] | None = None,
    colours: Mapping[str, str] | None = None,
) -> Chart:
    """A yamazumi of ``stacks`` (bottom element first) with a rule at ``takt`` (None: no rule).

    ``unit`` is the time unit of the times; ``cycle_times`` (optional, per station key) are
    drawn as black ticks; ``colours`` fixes some elements' colours (others get a palette in
    order of first appearance). Data of the bars layer (named ``bars``): ``station``,
    ``element``, ``start``, ``end``, ``time``.
    """
    if not stacks:
        raise ChartError("a yamazumi needs at least one station")
    unit_text = time_unit(unit, lang)
    rows: list[dict[str, Any]] = []
    elements: list[str] = []
    for station, parts in stacks.items():
        level = 0.0
        for element, value in parts:
            t = float(value)
            if not t >= 0:
                raise ChartError(f"time of {element!r} at {station!r} must be >= 0, got {value}")
            if element not in elements:
                elements.append(element)
            rows.append(
                {
                    "station": station,
                    "element": element,
                    "start": level,
                    "end": level + t,
                    "time": t,
                }
            )
            level += t
    stations = list(stacks)
    x = alt.X(
        "station:N",
        sort=stations,
        title=label("station", lang),
        axis=alt.Axis(labelAngle=-30, labelAlign="right", labelLimit=180),
    )
    legend = alt.Legend(orient="bottom", columns=2, labelLimit=320) if len(elements) <= 12 else None
    fixed = dict(colours or {})
    spare = [c for c in _PALETTE if c not in fixed.values()] or list(_PALETTE)
    free = iter(spare * (len(elements) // len(spare) + 1))
    colour_range = [fixed[e] if e in fixed else next(free) for e in elements]
    bars = (
        alt.Chart(inline(rows), name="bars")
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=alt.Y("start:Q", title=label("yamazumi.axis", lang, unit=unit_text)),
            y2="end:Q",
            color=alt.Color(
                "element:N",
                sort=elements,
                scale=alt.Scale(domain=elements, range=colour_range),
                title=label("yamazumi.element", lang),
                legend=legend,
            ),
            tooltip=[
                alt.Tooltip("station:N", title=label("station", lang)),
                alt.Tooltip("element:N", title=label("yamazumi.element", lang)),
                alt.Tooltip("time:Q", format=".3f"),
            ],
        )
    )
    layers: list[alt.Chart] = [bars]
    if cycle_times:
        ticks = [
            {"station": s, "cycle_time": finite(v), "what": label("yamazumi.cycle_time", lang)}
            for s, v in cycle_times.items()
            if s in stacks and finite(v) is not None
        ]
        if ticks:
            layers.append(
                alt.Chart(inline(ticks), name="cycle_time")
                .mark_tick(color="black", thickness=2, size=28)
                .encode(
                    x=x,
                    y="cycle_time:Q",
                    tooltip=[
                        alt.Tooltip("station:N", title=label("station", lang)),
                        alt.Tooltip(
                            "cycle_time:Q", title=label("yamazumi.cycle_time", lang), format=".3f"
                        ),
                    ],
                )
            )
    if takt is not None:
        if not (takt > 0 and finite(takt) is not None):
            raise ChartError(f"takt time must be a positive number, got {takt}")
        text = label("yamazumi.takt", lang, value=number(takt, lang), unit=unit_text)
        takt_data = inline([{"takt": float(takt), "label": text}])
        layers.append(
            alt.Chart(takt_data, name="takt")
            .mark_rule(color=_TAKT_COLOUR, strokeWidth=2, strokeDash=[6, 3])
            .encode(y="takt:Q")
        )
        layers.append(
            alt.Chart(takt_data, name="takt_label")
            .mark_text(align="right", baseline="bottom", dy=-3, color=_TAKT_COLOUR, x="width")
            .encode(y="takt:Q", text="label:N")
        )
    width = max(260, 70 * len(stations))
    return layered_chart(
        layers,
        "yamazumi",
        lang,
        title=title or label("yamazumi.title", lang),
        subtitle=subtitle or "",
        width=width,
    )


def planned_stacks(scenario: Scenario, lang: str = "en") -> dict[str, list[tuple[str, float]]]:
    """Per station (display name): planned time per unit by element (see the module docstring)."""
    # the same per-unit workload kpi.theory uses for T0 and r_b, so the bars agree with them
    from processfactory.kpi.theory import _station_workloads

    workload = _station_workloads(scenario)
    names = station_names(scenario, lang)
    stacks: dict[str, list[tuple[str, float]]] = {}
    for st in scenario.stations:
        if st.id not in workload:
            continue
        per = st.servers * st.process_batch
        key = "element.operation_va" if st.value_added else "element.operation_nva"
        parts = [(label(key, lang), workload[st.id] / per)]
        if st.setup is not None and st.setup.on == "batch":
            parts.append((label("element.setup", lang), st.setup.time.mean_time / per))
        stacks[names[st.id]] = parts
    return stacks


def measured_stacks(
    scenario: Scenario, record: RunRecord, lang: str = "en"
) -> dict[str, list[tuple[str, float]]]:
    """Per station (display name): measured time per unit completed, by element."""
    check_matches(scenario, record)
    names = station_names(scenario, lang)
    value_added = {st.id: st.value_added for st in scenario.stations}
    rows = {row["station"]: row for row in record.stations.iter_rows(named=True)}
    stacks: dict[str, list[tuple[str, float]]] = {}
    for st in scenario.stations:
        row = rows.get(st.id)
        if row is None or not row["completions"]:
            continue
        per = float(row["completions"]) * float(row["servers"])
        parts: list[tuple[str, float]] = []
        for column, key in _MEASURED_ELEMENTS:
            value = float(row[column] or 0.0) / per
            if column == "busy":
                key = "element.operation_va" if value_added[st.id] else "element.operation_nva"
            elif value <= 0:
                continue
            assert key is not None
            parts.append((label(key, lang), value))
        stacks[names[st.id]] = parts
    if not stacks:
        raise ChartError("no station completed a unit in the observed window")
    return stacks


def yamazumi_chart(
    scenario: Scenario, record: RunRecord | None = None, *, lang: str = "en"
) -> Chart:
    """Yamazumi of ``scenario`` against its takt: planned, or measured in ``record``.

    See the module docstring for what each bar holds. The takt is the scenario's (else the
    record's); without one the chart says so in its subtitle.
    """
    takt = scenario.takt_time
    if record is None:
        stacks = planned_stacks(scenario, lang)
        subtitle = label("yamazumi.plan", lang)
        cycle_times = None
    else:
        from processfactory.kpi.lean import compute_kpis

        stacks = measured_stacks(scenario, record, lang)
        subtitle = label("yamazumi.measured", lang) + "; " + label("yamazumi.ticks", lang)
        if takt is None:
            takt = record.context.takt_time
        names = station_names(scenario, lang)
        measured = compute_kpis(record)["station_cycle_time"]
        assert isinstance(measured, dict)
        cycle_times = {names[sid]: v for sid, v in measured.items() if sid in names}
    if takt is None:
        subtitle += "; " + label("yamazumi.no_takt", lang)
    return yamazumi_from_stacks(
        stacks,
        takt,
        lang=lang,
        unit=scenario.time_unit,
        subtitle=subtitle,
        cycle_times=cycle_times,
        colours={label(key, lang): colour for key, colour in ELEMENT_COLOURS.items()},
    )


__all__ = [
    "ELEMENT_COLOURS",
    "Stacks",
    "measured_stacks",
    "planned_stacks",
    "yamazumi_chart",
    "yamazumi_from_stacks",
]
