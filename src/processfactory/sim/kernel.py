"""The event-scheduling kernel: one compiled loop over flat arrays.

This module is written in the numba-compatible subset of Python. It runs compiled
(``numba.njit(cache=True)``) or, with ``NUMBA_DISABLE_JIT=1``, as plain Python — the same source,
for tests and debugging. ``processfactory.sim.compile`` turns a Scenario into the arrays read here
and ``processfactory.sim.engine`` turns the arrays written here into a RunRecord.

Plain serial lines (see ``processfactory.sim.kernel_serial``) skip the calendar: their event
times follow from the departure-time recursion, with the same result; ``run_kernel`` takes that
path when ``IP_SERIAL`` is set.

The calendar has two parts: one slot per server (the end of its current walk, setup or
operation), scanned linearly because a line has few servers, and a binary heap for everything
else (order arrivals, transports, breakdowns, warm-up and end of the run), ordered by
(time, sequence number) so simultaneous events keep their scheduling order.

Random numbers are drawn in bulk by the caller into per-purpose streams; the k-th draw from a
stream is its k-th sample. When a stream runs out the kernel stops with NEED_SAMPLES and the
caller reruns it with a longer stream: streams are prefixes of one sequence, so the rerun is
identical up to that point and the result does not depend on the initial sizes.

Modelling rules (documented for users in docs/scenario.md):
- A station's buffer counts units waiting, not those on a server. A server whose unit cannot
  enter the next buffer keeps it and is blocked; blocked units enter in FIFO order.
- With saturated supply (push or kanban) a unit is released when its first station takes it;
  under CONWIP a unit is released whenever the line is below its cap and the first buffer has room.
- Kanban: a station starts units only with free cards; a card is freed when its unit starts at
  the next station (or leaves the line).
- Operators: a server that takes work calls the nearest idle operator who has the skill; a freed
  operator first serves servers waiting for an operator at their skill stations in priority order.
- Breakdowns stop every server of the station; work in progress resumes after the repair.
"""

from __future__ import annotations

from numba import njit

from processfactory.sim.codes import (
    BUSY,
    EV_MOVE_COMPLETE,
    EV_ORDER,
    EV_SETUP_COMPLETE,
    FO_WALK_TOTAL,
    FO_WINDOW_END,
    FO_WINDOW_START,
    FP_DURATION,
    FP_WARMUP_TIME,
    H_ARRIVAL,
    H_END,
    H_FAIL,
    H_ORDER,
    H_REPAIR,
    H_TRANSIT,
    H_WARMUP,
    IO_EXITS_WINDOW,
    IO_N_EVENTS,
    IO_N_UNITS,
    IO_STATUS,
    IP_ARRIVAL_STREAM,
    IP_N_ORDERS,
    IP_SERIAL,
    IP_SOURCE,
    IP_WARMUP_UNITS,
    OK,
    SETUP,
    STUCK,
    WAIT_OP,
)
from processfactory.sim.kernel_base import (
    backlog_push,
    draw,
    flush_server,
    heap_pop,
    heap_push,
    log,
    new_unit,
    pick_product,
    push_todo,
    set_op,
)
from processfactory.sim.kernel_flow import (
    enter,
    open_window,
)
from processfactory.sim.kernel_serial import run_serial
from processfactory.sim.kernel_work import (
    begin_work,
    complete_operation,
    finish_partial_batches,
    settle,
    start_operation,
)
from processfactory.sim.layout import (
    DOWN,
    DOWN_UNTIL,
    GI_UNITS,
    H_A,
    H_GF,
    H_GI,
    H_HF,
    H_HI,
    H_KIND,
    H_OPI,
    H_ORF,
    H_ORI,
    H_STF,
    H_STI,
    H_T,
    H_UF,
    H_UI,
    OP_STATE,
    ORD_DUE,
    ORD_PROD,
    ORD_QTY,
    ORD_TIME,
    SRV_OP,
    SRV_SEQ,
    SRV_ST,
    SRV_STATE,
    SRV_TIME,
    ST_FIRST,
    ST_REP_STREAM,
    ST_TBF_STREAM,
    U_DEST,
    U_DUE,
    XI,
    XO,
    XP,
    YF,
    YO,
    YP,
    inf,
)


