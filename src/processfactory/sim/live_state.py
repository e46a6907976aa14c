"""The machinery of the live line (:mod:`processfactory.sim.live`, which has the public API).

``LineCore`` moves units through the stations: releases, starts, completions, defects, moves,
breakdowns and the computer's play of its stations, on a heap of internal events handled in time
order (ties: repair, failure, end of setup, completion, order, arrival; then the order they were
scheduled in). Each random stream (operation times per station and product, setups, defects,
failures, repairs, arrivals, product mix) has its own generator derived from the seed, so the
draws never depend on how the clock was advanced. Pure Python + numpy + polars (no Django).
"""

from __future__ import annotations

import contextlib
import heapq
import math
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl

from processfactory.eventlog.convert import ACTIVITY, CASE, LIFECYCLE, RESOURCE, TIMESTAMP
from processfactory.eventlog.schema import EVENT_SCHEMA
from processfactory.scenario.distributions import Distribution
from processfactory.scenario.model import Defects, Scenario, Station

COMPUTER = "computer"
"""``org:resource`` of what the computer does (its stations' operations and moves)."""

Row = tuple[float, int, str, str, str | None, str | None]
"""One event-log row: time, unit, activity, lifecycle, station, resource."""

# random-stream purposes (the second word of a stream's seed)
RNG_TIME = 1
RNG_SETUP = 2
RNG_DEFECT = 3
RNG_FAIL = 4
RNG_REPAIR = 5
RNG_ARRIVAL = 6
RNG_PRODUCT = 7

_CHUNK = 64


def stream_rng(seed: int, purpose: int, a: int = 0, b: int = 0) -> np.random.Generator:
    """The generator of one random stream: one per purpose and station (and product).

    Streams are independent of each other, so the draws of one stream never depend on how many
    draws another took, nor on how the clock was advanced.
    """
    return np.random.default_rng([int(seed), purpose, a, b])


class Stream:
    """Draws of one distribution from its own generator, in order (sampled in chunks)."""

    __slots__ = ("_dist", "_rng", "_buf", "_i")

    def __init__(self, dist: Distribution, rng: np.random.Generator) -> None:
        self._dist = dist
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0

    def draw(self) -> float:
        if self._i >= len(self._buf):
            self._buf = [float(x) for x in self._dist.sample(self._rng, _CHUNK)]
            self._i = 0
        value = self._buf[self._i]
        self._i += 1
        return value


