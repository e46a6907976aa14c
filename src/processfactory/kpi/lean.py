"""Lean KPIs of one run, computed from its ``RunRecord``.

Every figure counts only the observed window ``[window_start, window_end]`` (the warm-up is
excluded). Conventions used throughout, with ``ws``/``we`` the window bounds and ``L = we - ws``
its length (``time_unit``):

* a unit *exits in the window* when its exit time is in ``(ws, we]`` — half-open at the start
  because a warm-up that ends "after N units" ends at the N-th exit, which belongs to the warm-up;
* a unit is *released in the window* when its release time is in ``[ws, we]``;
* WIP at time t counts units with ``release <= t < exit`` (a unit that never exits stays WIP);
* a unit with an exit time is scrapped if its status is ``scrap`` and good otherwise (the
  record's contract sets an exit only for finished or scrapped units).

The exact definitions are in ``processfactory.kpi.summary.KPI_DEFINITIONS`` and ``docs/kpi.md``.
Figures that cannot be computed (empty window, no good units, division by zero) are NaN; no KPI
raises or warns for lack of data.

Performance: ``compute_kpis`` runs once per replication, so it reads each column once as a
numpy array (zero-copy for Float64 columns without nulls), touches the stations and operators
tables as plain rows (they have a handful of rows) and never groups in polars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from processfactory.scenario.model import TIME_UNIT_SECONDS

if TYPE_CHECKING:
    # typing only: the eventlog package reduces logs to records and may itself use KPIs
    from processfactory.eventlog.record import RunRecord

NAN = float("nan")

STATION_FRACTIONS = ("utilization", "blocked", "starved", "setup", "down", "waiting_operator")
"""Per-station KPIs that are a stations-table column ÷ (servers × window length)."""

_STATION_COLUMNS = {
    "utilization": "busy",
    "blocked": "blocked",
    "starved": "starved",
    "setup": "setup",
    "down": "down",
    "waiting_operator": "waiting_operator",
}


def _div(num: float, den: float) -> float:
    """num ÷ den as a Python float; NaN for a zero or NaN divisor, a NaN numerator or ±inf."""
    if den == 0 or den != den or num != num:
        return NAN
    out = float(num) / float(den)
    return out if math.isfinite(out) else NAN


def _float_col(df: pl.DataFrame, name: str) -> np.ndarray:
    # Float64 without nulls comes out zero-copy; nulls become NaN, integers are cast once.
    arr = df.get_column(name).to_numpy()
    return arr if arr.dtype == np.float64 else arr.astype(np.float64)


def _hours_per_time_unit(time_unit: str) -> float:
    try:
        return TIME_UNIT_SECONDS[time_unit] / 3600.0
    except KeyError:
        raise ValueError(
            f"unknown time_unit {time_unit!r}; expected one of {sorted(TIME_UNIT_SECONDS)}"
        ) from None


def _window_length(record: RunRecord) -> float:
    length = float(record.window_end) - float(record.window_start)
    return length if math.isfinite(length) and length > 0 else NAN


def _window_hours(record: RunRecord) -> float:
    return _window_length(record) * _hours_per_time_unit(record.context.time_unit)


@dataclass(frozen=True, slots=True)
class _Units:
    """The unit columns the KPIs read, as numpy arrays, and the window masks."""

    order_arrival: np.ndarray
    release: np.ndarray
    exit: np.ndarray
    lead: np.ndarray
    """exit − release (NaN unless both are set)."""
    value_added: np.ndarray
    reworks: np.ndarray
    due: np.ndarray
    material_cost: np.ndarray
    is_scrap: np.ndarray
    """status == "scrap"."""
    exited: np.ndarray
    """Exit time in (ws, we]."""
    good: np.ndarray
    """Good and exited in the window."""
    scrap: np.ndarray
    """Scrapped and exited in the window."""

    @classmethod
    def of(cls, record: RunRecord) -> _Units:
        u = record.units
        ws, we = record.window_start, record.window_end
        release = _float_col(u, "release")
        exit_ = _float_col(u, "exit")
        # By the record's contract a unit with an exit time is good or scrapped, so one string
        # comparison is enough (each costs more than all the numpy work on 10k units); most
        # runs scrap nothing, and then no mask need be converted or combined.
        scrapped = u.get_column("status") == "scrap"
        exited = (exit_ > ws) & (exit_ <= we)
        if scrapped.any():
            is_scrap = scrapped.to_numpy()
            good, scrap = exited & ~is_scrap, exited & is_scrap
        else:
            is_scrap = scrap = np.zeros(len(exit_), np.bool_)
            good = exited
        return cls(
            order_arrival=_float_col(u, "order_arrival"),
            release=release,
            exit=exit_,
            lead=exit_ - release,
            value_added=_float_col(u, "value_added"),
            reworks=u.get_column("reworks").to_numpy(),
            due=_float_col(u, "due"),
            material_cost=_float_col(u, "material_cost"),
            is_scrap=is_scrap,
            exited=exited,
            good=good,
            scrap=scrap,
        )


def _wip_area(release: np.ndarray, exit_: np.ndarray, ws: float, we: float) -> float:
    """Σ over units of |[release, exit) ∩ [ws, we]| (unit × time_unit)."""
    # fmin maps a NaN exit (still inside) to the window end; a NaN release gives a NaN overlap
    # that fmax turns into 0, as does a life entirely outside the window (negative overlap).
    overlap = np.fmin(exit_, we)
    overlap -= np.maximum(release, ws)
    return float(np.fmax(overlap, 0.0, out=overlap).sum())


def _finite(values: np.ndarray) -> np.ndarray:
    # The common case has no NaN at all; checking the sum first avoids a copy then.
    return values if math.isfinite(values.sum()) else values[np.isfinite(values)]


def _mean(values: np.ndarray) -> float:
    finite = _finite(values)
    return float(finite.mean()) if finite.size else NAN


def _masked_mean(values: np.ndarray, mask: np.ndarray) -> float:
    """_mean(values[mask]) without copying the selection when no selected value is NaN/inf."""
    n = np.count_nonzero(mask)
    total = float(values.sum(where=mask)) if n else 0.0
    return total / float(n) if n and math.isfinite(total) else _mean(values[mask])


def _percentiles(values: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """numpy's default ('linear') percentiles of a non-empty array, bit for bit.

    np.percentile (and np.partition with several kth) dominated compute_kpis' time; partitioning
    at one index at a time, each time only the part above the previous one, is several times
    faster. The neighbour above index k after partitioning at k is the minimum of the rest.
    """
    n = values.size
    part = values.copy()
    start = 0
    out = []
    for q in sorted(qs):
        h = (n - 1) * (q / 100.0)
        lo = int(h)
        if lo >= start:
            part[start:].partition(lo - start)
            start = lo + 1
        a = float(part[lo])
        b = float(part[lo + 1 :].min()) if lo + 1 < n else a
        t = h - lo
        # numpy's _lerp: interpolate from the nearer end so that t = 1 returns b exactly
        out.append(b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t)
    return [out[sorted(qs).index(q)] for q in qs]


def _pce(u: _Units) -> float:
    # a zero lead time has no meaningful ratio; leaving it out also avoids dividing by zero
    counted = u.good & (u.lead > 0)
    ratio = np.divide(u.value_added, u.lead, out=np.zeros_like(u.lead), where=counted)
    return _masked_mean(ratio, counted)


def _unit_cost(record: RunRecord, u: _Units, wip: float, n_good: int) -> float:
    ctx = record.context
    hours = _window_hours(record)
    material = float(u.material_cost.sum(where=u.exited))
    if not math.isfinite(material):
        material = float(np.nansum(u.material_cost[u.exited]))
    cost = ctx.labour_rate * ctx.operators * hours + material + ctx.holding_cost * wip * hours
    return _div(cost, float(n_good))


def _on_time_delivery(u: _Units, ws: float, we: float) -> float:
    due = u.due
    # NaN due compares False everywhere, so units without a due date drop out here; a NaN exit
    # fails exit <= due, so units still inside are late
    counted = due <= we
    if not counted.any():
        return NAN  # no due dates (or none by the window's end): nothing is counted
    counted &= u.exited | (due > ws)
    on_time = counted & ~u.is_scrap & (u.exit <= due)
    return _div(float(np.count_nonzero(on_time)), float(np.count_nonzero(counted)))


def _station_maps(record: RunRecord) -> dict[str, dict[str, float]]:
    """The per-station fractions and cycle times, from the table's rows (a few stations)."""
    st = record.stations
    length = _window_length(record)
    cols = {name: i for i, name in enumerate(st.columns)}
    sid, servers = cols["station"], cols["servers"]
    fraction_cols = [(key, cols[_STATION_COLUMNS[key]]) for key in STATION_FRACTIONS]
    done, first, last = cols["completions"], cols["first_completion"], cols["last_completion"]
    maps: dict[str, dict[str, float]] = {key: {} for key in STATION_FRACTIONS}
    cycle: dict[str, float] = {}
    for row in st.rows():
        capacity = NAN if row[servers] is None else row[servers] * length
        for key, i in fraction_cols:
            maps[key][row[sid]] = NAN if row[i] is None else _div(row[i], capacity)
        n, t0, t1 = row[done], row[first], row[last]
        cycle[row[sid]] = (
            _div(t1 - t0, n - 1) if n is not None and n >= 2 and None not in (t0, t1) else NAN
        )
    maps["station_cycle_time"] = cycle
    return maps


