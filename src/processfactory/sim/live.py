"""The live line: a state machine of a line being played in a training round.

People tap actions on their phones (``start``, ``done``, ``defect``, ``move``, ``down``,
``up``); :class:`LiveLine` checks each one against the line's state, applies it and writes the
round's event log in the XES schema of :mod:`processfactory.eventlog`, so the round's KPIs come
from the same code as a simulation's. Pure Python (no Django): a server rebuilds a line at any
time by replaying the stored actions (:meth:`LiveLine.replay`).

Two modes (``docs/live-game.md``, "The line"):

- ``floor``: a physical line; the line only measures. Every station is human, a ``start`` at a
  routing's first station releases a unit, a ``start`` with an empty queue takes a finished unit
  from an upstream outbox (an implicit move), ``done`` finishes the oldest unit in process.
- ``online``: a simulated line on the round clock. A ``start`` draws its processing time from the
  scenario (setup included) and the unit is done automatically when it has passed; the computer
  plays every station not in ``human_stations`` and releases work by the release policy.

Rules the scenario leaves open, decided here:

- A queue takes ``buffer`` units plus one process batch per idle server (units passing straight
  onto an idle server do not count against the buffer, as in the engine); rework always enters.
- A detected defect with action ``rework`` goes straight into the queue of the rework station
  (no move), and after that operation the unit continues its routing after the station that
  detected it (the engine's rule). A person's ``defect`` takes the latest unit of the outbox (a
  unit that already exited cannot be called back).
- Breakdowns (online computer stations) delay the work in process by the repair time
  (preemptive-resume, as in the engine); a person's ``down`` only stops new starts.
- A computer station starts only a full process batch and does not start while its servers
  would hold finished units that cannot move on (the engine's blocking: with one piece flow each
  unit not yet moved blocks a server; with transfer batches, units finished while a batch is
  being moved on do). People are never stopped that way: their outbox is theirs to move.
- Operators (shared people walking between stations) and transport times are not played.
- A kanban card is held from a unit's start at a station until the unit starts at its next
  station (or leaves the line).
- Moves take no time (``layout.transport`` is not simulated); their rows name the station the
  units left. ``down``/``up`` write no rows.
- Setups are per station (not per server): ``changeover`` before a unit of another product than
  the one started last at the station (and before the first); ``batch`` before every online
  start. Floor mode has no setup rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import polars as pl

from processfactory.eventlog.record import RunContext, RunRecord
from processfactory.eventlog.reduce import record_from_event_log
from processfactory.eventlog.schema import DEFAULT_BASE_TIME
from processfactory.scenario.model import TIME_UNIT_SECONDS, Defects, Scenario
from processfactory.sim.live_state import (
    BLOCKED,
    LineCore,
    StationState,
    Unit,
    build_event_log,
)

ERROR_CODES = (
    "unknown_station",
    "no_unit",
    "busy",
    "nothing_done",
    "buffer_full",
    "no_card",
    "down",
    "automatic",
    "bad_action",
)
ACTION_KINDS = ("start", "done", "defect", "move", "down", "up")


class LiveError(ValueError):
    """An action the line refuses now; ``code`` is one of ``ERROR_CODES``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[LiveError], tuple[str, str]]:
        return (type(self), (self.code, self.message))


@dataclass(frozen=True)
class Action:
    """One tap: ``kind`` at ``station`` at round time ``t`` (the scenario's time unit)."""

    kind: str
    station: str
    t: float
    quantity: int = 1
    source: str = ""
    actor: str | None = None
    product: str | None = None


@dataclass(frozen=True)
class ActionResult:
    """What an applied action did: the units it touched, an online start's drawn duration
    (setup included), the time used, and the action's ``source`` id echoed."""

    units: list[int]
    duration: float | None
    t: float
    source: str = ""


