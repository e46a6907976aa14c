"""Kernel: the serial-line recursion, the kernel's path for plain serial lines.

A line of single-server stations that one product visits in order — no operators, setups, batches,
defects, breakdowns, kanban cards or walking — released by push or CONWIP from saturated supply or
an arrival stream and run for a number of units needs no calendar: in unit order, every event time
follows from times already known (the departure-time recursion of a tandem line with blocking
after service, as in Factory Physics and Dallery & Gershwin's survey of such lines). For unit i at
station j, with b the buffer in front of station j + 1:

    start      S[i, j] = max(ready[i, j], D[i-1, j])          ready[i, 0] = release, else D[i, j-1]
    completion C[i, j] = S[i, j] + p[i, j]                     p: the station's next random draw
    departure  D[i, j] = max(C[i, j], S[i-b, j+1])             b >= 1 (room once unit i-b started)
                       = max(C[i, j], D[i-1, j+1])             b = 0 (the next server is free)
                       = C[i, j]                               last station, unlimited buffer
    release    R[i]    = max(arrival, X[i-cap] under CONWIP, room in the first buffer)

These are the very maxima and sums the calendar performs when it runs the same line, on the same
random numbers drawn in the same order per stream, so the times are equal bit for bit (the tests
compare both paths on random lines). The outputs — unit table, station accruals, the observed
window — are accrued in the same pass: every event of a unit up to the one whose exit opens the
window (W) happens by W, and every event of a unit up to the one whose exit stops the run (T)
happens by T, so only the few units still in the line at T need clipping. Only short histories
are kept (rings of recent starts and exits). What the recursion cannot see is the calendar's order
among simultaneous events; it matters only at the window's edges (an event at the very moment the
warm-up ends or the run stops): the recursion then stops with TIE and the engine runs the
calendar. The engine may run the recursion while the random streams are still being drawn:
it stops (PAUSED) at the units drawn so far (IP_DRAWN), saving the few scalars it carries from
unit to unit, and the next call goes on from there.

Part of the one kernel (see ``processfactory.sim.kernel``): ``run_kernel`` takes this path when
the compiled scenario qualifies (``IP_SERIAL``) and no event log is asked for.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from processfactory.sim.codes import (
    BLOCKED,
    BUSY,
    FO_WALK_TOTAL,
    FO_WINDOW_END,
    FO_WINDOW_START,
    IDLE,
    IO_EXITS_WINDOW,
    IO_N_EVENTS,
    IO_N_UNITS,
    IO_NEED,
    IO_STATUS,
    IP_ARRIVAL_STREAM,
    IP_CAP,
    IP_DRAWN,
    IP_POLICY,
    IP_SOURCE,
    IP_STOP_UNITS,
    IP_WARMUP_UNITS,
    NEED_SAMPLES,
    NEED_UNITS,
    OK,
    PAUSED,
    TIE,
    U_GOOD,
    U_WIP,
)
from processfactory.sim.layout import (
    H_PI,
    H_RF,
    H_SMI,
    H_STF,
    H_STI,
    H_UF,
    H_UI,
    P_OPSTREAM,
    S_LEN,
    S_START,
    ST_ACC,
    ST_CAP,
    ST_COMPL,
    ST_FIRST_COMPL,
    ST_LAST_COMPL,
    ST_VA,
    U_DUE,
    U_EXIT,
    U_ORDER,
    U_RELEASE,
    U_STATUS,
    U_VA,
    XO,
    XP,
    YO,
    inf,
)


@njit(cache=True, error_model="numpy", _nrt=False, inline="always")
def _overlap(a, b, lo, hi):
    # length of [a, b) inside [lo, hi)
    x = (b if b < hi else hi) - (a if a > lo else lo)
    return x if x > 0.0 else 0.0


@njit(cache=True, error_model="numpy", _nrt=False)
def _need(S, k):
    # stream k ran out: the engine draws more and runs again (streams are prefixes of one
    # sequence, so the rerun is the same run)
    S[0][XO + IO_STATUS] = NEED_SAMPLES
    S[0][XO + IO_NEED] = k


@njit(cache=True, error_model="numpy", _nrt=False)
def run_serial(S):
    """Run one replication of a qualifying serial line (see the module docstring)."""
    IA = S[0]
    FA = S[1]
    n = IA[H_STI + 1] - 1
    u_cap = IA[H_UI + 1]
    policy = IA[XP + IP_POLICY]
    source = IA[XP + IP_SOURCE]
    cap = IA[XP + IP_CAP]
    warm = IA[XP + IP_WARMUP_UNITS]
    stop_units = IA[XP + IP_STOP_UNITS]
    arr_stream = IA[XP + IP_ARRIVAL_STREAM]
    b_UI = IA[H_UI]
    c_UI = IA[H_UI + 1]
    b_UF = IA[H_UF]
    c_UF = IA[H_UF + 1]
    b_STI = IA[H_STI]
    c_STI = IA[H_STI + 1]
    b_STF = IA[H_STF]
    c_STF = IA[H_STF + 1]
    b_PI = IA[H_PI]
    c_PI = IA[H_PI + 1]
    b_SMI = IA[H_SMI]
    c_SMI = IA[H_SMI + 1]
    SP = S[2]
    b_RF = IA[H_RF]
    c_RF = IA[H_RF + 1]
    mask = c_RF - 1  # rings of a power-of-two length (engine._ring_length)
    r_exit = b_RF + n * c_RF  # ring of exit times
    r_dep = r_exit + c_RF  # column j: the last departure from station j
    r_open = r_dep + c_RF  # column j: 1 while station j may still start units before T
    r_save = r_open + c_RF  # the scalars a paused recursion resumes from
    cap0 = IA[b_STI + ST_CAP * c_STI + 0]
    k_stop = warm + stop_units - 1  # the unit whose exit stops the run
    W = 0.0 if warm == 0 else inf  # the window opens at the exit of unit warm - 1
    T = inf
    a = 0.0
    x_prev = 0.0
    held = False
    # each stream serves one purpose and is read in unit order from its start: unit i's draw
    # is the stream's i-th sample (what draw() would give, without its bookkeeping). Units
    # below `avail` find a sample in every stream; at `avail` the shortest one has run out.
    avail = IA[b_SMI + S_LEN * c_SMI + arr_stream] if source == 1 else u_cap + 1
    short = arr_stream
    for j in range(n):
        k = IA[b_PI + (P_OPSTREAM + j) * c_PI + 0]
        if IA[b_SMI + S_LEN * c_SMI + k] < avail:
            avail = IA[b_SMI + S_LEN * c_SMI + k]
            short = k
    # the caller may run the recursion while the streams are still being drawn: it stops
    # (PAUSED) at the units drawn so far and is called again to go on from there
    drawn = IA[XP + IP_DRAWN]
    upto = avail if drawn < 0 or drawn > avail else drawn
    i = 0
    if IA[XO + IO_STATUS] == PAUSED:
        i = int(FA[r_save + 0])
        a = FA[r_save + 1]
        W = FA[r_save + 2]
        T = FA[r_save + 3]
        x_prev = FA[r_save + 4]
        held = FA[r_save + 5] != 0.0
        IA[XO + IO_STATUS] = OK
    else:
        for j in range(n):
            FA[r_dep + j] = 0.0
            FA[r_open + j] = 1.0
            FA[b_STF + ST_FIRST_COMPL * c_STF + j] = np.nan
            FA[b_STF + ST_LAST_COMPL * c_STF + j] = np.nan

    while True:
        # ------------------------------------------------------------ release of unit i
        if i >= upto:
            if i >= avail:
                _need(S, short)
            else:
                FA[r_save + 0] = i
                FA[r_save + 1] = a
                FA[r_save + 2] = W
                FA[r_save + 3] = T
                FA[r_save + 4] = x_prev
                FA[r_save + 5] = 1.0 if held else 0.0
                IA[XO + IO_STATUS] = PAUSED
            return
        entry = 0.0
        if source == 1:
            a = a + SP[IA[b_SMI + S_START * c_SMI + arr_stream] + i]
            entry = a
        if source == 0 and policy == 0:
            # saturated push: the unit is made when the first station is free to take it
            r = FA[r_dep + 0]
            entry = r
        elif held:
            r = inf  # an earlier unit was still waiting for release at T: so is this one
        else:
            r = a if source == 1 else 0.0
            if policy == 1 and i >= cap:
                x = FA[r_exit + ((i - cap) & mask)]
                r = x if x > r else r
            if cap0 == 0:
                room = FA[r_dep + 0]
            else:
                room = FA[b_RF + ((i - cap0) & mask)] if i >= cap0 else 0.0
            r = room if room > r else r
            if source == 0:
                entry = r
        if entry >= T:
            break  # made or arrived after the stop (T is known once unit k_stop is done)
        if i >= u_cap:
            IA[XO + IO_STATUS] = NEED_UNITS
            return
        if source == 1 and a == W:
            IA[XO + IO_STATUS] = TIE
            return
        FA[b_UF + U_ORDER * c_UF + i] = entry if source == 1 else r
        FA[b_UF + U_DUE * c_UF + i] = np.nan
        FA[b_UF + U_EXIT * c_UF + i] = np.nan
        if r >= T:
            FA[b_UF + U_RELEASE * c_UF + i] = np.nan  # arrived, still in the backlog
            held = True
            i += 1
            continue
        FA[b_UF + U_RELEASE * c_UF + i] = r
        IA[b_UI + U_STATUS * c_UI + i] = U_WIP
        accrue = i >= warm  # W is known, and this unit may have events after it
        late = i > k_stop  # T is known, and this unit may have events after it
        va_sum = 0.0
        c_max = 0.0
        steady = accrue and not late and r > W

        # ------------------------------------------------------------ its way down the line
        t = r
        for j in range(n):
            prev = FA[r_dep + j]
            st = t if t > prev else prev
            k = IA[b_PI + (P_OPSTREAM + j) * c_PI + 0]
            p = SP[IA[b_SMI + S_START * c_SMI + k] + i]
            c = st + p
            if j < n - 1:
                b = IA[b_STI + ST_CAP * c_STI + j + 1]
                if b == 0:
                    room = FA[r_dep + j + 1]
                else:
                    room = FA[b_RF + (j + 1) * c_RF + ((i - b) & mask)] if i >= b else 0.0
                d = room if room > c else c
                c_max = c if c > c_max else c_max
            else:
                d = c
            if steady:
                # released after W and done by T: nothing to clip but the idle gap at W
                FA[b_STF + (ST_ACC + IDLE) * c_STF + j] += st - (prev if prev > W else W)
                FA[b_STF + (ST_ACC + BUSY) * c_STF + j] += c - st
                FA[b_STF + (ST_ACC + BLOCKED) * c_STF + j] += d - c
                # counted here as in the general branch below; an inline helper for the two
                # made this loop 7 % slower (measured), so the five lines stand twice
                done_j = IA[b_STI + ST_COMPL * c_STI + j] + 1
                IA[b_STI + ST_COMPL * c_STI + j] = done_j
                if done_j == 1:
                    FA[b_STF + ST_FIRST_COMPL * c_STF + j] = c
                FA[b_STF + ST_LAST_COMPL * c_STF + j] = c
                if IA[b_STI + ST_VA * c_STI + j] != 0:
                    va_sum += p
            elif late and st >= T and FA[r_open + j] != 0.0:
                # the first unit station j had not started when the run stopped: it was idle
                # from its last departure to T
                FA[r_open + j] = 0.0
                FA[b_STF + (ST_ACC + IDLE) * c_STF + j] += _overlap(prev, T, W, T)
            elif FA[r_open + j] != 0.0:
                done = c < T or not late
                if accrue:
                    if c == W or (late and c == T):
                        IA[XO + IO_STATUS] = TIE
                        return
                    FA[b_STF + (ST_ACC + IDLE) * c_STF + j] += _overlap(prev, st, W, T)
                    FA[b_STF + (ST_ACC + BUSY) * c_STF + j] += _overlap(st, c, W, T)
                    if done:
                        FA[b_STF + (ST_ACC + BLOCKED) * c_STF + j] += _overlap(c, d, W, T)
                        if c > W:
                            IA[b_STI + ST_COMPL * c_STI + j] += 1
                            if IA[b_STI + ST_COMPL * c_STI + j] == 1:
                                FA[b_STF + ST_FIRST_COMPL * c_STF + j] = c
                            FA[b_STF + ST_LAST_COMPL * c_STF + j] = c
                if done and IA[b_STI + ST_VA * c_STI + j] != 0:
                    va_sum += p
            FA[b_RF + j * c_RF + (i & mask)] = st
            FA[r_dep + j] = d
            t = d
        FA[b_UF + U_VA * c_UF + i] = va_sum
        FA[r_exit + (i & mask)] = t
        if not late:
            FA[b_UF + U_EXIT * c_UF + i] = t
            IA[b_UI + U_STATUS * c_UI + i] = U_GOOD
        if i == warm - 1:
            # this exit opens the window: no other completion may fall on it
            W = t
            if x_prev == W or c_max == W:
                IA[XO + IO_STATUS] = TIE
                return
        if i == k_stop:
            # this exit stops the run: no other completion may fall on it
            T = t
            if x_prev == T or c_max == T:
                IA[XO + IO_STATUS] = TIE
                return
        x_prev = t
        i += 1

    for j in range(n):
        if FA[r_open + j] != 0.0:
            FA[b_STF + (ST_ACC + IDLE) * c_STF + j] += _overlap(FA[r_dep + j], T, W, T)
    IA[XO + IO_N_UNITS] = i
    IA[XO + IO_N_EVENTS] = 0
    IA[XO + IO_EXITS_WINDOW] = stop_units
    FA[YO + FO_WINDOW_START] = W
    FA[YO + FO_WINDOW_END] = T
    FA[YO + FO_WALK_TOTAL] = 0.0
