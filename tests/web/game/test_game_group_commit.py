"""Events stored together (a group commit): ``protocol.record_events`` and the consumers'
recorder (docs/live-game.md, *Reliability*).

A group must answer each event exactly as storing the events one by one, in the same order,
would; a group that cannot be stored stores nothing, answers nothing, and leaves no trace in
the lines kept in memory.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import OperationalError

from processfactory.web.game import consumers, protocol, queries
from processfactory.web.game.models import GameEvent, Seat
from processfactory.web.game.protocol import board_snapshot, record_event, record_events
from processfactory.web.game.services import join_session, start_round
from processfactory.web.registry.models import Training
from web.game.conftest import (
    T0,
    at,
    event,
    new_floor_session,
    of_type,
    receive_until,
    reply_to,
    run,
    seat_socket,
)


def _game(trainer: User, training: Training, *, start: bool = True) -> dict[str, Seat]:
    """A floor game of the two-bench line (in Russian) with a timekeeper, a cutter and a
    packer; round 1 started at ``T0`` unless ``start`` is False."""
    session = new_floor_session(trainer, training)
    seats = {
        "timekeeper": join_session(session.code, name="Tim", role=Seat.Role.TIMEKEEPER),
        "cutter": join_session(session.code, name="Cora", role="operator", stations=["cut"]),
        "packer": join_session(session.code, name="Pat", role="operator", stations=["pack"]),
    }
    if start:
        start_round(session, now=T0)
    return seats


def _script(game: dict[str, Seat], idle: dict[str, Seat]) -> list[protocol.Request]:
    """One of everything a group can hold, with fixed ids (the same in every game)."""

    def sent(seat: Seat, kind: str, station: str, client_id: str) -> protocol.Request:
        message = {"type": "event", "id": client_id, "kind": kind, "station": station}
        return (seat.session.code, seat.token, json.dumps(message))

    tk, cutter, packer = game["timekeeper"], game["cutter"], game["packer"]
    return [
        sent(tk, "start", "cut", "e1"),
        sent(cutter, "done", "cut", "e2"),
        sent(cutter, "start", "cut", "e3"),
        sent(tk, "start", "cut", "e1"),  # a resend within the group
        sent(tk, "start", "cut", "e5"),  # the one place at cut is busy
        sent(cutter, "move", "cut", "e6"),
        sent(cutter, "start", "pack", "e7"),  # not the cutter's station
        sent(packer, "start", "pack", "e8"),
        (tk.session.code, tk.token, "{not json"),
        (tk.session.code, "no-such-token", json.dumps(event("start", "cut", id="e10"))),
        sent(idle["timekeeper"], "start", "cut", "e11"),  # that game's round is not running
        sent(packer, "done", "pack", "e12"),
    ]


def _plain(reply: dict[str, Any]) -> dict[str, Any]:
    """A reply without its database id (two games' ids differ)."""
    return {k: v for k, v in reply.items() if k != "seq"}


def _stored(seats: dict[str, Seat]) -> list[tuple[Any, ...]]:
    session = seats["timekeeper"].session
    return list(
        GameEvent.objects.filter(session=session)
        .order_by("id")
        .values_list("client_id", "kind", "station", "t", "units", "seat__name")
    )


@pytest.mark.django_db
def test_a_group_answers_as_one_by_one_would(trainer_a: User, training_a: Training) -> None:
    grouped, single = _game(trainer_a, training_a), _game(trainer_a, training_a)
    idle = _game(trainer_a, training_a, start=False)

    replies = record_events(_script(grouped, idle), now=at(30))
    one_by_one = [record_event(*request, now=at(30)) for request in _script(single, idle)]

    assert [_plain(r) for r in replies] == [_plain(r) for r in one_by_one]
    assert [r.get("code") or r["type"] for r in replies] == [
        "ack",
        "ack",
        "ack",
        "ack",
        "busy",
        "ack",
        "station_not_owned",
        "ack",
        "bad_message",
        "not_in_session",
        "round_not_running",
        "ack",
    ]
    assert replies[3] == {**replies[0], "duplicate": True}
    assert not any(r.get("duplicate") for k, r in enumerate(replies) if k != 3)
    busy = "На участке «Резка» все места заняты: сначала закончите изделие."
    assert replies[4]["message"] == busy
    assert _stored(grouped) == _stored(single)
    assert [row[0] for row in _stored(grouped)] == ["e1", "e2", "e3", "e6", "e8", "e12"]
    assert not GameEvent.objects.filter(session=idle["timekeeper"].session).exists()
    # the lines kept in memory agree, and agree with a line replayed from the database
    boards = [board_snapshot(game["timekeeper"].session, at(40)) for game in (grouped, single)]
    assert boards[0]["snapshot"] == boards[1]["snapshot"]
    protocol.live.clear()
    replayed = board_snapshot(grouped["timekeeper"].session, at(40))
    assert replayed["snapshot"] == boards[0]["snapshot"]
    assert boards[0]["snapshot"]["finished"] == 1


@pytest.mark.django_db
def test_a_group_that_fails_stores_nothing_and_leaves_no_trace(
    trainer_a: User, training_a: Training, monkeypatch: pytest.MonkeyPatch
) -> None:
    seats = _game(trainer_a, training_a)
    tk = seats["timekeeper"]
    group = [
        (tk.session.code, tk.token, event("start", "cut")),
        (tk.session.code, tk.token, event("down", "pack")),
    ]

    def broken(new: list[GameEvent]) -> None:
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(queries, "insert_events", broken)
    with pytest.raises(OperationalError):
        record_events(group, now=at(10))
    assert not GameEvent.objects.exists()
    monkeypatch.undo()
    # the unit the failed group started is not in the line: cut is free, nothing is done there
    assert record_event(tk.session.code, tk.token, event("done", "cut"), at(11))["code"] == (
        "nothing_done"
    )
    replies = record_events(group, now=at(12))  # the phones resend
    assert [r["type"] for r in replies] == ["ack", "ack"]
    assert not any(r["duplicate"] for r in replies)
    assert GameEvent.objects.count() == 2


@pytest.mark.django_db
def test_a_resend_stored_meanwhile_makes_the_group_store_one_by_one(
    trainer_a: User, training_a: Training, monkeypatch: pytest.MonkeyPatch
) -> None:
    seats = _game(trainer_a, training_a)
    tk = seats["timekeeper"]
    for kind in ("start", "done", "start", "done"):  # two units wait in cut's outbox
        assert record_event(tk.session.code, tk.token, event(kind, "cut"), at(5))["type"] == "ack"
    first = event("move", "cut")
    stored = record_event(tk.session.code, tk.token, first, at(6))
    # the duplicate check misses it once (as if it were being stored by another connection):
    # moving a second unit is valid, so only the database's unique id stops the group
    real, calls = queries.stored, []

    def late(sessions: Any, client_ids: Any) -> dict[tuple[int, str], Any]:
        calls.append(1)
        return {} if len(calls) == 1 else real(sessions, client_ids)

    monkeypatch.setattr(queries, "stored", late)
    group = [
        (tk.session.code, tk.token, first),
        (tk.session.code, tk.token, event("start", "pack")),
    ]
    replies = record_events(group, now=at(7))
    assert replies[0] == {**stored, "duplicate": True}
    assert replies[1]["type"] == "ack" and not replies[1]["duplicate"]
    assert GameEvent.objects.filter(client_id=first["id"]).count() == 1
    # the second move the failed group applied in memory is gone
    stations = {s["id"]: s for s in board_snapshot(tk.session, at(8))["snapshot"]["stations"]}
    assert stations["cut"]["outbox"] == 1 and stations["pack"]["in_process"] == 1


# ---------------------------------------------------------------------------------------------
# Through the websockets


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("game_websockets")
def test_events_arriving_together_are_stored_together(
    trainer_a: User, training_a: Training, monkeypatch: pytest.MonkeyPatch
) -> None:
    seats = _game(trainer_a, training_a, start=False)
    start_round(seats["cutter"].session)  # now: the sockets record at the wall clock
    phones = [
        join_session(seats["cutter"].session.code, name=f"T{k}", role=Seat.Role.TIMEKEEPER)
        for k in range(4)
    ]
    groups: list[int] = []
    held = threading.Event()
    real = protocol.record_events

    def recording(requests: Any, now: Any = None) -> list[dict[str, Any]]:
        groups.append(len(requests))
        if len(groups) == 1:
            held.wait(5)  # the first group is slow: the others' events queue meanwhile
        return real(requests, now)

    monkeypatch.setattr(protocol, "record_events", recording)

    acked: list[str] = []

    async def body() -> None:
        sockets = [seat_socket(seat) for seat in [seats["timekeeper"], *phones]]
        for socket in sockets:
            await socket.connect()
            await receive_until(socket, of_type("state"))  # its consumer is listening
        start = event("start", "cut")
        await sockets[0].send_json_to(start)
        while not groups:
            await asyncio.sleep(0.01)
        # valid in any order (the group takes them as they arrive), and two it refuses
        sent = [event("down", "cut"), event("down", "pack"), event("up", "nowhere")]
        sent.append({"type": "event", "id": "no-kind", "station": "cut"})
        for socket, message in zip(sockets[1:], sent, strict=True):
            await socket.send_json_to(message)
        await asyncio.sleep(0.2)
        held.set()
        assert (await receive_until(sockets[0], reply_to(start["id"])))["type"] == "ack"
        acked.append(start["id"])
        for socket, message in zip(sockets[1:], sent, strict=True):
            reply = await receive_until(socket, reply_to(message["id"]))
            if reply["type"] == "ack":
                acked.append(reply["id"])
        for socket in sockets:
            await socket.disconnect()

    run(body)
    assert groups == [1, 4]
    stored = set(GameEvent.objects.values_list("client_id", flat=True))
    assert stored == set(acked) and len(acked) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.xdist_group("game_websockets")
def test_an_event_that_breaks_does_not_take_its_group_down(
    trainer_a: User, training_a: Training, monkeypatch: pytest.MonkeyPatch
) -> None:
    seats = _game(trainer_a, training_a, start=False)
    start_round(seats["cutter"].session)
    real = protocol._Batch._validated

    def fragile(batch: Any, item: Any, rnd: Any) -> Any:
        if item.message.station == "pack":
            raise RuntimeError("a bug at pack")
        return real(batch, item, rnd)

    monkeypatch.setattr(protocol._Batch, "_validated", fragile)

    async def body() -> None:
        good, bad = seat_socket(seats["cutter"]), seat_socket(seats["packer"])
        await good.connect()
        await bad.connect()
        cut, pack = event("start", "cut"), event("down", "pack")
        record = consumers._trips().record
        replies = await asyncio.gather(
            record((seats["cutter"].session.code, seats["cutter"].token, cut)),
            record((seats["packer"].session.code, seats["packer"].token, pack)),
            return_exceptions=True,
        )
        assert replies[0]["type"] == "ack"  # type: ignore[index]
        assert isinstance(replies[1], RuntimeError)
        # through the socket: the broken event closes its socket unanswered (it is resent)
        await bad.send_json_to(event("down", "pack"))
        closed = await bad.receive_output(timeout=5)
        while closed["type"] != "websocket.close":
            closed = await bad.receive_output(timeout=5)
        assert closed["code"] == consumers.CLOSE_SERVER_ERROR
        after = event("done", "cut")
        await good.send_json_to(after)
        assert (await receive_until(good, reply_to(after["id"])))["type"] == "ack"
        await good.disconnect()

    run(body)
    assert list(GameEvent.objects.order_by("id").values_list("kind", "station")) == [
        ("start", "cut"),
        ("done", "cut"),
    ]
