"""Exact timelines of tiny hand-computed cases (deterministic times).

Every expected time below was worked out by hand from the modelling rules (docs/scenario.md and
the kernel's docstring); the comments give the reasoning. Times are small integers (or exact
binary fractions), so the comparisons are exact.
"""

from __future__ import annotations

import math

from sim_helpers import (
    assert_station_time_balance,
    column,
    compile_scenario,
    ops_of,
    run,
    station_row,
    stream_samples,
    trace,
)

from processfactory.kpi import compute_kpis
from processfactory.sim.engine import run_replication


def _seed_with(compiled, stream: str, rate: float, pattern: list[bool]) -> int:
    """The first seed whose ``stream`` of uniforms gives defects (u < rate) in ``pattern``."""
    for seed in range(10_000):
        u = stream_samples(compiled, stream, len(pattern), seed)
        if [bool(x < rate) for x in u] == pattern:
            return seed
    raise AssertionError("no seed found")  # pragma: no cover


# ------------------------------------------------------------------------- serial blocking


def test_serial_line_with_zero_buffers_blocks():
    # a=2, b=3 (buffer 0), c=1 (buffer 0), saturated supply, single servers.
    # u0: a 0-2, b 2-5, c 5-6.  u1: a 2-4, blocked 4-5 (b busy, no buffer), b 5-8, c 8-9.
    # u2: a starts when a is freed at 5: 5-7, blocked 7-8, b 8-11, c 11-12.
    # u3: a 8-10, blocked 10-11, b 11-14, c 14-15 -> 4th exit at 15 ends the run.
    rec = run(
        """
name: blocking
stations:
  - {id: a, time: 2}
  - {id: b, time: 3, buffer: 0}
  - {id: c, time: 1, buffer: 0}
run: {units: 4}
"""
    )
    assert ops_of(rec, 0) == [("a", 0, 2), ("b", 2, 5), ("c", 5, 6)]
    assert ops_of(rec, 1) == [("a", 2, 4), ("b", 5, 8), ("c", 8, 9)]
    assert ops_of(rec, 2) == [("a", 5, 7), ("b", 8, 11), ("c", 11, 12)]
    assert ops_of(rec, 3) == [("a", 8, 10), ("b", 11, 14), ("c", 14, 15)]
    # saturated supply: released when a takes it
    assert column(rec, "release")[:6] == [0, 2, 5, 8, 11, 14]
    assert column(rec, "exit")[:4] == [6, 9, 12, 15]
    assert column(rec, "status")[:6] == ["good"] * 4 + ["wip"] * 2
    assert (rec.window_start, rec.window_end) == (0, 15)
    # u4: a 11-13, blocked 13-14; u5: a 14-(16)
    a, b, c = (station_row(rec, s) for s in "abc")
    assert (a["busy"], a["blocked"], a["starved"]) == (11, 4, 0)
    assert (b["busy"], b["blocked"], b["starved"]) == (13, 0, 2)
    assert (c["busy"], c["blocked"], c["starved"]) == (4, 0, 11)
    assert (a["completions"], b["completions"], c["completions"]) == (5, 4, 4)
    assert_station_time_balance(rec)


# ------------------------------------------------------------------------- parallel servers


def test_parallel_servers_with_arrivals():
    # orders every 1 (first at 1); a has 2 servers of 3; b takes 1.
    # u0 arrives 1: a 1-4, b 4-5. u1 arrives 2: a 2-5, b 5-6. u2 arrives 3, waits: a 4-7, b 7-8.
    # u3 arrives 4: a 5-8, b 8-9.
    rec = run(
        """
name: parallel
stations:
  - {id: a, time: 3, servers: 2}
  - {id: b, time: 1}
release: {arrivals: 1}
run: {units: 4}
"""
    )
    assert ops_of(rec, 0) == [("a", 1, 4), ("b", 4, 5)]
    assert ops_of(rec, 1) == [("a", 2, 5), ("b", 5, 6)]
    assert ops_of(rec, 2) == [("a", 4, 7), ("b", 7, 8)]
    assert ops_of(rec, 3) == [("a", 5, 8), ("b", 8, 9)]
    # push with arrivals: released at the order's arrival, into a's buffer
    assert column(rec, "order_arrival")[:4] == [1, 2, 3, 4]
    assert column(rec, "release")[:4] == [1, 2, 3, 4]
    assert column(rec, "exit")[:4] == [5, 6, 8, 9]
    # servers are named station#k and both are used
    res = rec.events.filter(rec.events["concept:name"] == "a")["org:resource"].unique().sort()
    assert res.to_list() == ["a#0", "a#1"]
    a = station_row(rec, "a")
    assert a["servers"] == 2
    assert_station_time_balance(rec)


