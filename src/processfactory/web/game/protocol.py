"""The websocket protocol of the live game: events in, acknowledgements and refusals out, and
what the phones and the board are shown (``docs/live-game.md``).

:func:`record_event` validates a tap against the round's line replayed from the database and
stores it in the same transaction before it is acknowledged; a repeated id is acknowledged again
and stored once. :func:`seat_view` and :func:`board_snapshot` are the pushed messages.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from processfactory.scenario.model import Scenario
from processfactory.sim.live import Action, LiveError, LiveLine
from processfactory.web.game import live, queries
from processfactory.web.game.models import GameEvent, GameRound, GameSession, Seat
from processfactory.web.game.services import (
    GameError,
    can_run_session,
    expire_round,
    finite_number,
    locked_round,
    notify,
    round_clock,
    round_length,
    round_scenario,
    round_station_ids,
    session_by_code,
    session_scenario,
    shown_round,
    station_label,
)

log = logging.getLogger(__name__)

LAST_SEEN_EVERY = timedelta(seconds=30)
"""A seat's ``last_seen`` is written at most this often (not on every tap)."""

BOARD_ROLES = (Seat.Role.SUPERVISOR, Seat.Role.CUSTOMER)
"""Roles whose phone shows the board."""
ALL_STATION_ROLES = (Seat.Role.TIMEKEEPER, Seat.Role.LOGISTICS, Seat.Role.QUALITY)
"""Roles whose phone shows every station."""
ROLE_KINDS: dict[str, frozenset[str] | None] = {
    "operator": None,  # any kind, at the stations they took
    "logistics": frozenset({"move"}),
    "quality": frozenset({"defect"}),
    "timekeeper": frozenset({"start", "done", "defect", "move", "down", "up"}),
    "supervisor": frozenset(),
    "customer": frozenset(),
}
"""What each role may record (docs/live-game.md, *Roles*); operators only at their stations."""

MAX_QUANTITY = 10_000

# ---------------------------------------------------------------------------------------------
# Events


@dataclass(frozen=True)
class _EventMessage:
    id: str
    kind: str
    station: str
    quantity: int
    tapped_at: float | None
    sent_at: float | None


def _decoded(message: Any) -> Any:
    if isinstance(message, bytes | bytearray):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if isinstance(message, str):
        try:
            return json.loads(message)
        except ValueError:
            return None
    return message


def _message_id(message: Any) -> str | None:
    if isinstance(message, Mapping):
        value = message.get("id")
        if isinstance(value, str) and 0 < len(value) <= 64:
            return value
    return None


def _event_message(message: Any) -> _EventMessage | None:
    """The event of a client message, or None when it is not a well-formed event."""
    if not isinstance(message, Mapping) or message.get("type") != "event":
        return None
    client_id = _message_id(message)
    kind, station = message.get("kind"), message.get("station")
    quantity = message.get("quantity", 1)
    if client_id is None or not client_id.strip():
        return None
    if kind not in GameEvent.Kind.values:
        return None
    if not isinstance(station, str) or not 0 < len(station) <= 64:
        return None
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return None
    if not 1 <= quantity <= MAX_QUANTITY:
        return None
    times = []
    for key in ("tapped_at", "sent_at"):
        raw = message.get(key)
        if raw is not None and finite_number(raw) is None:
            return None
        times.append(finite_number(raw))
    return _EventMessage(client_id, str(kind), station, quantity, times[0], times[1])


def refused(client_id: str | None, code: str, message: str) -> dict[str, Any]:
    """A protocol refusal (never stored)."""
    return {"type": "refused", "id": client_id, "code": code, "message": message}


def _ack(event: GameEvent, *, duplicate: bool) -> dict[str, Any]:
    return {
        "type": "ack",
        "id": event.client_id,
        "seq": event.pk,
        "duplicate": duplicate,
        "t": float(event.t),
    }


def refusal_message(code: str, station: str = "") -> str:
    """The translated sentence of a refusal code (in the active language)."""
    messages: dict[str, Callable[[], str]] = {
        "bad_message": lambda: _("The message could not be read."),
        "not_in_session": lambda: _(
            "This device is not (or no longer) in the game session: join again with the code."
        ),
        "round_not_running": lambda: _("The round is not running."),
        "station_not_owned": lambda: _("Your role may not record this at %(station)s."),
        "unknown_station": lambda: _("There is no station “%(station)s” in this round."),
        "no_unit": lambda: _("No unit is waiting at %(station)s."),
        "busy": lambda: _("Every place at %(station)s is busy: finish a unit first."),
        "nothing_done": lambda: _("%(station)s has no unit for this: none in process or done."),
        "buffer_full": lambda: _("No room: the queue the unit goes to is full (%(station)s)."),
        "no_card": lambda: _("No free kanban card at %(station)s."),
        "down": lambda: _("%(station)s is stopped (andon)."),
        "automatic": lambda: _("In the online game this happens by itself at %(station)s."),
        "bad_action": lambda: _("This action is not possible at %(station)s."),
    }
    text = messages.get(code, messages["bad_action"])()
    return text % {"station": station} if "%(station)s" in text else text


