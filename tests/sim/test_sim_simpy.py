"""The engine against the independent SimPy model on the same random numbers.

Both simulators replay the same pre-drawn operation (and inter-arrival) times, so every per-unit
release, start, finish and exit time must agree exactly (the SimPy model computes ends as
``start + op_time`` like the engine; see tests/simpy_reference.py).
"""

from __future__ import annotations

import numpy as np
from sim_helpers import op_times_by_unit, scenario, stream_samples, with_run

from processfactory.sim.compile import compile_scenario
from processfactory.sim.engine import _Streams, run_replication
from simpy_reference import simulate_line

SEED = 20260101


def _compare(
    scn, *, servers=None, buffers, conwip_cap=None, arrivals=False, seed=SEED, rep=0, margin=300
):
    compiled = compile_scenario(scn)
    record = run_replication(compiled, seed, rep, events=True)
    units = record.units.sort("unit")
    n_engine = units.height
    n_ref = n_engine + margin
    ids = compiled.station_ids
    op_times = [stream_samples(compiled, f"{s}.time", n_ref, seed, rep) for s in ids]
    # the engine's own streams are prefixes of these
    drawn = _Streams(compiled, seed, rep)
    parts = [drawn.stream(k) for k in range(len(drawn.len))]
    for k in range(len(ids)):  # the <station>.time streams come first, in station order
        m = min(len(parts[k]), n_ref)
        np.testing.assert_array_equal(parts[k][:m], op_times[k][:m])
    ia = stream_samples(compiled, "arrivals", n_ref, seed, rep) if arrivals else None
    ref = simulate_line(
        op_times,
        buffers=buffers,
        servers=servers,
        inter_arrivals=ia,
        conwip_cap=conwip_cap,
        n_units=n_ref,
    )

    exit_ = units["exit"].to_numpy()
    done = np.isfinite(exit_)
    n_done = int(done.sum())
    assert n_done >= scn.run.units
    # every unit the engine finished, compared time for time
    idx = np.flatnonzero(done)
    np.testing.assert_array_equal(units["release"].to_numpy()[idx], ref["release"][idx])
    np.testing.assert_array_equal(exit_[idx], ref["exit"][idx])
    np.testing.assert_array_equal(units["order_arrival"].to_numpy()[idx], ref["order_arrival"][idx])
    for j, s in enumerate(ids):
        start = op_times_by_unit(record, s, "start", n_engine)
        finish = op_times_by_unit(record, s, "complete", n_engine)
        np.testing.assert_array_equal(start[idx], ref["start"][idx, j], err_msg=f"start at {s}")
        np.testing.assert_array_equal(finish[idx], ref["finish"][idx, j], err_msg=f"finish at {s}")
    # units still inside at the stop: whatever the engine logged happened in SimPy too
    inside = np.flatnonzero(~done & np.isfinite(units["release"].to_numpy()))
    if inside.size:
        np.testing.assert_array_equal(units["release"].to_numpy()[inside], ref["release"][inside])
    return record, ref


def test_reference_line_matches_simpy():
    scn = with_run(scenario("reference-line"), units=2000, warmup_units=0)
    _compare(scn, buffers=[None, 3, 3, 3, 3])


def test_reference_line_other_replication_matches_simpy():
    scn = with_run(scenario("reference-line"), units=1000, warmup_units=0)
    _compare(scn, buffers=[None, 3, 3, 3, 3], seed=7, rep=3)


def test_conwip_line_with_arrivals_matches_simpy():
    scn = with_run(scenario("conwip-line"), units=2000, warmup_units=0)
    record, ref = _compare(scn, buffers=[None, 3, 3], conwip_cap=8, arrivals=True)
    # orders queue outside: some orders waited for a CONWIP card
    units = record.units
    assert (units["release"] > units["order_arrival"]).sum() > 0


def test_parallel_servers_with_blocking_matches_simpy():
    scn = scenario(
        """
name: two-server line
stations:
  - {id: a, time: {dist: exponential, mean: 1.0}}
  - {id: b, time: {dist: exponential, mean: 1.9}, servers: 2, buffer: 2}
  - {id: c, time: {dist: lognormal, mean: 0.9, cv: 0.8}, buffer: 1}
run: {units: 2000}
"""
    )
    _compare(scn, servers=[1, 2, 1], buffers=[None, 2, 1])


def test_parallel_servers_with_arrivals_unlimited_buffers_matches_simpy():
    scn = scenario(
        """
name: M/M/2 then M/M/1
stations:
  - {id: a, time: {dist: exponential, mean: 1.5}, servers: 2}
  - {id: b, time: {dist: exponential, mean: 0.8}}
release: {policy: push, arrivals: {dist: exponential, mean: 1.0}}
run: {units: 2000}
"""
    )
    _compare(scn, servers=[2, 1], buffers=[None, None], arrivals=True)


def test_deterministic_ties_at_parallel_servers_match_simpy():
    # integer times make simultaneous finishes at the 2-server station: the unit that started
    # first must enter the next buffer first
    scn = scenario(
        """
name: ties
stations:
  - {id: a, time: {dist: empirical, values: [1, 1, 2]}}
  - {id: b, time: {dist: empirical, values: [2, 3]}, servers: 2, buffer: 1}
  - {id: c, time: {dist: empirical, values: [1, 2]}, buffer: 0}
run: {units: 500}
"""
    )
    _compare(scn, servers=[1, 2, 1], buffers=[None, 1, 0])


def test_conwip_saturated_parallel_matches_simpy():
    scn = scenario(
        """
name: conwip saturated
stations:
  - {id: a, time: {dist: gamma, mean: 1.0, cv: 0.7}}
  - {id: b, time: {dist: exponential, mean: 1.8}, servers: 2, buffer: 2}
  - {id: c, time: {dist: uniform, low: 0.5, high: 1.3}}
release: {policy: conwip, cap: 5}
run: {units: 1500}
"""
    )
    _compare(scn, servers=[1, 2, 1], buffers=[None, 2, None], conwip_cap=5)