def test_parallel_servers_saturated_start_together():
    # both servers of a pull a unit at time 0 and again at 3
    rec = run(
        """
name: parallel saturated
stations:
  - {id: a, time: 3, servers: 2}
  - {id: b, time: 1}
run: {units: 4}
"""
    )
    assert [ops_of(rec, u) for u in range(4)] == [
        [("a", 0, 3), ("b", 3, 4)],
        [("a", 0, 3), ("b", 4, 5)],
        [("a", 3, 6), ("b", 6, 7)],
        [("a", 3, 6), ("b", 7, 8)],
    ]
    assert column(rec, "release")[:4] == [0, 0, 3, 3]


# ------------------------------------------------------------------------- batches


def test_process_batch_waits_for_a_full_batch():
    # a=1 feeds an oven b (process batch 3, 5 per batch), then c=1.
    # u0,u1,u2 leave a at 1,2,3; the oven runs them 3-8; u3..u5 (ready at 4,5,6) run 8-13.
    # c: u0 8-9, u1 9-10, u2 10-11, u3 13-14, u4 14-15, u5 15-16.
    rec = run(
        """
name: oven
stations:
  - {id: a, time: 1}
  - {id: b, time: 5, process_batch: 3}
  - {id: c, time: 1}
run: {units: 6}
"""
    )
    expected_b = [(3, 8)] * 3 + [(8, 13)] * 3
    expected_c = [(8, 9), (9, 10), (10, 11), (13, 14), (14, 15), (15, 16)]
    for u in range(6):
        a, b, c = ops_of(rec, u)
        assert a == ("a", u, u + 1)
        assert b == ("b", *expected_b[u])
        assert c == ("c", *expected_c[u])
    # value added: a 1 + the whole batch time 5 + c 1
    assert column(rec, "value_added")[:6] == [7.0] * 6
    b = station_row(rec, "b")
    # a third batch (u6..u8, ready at 7, 8, 9) runs from 13 until the stop at 16: 5 + 5 + 3
    assert b["busy"] == 13
    assert b["completions"] == 6


def test_transfer_batch_moves_units_together():
    # a=1 with transfer batch 2, b=1: u0 waits at a until u1 is done at 2, then both move.
    # b: u0 2-3, u1 3-4; u2, u3 done at a at 3 and 4, move at 4: b 4-5, 5-6.
    rec = run(
        """
name: transfer batch
stations:
  - {id: a, time: 1, transfer_batch: 2}
  - {id: b, time: 1}
run: {units: 4}
"""
    )
    assert [ops_of(rec, u) for u in range(4)] == [
        [("a", 0, 1), ("b", 2, 3)],
        [("a", 1, 2), ("b", 3, 4)],
        [("a", 2, 3), ("b", 4, 5)],
        [("a", 3, 4), ("b", 5, 6)],
    ]
    assert column(rec, "exit")[:4] == [3, 4, 5, 6]
    # the server of a is not blocked while its finished unit waits for the batch
    assert station_row(rec, "a")["blocked"] == 0


