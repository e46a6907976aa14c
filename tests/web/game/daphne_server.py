"""A real Daphne server for the live game's end-to-end and restart tests (no tests here).

pytest-django's ``live_server`` is WSGI and serves no websockets, so these tests run Daphne in a
subprocess on a free port, on an SQLite file of their own that they prepare with ``manage.py``
and read back with ``sqlite3`` (the server is the only writer).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
APPLICATION = "processfactory.web.asgi:application"


def server_env(db_path: Path) -> dict[str, str]:
    """The server's environment: its own SQLite file, one process, Django's async checks on
    (the ``chromium`` fixture switches them off in the test process only)."""
    dropped = {"DATABASE_URL", "PF_REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        PF_DB_PATH=str(db_path),
        DJANGO_SETTINGS_MODULE="processfactory.web.settings",
        PF_DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py ARGS`` with ``env``; its standard output (fails the test on an error)."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int, path: str) -> bool:
    with contextlib.suppress(OSError):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", path)
            return conn.getresponse().status < 500
        finally:
            conn.close()
    return False


def start_daphne(
    env: dict[str, str],
    port: int,
    log: Path,
    *,
    via_manage: bool = False,
    probe: str = "/accounts/login/",
    timeout: float = 60.0,
) -> subprocess.Popen[bytes]:
    """Daphne serving the app on ``port``, once it answers ``probe`` (output appended to
    ``log``, quoted when it does not start). ``via_manage``: as ``make run`` serves it
    (``manage.py serve``: Daphne's runserver, which also serves the static files); else plain
    ``daphne``, as in production."""
    if via_manage:
        command = [sys.executable, "manage.py", "serve", "--port", str(port)]
    else:
        daphne = Path(sys.executable).with_name("daphne")
        command = [str(daphne), "-b", "127.0.0.1", "-p", str(port), APPLICATION]
    with log.open("ab") as out:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while not _answers(port, probe):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            output = log.read_text(errors="replace")[-5000:]
            raise AssertionError(f"Daphne did not answer on port {port}:\n{output}")
        time.sleep(0.1)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def query(db_path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on the server's database, opened read-only."""
    uri = f"file:{db_path}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=20)) as db:
        return list(db.execute(sql, params))
