"""Kernel: work at stations — starting (operators, setups, batches, kanban cards, releases),
finishing (defects, rework, scrap) and settling the line after each event.

Part of the one event-scheduling kernel (see ``processfactory.sim.kernel``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from processfactory.sim.codes import (
    BLOCKED,
    BUSY,
    DEST_EXIT,
    DEST_SCRAP,
    EV_COMPLETE,
    EV_DEFECT,
    EV_REWORK,
    EV_SETUP_START,
    EV_START,
    FP_TIME_PER_METRE,
    IDLE,
    IP_CAP,
    IP_N_PRIO,
    IP_POLICY,
    IP_SOURCE,
    IP_USE_OPS,
    OP_BUSY,
    OP_IDLE,
    OP_SETUP,
    OP_WALK,
    SETUP,
    WAIT_OP,
)
from processfactory.sim.kernel_base import (
    backlog_pop,
    draw,
    free_card,
    log,
    new_unit,
    pick_product,
    push_todo,
    q_pop,
    q_push,
    release,
    set_op,
    set_server,
)
from processfactory.sim.kernel_flow import (
    dispatch_area,
    hand_on,
    room,
    walk_count,
)
from processfactory.sim.layout import (
    AREA_N,
    AREA_PENDING,
    AW_HEAD,
    AW_TAIL,
    CARDS,
    DOWN,
    DOWN_UNTIL,
    GI_UNITS,
    H_GF,
    H_GI,
    H_OPF,
    H_OPI,
    H_PI,
    H_STF,
    H_STI,
    H_TD,
    H_UF,
    H_UI,
    IN_TODO,
    OP_CAN,
    OP_DIST,
    OP_LOC,
    OP_STATE,
    P_OPSTREAM,
    Q_LEN,
    ROUTE_LEN,
    SRV_DUR,
    SRV_IN_AW,
    SRV_LAST_PROD,
    SRV_N,
    SRV_NEXT_AW,
    SRV_OP,
    SRV_OUT,
    SRV_PENDING,
    SRV_SEQ,
    SRV_ST,
    SRV_STATE,
    SRV_TIME,
    ST_COMPL,
    ST_DEF_DETECT,
    ST_DEF_RATE,
    ST_DEF_REWORK,
    ST_DEF_SCRAP,
    ST_DEF_STREAM,
    ST_DIST,
    ST_FIRST,
    ST_FIRST_COMPL,
    ST_IS_FIRST,
    ST_KANBAN,
    ST_LAST_COMPL,
    ST_PBATCH,
    ST_SETUP_KIND,
    ST_SETUP_STREAM,
    ST_VA,
    TODO,
    U_CARD,
    U_DEST,
    U_INREWORK,
    U_NEXT,
    U_PEND_DET,
    U_PEND_ORG,
    U_PROD,
    U_RET,
    U_REWORK,
    U_SRC,
    U_SRC_KIND,
    U_STEP,
    U_VA,
    W_HEAD,
    W_TAIL,
    XI,
    XP,
    YF,
    YP,
    inf,
)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def start_operation(S, g):
    IA = S[0]
    FA = S[1]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_GF = IA[H_GF]
    c_GF = IA[H_GF + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    b_PI = IA[H_PI]
    c_PI = IA[H_PI + 1]
    s = IA[b_GI + SRV_ST * c_GI + g]
    u0 = IA[b_GI + (GI_UNITS + 0) * c_GI + g]
    dur = draw(S, IA[b_PI + (P_OPSTREAM + s) * c_PI + IA[b_UI + U_PROD * c_UI + u0]])
    t0 = FA[b_STF + DOWN_UNTIL * c_STF + s] if IA[b_STI + DOWN * c_STI + s] != 0 else FA[YF + 0]
    FA[b_GF + SRV_TIME * c_GF + g] = t0 + dur
    FA[b_GF + SRV_DUR * c_GF + g] = dur
    IA[b_GI + SRV_SEQ * c_GI + g] = IA[XI + 20]
    IA[XI + 20] += 1
    set_server(S, g, BUSY)
    o = IA[b_GI + SRV_OP * c_GI + g]
    if o >= 0:
        set_op(S, o, OP_BUSY)
    for i in range(IA[b_GI + SRV_N * c_GI + g]):
        log(
            S,
            IA[b_GI + (GI_UNITS + i) * c_GI + g],
            EV_START,
            s,
            g - IA[b_STI + ST_FIRST * c_STI + s],
            o,
        )


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def begin_work(S, g):
    IA = S[0]
    FA = S[1]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_GF = IA[H_GF]
    c_GF = IA[H_GF + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    s = IA[b_GI + SRV_ST * c_GI + g]
    u0 = IA[b_GI + (GI_UNITS + 0) * c_GI + g]
    kind = IA[b_STI + ST_SETUP_KIND * c_STI + s]
    need = kind == 1 or (
        kind == 2 and IA[b_UI + U_PROD * c_UI + u0] != IA[b_GI + SRV_LAST_PROD * c_GI + g]
    )
    IA[b_GI + SRV_LAST_PROD * c_GI + g] = IA[b_UI + U_PROD * c_UI + u0]
    if need:
        dur = draw(S, IA[b_STI + ST_SETUP_STREAM * c_STI + s])
        t0 = FA[b_STF + DOWN_UNTIL * c_STF + s] if IA[b_STI + DOWN * c_STI + s] != 0 else FA[YF + 0]
        FA[b_GF + SRV_TIME * c_GF + g] = t0 + dur
        IA[b_GI + SRV_SEQ * c_GI + g] = IA[XI + 20]
        IA[XI + 20] += 1
        set_server(S, g, SETUP)
        o = IA[b_GI + SRV_OP * c_GI + g]
        if o >= 0:
            set_op(S, o, OP_SETUP)
        log(S, u0, EV_SETUP_START, s, g - IA[b_STI + ST_FIRST * c_STI + s], o)
    else:
        start_operation(S, g)


@njit(cache=True, error_model="numpy", _nrt=False)
def assign(S, o, g):
    IA = S[0]
    FA = S[1]
    t_per_m = FA[YP + FP_TIME_PER_METRE]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_GF = IA[H_GF]
    c_GF = IA[H_GF + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    b_OPI = IA[H_OPI]
    c_OPI = IA[H_OPI + 1]
    b_OPF = IA[H_OPF]
    c_OPF = IA[H_OPF + 1]
    s = IA[b_GI + SRV_ST * c_GI + g]
    m = FA[b_STF + (ST_DIST + s) * c_STF + IA[b_OPI + OP_LOC * c_OPI + o]]
    IA[b_OPI + OP_LOC * c_OPI + o] = s
    IA[b_GI + SRV_OP * c_GI + g] = o
    if m > 0.0:
        if IA[XI + 6] != 0:
            FA[b_OPF + OP_DIST * c_OPF + o] += m
        walk_count(S, m)
        set_op(S, o, OP_WALK)
        set_server(S, g, WAIT_OP)
        FA[b_GF + SRV_TIME * c_GF + g] = FA[YF + 0] + m * t_per_m
        IA[b_GI + SRV_SEQ * c_GI + g] = IA[XI + 20]
        IA[XI + 20] += 1
    else:
        begin_work(S, g)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def nearest_operator(S, s):
    IA = S[0]
    FA = S[1]
    n_ops = IA[H_OPI + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    b_OPI = IA[H_OPI]
    c_OPI = IA[H_OPI + 1]
    best = -1
    best_d = inf
    for o in range(n_ops):
        if (
            IA[b_OPI + OP_STATE * c_OPI + o] == OP_IDLE
            and IA[b_OPI + (OP_CAN + s) * c_OPI + o] != 0
        ):
            d = FA[b_STF + (ST_DIST + s) * c_STF + IA[b_OPI + OP_LOC * c_OPI + o]]
            if d < best_d:
                best_d = d
                best = o
    return best


@njit(cache=True, error_model="numpy", _nrt=False)
def operator_freed(S, o):
    IA = S[0]
    n_st = IA[H_STI + 1] - 1
    n_prio = IA[XP + IP_N_PRIO]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_OPI = IA[H_OPI]
    c_OPI = IA[H_OPI + 1]
    set_op(S, o, OP_IDLE)
    for k in range(n_prio):
        s = IA[b_OPI + ((OP_CAN + n_st) + k) * c_OPI + o]
        if s < 0:
            break
        for g in range(IA[b_STI + ST_FIRST * c_STI + s], IA[b_STI + ST_FIRST * c_STI + s + 1]):
            if IA[b_GI + SRV_STATE * c_GI + g] == WAIT_OP and IA[b_GI + SRV_OP * c_GI + g] < 0:
                assign(S, o, g)
                return
    for k in range(n_prio):
        s = IA[b_OPI + ((OP_CAN + n_st) + k) * c_OPI + o]
        if s < 0:
            break
        push_todo(S, s)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def can_pull(S, s):
    IA = S[0]
    n_st = IA[H_STI + 1] - 1
    policy = IA[XP + IP_POLICY]
    source = IA[XP + IP_SOURCE]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_PI = IA[H_PI]
    c_PI = IA[H_PI + 1]
    # saturated supply (push or kanban) or a kanban backlog feeds station s on demand
    if policy == 1:
        return False
    if source == 0:
        return (
            IA[b_STI + ST_IS_FIRST * c_STI + s] != 0
            and IA[b_PI + ((P_OPSTREAM + n_st) + 0) * c_PI + IA[XI + 14]] == s
        )
    if policy == 2 and IA[XI + 19] > 0:
        return (
            IA[b_PI + ((P_OPSTREAM + n_st) + 0) * c_PI + IA[b_UI + U_PROD * c_UI + IA[XI + 17]]]
            == s
        )
    return False


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def try_start(S, s):
    IA = S[0]
    FA = S[1]
    source = IA[XP + IP_SOURCE]
    use_ops = IA[XP + IP_USE_OPS] != 0
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_GF = IA[H_GF]
    c_GF = IA[H_GF + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    if IA[b_STI + DOWN * c_STI + s] != 0:
        return False
    started = False
    pb = IA[b_STI + ST_PBATCH * c_STI + s]
    for g in range(IA[b_STI + ST_FIRST * c_STI + s], IA[b_STI + ST_FIRST * c_STI + s + 1]):
        if IA[b_GI + SRV_STATE * c_GI + g] != IDLE:
            continue
        pull = can_pull(S, s)
        avail = IA[b_STI + Q_LEN * c_STI + s]
        if avail < pb and not pull:
            if avail == 0 or IA[XI + 15] == 0:
                break
        take = pb if (avail >= pb or pull) else avail
        if (
            IA[b_STI + ST_KANBAN * c_STI + s] >= 0
            and IA[b_STI + CARDS * c_STI + s] + take > IA[b_STI + ST_KANBAN * c_STI + s]
        ):
            break
        n = 0
        while n < take:
            if IA[b_STI + Q_LEN * c_STI + s] > 0:
                u = q_pop(S, s)
            elif can_pull(S, s):
                if source == 0:
                    u = new_unit(S, IA[XI + 14], FA[YF + 0])
                    if u < 0:
                        break
                    IA[XI + 14] = pick_product(S)
                else:
                    u = backlog_pop(S)
                release(S, u)
            else:
                break
            free_card(S, u)
            if IA[b_STI + ST_KANBAN * c_STI + s] >= 0:
                IA[b_STI + CARDS * c_STI + s] += 1
                IA[b_UI + U_CARD * c_UI + u] = s
            IA[b_GI + (GI_UNITS + n) * c_GI + g] = u
            n += 1
        if n == 0:
            break
        IA[b_GI + SRV_N * c_GI + g] = n
        IA[b_GI + SRV_OUT * c_GI + g] = 0
        IA[b_GI + SRV_PENDING * c_GI + g] = 0
        started = True
        if use_ops:
            IA[b_GI + SRV_OP * c_GI + g] = -1
            o = nearest_operator(S, s)
            set_server(S, g, WAIT_OP)
            FA[b_GF + SRV_TIME * c_GF + g] = inf
            if o >= 0:
                assign(S, o, g)
        else:
            begin_work(S, g)
        if IA[XI + 9] != 0:
            break
    return started


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def admit(S, s):
    IA = S[0]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    # waiters enter the buffer of s in FIFO order while there is room
    changed = False
    while IA[b_STI + W_HEAD * c_STI + s] >= 0 and room(S, s):
        u = IA[b_STI + W_HEAD * c_STI + s]
        IA[b_STI + W_HEAD * c_STI + s] = IA[b_UI + U_NEXT * c_UI + u]
        if IA[b_STI + W_HEAD * c_STI + s] < 0:
            IA[b_STI + W_TAIL * c_STI + s] = -1
        q_push(S, s, u)
        changed = True
        kind = IA[b_UI + U_SRC_KIND * c_UI + u]
        src = IA[b_UI + U_SRC * c_UI + u]
        if kind == 0:
            IA[b_GI + SRV_PENDING * c_GI + src] -= 1
            if (
                IA[b_GI + SRV_PENDING * c_GI + src] == 0
                and IA[b_GI + SRV_OUT * c_GI + src] >= IA[b_GI + SRV_N * c_GI + src]
            ):
                hand_on(S, src)
        elif kind == 1:
            IA[b_STI + AREA_PENDING * c_STI + src] -= 1
            if IA[b_STI + AREA_PENDING * c_STI + src] == 0:
                push_todo(S, src)
    return changed


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def feed_area(S, s):
    IA = S[0]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    # servers blocked on a dispatching outbound area hand on once it is free again
    changed = False
    while IA[b_STI + AREA_PENDING * c_STI + s] == 0 and IA[b_STI + AW_HEAD * c_STI + s] >= 0:
        g = IA[b_STI + AW_HEAD * c_STI + s]
        IA[b_STI + AW_HEAD * c_STI + s] = IA[b_GI + SRV_NEXT_AW * c_GI + g]
        if IA[b_STI + AW_HEAD * c_STI + s] < 0:
            IA[b_STI + AW_TAIL * c_STI + s] = -1
        IA[b_GI + SRV_IN_AW * c_GI + g] = 0
        hand_on(S, g)
        changed = True
    return changed


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def release_backlog(S):
    IA = S[0]
    FA = S[1]
    n_st = IA[H_STI + 1] - 1
    policy = IA[XP + IP_POLICY]
    source = IA[XP + IP_SOURCE]
    cap = IA[XP + IP_CAP]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_PI = IA[H_PI]
    c_PI = IA[H_PI + 1]
    # push with arrivals/orders, and CONWIP: release while the first buffer has room
    if policy == 2 or (policy == 0 and source == 0):
        return
    while IA[XI + 9] == 0:
        if policy == 1 and IA[XI + 3] >= cap:
            return
        if IA[XI + 19] > 0:
            p = IA[b_UI + U_PROD * c_UI + IA[XI + 17]]
        elif source == 0:
            p = IA[XI + 14]
        else:
            return
        s0 = IA[b_PI + ((P_OPSTREAM + n_st) + 0) * c_PI + p]
        if IA[b_STI + W_HEAD * c_STI + s0] >= 0 or not room(S, s0):
            return
        if IA[XI + 19] > 0:
            u = backlog_pop(S)
        else:
            u = new_unit(S, p, FA[YF + 0])
            if u < 0:
                return
            IA[XI + 14] = pick_product(S)
        release(S, u)
        q_push(S, s0, u)
        push_todo(S, s0)


@njit(cache=True, error_model="numpy", _nrt=False)
def settle(S):
    IA = S[0]
    n_st = IA[H_STI + 1] - 1
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_TD = IA[H_TD]
    c_TD = IA[H_TD + 1]
    release_backlog(S)
    while IA[XI + 12] != IA[XI + 13] and IA[XI + 9] == 0:
        s = IA[b_TD + TODO * c_TD + IA[XI + 12]]
        IA[XI + 12] = 0 if IA[XI + 12] == n_st else IA[XI + 12] + 1
        IA[b_STI + IN_TODO * c_STI + s] = 0
        while IA[XI + 9] == 0:
            changed = admit(S, s)
            if feed_area(S, s):
                changed = True
            started = try_start(S, s)
            if not (changed or started):
                break
            if (
                IA[b_STI + W_HEAD * c_STI + s] < 0
                and IA[b_STI + AW_HEAD * c_STI + s] < 0
                and not changed
            ):
                # only the start freed room, and nobody waits for it: another pass would find
                # nothing new to admit or start
                break
        if IA[b_STI + ST_IS_FIRST * c_STI + s] != 0:
            release_backlog(S)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def next_destination(S, u):
    IA = S[0]
    n_st = IA[H_STI + 1] - 1
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_PI = IA[H_PI]
    c_PI = IA[H_PI + 1]
    p = IA[b_UI + U_PROD * c_UI + u]
    if IA[b_UI + U_STEP * c_UI + u] >= IA[b_PI + ROUTE_LEN * c_PI + p]:
        return DEST_EXIT
    return IA[b_PI + ((P_OPSTREAM + n_st) + IA[b_UI + U_STEP * c_UI + u]) * c_PI + p]


@njit(cache=True, error_model="numpy", _nrt=False)
def detect(S, u, origin, s):
    IA = S[0]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    log(S, u, EV_DEFECT, s, -1, -1)
    if IA[b_STI + ST_DEF_SCRAP * c_STI + origin] != 0:
        return DEST_SCRAP
    IA[b_UI + U_REWORK * c_UI + u] += 1
    IA[b_UI + U_INREWORK * c_UI + u] = 1
    IA[b_UI + U_RET * c_UI + u] = IA[b_UI + U_STEP * c_UI + u]
    log(S, u, EV_REWORK, IA[b_STI + ST_DEF_REWORK * c_STI + origin], -1, -1)
    return IA[b_STI + ST_DEF_REWORK * c_STI + origin]


@njit(cache=True, error_model="numpy", _nrt=False)
def complete_operation(S, g):
    IA = S[0]
    FA = S[1]
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
    s = IA[b_GI + SRV_ST * c_GI + g]
    now = FA[YF + 0]
    o = IA[b_GI + SRV_OP * c_GI + g]
    gi = g - IA[b_STI + ST_FIRST * c_STI + s]
    rate = FA[b_STF + ST_DEF_RATE * c_STF + s]
    for i in range(IA[b_GI + SRV_N * c_GI + g]):
        u = IA[b_GI + (GI_UNITS + i) * c_GI + g]
        log(S, u, EV_COMPLETE, s, gi, o)
        if IA[XI + 6] != 0:
            IA[b_STI + ST_COMPL * c_STI + s] += 1
            if np.isnan(FA[b_STF + ST_FIRST_COMPL * c_STF + s]):
                FA[b_STF + ST_FIRST_COMPL * c_STF + s] = now
            FA[b_STF + ST_LAST_COMPL * c_STF + s] = now
        if IA[b_UI + U_INREWORK * c_UI + u] != 0:
            IA[b_UI + U_INREWORK * c_UI + u] = 0
            IA[b_UI + U_STEP * c_UI + u] = IA[b_UI + U_RET * c_UI + u]
        else:
            if IA[b_STI + ST_VA * c_STI + s] != 0:
                FA[b_UF + U_VA * c_UF + u] += FA[b_GF + SRV_DUR * c_GF + g]
            IA[b_UI + U_STEP * c_UI + u] += 1
        dest = -3
        if rate > 0.0 and draw(S, IA[b_STI + ST_DEF_STREAM * c_STI + s]) < rate:
            if IA[b_STI + ST_DEF_DETECT * c_STI + s] == s:
                dest = detect(S, u, s, s)
            elif IA[b_UI + U_PEND_DET * c_UI + u] < 0:
                IA[b_UI + U_PEND_DET * c_UI + u] = IA[b_STI + ST_DEF_DETECT * c_STI + s]
                IA[b_UI + U_PEND_ORG * c_UI + u] = s
        if dest == -3 and IA[b_UI + U_PEND_DET * c_UI + u] == s:
            org = IA[b_UI + U_PEND_ORG * c_UI + u]
            IA[b_UI + U_PEND_DET * c_UI + u] = -1
            IA[b_UI + U_PEND_ORG * c_UI + u] = -1
            dest = detect(S, u, org, s)
        if dest == -3:
            dest = next_destination(S, u)
        IA[b_UI + U_DEST * c_UI + u] = dest
    if o >= 0:
        IA[b_GI + SRV_OP * c_GI + g] = -1
        operator_freed(S, o)
    FA[b_GF + SRV_TIME * c_GF + g] = inf
    IA[b_GI + SRV_OUT * c_GI + g] = 0
    IA[b_GI + SRV_PENDING * c_GI + g] = 0
    set_server(S, g, BLOCKED)
    hand_on(S, g)


@njit(cache=True, error_model="numpy", _nrt=False)
def finish_partial_batches(S):
    """Nothing else can happen: let partial process and transfer batches go (end of orders)."""
    IA = S[0]
    n_st = IA[H_STI + 1] - 1
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    IA[XI + 15] = 1
    for s in range(n_st):
        if IA[b_STI + AREA_N * c_STI + s] > 0 and IA[b_STI + AREA_PENDING * c_STI + s] == 0:
            dispatch_area(S, s)
        push_todo(S, s)
    settle(S)
