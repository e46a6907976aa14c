"""Management commands: ``serve`` prints where to go and who to log in as."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from processfactory.web.demo_logins import DEMO_LOGINS, DEMO_PASSWORD
from processfactory.web.management.commands import serve


def test_it_prints_the_address_and_the_demo_logins() -> None:
    text = serve.banner("127.0.0.1", 8000)
    assert "http://127.0.0.1:8000/" in text
    assert f"password: {DEMO_PASSWORD}" in text
    for login in DEMO_LOGINS:
        assert login.username in text


def test_it_brackets_an_ipv6_address() -> None:
    assert serve.site_url("::1", 8080) == "http://[::1]:8080/"


def test_it_has_the_three_demo_personas() -> None:
    assert [login.username for login in DEMO_LOGINS] == ["coordinator", "manager", "trainer"]
    assert DEMO_PASSWORD == "demo"


def test_it_runs_runserver_without_autoreload(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: calls.append((a, k)))
    warm_ups: list[Any] = []
    monkeypatch.setattr(serve, "start_kernel_warm_up", warm_ups.append)
    out = io.StringIO()
    call_command("serve", "--addr", "0.0.0.0", "--port", "8123", stdout=out)
    assert "http://0.0.0.0:8123/" in out.getvalue()
    assert calls == [(("runserver", "0.0.0.0:8123"), {"use_reloader": False, "use_ipv6": False})]
    # the kernel is loaded in the background before the server starts serving
    assert "Loading the simulation kernel in the background" in out.getvalue()
    assert len(warm_ups) == 1


def test_serve_can_skip_the_kernel_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: None)
    monkeypatch.setenv("PF_WARM_KERNEL", "0")
    out = io.StringIO()
    call_command("serve", stdout=out)
    assert "simulation kernel" not in out.getvalue()


def test_the_warm_up_loads_the_kernel_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from processfactory.sim import engine
    from processfactory.web import warmup

    monkeypatch.setattr(warmup, "_thread", None)
    monkeypatch.setattr(engine, "_KERNEL", None)
    lines: list[str] = []
    thread = warmup.start_kernel_warm_up(lines.append)
    assert thread is not None and warmup.start_kernel_warm_up(lines.append) is thread
    thread.join(timeout=300)
    assert engine._KERNEL is not None
    assert len(lines) == 1 and lines[0].startswith("Simulation kernel ready (")
    monkeypatch.setenv("PF_WARM_KERNEL", "0")
    monkeypatch.setattr(warmup, "_thread", None)
    assert warmup.start_kernel_warm_up(lines.append) is None


def test_a_failed_warm_up_is_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from processfactory.sim import replications
    from processfactory.web import warmup

    def broken() -> None:
        raise OSError("cache folder is read-only")

    monkeypatch.setattr(warmup, "_thread", None)
    monkeypatch.setattr(replications, "warm_up_kernel", broken)
    lines: list[str] = []
    thread = warmup.start_kernel_warm_up(lines.append)
    assert thread is not None
    thread.join(timeout=60)
    assert lines == []
    assert "could not load the simulation kernel" in caplog.text
