"""KPIs across replications: means with Student t confidence intervals, labels and definitions.

``summarize`` turns the per-replication dicts of ``compute_kpis`` into one JSON-serialisable
dict; ``KPI_LABELS``, ``KPI_ORDER`` and ``KPI_DEFINITIONS`` are what tables, reports and the docs
show. ``python -m processfactory.kpi.summary [PATH]`` writes the KPI reference page (by default
to stdout); ``docs/kpi.md`` is that page and a test keeps it up to date.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from numbers import Real
from pathlib import Path
from typing import Any

import numpy as np

CONFIDENCE = 0.95

KPI_LABELS: dict[str, tuple[str, str]] = {
    "labour_productivity": ("Labour productivity", "units/operator-hour"),
    "throughput": ("Throughput", "units/{time_unit}"),
    "lead_time": ("Lead time (mean)", "{time_unit}"),
    "lead_time_p90": ("Lead time (90th percentile)", "{time_unit}"),
    "wip": ("Work in process", "units"),
    "lead_time_median": ("Lead time (median)", "{time_unit}"),
    "order_lead_time": ("Order lead time", "{time_unit}"),
    "fpy": ("First-pass yield", "%"),
    "pce": ("Process cycle efficiency", "%"),
    "unit_cost": ("Unit cost", "{currency}/unit"),
    "on_time_delivery": ("On-time delivery", "%"),
    "demand_fulfilment": ("Demand fulfilment", "%"),
    "takt_time": ("Takt time", "{time_unit}/unit"),
    "walking_distance": ("Walking distance per unit", "m/unit"),
    "walking_distance_total": ("Walking distance (total)", "m"),
    "floor_area": ("Floor area", "m²"),
    "units_good": ("Good units", "units"),
    "units_scrapped": ("Scrapped units", "units"),
    "units_released": ("Released units", "units"),
    "littles_law_ratio": ("Little's law check", "ratio"),
    "utilization": ("Utilization", "%"),
    "blocked": ("Blocked", "%"),
    "starved": ("Starved", "%"),
    "setup": ("Setup", "%"),
    "down": ("Down", "%"),
    "waiting_operator": ("Waiting for an operator", "%"),
    "station_cycle_time": ("Station cycle time", "{time_unit}"),
    "operator_utilization": ("Operator utilization", "%"),
}
"""KPI key → (human label, unit template).

