"""SimPy peer for the benchmarks: the saturated-push serial line, written for speed.

Same model as ``tests/simpy_reference.py`` restricted to what the benchmark needs
(one server per station, saturated supply, blocking after service), but formulated the way an
experienced SimPy user would write it for speed rather than for auditability:

* one SimPy process per station (its single server), not one per unit;
* the buffer in front of station ``j >= 1`` is a ``simpy.Store`` holding the waiting units
  (each unit is represented only by its release time, all that is needed for lead times);
  a finite buffer ``b >= 1`` is ``Store(capacity=b)``, so ``put`` blocks the upstream server
  while the buffer is full: blocking after service, FIFO among blocked puts;
* SimPy does not allow ``Store(capacity=0)``, so a zero buffer is an unlimited store plus a
  ``Container`` holding a single "station free" token: the upstream server takes the token
  before handing the unit over and the downstream server returns it when the unit leaves;
* station 0 is its own supply (saturated push): a unit is released when station 0 starts it;
* events that are already triggered (a ``put`` / ``get`` that succeeded immediately) are not
  yielded, which saves a process switch per hand-over without changing any event time.

Only ``simpy``, ``numpy`` and the standard library are used; SimPy is a test/benchmark-only
dependency of processfactory.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Sequence
from typing import Any

import numpy as np
import simpy

__all__ = ["run_simpy_line"]


def run_simpy_line(
    op_times: Sequence[np.ndarray],
    buffers: Sequence[int | None],
    n_units: int,
) -> tuple[np.ndarray, float]:
    """Run the saturated-push line in SimPy.

    ``op_times[j][k]`` is the k-th service time at station ``j`` (one server per station);
    ``buffers[j]`` is the number of waiting places in front of station ``j`` (``None`` =
    unlimited; ``buffers[0]`` is ignored, supply is saturated). Returns the lead times
    (exit - release) of the ``n_units`` units in unit order (= exit order) and the wall-clock
    seconds of the SimPy run (building the environment and ``env.run()``), measured with
    ``time.perf_counter``. Converting the input arrays to Python lists happens before the
    clock starts.
    """
    n = int(n_units)
    n_stations = len(op_times)
    if n_stations == 0:
        raise ValueError("the line needs at least one station")
    if len(buffers) != n_stations:
        raise ValueError(f"buffers has {len(buffers)} entries for {n_stations} stations")
    ops: list[list[float]] = []
    for j, a in enumerate(op_times):
        arr = np.asarray(a, dtype=np.float64)
        if arr.ndim != 1 or arr.size < n:
            raise ValueError(f"op_times[{j}] must be 1-D with at least n_units={n} entries")
        ops.append(arr[:n].tolist())
    for j, b in enumerate(buffers[1:], start=1):
        if b is not None and b < 0:
            raise ValueError(f"buffers[{j}] must be None or >= 0")

    t0 = time.perf_counter()
    env = simpy.Environment()
    timeout = env.timeout
    # Index j (>= 1): waiting units in front of station j, and its token for zero buffers.
    queues: list[Any] = [None]
    tokens: list[Any] = [None]
    for b in buffers[1:]:
        if b is None or b == 0:
            queues.append(simpy.Store(env))
        else:
            queues.append(simpy.Store(env, capacity=b))
        tokens.append(simpy.Container(env, capacity=1, init=1) if b == 0 else None)
    leads: list[float] = []
    record = leads.append

    def server(j: int) -> Generator[simpy.Event, Any, None]:
        last = j == n_stations - 1
        get: Any = None if j == 0 else queues[j].get
        my_token = tokens[j]
        put_next: Any = None if last else queues[j + 1].put
        next_token = None if last else tokens[j + 1]
        for p in ops[j]:
            if get is None:  # station 0: saturated supply, release = start
                released = env.now
            else:
                ev = get()
                released = ev.value if ev.triggered else (yield ev)
            yield timeout(p)
            if last:
                record(env.now - released)
            else:
                if next_token is not None:
                    ev = next_token.get(1)
                    if not ev.triggered:
                        yield ev  # blocked: station j+1 (zero buffer) is busy
                ev = put_next(released)
                if not ev.triggered:
                    yield ev  # blocked: buffer in front of station j+1 is full
            if my_token is not None:
                my_token.put(1)  # the unit has left station j: it is free again

    for j in range(n_stations):
        env.process(server(j))
    env.run()
    elapsed = time.perf_counter() - t0

    if len(leads) != n:  # pragma: no cover - would be a modelling bug
        raise RuntimeError(f"only {len(leads)} of {n} units exited")
    return np.asarray(leads, dtype=np.float64), elapsed


if __name__ == "__main__":  # quick manual run: python benchmarks/simpy_line.py
    rng = np.random.default_rng(0)
    n = 100_000
    times = [rng.exponential(m, n) for m in (0.9, 1.0, 0.8, 0.95)]
    lt, secs = run_simpy_line(times, [None, 2, 0, None], n)
    print(f"{lt.size} units, mean lead time {lt.mean():.3f}, {secs:.3f} s")
