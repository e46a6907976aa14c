"""The live game's websockets (docs/live-game.md, *The websocket protocol*).

- :class:`SeatConsumer` — ``ws/game/<CODE>/seat/?token=…``: a participant's phone. It sends
  events and gets ``ack``/``refused`` replies and ``state`` messages (its seat view).
- :class:`BoardConsumer` — ``ws/game/<CODE>/board/``: the projector board and the trainer's
  page, for a logged-in user who may run the session; gets ``board`` messages.

The board is pushed twice a second while a round is running, a phone once a second online
and every 2 s on the floor (and after each of its own events); both at once when the
session's group (``game.<CODE>``) gets ``game.changed`` (a round started, paused, resumed or
ended, an event voided: ``services.notify``). A message that is not JSON, or not a message of
the protocol, gets ``refused`` with ``bad_message``; nothing a client sends raises to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import random
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from processfactory.web.game import protocol, services
from processfactory.web.game.models import GameRound, GameSession, Seat

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

CLOSE_FORBIDDEN = 4403
"""Close code for an unknown seat token or a user who may not watch the board."""
CLOSE_SERVER_ERROR = 1011
TICK_SECONDS = 0.5
"""How often a running round's board is pushed (the computer moves between events online)."""
ONLINE_TICK_SECONDS = 1.0
"""How often a running online round's phone views are pushed: the computer's moves show within
a second, and the phone moves its progress bars on between pushes (the round clock)."""
FLOOR_TICK_SECONDS = 2.0
"""How often a running floor round's phone views are pushed: they change only by events, and a
phone gets its view at once after each of its own events (the clock runs on the phone)."""


def _plain(value: Any) -> Any:
    """JSON-safe data: non-finite floats become None (browsers reject NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _language(code: str) -> str:
    session = GameSession.objects.filter(code=code).only("language").first()
    return session.language if session is not None else settings.LANGUAGE_CODE


def _refusal(code: str, refusal: str) -> dict[str, Any]:
    with translation.override(_language(code)):
        if refusal == "forbidden":
            return protocol.refused(
                None, refusal, _("You may not watch the board of this game session.")
            )
        return protocol.refused(None, refusal, protocol.refusal_message(refusal))


class _GameConsumer(AsyncWebsocketConsumer):
    """What both endpoints share: the group, the ticker, JSON replies."""

    _cache: Any = None
    code: str = ""
    running: bool = False
    _ticker: asyncio.Task[None] | None = None
    _in_group: bool = False

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' ``dispatch`` without its ``aclose_old_connections()`` before every message:
        that is a trip to the database thread per message, queued behind the events being
        stored; every database call here goes through ``database_sync_to_async``, which
        closes old connections itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(_plain(content), ensure_ascii=False))

    async def _join_group(self) -> None:
        await self.channel_layer.group_add(services.group_name(self.code), self.channel_name)
        self._in_group = True

    def _start_ticker(self, seconds: float = TICK_SECONDS) -> None:
        self._ticker = asyncio.ensure_future(self._tick(seconds))

    async def _tick(self, seconds: float) -> None:
        # phones that connected together do not tick together
        await asyncio.sleep(random.uniform(0, seconds))
        while True:
            if self.running:
                await self.push()
            await asyncio.sleep(seconds)

    async def push(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    async def game_changed(self, event: dict[str, Any]) -> None:
        """``game.changed`` from the session's group: re-read what is kept, push at once."""
        self._cache = None
        await self.push()

    async def refuse(self, refusal: str) -> None:
        reply = await database_sync_to_async(_refusal)(self.code, refusal)
        await self.send_json(reply)

    async def disconnect(self, code: int) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._ticker
            self._ticker = None
        if self._in_group:
            await self.channel_layer.group_discard(
                services.group_name(self.code), self.channel_name
            )
            self._in_group = False

    @staticmethod
    def _decoded(text_data: str | None) -> Any:
        if text_data is None:
            return None
        try:
            return json.loads(text_data)
        except ValueError:
            return None


# ---------------------------------------------------------------------------------------------
# A participant's phone


def _seat(code: str, token: str) -> Seat | None:
    if not token:
        return None
    return (
        Seat.objects.select_related("session")
        .filter(session__code=code, token=token, revoked=False)
        .first()
    )