def _refused(client_id: str | None, code: str, station: str = "") -> dict[str, Any]:
    return refused(client_id, code, refusal_message(code, station))


def _may_record(seat: Seat, kind: str, station: str) -> bool:
    if seat.role == Seat.Role.OPERATOR:
        return station in (seat.stations or [])
    kinds = ROLE_KINDS.get(seat.role) or frozenset()
    return kind in kinds


def _event_time(rnd: GameRound, line: LiveLine, message: _EventMessage, now: datetime) -> float:
    """The event's time on the round clock (docs/live-game.md, *The round clock*)."""
    clock = round_clock(rnd, now)
    if rnd.session.mode == GameSession.Mode.ONLINE:
        return max(clock, float(line.time))
    if message.tapped_at is None or message.sent_at is None:
        return clock
    delay = max(0.0, (message.sent_at - message.tapped_at) / 1000.0)
    tapped = now - timedelta(seconds=delay)
    return min(clock, max(0.0, round_clock(rnd, tapped)))


Request = tuple[str, str, Any]
"""One event as a phone sent it: the session's join code, the seat's token and the message (its
JSON text or the decoded object)."""


def record_event(
    code: str, token: str, message: Any, now: datetime | None = None
) -> dict[str, Any]:
    """Validate and store one event sent by a seat; the protocol's reply (``ack``/``refused``).
    :func:`record_events` with one event."""
    return record_events([(code, token, message)], now)[0]


def record_events(requests: Sequence[Request], now: datetime | None = None) -> list[dict[str, Any]]:
    """Validate and store events sent by seats, together in one transaction (a group commit);
    the protocol's reply to each (``ack``/``refused``), in order.

    Each event is validated in turn against its round's line caught up from the database,
    inside the transaction that stores it, so an acknowledged event is stored and valid. A
    client id already stored in the session, or earlier in ``requests``, is acknowledged again
    (``duplicate``) and not stored twice. When the transaction fails nothing of it is stored
    and the error is raised: none of its events may be acknowledged.
    """
    now = now or timezone.now()
    batch = _Batch(now)
    seats = _seats(requests)
    for index, (code, token, message) in enumerate(requests):
        code = (code or "").strip().upper()
        seat = seats.get((code, token)) if code and token else None
        decoded = _decoded(message)
        parsed = _event_message(decoded)
        if parsed is None or seat is None:
            batch.replies[index] = _early_refusal(code, seat, decoded, parsed)
        else:
            batch.add(index, seat, parsed)
    try:
        batch.store()
    except IntegrityError:
        # a client id stored meanwhile by another connection (a resend racing the first send):
        # nothing of the batch was stored; each event again on its own
        if len(batch.items) > 1:
            for item in batch.items:
                batch.replies[item.index] = record_event(*requests[item.index], now)
        else:
            item = batch.items[0]
            stored = queries.stored({item.seat.session_id}, {item.message.id})
            event = stored.get((item.seat.session_id, item.message.id))
            if event is None:
                raise
            batch.replies[item.index] = _ack(event, duplicate=True)
    return [batch.replies[index] for index in range(len(requests))]


def _seats(requests: Sequence[Request]) -> dict[tuple[str, str], Seat]:
    """The seats that are in their session, by ``(join code, token)``, with their sessions
    (one object per session: its scenario is read once)."""
    found = queries.seats({token for code, token, _ in requests if code and token})
    sessions = queries.sessions({seat.session_id for seat in found})
    for seat in found:
        seat.session = sessions[seat.session_id]
    return {(seat.session_code, seat.token): seat for seat in found}


def _early_refusal(
    code: str, seat: Seat | None, decoded: Any, parsed: _EventMessage | None
) -> dict[str, Any]:
    """The refusal of a message that is not an event, or of a device not in the session."""
    session = seat.session if seat is not None else session_by_code(code)
    language = session.language if session is not None else settings.LANGUAGE_CODE
    with translation.override(language):
        if parsed is None:
            return _refused(_message_id(decoded), "bad_message")
        return _refused(parsed.id, "not_in_session")


def _active_round(session: GameSession, now: datetime) -> GameRound | None:
    """The session's running or paused round, its row locked (call in a transaction); a
    running round whose clock has run out is ended first."""
    rnd = queries.active_round(session)
    if rnd is not None and expire_round(rnd, now):
        return None
    return rnd


