"""The queries of the event path, in SQL (``protocol.record_events``, ``live``).

Every event a phone sends reads its seat, its session, the ids already stored, its round (row
locked) and the events other server processes stored since, then stores itself. Built by the
ORM, each of those reads costs 0.2–0.5 ms of Python, most of it compiling the query, several
times the database's own work; here each is a raw query (``Manager.raw``: model instances with
the fields' converters, no compiling), which is what lets one server process acknowledge 200
events a second (``benchmarks/live_game_load.py``). The SQL is plain enough for SQLite and
PostgreSQL; ``tests/web/game`` run on both.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from typing import Any

from django.db import connection

from processfactory.web.game.models import GameEvent, GameRound, GameSession, Seat


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _column(model: Any, field: str) -> str:
    return str(connection.ops.quote_name(model._meta.get_field(field).column))


def _placeholders(values: Collection[Any]) -> str:
    return ", ".join(["%s"] * len(values))


@functools.lru_cache(maxsize=64)  # by group size: the usual sizes
def _seats_sql(count: int) -> str:
    seat, session = _table(Seat), _table(GameSession)
    return (
        f"SELECT {seat}.*, {session}.{_column(GameSession, 'code')} AS session_code "
        f"FROM {seat} JOIN {session} "
        f"ON {session}.{_column(GameSession, 'id')} = {seat}.{_column(Seat, 'session')} "
        f"WHERE {seat}.{_column(Seat, 'token')} IN ({_placeholders(range(count))}) "
        f"AND NOT {seat}.{_column(Seat, 'revoked')}"
    )


def seats(tokens: Collection[str]) -> list[Seat]:
    """The seats of these tokens that are in their session; each has ``session_code``."""
    if not tokens:
        return []
    return list(Seat.objects.raw(_seats_sql(len(tokens)), list(tokens)))


@functools.lru_cache(maxsize=64)  # by group size: the usual sizes
def _sessions_sql(count: int) -> str:
    return (
        f"SELECT * FROM {_table(GameSession)} "
        f"WHERE {_column(GameSession, 'id')} IN ({_placeholders(range(count))})"
    )


def sessions(ids: Collection[int]) -> dict[int, GameSession]:
    """The sessions of these ids, by id."""
    if not ids:
        return {}
    found = GameSession.objects.raw(_sessions_sql(len(ids)), list(ids))
    return {session.pk: session for session in found}


@functools.lru_cache(maxsize=64)  # by group size: the usual sizes
def _stored_sql(sessions: int, client_ids: int) -> str:
    return (
        f"SELECT {_column(GameEvent, 'id')}, {_column(GameEvent, 'session')}, "
        f"{_column(GameEvent, 'client_id')}, {_column(GameEvent, 't')} "
        f"FROM {_table(GameEvent)} "
        f"WHERE {_column(GameEvent, 'session')} IN ({_placeholders(range(sessions))}) "
        f"AND {_column(GameEvent, 'client_id')} IN ({_placeholders(range(client_ids))})"
    )


def stored(session_ids: Collection[int], client_ids: Collection[str]) -> dict[tuple[int, str], Any]:
    """The events already stored in these sessions under these client ids, by ``(session id,
    client id)``: only ``pk``, ``client_id`` and ``t`` (what an acknowledgement says)."""
    if not session_ids or not client_ids:
        return {}
    sql = _stored_sql(len(session_ids), len(client_ids))
    found = GameEvent.objects.raw(sql, [*session_ids, *client_ids])
    return {(ev.session_id, ev.client_id): ev for ev in found}


@functools.cache
def _active_round_sql() -> str:
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return (
        f"SELECT * FROM {_table(GameRound)} WHERE {_column(GameRound, 'session')} = %s "
        f"AND {_column(GameRound, 'status')} IN (%s, %s) "
        f"ORDER BY {_column(GameRound, 'number')} LIMIT 1{lock}"
    )


def active_round(session: GameSession) -> GameRound | None:
    """The session's running or paused round, its row locked (call in a transaction)."""
    params = [session.pk, str(GameRound.Status.RUNNING), str(GameRound.Status.PAUSED)]
    rnd = next(iter(GameRound.objects.raw(_active_round_sql(), params)), None)
    if rnd is not None:
        rnd.session = session
    return rnd


@functools.cache
def _events_sql() -> str:
    event, seat = _table(GameEvent), _table(Seat)
    return (
        f"SELECT {event}.*, {seat}.{_column(Seat, 'name')} AS seat_name FROM {event} "
        f"LEFT JOIN {seat} ON {seat}.{_column(Seat, 'id')} = {event}.{_column(GameEvent, 'seat')} "
        f"WHERE {event}.{_column(GameEvent, 'round')} = %s "
        f"AND {event}.{_column(GameEvent, 'voided_at')} IS NULL "
        f"AND {event}.{_column(GameEvent, 'id')} > %s "
        f"ORDER BY {event}.{_column(GameEvent, 'id')}"
    )


def events(round_id: int, after: int = 0) -> list[GameEvent]:
    """The round's events that are not voided, with an id above ``after``, in order; each
    has ``seat_name`` (None without a seat)."""
    return list(GameEvent.objects.raw(_events_sql(), [round_id, after]))


def _insert_fields() -> list[Any]:
    return [f for f in GameEvent._meta.concrete_fields if not f.primary_key]


@functools.lru_cache(maxsize=64)  # by group size: the usual sizes
def _insert_sql(count: int) -> str:
    fields = _insert_fields()
    columns = ", ".join(_column(GameEvent, f.name) for f in fields)
    rows = ", ".join([f"({_placeholders(fields)})"] * count)
    return (
        f"INSERT INTO {_table(GameEvent)} ({columns}) VALUES {rows} "
        f"RETURNING {_column(GameEvent, 'id')}"
    )


def insert_events(new: list[GameEvent]) -> None:
    """Store new events in one statement and set their ids (``RETURNING``: SQLite ≥ 3.35 and
    PostgreSQL; the ids come back in the order of the rows, as ``bulk_create`` relies on)."""
    if not new:
        return
    fields = _insert_fields()
    params = [f.get_db_prep_save(getattr(ev, f.attname), connection) for ev in new for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(len(new)), params)
        ids = [row_id for (row_id,) in cursor.fetchall()]
    for event, event_id in zip(new, ids, strict=True):
        event.pk = event_id
        event._state.adding = False


__all__ = ["active_round", "events", "insert_events", "seats", "sessions", "stored"]
