"""The live game's test world: small game sessions, seats, and websocket helpers.

Fixtures (besides the personas of ``web.base``):

- ``line_yaml`` / ``plan_yaml`` — a two-station scenario (``cut`` 1 min → ``pack`` 0.5 min, in
  minutes, with Russian station names) and its two-round plan (round 2 applies ``five_s``);
- ``floor_session`` — a floor game of that upload, run by ``trainer_a`` for ``training_a``,
  10-minute rounds, language ``ru``;
- ``online_session`` — an online game of the built-in factory ``assembly``, created by
  ``manager_a``, 30-minute rounds at speed 10, language ``en``;
- ``timekeeper`` — a timekeeper seat in ``floor_session`` (may record anything anywhere);
- ``cutter`` — an operator seat owning ``cut`` in ``floor_session``.

An autouse fixture empties the process's cache of lines (``game.live.clear()``) before and after
every test: database ids are reused between tests, so a cached line must not outlive its test.

Helpers (import from ``web.game.conftest``): ``LINE_YAML``/``PLAN_YAML``,
``new_floor_session(trainer, training)`` (what ``floor_session`` is made by), ``T0`` (a fixed start
time: pass ``now=at(seconds)`` to the services), ``at(seconds)`` (``T0`` + seconds),
``event(kind, station, ...)`` (a protocol event message with a fresh id), ``ORIGIN`` (the
websocket headers an allowed browser sends), ``seat_url``/``board_url``, ``seat_socket(seat)``
and ``board_socket(session, cookie_headers(user))`` (``WebsocketCommunicator``s on the ASGI
application; make the cookie headers before the event loop runs), ``receive_until(socket,
matches)`` (the next message matching, skipping pushed views) with the matchers
``reply_to(id)`` and ``of_type(type)``, and ``run(coroutine_function)`` (drive a coroutine from a
sync test: pytest-asyncio is not installed; websocket tests need
``pytest.mark.django_db(transaction=True)``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client

from processfactory.web.game import live
from processfactory.web.game.models import GameSession, Seat
from processfactory.web.game.services import create_session, join_session
from processfactory.web.registry.models import Training

T = TypeVar("T")

T0 = datetime.datetime(2026, 3, 12, 7, 0, tzinfo=datetime.UTC)
"""When the tests' rounds start (10 a.m. Moscow time on the training day)."""

LINE_YAML = """\
name: Two-bench line
time_unit: min
stations:
  - {id: cut, name: Cutting, time: 1.0}
  - {id: pack, name: Packing, time: 0.5}
demand: {units: 12, period: 10}
run: {duration: 10}
translations:
  ru:
    name: Линия из двух участков
    stations: {cut: Резка, pack: Упаковка}
"""

PLAN_YAML = """\
rounds:
  - name: "Round 1: as is"
    translations: {ru: {name: "Раунд 1: как есть"}}
  - name: "Round 2: 5S"
    translations: {ru: {name: "Раунд 2: 5S"}}
    levers: [five_s]
"""

ORIGIN = [(b"origin", b"http://localhost")]


def at(seconds: float) -> datetime.datetime:
    """``T0`` plus ``seconds`` of wall time."""
    return T0 + datetime.timedelta(seconds=seconds)


def event(kind: str, station: str, **fields: Any) -> dict[str, Any]:
    """A protocol event message with a fresh client id."""
    message: dict[str, Any] = {
        "type": "event",
        "id": str(uuid.uuid4()),
        "kind": kind,
        "station": station,
        "quantity": 1,
    }
    message.update(fields)
    return message


def seat_url(seat: Seat, token: str | None = None) -> str:
    return f"/ws/game/{seat.session.code}/seat/?token={seat.token if token is None else token}"


def board_url(session: GameSession) -> str:
    return f"/ws/game/{session.code}/board/"


def cookie_headers(user: User) -> list[tuple[bytes, bytes]]:
    """Websocket headers of ``user``'s logged-in browser (session cookie and origin)."""
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return [*ORIGIN, (b"cookie", cookie.encode())]


def seat_socket(seat: Seat, token: str | None = None) -> WebsocketCommunicator:
    from processfactory.web.asgi import application

    return WebsocketCommunicator(application, seat_url(seat, token), headers=ORIGIN)


def board_socket(session: GameSession, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    """The board's websocket, with ``cookie_headers(user)`` (made before the event loop runs:
    logging in touches the database)."""
    from processfactory.web.asgi import application

    return WebsocketCommunicator(application, board_url(session), headers=headers)


async def receive_until(
    socket: WebsocketCommunicator,
    matches: Callable[[dict[str, Any]], bool],
    timeout: float = 5.0,
) -> dict[str, Any]:
    """The next message ``matches`` accepts (pushed ``state``/``board`` views in between are
    skipped)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        left = deadline - loop.time()
        if left <= 0:
            raise AssertionError("no matching message arrived in time")
        message: dict[str, Any] = await socket.receive_json_from(timeout=left)
        if matches(message):
            return message


def reply_to(client_id: str) -> Callable[[dict[str, Any]], bool]:
    """Matches the ``ack``/``refused`` reply to the event ``client_id``."""
    return lambda m: m.get("type") in ("ack", "refused") and m.get("id") == client_id


def of_type(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m.get("type") == kind


def run(coroutine_function: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Run an async test body from a sync test (sync ORM calls inside go through
    ``database_sync_to_async``)."""
    return async_to_sync(coroutine_function)(*args)


def in_own_loop(coroutine_function: Callable[[], Awaitable[T]]) -> T:
    """Run an async body (no database) in an event loop of its own, in a thread of its own: a
    browser test earlier in this process (the shared Playwright fixture) keeps an event loop
    running in this thread, where ``asyncio.run()`` is refused."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine_function()).result()


# ---------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture(autouse=True)
def _fresh_lines() -> Any:
    """Every test starts and ends with an empty cache of lines (ids are reused between tests)."""
    live.clear()
    yield
    live.clear()


@pytest.fixture
def line_yaml() -> str:
    return LINE_YAML


@pytest.fixture
def plan_yaml() -> str:
    return PLAN_YAML


def new_floor_session(trainer: User, training: Training) -> GameSession:
    """A floor game of the two-bench line run by ``trainer`` for ``training``: 10-minute
    rounds, in Russian."""
    return create_session(
        trainer,
        title="Floor game",
        mode=GameSession.Mode.FLOOR,
        round_minutes=10,
        training=training,
        scenario_yaml=LINE_YAML,
        plan_yaml=PLAN_YAML,
        language="ru",
    )


@pytest.fixture
def floor_session(trainer_a: User, training_a: Training) -> GameSession:
    return new_floor_session(trainer_a, training_a)


@pytest.fixture
def online_session(manager_a: User) -> GameSession:
    return create_session(
        manager_a,
        title="Online assembly",
        mode=GameSession.Mode.ONLINE,
        round_minutes=30,
        speed=10,
        factory="assembly",
        language="en",
        seed=7,
    )


@pytest.fixture
def timekeeper(floor_session: GameSession) -> Seat:
    return join_session(floor_session.code, name="Tim Keeper", role=Seat.Role.TIMEKEEPER)


@pytest.fixture
def cutter(floor_session: GameSession) -> Seat:
    return join_session(
        floor_session.code, name="Cora Cutter", role=Seat.Role.OPERATOR, stations=["cut"]
    )
