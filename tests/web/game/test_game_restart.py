"""The live game survives ``kill -9`` of its server mid-round (docs/live-game.md, *Reliability*).

A real Daphne server on a free port and a temporary SQLite file; the session (a floor line of
three stations, one operator seat each, round 1 running) is made by ``manage.py gamesetup`` in a
subprocess, and the database is read back with ``sqlite3`` (this process's Django points at
pytest-django's test database, not at the server's file). Three phones tap continuously and
keep every unacknowledged event in an offline queue that they resend, in order, whenever their
socket (re)opens, as the browser's ``localStorage`` queue does. The server is killed with
SIGKILL and restarted several times while they tap.

After each restart and at the end: the round is still running, every acknowledged id is stored
exactly once, nothing is stored that was not sent or that was refused (each phone also resends
its last acknowledged event after a reconnection: it is acknowledged as a duplicate), and the
board's finished units (the new process replays the stored events) equal the ``done`` events
stored at the last station. The server always runs on SQLite here (``DATABASE_URL`` and
``PF_REDIS_URL`` are not passed on), so the test is the same on every CI leg.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from web.game.conftest import in_own_loop
from web.game.daphne_server import free_port, manage, query, server_env, start_daphne

websockets = pytest.importorskip("websockets")

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("game-server")]

PHONES = 3
TAP_INTERVAL = 0.05  # seconds between two looks at the phone
KILLS = 3
PLAY_SECONDS = 2.0  # tapping between two kills
DOWN_SECONDS = 0.5  # the server is dead this long before it is started again (phones tap on)
OFFLINE_TAPS = 3  # taps a phone queues while it has no connection


# ---------------------------------------------------------------------------------------------
# The server and its database


# ---------------------------------------------------------------------------------------------
# The phones


@dataclass
class _Phone:
    """One phone: its station's last view, the offline queue of unacknowledged events."""

    url: str
    origin: str
    station: str
    view: dict[str, Any] | None = None
    fresh: bool = False  # a state came after the last tap's answer
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # in send order
    last_acked: dict[str, Any] | None = None
    ws: Any = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    connects: int = 0
    resent: int = 0
    round_status: list[str] = field(default_factory=list)  # of the first state per connection

    def tap(self, sent: set[str]) -> dict[str, Any]:
        view = self.view or {}
        if view.get("down"):
            kind = "up"
        elif view.get("in_process"):
            kind = "done"
        elif view.get("outbox"):
            kind = "move"
        elif view.get("can_start"):
            kind = "start"
        else:
            kind = "down"
        now = int(time.time() * 1000)
        message = {
            "type": "event",
            "id": str(uuid.uuid4()),
            "kind": kind,
            "station": self.station,
            "quantity": 1,
            "tapped_at": now,
            "sent_at": now,
        }
        self.pending[message["id"]] = message
        sent.add(message["id"])
        return message


@dataclass
class _World:
    duplicates: int = 0
    sent: set[str] = field(default_factory=set)
    acked: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    tapping: asyncio.Event = field(default_factory=asyncio.Event)
    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def _send(phone: _Phone, message: dict[str, Any]) -> None:
    ws = phone.ws
    if ws is None:
        return  # offline: the event waits in the queue
    with contextlib.suppress(websockets.ConnectionClosed, OSError):
        await ws.send(json.dumps({**message, "sent_at": int(time.time() * 1000)}))


async def _connection(phone: _Phone, world: _World) -> None:
    """Keep the phone connected; on every open, resend the offline queue in order."""
    while not world.stop.is_set():
        try:
            ws = await websockets.connect(
                phone.url, origin=phone.origin, open_timeout=2, ping_interval=None
            )
        except (OSError, TimeoutError, websockets.WebSocketException):
            await asyncio.sleep(0.1)
            continue
        phone.connects += 1
        first_state = True
        async with phone.lock:
            phone.ws = ws
            # the last acknowledged event too, as if its ack had been lost with the connection:
            # it must be acknowledged again as a duplicate, not stored twice
            again = [phone.last_acked] if phone.last_acked is not None else []
            for message in again + list(phone.pending.values()):
                phone.resent += 1
                await _send(phone, message)
        try:
            async for raw in ws:
                msg = json.loads(raw)
                if msg["type"] == "state":
                    stations = msg.get("stations") or []
                    phone.view = stations[0] if stations else None
                    phone.fresh = not phone.pending
                    if first_state:
                        phone.round_status.append((msg.get("round") or {}).get("status"))
                        first_state = False
                elif msg["type"] == "ack":
                    message = phone.pending.pop(msg["id"], None)
                    if message is not None:
                        phone.last_acked = message
                    world.acked.append(msg["id"])
                    world.duplicates += bool(msg.get("duplicate"))
                elif msg["type"] == "refused" and msg.get("id") in phone.pending:
                    phone.pending.pop(msg["id"])
                    world.refused[msg["id"]] = msg["code"]
        except (websockets.ConnectionClosed, OSError):
            pass
        finally:
            phone.ws = None
            with contextlib.suppress(Exception):
                await ws.close()


