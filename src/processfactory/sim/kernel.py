"""The event-scheduling kernel: one compiled loop over flat arrays.

This module is written in the numba-compatible subset of Python. It runs compiled
(``numba.njit(cache=True)``) or, with ``NUMBA_DISABLE_JIT=1``, as plain Python — the same source,
for tests and debugging. ``processfactory.sim.compile`` turns a Scenario into the arrays read here
and ``processfactory.sim.engine`` turns the arrays written here into a RunRecord.

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

import numpy as np
from numba import njit

from processfactory.sim.codes import (
    ACC_DOWN,
    BLOCKED,
    BUSY,
    DEST_EXIT,
    DEST_SCRAP,
    EV_COMPLETE,
    EV_DEFECT,
    EV_EXIT,
    EV_MOVE_COMPLETE,
    EV_MOVE_START,
    EV_ORDER,
    EV_RELEASE,
    EV_REWORK,
    EV_SCRAP,
    EV_SETUP_COMPLETE,
    EV_SETUP_START,
    EV_START,
    FO_WALK_TOTAL,
    FO_WINDOW_END,
    FO_WINDOW_START,
    FP_DURATION,
    FP_TIME_PER_METRE,
    FP_WARMUP_TIME,
    H_ARRIVAL,
    H_END,
    H_FAIL,
    H_ORDER,
    H_REPAIR,
    H_TRANSIT,
    H_WARMUP,
    IDLE,
    IO_EXITS_WINDOW,
    IO_N_EVENTS,
    IO_N_UNITS,
    IO_NEED,
    IO_STATUS,
    IP_ARRIVAL_STREAM,
    IP_CAP,
    IP_LOG,
    IP_N_ORDERS,
    IP_N_PRIO,
    IP_POLICY,
    IP_PRODUCT_STREAM,
    IP_SOURCE,
    IP_STOP_UNITS,
    IP_TRANSPORT,
    IP_USE_OPS,
    IP_WARMUP_UNITS,
    N_ACC,
    N_FO,
    N_FP,
    N_IO,
    N_IP,
    NEED_EVENTS,
    NEED_SAMPLES,
    NEED_UNITS,
    OK,
    OP_BUSY,
    OP_IDLE,
    OP_SETUP,
    OP_WALK,
    SETUP,
    STUCK,
    U_BACKLOG,
    U_GOOD,
    U_SCRAP,
    U_WIP,
    WAIT_OP,
)

inf = np.inf

# ---------------------------------------------------------------- state layout
# The whole state is two flat arrays, S = (IA: int64, FA: float64), so that calls between the
# kernel's functions pass two array descriptors instead of dozens (numba passes every array
# argument as a struct; with ~20 arrays a call cost ~50 ns). Scalars sit at the start:
# IA[XP + IP_*] parameters, IA[XO + IO_*] outputs, IA[XI + k] scratch (see run_kernel);
# FA[YP + FP_*], FA[YO + FO_*], FA[YF + k] (0 now, 1 window start, 2 walk total).
# Each entity (units, servers, stations, operators, products, orders, streams, events, heap)
# is a row-major table "G" inside IA or FA: field ROW of item j is at b_G + ROW * c_G + j,
# where b_G = IA[H_G] is its offset and c_G = IA[H_G + 1] its number of items (columns).
XP = 0
XO = N_IP
XI = N_IP + N_IO
X_SIZE = XI + 24
YP = 0
YO = N_FP
YF = N_FP + N_FO
Y_SIZE = YF + 4
N_GROUPS = 19
H_UI = X_SIZE + 0
H_UF = X_SIZE + 2
H_GI = X_SIZE + 4
H_GF = X_SIZE + 6
H_STI = X_SIZE + 8
H_STF = X_SIZE + 10
H_OPI = X_SIZE + 12
H_OPF = X_SIZE + 14
H_PI = X_SIZE + 16
H_PF = X_SIZE + 18
H_ORI = X_SIZE + 20
H_ORF = X_SIZE + 22
H_SMI = X_SIZE + 24
H_EVI = X_SIZE + 26
H_HI = X_SIZE + 28
H_SMP = X_SIZE + 30
H_EVF = X_SIZE + 32
H_HF = X_SIZE + 34
H_TD = X_SIZE + 36
HEADER_END = X_SIZE + 2 * N_GROUPS

U_PROD = 0
U_STATUS = 1
U_REWORK = 2
U_NEXT = 3
U_STEP = 4
U_INREWORK = 5
U_RET = 6
U_PEND_DET = 7
U_PEND_ORG = 8
U_DEST = 9
U_CARD = 10
U_SRC_KIND = 11
U_SRC = 12
UI_ROWS = 13
U_ORDER = 0
U_RELEASE = 1
U_EXIT = 2
U_VA = 3
U_WALK = 4
U_DUE = 5
UF_ROWS = 6
SRV_ST = 0
SRV_STATE = 1
SRV_N = 2
SRV_OUT = 3
SRV_PENDING = 4
SRV_OP = 5
SRV_LAST_PROD = 6
SRV_NEXT_AW = 7
SRV_IN_AW = 8
SRV_SEQ = 9
GI_ROWS = 10
SRV_TIME = 0
SRV_SINCE = 1
SRV_DUR = 2
GF_ROWS = 3
ST_FIRST = 0
ST_SERVERS = 1
ST_CAP = 2
ST_PBATCH = 3
ST_TBATCH = 4
ST_SETUP_KIND = 5
ST_SETUP_STREAM = 6
ST_KANBAN = 7
ST_VA = 8
ST_DEF_STREAM = 9
ST_DEF_DETECT = 10
ST_DEF_SCRAP = 11
ST_DEF_REWORK = 12
ST_TBF_STREAM = 13
ST_REP_STREAM = 14
ST_IS_FIRST = 15
Q_HEAD = 16
Q_TAIL = 17
Q_LEN = 18
W_HEAD = 19
W_TAIL = 20
CARDS = 21
DOWN = 22
AREA_N = 23
AREA_PENDING = 24
AW_HEAD = 25
AW_TAIL = 26
IN_TODO = 27
ST_COMPL = 28
STI_ROWS = 29
ST_DEF_RATE = 0
DOWN_UNTIL = 1
ST_FIRST_COMPL = 2
ST_LAST_COMPL = 3
STF_ROWS = 4
OP_START = 0
OP_STATE = 1
OP_LOC = 2
OPI_ROWS = 3
OP_SINCE = 0
OP_DIST = 1
OPF_ROWS = 2
ROUTE_LEN = 0
PI_ROWS = 1
PROD_CUM_SHARE = 0
PF_ROWS = 1
ORD_QTY = 0
ORD_PROD = 1
ORI_ROWS = 2
ORD_TIME = 0
ORD_DUE = 1
ORF_ROWS = 2
S_START = 0
S_LEN = 1
S_POS = 2
SMI_ROWS = 3
EV_U = 0
EV_K = 1
EV_S = 2
EV_SRV = 3
EV_OP = 4
EVI_ROWS = 5
H_SEQ = 0
H_KIND = 1
H_A = 2
HI_ROWS = 3
SAMPLES = 0
SMP_ROWS = 1
EV_T = 0
EVF_ROWS = 1
H_T = 0
HF_ROWS = 1
TODO = 0
TD_ROWS = 1

GI_UNITS = GI_ROWS  # then max process batch rows: the units on a server
ST_AREA = STI_ROWS  # then max transfer batch rows: the outbound area
ST_ACC = STF_ROWS  # then N_ACC rows of time accrual, then n_st rows of distances
ST_ACC_END = ST_ACC + N_ACC
ST_DIST = ST_ACC_END
OP_CAN = OPI_ROWS  # then n_st rows of skills, then rows of station priorities
OP_ACC = OPF_ROWS  # then 4 rows of time accrual
OP_ACC_END = OP_ACC + 4
P_OPSTREAM = PI_ROWS  # then n_st rows of stream ids, then route rows


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def draw(S, k):
    IA = S[0]
    FA = S[1]
    b_SMI = IA[H_SMI]
    c_SMI = IA[H_SMI + 1]
    b_SMP = IA[H_SMP]
    c_SMP = IA[H_SMP + 1]
    p = IA[b_SMI + S_POS * c_SMI + k]
    if p >= IA[b_SMI + S_LEN * c_SMI + k]:
        if IA[XO + IO_STATUS] == OK:
            IA[XO + IO_STATUS] = NEED_SAMPLES
            IA[XO + IO_NEED] = k
        IA[XI + 9] = 1
        return 1.0
    IA[b_SMI + S_POS * c_SMI + k] = p + 1
    return FA[b_SMP + SAMPLES * c_SMP + IA[b_SMI + S_START * c_SMI + k] + p]


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
def run_kernel(S):
    """Run one replication over the state S = (IA, FA) built by ``processfactory.sim.engine``.

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
                IA[XI + 15] = 1
                for s in range(n_st):
                    if (
                        IA[b_STI + AREA_N * c_STI + s] > 0
                        and IA[b_STI + AREA_PENDING * c_STI + s] == 0
                    ):
                        dispatch_area(S, s)
                    push_todo(S, s)
                settle(S)
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
                IA[XI + 15] = 1
                for s in range(n_st):
                    if (
                        IA[b_STI + AREA_N * c_STI + s] > 0
                        and IA[b_STI + AREA_PENDING * c_STI + s] == 0
                    ):
                        dispatch_area(S, s)
                    push_todo(S, s)
                settle(S)
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
