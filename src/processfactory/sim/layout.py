"""The kernel's state layout: two flat arrays and the tables inside them (no numba here)."""

from __future__ import annotations

import numpy as np

from processfactory.sim.codes import (
    N_ACC,
    N_FO,
    N_FP,
    N_IO,
    N_IP,
)

inf = np.inf

# ---------------------------------------------------------------- state layout
# The whole state is two flat arrays, S = (IA: int64, FA: float64, SP: float64), so that calls
# between the kernel's functions pass three array descriptors instead of dozens (numba passes
# every array argument as a struct; with ~20 arrays a call cost ~50 ns). SP holds the random
# samples, stream after stream, as numpy drew them (read in place, never copied); the k-th
# sample of stream s is SP[IA[b_SMI + S_START * c_SMI + s] + k]. Scalars sit at the start:
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
H_EVF = X_SIZE + 30
H_HF = X_SIZE + 32
H_TD = X_SIZE + 34
H_RF = X_SIZE + 36
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
EV_T = 0
EVF_ROWS = 1
H_T = 0
HF_ROWS = 1
TODO = 0
TD_ROWS = 1
# the serial-line recursion's short histories (kernel_serial), RF_RING columns: n_st rings of
# start times, a ring of exit times, then per station its last departure and whether it is open,
# then the RF_SAVED scalars a paused recursion resumes from
RF_ROWS_EXTRA = 4
RF_SAVED = 6

GI_UNITS = GI_ROWS  # then max process batch rows: the units on a server
ST_AREA = STI_ROWS  # then max transfer batch rows: the outbound area
ST_ACC = STF_ROWS  # then N_ACC rows of time accrual, then n_st rows of distances
ST_ACC_END = ST_ACC + N_ACC
ST_DIST = ST_ACC_END
OP_CAN = OPI_ROWS  # then n_st rows of skills, then rows of station priorities
OP_ACC = OPF_ROWS  # then 4 rows of time accrual
OP_ACC_END = OP_ACC + 4
P_OPSTREAM = PI_ROWS  # then n_st rows of stream ids, then route rows
