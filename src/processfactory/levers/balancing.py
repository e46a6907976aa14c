"""Line balancing (SALBP-1): the fewest stations that do all the work within the takt time.

Given work elements (operations) with their times, the precedence graph between them and a takt
time (cycle time) ``c``, :func:`balance_line` assigns every operation to one station so that

- each station's work content (the sum of its operations' times) is at most ``c``;
- an operation is never in an earlier station than an operation it comes after;
- the number of stations is as small as the method can make it.

This is the simple assembly line balancing problem of type 1 (SALBP-1, Baybars 1986; Scholl
1999). It is NP-hard, so two methods are offered:

``"rpw"`` — the ranked positional weight heuristic (Helgeson & Birnie 1961). The positional
weight of an operation is its time plus the times of all operations that (transitively) come
after it. Operations are ranked by decreasing weight (ties: longer time first, then input
order). Stations are filled one at a time: the highest-ranked operation whose predecessors are
all assigned and which still fits in the station's idle time is added, until none fits; then
the next station is opened.

``"exact"`` — a depth-first, station-oriented branch and bound in the style of FABLE (Johnson
1988) and SALOME (Scholl & Klein 1997). It starts from the RPW solution as the incumbent and
builds stations one after another. At each node the *maximal* loads of the next station are
enumerated (a load no available operation can be added to: there is always an optimal
solution made of maximal loads, Jackson 1956), fullest first. A node is cut when the stations
used so far plus a lower bound for the remaining operations cannot beat the incumbent, or when
the same set of assigned operations was already reached with no more stations (memoisation).
The bounds (Scholl & Klein 1997) are

- LB1 = ⌈Σt / c⌉ (the theoretical minimum),
- LB2 = the operations longer than c/2 (no two share a station), counting those of exactly c/2
  as one half,
- LB3 = ⌈Σ w⌉ with w = 1 for t > 2c/3, 2/3 for t = 2c/3, 1/2 for c/3 < t < 2c/3 and 1/3 for
  t = c/3 (no station holds more than weight 1).

The search stops as soon as the incumbent meets the lower bound of the whole problem. It counts
its steps (search nodes and steps of the load enumeration) and gives up after ``node_limit``
of them, returning the best solution found with ``optimal=False``, so it never runs away.
Textbook instances of up to about 30 operations (Scholl's 1993 data set) solve exactly in a
fraction of a second.

Times are floats in any unit (the takt's); sums are compared with a relative tolerance of 1e-9
so that, e.g., three operations of 0.1 fit a takt of 0.3.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from processfactory.levers.base import LeverError

Method = Literal["rpw", "exact"]
METHODS: tuple[Method, ...] = ("rpw", "exact")
DEFAULT_NODE_LIMIT = 200_000
"""Steps the exact method may take before it returns its best solution unproven."""

_REL_TOL = 1e-9

Finding = tuple[str, str]
"""A problem of the input as ``(path, message)``; the path names the offending field in the
form the lever parameters and the ``balance`` input file use (``operations[2].after[0]``)."""


@dataclass(frozen=True)
class Operation:
    """A work element: its id, its time and the operations it must come after."""

    id: str
    time: float
    predecessors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # accept any iterable of ids (a list from YAML) but store a tuple: the class is frozen
        object.__setattr__(self, "predecessors", tuple(self.predecessors))


@dataclass(frozen=True)
class YamazumiBar:
    """One station's stacked bar: its operations bottom to top, as ``(id, time)``."""

    station: int
    """Position of the station on the line, from 1."""
    operations: tuple[tuple[str, float], ...]

    @property
    def total(self) -> float:
        """Height of the bar: the station's work content."""
        return math.fsum(time for _, time in self.operations)


@dataclass(frozen=True)
class Yamazumi:
    """Data of a yamazumi (stacked bar) chart: a bar per station and the takt line."""

    takt: float
    bars: tuple[YamazumiBar, ...]


