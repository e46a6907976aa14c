"""The demo personas' logins: created by ``manage.py loaddemo``, printed by ``manage.py serve``.

One place for the usernames and the shared password, so the demo data, the start-up banner and
the docs agree. Development only: the demo password is public.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    description: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("coordinator", "coordinator", "programme coordinator: every factory, the dashboard"),
    DemoLogin("manager", "manager", "manager of the Kirovsk factory: its trainings, the dashboard"),
    DemoLogin("trainer", "trainer", "trainer at the Kirovsk factory: their trainings, attendance"),
)
