"""Charts of a scenario and its runs, as Vega-Lite specs (built with Altair).

Every builder returns an Altair chart; ``chart.to_dict()`` is the Vega-Lite spec, which the
web page renders with vega-embed and ``render`` turns into SVG, PNG or a self-contained HTML
page (vl-convert). Figures come from the run record through the KPI code (``kpi.lean``,
``kpi.theory``); charts that need the full event log (value-stream map, spaghetti diagram)
raise ``ChartError`` for a record without events. Titles and axes are in English or Russian
(``lang="en"`` / ``"ru"``).

``CHARTS`` maps each kind's name (as the ``processfactory chart KIND`` command takes it) to a
``ChartKind``: its builder, what it needs and a uniform ``build(scenario, record, lang=...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from processfactory.charts.base import Chart, ChartError
from processfactory.charts.flow import cumulative_flow_chart, wip_chart
from processfactory.charts.frontier import FrontierPoint, frontier_chart
from processfactory.charts.labels import LABELS, LANGS, check_lang
from processfactory.charts.lead_time import (
    control_limits,
    lead_time_control_chart,
    lead_time_histogram,
)
from processfactory.charts.render import SUFFIXES, save, to_html, to_png, to_svg
from processfactory.charts.spaghetti import spaghetti_chart
from processfactory.charts.vsm import value_stream_map
from processfactory.charts.yamazumi import yamazumi_chart, yamazumi_from_stacks

if TYPE_CHECKING:
    from processfactory.eventlog.record import RunRecord
    from processfactory.scenario.model import Scenario

_Build = Callable[["Scenario | None", "RunRecord | None", str], Chart]
"""(scenario, record, lang) -> chart."""


@dataclass(frozen=True)
class ChartKind:
    """One kind of chart: its builder and what it needs to be drawn."""

    name: str
    builder: Callable[..., Chart]
    description: str
    needs_scenario: bool
    needs_record: bool
    needs_events: bool
    _build: _Build

    def build(
        self, scenario: Scenario | None, record: RunRecord | None, *, lang: str = "en"
    ) -> Chart:
        """The chart of ``scenario`` and/or ``record``; ``ChartError`` if one it needs is
        missing (or the record has no events and the chart needs them)."""
        check_lang(lang)
        if self.needs_scenario and scenario is None:
            raise ChartError(
                f"the {self.name} chart needs the scenario (a scenario file or built-in name), "
                "not only a run's event log"
            )
        if self.needs_record and record is None:
            raise ChartError(f"the {self.name} chart needs a run record")
        if self.needs_events and record is not None and record.events is None:
            raise ChartError(
                f"the {self.name} chart needs the run's event log; simulate with events=True"
            )
        return self._build(scenario, record, lang)


def _scenario(scenario: Scenario | None) -> Scenario:
    assert scenario is not None  # ChartKind.build checked it
    return scenario


def _record(record: RunRecord | None) -> RunRecord:
    assert record is not None  # ChartKind.build checked it
    return record


def _kinds() -> dict[str, ChartKind]:
    kinds = [
        ChartKind(
            name="yamazumi",
            builder=yamazumi_chart,
            description="time per unit at each station by element, measured, against takt",
            needs_scenario=True,
            needs_record=True,
            needs_events=False,
            _build=lambda s, r, lang: yamazumi_chart(_scenario(s), _record(r), lang=lang),
        ),
        ChartKind(
            name="yamazumi-plan",
            builder=yamazumi_chart,
            description="planned time per unit at each station from the scenario, against takt",
            needs_scenario=True,
            needs_record=False,
            needs_events=False,
            _build=lambda s, r, lang: yamazumi_chart(_scenario(s), lang=lang),
        ),
        ChartKind(
            name="cumulative-flow",
            builder=cumulative_flow_chart,
            description="units released, done at each station and exited over time",
            needs_scenario=False,
            needs_record=True,
            needs_events=False,
            _build=lambda s, r, lang: cumulative_flow_chart(_record(r), s, lang=lang),
        ),
        ChartKind(
            name="wip",
            builder=wip_chart,
            description="work in process over time with its time-average",
            needs_scenario=False,
            needs_record=True,
            needs_events=False,
            _build=lambda s, r, lang: wip_chart(_record(r), lang=lang),
        ),
        ChartKind(
            name="lead-time",
            builder=lead_time_histogram,
            description="histogram of lead times with mean, median and 90th percentile",
            needs_scenario=False,
            needs_record=True,
            needs_events=False,
            _build=lambda s, r, lang: lead_time_histogram(_record(r), lang=lang),
        ),
        ChartKind(
            name="control-chart",
            builder=lead_time_control_chart,
            description="individuals control chart of lead time in order of exit",
            needs_scenario=False,
            needs_record=True,
            needs_events=False,
            _build=lambda s, r, lang: lead_time_control_chart(_record(r), lang=lang),
        ),
        ChartKind(
            name="frontier",
            builder=frontier_chart,
            description="throughput and lead time against WIP: best, practical-worst and worst "
            "case, and the run",
            needs_scenario=True,
            needs_record=True,
            needs_events=False,
            _build=lambda s, r, lang: frontier_chart(_scenario(s), r, lang=lang),
        ),
        ChartKind(
            name="vsm",
            builder=value_stream_map,
            description="value-stream map: process boxes, inventory, timeline and PCE",
            needs_scenario=True,
            needs_record=True,
            needs_events=True,
            _build=lambda s, r, lang: value_stream_map(_scenario(s), _record(r), lang=lang),
        ),
        ChartKind(
            name="spaghetti",
            builder=spaghetti_chart,
            description="spaghetti diagram of unit moves and operator walks on the layout",
            needs_scenario=True,
            needs_record=True,
            needs_events=True,
            _build=lambda s, r, lang: spaghetti_chart(_scenario(s), _record(r), lang=lang),
        ),
    ]
    return {kind.name: kind for kind in kinds}


CHARTS: dict[str, ChartKind] = _kinds()
"""Every chart kind by name, in the order the CLI lists them."""

__all__ = [
    "CHARTS",
    "LABELS",
    "LANGS",
    "SUFFIXES",
    "Chart",
    "ChartError",
    "ChartKind",
    "FrontierPoint",
    "control_limits",
    "cumulative_flow_chart",
    "frontier_chart",
    "lead_time_control_chart",
    "lead_time_histogram",
    "save",
    "spaghetti_chart",
    "to_html",
    "to_png",
    "to_svg",
    "value_stream_map",
    "wip_chart",
    "yamazumi_chart",
    "yamazumi_from_stacks",
]
