"""Independent SimPy reference model of a serial production line (TEST-ONLY).

This module is the "other simulator" that processfactory's compiled engine is checked
against: both are fed the same pre-drawn random numbers and must produce identical event
times. It is written directly from the modelling rules below, using SimPy resources and one
SimPy process per unit, and deliberately shares no code with ``processfactory``.

Modelling rules
---------------
* A serial line of stations ``j = 0 .. S-1``. Station ``j`` has ``servers[j]`` identical
  parallel servers and, in front of it, a waiting place (buffer) of capacity ``buffers[j]``
  (``None`` = unlimited). The buffer counts only units WAITING, not units in service or
  blocked on a server. Hence a station holds at most ``buffers[j] + servers[j]`` units, and
  a unit may enter station ``j`` exactly when it holds fewer than that (servers are work
  conserving, so a free server implies an empty buffer). The model uses that total as a
  token count ("slots"), which is equivalent to the buffer rule.
* Blocking after service: a server that finishes a unit tries to put it into the next
  station; if that station is full the server keeps the unit (blocked) until room appears.
  Blocked servers get room in FIFO order of the moment they blocked. A unit leaves the last
  station immediately (exit).
* Random numbers: the k-th service STARTED at station ``j`` (k = 0, 1, ..., over all
  servers of the station, in order of start) takes ``op_times[j][k]``. Order ``i`` arrives
  at ``inter_arrivals[0] + ... + inter_arrivals[i]`` (sequential float summation, which is
  what ``np.cumsum`` computes).
* Release policies:
    - saturated push (no arrivals, no CONWIP cap): endless supply; a unit is released at the
      moment station 0 starts it, i.e. whenever a station-0 server becomes free. The buffer
      of station 0 plays no role.
    - push with arrivals: an order is released at its arrival into station 0's buffer; if
      that buffer is finite and full, the order waits outside (FIFO) until room appears.
    - CONWIP with cap ``w``: at most ``w`` units released and not yet exited. Saturated: at
      time 0, ``w`` units are released into station 0's buffer and a new one each time a
      unit exits. With arrivals: orders join an outside FIFO backlog and an order is released
      as soon as fewer than ``w`` units are in the line. If station 0's buffer is finite the
      released order must additionally find room there (CONWIP card first, then room); the
      release time is the moment it enters station 0.
* Units are numbered in release order: unit ``u`` is the u-th released unit. With arrivals
  the backlog is FIFO, so unit ``u`` is also order ``u``.
* Stop: release ``n_units`` units (orders), then run until all of them have exited.

Ties (several things at the same instant)
-----------------------------------------
With FIFO everywhere the per-unit times do not depend on how simultaneous events are
ordered, with one genuine exception that needs a rule: two units that finish at the SAME
instant at a multi-server station (possible with exact ties, e.g. integer times) enter the
next buffer, or join the FIFO queue of blocked servers, in the order in which they STARTED
service at that station. In SimPy this is automatic: a unit's service timeout is scheduled
at its start, and events due at the same time fire in scheduling order. Which of the two
enters first matters, because it decides which of them takes the next ``op_times[j+1][k]``.
With a single server per station units never overtake and this cannot arise. Other
same-instant cascades (a unit exits, a blocked upstream server moves its unit down, the
freed server starts its next unit, a CONWIP card releases a new unit, ...) all happen at
that same instant and give the same times whatever the event order, because each resource
grants strictly from the head of its FIFO queue.

Float arithmetic: end of service is computed as ``start + op_time`` (SimPy schedules a
timeout at ``now + delay``); every other time is a copy of an earlier time. An engine that
does the same additions therefore agrees bit for bit, not just approximately.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

import numpy as np
import simpy

__all__ = ["OpTimesExhaustedError", "simulate_line", "lead_times"]


class OpTimesExhaustedError(ValueError):
    """An ``op_times`` array (or ``inter_arrivals``) is too short for the requested run."""


def _as_1d_float(a: Any, name: str) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array, got shape {arr.shape}")
    if arr.size and (not np.all(np.isfinite(arr)) or np.any(arr < 0)):
        raise ValueError(f"{name} must contain finite, non-negative times")
    return arr


def simulate_line(
    op_times: Sequence[np.ndarray],
    *,
    buffers: Sequence[int | None],
    servers: Sequence[int] | None = None,
    inter_arrivals: np.ndarray | None = None,
    conwip_cap: int | None = None,
    n_units: int,
) -> dict[str, np.ndarray]:
    """Simulate the serial line with SimPy and return per-unit event times.

    Parameters
    ----------
    op_times:
        One 1-D array per station; ``op_times[j][k]`` is the duration of the k-th service
        started at station ``j``. Each station starts exactly ``n_units`` services, so every
        array needs at least ``n_units`` entries (otherwise ``OpTimesExhaustedError``).
    buffers:
        Waiting places in front of each station (``None`` = unlimited). ``buffers[0]`` is
        irrelevant under saturated push.
    servers:
        Parallel identical servers per station (default 1 each).
    inter_arrivals:
        Inter-arrival times of orders (``None`` = saturated supply). Needs at least
        ``n_units`` entries.
    conwip_cap:
        CONWIP limit ``w`` on released-but-not-exited units (``None`` = push).
    n_units:
        Number of units (orders) to release.

    Returns
    -------
    dict with arrays indexed by unit number ``u`` (release order):
        ``order_arrival`` (n,): order arrival time; equals ``release`` for saturated supply.
        ``release`` (n,): release into the line (saturated push: start at station 0).
        ``start`` (n, S), ``finish`` (n, S): start and end of service at each station.
        ``depart`` (n, S): when the unit left the station (entered the next buffer or
            exited); ``depart > finish`` exactly when the server was blocked.
        ``exit`` (n,): exit from the last station (``== depart[:, -1]``).
        ``op_index`` (n, S): the k used for the unit, i.e. it took ``op_times[j][k]``.
    """
    n_stations = len(op_times)
    if n_stations == 0:
        raise ValueError("the line needs at least one station")
    n = int(n_units)
    if n < 0:
        raise ValueError("n_units must be >= 0")
    ops = [_as_1d_float(a, f"op_times[{j}]") for j, a in enumerate(op_times)]

    if len(buffers) != n_stations:
        raise ValueError(f"buffers has {len(buffers)} entries for {n_stations} stations")
    bufs: list[int | None] = []
    for j, b in enumerate(buffers):
        if b is not None and (int(b) != b or b < 0):
            raise ValueError(f"buffers[{j}] must be None or an integer >= 0, got {b!r}")
        bufs.append(None if b is None else int(b))

    n_servers = [1] * n_stations if servers is None else [int(c) for c in servers]
    if len(n_servers) != n_stations:
        raise ValueError(f"servers has {len(n_servers)} entries for {n_stations} stations")
    if any(c < 1 for c in n_servers):
        raise ValueError("every station needs at least one server")

    for j, arr in enumerate(ops):
        if arr.size < n:
            raise OpTimesExhaustedError(
                f"op_times[{j}] has {arr.size} entries but station {j} starts {n} services "
                f"(one per unit); size every op_times array to at least n_units={n}"
            )
    ia: np.ndarray | None = None
    if inter_arrivals is not None:
        ia = _as_1d_float(inter_arrivals, "inter_arrivals")
        if ia.size < n:
            raise OpTimesExhaustedError(
                f"inter_arrivals has {ia.size} entries but n_units={n} orders must arrive"
            )
    if conwip_cap is not None and int(conwip_cap) < 1:
        raise ValueError("conwip_cap must be None or >= 1")
    saturated_push = ia is None and conwip_cap is None

    # Plain Python floats inside the simulation (numpy scalars would leak into env.now).
    op_lists = [arr[:n].tolist() for arr in ops]
    ia_list = None if ia is None else ia[:n].tolist()

    order_arrival = np.full(n, np.nan)
    release = np.full(n, np.nan)
    start = np.full((n, n_stations), np.nan)
    finish = np.full((n, n_stations), np.nan)
    depart = np.full((n, n_stations), np.nan)
    exit_ = np.full(n, np.nan)
    op_index = np.full((n, n_stations), -1, dtype=np.int64)

    env = simpy.Environment()
    server_res = [simpy.Resource(env, capacity=c) for c in n_servers]
    # Station capacity tokens (waiting places + servers); None = unlimited station.
    slot_res: list[simpy.Resource | None] = [
        None if b is None else simpy.Resource(env, capacity=b + c)
        for b, c in zip(bufs, n_servers, strict=True)
    ]
    if saturated_push:
        slot_res[0] = None  # supply waits outside; station 0's buffer is never used
    wip_res = None if conwip_cap is None else simpy.Resource(env, capacity=int(conwip_cap))
    started = [0] * n_stations  # services started so far, per station

    def unit(
        u: int,
        card: Any,
        slot: Any,
        server_req: Any,
    ) -> Generator[simpy.Event, Any, None]:
        """Life of unit ``u`` from its release (already holding what it got at release)."""
        for j in range(n_stations):
            if server_req is None:
                server_req = server_res[j].request()
                yield server_req
            now = env.now
            start[u, j] = now
            k = started[j]
            if k >= len(op_lists[j]):  # cannot happen after the size check; kept as a guard
                raise OpTimesExhaustedError(f"op_times[{j}] ran out at service number {k}")
            started[j] = k + 1
            op_index[u, j] = k
            yield env.timeout(op_lists[j][k])
            finish[u, j] = env.now
            next_slot = None
            if j + 1 < n_stations:
                nxt = slot_res[j + 1]
                if nxt is not None:
                    next_slot = nxt.request()  # FIFO among servers blocked on station j+1
                    yield next_slot
            depart[u, j] = env.now
            server_res[j].release(server_req)
            server_req = None
            if slot is not None:
                slot_res[j].release(slot)  # type: ignore[union-attr]
            slot = next_slot
        exit_[u] = env.now
        if card is not None:
            wip_res.release(card)  # type: ignore[union-attr]

    backlog = simpy.Store(env) if ia_list is not None else None

    def arrivals() -> Generator[simpy.Event, Any, None]:
        assert ia_list is not None and backlog is not None
        for dt in ia_list:
            yield env.timeout(dt)
            backlog.put(env.now)

    def gate() -> Generator[simpy.Event, Any, None]:
        """Releases units one at a time, in FIFO order (the outside backlog / supply)."""
        for u in range(n):
            arrived = None
            if backlog is not None:
                arrived = yield backlog.get()
            card = None
            if wip_res is not None:
                card = wip_res.request()
                yield card
            slot = None
            server_req = None
            if saturated_push:
                server_req = server_res[0].request()  # released when station 0 can start it
                yield server_req
            elif slot_res[0] is not None:
                slot = slot_res[0].request()
                yield slot
            release[u] = env.now
            order_arrival[u] = env.now if arrived is None else arrived
            env.process(unit(u, card, slot, server_req))

    if backlog is not None:
        env.process(arrivals())
    env.process(gate())
    env.run()

    if n and np.isnan(exit_).any():  # pragma: no cover - would be a modelling bug
        raise RuntimeError(f"{int(np.isnan(exit_).sum())} units never exited (deadlock?)")
    return {
        "order_arrival": order_arrival,
        "release": release,
        "start": start,
        "finish": finish,
        "depart": depart,
        "exit": exit_,
        "op_index": op_index,
    }


def lead_times(result: dict[str, np.ndarray], *, from_order: bool = True) -> np.ndarray:
    """Per-unit lead times: exit minus order arrival (default) or minus release."""
    origin = result["order_arrival"] if from_order else result["release"]
    out: np.ndarray = result["exit"] - origin
    return out
