"""The live game's websockets (docs/live-game.md, *The websocket protocol*), end to end through
``processfactory.web.asgi.application``.

The consumers run their database work in other threads, so these tests commit for real
(``transaction=True``). pytest-asyncio is not used: each test drives one coroutine with
``run`` (asgiref's ``async_to_sync``) and calls the services inside it through
``database_sync_to_async``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User

from processfactory.web.game import live
from processfactory.web.game.models import GameEvent, GameRound, GameSession, Seat
from processfactory.web.game.protocol import board_snapshot, void_event
from processfactory.web.game.services import end_round, join_session, pause_round, start_round
from web.game.conftest import (
    board_socket,
    cookie_headers,
    event,
    of_type,
    receive_until,
    reply_to,
    run,
    seat_socket,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("game_websockets"),
]

db = database_sync_to_async


def _count(**filters: Any) -> int:
    return int(GameEvent.objects.filter(**filters).count())


def _status(rnd: GameRound) -> str:
    rnd.refresh_from_db()
    return rnd.status


async def _send(socket: Any, message: dict[str, Any]) -> dict[str, Any]:
    """Send an event and return the reply to it."""
    await socket.send_json_to(message)
    return await receive_until(socket, reply_to(message["id"]))


async def _make_unit(socket: Any) -> list[dict[str, Any]]:
    """One unit through the two-bench line; the events sent (all acknowledged)."""
    sent = [event("start", "cut"), event("done", "cut"), event("start", "pack")]
    sent.append(event("done", "pack"))
    for message in sent:
        reply = await _send(socket, message)
        assert reply["type"] == "ack", reply
    return sent


# ---------------------------------------------------------------------------------------------
# Connecting


def test_a_seat_gets_its_view_on_connect(timekeeper: Seat) -> None:
    async def body() -> None:
        socket = seat_socket(timekeeper)
        connected, _ = await socket.connect()
        assert connected
        state = await socket.receive_json_from()
        assert state["type"] == "state" and state["role"] == "timekeeper"
        assert state["round"]["number"] == 1 and state["round"]["status"] == "planned"
        assert [s["id"] for s in state["stations"]] == ["cut", "pack"]
        assert state["stations"][0]["name"] == "Резка"
        await socket.disconnect()

    run(body)


def test_an_unknown_token_is_refused_and_closed(timekeeper: Seat) -> None:
    async def body() -> None:
        socket = seat_socket(timekeeper, token="forged")
        await socket.connect()
        refused = await socket.receive_json_from()
        assert refused["type"] == "refused" and refused["code"] == "not_in_session"
        assert refused["message"].startswith("Это устройство не участвует")
        closed = await socket.receive_output()
        assert closed == {"type": "websocket.close", "code": 4403}

    run(body)


def test_a_removed_seat_is_closed(timekeeper: Seat) -> None:
    async def body() -> None:
        socket = seat_socket(timekeeper)
        await socket.connect()
        await receive_until(socket, of_type("state"))
        await db(Seat.objects.filter(pk=timekeeper.pk).update)(revoked=True)
        await socket.send_json_to({"type": "refresh"})
        refused = await socket.receive_json_from()
        assert refused["code"] == "not_in_session"
        assert await socket.receive_output() == {"type": "websocket.close", "code": 4403}

    run(body)


def test_the_board_needs_someone_who_runs_the_session(
    floor_session: GameSession, trainer_a: User, manager_b: User
) -> None:
    trainer, stranger_headers = cookie_headers(trainer_a), cookie_headers(manager_b)

    async def body() -> None:
        board = board_socket(floor_session, trainer)
        connected, _ = await board.connect()
        assert connected
        message = await board.receive_json_from()
        assert message["type"] == "board" and message["code"] == floor_session.code
        assert message["round"]["status"] == "planned" and message["snapshot"]["finished"] == 0
        await board.disconnect()

        stranger = board_socket(floor_session, stranger_headers)
        await stranger.connect()
        refused = await stranger.receive_json_from()
        assert refused["type"] == "refused" and refused["code"] == "forbidden"
        assert await stranger.receive_output() == {"type": "websocket.close", "code": 4403}

    run(body)


# ---------------------------------------------------------------------------------------------
# Events


def test_an_event_is_acknowledged_once_and_pushes_the_view(timekeeper: Seat) -> None:
    session = timekeeper.session

    async def body() -> None:
        socket = seat_socket(timekeeper)
        await socket.connect()
        await receive_until(socket, of_type("state"))
        await db(start_round)(session)
        running = await receive_until(
            socket, lambda m: m["type"] == "state" and m["round"]["status"] == "running"
        )
        assert running["round"]["clock"] >= 0
        message = event("start", "cut")
        ack = await _send(socket, message)
        assert ack["type"] == "ack" and ack["duplicate"] is False and ack["t"] >= 0
        pushed = await receive_until(socket, of_type("state"))
        assert [u["unit"] for u in pushed["stations"][0]["in_process"]] == [1]
        again = await _send(socket, message)
        assert again == {**ack, "duplicate": True}
        assert await db(_count)() == 1
        await socket.disconnect()

    run(body)


@pytest.mark.parametrize(
    "text",
    ["{not json", "[]", '"event"', '{"type": "event", "id": "x", "kind": "fly"}'],
)
def test_malformed_messages_are_refused(timekeeper: Seat, text: str) -> None:
    async def body() -> None:
        await db(start_round)(timekeeper.session)
        socket = seat_socket(timekeeper)
        await socket.connect()
        await socket.send_to(text_data=text)
        refused = await receive_until(socket, of_type("refused"))
        assert refused["code"] == "bad_message"
        assert refused["message"] == "Сообщение не удалось прочитать."
        # the socket stays usable
        assert (await _send(socket, event("start", "cut")))["type"] == "ack"
        await socket.disconnect()

    run(body)
    assert GameEvent.objects.count() == 1


def test_refusals_are_never_stored(floor_session: GameSession, cutter: Seat) -> None:
    async def body() -> None:
        socket = seat_socket(cutter)
        await socket.connect()
        early = await _send(socket, event("start", "cut"))
        assert early["code"] == "round_not_running"
        first = await db(start_round)(floor_session)
        assert (await _send(socket, event("start", "pack")))["code"] == "station_not_owned"
        assert (await _send(socket, event("done", "cut")))["code"] == "nothing_done"
        assert (await _send(socket, event("start", "weld")))["code"] == "unknown_station"
        await db(pause_round)(first)
        assert (await _send(socket, event("start", "cut")))["code"] == "round_not_running"
        await socket.disconnect()

    run(body)
    assert GameEvent.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Reconnecting, restarting, voiding


def test_resent_events_after_a_reconnect_are_not_counted_twice(
    timekeeper: Seat, trainer_a: User
) -> None:
    session = timekeeper.session
    trainer = cookie_headers(trainer_a)

    async def body() -> None:
        await db(start_round)(session)
        board = board_socket(session, trainer)
        await board.connect()
        await receive_until(board, of_type("board"))

        phone = seat_socket(timekeeper)
        await phone.connect()
        sent = await _make_unit(phone)
        sent += await _make_unit(phone)
        await phone.disconnect()
        finished = await receive_until(
            board, lambda m: m["type"] == "board" and m["snapshot"]["finished"] == 2
        )
        assert finished["snapshot"]["released"] == 2

        # the phone did not get the last acks: it resends everything, in order
        phone = seat_socket(timekeeper)
        await phone.connect()
        for message in sent:
            reply = await _send(phone, message)
            assert reply["type"] == "ack" and reply["duplicate"] is True
        await phone.disconnect()
        await board.send_json_to({"type": "refresh"})
        after = await receive_until(board, of_type("board"))
        assert after["snapshot"]["finished"] == 2 and after["snapshot"]["released"] == 2
        await board.disconnect()

    run(body)
    assert GameEvent.objects.count() == 8


def test_a_server_restart_loses_nothing(timekeeper: Seat) -> None:
    session = timekeeper.session

    async def body() -> None:
        first = await db(start_round)(session)
        phone = seat_socket(timekeeper)
        await phone.connect()
        await _make_unit(phone)
        assert (await _send(phone, event("start", "cut")))["type"] == "ack"
        await phone.disconnect()

        later = first.started_at + timedelta(seconds=30)
        before = await db(board_snapshot)(session, later)
        await db(live.clear)()  # a new server process: no line in memory
        after = await db(board_snapshot)(session, later)
        assert after == before
        assert before["snapshot"]["finished"] == 1 and before["snapshot"]["wip"] == 1

        phone = seat_socket(timekeeper)
        await phone.connect()
        assert (await _send(phone, event("done", "cut")))["type"] == "ack"
        assert (await _send(phone, event("start", "pack")))["type"] == "ack"
        assert (await _send(phone, event("done", "pack")))["type"] == "ack"
        await phone.disconnect()
        final = await db(board_snapshot)(session)
        assert final["snapshot"]["finished"] == 2

    run(body)


def test_a_voided_event_leaves_the_line_and_the_board_says_so(
    timekeeper: Seat, trainer_a: User
) -> None:
    session = timekeeper.session
    trainer = cookie_headers(trainer_a)

    async def body() -> None:
        await db(start_round)(session)
        phone = seat_socket(timekeeper)
        await phone.connect()
        sent = await _make_unit(phone)
        board = board_socket(session, trainer)
        await board.connect()
        shown = await receive_until(board, of_type("board"))
        assert shown["snapshot"]["finished"] == 1
        last = await db(GameEvent.objects.get)(client_id=sent[-1]["id"])
        await db(void_event)(last, trainer_a, "tapped by mistake")
        # game.changed: the board updates at once
        voided = await receive_until(
            board, lambda m: m["type"] == "board" and m["snapshot"]["finished"] == 0
        )
        assert voided["snapshot"]["stations"][1]["in_process"] == 1
        # a resend of the voided event is still acknowledged, and does not count
        again = await _send(phone, sent[-1])
        assert again["duplicate"] is True
        await phone.disconnect()
        await board.disconnect()

    run(body)
    assert GameEvent.objects.count() == 4
    assert GameEvent.objects.filter(voided_at__isnull=False).count() == 1


# ---------------------------------------------------------------------------------------------
# Rounds seen from the phones


def test_phones_follow_the_rounds(timekeeper: Seat) -> None:
    session = timekeeper.session

    async def body() -> None:
        director = await db(join_session)(session.code, name="Dina", role="supervisor")
        phone = seat_socket(director)
        await phone.connect()
        state = await receive_until(phone, of_type("state"))
        assert state["board"]["finished"] == 0 and state["stations"] == []
        first = await db(start_round)(session)
        await receive_until(
            phone, lambda m: m["type"] == "state" and m["round"]["status"] == "running"
        )
        # while the round runs, the view is pushed on its own (twice a second)
        await receive_until(phone, of_type("state"), timeout=2)
        await db(end_round)(first)
        ended = await receive_until(
            phone, lambda m: m["type"] == "state" and m["round"]["status"] == "ended"
        )
        assert ended["round"]["number"] == 1
        await phone.disconnect()
        assert await db(_status)(first) == GameRound.Status.ENDED

    run(body)


def test_an_online_board_shows_the_computer_playing(
    online_session: GameSession, manager_a: User
) -> None:
    manager = cookie_headers(manager_a)

    async def body() -> None:
        await db(start_round)(online_session)
        board = board_socket(online_session, manager)
        await board.connect()
        shown = await receive_until(board, of_type("board"))
        assert shown["round"]["mode"] == "online" and shown["round"]["time_unit"] == "s"
        assert all(not s["human"] for s in shown["snapshot"]["stations"])
        later = await receive_until(
            board, lambda m: m["type"] == "board" and m["snapshot"]["time"] > 5
        )
        assert later["snapshot"]["released"] > 0
        await board.send_to(text_data="nonsense")
        refused = await receive_until(board, of_type("refused"))
        assert refused["code"] == "bad_message"
        await board.disconnect()

    run(body)
