"""Regression tests for engine bugs found by this suite (see the kernel's comments).

1. Kanban with arrivals or an order list never released anything: an order joining the backlog
   did not wake the first station (kanban pulls from the backlog).
2. Rework at the station that holds the unit, with a full buffer (e.g. buffer 0), deadlocked:
   the server waited for room in front of itself.
3. With breakdowns (failures are scheduled forever) a partial last batch of an order list was
   never finished and the run never ended; a real deadlock ran forever instead of being reported.
4. Two servers of one station finishing at the same instant handed their units on in server
   order instead of start order (see test_sim_simpy's tie test).
"""

from __future__ import annotations

import pytest
from sim_helpers import column, compile_scenario, ops_of, run, scenario, stream_samples

from processfactory.sim.engine import run_replication


def test_kanban_pulls_from_an_order_list():
    # one card: a takes the next order only when the unit before has left the line
    rec = run(
        """
name: kanban orders
stations: [{id: a, time: 1, kanban: 1}]
release: {policy: kanban, orders: [{quantity: 3, at: 0}]}
"""
    )
    assert column(rec, "release") == [0, 1, 2]
    assert column(rec, "exit") == [1, 2, 3]


def test_kanban_pulls_from_arrivals():
    # orders every 2 (first at 2), a takes 1: each is released on arrival
    rec = run(
        """
name: kanban arrivals
stations: [{id: a, time: 1, kanban: 1}, {id: b, time: 1}]
release: {policy: kanban, arrivals: 2}
run: {units: 3}
"""
    )
    assert column(rec, "release")[:3] == [2, 4, 6]
    assert column(rec, "exit")[:3] == [4, 6, 8]


def test_rework_at_own_station_with_zero_buffer():
    # a (buffer 0) reworks its own defects. a.defects reads [defect, ok, ok].
    # u0: a 0-1 defective, rejoins a's queue at once and is reworked 1-2, exits 2.
    # u1 waits outside (no room at a) until a is free again at 2: a 2-3.
    text = """
name: self rework
stations:
  - {id: a, time: 1, buffer: 0, defects: {rate: 0.5}}
release: {orders: [{quantity: 2, at: 0}]}
"""
    compiled = compile_scenario(scenario(text))
    seed = next(
        s
        for s in range(1000)
        if [bool(x < 0.5) for x in stream_samples(compiled, "a.defects", 3, s)]
        == [True, False, False]
    )
    rec = run_replication(compiled, seed, 0, events=True)
    assert ops_of(rec, 0) == [("a", 0, 1), ("a", 1, 2)]
    assert ops_of(rec, 1) == [("a", 2, 3)]
    assert column(rec, "release") == [0, 2]
    assert column(rec, "exit") == [2, 3]
    assert column(rec, "reworks") == [1, 0]


def test_rework_at_own_station_through_transfer_batch_area():
    # the same with a transfer batch: the defective unit waits in the outbound area and must
    # still be able to come back into its own station (this deadlocked before)
    text = """
name: self rework batch
stations:
  - {id: a, time: 1, buffer: 0, transfer_batch: 2, defects: {rate: 0.3}}
  - {id: b, time: 1, buffer: 0}
release: {orders: [{quantity: 20, at: 0}]}
"""
    for seed in range(20):
        rec = run(text, seed=seed)
        assert set(column(rec, "status")) == {"good"}


def _partial_batch(breakdowns: bool) -> str:
    brk = "breakdowns: {time_between: 100, repair: 1}" if breakdowns else ""
    return f"""
name: partial batch
stations:
  - {{id: a, time: 1, transfer_batch: 2}}
  - {{id: b, time: 1, {brk}}}
release: {{orders: [{{quantity: 3, at: 0}}]}}
"""


def test_partial_last_batch_is_finished_with_and_without_breakdowns():
    # u0, u1 move together at 2 (b 2-3, 3-4); u2 (done at 3) is the last unit: its batch can
    # never fill, so it leaves once nothing else can happen, at 4 (b 4-5)
    for breakdowns in (False, True):
        rec = run(_partial_batch(breakdowns))
        assert [ops_of(rec, u)[1] for u in range(3)] == [("b", 2, 3), ("b", 3, 4), ("b", 4, 5)]
        assert column(rec, "exit") == [3, 4, 5]
        assert rec.window_end == 5


def test_kanban_with_rework_is_refused_before_it_can_deadlock():
    # Under kanban a unit reworked at its own station keeps that station's card, so with all
    # cards taken it could never start again: the loader refuses the combination instead.
    from processfactory.scenario.loader import ScenarioError, parse_scenario

    text = """
name: kanban self rework
stations:
  - {id: a, time: 1, kanban: 1, defects: {rate: 0.5}}
release: {policy: kanban, orders: [{quantity: 3, at: 0}]}
"""
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "kanban.yaml")
    message = str(err.value)
    assert "kanban.yaml:4" in message
    assert "stations[0].defects.action" in message
    assert "rework is not supported with release policy 'kanban'" in message