@dataclass
class _Item:
    """An event of a batch: where its reply goes, who sent it, and what acknowledges it."""

    index: int
    seat: Seat
    message: _EventMessage
    event: GameEvent | None = None
    duplicate: bool = False


class _Batch:
    """The events of one group commit (:func:`record_events`)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.replies: dict[int, dict[str, Any]] = {}
        self.items: list[_Item] = []
        self.sessions: dict[int, GameSession] = {}
        self.lines: dict[int, LiveLine] = {}
        """The cached lines (by round id) that get the batch's events."""

    def add(self, index: int, seat: Seat, message: _EventMessage) -> None:
        self.sessions[seat.session_id] = seat.session
        self.items.append(_Item(index, seat, message))

    def store(self) -> None:
        """Validate and store the items in one transaction; their acks and refusals."""
        if not self.items:
            return
        try:
            with transaction.atomic():
                self._store()
        except BaseException:
            for round_id in self.lines:
                live.drop(round_id)  # the line holds events that were not stored
            raise
        for item in self.items:
            if item.event is not None:
                self.replies[item.index] = _ack(item.event, duplicate=item.duplicate)

    def _store(self) -> None:
        # The sessions' rounds are locked first (always in the same order, so two server
        # processes never deadlock): the events of a round are validated and
        # stored one after the other, also across processes, and a resend racing its first
        # send through another process finds it stored. Then the duplicate check, before any
        # round check, so a resend is acknowledged again even after the round ended.
        rounds = {pk: _active_round(self.sessions[pk], self.now) for pk in sorted(self.sessions)}
        stored = queries.stored(set(self.sessions), {item.message.id for item in self.items})
        new: list[GameEvent] = []
        with live.lock:
            for item in self.items:
                key = (item.seat.session_id, item.message.id)
                if key in stored:
                    item.event, item.duplicate = stored[key], True
                    continue
                session = self.sessions[item.seat.session_id]
                with translation.override(session.language):
                    event = self._validated(item, rounds[session.pk])
                if event is not None:
                    item.event = stored[key] = event
                    new.append(event)
            queries.insert_events(new)
            for event in new:
                live.committed(event.round, event.pk)
        seen = {
            ev.seat_id
            for ev in new
            if ev.seat.last_seen is None or self.now - ev.seat.last_seen > LAST_SEEN_EVERY
        }
        if seen:
            Seat.objects.filter(pk__in=seen).update(last_seen=self.now)

    def _validated(self, item: _Item, rnd: GameRound | None) -> GameEvent | None:
        """The event to store for ``item``, applied to its round's line; None when refused."""
        message = item.message
        if rnd is None or rnd.status != GameRound.Status.RUNNING:
            self.replies[item.index] = _refused(message.id, "round_not_running")
            return None
        scenario = round_scenario(rnd)
        if not any(st.id == message.station for st in scenario.stations):
            self.replies[item.index] = _refused(message.id, "unknown_station", message.station)
            return None
        label = station_label(scenario, message.station)
        if not _may_record(item.seat, message.kind, message.station):
            self.replies[item.index] = _refused(message.id, "station_not_owned", label)
            return None
        line = self.lines.get(rnd.pk)
        if line is None:  # caught up from the database once per batch
            line = self.lines[rnd.pk] = live.get_line(rnd)
        action = Action(
            kind=message.kind,
            station=message.station,
            t=_event_time(rnd, line, message, self.now),
            quantity=message.quantity,
            source=message.id,
            actor=item.seat.name,
        )
        try:
            result = line.apply(action)
        except LiveError as err:
            self.replies[item.index] = _refused(message.id, err.code, label)
            return None
        return GameEvent(
            session=rnd.session,
            round=rnd,
            client_id=message.id,
            seat=item.seat,
            kind=message.kind,
            station=message.station,
            quantity=message.quantity,
            t=float(result.t),
            units=[int(u) for u in result.units],
            payload=_payload(message, result.duration),
            recorded_at=self.now,
        )


def _payload(message: _EventMessage, duration: float | None) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    if message.tapped_at is not None:
        payload["tapped_at"] = message.tapped_at
    if message.sent_at is not None:
        payload["sent_at"] = message.sent_at
    if duration is not None:
        payload["duration"] = float(duration)
    return payload


