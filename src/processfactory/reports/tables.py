"""The figures of a debrief, taken once from a ``RoundsComparison`` for every output format.

The HTML report, the XLSX workbook and the cross-round charts all read these rows, so they
cannot disagree. Values stay as the KPIs compute them (fractions 0–1 for % KPIs); only the
formatting step multiplies by 100.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from processfactory.kpi.summary import KPI_ORDER, MAP_KPIS, percent_change
from processfactory.reports.labels import (
    PERCENT_KPIS,
    Lang,
    direction,
    kpi_label,
    kpi_unit,
    lever_summary,
    lever_title,
)

if TYPE_CHECKING:
    from processfactory.rounds import RoundResult, RoundsComparison


def kpi_value(value: Any) -> float | None:
    """A KPI figure as a finite float, or None for a missing, NaN or infinite value."""
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


@dataclass(frozen=True)
class Cell:
    """One round's figure of one KPI: mean, 95 % CI and % change of the mean vs round 1."""

    mean: float | None
    low: float | None
    high: float | None
    change: float | None

    @classmethod
    def of(cls, entry: Mapping[str, Any] | None, base: float | None) -> Cell:
        entry = entry or {}
        mean = kpi_value(entry.get("mean"))
        ci = entry.get("ci95") or [None, None]
        low, high = (kpi_value(ci[0]), kpi_value(ci[1])) if len(ci) == 2 else (None, None)
        return cls(mean, low, high, percent_change(base, mean))


@dataclass(frozen=True)
class KpiRow:
    """One KPI across rounds, with its label and unit in the report's language."""

    key: str
    label: str
    unit: str
    percent: bool
    """The values are fractions 0–1 shown × 100 in %."""
    direction: int
    """+1: higher is better; −1: lower is better; 0: neither."""
    cells: list[Cell]

    def trend(self, index: int) -> str:
        """``better``, ``worse`` or ``same``/``neutral`` for round ``index`` against round 1."""
        change = self.cells[index].change
        if change is None or self.direction == 0 or index == 0:
            return "neutral"
        if round(change, 1) == 0:
            return "same"
        return "better" if change * self.direction > 0 else "worse"


def _cells(entries: Sequence[Mapping[str, Any] | None]) -> list[Cell]:
    """One KPI's cells, one per round, each with its % change against round 1's mean."""
    base = kpi_value((entries[0] or {}).get("mean"))
    return [Cell.of(entry, base) for entry in entries]


def _units_of(comparison: RoundsComparison) -> tuple[str, str]:
    scenario = comparison.rounds[0].scenario
    return scenario.time_unit, scenario.costs.currency


def scalar_kpis(comparison: RoundsComparison) -> list[str]:
    """Scalar KPIs with a mean in at least one round: documented order (labour productivity
    first), then any others in first-seen order."""
    present: list[str] = []
    for rnd in comparison.rounds:
        for key, entry in rnd.result.kpi.items():
            if key in present or key in MAP_KPIS or not isinstance(entry, Mapping):
                continue
            if "mean" in entry and kpi_value(entry.get("mean")) is not None:
                present.append(key)
    order = {key: i for i, key in enumerate(KPI_ORDER)}
    return sorted(present, key=lambda k: (order.get(k, len(order)), present.index(k)))


def kpi_rows(comparison: RoundsComparison, lang: Lang) -> list[KpiRow]:
    """The KPI table: one row per scalar KPI, one cell per round."""
    time_unit, currency = _units_of(comparison)
    rows: list[KpiRow] = []
    for key in scalar_kpis(comparison):
        entries = [rnd.result.kpi.get(key) for rnd in comparison.rounds]
        rows.append(
            KpiRow(
                key=key,
                label=kpi_label(key, lang),
                unit=kpi_unit(key, lang, time_unit=time_unit, currency=currency),
                percent=key in PERCENT_KPIS,
                direction=direction(key),
                cells=_cells(entries),
            )
        )
    return rows


def station_rows(comparison: RoundsComparison, lang: Lang) -> list[KpiRow]:
    """Utilization per station across rounds (stations in order of first appearance).

    Rows are labelled with the stations' display names in ``lang``."""
    time_unit, currency = _units_of(comparison)
    names: dict[str, str] = {}
    for rnd in comparison.rounds:
        for st in rnd.scenario.stations:
            names.setdefault(st.id, rnd.scenario.station_name(st.id, lang))
    stations = list(names)
    for rnd in comparison.rounds:
        stations += [s for s in (rnd.result.kpi.get("utilization") or {}) if s not in stations]
    rows: list[KpiRow] = []
    for sid in stations:
        entries = [(rnd.result.kpi.get("utilization") or {}).get(sid) for rnd in comparison.rounds]
        if all(kpi_value((e or {}).get("mean")) is None for e in entries):
            continue
        rows.append(
            KpiRow(
                key=f"utilization.{sid}",
                label=names.get(sid, sid),
                unit=kpi_unit("utilization", lang, time_unit=time_unit, currency=currency),
                percent=True,
                direction=0,
                cells=_cells(entries),
            )
        )
    return rows


@dataclass(frozen=True)
class LeverLine:
    """A lever as the report lists it."""

    name: str
    title: str
    summary: str
    params: dict[str, Any]


def _plan_params(comparison: RoundsComparison, index: int) -> list[dict[str, Any]] | None:
    plan = comparison.plan
    if plan is None or index >= len(plan.rounds):
        return None
    steps = plan.rounds[index].levers
    return [dict(step.params) for step in steps]


def lever_lines(comparison: RoundsComparison, index: int, lang: Lang) -> list[LeverLine]:
    """The levers new in round ``index``, with titles, summaries and the plan's parameters."""
    rnd: RoundResult = comparison.rounds[index]
    params = _plan_params(comparison, index)
    if params is None or len(params) != len(rnd.levers):
        params = [{} for _ in rnd.levers]
    return [
        LeverLine(name, lever_title(name, lang), lever_summary(name, lang), p)
        for name, p in zip(rnd.levers, params, strict=True)
    ]


def replication_table(result_kpis: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    """(scalar KPI keys, station ids) found in per-replication KPI dicts, in report order."""
    present: list[str] = []
    stations: list[str] = []
    for rep in result_kpis:
        for key, value in rep.items():
            if isinstance(value, Mapping):
                if key == "utilization":
                    stations += [str(s) for s in value if str(s) not in stations]
            elif key not in present and key not in MAP_KPIS:
                present.append(key)
    order = {key: i for i, key in enumerate(KPI_ORDER)}
    seen = {key: i for i, key in enumerate(present)}
    return sorted(present, key=lambda k: (order.get(k, len(order)), seen[k])), stations


__all__ = [
    "Cell",
    "KpiRow",
    "LeverLine",
    "kpi_rows",
    "kpi_value",
    "lever_lines",
    "replication_table",
    "scalar_kpis",
    "station_rows",
]