Templates use ``{time_unit}`` and ``{currency}`` from the run context. A unit of ``%`` means the
KPI is computed as a fraction 0–1; multiply by 100 to show it as a percentage.
"""

KPI_ORDER: list[str] = list(KPI_LABELS)
"""Every KPI key in the order tables show them; the last eight are per-station/operator maps."""

MAP_KPIS = frozenset(
    {
        "utilization",
        "blocked",
        "starved",
        "setup",
        "down",
        "waiting_operator",
        "station_cycle_time",
        "operator_utilization",
    }
)
"""KPIs whose value is a dict keyed by station id (or operator id)."""

_IN_WINDOW = "exiting in the window (exit time in (window_start, window_end])"

KPI_DEFINITIONS: dict[str, str] = {
    "labour_productivity": (
        "Good units exiting in the window ÷ (operators × hours in the window), where hours = "
        "window length × seconds per time unit ÷ 3600."
    ),
    "throughput": "Good units exiting in the window ÷ window length.",
    "lead_time": (f"Mean of exit − release over units {_IN_WINDOW}, good and scrapped alike."),
    "lead_time_p90": (
        "90th percentile (linear interpolation, numpy's default) of exit − release over the "
        "units counted in the mean lead time."
    ),
    "wip": (
        "Time-average number of released, unfinished units over the window: the sum over units "
        "of the overlap of [release, exit) with the window (exit = +∞ for units still inside, 0 "
        "for units never released) ÷ window length."
    ),
    "lead_time_median": ("Median of exit − release over the units counted in the mean lead time."),
    "order_lead_time": (
        "Mean of exit − order arrival over the units counted in the mean lead time."
    ),
    "fpy": (
        "First-pass yield: units exiting in the window good without any rework ÷ all units "
        "exiting in the window (good or scrapped)."
    ),
    "pce": (
        "Process cycle efficiency: mean over good units exiting in the window of value-added "
        "time ÷ lead time."
    ),
    "unit_cost": (
        "(Labour rate × operators × hours in the window + material cost of good and scrapped "
        "units exiting in the window + holding cost × WIP × hours in the window) ÷ good units "
        "exiting in the window."
    ),
    "on_time_delivery": (
        "Among units with a due date at or before window_end whose exit time or due date is in "
        "(window_start, window_end], the fraction that exited good at or before their due date; "
        "a unit still inside at its due date is late."
    ),
    "demand_fulfilment": (
        "Good units exiting in the window ÷ units demanded for the run (only when a demand is "
        "given)."
    ),
    "takt_time": (
        "Available time ÷ customer demand, per unit, as given by the scenario (only when a "
        "demand is given)."
    ),
    "walking_distance": (
        "Metres walked by people inside the window (transport moves and operators' walks) ÷ good "
        "units exiting in the window."
    ),
    "walking_distance_total": (
        "Metres walked by people inside the window (transport moves and operators' walks)."
    ),
    "floor_area": "Floor area occupied by the process, as recorded in the run's context (m²).",
    "units_good": f"Good units {_IN_WINDOW}.",
    "units_scrapped": f"Scrapped units {_IN_WINDOW}.",
    "units_released": "Units released into the line at a time within [window_start, window_end].",
    "littles_law_ratio": (
        "WIP ÷ (throughput of good and scrapped units × mean lead time); exactly 1 when every "
        "unit is released and exits inside the window, close to 1 on any long run."
    ),
    "utilization": ("Per station: busy time summed over its servers ÷ (servers × window length)."),
    "blocked": (
        "Per station: time its servers held a finished unit because the next waiting place was "
        "full ÷ (servers × window length)."
    ),
    "starved": (
        "Per station: time its servers had no unit to work on ÷ (servers × window length)."
    ),
    "setup": "Per station: setup (changeover) time ÷ (servers × window length).",
    "down": "Per station: time broken down or under repair ÷ (servers × window length).",
    "waiting_operator": (
        "Per station: time a unit was ready but no operator was there ÷ (servers × window length)."
    ),
    "station_cycle_time": (
        "Per station: (last completion − first completion in the window) ÷ (completions − 1); "
        "undefined with fewer than two completions."
    ),
    "operator_utilization": ("Per operator: (busy + setup time in the window) ÷ window length."),
}
"""KPI key → its exact definition in one sentence (docs and reports quote these)."""


# t quantiles 0.975 for 1..30 degrees of freedom (scipy.stats.t.ppf to full double precision)
_T975 = (
    12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934,
    2.5705818356363146, 2.4469118511449786, 2.364624251592784, 2.306004135204166,
    2.262157162798205, 2.228138851986274, 2.200985160091639, 2.1788128296672284,
    2.1603686564627913, 2.144786687917804, 2.131449545559776, 2.1199052992212546,
    2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
    2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245,
    2.0595385527532972, 2.0555294386428735, 2.0518305164802846, 2.0484071417952454,
    2.045229642132703, 2.0422724563012378,
)  # fmt: skip
_Z975 = 1.959963984540054


def student_t_975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom (95 % two-sided).

    Exact table up to 30 degrees of freedom, then the Cornish–Fisher expansion to 1/df⁴
    (relative error below 2e-8). Written out rather than taken from scipy because scipy's mere
    presence makes numba load BLAS at start-up (~0.3 s) and is needed for nothing else.
    """
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {df}")
    if df <= len(_T975):
        return _T975[df - 1]
    z = _Z975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _as_float(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"KPI {key!r} has a non-numeric value {value!r}")
    return float(value)


