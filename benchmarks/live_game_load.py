"""Benchmark: the live game under load, over real websockets against a real Daphne server.

For each number of participants N (default 16, 96, 200):

1. a session is created in a fresh database (a temporary SQLite file, ``PF_DB_PATH``; or the
   database of ``DATABASE_URL`` when it is set) by the ``gamesetup`` management command: a
   floor-mode (or ``--mode online``) line of N stations of one second each, one ``operator``
   seat per station, round 1 running. With ``--group G`` the N participants are split into
   sessions of at most G (training groups playing at the same time on one server), each
   with its own line and its own board. Server and set-up run production-like
   (``PF_DEBUG=0``, a random ``SECRET_KEY``) unless those variables are set;
2. ``daphne processfactory.web.asgi:application`` is started as a subprocess on a free port (a
   new process per N, so its line cache starts cold as after a restart);
3. the peers are measured on that idle server: a plain HTTP round trip (``GET /``, a 302 to the
   login page, keep-alive) and a websocket round trip through the seat consumer that stores
   nothing (an event without kind: refused ``bad_message``);
4. N seat clients and one board client connect; each seat sends one event a second for D
   seconds (start phases spread uniformly over the second). The action is chosen from the
   seat's last ``state`` message as a person at the station would: ``up`` if stopped, ``done``
   if a unit is in process (floor mode), ``move`` if the outbox holds one, ``start`` if it can
   start; only a station with nothing to do toggles the andon (``down``). Each event has a
   fresh UUID and ``tapped_at``/``sent_at``. In a line of N stations the units reach station k
   only after about 3k seconds, so in a short run most stations of a long line have nothing to
   do: the andon share is printed;
5. the acknowledgement latency is the time from ``send`` to the ``ack``/``refused`` reply with
   that id. After the run and a grace period, every acked id is looked up in the database
   (``GameEvent.client_id``).

Lost events are those sent but never answered before the end of the grace period, and those
acked but missing from the database. The exit code is 1 when an acked event is missing.
Targets (printed beside the figures): p99 ≤ 50 ms and 0 lost at 200 participants on a 2-core
machine. Client and server share the machine: the clients' own event-loop lag is printed too.

Run with ``python benchmarks/live_game_load.py [--participants 16,96,200] [--seconds 20]
[--mode floor|online] [--group G] [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import http.client
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets

REPO = Path(__file__).resolve().parents[1]
TARGET_P99_MS = 50.0
TARGET_PARTICIPANTS = 200
PEER_REQUESTS = 300


# ---------------------------------------------------------------------------------------------
# Django (set-up and verification run in this process, never inside the event loop)


def _django(db_dir: Path) -> None:
    """Configure Django here and for the server (same database, same secret key: the board's
    login session is signed with it), production-like (``PF_DEBUG=0``), and migrate."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["PF_DB_PATH"] = str(db_dir / "db.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "processfactory.web.settings")
    os.environ.setdefault("PF_DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _gamesetup(participants: int, mode: str) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connections

    out = io.StringIO()
    call_command("gamesetup", participants=participants, mode=mode, stdout=out)
    connections.close_all()  # hold no connection (no SQLite lock) while the server runs
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _stored(session_ids: list[int], ids: list[str]) -> set[str]:
    """The client ids among ``ids`` stored in the sessions (queried in chunks)."""
    from django.db import connections

    from processfactory.web.game.models import GameEvent

    found: set[str] = set()
    for k in range(0, len(ids), 500):
        chunk = ids[k : k + 500]
        found.update(
            GameEvent.objects.filter(session__in=session_ids, client_id__in=chunk).values_list(
                "client_id", flat=True
            )
        )
    connections.close_all()
    return found


def _stored_count(session_ids: list[int]) -> int:
    from django.db import connections

    from processfactory.web.game.models import GameEvent

    count = GameEvent.objects.filter(session__in=session_ids).count()
    connections.close_all()
    return int(count)


# ---------------------------------------------------------------------------------------------
# The server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    daphne = Path(sys.executable).with_name("daphne")
    cmd = [str(daphne), "-b", "127.0.0.1", "-p", str(port), "processfactory.web.asgi:application"]
    log = log_path.open("ab")
    proc = subprocess.Popen(cmd, cwd=REPO, env=dict(os.environ), stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"daphne exited with {proc.returncode}; see {log_path}")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"daphne did not answer within 60 s; see {log_path}")


