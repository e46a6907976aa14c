"""A simulated event log survives export: pm4py reads the XES, polars reads Parquet and CSV,
and reducing the log gives back the engine's own units table."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import processfactory as pf
from processfactory.eventlog import read_event_log, record_from_event_log, write_event_log

pm4py = pytest.importorskip("pm4py")


@pytest.fixture(scope="module")
def simulated():
    result = pf.simulate("public-office", replications=1, seed=5, events=True, workers=1)
    return result.records[0]


def test_pm4py_reads_the_same_cases_and_events(tmp_path: Path, simulated) -> None:
    events = simulated.events
    path = tmp_path / "office.xes"
    write_event_log(events, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = pm4py.read_xes(str(path))
    assert len(log) == events.height
    assert log["case:concept:name"].nunique() == events["case:concept:name"].n_unique()
    assert events.height > 500


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".xes"])
def test_round_trip_keeps_every_event(tmp_path: Path, simulated, suffix: str) -> None:
    path = tmp_path / f"office{suffix}"
    write_event_log(simulated.events, path)
    back = read_event_log(path)
    assert back.height == simulated.events.height
    # XES groups events by trace, so compare in one canonical order
    key = ["case:concept:name", "time", "concept:name", "lifecycle:transition"]
    assert back.select(key).sort(key).equals(simulated.events.select(key).sort(key))


def test_reducing_the_log_gives_the_engines_units(simulated) -> None:
    office = pf.load_scenario("public-office")
    va = {st.id: st.value_added for st in office.stations}
    reduced = record_from_event_log(simulated.events, simulated.context, value_added=va)
    engine = simulated.units.filter(pl.col("status") != "backlog").sort("unit")
    mine = reduced.units.sort("unit")
    assert mine.height == engine.height
    np.testing.assert_allclose(mine["release"].to_numpy(), engine["release"].to_numpy())
    np.testing.assert_allclose(mine["exit"].to_numpy(), engine["exit"].to_numpy(), equal_nan=True)
    np.testing.assert_allclose(
        mine["value_added"].to_numpy(), engine["value_added"].to_numpy(), rtol=1e-9
    )