def _operator_utilization(record: RunRecord) -> dict[str, float]:
    op = record.operators
    length = _window_length(record)
    cols = {name: i for i, name in enumerate(op.columns)}
    oid, busy, setup = cols["operator"], cols["busy"], cols["setup"]
    return {
        row[oid]: NAN if None in (row[busy], row[setup]) else _div(row[busy] + row[setup], length)
        for row in op.rows()
    }


# --- individual KPIs ------------------------------------------------------------------------


def lead_times(record: RunRecord) -> np.ndarray:
    """Lead times exit − release (time_unit) of units exiting in the window, good and scrapped.

    In the order of ``record.units``; units without a release time are left out.
    """
    u = _Units.of(record)
    lt = u.lead[u.exited]
    finite: np.ndarray = lt[np.isfinite(lt)]
    return finite


def throughput(record: RunRecord) -> float:
    """Good units exiting in the window ÷ window length (units per time_unit)."""
    n_good = np.count_nonzero(_Units.of(record).good)
    return _div(float(n_good), _window_length(record))


def time_average_wip(record: RunRecord) -> float:
    """Time-average number of released, unfinished units over the window (units).

    = Σ over units of the length of [release, exit) ∩ [window_start, window_end] ÷ window length,
    with exit = +∞ for units still inside and 0 for units never released.
    """
    u = record.units
    area = _wip_area(
        _float_col(u, "release"), _float_col(u, "exit"), record.window_start, record.window_end
    )
    return _div(area, _window_length(record))