def test_transfer_batch_with_transport_takes_walking_time():
    # a at (0,0), b at (20,10): manhattan 30 m at 0.5 m/s = 60 s = 1 min per move.
    # batch {u0, u1} leaves a at 2 and reaches b at 3: b u0 3-4, u1 4-5;
    # batch {u2, u3} leaves at 4, arrives 5: b u2 5-6, u3 6-7.
    rec = run(
        """
name: transport
stations:
  - {id: a, time: 1, transfer_batch: 2, position: [0, 0]}
  - {id: b, time: 1, position: [20, 10]}
layout: {walking_speed: 0.5, transport: true}
run: {units: 4}
"""
    )
    assert [ops_of(rec, u)[1] for u in range(4)] == [
        ("b", 3, 4),
        ("b", 4, 5),
        ("b", 5, 6),
        ("b", 6, 7),
    ]
    moves = [e for e in trace(rec, 0) if e[0] == "move"]
    assert moves == [("move", "start", 2.0), ("move", "complete", 3.0)]
    # every unit is carried 30 m; the walk is counted once per batch: batches leave at 2, 4
    # and 6 before the 4th exit at 7
    assert column(rec, "walking")[:4] == [30.0] * 4
    assert rec.walking_total == 90.0


# ------------------------------------------------------------------------- setups


def test_changeover_setup_between_products():
    # orders at 0: A, A, B, A. Setup 2 before the first unit and before each product change.
    # u0 (A): setup 0-2, op 2-3; u1 (A): op 3-4; u2 (B): setup 4-6, op 6-7; u3 (A): setup 7-9,
    # op 9-10. The run ends when every order is done.
    rec = run(
        """
name: changeover
stations:
  - {id: a, time: 1, setup: {time: 2}}
products: [{id: A}, {id: B}]
release:
  orders:
    - {product: A, quantity: 2, at: 0}
    - {product: B, quantity: 1, at: 0}
    - {product: A, quantity: 1, at: 0}
"""
    )
    assert trace(rec, 0) == [
        ("release", "complete", 0),
        ("setup", "start", 0),
        ("setup", "complete", 2),
        ("a", "start", 2),
        ("a", "complete", 3),
        ("exit", "complete", 3),
    ]
    assert [ops_of(rec, u) for u in range(4)] == [
        [("a", 2, 3)],
        [("a", 3, 4)],
        [("a", 6, 7)],
        [("a", 9, 10)],
    ]
    setups = [(u, e[1], e[2]) for u in range(4) for e in trace(rec, u) if e[0] == "setup"]
    assert setups == [
        (0, "start", 0),
        (0, "complete", 2),
        (2, "start", 4),
        (2, "complete", 6),
        (3, "start", 7),
        (3, "complete", 9),
    ]
    assert column(rec, "product") == ["A", "A", "B", "A"]
    assert column(rec, "exit") == [3, 4, 7, 10]
    a = station_row(rec, "a")
    assert (a["setup"], a["busy"], a["starved"]) == (6, 4, 0)
    assert rec.window_end == 10


def test_setup_on_every_batch():
    # setup 1 before every process batch of 2 (op 2): batches at 0 (setup 0-1, op 1-3) and 3.
    rec = run(
        """
name: batch setup
stations:
  - {id: a, time: 2, process_batch: 2, setup: {time: 1, on: batch}}
release: {orders: [{quantity: 4, at: 0}]}
"""
    )
    assert [ops_of(rec, u) for u in range(4)] == [
        [("a", 1, 3)],
        [("a", 1, 3)],
        [("a", 4, 6)],
        [("a", 4, 6)],
    ]
    assert station_row(rec, "a")["setup"] == 2


# ------------------------------------------------------------------------- quality


