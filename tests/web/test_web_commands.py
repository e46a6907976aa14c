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
    out = io.StringIO()
    call_command("serve", "--addr", "0.0.0.0", "--port", "8123", stdout=out)
    assert "http://0.0.0.0:8123/" in out.getvalue()
    assert calls == [(("runserver", "0.0.0.0:8123"), {"use_reloader": False, "use_ipv6": False})]