def _summarize_values(key: str, values: Sequence[Any]) -> dict[str, Any]:
    sample = np.array([_as_float(key, v) for v in values if not _is_missing(v)], dtype=np.float64)
    sample = sample[np.isfinite(sample)]
    n = sample.size
    if n == 0:
        return {"mean": None, "ci95": [None, None]}
    mean = float(sample.mean())
    if n == 1:
        return {"mean": mean, "ci95": [None, None]}
    half = float(student_t_975(n - 1) * sample.std(ddof=1) / math.sqrt(n))
    return {"mean": mean, "ci95": [mean - half, mean + half]}


def summarize(kpis: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Mean and 95 % Student t confidence interval of every KPI over replications.

    For a scalar KPI with finite values x₁…xₙ (replications where it is NaN, ±∞, None or
    absent are left out):
    ``{"mean": x̄, "ci95": [x̄ − h, x̄ + h]}`` with h = t₀.₉₇₅,ₙ₋₁ · s / √n and s the sample
    standard deviation (ddof = 1). With n = 1, ``ci95`` is ``[None, None]``; with n = 0 the mean
    is None too. A map KPI (per station / operator) becomes a map of such objects over the union
    of its keys. Keys keep their first-seen order. The result holds only dicts, lists, floats and
    None, so ``json.dumps`` accepts it (no NaN is ever emitted).
    """
    scalars: dict[str, list[Any]] = {}
    maps: dict[str, dict[str, list[Any]]] = {}
    for rep in kpis:
        for key, value in rep.items():
            if isinstance(value, Mapping):
                inner = maps.setdefault(key, {})
                for sub, v in value.items():
                    inner.setdefault(str(sub), []).append(v)
            else:
                scalars.setdefault(key, []).append(value)
    clash = scalars.keys() & maps.keys()
    if clash:
        raise TypeError(f"KPIs {sorted(clash)} are scalars in some replications, maps in others")

    out: dict[str, Any] = {}
    for rep in kpis:
        for key in rep:
            if key in out:
                continue
            if key in maps:
                out[key] = {
                    sub: _summarize_values(f"{key}.{sub}", vals) for sub, vals in maps[key].items()
                }
            else:
                out[key] = _summarize_values(key, scalars[key])
    return out


def percent_change(base: float | None, new: float | None) -> float | None:
    """Change from ``base`` to ``new`` in percent: (new − base) ÷ |base| × 100.

    Dividing by |base| keeps the sign meaning "went up" even for a negative base. None when
    either value is missing or not finite, or when base is 0 (no meaningful relative change).
    """
    if base is None or new is None:
        return None
    base, new = float(base), float(new)
    if not (math.isfinite(base) and math.isfinite(new)) or base == 0:
        return None
    return (new - base) / abs(base) * 100.0


def render_kpi_docs() -> str:
    """The Markdown KPI reference page (``docs/kpi.md``), built from the tables above."""
    lines = [
        "# KPIs",
        "",
        "<!-- Generated by `python -m processfactory.kpi.summary docs/kpi.md`; do not edit. -->",
        "",
        "Every run — simulated, captured live or imported — is reduced to a run record, and "
        "these KPIs are computed from it by one implementation (`processfactory.kpi`). Only "
        "the observed window [window_start, window_end] counts: the warm-up is excluded. A unit "
        "*exits in the window* when its exit time is in (window_start, window_end]. Times are in "
        "the scenario's time unit, money in its currency, distances in metres. A KPI that cannot "
        "be computed (for example no good unit in the window) is NaN in a single run and is left "
        "out of the mean over replications. Means over replications come with a 95 % Student t "
        "confidence interval.",
        "",
    ]
    for key in KPI_ORDER:
        label, unit = KPI_LABELS[key]
        shown_unit = (
            "fraction 0–1, shown as %"
            if unit == "%"
            else unit.format(time_unit="time unit", currency="currency")
        )
        lines += [f"## {label} (`{key}`)", "", f"Unit: {shown_unit}.", ""]
        lines += [KPI_DEFINITIONS[key], ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    text = render_kpi_docs()
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


__all__ = [
    "CONFIDENCE",
    "KPI_DEFINITIONS",
    "KPI_LABELS",
    "KPI_ORDER",
    "MAP_KPIS",
    "percent_change",
    "render_kpi_docs",
    "summarize",
]

if __name__ == "__main__":
    raise SystemExit(main())