def test_defect_detected_downstream_is_reworked():
    # a=1 makes a defect (rate 0.5), found at inspection c (after b); reworked at a, then the
    # unit continues after c, i.e. exits. Random defects: pick a seed whose a.defects stream
    # reads [defect, ok (the rework), ok (u1)].
    # u0: a 0-1 (defect), b 1-2, c 2-3 (detected) -> a 3-4 (rework) -> exit 4.
    # u1 (both orders enter a's buffer at 0): a 1-2, b 2-3, c 3-4 -> exit 4; a is free again
    # when u0 comes back for rework at 3.
    text = """
name: rework
stations:
  - {id: a, time: 1, defects: {rate: 0.5, detected_at: c, action: rework}}
  - {id: b, time: 1}
  - {id: c, time: 1, value_added: false}
release: {orders: [{quantity: 2, at: 0}]}
"""
    from sim_helpers import scenario

    compiled = compile_scenario(scenario(text))
    seed = _seed_with(compiled, "a.defects", 0.5, [True, False, False])
    rec = run_replication(compiled, seed, 0, events=True)
    assert trace(rec, 0) == [
        ("release", "complete", 0),
        ("a", "start", 0),
        ("a", "complete", 1),
        ("b", "start", 1),
        ("b", "complete", 2),
        ("c", "start", 2),
        ("c", "complete", 3),
        ("defect", "complete", 3),
        ("rework", "complete", 3),
        ("a", "start", 3),
        ("a", "complete", 4),
        ("exit", "complete", 4),
    ]
    # orders released together at 0 into a's buffer: u1 starts a at 1
    assert ops_of(rec, 1) == [("a", 1, 2), ("b", 2, 3), ("c", 3, 4)]
    assert column(rec, "reworks") == [1, 0]
    assert column(rec, "status") == ["good", "good"]
    # rework does not add value; inspection c is not value adding
    assert column(rec, "value_added") == [2.0, 2.0]
    kpis = compute_kpis(rec)
    assert kpis["fpy"] == 0.5
    assert station_row(rec, "a")["completions"] == 3


def test_scrap_at_the_station_that_makes_it():
    # a.defects reads [ok, defect, ok]: u1 is scrapped when a completes it at 2.
    text = """
name: scrap
stations:
  - {id: a, time: 1, defects: {rate: 0.5, action: scrap}}
  - {id: b, time: 1}
release: {orders: [{quantity: 3, at: 0}]}
"""
    from sim_helpers import scenario

    compiled = compile_scenario(scenario(text))
    seed = _seed_with(compiled, "a.defects", 0.5, [False, True, False])
    rec = run_replication(compiled, seed, 0, events=True)
    assert ops_of(rec, 0) == [("a", 0, 1), ("b", 1, 2)]
    assert ops_of(rec, 1) == [("a", 1, 2)]
    assert ops_of(rec, 2) == [("a", 2, 3), ("b", 3, 4)]
    assert [e for e in trace(rec, 1) if e[0] in ("defect", "scrap", "exit")] == [
        ("defect", "complete", 2),
        ("scrap", "complete", 2),
    ]
    assert column(rec, "status") == ["good", "scrap", "good"]
    exit_ = column(rec, "exit")
    assert exit_ == [2, 2, 4]
    kpis = compute_kpis(rec)
    assert (kpis["units_good"], kpis["units_scrapped"]) == (2, 1)


# ------------------------------------------------------------------------- breakdowns


def test_breakdown_preempts_and_resumes():
    # a=4; failures 3 after the start / after each repair's end, repairs take 2.
    # u0: 0-4 would end at 4, down 3-5 -> ends 6. u1: 6-10, down 8-10 -> ends 12.
    rec = run(
        """
name: breakdown
stations:
  - id: a
    time: 4
    breakdowns: {time_between: 3, repair: 2}
release: {orders: [{quantity: 2, at: 0}]}
"""
    )
    assert [ops_of(rec, u) for u in range(2)] == [[("a", 0, 6)], [("a", 6, 12)]]
    assert column(rec, "exit") == [6, 12]
    a = station_row(rec, "a")
    assert (a["busy"], a["down"], a["starved"]) == (8, 4, 0)
    # value added counts the operation time, not the repair
    assert column(rec, "value_added") == [4.0, 4.0]
    assert_station_time_balance(rec)


def test_breakdown_while_idle_delays_the_next_start():
    # a=1; fails at 3 for 2. Orders: one at 0 (0-1) and one at 3.5 (waits for repair: 5-6).
    rec = run(
        """
name: idle breakdown
stations:
  - id: a
    time: 1
    breakdowns: {time_between: 3, repair: 2}
release: {orders: [{quantity: 1, at: 0}, {quantity: 1, at: 3.5}]}
"""
    )
    assert [ops_of(rec, u) for u in range(2)] == [[("a", 0, 1)], [("a", 5, 6)]]
    a = station_row(rec, "a")
    assert (a["busy"], a["down"], a["starved"]) == (2, 2, 2)


# ------------------------------------------------------------------------- release policies


