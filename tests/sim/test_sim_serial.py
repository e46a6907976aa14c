"""The serial-line recursion (sim/kernel_serial.py) against the calendar on the same lines.

The kernel runs plain serial lines (single servers, one product, push or CONWIP, a number of
units) by the departure-time recursion instead of its event calendar. Both must give the same run:
the same unit table and window bit for bit (the same sums and maxima on the same random numbers),
and the same station accruals up to the order of summation. Where simultaneous events meet the
window's edges the recursion hands over to the calendar, which then gives the record itself.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sim_helpers import scenario, with_run
from test_sim_properties import check_record, distributions, pos

from processfactory.eventlog.record import RunRecord
from processfactory.scenario.checks import check_scenario
from processfactory.scenario.model import Scenario
from processfactory.sim import codes as K
from processfactory.sim.compile import CompiledScenario, compile_scenario
from processfactory.sim.engine import _drop_stale_kernel_cache, run_replication

ACCRUALS = ("busy", "setup", "blocked", "starved", "down", "waiting_operator")


def calendar_only(compiled: CompiledScenario) -> CompiledScenario:
    ip = compiled.ip.copy()
    ip[K.IP_SERIAL] = 0
    return dataclasses.replace(compiled, ip=ip)


def assert_same_run(serial: RunRecord, calendar: RunRecord) -> None:
    assert serial.events is None
    assert (serial.window_start, serial.window_end) == (calendar.window_start, calendar.window_end)
    assert serial.units.equals(calendar.units, null_equal=True)
    a, b = serial.stations, calendar.stations
    assert a.columns == b.columns
    for col in a.columns:
        if col in ACCRUALS:
            np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-9, atol=1e-9)
        elif a[col].dtype == pl.Float64:
            np.testing.assert_array_equal(a[col].to_numpy(), b[col].to_numpy(), err_msg=col)
        else:
            assert a[col].to_list() == b[col].to_list(), col
    assert serial.operators.height == calendar.operators.height == 0


@st.composite
def serial_lines(draw: Any) -> Scenario:
    n = draw(st.integers(1, 6))
    stations: list[dict[str, Any]] = []
    for i in range(n):
        s: dict[str, Any] = {"id": f"s{i}", "time": draw(distributions())}
        buf = draw(st.sampled_from([None, 0, 1, 2, 3, 5]))
        if buf is not None:
            s["buffer"] = buf
        if not draw(st.booleans()):
            s["value_added"] = False
        stations.append(s)
    policy = draw(st.sampled_from(["push", "conwip"]))
    release: dict[str, Any] = {"policy": policy}
    if policy == "conwip":
        release["cap"] = draw(st.integers(1, 8))
    if draw(st.booleans()):
        release["arrivals"] = {"dist": "exponential", "mean": draw(pos)}
    data: dict[str, Any] = {"name": "serial", "stations": stations, "release": release}
    if draw(st.booleans()):
        # one product with its own time at the last station: still one route
        data["products"] = [{"id": "A", "times": {f"s{n - 1}": draw(distributions())}}]
    data["run"] = {
        "units": draw(st.integers(1, 300)),
        "warmup_units": draw(st.sampled_from([0, 0, 1, 10, 30])),
    }
    scn = Scenario.model_validate(data)
    assume(not check_scenario(scn))
    return scn


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(scn=serial_lines(), seed=st.integers(0, 2**32 - 1))
def test_recursion_gives_the_calendars_run(scn: Scenario, seed: int) -> None:
    compiled = compile_scenario(scn)
    assert compiled.ip[K.IP_SERIAL] == 1
    serial = run_replication(compiled, seed, 0)
    check_record(serial)
    assert_same_run(serial, run_replication(calendar_only(compiled), seed, 0))
    # and it is reproducible on its own, bit for bit
    assert run_replication(compiled, seed, 0).stations.equals(serial.stations)


@pytest.mark.parametrize("name", ["reference-line", "conwip-line", "single-desk"])
def test_issue_scenarios_take_the_recursion(name: str) -> None:
    scn = with_run(scenario(name), units=5000, warmup_units=500)
    compiled = compile_scenario(scn)
    assert compiled.ip[K.IP_SERIAL] == 1
    assert_same_run(run_replication(compiled, 3, 1), run_replication(calendar_only(compiled), 3, 1))


def test_ties_at_the_windows_edges_hand_over_to_the_calendar() -> None:
    # a balanced deterministic line: every station completes at the moment the run stops, in
    # the calendar's order; the recursion cannot know that order and must give the run over
    scn = scenario(
        {
            "name": "balanced",
            "stations": [{"id": f"s{i}", "time": 1.0, "buffer": 1} for i in range(3)],
            "release": {"policy": "push"},
            "run": {"units": 20, "warmup_units": 5},
        }
    )
    compiled = compile_scenario(scn)
    assert compiled.ip[K.IP_SERIAL] == 1
    rec = run_replication(compiled, 0, 0)
    cal = run_replication(calendar_only(compiled), 0, 0)
    # handed over: the accruals are the calendar's own, bit for bit
    assert rec.stations.equals(cal.stations)
    assert rec.units.equals(cal.units, null_equal=True)
    # the deterministic line's best case: one unit per time unit, three in the line
    assert rec.window_end - rec.window_start == pytest.approx(20.0)
    assert rec.stations["completions"].to_list() == [20, 20, 20]


@pytest.mark.parametrize(
    "change",
    [
        {"stations": [{"id": "a", "time": 1.0, "servers": 2}, {"id": "b", "time": 1.0}]},
        {"operators": [{"id": "op", "skills": ["a", "b"]}]},
        {"stations": [{"id": "a", "time": 1.0, "process_batch": 2}, {"id": "b", "time": 1.0}]},
        {"stations": [{"id": "a", "time": 1.0}, {"id": "b", "time": 1.0, "position": [4, 0]}]},
        {"run": {"duration": 100}},
        {"run": {"units": 50, "warmup_time": 5}},
        {"products": [{"id": "A", "routing": ["b", "a"]}]},
        {"release": {"policy": "kanban"}},
    ],
)
def test_other_lines_run_on_the_calendar(change: dict[str, Any]) -> None:
    data: dict[str, Any] = {
        "name": "not plain",
        "stations": [{"id": "a", "time": 1.0}, {"id": "b", "time": 1.0}],
        "release": {"policy": "push"},
        "run": {"units": 50},
    }
    data.update(change)
    assert compile_scenario(scenario(data)).ip[K.IP_SERIAL] == 0


def test_an_event_log_is_written_by_the_calendar() -> None:
    compiled = compile_scenario(with_run(scenario("reference-line"), units=300, warmup_units=0))
    logged = run_replication(compiled, 1, 0, events=True)
    assert logged.events is not None and logged.events.height > 0
    assert_same_run(run_replication(compiled, 1, 0), logged)


def test_a_change_to_any_kernel_module_drops_the_cached_kernel(tmp_path) -> None:
    # numba checks a cache entry against its own file only; run_kernel's entry also holds
    # kernel_serial's code and layout's constants, so any of them changing must drop it
    sim = tmp_path / "sim"
    (sim / "__pycache__").mkdir(parents=True)
    (tmp_path / "eventlog").mkdir()
    (tmp_path / "eventlog" / "schema.py").write_text("EV_START = 1\n")
    for name in ("kernel.py", "kernel_serial.py", "layout.py", "codes.py"):
        (sim / name).write_text(f"# {name}\n")
    entry = sim / "__pycache__" / "kernel.run_kernel-1.py311.nbi"
    other = sim / "__pycache__" / "other.nbi"
    for f in (entry, other):
        f.write_text("cached")
    _drop_stale_kernel_cache(sim)  # no stamp yet: whatever is cached is of unknown sources
    assert not entry.exists() and other.exists()
    entry.write_text("cached")
    _drop_stale_kernel_cache(sim)  # same sources: kept
    assert entry.exists()
    (sim / "kernel_serial.py").write_text("# changed\n")
    _drop_stale_kernel_cache(sim)
    assert not entry.exists()
