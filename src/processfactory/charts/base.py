"""What every chart module shares: the error, the chart type, data and metadata helpers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

import altair as alt
import polars as pl

if TYPE_CHECKING:
    from processfactory.eventlog.record import RunRecord
    from processfactory.scenario.model import Scenario

Chart: TypeAlias = alt.Chart | alt.LayerChart | alt.HConcatChart | alt.VConcatChart
"""What a chart builder returns: an Altair chart (``.to_dict()`` is its Vega-Lite spec)."""

META_KEY = "processfactory"
"""Key in the spec's ``usermeta`` holding the chart's kind and language."""

DEFAULT_WIDTH = 520
DEFAULT_HEIGHT = 300


class ChartError(ValueError):
    """A chart cannot be drawn from what it was given; the message says what is missing."""


def finite(value: float) -> float | None:
    """``value`` as a JSON-safe number: None for NaN and ±inf (Vega-Lite data are JSON)."""
    out = float(value)
    return out if math.isfinite(out) else None


def inline(rows: Iterable[Mapping[str, Any]]) -> alt.InlineData:
    """Rows as inline Vega-Lite data, NaN/inf floats replaced by null."""
    clean = [
        {k: (finite(v) if isinstance(v, float) else v) for k, v in row.items()} for row in rows
    ]
    return alt.InlineData(values=clean)


def with_meta(chart: Chart, kind: str, lang: str) -> Chart:
    """``chart`` tagged with its kind and language (read by ``render`` for number formats)."""
    out: Chart = chart.properties(usermeta={META_KEY: {"kind": kind, "lang": lang}})
    return out


def layered_chart(
    layers: Sequence[Chart],
    kind: str,
    lang: str,
    *,
    title: str,
    subtitle: str,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
) -> Chart:
    """``layers`` drawn over each other as one chart, titled, sized and tagged (``with_meta``)."""
    chart = alt.LayerChart(layer=list(layers)).properties(
        title=alt.Title(title, subtitle=subtitle), width=width, height=height
    )
    return with_meta(chart, kind, lang)


def require_events(record: RunRecord, what: str) -> pl.DataFrame:
    """The record's events without voided rows; ``ChartError`` if the record has none."""
    if record.events is None:
        raise ChartError(
            f"the {what} needs the run's event log, and this run record has none; simulate "
            "with events=True (processfactory.simulate(..., events=True)) or read an event log"
        )
    events = record.events
    if "voided" in events.columns:
        events = events.filter(~pl.col("voided").fill_null(False))
    return events


def operations(events: pl.DataFrame) -> pl.DataFrame:
    """Operations in an event log (start/complete pairs at stations, as ``eventlog.reduce``
    pairs them): ``unit`` (Int64; rows whose case id is not an integer are left out),
    ``station``, ``start``, ``complete`` (``inf`` while still open)."""
    from processfactory.eventlog.convert import NON_STATION_ACTIVITIES, pair_operations

    pairs = pair_operations(events)
    ops = pairs.filter(
        ~pl.col("concept:name").is_in(list(NON_STATION_ACTIVITIES)) & pl.col("start").is_not_null()
    )
    return ops.select(
        unit=pl.col("case:concept:name").str.strip_chars().cast(pl.Int64, strict=False),
        station=pl.coalesce("station", "concept:name"),
        start=pl.col("start"),
        complete=pl.col("complete").fill_null(math.inf),
    ).drop_nulls("unit")


def exited_in_window(record: RunRecord) -> pl.DataFrame:
    """The record's units that were released and exit in the observed window (ws < exit ≤ we),
    good or scrapped: the units ``kpi.lean.lead_times`` counts (``release`` and ``exit`` as
    Float64)."""
    ws, we = float(record.window_start), float(record.window_end)
    units = record.units.with_columns(pl.col("release", "exit").cast(pl.Float64))
    return units.filter(
        pl.col("exit").is_not_nan()
        & pl.col("release").is_not_nan()
        & (pl.col("exit") > ws)
        & (pl.col("exit") <= we)
    )


def check_matches(scenario: Scenario, record: RunRecord) -> None:
    """``ChartError`` unless every station the record names is one of the scenario's."""
    known = {st.id for st in scenario.stations}
    named = set(record.stations.get_column("station").to_list())
    unknown = sorted(s for s in named - known if s is not None)
    if unknown:
        raise ChartError(
            f"the run record does not belong to scenario {scenario.name!r}: it has station(s) "
            f"{', '.join(unknown)} that the scenario does not"
        )


def station_names(scenario: Scenario, lang: str = "en") -> dict[str, str]:
    """Display name per station id in ``lang`` (``Scenario.station_name``: the translation,
    else the ``name``) when every name is distinct, else the id."""
    names = scenario.station_names(lang)
    if len(set(names.values())) < len(names):
        return {st.id: st.id for st in scenario.stations}
    return names


__all__ = [
    "DEFAULT_HEIGHT",
    "DEFAULT_WIDTH",
    "META_KEY",
    "Chart",
    "ChartError",
    "check_matches",
    "exited_in_window",
    "finite",
    "inline",
    "layered_chart",
    "operations",
    "require_events",
    "station_names",
    "with_meta",
]
