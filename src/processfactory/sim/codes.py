"""Codes and vector layouts shared by the kernel and the code around it (no numba here).

The raw event codes (EV_*) are the event log's own, re-exported for the kernel.
"""

from processfactory.eventlog.schema import (  # noqa: F401  (re-exported for the kernel)
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
)

# status codes
OK = 0
NEED_SAMPLES = 1
NEED_UNITS = 2
NEED_EVENTS = 3
STUCK = 4
TIE = 5  # the serial-line recursion met simultaneous events at the window's edge: run the calendar
PAUSED = 6  # the serial-line recursion reached the units drawn so far (IP_DRAWN): call it again

# server states
IDLE = 0
SETUP = 1
BUSY = 2
BLOCKED = 3
WAIT_OP = 4
# accrual columns (stations table): starved, setup, busy, blocked, waiting_operator, down
ACC_DOWN = 5
N_ACC = 6

# operator states / accrual columns: idle, walking, setup, busy
OP_IDLE = 0
OP_WALK = 1
OP_SETUP = 2
OP_BUSY = 3

# misc (heap) event kinds
H_ARRIVAL = 0
H_ORDER = 1
H_TRANSIT = 2
H_FAIL = 3
H_REPAIR = 4
H_WARMUP = 5
H_END = 6

# destinations beyond stations
DEST_EXIT = -1
DEST_SCRAP = -2

# unit status codes (as in RunRecord.units.status)
U_BACKLOG = 0
U_WIP = 1
U_GOOD = 2
U_SCRAP = 3

# layout of the integer parameter vector `ip`
IP_POLICY = 0  # 0 push, 1 conwip, 2 kanban
IP_SOURCE = 1  # 0 saturated, 1 arrivals, 2 orders
IP_CAP = 2
IP_STOP_UNITS = 3  # -1: none
IP_WARMUP_UNITS = 4
IP_USE_OPS = 5
IP_TRANSPORT = 6
IP_LOG = 7
IP_ARRIVAL_STREAM = 8
IP_PRODUCT_STREAM = 9
IP_N_ORDERS = 10
IP_N_PRIO = 11
IP_SERIAL = 12  # 1: the line qualifies for the serial-line recursion (kernel_serial)
IP_DRAWN = 13  # serial-line recursion: units whose samples are drawn in every stream; -1 all
N_IP = 14

# layout of the float parameter vector `fp`
FP_DURATION = 0  # inf: none
FP_WARMUP_TIME = 1
FP_TIME_PER_METRE = 2
N_FP = 3

# layout of the integer output vector `io`
IO_STATUS = 0
IO_NEED = 1  # stream id that ran out
IO_N_UNITS = 2
IO_N_EVENTS = 3
IO_EXITS_WINDOW = 4
N_IO = 5

# layout of the float output vector `fo`
FO_WINDOW_START = 0
FO_WINDOW_END = 1
FO_WALK_TOTAL = 2
N_FO = 3