SEAT_REFETCH_SECONDS = 10.0
"""How often, on average, a phone's socket re-reads its seat and round without being told of
a change (a seat removed in the admin, a change made by another process without a channel
layer). Each socket draws its own interval around it, so phones that joined together do not
re-read together (a burst of reads would hold back the events)."""


@dataclass
class _SeatCache:
    """What a phone's socket keeps between pushes, so a push reads no database rows."""

    seat: Seat
    round: GameRound | None
    stale_at: float
    """``time.monotonic()`` after which the seat and round are read again."""


def _seat_state(seat_id: int, cache: _SeatCache | None) -> tuple[dict[str, Any], _SeatCache] | None:
    """The seat's view and what to keep for the next push (None when the seat was removed);
    ends a round whose clock has run out first."""
    if cache is None or time.monotonic() > cache.stale_at:
        seat = Seat.objects.select_related("session").filter(pk=seat_id, revoked=False).first()
        if seat is None:
            return None
        stale_at = time.monotonic() + random.uniform(0.5, 1.5) * SEAT_REFETCH_SECONDS
        cache = _SeatCache(seat, services.shown_round(seat.session), stale_at)
    rnd = cache.round
    if services.expire_round(rnd):
        cache.round = services.shown_round(cache.seat.session)
    return protocol.seat_view(cache.seat, rnd=cache.round), cache


RECORD_GROUP_MAX = 500
"""At most this many events are stored in one transaction."""
VIEW_GROUP_MAX = 50
"""At most this many phone views are made in one trip to the database thread (a group holds
the thread, and the events waiting to be stored, for about 0.1 ms a view)."""


def _recorded(requests: list[protocol.Request]) -> list[dict[str, Any] | Exception]:
    """The replies to a group of events stored together; when storing them together fails,
    each is tried on its own, so one event's error does not refuse the others."""
    try:
        return list(protocol.record_events(requests))
    except Exception as err:
        if len(requests) == 1:
            return [err]
        log.warning("a group of %d events failed (%s); storing them one by one", len(requests), err)
    replies: list[dict[str, Any] | Exception] = []
    for request in requests:
        try:
            replies.append(protocol.record_event(*request))
        except Exception as err:  # noqa: BLE001 - handed to the event's consumer
            replies.append(err)
    return replies


_State = tuple[dict[str, Any], _SeatCache] | None


def _seat_states(requests: list[tuple[int, _SeatCache | None]]) -> list[_State | Exception]:
    """The views of a group of phones (:func:`_seat_state` each; an error is that phone's)."""
    states: list[_State | Exception] = []
    for seat_id, cache in requests:
        try:
            states.append(_seat_state(seat_id, cache))
        except Exception as err:  # noqa: BLE001 - handed to the phone's consumer
            states.append(err)
    return states


class _Grouped(Generic[T, R]):
    """Calls of a sync function made by many sockets at once, run together in one trip to the
    database thread (``run`` takes the group's arguments and returns a result or an exception
    for each): while one group runs, the calls that arrive wait, and are then run together in
    the next group. With one call at a time a group is that call; under load, groups share
    the trip (about 0.17 ms of CPU each) and, for events, the transaction and its commit (a
    group commit)."""

    def __init__(self, run: Callable[[list[T]], list[R | Exception]], most: int) -> None:
        self.run = run
        self.most = most
        self.waiting: list[tuple[T, asyncio.Future[R]]] = []
        self.task: asyncio.Task[None] | None = None

    async def __call__(self, argument: T) -> R:
        """The result of one call, once its group ran (raises its exception)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self.waiting.append((argument, future))
        if self.task is None or self.task.done():
            self.task = asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.waiting:
            group, self.waiting = self.waiting[: self.most], self.waiting[self.most :]
            results: list[R | Exception]
            try:
                results = await database_sync_to_async(self.run)([a for a, _ in group])
            except Exception as err:  # noqa: BLE001 - handed to every waiting consumer
                results = [err] * len(group)
            except BaseException:  # cancelled (the server stops): nobody waits forever
                for _argument, future in group:
                    future.cancel()
                raise
            for (_argument, future), result in zip(group, results, strict=True):
                if future.done():  # its consumer went away
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)


@dataclass
class _Trips:
    """What the phones of this server process send to the database thread together."""

    record: _Grouped[protocol.Request, dict[str, Any]]
    view: _Grouped[tuple[int, _SeatCache | None], _State]


_trips_by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Trips] = (
    weakref.WeakKeyDictionary()
)


def _trips() -> _Trips:
    """The event loop's groups (one loop per server process; the tests run several)."""
    loop = asyncio.get_running_loop()
    trips = _trips_by_loop.get(loop)
    if trips is None:
        trips = _trips_by_loop[loop] = _Trips(
            _Grouped(_recorded, RECORD_GROUP_MAX), _Grouped(_seat_states, VIEW_GROUP_MAX)
        )
    return trips


