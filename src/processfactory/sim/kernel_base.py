"""Kernel primitives: random draws, the event log, the heap, state accrual and FIFO lists.

Part of the one event-scheduling kernel (see ``processfactory.sim.kernel``); numba-compiled
functions over the flat state ``S = (IA, FA, SP)`` described in ``processfactory.sim.layout``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from processfactory.sim.codes import (
    ACC_DOWN,
    EV_RELEASE,
    H_ARRIVAL,
    H_ORDER,
    H_REPAIR,
    H_TRANSIT,
    IDLE,
    IO_NEED,
    IO_STATUS,
    IP_LOG,
    IP_POLICY,
    IP_PRODUCT_STREAM,
    NEED_EVENTS,
    NEED_SAMPLES,
    NEED_UNITS,
    OK,
    U_BACKLOG,
    U_WIP,
)
from processfactory.sim.layout import (
    CARDS,
    DOWN,
    EV_K,
    EV_OP,
    EV_S,
    EV_SRV,
    EV_T,
    EV_U,
    H_A,
    H_EVF,
    H_EVI,
    H_GF,
    H_GI,
    H_HF,
    H_HI,
    H_KIND,
    H_OPF,
    H_OPI,
    H_PF,
    H_PI,
    H_SEQ,
    H_SMI,
    H_STF,
    H_STI,
    H_T,
    H_TD,
    H_UF,
    H_UI,
    IN_TODO,
    OP_ACC,
    OP_SINCE,
    OP_STATE,
    P_OPSTREAM,
    PROD_CUM_SHARE,
    Q_HEAD,
    Q_LEN,
    Q_TAIL,
    S_LEN,
    S_POS,
    S_START,
    SRV_SINCE,
    SRV_ST,
    SRV_STATE,
    ST_ACC,
    TODO,
    U_CARD,
    U_DUE,
    U_EXIT,
    U_NEXT,
    U_ORDER,
    U_PROD,
    U_RELEASE,
    U_STATUS,
    XI,
    XO,
    XP,
    YF,
)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def draw(S, k):
    IA = S[0]
    b_SMI = IA[H_SMI]
    c_SMI = IA[H_SMI + 1]
    p = IA[b_SMI + S_POS * c_SMI + k]
    if p >= IA[b_SMI + S_LEN * c_SMI + k]:
        if IA[XO + IO_STATUS] == OK:
            IA[XO + IO_STATUS] = NEED_SAMPLES
            IA[XO + IO_NEED] = k
        IA[XI + 9] = 1
        return 1.0
    IA[b_SMI + S_POS * c_SMI + k] = p + 1
    return S[2][IA[b_SMI + S_START * c_SMI + k] + p]


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def log(S, u, kind, s, g, o):
    IA = S[0]
    FA = S[1]
    ev_cap = IA[H_EVF + 1]
    do_log = IA[XP + IP_LOG] != 0
    b_EVI = IA[H_EVI]
    c_EVI = IA[H_EVI + 1]
    b_EVF = IA[H_EVF]
    c_EVF = IA[H_EVF + 1]
    if not do_log:
        return
    n = IA[XI + 2]
    if n >= ev_cap:
        if IA[XO + IO_STATUS] == OK:
            IA[XO + IO_STATUS] = NEED_EVENTS
        IA[XI + 9] = 1
        return
    FA[b_EVF + EV_T * c_EVF + n] = FA[YF + 0]
    IA[b_EVI + EV_U * c_EVI + n] = u
    IA[b_EVI + EV_K * c_EVI + n] = kind
    IA[b_EVI + EV_S * c_EVI + n] = s
    IA[b_EVI + EV_SRV * c_EVI + n] = g
    IA[b_EVI + EV_OP * c_EVI + n] = o
    IA[XI + 2] = n + 1


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def heap_push(S, t, kind, a):
    IA = S[0]
    FA = S[1]
    b_HI = IA[H_HI]
    c_HI = IA[H_HI + 1]
    b_HF = IA[H_HF]
    c_HF = IA[H_HF + 1]
    n = IA[XI + 11]
    seq = IA[XI + 10]
    IA[XI + 10] = seq + 1
    i = n
    while i > 0:
        parent = (i - 1) >> 1
        if FA[b_HF + H_T * c_HF + parent] < t or (
            FA[b_HF + H_T * c_HF + parent] == t and IA[b_HI + H_SEQ * c_HI + parent] < seq
        ):
            break
        FA[b_HF + H_T * c_HF + i] = FA[b_HF + H_T * c_HF + parent]
        IA[b_HI + H_SEQ * c_HI + i] = IA[b_HI + H_SEQ * c_HI + parent]
        IA[b_HI + H_KIND * c_HI + i] = IA[b_HI + H_KIND * c_HI + parent]
        IA[b_HI + H_A * c_HI + i] = IA[b_HI + H_A * c_HI + parent]
        i = parent
    FA[b_HF + H_T * c_HF + i] = t
    IA[b_HI + H_SEQ * c_HI + i] = seq
    IA[b_HI + H_KIND * c_HI + i] = kind
    IA[b_HI + H_A * c_HI + i] = a
    IA[XI + 11] = n + 1
    if kind == H_ARRIVAL or kind == H_ORDER or kind == H_TRANSIT or kind == H_REPAIR:
        IA[XI + 21] += 1


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def heap_pop(S):
    IA = S[0]
    FA = S[1]
    b_HI = IA[H_HI]
    c_HI = IA[H_HI + 1]
    b_HF = IA[H_HF]
    c_HF = IA[H_HF + 1]
    # removes the top; the caller has read it
    n = IA[XI + 11] - 1
    IA[XI + 11] = n
    t = FA[b_HF + H_T * c_HF + n]
    seq = IA[b_HI + H_SEQ * c_HI + n]
    kind = IA[b_HI + H_KIND * c_HI + n]
    a = IA[b_HI + H_A * c_HI + n]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= n:
            break
        if c + 1 < n and (
            FA[b_HF + H_T * c_HF + c + 1] < FA[b_HF + H_T * c_HF + c]
            or (
                FA[b_HF + H_T * c_HF + c + 1] == FA[b_HF + H_T * c_HF + c]
                and IA[b_HI + H_SEQ * c_HI + c + 1] < IA[b_HI + H_SEQ * c_HI + c]
            )
        ):
            c += 1
        if t < FA[b_HF + H_T * c_HF + c] or (
            t == FA[b_HF + H_T * c_HF + c] and seq < IA[b_HI + H_SEQ * c_HI + c]
        ):
            break
        FA[b_HF + H_T * c_HF + i] = FA[b_HF + H_T * c_HF + c]
        IA[b_HI + H_SEQ * c_HI + i] = IA[b_HI + H_SEQ * c_HI + c]
        IA[b_HI + H_KIND * c_HI + i] = IA[b_HI + H_KIND * c_HI + c]
        IA[b_HI + H_A * c_HI + i] = IA[b_HI + H_A * c_HI + c]
        i = c
    if n > 0:
        FA[b_HF + H_T * c_HF + i] = t
        IA[b_HI + H_SEQ * c_HI + i] = seq
        IA[b_HI + H_KIND * c_HI + i] = kind
        IA[b_HI + H_A * c_HI + i] = a


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def push_todo(S, s):
    IA = S[0]
    n_st = IA[H_STI + 1] - 1
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_TD = IA[H_TD]
    c_TD = IA[H_TD + 1]
    if IA[b_STI + IN_TODO * c_STI + s] == 0:
        IA[b_STI + IN_TODO * c_STI + s] = 1
        IA[b_TD + TODO * c_TD + IA[XI + 13]] = s
        # a ring of n_st + 1 slots; no modulo (an integer division costs tens of cycles)
        IA[XI + 13] = 0 if IA[XI + 13] == n_st else IA[XI + 13] + 1


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def flush_server(S, g):
    IA = S[0]
    FA = S[1]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    b_GF = IA[H_GF]
    c_GF = IA[H_GF + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    now = FA[YF + 0]
    s = IA[b_GI + SRV_ST * c_GI + g]
    col = ACC_DOWN if IA[b_STI + DOWN * c_STI + s] != 0 else IA[b_GI + SRV_STATE * c_GI + g]
    if col == IDLE:
        col = 0
    FA[b_STF + (ST_ACC + col) * c_STF + s] += now - FA[b_GF + SRV_SINCE * c_GF + g]
    FA[b_GF + SRV_SINCE * c_GF + g] = now


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def set_server(S, g, state):
    IA = S[0]
    b_GI = IA[H_GI]
    c_GI = IA[H_GI + 1]
    flush_server(S, g)
    IA[b_GI + SRV_STATE * c_GI + g] = state


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def set_op(S, o, state):
    IA = S[0]
    FA = S[1]
    b_OPI = IA[H_OPI]
    c_OPI = IA[H_OPI + 1]
    b_OPF = IA[H_OPF]
    c_OPF = IA[H_OPF + 1]
    now = FA[YF + 0]
    FA[b_OPF + (OP_ACC + IA[b_OPI + OP_STATE * c_OPI + o]) * c_OPF + o] += (
        now - FA[b_OPF + OP_SINCE * c_OPF + o]
    )
    FA[b_OPF + OP_SINCE * c_OPF + o] = now
    IA[b_OPI + OP_STATE * c_OPI + o] = state


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def pick_product(S):
    IA = S[0]
    FA = S[1]
    n_prod = IA[H_PI + 1]
    prod_stream = IA[XP + IP_PRODUCT_STREAM]
    b_PF = IA[H_PF]
    c_PF = IA[H_PF + 1]
    if n_prod == 1:
        return 0
    x = draw(S, prod_stream)
    for p in range(n_prod):
        if x < FA[b_PF + PROD_CUM_SHARE * c_PF + p]:
            return p
    return n_prod - 1


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def new_unit(S, p, t_order):
    IA = S[0]
    FA = S[1]
    u_cap = IA[H_UI + 1]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_UF = IA[H_UF]
    c_UF = IA[H_UF + 1]
    u = IA[XI + 1]
    if u >= u_cap:
        if IA[XO + IO_STATUS] == OK:
            IA[XO + IO_STATUS] = NEED_UNITS
        IA[XI + 9] = 1
        return -1
    IA[XI + 1] = u + 1
    IA[b_UI + U_PROD * c_UI + u] = p
    FA[b_UF + U_ORDER * c_UF + u] = t_order
    FA[b_UF + U_RELEASE * c_UF + u] = np.nan
    FA[b_UF + U_EXIT * c_UF + u] = np.nan
    IA[b_UI + U_STATUS * c_UI + u] = U_BACKLOG
    FA[b_UF + U_DUE * c_UF + u] = np.nan
    return u


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def release(S, u):
    IA = S[0]
    FA = S[1]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_UF = IA[H_UF]
    c_UF = IA[H_UF + 1]
    FA[b_UF + U_RELEASE * c_UF + u] = FA[YF + 0]
    IA[b_UI + U_STATUS * c_UI + u] = U_WIP
    IA[XI + 3] += 1
    log(S, u, EV_RELEASE, -1, -1, -1)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def q_push(S, s, u):
    IA = S[0]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    IA[b_UI + U_NEXT * c_UI + u] = -1
    if IA[b_STI + Q_TAIL * c_STI + s] >= 0:
        IA[b_UI + U_NEXT * c_UI + IA[b_STI + Q_TAIL * c_STI + s]] = u
    else:
        IA[b_STI + Q_HEAD * c_STI + s] = u
    IA[b_STI + Q_TAIL * c_STI + s] = u
    IA[b_STI + Q_LEN * c_STI + s] += 1


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def q_pop(S, s):
    IA = S[0]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    u = IA[b_STI + Q_HEAD * c_STI + s]
    IA[b_STI + Q_HEAD * c_STI + s] = IA[b_UI + U_NEXT * c_UI + u]
    if IA[b_STI + Q_HEAD * c_STI + s] < 0:
        IA[b_STI + Q_TAIL * c_STI + s] = -1
    IA[b_STI + Q_LEN * c_STI + s] -= 1
    return u


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def backlog_push(S, u):
    IA = S[0]
    n_st = IA[H_STI + 1] - 1
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_PI = IA[H_PI]
    c_PI = IA[H_PI + 1]
    IA[b_UI + U_NEXT * c_UI + u] = -1
    if IA[XI + 18] >= 0:
        IA[b_UI + U_NEXT * c_UI + IA[XI + 18]] = u
    else:
        IA[XI + 17] = u
    IA[XI + 18] = u
    IA[XI + 19] += 1
    if IA[XP + IP_POLICY] == 2:
        # kanban pulls orders from the backlog (can_pull): its first station may start one now
        push_todo(S, IA[b_PI + ((P_OPSTREAM + n_st) + 0) * c_PI + IA[b_UI + U_PROD * c_UI + u]])


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def backlog_pop(S):
    IA = S[0]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    u = IA[XI + 17]
    IA[XI + 17] = IA[b_UI + U_NEXT * c_UI + u]
    if IA[XI + 17] < 0:
        IA[XI + 18] = -1
    IA[XI + 19] -= 1
    return u


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def free_card(S, u):
    IA = S[0]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    c = IA[b_UI + U_CARD * c_UI + u]
    if c >= 0:
        IA[b_STI + CARDS * c_STI + c] -= 1
        IA[b_UI + U_CARD * c_UI + u] = -1
        push_todo(S, c)