@dataclass(frozen=True)
class BalanceResult:
    """A balanced line: which operations each station does, and how well the line is balanced.

    ``stations`` lists, per station in line order, its operation ids in an order that respects
    precedence. ``optimal`` is true when the number of stations is proven minimal: the exact
    search finished, or the stations meet the lower bound.
    """

    takt: float
    method: Method
    stations: tuple[tuple[str, ...], ...]
    station_times: tuple[float, ...]
    operation_times: tuple[tuple[str, float], ...]
    """Every operation's time, in input order."""
    total_time: float
    """Σt: the work content of all operations."""
    theoretical_minimum: int
    """LB1 = ⌈Σt / takt⌉."""
    lower_bound: int
    """The best of LB1, LB2 and LB3 (see the module doc): no line can have fewer stations."""
    optimal: bool
    nodes: int
    """Steps the exact search took (0 for RPW, or when RPW already met the lower bound)."""

    @property
    def n_stations(self) -> int:
        """Number of stations."""
        return len(self.stations)

    @property
    def efficiency(self) -> float:
        """Balance efficiency Σt / (n · takt), between 0 and 1."""
        return self.total_time / (self.n_stations * self.takt)

    @property
    def balance_delay(self) -> float:
        """Balance delay 1 − efficiency: the share of the stations' time spent idle."""
        return 1.0 - self.efficiency

    @property
    def idle_time(self) -> float:
        """Idle time per cycle over all stations, n · takt − Σt (takt's unit)."""
        return self.n_stations * self.takt - self.total_time

    @property
    def station_idle(self) -> tuple[float, ...]:
        """Idle time of each station per cycle, takt − station time."""
        return tuple(self.takt - time for time in self.station_times)

    @property
    def smoothness_index(self) -> float:
        """Smoothness index √Σ(S_max − S_i)² (Moodie & Young 1965), S_i the station times.

        0 when every station has the same work content; it measures how even the line is, where
        the efficiency measures how full it is.
        """
        top = max(self.station_times)
        return math.sqrt(math.fsum((top - s) ** 2 for s in self.station_times))

    @property
    def yamazumi(self) -> Yamazumi:
        """Stacked operation times per station, with the takt line."""
        times = dict(self.operation_times)
        bars = tuple(
            YamazumiBar(k + 1, tuple((op, times[op]) for op in ops))
            for k, ops in enumerate(self.stations)
        )
        return Yamazumi(self.takt, bars)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for JSON): the summary figures, the stations and the yamazumi."""
        times = dict(self.operation_times)
        return {
            "takt": self.takt,
            "method": self.method,
            "n_stations": self.n_stations,
            "theoretical_minimum": self.theoretical_minimum,
            "lower_bound": self.lower_bound,
            "optimal": self.optimal,
            "total_time": self.total_time,
            "efficiency": self.efficiency,
            "balance_delay": self.balance_delay,
            "idle_time": self.idle_time,
            "smoothness_index": self.smoothness_index,
            "nodes": self.nodes,
            "stations": [
                {
                    "station": k + 1,
                    "operations": [{"id": op, "time": times[op]} for op in ops],
                    "time": time,
                    "idle": self.takt - time,
                }
                for k, (ops, time) in enumerate(zip(self.stations, self.station_times, strict=True))
            ],
        }


# ---------------------------------------------------------------------------------------------
# Validation


def _cycle_through(start: str, preds: dict[str, list[str]], members: set[str]) -> list[str]:
    """A cycle ``[start, ..., start]`` following "comes after" edges inside ``members``."""
    # breadth-first over predecessors from start back to start; the path found is reversed so
    # that it reads in the direction work flows (a -> b: b comes after a)
    parent: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for prev in preds[node]:
                if prev not in members:
                    continue
                if prev == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    return [start, *path]
                if prev not in parent:
                    parent[prev] = node
                    following.append(prev)
        frontier = following
    return [start, start]  # pragma: no cover - start is on a cycle by construction


def _cycles(operations: Sequence[Operation]) -> list[list[str]]:
    """One cycle per strongly connected component of the precedence graph that has one."""
    known = {op.id for op in operations}
    preds = {op.id: [p for p in op.predecessors if p in known] for op in operations}
    succs: dict[str, list[str]] = {op.id: [] for op in operations}
    for op in operations:
        for p in preds[op.id]:
            succs[p].append(op.id)
    # Kahn's algorithm from both ends leaves exactly the operations on or between cycles
    left = set(preds)
    for edges in (preds, succs):
        count = {v: sum(1 for u in edges[v] if u in left) for v in left}
        ready = [v for v in left if count[v] == 0]
        while ready:
            v = ready.pop()
            left.discard(v)
            other = succs if edges is preds else preds
            for w in other[v]:
                if w in left:
                    count[w] -= 1
                    if count[w] == 0:
                        ready.append(w)

    def reach(start: str, edges: dict[str, list[str]]) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for w in edges[todo.pop()]:
                if w in left and w not in seen:
                    seen.add(w)
                    todo.append(w)
        return seen

    out: list[list[str]] = []
    done: set[str] = set()
    for op in operations:  # input order, so messages are stable
        v = op.id
        if v not in left or v in done:
            continue
        component = reach(v, succs) & reach(v, preds)
        done |= component
        if len(component) > 1 or v in preds[v]:
            out.append(_cycle_through(v, preds, component))
    return out


def operation_problems(operations: Sequence[Operation], takt: float | None = None) -> list[Finding]:
    """Every problem of the operations (and of the takt, if given) as ``(path, message)``.

    Empty when :func:`balance_line` can run: unique ids, positive finite times, predecessors
    that exist and form no cycle, and no operation longer than the takt.
    """
    out: list[Finding] = []
    takt_ok = takt is not None and math.isfinite(takt) and takt > 0
    if takt is not None and not takt_ok:
        out.append(("takt", f"the takt time must be a positive number, got {takt}"))
    if not operations:
        out.append(("operations", "there are no operations to balance: give at least one"))
        return out
    first: dict[str, int] = {}
    for i, op in enumerate(operations):
        if op.id in first:
            out.append(
                (
                    f"operations[{i}].id",
                    f"duplicate operation id '{op.id}' "
                    f"(already used by operations[{first[op.id]}])",
                )
            )
        else:
            first[op.id] = i
    ids = set(first)
    for i, op in enumerate(operations):
        if not (math.isfinite(op.time) and op.time > 0):
            out.append(
                (
                    f"operations[{i}].time",
                    f"operation '{op.id}' must take a positive time, got {op.time}",
                )
            )
        elif takt_ok and takt is not None and op.time > takt * (1 + _REL_TOL):
            out.append(
                (
                    f"operations[{i}].time",
                    f"operation '{op.id}' takes {op.time:g}, longer than the takt time {takt:g}: "
                    "it fits in no station (split it into shorter elements, or shorten it)",
                )
            )
        for j, prev in enumerate(op.predecessors):
            if prev not in ids:
                known = ", ".join(first)
                out.append(
                    (
                        f"operations[{i}].after[{j}]",
                        f"operation '{op.id}' comes after unknown operation '{prev}' "
                        f"(operations: {known})",
                    )
                )
    if len(first) == len(operations):  # with duplicate ids the graph is ambiguous
        for cycle in _cycles(operations):
            closing = cycle[0]
            i = first[closing]
            j = operations[i].predecessors.index(cycle[-2])
            if len(cycle) == 2:
                message = f"operation '{closing}' comes after itself"
            else:
                message = (
                    f"the operations {', '.join(repr(v) for v in cycle[:-1])} form a precedence "
                    f"cycle ({' -> '.join(cycle)}): none of them can ever start"
                )
            out.append((f"operations[{i}].after[{j}]", message))
    return out


def validate_operations(operations: Sequence[Operation], takt: float) -> None:
    """Raise :class:`LeverError` naming every problem :func:`operation_problems` finds."""
    problems = operation_problems(operations, takt)
    if problems:
        raise LeverError("; ".join(f"{path}: {message}" for path, message in problems))


# ---------------------------------------------------------------------------------------------
# The problem in index form


@dataclass(frozen=True)
class _Instance:
    """Operations renumbered in a topological order (predecessors have smaller indices)."""

    ids: tuple[str, ...]
    times: tuple[float, ...]
    preds: tuple[int, ...]  # bit mask of direct predecessors
    succs: tuple[int, ...]  # bit mask of all (transitive) successors
    takt: float
    cap: float  # takt with the tolerance

    @property
    def n(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, operations: Sequence[Operation], takt: float) -> _Instance:
        position = {op.id: k for k, op in enumerate(operations)}
        waiting = {op.id: len(set(op.predecessors)) for op in operations}
        followers: dict[str, list[str]] = {op.id: [] for op in operations}
        for op in operations:
            for p in set(op.predecessors):
                followers[p].append(op.id)
        # Kahn's algorithm taking the earliest-listed ready operation: input order is kept
        # wherever precedence allows, so ties everywhere are broken by input order
        heap = [position[v] for v, k in waiting.items() if k == 0]
        heapq.heapify(heap)
        order: list[str] = []
        while heap:
            v = operations[heapq.heappop(heap)].id
            order.append(v)
            for w in followers[v]:
                waiting[w] -= 1
                if waiting[w] == 0:
                    heapq.heappush(heap, position[w])
        index = {v: k for k, v in enumerate(order)}
        by_id = {op.id: op for op in operations}
        preds = tuple(sum(1 << index[p] for p in set(by_id[v].predecessors)) for v in order)
        succs = [0] * len(order)
        for k in range(len(order) - 1, -1, -1):
            for w in followers[order[k]]:
                succs[k] |= (1 << index[w]) | succs[index[w]]
        return cls(
            ids=tuple(order),
            times=tuple(float(by_id[v].time) for v in order),
            preds=preds,
            succs=tuple(succs),
            takt=takt,
            cap=takt * (1 + _REL_TOL),
        )

    def lower_bound(self, tasks: Iterable[int]) -> tuple[int, int]:
        """(LB1, max(LB1, LB2, LB3)) for the given task indices."""
        chosen = list(tasks)
        lb1 = _ceil(math.fsum(self.times[k] for k in chosen) / self.takt)
        w2 = sum(_w2(self.times[k], self.takt) for k in chosen)
        w3 = sum(_w3(self.times[k], self.takt) for k in chosen)
        return lb1, max(lb1, -(-w2 // 2), -(-w3 // 6))


def _ceil(x: float) -> int:
    """⌈x⌉ forgiving a relative rounding error (3 × 0.1 / 0.3 is 1, not 2); any x > 0 needs at
    least 1, however small (a huge takt)."""
    return math.ceil(x * (1 - 1e-9))


def _cmp(t: float, ref: float) -> int:
    """-1, 0 or 1 as t is below, at (within tolerance) or above ref."""
    if abs(t - ref) <= _REL_TOL * max(1.0, abs(ref)):
        return 0
    return 1 if t > ref else -1


def _w2(t: float, c: float) -> int:
    """Twice the LB2 weight: 2 above c/2, 1 at c/2."""
    return {1: 2, 0: 1, -1: 0}[_cmp(t, c / 2)]


def _w3(t: float, c: float) -> int:
    """Six times the LB3 weight: 6 above 2c/3, 4 at 2c/3, 3 between c/3 and 2c/3, 2 at c/3."""
    upper = _cmp(t, c / 3 * 2)  # not 2 * c / 3: 2 * c overflows to inf for a huge takt
    if upper > 0:
        return 6
    if upper == 0:
        return 4
    lower = _cmp(t, c / 3)
    return {1: 3, 0: 2, -1: 0}[lower]


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


# ---------------------------------------------------------------------------------------------
# Ranked positional weight


def _rpw(inst: _Instance) -> list[list[int]]:
    weight = [
        inst.times[k] + math.fsum(inst.times[j] for j in _bits(inst.succs[k]))
        for k in range(inst.n)
    ]
    ranked = sorted(range(inst.n), key=lambda k: (-weight[k], -inst.times[k], k))
    assigned = 0
    stations: list[list[int]] = []
    while assigned != (1 << inst.n) - 1:
        load: list[int] = []
        time = 0.0
        while True:
            pick = next(
                (
                    k
                    for k in ranked
                    if not (assigned >> k) & 1
                    and not inst.preds[k] & ~assigned
                    and time + inst.times[k] <= inst.cap
                ),
                None,
            )
            if pick is None:
                break
            load.append(pick)
            assigned |= 1 << pick
            time += inst.times[pick]
        stations.append(load)
    return stations


# ---------------------------------------------------------------------------------------------
# Branch and bound


class _NodeLimitReached(Exception):
    pass


class _Search:
    """Depth-first station-oriented branch and bound over maximal station loads."""

    def __init__(self, inst: _Instance, incumbent: list[list[int]], target: int, limit: int):
        self.inst = inst
        self.best = [sum(1 << k for k in load) for load in incumbent]
        self.target = target  # lower bound of the whole problem: stop when met
        self.limit = limit
        self.steps = 0
        self.seen: dict[int, int] = {}
        self.full = (1 << inst.n) - 1
        self.w2 = [_w2(t, inst.takt) for t in inst.times]
        self.w3 = [_w3(t, inst.takt) for t in inst.times]

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > self.limit:
            raise _NodeLimitReached

    def run(self) -> bool:
        """Search; true when it finished (the best solution is then proven optimal)."""
        inst = self.inst
        try:
            self._node(0, [], math.fsum(inst.times), sum(self.w2), sum(self.w3))
        except _NodeLimitReached:
            return False
        return True

    def _node(self, assigned: int, path: list[int], rest: float, w2: int, w3: int) -> None:
        if assigned == self.full:
            if len(path) < len(self.best):
                self.best = list(path)
            return
        used = len(path)
        bound = max(_ceil(rest / self.inst.takt), -(-w2 // 2), -(-w3 // 6))
        if used + bound >= len(self.best):
            return
        before = self.seen.get(assigned)
        if before is not None and before <= used:
            return
        self.seen[assigned] = used
        self._tick()
        loads = self._maximal_loads(assigned)
        loads.sort(key=lambda load: -load[1])
        for mask, time in loads:
            tasks = _bits(mask)
            path.append(mask)
            self._node(
                assigned | mask,
                path,
                rest - time,
                w2 - sum(self.w2[k] for k in tasks),
                w3 - sum(self.w3[k] for k in tasks),
            )
            path.pop()
            if len(self.best) <= self.target:
                return

    def _maximal_loads(self, assigned: int) -> list[tuple[int, float]]:
        """Every load of the next station no available operation can be added to.

        Operations are added in increasing index order (a topological order), which builds
        every precedence-feasible set exactly once.
        """
        inst = self.inst
        free = [k for k in range(inst.n) if not (assigned >> k) & 1]
        times, preds, cap = inst.times, inst.preds, inst.cap
        out: list[tuple[int, float]] = []

        def extend(load: int, time: float, last: int) -> None:
            self._tick()
            done = assigned | load
            maximal = True
            for k in free:
                if (done >> k) & 1 or preds[k] & ~done or time + times[k] > cap:
                    continue
                maximal = False
                if k > last:
                    extend(load | (1 << k), time + times[k], k)
            if maximal:
                out.append((load, time))

        extend(0, 0.0, -1)
        return out


# ---------------------------------------------------------------------------------------------
# Entry point


def balance_line(
    operations: Sequence[Operation],
    takt: float,
    method: Method = "exact",
    *,
    node_limit: int = DEFAULT_NODE_LIMIT,
) -> BalanceResult:
    """Assign ``operations`` to as few stations as possible with station times ≤ ``takt``.

    ``method`` is ``"rpw"`` (ranked positional weight heuristic) or ``"exact"`` (branch and
    bound from the RPW solution, giving up after ``node_limit`` steps with the best solution
    found and ``optimal=False``); see the module doc. Raises :class:`LeverError` for invalid
    input, naming every problem (see :func:`operation_problems`).
    """
    if method not in METHODS:
        raise LeverError(f"unknown balancing method '{method}' (use one of: {', '.join(METHODS)})")
    if node_limit < 0:
        raise LeverError(f"node_limit must be >= 0, got {node_limit}")
    validate_operations(operations, takt)
    inst = _Instance.of(operations, takt)
    lb1, bound = inst.lower_bound(range(inst.n))
    stations = _rpw(inst)
    optimal = len(stations) <= bound
    steps = 0
    if method == "exact" and not optimal:
        search = _Search(inst, stations, bound, node_limit)
        finished = search.run()
        steps = search.steps
        stations = [_bits(mask) for mask in search.best]  # increasing index: topological
        optimal = finished or len(stations) <= bound
    return BalanceResult(
        takt=float(takt),
        method=method,
        stations=tuple(tuple(inst.ids[k] for k in load) for load in stations),
        station_times=tuple(math.fsum(inst.times[k] for k in load) for load in stations),
        operation_times=tuple((op.id, float(op.time)) for op in operations),
        total_time=math.fsum(op.time for op in operations),
        theoretical_minimum=lb1,
        lower_bound=bound,
        optimal=optimal,
        nodes=steps,
    )


__all__ = [
    "DEFAULT_NODE_LIMIT",
    "METHODS",
    "BalanceResult",
    "Finding",
    "Method",
    "Operation",
    "Yamazumi",
    "YamazumiBar",
    "balance_line",
    "operation_problems",
    "validate_operations",
]