class SeatConsumer(_GameConsumer):
    token: str = ""
    seat_id: int | None = None
    _cache: _SeatCache | None = None

    async def connect(self) -> None:
        self.code = str(self.scope["url_route"]["kwargs"]["code"]).upper()
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.token = (query.get("token") or [""])[0]
        await self.accept()
        seat = await database_sync_to_async(_seat)(self.code, self.token)
        if seat is None:
            await self.refuse("not_in_session")
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.seat_id = seat.pk
        await self._join_group()
        await self.push()
        floor = seat.session.mode == GameSession.Mode.FLOOR
        self._start_ticker(FLOOR_TICK_SECONDS if floor else ONLINE_TICK_SECONDS)

    async def push(self) -> None:
        if self.seat_id is None:
            return
        try:
            state = await _trips().view((self.seat_id, self._cache))
        except Exception:
            log.exception("game %s: the seat view failed", self.code)
            self._cache = None
            return
        view, self._cache = state if state is not None else (None, None)
        if view is None:
            self.seat_id = None
            self.running = False
            await self.refuse("not_in_session")
            await self.close(code=CLOSE_FORBIDDEN)
            return
        round_info = view.get("round") or {}
        self.running = round_info.get("status") == GameRound.Status.RUNNING
        await self.send_json(view)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message = self._decoded(text_data)
        if not isinstance(message, dict):
            await self.send_json(await database_sync_to_async(_refusal)(self.code, "bad_message"))
            return
        if message.get("type") == "refresh":  # the phone asks for everything read anew
            self._cache = None
            await self.push()
            return
        try:
            reply = await _trips().record((self.code, self.token, message))
        except Exception:
            # not stored, not answered: the phone keeps the event and resends it on reconnect
            log.exception("game %s: an event could not be recorded", self.code)
            await self.close(code=CLOSE_SERVER_ERROR)
            return
        await self.send_json(reply)
        if reply["type"] == "ack" and not reply["duplicate"]:
            await self.push()
        elif reply["type"] == "refused" and reply["code"] == "not_in_session":
            self.seat_id = None
            await self.close(code=CLOSE_FORBIDDEN)


# ---------------------------------------------------------------------------------------------
# The board


def _may_watch(user: Any, code: str) -> bool:
    session = GameSession.objects.filter(code=code).first()
    return session is not None and services.can_run_session(user, session)


def _board(code: str) -> dict[str, Any]:
    session = GameSession.objects.get(code=code)
    return protocol.board_snapshot(session, rnd=services.show_round(session))


class BoardConsumer(_GameConsumer):
    async def connect(self) -> None:
        self.code = str(self.scope["url_route"]["kwargs"]["code"]).upper()
        user = self.scope.get("user")
        await self.accept()
        allowed = await database_sync_to_async(_may_watch)(user, self.code)
        if not allowed:
            await self.refuse("forbidden")
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self._join_group()
        await self.push()
        self._start_ticker()

    async def push(self) -> None:
        try:
            board = await database_sync_to_async(_board)(self.code)
        except Exception:
            log.exception("game %s: the board failed", self.code)
            return
        round_info = board.get("round") or {}
        self.running = round_info.get("status") == GameRound.Status.RUNNING
        await self.send_json(board)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message = self._decoded(text_data)
        if isinstance(message, dict) and message.get("type") == "refresh":
            await self.push()
            return
        await self.refuse("bad_message")


__all__ = ["BoardConsumer", "SeatConsumer"]