class LiveLine(LineCore):
    """A line being played (see the module docstring and ``docs/live-game.md``)."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        mode: Literal["floor", "online"],
        human_stations: Iterable[str] = (),
        seed: int = 0,
        operators: int | None = None,
        round_number: int = 1,
        duration: float | None = None,
        base_time: datetime = DEFAULT_BASE_TIME,
    ) -> None:
        if mode not in ("floor", "online"):
            raise ValueError(f"mode must be 'floor' or 'online', got {mode!r}")
        ids = {st.id for st in scenario.stations}
        humans = set(human_stations)
        unknown = sorted(humans - ids)
        if unknown:
            raise LiveError("unknown_station", f"There is no station {unknown[0]!r} in this line.")
        self.mode = mode
        self.round_number = round_number
        self.duration = duration if duration is not None else scenario.run.duration
        self.base_time = base_time
        self.operators = (
            operators
            if operators is not None
            else (sum(op.count for op in scenario.operators) or len(scenario.stations))
        )
        super().__init__(scenario, online=mode == "online", humans=humans, seed=seed)

    # --- actions -----------------------------------------------------------------------------

    def _station(self, action: Action) -> StationState:
        if action.kind not in ACTION_KINDS:
            raise LiveError("bad_action", f"Unknown action {action.kind!r}.")
        st = self._stations.get(action.station)
        if st is None:
            raise LiveError("unknown_station", f"There is no station {action.station!r}.")
        if not (isinstance(action.t, int | float) and math.isfinite(action.t) and action.t >= 0):
            raise LiveError("bad_action", f"The time of the action at {st.name} is not valid.")
        if not isinstance(action.quantity, int) or action.quantity < 1:
            raise LiveError("bad_action", f"The quantity at {st.name} must be at least 1.")
        if action.product and action.product not in self._routings:
            raise LiveError("bad_action", f"There is no product {action.product!r}.")
        return st

    def _used_time(self, action: Action, uids: Iterable[int]) -> float:
        if self.online:
            return self.time
        return max([float(action.t), *(self._units[u].last_t for u in uids)])

    def _plan(self, action: Action) -> Callable[[], ActionResult]:
        """Check ``action`` now; return what applies it (nothing changes before it is called)."""
        st = self._station(action)
        if self.online:
            self.advance(action.t)
        kind, name, src = action.kind, st.name, action.source
        res = action.actor
        if kind == "start":
            product = action.product or self._products[0]
            plan = self._plan_start(st, product, False)
            if isinstance(plan, str):
                raise LiveError(plan, _START_MESSAGES[plan].format(name=name))
            implicit = [uid for _, uid in plan.implicit or ()]
            t = self._used_time(action, [*list(st.queue)[: plan.n_queue], *implicit])

            def start() -> ActionResult:
                uids, duration = self._do_start(st, plan, t, res, product)
                return ActionResult(uids, duration, t, src)

            return start
        if kind == "done":
            if self.online:
                raise LiveError(
                    "automatic", f"At {name} a unit is done by itself when its time is up."
                )
            if not st.jobs:
                raise LiveError("nothing_done", f"Nothing is in process at {name}.")
            job = st.jobs[0]
            t = self._used_time(action, job.units)

            def done() -> ActionResult:
                st.jobs.remove(job)
                for uid in job.units:
                    self._finish_unit(st, self._units[uid], t, res)
                return ActionResult(list(job.units), None, t, src)

            return done
        if kind == "defect":
            if not st.outbox:
                raise LiveError(
                    "nothing_done", f"No finished unit is waiting in the outbox of {name}."
                )
            uid = st.outbox[-1]
            t = self._used_time(action, [uid])

            def defect() -> ActionResult:
                unit = self._units[uid]
                st.outbox.pop()
                origin, config = self._defect_config(unit, st)
                self._detect(unit, st, origin, config, t, res)
                return ActionResult([uid], None, t, src)

            return defect
        if kind == "move":
            moving = self._plan_move(st, action.quantity)
            t = self._used_time(action, moving)

            def move() -> ActionResult:
                for uid in moving:
                    dest = self._stations[self._units[uid].next or ""]
                    st.outbox.remove(uid)
                    self._move(st, dest, uid, t, res)
                return ActionResult(moving, None, t, src)

            return move
        t = self._used_time(action, ())

        def andon() -> ActionResult:
            st.andon = kind == "down"
            return ActionResult([], None, t, src)

        return andon

    def _plan_move(self, st: StationState, quantity: int) -> list[int]:
        if not st.outbox:
            raise LiveError("nothing_done", f"Nothing is waiting to be moved at {st.name}.")
        planned: dict[str, int] = {}
        moving: list[int] = []
        for uid in list(st.outbox)[:quantity]:
            dest = self._units[uid].next or ""
            room = self._room(self._stations[dest], planned.get(dest, 0))
            if room is not None and room <= 0:
                if not moving:
                    name = self._stations[dest].name
                    raise LiveError("buffer_full", f"The queue of {name} is full.")
                break
            planned[dest] = planned.get(dest, 0) + 1
            moving.append(uid)
        return moving

    def _defect_config(self, unit: Unit, st: StationState) -> tuple[str, Defects | None]:
        """Whose defects rule applies to a defect found at ``st`` (origin station, rule)."""
        sid = st.spec.id
        for station_id in unit.routing:
            defects = self._stations[station_id].spec.defects
            if defects is not None and defects.detected_at == sid:
                return station_id, defects
        return sid, st.spec.defects

    def check(self, action: Action) -> None:
        """Raise :class:`LiveError` if ``action`` is not possible now (online: at ``action.t``)."""
        self._plan(action)

    def apply(self, action: Action) -> ActionResult:
        """Check and apply ``action``; the state is unchanged when it raises :class:`LiveError`."""
        result = self._plan(action)()
        if result.t > self.time:
            self.time = result.t
        self._settle(self.time)
        return result

    @classmethod
    def replay(
        cls,
        scenario: Scenario,
        actions: Iterable[Action],
        *,
        mode: Literal["floor", "online"],
        human_stations: Iterable[str] = (),
        seed: int = 0,
        operators: int | None = None,
        round_number: int = 1,
        duration: float | None = None,
        until: float | None = None,
        base_time: datetime = DEFAULT_BASE_TIME,
    ) -> tuple[LiveLine, list[tuple[Action, LiveError]]]:
        """A line with ``actions`` applied in order; refused ones are skipped and listed."""
        line = cls(
            scenario,
            mode=mode,
            human_stations=human_stations,
            seed=seed,
            operators=operators,
            round_number=round_number,
            duration=duration,
            base_time=base_time,
        )
        skipped: list[tuple[Action, LiveError]] = []
        for action in actions:
            try:
                line.apply(action)
            except LiveError as error:
                skipped.append((action, error))
        if until is not None:
            line.advance(until)
        return line, skipped

    # --- views -------------------------------------------------------------------------------

    def _hours(self) -> float:
        return self.time * TIME_UNIT_SECONDS[self.scenario.time_unit] / 3600.0

    def _state(self, st: StationState) -> str:
        if st.down:
            return "down"
        if st.jobs:
            return "working"
        if st.outbox:
            head = self._units[st.outbox[0]].next or ""
            room = self._room(self._stations[head])
            if room is not None and room <= 0:
                return "blocked"
        if st.cards is not None and st.cards_used >= st.cards:
            return "blocked"
        plan = self._plan_start(st, self._products[0], self.online and not st.human)
        if plan == BLOCKED:
            return "blocked"
        if not isinstance(plan, str) or (st.outbox and st.human):
            return "working"
        return "starved"

    def snapshot(self) -> dict[str, Any]:
        """The board's figures (JSON-serializable)."""
        scn = self.scenario
        hours = self._hours()
        leads = self._leads
        stations = []
        with self._reading():
            states = [self._state(st) for st in self._order]
        for st, state in zip(self._order, states, strict=True):
            spec = st.spec
            queue, in_process, outbox = len(st.queue), st.in_process, len(st.outbox)
            stations.append(
                {
                    "id": spec.id,
                    "name": st.name,
                    "queue": queue,
                    "in_process": in_process,
                    "outbox": outbox,
                    "wip": queue + in_process + outbox,
                    "servers": spec.servers,
                    "buffer": spec.buffer,
                    "cards": st.cards,
                    "cards_free": None if st.cards is None else st.cards - st.cards_used,
                    "human": st.human,
                    "state": state,
                    "idle": in_process == 0,
                }
            )
        return {
            "time": self.time,
            "duration": self.duration,
            "time_unit": scn.time_unit,
            "mode": self.mode,
            "round": self.round_number,
            "finished": self._finished,
            "scrapped": self._scrapped,
            "released": self._released,
            "wip": self._wip,
            "backlog": len(self._backlog) - self._backlog_head,
            "demand_so_far": self._demand_until(self.time),
            "demand_total": self._demand_total(),
            "takt_time": scn.takt_time,
            "lead_time_mean": sum(leads) / len(leads) if leads else None,
            "lead_time_last": sum(leads[-5:]) / len(leads[-5:]) if leads else None,
            "labour_productivity": self._finished / (self.operators * hours) if hours > 0 else None,
            "throughput_per_hour": self._finished / hours if hours > 0 else None,
            "stations": stations,
        }

    def station_view(self, station: str) -> dict[str, Any]:
        """What a phone shows for one station (JSON-serializable)."""
        st = self._stations.get(station)
        if st is None:
            raise LiveError("unknown_station", f"There is no station {station!r}.")
        in_process = []
        for job in st.jobs:
            progress = None
            if job.end is not None:
                span = job.end - job.started
                progress = (
                    1.0 if span <= 0 else min(max((self.time - job.started) / span, 0.0), 1.0)
                )
            for uid in job.units:
                in_process.append(
                    {
                        "unit": uid,
                        "product": self._units[uid].product,
                        "started": job.started,
                        "ends": job.end,
                        "progress": progress,
                    }
                )
        plan = self._plan_start(st, self._products[0], False)
        if st.outbox:
            next_station: str | None = self._units[st.outbox[0]].next
        else:
            routing = self._routings[self._products[0]]
            k = routing.index(station) + 1 if station in routing else len(routing)
            next_station = routing[k] if k < len(routing) else None
        next_free = None
        if next_station is not None:
            room = self._room(self._stations[next_station])
            next_free = None if room is None else max(room, 0)
        return {
            "id": station,
            "name": st.name,
            "time": self.time,
            "human": st.human,
            "down": st.down,
            "queue": list(st.queue),
            "in_process": in_process,
            "outbox": list(st.outbox),
            "can_start": not isinstance(plan, str),
            "start_refusal": plan if isinstance(plan, str) else None,
            "next_station": next_station,
            "next_free": next_free,
            "transfer_batch": st.spec.transfer_batch,
            "cards": st.cards,
            "cards_free": None if st.cards is None else st.cards - st.cards_used,
        }

    def event_log(self) -> pl.DataFrame:
        """The round's events so far in ``EVENT_SCHEMA``, sorted by time (stable)."""
        return build_event_log(
            self._rows,
            base_time=self.base_time,
            seconds_per_time_unit=TIME_UNIT_SECONDS[self.scenario.time_unit],
            round_number=self.round_number,
        )

    def _demand_until(self, t: float | None) -> float | None:
        """What the customer asked for by ``t``: the orders arrived by then when the scenario
        lists orders (as the engine counts demand), else ``demand`` pro rata; None when the
        scenario has neither (or ``t`` is None)."""
        scn = self.scenario
        if t is None:
            return None
        if scn.release.orders is not None:
            return float(sum(o.quantity for o in scn.release.orders if o.at <= t))
        if scn.demand is None:
            return None
        return scn.demand.units * t / scn.demand.period

    def _demand_total(self) -> int | None:
        """The customer's demand for the round, counted as the engine counts it: every order
        when the scenario lists orders, else ``demand`` over the round's duration."""
        scn = self.scenario
        if scn.release.orders is not None:
            return sum(o.quantity for o in scn.release.orders)
        if scn.demand is not None and self.duration is not None:
            return int(round(scn.demand.units * self.duration / scn.demand.period))
        return None

    def record(self, *, labour_rate: float | None = None) -> RunRecord:
        """The round so far as a ``RunRecord`` (window 0 .. the line's clock)."""
        scn = self.scenario
        demand_units = self._demand_total()
        context = RunContext(
            scenario=scn.name,
            time_unit=scn.time_unit,
            operators=self.operators,
            labour_rate=scn.costs.labour_rate if labour_rate is None else labour_rate,
            holding_cost=scn.costs.holding,
            currency=scn.costs.currency,
            takt_time=scn.takt_time,
            demand_units=demand_units,
            floor_area=float(sum(st.footprint + st.buffer_footprint for st in scn.stations)),
            seed=self.seed,
            round=self.round_number,
        )
        return record_from_event_log(
            self.event_log(),
            context,
            window=(0.0, self.time),
            value_added={st.id: st.value_added for st in scn.stations},
            servers={st.id: st.servers for st in scn.stations},
        )


_START_MESSAGES = {
    "down": "{name} is stopped (andon): it cannot start.",
    "busy": "Every place at {name} is busy.",
    "no_card": "{name} has no free kanban card.",
    "no_unit": "Nothing is waiting at {name}.",
}

__all__ = ["ACTION_KINDS", "ERROR_CODES", "Action", "ActionResult", "LiveError", "LiveLine"]