def littles_law_ratio(record: RunRecord) -> float:
    """WIP ÷ (TH_all × mean lead time), dimensionless; TH_all counts good and scrapped exits.

    Exactly 1 (up to rounding) when every unit is released and exits inside the window; close to
    1 on a long run, the difference coming from lives cut by the window edges.
    """
    u = _Units.of(record)
    length = _window_length(record)
    wip = _div(_wip_area(u.release, u.exit, record.window_start, record.window_end), length)
    th_all = _div(float(np.count_nonzero(u.exited)), length)
    return _div(wip, th_all * _mean(u.lead[u.exited]))


def labour_productivity(record: RunRecord) -> float:
    """Good units exiting in the window ÷ (operators × window hours) (units per operator-hour)."""
    n_good = np.count_nonzero(_Units.of(record).good)
    return _div(float(n_good), record.context.operators * _window_hours(record))


def first_pass_yield(record: RunRecord) -> float:
    """Units exiting in the window good with no rework ÷ all units exiting in it (0–1)."""
    u = _Units.of(record)
    first_pass = np.count_nonzero(u.good & (u.reworks == 0))
    return _div(float(first_pass), float(np.count_nonzero(u.exited)))


def process_cycle_efficiency(record: RunRecord) -> float:
    """Mean over good units exiting in the window of value-added time ÷ lead time (0–1)."""
    return _pce(_Units.of(record))