def test_conwip_cap_with_saturated_supply():
    # cap 2, a=1, b=3: u0, u1 released at 0; a u0 0-1, u1 1-2; b u0 1-4, u1 4-7.
    # each exit releases the next unit: u2 at 4 (a 4-5, b 7-10), u3 at 7 (a 7-8, b 10-13).
    rec = run(
        """
name: conwip
stations:
  - {id: a, time: 1}
  - {id: b, time: 3}
release: {policy: conwip, cap: 2}
run: {units: 4}
"""
    )
    # the run stops at the 4th exit (13), before that exit releases another unit
    assert column(rec, "release") == [0, 0, 4, 7, 10]
    assert [ops_of(rec, u) for u in range(4)] == [
        [("a", 0, 1), ("b", 1, 4)],
        [("a", 1, 2), ("b", 4, 7)],
        [("a", 4, 5), ("b", 7, 10)],
        [("a", 7, 8), ("b", 10, 13)],
    ]
    assert column(rec, "exit")[:4] == [4, 7, 10, 13]
    assert compute_kpis(rec)["wip"] == 2.0


def test_kanban_card_limit():
    # a=1 with 2 cards, b=3. A card is freed when its unit starts at b.
    # a: u0 0-1 (b starts it at 1: card back), u1 1-2, u2 2-3; then both cards wait in b's
    # queue until b starts u1 at 4 -> a starts u3 at 4; b starts u2 at 7 -> a starts u4 at 7.
    rec = run(
        """
name: kanban
stations:
  - {id: a, time: 1, kanban: 2}
  - {id: b, time: 3}
release: {policy: kanban}
run: {units: 4}
"""
    )
    assert [ops_of(rec, u) for u in range(4)] == [
        [("a", 0, 1), ("b", 1, 4)],
        [("a", 1, 2), ("b", 4, 7)],
        [("a", 2, 3), ("b", 7, 10)],
        [("a", 4, 5), ("b", 10, 13)],
    ]
    assert column(rec, "release")[:6] == [0, 1, 2, 4, 7, 10]
    # a works 0-3, 4-5, 7-8 and 10-11 (u5) before the 4th exit at 13; it waits for a card
    # the rest of the time, which counts as starved (no work it may start)
    a = station_row(rec, "a")
    assert (a["busy"], a["blocked"], a["starved"]) == (6, 0, 7)
    assert_station_time_balance(rec)


def test_order_list_with_due_dates():
    # one desk of 2; orders: 2 units at 0 due 3, 1 at 1 due 7, 1 at 5 due 6.
    # u0 0-2 (on time), u1 2-4 (late), u2 4-6 (on time), u3 6-8 (late) -> OTD 2/4.
    rec = run(
        """
name: orders
stations:
  - {id: desk, time: 2}
release:
  orders:
    - {quantity: 2, at: 0, due: 3}
    - {quantity: 1, at: 1, due: 7}
    - {quantity: 1, at: 5, due: 6}
"""
    )
    assert column(rec, "order_arrival") == [0, 0, 1, 5]
    assert column(rec, "release") == [0, 0, 1, 5]
    assert column(rec, "due") == [3, 3, 7, 6]
    assert column(rec, "exit") == [2, 4, 6, 8]
    assert [ops_of(rec, u) for u in range(4)] == [
        [("desk", 0, 2)],
        [("desk", 2, 4)],
        [("desk", 4, 6)],
        [("desk", 6, 8)],
    ]
    assert rec.window_end == 8  # the run ends when every order is done
    kpis = compute_kpis(rec)
    assert kpis["on_time_delivery"] == 0.5
    assert kpis["units_good"] == 4
    assert kpis["lead_time"] == (2 + 4 + 5 + 3) / 4


def test_order_list_under_conwip_waits_outside():
    # cap 1: the second order (at 0) is released only when the first unit exits at 2
    rec = run(
        """
name: orders conwip
stations:
  - {id: desk, time: 2}
release:
  policy: conwip
  cap: 1
  orders: [{quantity: 2, at: 0}]
"""
    )
    assert column(rec, "order_arrival") == [0, 0]
    assert column(rec, "release") == [0, 2]
    assert column(rec, "exit") == [2, 4]
    assert compute_kpis(rec)["order_lead_time"] == 3.0


