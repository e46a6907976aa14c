"""Kernel: moving units — entering buffers, handing on after an operation, transfer batches,
leaving the line and opening the observed window.

Part of the one event-scheduling kernel (see ``processfactory.sim.kernel``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from processfactory.sim.codes import (
    BLOCKED,
    DEST_EXIT,
    DEST_SCRAP,
    EV_EXIT,
    EV_MOVE_START,
    EV_SCRAP,
    FP_TIME_PER_METRE,
    H_TRANSIT,
    IDLE,
    IP_STOP_UNITS,
    IP_TRANSPORT,
    IP_WARMUP_UNITS,
    U_GOOD,
    U_SCRAP,
)
from processfactory.sim.kernel_base import (
    flush_server,
    free_card,
    heap_push,
    log,
    push_todo,
    q_push,
    set_op,
    set_server,
)
from processfactory.sim.layout import (
    AREA_N,
    AREA_PENDING,
    AW_HEAD,
    AW_TAIL,
    CARDS,
    DOWN,
    GI_UNITS,
    H_GI,
    H_OPF,
    H_OPI,
    H_STF,
    H_STI,
    H_UF,
    H_UI,
    OP_ACC,
    OP_ACC_END,
    OP_DIST,
    OP_STATE,
    Q_LEN,
    SRV_IN_AW,
    SRV_N,
    SRV_NEXT_AW,
    SRV_OUT,
    SRV_PENDING,
    SRV_ST,
    SRV_STATE,
    ST_ACC,
    ST_ACC_END,
    ST_AREA,
    ST_CAP,
    ST_COMPL,
    ST_DIST,
    ST_FIRST,
    ST_FIRST_COMPL,
    ST_KANBAN,
    ST_LAST_COMPL,
    ST_TBATCH,
    U_DEST,
    U_EXIT,
    U_NEXT,
    U_SRC,
    U_SRC_KIND,
    U_STATUS,
    U_WALK,
    W_HEAD,
    W_TAIL,
    XI,
    XP,
    YF,
    YP,
)


@njit(cache=True, error_model="numpy", _nrt=False)
def open_window(S):
    IA = S[0]
    FA = S[1]
    n_srv = IA[H_GI + 1]
    n_ops = IA[H_OPI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    b_OPI = IA[H_OPI]
    c_OPI = IA[H_OPI + 1]
    b_OPF = IA[H_OPF]
    c_OPF = IA[H_OPF + 1]
    now = FA[YF + 0]
    for g in range(n_srv):
        flush_server(S, g)
    for o in range(n_ops):
        set_op(S, o, IA[b_OPI + OP_STATE * c_OPI + o])
    FA[b_STF + ST_ACC * c_STF : b_STF + ST_ACC_END * c_STF] = 0.0
    FA[b_OPF + OP_ACC * c_OPF : b_OPF + OP_ACC_END * c_OPF] = 0.0
    FA[b_OPF + OP_DIST * c_OPF : b_OPF + (OP_DIST + 1) * c_OPF] = 0.0
    IA[b_STI + ST_COMPL * c_STI : b_STI + (ST_COMPL + 1) * c_STI] = 0
    FA[b_STF + ST_FIRST_COMPL * c_STF : b_STF + (ST_FIRST_COMPL + 1) * c_STF] = np.nan
    FA[b_STF + ST_LAST_COMPL * c_STF : b_STF + (ST_LAST_COMPL + 1) * c_STF] = np.nan
    FA[YF + 1] = now
    FA[YF + 2] = 0.0
    IA[XI + 6] = 1
    IA[XI + 5] = 0


@njit(cache=True, error_model="numpy", _nrt=False)
def leave(S, u, scrap, s):
    IA = S[0]
    FA = S[1]
    stop_units = IA[XP + IP_STOP_UNITS]
    warmup_units = IA[XP + IP_WARMUP_UNITS]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_UF = IA[H_UF]
    c_UF = IA[H_UF + 1]
    # the unit leaves the line finished (or scrapped) at station s
    FA[b_UF + U_EXIT * c_UF + u] = FA[YF + 0]
    IA[b_UI + U_STATUS * c_UI + u] = U_SCRAP if scrap else U_GOOD
    IA[XI + 3] -= 1
    free_card(S, u)
    log(S, u, EV_SCRAP if scrap else EV_EXIT, s, -1, -1)
    IA[XI + 4] += 1
    if IA[XI + 6] != 0:
        IA[XI + 5] += 1
    elif IA[XI + 4] >= warmup_units:
        IA[XI + 7] = 1
        if IA[XI + 8] != 0:
            open_window(S)
    if stop_units >= 0 and IA[XI + 6] != 0 and IA[XI + 5] >= stop_units:
        IA[XI + 9] = 1


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def room(S, d):
    IA = S[0]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    # waiting places, plus idle servers that would take a unit at once
    extra = 0
    if IA[b_STI + DOWN * c_STI + d] == 0 and (
        IA[b_STI + ST_KANBAN * c_STI + d] < 0
        or IA[b_STI + CARDS * c_STI + d] < IA[b_STI + ST_KANBAN * c_STI + d]
    ):
        for g in range(IA[b_STI + ST_FIRST * c_STI + d], IA[b_STI + ST_FIRST * c_STI + d + 1]):
            if IA[b_GI + SRV_STATE * c_GI + g] == IDLE:
                extra += 1
    return IA[b_STI + Q_LEN * c_STI + d] < IA[b_STI + ST_CAP * c_STI + d] + extra


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def enter(S, u, d, kind, src):
    IA = S[0]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    if IA[b_STI + W_HEAD * c_STI + d] < 0 and room(S, d):
        q_push(S, d, u)
        push_todo(S, d)
        return True
    IA[b_UI + U_SRC_KIND * c_UI + u] = kind
    IA[b_UI + U_SRC * c_UI + u] = src
    IA[b_UI + U_NEXT * c_UI + u] = -1
    if IA[b_STI + W_TAIL * c_STI + d] >= 0:
        IA[b_UI + U_NEXT * c_UI + IA[b_STI + W_TAIL * c_STI + d]] = u
    else:
        IA[b_STI + W_HEAD * c_STI + d] = u
    IA[b_STI + W_TAIL * c_STI + d] = u
    return False


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def move_to(S, u, d, from_s, kind, src):
    """Hand unit u on towards station d (or out). True when the source is free of it."""
    IA = S[0]
    FA = S[1]
    transport = IA[XP + IP_TRANSPORT] != 0
    t_per_m = FA[YP + FP_TIME_PER_METRE]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_UF = IA[H_UF]
    c_UF = IA[H_UF + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    if d == DEST_EXIT or d == DEST_SCRAP:
        leave(S, u, d == DEST_SCRAP, from_s)
        return True
    if d == from_s:
        # rework at the station that holds the unit (on a server or in its outbound area): it
        # is already inside the station and rejoins its queue without waiting for room (with a
        # full buffer, e.g. buffer 0, the station would otherwise wait for itself forever)
        q_push(S, d, u)
        push_todo(S, d)
        return True
    m = FA[b_STF + (ST_DIST + d) * c_STF + from_s] if from_s >= 0 else 0.0
    FA[b_UF + U_WALK * c_UF + u] += m
    if transport and m > 0.0:
        log(S, u, EV_MOVE_START, from_s, -1, -1)
        IA[b_UI + U_SRC_KIND * c_UI + u] = 2
        heap_push(S, FA[YF + 0] + m * t_per_m, H_TRANSIT, u)
        return True
    return enter(S, u, d, kind, src)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def walk_count(S, m):
    IA = S[0]
    FA = S[1]
    if IA[XI + 6] != 0:
        FA[YF + 2] += m


@njit(cache=True, error_model="numpy", _nrt=False)
def dispatch_area(S, s):
    IA = S[0]
    FA = S[1]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    n = IA[b_STI + AREA_N * c_STI + s]
    IA[b_STI + AREA_N * c_STI + s] = 0
    pending = 0
    first_dest = -3
    for i in range(n):
        u = IA[b_STI + (ST_AREA + i) * c_STI + s]
        d = IA[b_UI + U_DEST * c_UI + u]
        if first_dest == -3:
            first_dest = d
        if not move_to(S, u, d, s, 1, s):
            pending += 1
    if first_dest >= 0:
        walk_count(S, FA[b_STF + (ST_DIST + first_dest) * c_STF + s])
    IA[b_STI + AREA_PENDING * c_STI + s] = pending


@njit(cache=True, error_model="numpy", _nrt=False)
def hand_on(S, g):
    """Move a finished server's units on; leaves the server idle or blocked."""
    IA = S[0]
    FA = S[1]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    s = IA[b_GI + SRV_ST * c_GI + g]
    tb = IA[b_STI + ST_TBATCH * c_STI + s]
    while IA[b_GI + SRV_OUT * c_GI + g] < IA[b_GI + SRV_N * c_GI + g]:
        u = IA[b_GI + (GI_UNITS + IA[b_GI + SRV_OUT * c_GI + g]) * c_GI + g]
        if tb > 1 and IA[b_UI + U_DEST * c_UI + u] != DEST_SCRAP:
            if IA[b_STI + AREA_PENDING * c_STI + s] > 0:
                if IA[b_GI + SRV_IN_AW * c_GI + g] == 0:
                    IA[b_GI + SRV_IN_AW * c_GI + g] = 1
                    IA[b_GI + SRV_NEXT_AW * c_GI + g] = -1
                    if IA[b_STI + AW_TAIL * c_STI + s] >= 0:
                        IA[b_GI + SRV_NEXT_AW * c_GI + IA[b_STI + AW_TAIL * c_STI + s]] = g
                    else:
                        IA[b_STI + AW_HEAD * c_STI + s] = g
                    IA[b_STI + AW_TAIL * c_STI + s] = g
                break
            IA[b_STI + (ST_AREA + IA[b_STI + AREA_N * c_STI + s]) * c_STI + s] = u
            IA[b_STI + AREA_N * c_STI + s] += 1
            IA[b_GI + SRV_OUT * c_GI + g] += 1
            if IA[b_STI + AREA_N * c_STI + s] >= tb:
                dispatch_area(S, s)
        else:
            IA[b_GI + SRV_OUT * c_GI + g] += 1
            d = IA[b_UI + U_DEST * c_UI + u]
            if d >= 0:
                walk_count(S, FA[b_STF + (ST_DIST + d) * c_STF + s])
            if not move_to(S, u, d, s, 0, g):
                IA[b_GI + SRV_PENDING * c_GI + g] += 1
    if (
        IA[b_GI + SRV_OUT * c_GI + g] >= IA[b_GI + SRV_N * c_GI + g]
        and IA[b_GI + SRV_PENDING * c_GI + g] == 0
    ):
        IA[b_GI + SRV_N * c_GI + g] = 0
        IA[b_GI + SRV_OUT * c_GI + g] = 0
        set_server(S, g, IDLE)
        push_todo(S, s)
    elif IA[b_GI + SRV_STATE * c_GI + g] != BLOCKED:
        set_server(S, g, BLOCKED)