@njit(cache=True, error_model="numpy", _nrt=False, nogil=True)
def run_kernel(S):
    """Run one replication over the state S = (IA, FA, SP) built by ``processfactory.sim.engine``.

    Inputs are read from S; outputs (units, accruals, event log, IA[XO:], FA[YO:]) are written in
    place. Scratch integers IA[XI + k]: 1 units created, 2 events logged, 3 units in the line,
    4 exits, 5 exits in the window, 6 window open, 7 warm-up units done, 8 warm-up time done,
    9 stop, 10 heap sequence, 11 heap size, 12/13 to-do head/tail, 14 next saturated product,
    15 partial batches allowed, 16 all orders arrived, 17/18/19 backlog head/tail/size,
    20 server event sequence (SRV_SEQ: ties between server events go to the earlier scheduled),
    21 pending heap events that can bring work (arrivals, orders, transports, repairs).
    """
    IA = S[0]
    FA = S[1]
    if IA[XP + IP_SERIAL] != 0:
        run_serial(S)
        return
    n_st = IA[H_STI + 1] - 1
    n_srv = IA[H_GI + 1]
    n_ops = IA[H_OPI + 1]
    source = IA[XP + IP_SOURCE]
    warmup_units = IA[XP + IP_WARMUP_UNITS]
    arr_stream = IA[XP + IP_ARRIVAL_STREAM]
    n_orders = IA[XP + IP_N_ORDERS]
    duration = FA[YP + FP_DURATION]
    warmup_time = FA[YP + FP_WARMUP_TIME]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_UF = IA[H_UF]
    c_UF = IA[H_UF + 1]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_GF = IA[H_GF]
    c_GF = IA[H_GF + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    b_OPI = IA[H_OPI]
    c_OPI = IA[H_OPI + 1]
    b_ORI = IA[H_ORI]
    c_ORI = IA[H_ORI + 1]
    b_ORF = IA[H_ORF]
    c_ORF = IA[H_ORF + 1]
    b_HI = IA[H_HI]
    c_HI = IA[H_HI + 1]
    b_HF = IA[H_HF]
    c_HF = IA[H_HF + 1]
    if source == 0:
        IA[XI + 14] = pick_product(S)
    elif source == 1:
        heap_push(S, draw(S, arr_stream), H_ARRIVAL, 0)
    else:
        if n_orders > 0:
            heap_push(S, FA[b_ORF + ORD_TIME * c_ORF + 0], H_ORDER, 0)
        else:
            IA[XI + 16] = 1
    for s in range(n_st):
        if IA[b_STI + ST_TBF_STREAM * c_STI + s] >= 0:
            heap_push(S, draw(S, IA[b_STI + ST_TBF_STREAM * c_STI + s]), H_FAIL, s)
    if duration < inf:
        heap_push(S, duration, H_END, 0)
    if warmup_time > 0.0:
        heap_push(S, warmup_time, H_WARMUP, 0)
    else:
        IA[XI + 8] = 1
    if warmup_units <= 0:
        IA[XI + 7] = 1
    if IA[XI + 7] != 0 and IA[XI + 8] != 0:
        open_window(S)
    for s in range(n_st):
        push_todo(S, s)
    settle(S)

    # ---------------------------------------------------------------- main loop
    while IA[XI + 9] == 0:
        # earliest server event; at equal times the one scheduled first (e.g. the unit that
        # started first leaves first), like the heap's (time, sequence) order
        tmin = inf
        gmin = -1
        for g in range(n_srv):
            if FA[b_GF + SRV_TIME * c_GF + g] < tmin or (
                FA[b_GF + SRV_TIME * c_GF + g] == tmin
                and gmin >= 0
                and IA[b_GI + SRV_SEQ * c_GI + g] < IA[b_GI + SRV_SEQ * c_GI + gmin]
            ):
                tmin = FA[b_GF + SRV_TIME * c_GF + g]
                gmin = g
        if gmin < 0 and IA[XI + 21] == 0 and IA[XI + 11] > 0:
            # only failures, the warm-up or the end are pending, and none of them brings work:
            # finish partial batches now, as with an empty calendar (below). If that does not
            # help, a run without a duration would only see failures forever: it is stuck.
            if IA[XI + 15] == 0:
                finish_partial_batches(S)
                continue
            if duration == inf and IA[XI + 3] + IA[XI + 19] > 0:
                if IA[XO + IO_STATUS] == OK:
                    IA[XO + IO_STATUS] = STUCK
                break
        if IA[XI + 11] > 0 and FA[b_HF + H_T * c_HF + 0] < tmin:
            FA[YF + 0] = FA[b_HF + H_T * c_HF + 0]
            kind = IA[b_HI + H_KIND * c_HI + 0]
            a = IA[b_HI + H_A * c_HI + 0]
            heap_pop(S)
            if kind == H_ARRIVAL or kind == H_ORDER or kind == H_TRANSIT or kind == H_REPAIR:
                IA[XI + 21] -= 1
            if kind == H_ARRIVAL:
                p = pick_product(S)
                u = new_unit(S, p, FA[YF + 0])
                if u >= 0:
                    log(S, u, EV_ORDER, -1, -1, -1)
                    backlog_push(S, u)
                    heap_push(S, FA[YF + 0] + draw(S, arr_stream), H_ARRIVAL, 0)
            elif kind == H_ORDER:
                for _q in range(IA[b_ORI + ORD_QTY * c_ORI + a]):
                    u = new_unit(S, IA[b_ORI + ORD_PROD * c_ORI + a], FA[YF + 0])
                    if u < 0:
                        break
                    FA[b_UF + U_DUE * c_UF + u] = FA[b_ORF + ORD_DUE * c_ORF + a]
                    log(S, u, EV_ORDER, -1, -1, -1)
                    backlog_push(S, u)
                if a + 1 < n_orders:
                    heap_push(S, FA[b_ORF + ORD_TIME * c_ORF + a + 1], H_ORDER, a + 1)
                else:
                    IA[XI + 16] = 1
            elif kind == H_TRANSIT:
                u = a
                log(S, u, EV_MOVE_COMPLETE, IA[b_UI + U_DEST * c_UI + u], -1, -1)
                enter(S, u, IA[b_UI + U_DEST * c_UI + u], 2, -1)
            elif kind == H_FAIL:
                s = a
                for g in range(
                    IA[b_STI + ST_FIRST * c_STI + s], IA[b_STI + ST_FIRST * c_STI + s + 1]
                ):
                    flush_server(S, g)
                rep = draw(S, IA[b_STI + ST_REP_STREAM * c_STI + s])
                IA[b_STI + DOWN * c_STI + s] = 1
                FA[b_STF + DOWN_UNTIL * c_STF + s] = FA[YF + 0] + rep
                for g in range(
                    IA[b_STI + ST_FIRST * c_STI + s], IA[b_STI + ST_FIRST * c_STI + s + 1]
                ):
                    if (
                        IA[b_GI + SRV_STATE * c_GI + g] == BUSY
                        or IA[b_GI + SRV_STATE * c_GI + g] == SETUP
                    ):
                        FA[b_GF + SRV_TIME * c_GF + g] += rep
                heap_push(S, FA[YF + 0] + rep, H_REPAIR, s)
            elif kind == H_REPAIR:
                s = a
                for g in range(
                    IA[b_STI + ST_FIRST * c_STI + s], IA[b_STI + ST_FIRST * c_STI + s + 1]
                ):
                    flush_server(S, g)
                IA[b_STI + DOWN * c_STI + s] = 0
                heap_push(S, FA[YF + 0] + draw(S, IA[b_STI + ST_TBF_STREAM * c_STI + s]), H_FAIL, s)
                push_todo(S, s)
            elif kind == H_WARMUP:
                IA[XI + 8] = 1
                if IA[XI + 7] != 0 and IA[XI + 6] == 0:
                    open_window(S)
            else:  # H_END
                IA[XI + 9] = 1
                break
        elif gmin >= 0:
            FA[YF + 0] = tmin
            g = gmin
            st = IA[b_GI + SRV_STATE * c_GI + g]
            if st == WAIT_OP:
                FA[b_GF + SRV_TIME * c_GF + g] = inf
                begin_work(S, g)
            elif st == SETUP:
                log(
                    S,
                    IA[b_GI + (GI_UNITS + 0) * c_GI + g],
                    EV_SETUP_COMPLETE,
                    IA[b_GI + SRV_ST * c_GI + g],
                    g - IA[b_STI + ST_FIRST * c_STI + IA[b_GI + SRV_ST * c_GI + g]],
                    IA[b_GI + SRV_OP * c_GI + g],
                )
                start_operation(S, g)
            else:
                complete_operation(S, g)
        else:
            # nothing scheduled: finish partial batches, else the run is over or stuck
            if IA[XI + 15] == 0:
                finish_partial_batches(S)
                continue
            if IA[XO + IO_STATUS] == OK and not (
                source == 2 and IA[XI + 16] != 0 and IA[XI + 3] == 0 and IA[XI + 19] == 0
            ):
                IA[XO + IO_STATUS] = STUCK
            break
        if (
            source == 2
            and IA[XI + 16] != 0
            and IA[XI + 3] == 0
            and IA[XI + 19] == 0
            and duration == inf
        ):
            IA[XI + 9] = 1
        if IA[XI + 9] == 0:
            settle(S)
            IA[XI + 15] = 0

    # ---------------------------------------------------------------- close
    if IA[XI + 6] == 0:
        # the warm-up never ended: the window is empty at the end
        open_window(S)
    for g in range(n_srv):
        flush_server(S, g)
    for o in range(n_ops):
        set_op(S, o, IA[b_OPI + OP_STATE * c_OPI + o])
    IA[XO + IO_N_UNITS] = IA[XI + 1]
    IA[XO + IO_N_EVENTS] = IA[XI + 2]
    IA[XO + IO_EXITS_WINDOW] = IA[XI + 5]
    FA[YO + FO_WINDOW_START] = FA[YF + 1]
    FA[YO + FO_WINDOW_END] = FA[YF + 0]
    FA[YO + FO_WALK_TOTAL] = FA[YF + 2]