# ------------------------------------------------------------------------- operators


def test_shared_operator_walks_between_stations():
    # One person runs a (at x=0) and b (at x=60 m); walking 1 m/s: 60 m take 1 min.
    # a=2, b=1, two orders at 0. u0: a 0-2. Then b calls for the person, who is busy at a with
    # u1 2-4 (a has priority, and he is already there). At 4 he walks to b (4-5): b u0 5-6.
    # At 6 he is at b: u1 6-7.
    rec = run(
        """
name: shared operator
stations:
  - {id: a, time: 2, position: [0, 0]}
  - {id: b, time: 1, position: [60, 0]}
operators: [{id: op, skills: [a, b]}]
layout: {walking_speed: 1}
release: {orders: [{quantity: 2, at: 0}]}
"""
    )
    assert ops_of(rec, 0) == [("a", 0, 2), ("b", 5, 6)]
    assert ops_of(rec, 1) == [("a", 2, 4), ("b", 6, 7)]
    assert column(rec, "exit") == [6, 7]
    res = rec.events.filter(rec.events["lifecycle:transition"] == "start")["org:resource"]
    assert set(res.to_list()) == {"op#1"}
    op = rec.operators.to_dicts()
    assert len(op) == 1
    assert (op[0]["busy"], op[0]["walking"], op[0]["idle"], op[0]["distance"]) == (6, 1, 0, 60)
    b = station_row(rec, "b")
    # b's server holds u0 from 2 and waits for the person until he arrives at 5
    assert (b["starved"], b["waiting_operator"], b["busy"]) == (2, 3, 2)
    assert_station_time_balance(rec)


def test_walk_time_uses_seconds_per_time_unit():
    # time_unit h: 1800 m at 0.5 m/s = 3600 s = 1 h of walking.
    rec = run(
        """
name: walk in hours
time_unit: h
stations:
  - {id: a, time: 1, position: [0, 0]}
  - {id: b, time: 1, position: [900, 900]}
operators: [{id: op, skills: [a, b]}]
layout: {walking_speed: 0.5, metric: manhattan}
release: {orders: [{quantity: 1, at: 0}]}
"""
    )
    # a 0-1, walk 1-2, b 2-3
    assert ops_of(rec, 0) == [("a", 0, 1), ("b", 2, 3)]
    assert rec.operators["walking"].to_list() == [1.0]


# ------------------------------------------------------------------------- warm-up


def test_warmup_units_are_excluded_from_kpis():
    # one station of 1, saturated: exits at 1, 2, ...; the window opens at the 2nd exit (2) and
    # the run stops after 3 more exits (5).
    rec = run(
        """
name: warm-up
stations: [{id: a, time: 1}]
run: {warmup_units: 2, units: 3}
"""
    )
    assert (rec.window_start, rec.window_end) == (2, 5)
    kpis = compute_kpis(rec)
    assert kpis["units_good"] == 3
    assert kpis["throughput"] == 1.0
    assert kpis["wip"] == 1.0
    assert kpis["lead_time"] == 1.0
    # released at 2, 3, 4; the run stops at the exit at 5 before a takes the next unit
    assert kpis["units_released"] == 3
    a = station_row(rec, "a")
    assert (a["busy"], a["completions"], a["first_completion"], a["last_completion"]) == (
        3,
        3,
        3,
        5,
    )
    assert_station_time_balance(rec)


def test_warmup_time_then_duration():
    # a=2 saturated, warm-up 3, duration 9: window [3, 9]; exits in it at 4, 6, 8.
    rec = run(
        """
name: warm-up time
stations: [{id: a, time: 2}]
run: {warmup_time: 3, duration: 9}
"""
    )
    assert (rec.window_start, rec.window_end) == (3, 9)
    kpis = compute_kpis(rec)
    assert kpis["units_good"] == 3
    assert kpis["throughput"] == 0.5
    a = station_row(rec, "a")
    assert a["busy"] == 6
    assert math.isclose(kpis["utilization"]["a"], 1.0)