async def _tapper(phone: _Phone, world: _World) -> None:
    """A person tapping: online, after the last tap was answered and the station's view came
    back; offline, a few taps that wait in the queue."""
    while not world.stop.is_set():
        await world.tapping.wait()
        online = phone.ws is not None
        if (online and not phone.pending and phone.fresh) or (
            not online and len(phone.pending) < OFFLINE_TAPS
        ):
            async with phone.lock:
                phone.fresh = False
                await _send(phone, phone.tap(world.sent))
        await asyncio.sleep(TAP_INTERVAL)


async def _board(url: str, origin: str, cookie: str) -> dict[str, Any]:
    async with websockets.connect(
        url, origin=origin, additional_headers={"Cookie": cookie}, open_timeout=5
    ) as ws:
        while True:
            msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=5))
            assert msg["type"] != "refused", msg
            if msg["type"] == "board":
                return dict(msg)


async def _drained(phones: list[_Phone], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while any(p.pending for p in phones):
        assert time.monotonic() < deadline, "unacknowledged events left: " + repr(
            [list(p.pending) for p in phones]
        )
        await asyncio.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# The test


def test_acked_events_survive_kill_9_restarts(tmp_path: Path) -> None:
    db_path = tmp_path / "game.sqlite3"
    env = server_env(db_path)
    manage(env, "migrate", "--no-input", "-v", "0")
    setup = json.loads(manage(env, "gamesetup", "--participants", str(PHONES)))
    session_id, round_id = setup["session_id"], setup["round_id"]
    last_station = setup["stations"][-1]
    port = free_port()
    log = tmp_path / "daphne.log"
    origin = f"http://127.0.0.1:{port}"
    base = f"ws://127.0.0.1:{port}/ws/game/{setup['code']}"
    cookie = "{name}={value}".format(**setup["session_cookie"])

    def stored_ids() -> list[str]:
        rows = query(
            db_path, "SELECT client_id FROM game_gameevent WHERE session_id = ?", session_id
        )
        return [r[0] for r in rows]

    def finished_in_db() -> int:
        (row,) = query(
            db_path,
            "SELECT COUNT(*) FROM game_gameevent WHERE session_id = ? AND station = ?"
            " AND kind = 'done' AND voided_at IS NULL",
            session_id,
            last_station,
        )
        return int(row[0])

    def round_status() -> str:
        (row,) = query(db_path, "SELECT status FROM game_gameround WHERE id = ?", round_id)
        return str(row[0])

    async def check_board(world: _World, phones: list[_Phone]) -> int:
        """Stop tapping, let every queued event be answered, compare the board with the
        database, tap on."""
        world.tapping.clear()
        await asyncio.sleep(TAP_INTERVAL * 2)
        await _drained(phones)
        assert round_status() == "running"
        board = await _board(f"{base}/board/", origin, cookie)
        assert board["round"]["status"] == "running"
        finished = finished_in_db()
        assert board["snapshot"]["finished"] == finished
        world.tapping.set()
        return finished

    async def play() -> tuple[_World, list[_Phone], list[int]]:
        world = _World()
        phones = [
            _Phone(f"{base}/seat/?token={seat['token']}", origin, seat["stations"][0])
            for seat in setup["seats"]
        ]
        server = await asyncio.to_thread(start_daphne, env, port, log, probe="/")
        tasks = [asyncio.ensure_future(_connection(p, world)) for p in phones]
        tasks += [asyncio.ensure_future(_tapper(p, world)) for p in phones]
        finished: list[int] = []
        try:
            world.tapping.set()
            for _kill in range(KILLS):
                await asyncio.sleep(PLAY_SECONDS)
                server.kill()  # SIGKILL: no shutdown, no flush, mid-round
                await asyncio.to_thread(server.wait)
                await asyncio.sleep(DOWN_SECONDS)  # the phones tap on, offline
                server = await asyncio.to_thread(start_daphne, env, port, log, probe="/")
                assert round_status() == "running"
                finished.append(await check_board(world, phones))
            await asyncio.sleep(PLAY_SECONDS)
            finished.append(await check_board(world, phones))
        finally:
            world.stop.set()
            world.tapping.set()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            server.kill()
            await asyncio.to_thread(server.wait)
        return world, phones, finished

    started = time.monotonic()
    world, phones, finished = in_own_loop(play)
    print(
        f"{KILLS} kills in {time.monotonic() - started:.1f} s: {len(world.sent)} events sent,"
        f" {len(set(world.acked))} acked ({world.duplicates} as duplicates),"
        f" {len(world.refused)} refused, {sum(p.resent for p in phones)} resent after"
        f" reconnecting, finished units after each restart and at the end: {finished}"
    )

    stored = stored_ids()
    acked = set(world.acked)
    assert acked, "no event was acknowledged"
    assert len(stored) == len(set(stored))  # each client id at most once
    assert acked <= set(stored), f"acked but not stored: {sorted(acked - set(stored))}"
    assert set(stored) <= world.sent, "stored but never sent"
    assert not set(world.refused) & set(stored), "stored although refused"
    assert set(stored) == acked  # everything stored was acknowledged in the end
    assert all(p.connects >= KILLS + 1 for p in phones)  # every phone came back each time
    assert sum(p.resent for p in phones) > 0  # the offline queue was used
    assert world.duplicates >= KILLS  # resent acknowledged events were not stored again
    assert all(status == "running" for p in phones for status in p.round_status)
    assert finished == sorted(finished) and finished[-1] > 0  # units were made throughout
    assert round_status() == "running"
