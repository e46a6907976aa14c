"""The serial-line recursion (sim/kernel_serial.py) against the calendar on the same lines.

The kernel runs plain serial lines (single servers, one product, push or CONWIP, a number of
units) by the departure-time recursion instead of its event calendar. Both must give the same run:
the same unit table and window bit for bit (the same sums and maxima on the same random numbers),
and the same station accruals up to the order of summation. Where simultaneous events meet the
window's edges the recursion hands over to the calendar, which then gives the record itself.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from pathlib import Path
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
from processfactory.sim import engine
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


def run_paused(compiled: CompiledScenario, seed: int, step: int) -> RunRecord | None:
    """The recursion paused every ``step`` units, as while its streams are being drawn; None
    when it hands the run over (tie at the window's edge, streams or units to grow)."""
    from processfactory.sim import layout as KK

    streams = engine._Streams(compiled, seed, 0, threads=1)
    state = engine._build_state(compiled, streams, compiled.expected_units + 16, 1, False, True)
    X = state.IA
    drawn = step
    while True:
        X[KK.XP + K.IP_DRAWN] = drawn
        engine.kernel()((X, state.FA, streams.samples))
        if X[KK.XO + K.IO_STATUS] != K.PAUSED:
            break
        drawn += step
    if X[KK.XO + K.IO_STATUS] != K.OK:
        return None
    return engine._record(compiled, seed, 0, 1, state, False)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(scn=serial_lines(), seed=st.integers(0, 2**32 - 1), step=st.integers(1, 40))
def test_a_paused_recursion_goes_on_where_it_stopped(scn: Scenario, seed: int, step: int) -> None:
    # the engine runs the recursion on the parts of the streams drawn so far; pausing between
    # any two units and resuming must give the run it gives in one go, bit for bit
    compiled = compile_scenario(scn)
    paused = run_paused(compiled, seed, step)
    assume(paused is not None)
    assert paused is not None
    whole = run_replication(compiled, seed, 0)
    assert (paused.window_start, paused.window_end) == (whole.window_start, whole.window_end)
    assert paused.units.equals(whole.units, null_equal=True)
    assert paused.stations.equals(whole.stations, null_equal=True)


@pytest.mark.parametrize("name", ["reference-line", "conwip-line", "single-desk"])
def test_the_recursion_runs_while_its_streams_are_drawn(monkeypatch, name: str) -> None:
    # small parts in threads: the recursion pauses and resumes many times, at whatever moment
    # the draw threads have got to, and gives the run drawn and run in one go
    compiled = compile_scenario(with_run(scenario(name), units=3000, warmup_units=100))

    def slowly(sample: Any) -> Any:
        def drawn(rng: Any, n: int, out: Any = None) -> Any:
            time.sleep(0.0005)  # the recursion catches up with the draw threads
            return sample(rng, n, out=out)

        return drawn

    slow = [dataclasses.replace(s, sample=slowly(s.sample)) for s in compiled.streams]
    compiled = dataclasses.replace(compiled, streams=slow)
    monkeypatch.setattr(engine, "_PART", 64)
    monkeypatch.setattr(engine, "_THREADED_DRAWS_MIN", 1)
    monkeypatch.setattr(engine, "_draw_threads", lambda: 2)
    kernel = engine.kernel()
    calls = 0

    def counting(S: Any) -> None:
        nonlocal calls
        calls += 1
        kernel(S)

    monkeypatch.setattr(engine, "kernel", lambda: counting)
    for seed in range(3):
        alone = run_replication(compiled, seed, 0, threads=1)
        before = calls
        threaded = run_replication(compiled, seed, 0, threads=2)
        assert calls - before > 1  # paused at least once
        assert threaded.units.equals(alone.units, null_equal=True)
        assert threaded.stations.equals(alone.stations, null_equal=True)


def test_a_failing_draw_thread_is_an_error_not_a_hang(monkeypatch) -> None:
    compiled = compile_scenario(with_run(scenario("reference-line"), units=3000))
    monkeypatch.setattr(engine, "_PART", 64)
    monkeypatch.setattr(engine, "_THREADED_DRAWS_MIN", 1)
    monkeypatch.setattr(engine, "_draw_threads", lambda: 2)
    sample = compiled.streams[2].sample
    calls = 0

    def failing(rng: Any, n: int, out: Any = None) -> Any:
        nonlocal calls
        calls += 1
        if calls == 5:
            raise MemoryError("no room for samples")
        return sample(rng, n, out=out)

    streams = list(compiled.streams)
    streams[2] = dataclasses.replace(streams[2], sample=failing)
    with pytest.raises(MemoryError, match="no room"):
        run_replication(dataclasses.replace(compiled, streams=streams), 1, 0, threads=2)


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


def kernel_sources(root: Path) -> Path:
    """A stand-in for the package's sim folder (the kernel's modules) and eventlog/schema.py."""
    sim = root / "sim"
    (sim / "__pycache__").mkdir(parents=True)
    (root / "eventlog").mkdir()
    (root / "eventlog" / "schema.py").write_text("EV_START = 1\n")
    for name in ("kernel.py", "kernel_serial.py", "layout.py", "codes.py"):
        (sim / name).write_text(f"# {name}\n")
    return sim


def assert_kept_until_a_source_changes(sim: Path, entry: Path, source: str) -> None:
    entry.write_text("cached")
    _drop_stale_kernel_cache(sim)  # same sources: kept
    assert entry.exists()
    (sim / source).write_text("# changed\n")
    _drop_stale_kernel_cache(sim)
    assert not entry.exists()


def test_a_change_to_any_kernel_module_drops_the_cached_kernel(tmp_path: Path) -> None:
    # numba checks a cache entry against its own file only; run_kernel's entry also holds
    # kernel_serial's code and layout's constants, so any of them changing must drop it
    sim = kernel_sources(tmp_path)
    entry = sim / "__pycache__" / "kernel.run_kernel-1.py311.nbi"
    other = sim / "__pycache__" / "other.nbi"
    for f in (entry, other):
        f.write_text("cached")
    _drop_stale_kernel_cache(sim)  # no stamp yet: whatever is cached is of unknown sources
    assert not entry.exists() and other.exists()
    assert_kept_until_a_source_changes(sim, entry, "kernel_serial.py")


def test_the_cached_kernel_in_numbas_own_cache_folder_is_dropped_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # NUMBA_CACHE_DIR moves numba's cache to <dir>/<source folder name>_<sha1 of its path>
    sim = kernel_sources(tmp_path)
    custom = tmp_path / "numba-cache"
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(custom))
    folder = os.path.abspath(sim)
    cache = custom / f"sim_{hashlib.sha1(folder.encode()).hexdigest()}"
    _drop_stale_kernel_cache(sim)  # nothing cached yet: the folder is made and stamped
    assert (cache / "kernel.sources").exists()
    assert_kept_until_a_source_changes(sim, cache / "kernel.run_kernel-1.py311.nbi", "layout.py")