def unit_cost(record: RunRecord) -> float:
    """Cost per good unit (currency per unit).

    = (labour_rate × operators × window hours + material_cost of good and scrapped units exiting
    in the window + holding_cost × WIP × window hours) ÷ good units exiting in the window.
    """
    u = _Units.of(record)
    wip = _div(
        _wip_area(u.release, u.exit, record.window_start, record.window_end),
        _window_length(record),
    )
    return _unit_cost(record, u, wip, int(np.count_nonzero(u.good)))


def station_utilization(record: RunRecord) -> dict[str, float]:
    """Per station id: busy ÷ (servers × window length) (0–1 when the record is consistent)."""
    return _station_maps(record)["utilization"]


# --- all KPIs --------------------------------------------------------------------------------


def compute_kpis(record: RunRecord) -> dict[str, float | dict[str, float]]:
    """All lean KPIs of one run (definitions: ``KPI_DEFINITIONS`` in ``kpi.summary``).

    Scalars are floats (counts ``units_*`` are ints); per-station and per-operator maps are
    dicts keyed by station / operator id. ``takt_time`` is present only when the context has one,
    ``demand_fulfilment`` only when it has ``demand_units``. Times are in the context's
    ``time_unit``, money in its ``currency``, distances in metres, areas in m².
    """
    ctx = record.context
    ws, we = float(record.window_start), float(record.window_end)
    length = _window_length(record)
    u = _Units.of(record)

    n_good = int(np.count_nonzero(u.good))
    n_exited = int(np.count_nonzero(u.exited))
    lt = _finite(u.lead[u.exited])
    if lt.size:
        lead_time = float(lt.mean())
        median, p90 = _percentiles(lt, (50.0, 90.0))
    else:
        lead_time = median = p90 = NAN

    wip = _div(_wip_area(u.release, u.exit, ws, we), length)
    th_all = _div(float(n_exited), length)

    kpis: dict[str, float | dict[str, float]] = {
        "lead_time": lead_time,
        "lead_time_median": median,
        "lead_time_p90": p90,
        "order_lead_time": _masked_mean(u.exit - u.order_arrival, u.exited),
        "throughput": _div(float(n_good), length),
        "wip": wip,
        "littles_law_ratio": _div(wip, th_all * lead_time),
        "labour_productivity": _div(float(n_good), ctx.operators * _window_hours(record)),
        "fpy": _div(float(np.count_nonzero(u.good & (u.reworks == 0))), float(n_exited)),
        "pce": _pce(u),
        "unit_cost": _unit_cost(record, u, wip, n_good),
        "walking_distance": _div(record.walking_total, float(n_good)),
        "walking_distance_total": float(record.walking_total),
        "floor_area": float(ctx.floor_area),
    }
    if ctx.takt_time is not None:
        kpis["takt_time"] = float(ctx.takt_time)
    kpis["on_time_delivery"] = _on_time_delivery(u, ws, we)
    if ctx.demand_units is not None:
        kpis["demand_fulfilment"] = _div(float(n_good), float(ctx.demand_units))
    kpis["units_good"] = n_good
    kpis["units_scrapped"] = int(np.count_nonzero(u.scrap))
    kpis["units_released"] = int(np.count_nonzero((u.release >= ws) & (u.release <= we)))
    kpis.update(_station_maps(record))
    kpis["operator_utilization"] = _operator_utilization(record)
    return kpis


__all__ = [
    "STATION_FRACTIONS",
    "compute_kpis",
    "first_pass_yield",
    "labour_productivity",
    "lead_times",
    "littles_law_ratio",
    "process_cycle_efficiency",
    "station_utilization",
    "throughput",
    "time_average_wip",
    "unit_cost",
]