class UniformStream:
    """Uniform draws in [0, 1) from their own generator (defects, product mix)."""

    __slots__ = ("_rng", "_buf", "_i")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0

    def draw(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self._rng.random(_CHUNK).tolist()
            self._i = 0
        value = self._buf[self._i]
        self._i += 1
        return value


@dataclass(slots=True, eq=False)
class Unit:
    """One unit (case) of the round."""

    id: int
    product: str | None
    routing: tuple[str, ...]
    ordered: float | None = None
    """Time the order arrived (online arrivals/orders), else None."""
    released: float | None = None
    exit: float | None = None
    status: str = "backlog"
    """``backlog`` (ordered, not released), ``wip``, ``good`` or ``scrap``."""
    step: int = 0
    """Index in ``routing`` of the station it is at (after a completion: of the next one)."""
    next: str | None = None
    """In an outbox: the station it goes to."""
    done_at: float = 0.0
    """Time it entered its current outbox."""
    last_t: float = 0.0
    """Time of its latest event (floor mode keeps a unit's events in order)."""
    defect_detect: str | None = None
    """A defect made upstream, to be detected at this station (online)."""
    defect_origin: str | None = None
    rework_return: int | None = None
    """While in rework: the routing step it continues at after the rework operation."""
    reworks: int = 0
    card: str | None = None
    """Station whose kanban card the unit holds."""


@dataclass(slots=True, eq=False)
class Job:
    """Units in process together at one server (floor mode: one unit per job)."""

    units: list[int]
    station: str
    product: str | None
    started: float
    resource: str | None
    end: float | None = None
    """Online: when the operation completes (moves with breakdowns)."""
    setup_end: float | None = None
    """Online: when the setup ends, while it runs (None without a setup or once done)."""
    duration: float | None = None
    version: int = 0
    """Bumped when the job's scheduled times move; older heap entries are stale."""


@dataclass(slots=True, eq=False)
class StationState:
    """What is at one station now."""

    spec: Station
    index: int
    name: str
    human: bool
    queue: deque[int] = field(default_factory=deque)
    jobs: list[Job] = field(default_factory=list)
    outbox: deque[int] = field(default_factory=deque)
    andon: bool = False
    """Stopped by a person (``down``), until ``up``."""
    broken: bool = False
    """Broken down by the scenario's breakdowns (online computer stations)."""
    cards: int | None = None
    """Kanban cards (release policy ``kanban`` and the station has cards), else None."""
    cards_used: int = 0
    dispatching: int = 0
    """Computer stations: units of the transfer batch being moved on that have not left yet."""
    last_product: str | None = None
    started_any: bool = False
    time_streams: dict[str | None, Stream] = field(default_factory=dict)
    setup_stream: Stream | None = None
    defect_stream: UniformStream | None = None
    fail_stream: Stream | None = None
    repair_stream: Stream | None = None

    @property
    def down(self) -> bool:
        return self.andon or self.broken

    @property
    def in_process(self) -> int:
        return sum(len(job.units) for job in self.jobs)


def build_event_log(
    rows: list[Row], *, base_time: datetime, seconds_per_time_unit: float, round_number: int
) -> pl.DataFrame:
    """The rows as an event log in ``EVENT_SCHEMA``, sorted by time (stable)."""
    n = len(rows)
    times = np.fromiter((r[0] for r in rows), dtype=np.float64, count=n)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    base = base_time if base_time.tzinfo is not None else base_time.replace(tzinfo=UTC)
    delta = base - epoch
    base_us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    offset_us = np.rint(times * (seconds_per_time_unit * 1e6)).astype(np.int64)
    timestamp = (
        pl.Series(TIMESTAMP, base_us + offset_us, dtype=pl.Int64)
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("UTC")
    )
    frame = pl.DataFrame(
        {
            CASE: pl.Series([str(r[1]) for r in rows], dtype=pl.String),
            ACTIVITY: pl.Series([r[2] for r in rows], dtype=pl.String),
            LIFECYCLE: pl.Series([r[3] for r in rows], dtype=pl.String),
            TIMESTAMP: timestamp,
            "time": pl.Series(times, dtype=pl.Float64),
            "station": pl.Series([r[4] for r in rows], dtype=pl.String),
            RESOURCE: pl.Series([r[5] for r in rows], dtype=pl.String),
            "round": pl.repeat(round_number, n, dtype=pl.Int32, eager=True),
            "voided": pl.repeat(False, n, dtype=pl.Boolean, eager=True),
        },
        schema=EVENT_SCHEMA,
    )
    return frame.sort("time", maintain_order=True)


# internal events, in the order they are handled at equal times
_REPAIR, _FAIL, _SETUP_END, _COMPLETE, _ORDER, _ARRIVAL = range(6)
_MAX_EVENTS_PER_INSTANT = 200_000
BLOCKED = "blocked"
"""Internal refusal of a computer station's start: its servers hold finished units."""


@dataclass
class StartPlan:
    """Where a start takes its units from: the queue's head, upstream outboxes (floor mode's
    implicit move), the backlog, new units (saturated supply)."""

    n_queue: int = 0
    implicit: list[tuple[StationState, int]] | None = None
    n_backlog: int = 0
    n_new: int = 0

    @property
    def total(self) -> int:
        return self.n_queue + len(self.implicit or ()) + self.n_backlog + self.n_new


class LineCore:
    """The flow of units through the stations and the computer's play (no public API)."""

    def __init__(
        self, scenario: Scenario, *, online: bool, humans: Iterable[str], seed: int
    ) -> None:
        self.scenario = scenario
        self.online = online
        self.seed = int(seed)
        self.time = 0.0
        ids = [st.id for st in scenario.stations]
        human_ids = set(humans) if online else set(ids)
        policy = scenario.release.policy
        self._stations: dict[str, StationState] = {}
        for i, spec in enumerate(scenario.stations):
            st = StationState(spec, i, scenario.station_name(spec.id), spec.id in human_ids)
            st.cards = spec.kanban if policy == "kanban" else None
            self._stations[spec.id] = st
        self._order = list(self._stations.values())
        self._computer = [st for st in self._order if online and not st.human]
        self._routings: dict[str | None, tuple[str, ...]]
        self._cum_shares: list[float]
        if scenario.products:
            self._products: list[str | None] = [p.id for p in scenario.products]
            self._routings = {p.id: tuple(p.routing or ids) for p in scenario.products}
            total = sum(p.share for p in scenario.products)
            acc = 0.0
            self._cum_shares = []
            for p in scenario.products:
                acc += p.share / total
                self._cum_shares.append(acc)
        else:
            self._products = [None]
            self._routings = {None: tuple(ids)}
            self._cum_shares = [1.0]
        self._firsts = {routing[0] for routing in self._routings.values()}
        self._policy = policy
        self._source = scenario.release.source
        self._cap = scenario.release.cap
        self._units: dict[int, Unit] = {}
        self._next_id = 1
        self._backlog: list[int] = []
        self._backlog_head = 0
        self._rows: list[Row] = []
        self._released = self._finished = self._scrapped = 0
        self._leads: list[float] = []
        self._heap: list[tuple[float, int, int, int, Any]] = []
        self._seq = 0
        self._next_product: str | None = self._products[0]
        if online:
            self._init_online()

    # --- set-up ------------------------------------------------------------------------------

    def _init_online(self) -> None:
        scn, seed = self.scenario, self.seed
        product_index = {p: k + 1 for k, p in enumerate(self._products) if p is not None}
        for st in self._order:
            i = st.index
            st.time_streams[None] = Stream(st.spec.time, stream_rng(seed, RNG_TIME, i))
            for p in scn.products:
                if st.spec.id in p.times:
                    rng = stream_rng(seed, RNG_TIME, i, product_index[p.id])
                    st.time_streams[p.id] = Stream(p.times[st.spec.id], rng)
            if st.spec.setup is not None:
                st.setup_stream = Stream(st.spec.setup.time, stream_rng(seed, RNG_SETUP, i))
            if st.spec.defects is not None and st.spec.defects.rate > 0:
                st.defect_stream = UniformStream(stream_rng(seed, RNG_DEFECT, i))
            if st.spec.breakdowns is not None and not st.human:
                bd = st.spec.breakdowns
                st.fail_stream = Stream(bd.time_between, stream_rng(seed, RNG_FAIL, i))
                st.repair_stream = Stream(bd.repair, stream_rng(seed, RNG_REPAIR, i))
                self._push(st.fail_stream.draw(), _FAIL, st)
        self._mix = UniformStream(stream_rng(seed, RNG_PRODUCT))
        if self._source == "saturated":
            self._next_product = self._draw_product()
        elif self._source == "orders":
            for order in scn.release.orders or ():
                self._push(order.at, _ORDER, (order.product or self._products[0], order.quantity))
        else:
            arrivals = scn.release.arrivals
            assert arrivals is not None and arrivals != "saturated"
            self._arrivals = Stream(arrivals, stream_rng(seed, RNG_ARRIVAL))
            self._push(self._arrivals.draw(), _ARRIVAL, None)
        self._run_until(0.0)
        self._settle(0.0)

    def _draw_product(self) -> str | None:
        if len(self._products) == 1:
            return self._products[0]
        x = self._mix.draw()
        for product, edge in zip(self._products, self._cum_shares, strict=True):
            if x < edge:
                return product
        return self._products[-1]

    # --- the clock ---------------------------------------------------------------------------

    def advance(self, t: float) -> None:
        """Run the line up to ``t`` (online: everything automatic; floor: only the clock)."""
        if not t > self.time:  # also a no-op for NaN
            return
        if math.isinf(t):
            raise ValueError("the line cannot be advanced to an infinite time")
        if self.online:
            self._run_until(t)
        self.time = float(t)

    def _push(self, t: float, kind: int, payload: Any) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (t, kind, self._seq, kind, payload))

    def _run_until(self, t: float) -> None:
        heap = self._heap
        same = 0
        while heap and heap[0][0] <= t:
            et, _, _, kind, payload = heapq.heappop(heap)
            if et > self.time:
                self.time = et
                same = 0
            same += 1
            if same > _MAX_EVENTS_PER_INSTANT:
                # e.g. zero operation times with saturated supply: time would never move on
                raise RuntimeError(f"the line makes no progress at time {et}: check zero times")
            if self._handle(kind, payload, et):
                self._settle(et)

    def _handle(self, kind: int, payload: Any, t: float) -> bool:
        if kind in (_COMPLETE, _SETUP_END):
            job, version = payload
            if version != job.version:
                return False
            st = self._stations[job.station]
            if kind == _SETUP_END:
                job.setup_end = None
                self._rows.append((t, job.units[0], "setup", "complete", st.spec.id, job.resource))
                for uid in job.units:
                    self._rows.append((t, uid, st.spec.id, "start", st.spec.id, job.resource))
                return False
            st.jobs.remove(job)
            for uid in job.units:
                self._finish_unit(st, self._units[uid], t, job.resource)
        elif kind == _ARRIVAL:
            self._order_unit(self._draw_product(), t)
            self._push(t + self._arrivals.draw(), _ARRIVAL, None)
        elif kind == _ORDER:
            product, quantity = payload
            for _ in range(quantity):
                self._order_unit(product, t)
        elif kind == _FAIL:
            self._fail(payload, t)
        else:  # _REPAIR
            st = payload
            st.broken = False
            assert st.fail_stream is not None
            self._push(t + st.fail_stream.draw(), _FAIL, st)
        return True

    def _fail(self, st: StationState, t: float) -> None:
        assert st.repair_stream is not None
        st.broken = True
        repair = st.repair_stream.draw()
        for job in st.jobs:
            job.version += 1
            if job.setup_end is not None:
                job.setup_end += repair
                self._push(job.setup_end, _SETUP_END, (job, job.version))
            assert job.end is not None
            job.end += repair
            self._push(job.end, _COMPLETE, (job, job.version))
        self._push(t + repair, _REPAIR, st)

    # --- units -------------------------------------------------------------------------------

    def _new_unit(self, product: str | None) -> Unit:
        unit = Unit(self._next_id, product, self._routings[product])
        self._units[unit.id] = unit
        self._next_id += 1
        return unit

    def _order_unit(self, product: str | None, t: float) -> None:
        unit = self._new_unit(product)
        unit.ordered = unit.last_t = t
        self._rows.append((t, unit.id, "order", "complete", None, None))
        self._backlog.append(unit.id)

    def _release(self, unit: Unit, t: float, resource: str | None) -> None:
        unit.released = unit.last_t = t
        unit.status = "wip"
        self._released += 1
        self._rows.append((t, unit.id, "release", "complete", None, resource))

    @property
    def _wip(self) -> int:
        return self._released - self._finished - self._scrapped

    def _backlog_units(self) -> list[int]:
        return self._backlog[self._backlog_head :]

    def _pop_backlog(self) -> Unit:
        unit = self._units[self._backlog[self._backlog_head]]
        self._backlog_head += 1
        if self._backlog_head > 1024:
            del self._backlog[: self._backlog_head]
            self._backlog_head = 0
        return unit

    def _leave(self, unit: Unit, st: StationState, t: float, good: bool, res: str | None) -> None:
        unit.exit = unit.last_t = t
        unit.status = "good" if good else "scrap"
        self._rows.append((t, unit.id, "exit" if good else "scrap", "complete", st.spec.id, res))
        self._free_card(unit)
        if good:
            self._finished += 1
            assert unit.released is not None
            self._leads.append(t - unit.released)
        else:
            self._scrapped += 1

    def _free_card(self, unit: Unit) -> None:
        if unit.card is not None:
            self._stations[unit.card].cards_used -= 1
            unit.card = None

    def _finish_unit(self, st: StationState, unit: Unit, t: float, res: str | None) -> None:
        """A unit's operation at ``st`` completes: defects, then exit, rework or the outbox."""
        sid = st.spec.id
        self._rows.append((t, unit.id, sid, "complete", sid, res))
        unit.last_t = t
        if unit.rework_return is not None:
            unit.step, unit.rework_return = unit.rework_return, None
        else:
            unit.step += 1
        origin: str | None = None
        defects = st.spec.defects
        stream = st.defect_stream
        if stream is not None and defects is not None and stream.draw() < defects.rate:
            detect = defects.detected_at or sid
            if detect == sid:
                origin = sid
            elif unit.defect_detect is None:
                unit.defect_detect, unit.defect_origin = detect, sid
        if origin is None and unit.defect_detect == sid:
            origin, unit.defect_detect, unit.defect_origin = unit.defect_origin, None, None
        if origin is not None:
            self._detect(unit, st, origin, self.scenario.station(origin).defects, t, res)
        elif unit.step >= len(unit.routing):
            self._leave(unit, st, t, True, res)
        else:
            unit.next = unit.routing[unit.step]
            unit.done_at = t
            st.outbox.append(unit.id)

    def _detect(
        self,
        unit: Unit,
        st: StationState,
        origin: str,
        defects: Defects | None,
        t: float,
        res: str | None,
    ) -> None:
        """A defective unit found at ``st``: scrap it, or send it to rework."""
        unit.defect_detect = unit.defect_origin = None
        self._rows.append((t, unit.id, "defect", "complete", st.spec.id, res))
        if defects is None or defects.action == "scrap":
            self._leave(unit, st, t, False, res)
            return
        rework_at = defects.rework_at or origin
        unit.rework_return = unit.step
        unit.reworks += 1
        unit.next = None
        self._rows.append((t, unit.id, "rework", "complete", rework_at, res))
        self._stations[rework_at].queue.append(unit.id)

    # --- capacity ----------------------------------------------------------------------------

    def _room(self, st: StationState, planned: int = 0) -> int | None:
        """Units the queue still takes (None: unlimited)."""
        buffer = st.spec.buffer
        if buffer is None:
            return None
        pb = st.spec.process_batch
        if self.online:
            idle = (st.spec.servers - len(st.jobs)) * pb
        else:
            idle = st.spec.servers * pb - st.in_process
        return buffer + max(idle, 0) - len(st.queue) - planned

    def _release_allowed(self, extra: int) -> bool:
        return self._policy != "conwip" or self._wip + extra < (self._cap or 0)

    def _plan_start(self, st: StationState, product: str | None, computer: bool) -> StartPlan | str:
        """How a start at ``st`` would take its units now, or the refusal code."""
        spec = st.spec
        if st.down:
            return "down"
        pb = spec.process_batch
        if self.online:
            if len(st.jobs) >= spec.servers:
                return "busy"
            want = pb
        else:
            if st.in_process >= spec.servers * pb:
                return "busy"
            want = 1
        if st.cards is not None:
            free = st.cards - st.cards_used
            if free <= 0:
                return "no_card"
            want = min(want, free)
        if computer:
            if want < pb:
                return "no_card"
            if len(st.jobs) + self._blocked_servers(st) >= spec.servers:
                return BLOCKED
        plan = StartPlan(n_queue=min(want, len(st.queue)))
        need = want - plan.n_queue
        sid = spec.id
        if need and not self.online:
            plan.implicit = self._upstream(st, need)
            need -= len(plan.implicit)
            if need and self._routings[product][0] == sid:
                plan.n_new = 1
        elif need:
            waiting = self._backlog_units()
            while (
                plan.n_backlog < min(need, len(waiting))
                and self._units[waiting[plan.n_backlog]].routing[0] == sid
                and self._release_allowed(plan.n_backlog)
            ):
                plan.n_backlog += 1
            if self._source == "saturated" and self._routings[self._next_product][0] == sid:
                same_first = all(r[0] == sid for r in self._routings.values())
                while plan.n_new < (need if same_first else 1) and self._release_allowed(
                    plan.n_new
                ):
                    plan.n_new += 1
        if plan.total == 0 or (computer and plan.total < pb):
            return "no_unit"
        return plan

    @staticmethod
    def _blocked_servers(st: StationState) -> int:
        """Servers of a computer station that hold a finished unit, as the engine blocks them.

        One piece flow: each finished unit not yet moved on. Transfer batches: the batch being
        moved on does not block; units finished meanwhile wait on their servers.
        """
        held = len(st.outbox)
        if st.spec.transfer_batch > 1:
            held = held - st.dispatching if st.dispatching > 0 else 0
        return -(-held // st.spec.process_batch)

    def _outbound(self) -> dict[str | None, list[tuple[StationState, int]]]:
        """The finished units waiting in outboxes, by the station they go to, oldest first
        (then by station and place in the outbox)."""
        found: dict[str | None, list[tuple[float, int, int, StationState, int]]] = {}
        for other in self._order:
            for k, uid in enumerate(other.outbox):
                unit = self._units[uid]
                found.setdefault(unit.next, []).append((unit.done_at, other.index, k, other, uid))
        return {
            dest: [(f[3], f[4]) for f in sorted(units, key=lambda f: (f[0], f[1], f[2]))]
            for dest, units in found.items()
        }

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """A view of every station at once: the outboxes are indexed once, not per station
        (nothing changes while a view is read)."""
        self._outbound_index = self._outbound()
        try:
            yield
        finally:
            self._outbound_index = None

    _outbound_index: dict[str | None, list[tuple[StationState, int]]] | None = None

    def _upstream(self, st: StationState, need: int) -> list[tuple[StationState, int]]:
        """Floor mode: finished units of other outboxes going to ``st``, oldest first."""
        index = self._outbound_index if self._outbound_index is not None else self._outbound()
        return index.get(st.spec.id, [])[:need]

    # --- the computer ------------------------------------------------------------------------

    def _settle(self, t: float) -> None:
        """Let the computer do everything it can at ``t`` (releases, moves, starts)."""
        if not self.online:
            return
        while True:
            changed = self._auto_release(t)
            for st in self._computer:
                if st.outbox and self._auto_move(st, t):
                    changed = True
                while (
                    not st.down
                    and len(st.jobs) < st.spec.servers
                    and (st.queue or st.spec.id in self._firsts)
                ):
                    plan = self._plan_start(st, None, True)
                    if isinstance(plan, str):
                        break
                    self._do_start(st, plan, t, COMPUTER)
                    changed = True
            if not changed:
                return

    def _auto_release(self, t: float) -> bool:
        if self._policy == "kanban" or (self._policy == "push" and self._source == "saturated"):
            return False
        changed = False
        while self._release_allowed(0):
            if self._backlog_head < len(self._backlog):
                first = self._units[self._backlog[self._backlog_head]].routing[0]
            elif self._source == "saturated":
                first = self._routings[self._next_product][0]
            else:
                break
            st = self._stations[first]
            room = self._room(st)
            if room is not None and room <= 0:
                break
            st.queue.append(self._take_release(t, COMPUTER).id)
            changed = True
        return changed

    def _take_release(self, t: float, resource: str | None, product: str | None = None) -> Unit:
        """Release the next unit: the backlog's head, or a new one (saturated supply; floor
        mode: of ``product``)."""
        if self._backlog_head < len(self._backlog):
            unit = self._pop_backlog()
        elif not self.online:
            unit = self._new_unit(product)
        else:
            unit = self._new_unit(self._next_product)
            self._next_product = self._draw_product()
        self._release(unit, t, resource)
        return unit

    def _auto_move(self, st: StationState, t: float) -> bool:
        if st.dispatching == 0:
            if len(st.outbox) < st.spec.transfer_batch:
                return False
            st.dispatching = st.spec.transfer_batch
        moved = False
        while st.dispatching > 0 and st.outbox:
            dest = self._stations[self._units[st.outbox[0]].next or ""]
            room = self._room(dest)
            if room is not None and room <= 0:
                break
            self._move(st, dest, st.outbox.popleft(), t, COMPUTER)
            st.dispatching -= 1
            moved = True
        if not st.outbox:
            st.dispatching = 0
        return moved

    def _move(
        self, src: StationState, dest: StationState, uid: int, t: float, res: str | None
    ) -> None:
        sid = src.spec.id
        self._rows.append((t, uid, "move", "start", sid, res))
        self._rows.append((t, uid, "move", "complete", sid, res))
        unit = self._units[uid]
        unit.next = None
        unit.last_t = t
        dest.queue.append(uid)

    # --- starting ----------------------------------------------------------------------------

    def _do_start(
        self,
        st: StationState,
        plan: StartPlan,
        t: float,
        res: str | None,
        product: str | None = None,
    ) -> tuple[list[int], float | None]:
        uids = [st.queue.popleft() for _ in range(plan.n_queue)]
        for src, uid in plan.implicit or ():
            src.outbox.remove(uid)
            self._move(src, st, uid, t, res)
            st.queue.remove(uid)
            uids.append(uid)
        for _ in range(plan.n_backlog + plan.n_new):
            uids.append(self._take_release(t, res, product).id)
        sid = st.spec.id
        for uid in uids:
            unit = self._units[uid]
            self._free_card(unit)
            if st.cards is not None:
                st.cards_used += 1
                unit.card = sid
            unit.last_t = t
        if not self.online:
            for uid in uids:
                st.jobs.append(Job([uid], sid, self._units[uid].product, t, res))
                self._rows.append((t, uid, sid, "start", sid, res))
            return uids, None
        spec = st.spec
        product = self._units[uids[0]].product
        setup = 0.0
        due = st.setup_stream is not None and (
            (spec.setup is not None and spec.setup.on == "batch")
            or not st.started_any
            or product != st.last_product
        )
        if due and st.setup_stream is not None:
            setup = st.setup_stream.draw()
        st.started_any, st.last_product = True, product
        stream = st.time_streams.get(product) or st.time_streams[None]
        duration = setup + stream.draw()
        end = t + duration
        job = Job(uids, sid, product, t, res, end=end, duration=duration)
        st.jobs.append(job)
        if due:
            self._rows.append((t, uids[0], "setup", "start", sid, res))
        if setup > 0:
            job.setup_end = t + setup
            self._push(job.setup_end, _SETUP_END, (job, job.version))
        else:
            if due:
                self._rows.append((t, uids[0], "setup", "complete", sid, res))
            for uid in uids:
                self._rows.append((t, uid, sid, "start", sid, res))
        self._push(end, _COMPLETE, (job, job.version))
        return uids, duration


__all__ = [
    "BLOCKED",
    "COMPUTER",
    "Job",
    "LineCore",
    "Row",
    "StartPlan",
    "StationState",
    "Stream",
    "Unit",
    "UniformStream",
    "build_event_log",
    "stream_rng",
]