def _stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# Measuring


def _pct(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (None without values)."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(q / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def _summary(values_ms: list[float]) -> dict[str, float | None]:
    return {
        "p50": _pct(values_ms, 50),
        "p95": _pct(values_ms, 95),
        "p99": _pct(values_ms, 99),
        "max": max(values_ms) if values_ms else None,
    }


def _http_peer(port: int, requests: int) -> dict[str, float | None]:
    """Sequential keep-alive ``GET /`` round trips (ms)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        conn.request("GET", "/")
        conn.getresponse().read()
        times.append((time.perf_counter() - t0) * 1000.0)
    conn.close()
    return _summary(times)


def _ms(t0_ns: int) -> float:
    return (time.perf_counter_ns() - t0_ns) / 1e6


async def _ws_peer(url: str, origin: str, requests: int) -> dict[str, float | None]:
    """Websocket round trips through the seat consumer that store nothing (``bad_message``)."""
    times = []
    async with websockets.connect(url, origin=origin, max_size=None) as ws:
        await ws.recv()  # the first state
        for k in range(requests):
            probe = f"probe-{k}"
            t0 = time.perf_counter_ns()
            await ws.send(json.dumps({"type": "event", "id": probe}))
            while True:
                msg = json.loads(await ws.recv())
                if msg.get("type") == "refused" and msg.get("id") == probe:
                    times.append(_ms(t0))
                    break
    return _summary(times)


@dataclass
class _Load:
    """What the clients saw during one run."""

    server_pid: int = 0
    sent: dict[str, int] = field(default_factory=dict)  # id -> perf_counter_ns at send
    answered: set[str] = field(default_factory=set)
    kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    acked: list[str] = field(default_factory=list)
    duplicates: int = 0
    refused: collections.Counter[str] = field(default_factory=collections.Counter)
    refused_ids: set[str] = field(default_factory=set)
    latencies_ms: list[float] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)
    connected: int = 0
    connect_failures: int = 0
    disconnects: int = 0
    states: int = 0
    board_messages: int = 0
    board_gaps_ms: list[float] = field(default_factory=list)
    board_finished: dict[str, int] = field(default_factory=dict)  # join code -> finished
    board_refused: str | None = None
    send_seconds: float = 0.0
    wall: float = 0.0
    cpu_before: float | None = None
    cpu_after: float | None = None


def _choose(view: dict[str, Any] | None, online: bool) -> str:
    """What a person at the station taps next (the andon only when there is nothing to do;
    online, a unit is done by itself when its time is up)."""
    if view is None:
        return "down"
    if view.get("down"):
        return "up"
    if view.get("in_process") and not online:
        return "done"
    next_free = view.get("next_free")
    if view.get("outbox") and (next_free is None or next_free > 0):
        return "move"
    if view.get("can_start"):
        return "start"
    return "down"


async def _seat_client(
    url: str,
    origin: str,
    station: str,
    phase: float,
    start_at: list[float],
    seconds: int,
    load: _Load,
    ready: asyncio.Event,
    stop: asyncio.Event,
    online: bool,
) -> None:
    """One phone: connect, then one event a second from ``start_at[0] + phase``."""
    view: dict[str, Any] | None = None
    try:
        ws = await websockets.connect(
            url, origin=origin, max_size=None, open_timeout=60, ping_interval=None
        )
    except Exception:  # noqa: BLE001 - counted and reported
        load.connect_failures += 1
        return
    load.connected += 1

    async def reader() -> None:
        nonlocal view
        try:
            async for raw in ws:
                msg = json.loads(raw)
                kind = msg.get("type")
                if kind == "state":
                    load.states += 1
                    stations = msg.get("stations") or []
                    view = stations[0] if stations else None
                    continue
                if kind not in ("ack", "refused"):
                    continue
                t0 = load.sent.get(msg.get("id"))
                if t0 is None or msg["id"] in load.answered:
                    continue
                load.answered.add(msg["id"])
                load.latencies_ms.append(_ms(t0))
                if kind == "ack":
                    load.acked.append(msg["id"])
                    load.duplicates += bool(msg.get("duplicate"))
                else:
                    load.refused[str(msg.get("code"))] += 1
                    load.refused_ids.add(msg["id"])
        except websockets.ConnectionClosed:
            pass
        if not stop.is_set():
            load.disconnects += 1

    reading = asyncio.ensure_future(reader())
    loop = asyncio.get_running_loop()
    try:
        await ready.wait()
        for k in range(seconds):
            target = start_at[0] + phase + k
            delay = target - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            load.lag_ms.append(max(0.0, (loop.time() - target) * 1000.0))
            kind = _choose(view, online)
            now_ms = int(time.time() * 1000)
            event_id = str(uuid.uuid4())
            message = {
                "type": "event",
                "id": event_id,
                "kind": kind,
                "station": station,
                "quantity": 1,
                "tapped_at": now_ms,
                "sent_at": now_ms,
            }
            load.sent[event_id] = time.perf_counter_ns()
            load.kinds[kind] += 1
            try:
                await ws.send(json.dumps(message))
            except websockets.ConnectionClosed:
                break
        await stop.wait()
    finally:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        await ws.close()


async def _board_client(
    url: str, origin: str, cookie: str, load: _Load, ready: asyncio.Event, stop: asyncio.Event
) -> None:
    """The projector: counts the board messages during the run and keeps the last one."""
    try:
        ws = await websockets.connect(
            url,
            origin=origin,
            max_size=None,
            ping_interval=None,
            additional_headers={"Cookie": cookie},
        )
    except Exception:  # noqa: BLE001 - counted and reported
        load.connect_failures += 1
        return
    last: float | None = None
    try:
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=0.25)
            except TimeoutError:
                continue
            msg = json.loads(raw)
            if msg.get("type") == "refused":
                load.board_refused = str(msg.get("code"))
            if msg.get("type") != "board":
                continue
            finished = (msg.get("snapshot") or {}).get("finished")
            if isinstance(finished, int):
                load.board_finished[str(msg.get("code"))] = finished
            if not ready.is_set():
                continue
            now = time.perf_counter()
            if last is not None:
                load.board_gaps_ms.append((now - last) * 1000.0)
            last = now
            load.board_messages += 1
    except websockets.ConnectionClosed:
        pass
    finally:
        await ws.close()


async def _run_load(
    load: _Load, setups: list[dict[str, Any]], port: int, seconds: int, grace: float
) -> None:
    origin = f"http://127.0.0.1:{port}"
    ready, stop = asyncio.Event(), asyncio.Event()
    seats = [(setup, seat) for setup in setups for seat in setup["seats"]]
    n = len(seats)
    loop = asyncio.get_running_loop()
    start_at = [0.0]
    tasks = []
    for setup in setups:  # each session's projector
        base = f"ws://127.0.0.1:{port}/ws/game/{setup['code']}"
        cookie = "{name}={value}".format(**setup["session_cookie"])
        board = _board_client(f"{base}/board/", origin, cookie, load, ready, stop)
        tasks.append(asyncio.ensure_future(board))
    for i, (setup, seat) in enumerate(seats):
        url = f"ws://127.0.0.1:{port}/ws/game/{setup['code']}/seat/?token={seat['token']}"
        client = _seat_client(
            url,
            origin,
            seat["stations"][0],
            i / n,
            start_at,
            seconds,
            load,
            ready,
            stop,
            setup["mode"] == "online",
        )
        tasks.append(asyncio.ensure_future(client))
        if i % 20 == 19:
            await asyncio.sleep(0.05)  # no connect storm
    deadline = loop.time() + 120
    while load.connected + load.connect_failures < n and loop.time() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.0)  # every phone has its first state
    load.cpu_before = _cpu_seconds(load.server_pid)
    start_at[0] = loop.time() + 0.2
    ready.set()
    await asyncio.sleep(max(0.0, start_at[0] + seconds - loop.time()))
    load.send_seconds = seconds
    # the grace period: until every event is answered, at most ``grace`` seconds
    end = loop.time() + grace
    while loop.time() < end and len(load.answered) < len(load.sent):
        await asyncio.sleep(0.05)
    load.cpu_after = _cpu_seconds(load.server_pid)
    load.wall = loop.time() - start_at[0]
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)


# ---------------------------------------------------------------------------------------------
# One measurement and the report


def _group_sizes(n: int, group: int | None) -> list[int]:
    """``n`` participants in sessions of at most ``group`` (as even as possible)."""
    if not group or group >= n:
        return [n]
    count = -(-n // group)
    return [n // count + (1 if k < n % count else 0) for k in range(count)]


def _measure(n: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    setups = [_gamesetup(size, args.mode) for size in _group_sizes(n, args.group)]
    setup = setups[0]
    port = _free_port()
    proc = _start_server(port, workdir / f"daphne-{n}.log")
    try:
        origin = f"http://127.0.0.1:{port}"
        http_peer = _http_peer(port, PEER_REQUESTS)
        probe_url = (
            f"ws://127.0.0.1:{port}/ws/game/{setup['code']}/seat/?token="
            f"{setup['seats'][0]['token']}"
        )
        ws_peer = asyncio.run(_ws_peer(probe_url, origin, PEER_REQUESTS))
        load = _Load(server_pid=proc.pid)
        asyncio.run(_run_load(load, setups, port, args.seconds, args.grace))
    finally:
        _stop_server(proc)
    acked = list(dict.fromkeys(load.acked))
    sessions = [s["session_id"] for s in setups]
    stored = _stored(sessions, list(load.sent))
    acked_missing = len([i for i in acked if i not in stored])
    unanswered = len(load.sent) - len(load.answered)
    cpu = None
    if load.cpu_before is not None and load.cpu_after is not None and load.wall > 0:
        cpu = (load.cpu_after - load.cpu_before) / load.wall
    latency = _summary(load.latencies_ms)
    return {
        "participants": n,
        "sessions": len(setups),
        "mode": args.mode,
        "seconds": args.seconds,
        "sent": len(load.sent),
        "sent_by_kind": dict(load.kinds),
        "acked": len(acked),
        "duplicates": load.duplicates,
        "refused": sum(load.refused.values()),
        "refused_by_code": dict(load.refused),
        "unanswered": unanswered,
        "acked_not_stored": acked_missing,
        "stored_not_acked": len(stored) - (len(acked) - acked_missing),
        "stored_not_sent": _stored_count(sessions) - len(stored),
        "refused_but_stored": len(load.refused_ids & stored),
        "lost": unanswered + acked_missing,
        "latency_ms": latency,
        "answered_per_s": len(load.answered) / load.send_seconds,
        "acked_per_s": len(acked) / load.send_seconds,
        "client_lag_ms": _summary(load.lag_ms),
        "connect_failures": load.connect_failures,
        "disconnects": load.disconnects,
        "board_messages": load.board_messages,
        "board_gap_ms": _summary(load.board_gaps_ms),
        "board_finished": sum(load.board_finished.values()),
        "board_refused": load.board_refused,
        "server_cpu": cpu,
        "peer_http_get_ms": http_peer,
        "peer_ws_refused_ms": ws_peer,
        "ratio_p50_vs_http": _ratio(latency["p50"], http_peer["p50"]),
        "ratio_p99_vs_http": _ratio(latency["p99"], http_peer["p99"]),
        "ratio_p50_vs_ws": _ratio(latency["p50"], ws_peer["p50"]),
        "meets_p99": latency["p99"] is not None and latency["p99"] <= TARGET_P99_MS,
        "meets_lost": unanswered + acked_missing == 0,
    }


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _f(value: float | None, spec: str = ".1f") -> str:
    return "-" if value is None else format(value, spec)


def _print_table(
    results: list[dict[str, Any]], args: argparse.Namespace, load_before: float | None
) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(100, 34 + 18 * (len(results) + 1)))
    database = "DATABASE_URL" if os.environ.get("DATABASE_URL") else "SQLite (temporary file)"
    sessions = (
        "one session"
        if not args.group
        else f"sessions of at most {args.group} participants, each with its own line and board"
    )
    console.print(
        f"Live game over websockets ({args.mode} mode, {sessions}): one operator seat per"
        f" station, one event per participant per second for {args.seconds} s (grace"
        f" {args.grace:g} s); daphne,"
        f" {database}; {os.cpu_count()} cores, clients and server on the same machine"
        f" (1-minute load average before the run: {_f(load_before, '.2f')})"
    )
    table = Table()
    table.add_column("measure")
    for r in results:
        table.add_column(f"N = {r['participants']}", justify="right")
    table.add_column(f"target (N = {TARGET_PARTICIPANTS})", justify="right")

    def row(label: str, cells: list[str], target: str = "") -> None:
        table.add_row(label, *cells, target)

    def lat(key: str, name: str, unit: str = " ms") -> list[str]:
        return [_f(r[key][name]) + unit for r in results]

    row("events sent", [str(r["sent"]) for r in results])
    row(
        "  of which andon (down/up)",
        [str(r["sent_by_kind"].get("down", 0) + r["sent_by_kind"].get("up", 0)) for r in results],
    )
    row("acked", [str(r["acked"]) for r in results])
    row("refused", [str(r["refused"]) for r in results])
    codes = sorted({c for r in results for c in r["refused_by_code"]})
    for code in codes:
        row(f"  {code}", [str(r["refused_by_code"].get(code, 0)) for r in results])
    row("lost: never answered", [str(r["unanswered"]) for r in results], "0")
    row("lost: acked, not in the database", [str(r["acked_not_stored"]) for r in results], "0")
    row("  never answered, but stored later", [str(r["stored_not_acked"]) for r in results])
    row(
        "stored but refused / not sent",
        [f"{r['refused_but_stored']} / {r['stored_not_sent']}" for r in results],
        "0 / 0",
    )
    row("ack latency p50", lat("latency_ms", "p50"))
    row("ack latency p95", lat("latency_ms", "p95"))
    row("ack latency p99", lat("latency_ms", "p99"), f"≤ {TARGET_P99_MS:g} ms")
    row("ack latency max", lat("latency_ms", "max"))
    row("events answered / s", [_f(r["answered_per_s"]) for r in results])
    row("peer: HTTP GET / p50", lat("peer_http_get_ms", "p50"))
    row("peer: HTTP GET / p99", lat("peer_http_get_ms", "p99"))
    row(
        "ratio ack / HTTP GET, p50",
        [_f(r["ratio_p50_vs_http"]) + "x" for r in results],
    )
    row(
        "ratio ack / HTTP GET, p99",
        [_f(r["ratio_p99_vs_http"]) + "x" for r in results],
    )
    row("peer: ws round trip, nothing stored, p50", lat("peer_ws_refused_ms", "p50"))
    row("ratio ack / ws round trip, p50", [_f(r["ratio_p50_vs_ws"]) + "x" for r in results])
    row(
        "server CPU (one process)",
        ["-" if r["server_cpu"] is None else f"{r['server_cpu']:.0%}" for r in results],
    )
    row(
        "board messages (gap p99)",
        [f"{r['board_messages']} ({_f(r['board_gap_ms']['p99'], '.0f')} ms)" for r in results],
    )
    row("client send lag p99", lat("client_lag_ms", "p99"))
    row(
        "connect failures / drops",
        [f"{r['connect_failures']} / {r['disconnects']}" for r in results],
    )
    console.print(table)
    for r in results:
        if r["board_refused"]:
            console.print(f"N={r['participants']}: the board was refused: {r['board_refused']}")
        if r["participants"] != TARGET_PARTICIPANTS:
            continue
        console.print(
            f"Target at {TARGET_PARTICIPANTS} participants: p99"
            f" {_f(r['latency_ms']['p99'])} ms ≤ {TARGET_P99_MS:g} ms"
            f" {'met' if r['meets_p99'] else 'NOT MET'}; lost {r['lost']}"
            f" {'met' if r['meets_lost'] else 'NOT MET'}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", default="16,96,200", help="comma-separated N values")
    parser.add_argument("--seconds", type=int, default=20, help="seconds of sending (D)")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds to wait for replies")
    parser.add_argument("--mode", choices=["floor", "online"], default="floor")
    parser.add_argument(
        "--group",
        type=int,
        default=None,
        help="split the participants into sessions of at most this many (e.g. 16: training"
        " groups playing at once on one server); default: one session of N",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args()
    counts = [int(x) for x in args.participants.split(",") if x.strip()]

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    workdir = Path(tempfile.mkdtemp(prefix="pf-live-load-"))
    results = []
    try:
        _django(workdir)
        for n in counts:
            results.append(_measure(n, args, workdir))
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        payload = {
            "targets": {
                "participants": TARGET_PARTICIPANTS,
                "p99_ms": TARGET_P99_MS,
                "lost": 0,
            },
            "cores": os.cpu_count(),
            "load_average_before": load_before,
            "results": results,
        }
        print(json.dumps(payload, indent=2))
    else:
        _print_table(results, args, load_before)
    return 1 if any(r["acked_not_stored"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
