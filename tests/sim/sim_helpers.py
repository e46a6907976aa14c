"""Helpers for the simulation tests (tests/sim): build scenarios, run them, read event logs."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from processfactory.eventlog.record import RunRecord
from processfactory.scenario.loader import load_scenario, parse_scenario
from processfactory.scenario.model import Scenario
from processfactory.sim.compile import CompiledScenario, compile_scenario, stream_rng
from processfactory.sim.engine import run_replication

CASE = "case:concept:name"
ACT = "concept:name"
LIFE = "lifecycle:transition"


def scenario(source: str | dict[str, Any] | Scenario) -> Scenario:
    """A Scenario from YAML text, a plain dict, a library name or a Scenario."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, dict):
        return Scenario.model_validate(source)
    if "\n" not in source and ":" not in source:
        return load_scenario(source)
    return parse_scenario(source)


def with_run(scn: Scenario, **run: Any) -> Scenario:
    """A copy of ``scn`` with some ``run`` fields replaced (units, warmup_units, duration...)."""
    return scn.model_copy(update={"run": scn.run.model_copy(update=run)})


def run(
    source: str | dict[str, Any] | Scenario,
    *,
    seed: int = 0,
    replication: int = 0,
    events: bool = True,
) -> RunRecord:
    """Compile and run one replication."""
    return run_replication(compile_scenario(scenario(source)), seed, replication, events=events)


def stream_samples(
    compiled: CompiledScenario, name: str, n: int, seed: int, rep: int = 0
) -> np.ndarray:
    """The first ``n`` samples of the named stream of replication ``rep`` (what the engine uses)."""
    names = [s.name for s in compiled.streams]
    k = names.index(name)
    rng = stream_rng(seed, rep, k)
    return np.asarray(compiled.streams[k].sample(rng, n), dtype=np.float64)


def units_table(record: RunRecord) -> pl.DataFrame:
    return record.units.sort("unit")


def ops(record: RunRecord, station: str, transition: str = "start") -> pl.DataFrame:
    """Operation events of one station: columns unit (int) and time, in log order."""
    assert record.events is not None
    ev = record.events
    return ev.filter((pl.col(ACT) == station) & (pl.col(LIFE) == transition)).select(
        pl.col(CASE).cast(pl.Int64).alias("unit"), pl.col("time")
    )


def op_times_by_unit(record: RunRecord, station: str, transition: str, n: int) -> np.ndarray:
    """Time of each unit 0..n-1's single ``transition`` event at ``station`` (NaN if none)."""
    df = ops(record, station, transition)
    out = np.full(n, np.nan)
    units = df["unit"].to_numpy()
    times = df["time"].to_numpy()
    keep = units < n
    assert len(np.unique(units[keep])) == int(keep.sum()), f"{station}: a unit visited twice"
    out[units[keep]] = times[keep]
    return out


def activity(
    record: RunRecord, name: str, transition: str | None = None
) -> list[tuple[int, float]]:
    """(unit, time) pairs of an activity (e.g. 'release', 'exit', 'setup', 'move'), in log order."""
    assert record.events is not None
    ev = record.events.filter(pl.col(ACT) == name)
    if transition is not None:
        ev = ev.filter(pl.col(LIFE) == transition)
    return [
        (int(c), float(t)) for c, t in zip(ev[CASE].to_list(), ev["time"].to_list(), strict=True)
    ]


def timeline(record: RunRecord) -> list[tuple[float, str, str, str]]:
    """The event log as (time, case, activity, lifecycle) tuples in log order."""
    assert record.events is not None
    ev = record.events
    return list(
        zip(
            ev["time"].to_list(),
            ev[CASE].to_list(),
            ev[ACT].to_list(),
            ev[LIFE].to_list(),
            strict=True,
        )
    )


def station_row(record: RunRecord, station: str) -> dict[str, Any]:
    rows = record.stations.filter(pl.col("station") == station).to_dicts()
    assert len(rows) == 1
    return rows[0]


FRACTION_COLUMNS = ("busy", "setup", "blocked", "starved", "down", "waiting_operator")


def assert_station_time_balance(record: RunRecord, rel: float = 1e-9) -> None:
    """busy+setup+blocked+starved+down+waiting_operator = servers × window, per station."""
    window = record.window_end - record.window_start
    for row in record.stations.to_dicts():
        total = sum(row[c] for c in FRACTION_COLUMNS)
        expected = row["servers"] * window
        for c in FRACTION_COLUMNS:
            assert row[c] >= -1e-9 * max(1.0, expected), (row["station"], c, row[c])
        assert abs(total - expected) <= rel * max(1.0, expected), (row["station"], total, expected)


def trace(
    record: RunRecord, unit: int, skip: tuple[str, ...] = ("order",)
) -> list[tuple[str, str, float]]:
    """One unit's events as (activity, lifecycle, time) in log order, without ``skip``."""
    assert record.events is not None
    ev = record.events.filter(pl.col(CASE) == str(unit))
    return [
        (a, lc, t)
        for a, lc, t in zip(
            ev[ACT].to_list(), ev[LIFE].to_list(), ev["time"].to_list(), strict=True
        )
        if a not in skip
    ]


def ops_of(record: RunRecord, unit: int) -> list[tuple[str, float, float]]:
    """(station, start, complete) of each operation of a unit, in order."""
    out: list[tuple[str, float, float]] = []
    open_: dict[str, float] = {}
    for a, lc, t in trace(record, unit):
        if a in {"release", "exit", "scrap", "setup", "defect", "rework", "move", "order"}:
            continue
        if lc == "start":
            open_[a] = t
        else:
            out.append((a, open_.pop(a), t))
    return out


def column(record: RunRecord, name: str) -> list[Any]:
    return record.units.sort("unit")[name].to_list()