def void_event(event: GameEvent, user: Any, reason: str) -> GameEvent:
    """Void a wrong event: it stays in the log (who, when, why) and leaves the round's line."""
    session = event.session
    with translation.override(session.language):
        if not can_run_session(user, session):
            raise GameError("forbidden", _("You may not run this game session."))
        reason = (reason or "").strip()
        if not reason:
            raise GameError("no_reason", _("Say why the event is voided."))
        with transaction.atomic():
            rnd = locked_round(event.round)
            locked = GameEvent.objects.select_for_update().get(pk=event.pk)
            if locked.voided_at is not None:
                raise GameError("already_voided", _("This event has already been voided."))
            locked.voided_at = timezone.now()
            locked.voided_by = user
            locked.void_reason = reason[:200]
            locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
            # every process replays the round's line without it (live._caught_up)
            GameRound.objects.filter(pk=rnd.pk).update(voided_events=F("voided_events") + 1)
            transaction.on_commit(functools.partial(notify, session))
    live.drop(event.round_id)
    event.refresh_from_db()
    return event


# ---------------------------------------------------------------------------------------------
# What the phones and the board show


def _shown_time(rnd: GameRound, now: datetime | None) -> float | None:
    """The clock a view of the round shows (None before it started)."""
    if rnd.status == GameRound.Status.PLANNED:
        return None
    return round_clock(rnd, now)


def round_info(rnd: GameRound | None, now: datetime | None = None) -> dict[str, Any] | None:
    """``{number, name, status, clock, length, time_unit, mode}`` of a round (None: none)."""
    if rnd is None:
        return None
    session = rnd.session
    return {
        "number": rnd.number,
        "name": rnd.name,
        "status": rnd.status,
        "clock": round_clock(rnd, now),
        "length": round_length(rnd),
        "time_unit": session_scenario(session).time_unit,
        "mode": session.mode,
    }


def _named_stations(scenario: Scenario, items: list[dict[str, Any]], lang: str) -> None:
    """Name the line's stations in ``items`` in ``lang`` (a phone's one or two, or the board's
    whole line: named at once)."""
    names = scenario.station_names(lang) if len(items) > 2 else {}
    for item in items:
        sid = str(item["id"])
        item["name"] = names.get(sid) or scenario.station_name(sid, lang)


def _snapshot(line: LiveLine, scenario: Scenario, lang: str) -> dict[str, Any]:
    snap = dict(line.snapshot())
    stations = [dict(s) for s in snap.get("stations", [])]
    _named_stations(scenario, stations, lang)
    snap["stations"] = stations
    return snap


def seat_stations(seat: Seat, rnd: GameRound) -> list[str]:
    """The stations a seat's phone shows in the round."""
    ids = round_station_ids(rnd)
    if seat.role == Seat.Role.OPERATOR:
        return [s for s in seat.stations or [] if s in ids]
    if seat.role in ALL_STATION_ROLES:
        return ids
    return []


def seat_view(
    seat: Seat, now: datetime | None = None, *, rnd: GameRound | None = None
) -> dict[str, Any]:
    """The ``state`` message of a seat's phone: the round (``rnd``, default the session's
    shown round), the seat's stations (``LiveLine.station_view``), and the board for the
    supervisor and the customer."""
    session = seat.session
    rnd = rnd or shown_round(session)
    lang = session.language
    view: dict[str, Any] = {
        "type": "state",
        "round": None,
        "role": seat.role,
        "name": seat.name,
        "stations": [],
        "board": None,
    }
    if rnd is None:
        return view
    scenario = round_scenario(rnd)
    stations = seat_stations(seat, rnd)
    wants_board = seat.role in BOARD_ROLES

    def reader(line: LiveLine) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        views = [dict(line.station_view(s)) for s in stations]
        _named_stations(scenario, views, lang)
        return views, (_snapshot(line, scenario, lang) if wants_board else None)

    views, board = live.read(rnd, _shown_time(rnd, now), reader)
    view.update(round=round_info(rnd, now), stations=views, board=board)
    return view


def board_snapshot(
    session: GameSession, now: datetime | None = None, *, rnd: GameRound | None = None
) -> dict[str, Any]:
    """The ``board`` message: the round shown (``rnd``, default the session's shown round:
    being played, else the last ended one, else the first planned one), the line's snapshot,
    how many seats joined, the join code."""
    rnd = rnd or shown_round(session)
    snapshot = None
    if rnd is not None:
        scenario = round_scenario(rnd)
        snapshot = live.read(
            rnd,
            _shown_time(rnd, now),
            lambda line: _snapshot(line, scenario, session.language),
        )
    return {
        "type": "board",
        "round": round_info(rnd, now),
        "snapshot": snapshot,
        "seats": session.seats.filter(revoked=False).count(),
        "code": session.code,
    }


__all__ = [
    "ALL_STATION_ROLES",
    "BOARD_ROLES",
    "MAX_QUANTITY",
    "ROLE_KINDS",
    "board_snapshot",
    "record_event",
    "record_events",
    "refusal_message",
    "refused",
    "round_info",
    "seat_stations",
    "seat_view",
    "void_event",
]
