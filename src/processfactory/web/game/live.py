"""The process's cache of the rounds' lines: ``{round id: line, last stored event id}``.

A round's line (:class:`processfactory.sim.live.LiveLine`) is rebuilt by replaying the round's
stored, non-voided events (``LiveLine.replay``), then kept here and caught up from the database
(events with a larger id) before every use, so several server processes agree and a restart
loses nothing (``clear()`` is that restart in the tests).

One line is kept per round; ``protocol.record_event`` applies a new event to it (under
:data:`lock`) and :func:`committed` records the event's id. The board and the phones read it
advanced to the clock they show (online mode: the computer's moves since the last event).
That does not make the line depend on when someone looked: the line is a discrete-event
simulation, so advancing it in several steps gives what one step gives (tested in
``tests/sim/test_live_line.py``), and an online event's time is never before the line's clock.

A voided event (also voided by another process) makes the round's line be rebuilt. Planned
rounds are not cached: their scenario may still change.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from processfactory.eventlog.schema import DEFAULT_BASE_TIME
from processfactory.sim.live import Action, LiveError, LiveLine
from processfactory.web.game import queries
from processfactory.web.game.models import GameEvent, GameRound, GameSession, Seat

log = logging.getLogger(__name__)

T = TypeVar("T")

READ_SYNC_SECONDS = 0.25
"""How stale a view may be about events stored by other server processes."""

lock = threading.RLock()
"""Held while a line is caught up, read or changed (one per process: lines are cheap to use)."""


@dataclass
class _Entry:
    line: LiveLine
    last_event_id: int
    voided: int
    """How many of the round's events were voided when the line was built."""
    synced: float = 0.0
    """``time.monotonic()`` when the line was last caught up from the database."""


_cache: dict[int, _Entry] = {}


def action_of(event: GameEvent) -> Action:
    """The line's action of a stored event read by ``queries.events`` (its client id as the
    source, the seat's name)."""
    return Action(
        kind=event.kind,
        station=event.station,
        t=float(event.t),
        quantity=int(event.quantity),
        source=event.client_id,
        actor=event.seat_name,
    )


def operator_stations(session: GameSession) -> list[str]:
    """Stations owned by the session's operator seats that are not revoked, sorted."""
    owned: set[str] = set()
    seats = session.seats.filter(role=Seat.Role.OPERATOR, revoked=False)
    for stations in seats.values_list("stations", flat=True):
        owned.update(str(s) for s in stations or [])
    return sorted(owned)


def human_stations(rnd: GameRound) -> tuple[str, ...]:
    """Stations played by people in the round: all of them on the floor; online, those frozen
    when the round started (before it starts: those the operator seats own now)."""
    from processfactory.web.game.services import round_scenario

    session = rnd.session
    ids = [st.id for st in round_scenario(rnd).stations]
    if session.mode == GameSession.Mode.FLOOR:
        return tuple(ids)
    owned = (
        set(rnd.human_stations)
        if rnd.status != GameRound.Status.PLANNED
        else set(operator_stations(session))
    )
    return tuple(s for s in ids if s in owned)


def base_time(rnd: GameRound) -> datetime:
    """The wall time of the round clock's 0 in the event log: when the round started."""
    return rnd.started_at or DEFAULT_BASE_TIME


def _line_options(rnd: GameRound) -> dict[str, Any]:
    """How a round's line is made (everything but the scenario and the events)."""
    from processfactory.web.game.services import round_length

    session = rnd.session
    return {
        "mode": session.mode,
        "human_stations": human_stations(rnd),
        "seed": session.seed + rnd.number,
        "round_number": rnd.number,
        "duration": round_length(rnd),
        "base_time": base_time(rnd),
    }


def new_line(rnd: GameRound) -> LiveLine:
    """An empty line of the round, made as ``build`` makes it before replaying its events."""
    from processfactory.web.game.services import round_scenario

    return LiveLine(round_scenario(rnd), **_line_options(rnd))


def build(rnd: GameRound, *, until: float | None = None) -> tuple[LiveLine, int]:
    """A fresh line of the round replayed from its stored non-voided events, and the last
    event's id (0 without events). Not cached."""
    from processfactory.web.game.services import round_scenario

    events = queries.events(rnd.pk)
    line, skipped = LiveLine.replay(
        round_scenario(rnd), [action_of(ev) for ev in events], until=until, **_line_options(rnd)
    )
    for action, err in skipped:
        log.warning(
            "round %s: stored event %s (%s at %s) skipped in the replay: %s",
            rnd.pk,
            action.source,
            action.kind,
            action.station,
            err,
        )
    return line, (events[-1].pk if events else 0)


def _caught_up(rnd: GameRound) -> _Entry:
    """The round's cache entry, built or caught up from the database. Call with ``lock`` held."""
    entry = _cache.get(rnd.pk)
    if entry is not None and rnd.voided_events > entry.voided:
        entry = None  # an event was voided (maybe by another process): replay without it
    if entry is None:
        voided = rnd.voided_events
        line, last = build(rnd)
        entry = _Entry(line, last, voided, time.monotonic())
        _cache[rnd.pk] = entry
        return entry
    for event in queries.events(rnd.pk, entry.last_event_id):
        try:
            entry.line.apply(action_of(event))
        except LiveError as err:
            log.warning("round %s: stored event %s skipped: %s", rnd.pk, event.client_id, err)
        entry.last_event_id = event.pk
    entry.synced = time.monotonic()
    return entry


def get_line(rnd: GameRound) -> LiveLine:
    """The round's committed line (its stored events, caught up from the database).

    Hold :data:`lock` while using it when another thread may change it. A planned round gets a
    fresh line that is not cached.
    """
    if rnd.status == GameRound.Status.PLANNED:
        return build(rnd)[0]
    with lock:
        return _caught_up(rnd).line


def committed(rnd: GameRound, event_id: int) -> None:
    """Record that ``event_id`` was applied to the round's committed line (by record_event)."""
    with lock:
        entry = _cache.get(rnd.pk)
        if entry is not None:
            entry.last_event_id = max(entry.last_event_id, event_id)


def read(rnd: GameRound, t: float | None, reader: Callable[[LiveLine], T]) -> T:
    """``reader(line)`` on the round's line advanced to ``t`` (``t=None`` or a ``t`` not after
    the line's time reads the line as it is).

    A read catches the line up from the database at most every :data:`READ_SYNC_SECONDS`:
    this process's own events are in the line the moment they are stored, so only events
    stored by other server processes can show that much later (validating an event always
    catches up, :func:`get_line`)."""
    if rnd.status == GameRound.Status.PLANNED:
        line = build(rnd)[0]
        if t is not None and t > line.time:
            line.advance(t)
        return reader(line)
    with lock:
        entry = _cache.get(rnd.pk)
        fresh = (
            entry is not None
            and time.monotonic() - entry.synced < READ_SYNC_SECONDS
            and rnd.voided_events <= entry.voided
        )
        line = entry.line if fresh and entry is not None else _caught_up(rnd).line
        if t is not None and t > line.time:
            line.advance(t)
        return reader(line)


def drop(round_id: int) -> None:
    """Forget a round's line: it is replayed from the database when next used."""
    with lock:
        _cache.pop(round_id, None)


def clear() -> None:
    """Forget every line (what a server restart does)."""
    with lock:
        _cache.clear()


__all__ = [
    "action_of",
    "base_time",
    "build",
    "clear",
    "committed",
    "drop",
    "get_line",
    "human_stations",
    "lock",
    "operator_stations",
    "read",
]
