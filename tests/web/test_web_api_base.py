"""The API tests' shared world (no tests here): the personas of ``web.base`` with API tokens,
the people and enterprises around trainings A and B, and a client that speaks JSON.

- ``in_a``: an employee of enterprise E-A, registered for training A (factory A);
- ``in_b``: an employee of enterprise E-B, registered for training B (factory B);
- ``loose``: a student registered nowhere; E-none: an enterprise nobody works for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from processfactory.web.registry.models import Enterprise, Factory, Participant, Training
from processfactory.web.registry.services import create_token, register, revoke_token
from web.base import DAY_BEFORE, client_for, make_enterprise, make_participant

# The personas of the permissions matrix: four users, and three callers who are nobody.
USERS = ("coordinator", "manager_a", "trainer_a", "outsider")
NOBODIES = ("anonymous", "revoked", "bad")
PERSONAS = USERS + NOBODIES
BAD_KEY = "pf_this-key-was-never-issued"


@dataclass
class ApiWorld:
    users: dict[str, User]
    keys: dict[str, str]
    factory_a: Factory
    factory_b: Factory
    training_a: Training
    training_b: Training
    in_a: Participant
    in_b: Participant
    loose: Participant
    e_a: Enterprise
    e_b: Enterprise
    e_none: Enterprise

    def ids(self) -> dict[str, int]:
        """Ids to fill route templates such as ``/api/factories/{factory_a}``."""
        names = ("factory_a", "factory_b", "training_a", "training_b", "in_a", "in_b", "loose")
        ids = {name: int(getattr(self, name).pk) for name in names}
        ids |= {"e_a": self.e_a.pk, "e_b": self.e_b.pk, "e_none": self.e_none.pk}
        return ids


@pytest.fixture(autouse=True)
def api_conditions() -> Iterator[None]:
    """Every API test runs the day before ``TRAINING_DAY`` (frozen)."""
    with time_machine.travel(DAY_BEFORE, tick=False):
        yield


@pytest.fixture(name="api_world")
def api_world_fixture(
    coordinator: User,
    manager_a: User,
    trainer_a: User,
    outsider: User,
    factory_a: Factory,
    factory_b: Factory,
    training_a: Training,
    training_b: Training,
) -> ApiWorld:
    e_a, e_b, e_none = (make_enterprise(name=name) for name in ("E-A", "E-B", "E-none"))
    in_a = make_participant(full_name="In A", category="employee", enterprise=e_a)
    in_b = make_participant(full_name="In B", category="employee", enterprise=e_b)
    loose = make_participant(full_name="Loose Student")
    register(training_a, in_a)
    register(training_b, in_b)
    users = {
        "coordinator": coordinator,
        "manager_a": manager_a,
        "trainer_a": trainer_a,
        "outsider": outsider,
    }
    keys = {name: create_token(user, f"{name} integration")[1] for name, user in users.items()}
    revoked, keys["revoked"] = create_token(coordinator, "an old integration")
    revoke_token(revoked)
    keys["bad"] = BAD_KEY
    return ApiWorld(
        users=users,
        keys=keys,
        factory_a=factory_a,
        factory_b=factory_b,
        training_a=training_a,
        training_b=training_b,
        in_a=in_a,
        in_b=in_b,
        loose=loose,
        e_a=e_a,
        e_b=e_b,
        e_none=e_none,
    )


class ApiClient:
    """A test client that sends JSON and, for a token persona, the ``Authorization`` header."""

    def __init__(self, client: Client, key: str | None = None, language: str = "en") -> None:
        self.client = client
        self.headers: dict[str, str] = {"Accept-Language": language}
        if key is not None:
            self.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            path, json.dumps(body), content_type="application/json", headers=self.headers
        )

    def call(self, method: str, path: str, body: Any = None) -> Any:
        return self.get(path) if method == "GET" else self.post(path, body)


def token_client(world: ApiWorld, persona: str, language: str = "en") -> ApiClient:
    """The persona calling with its API token (``anonymous``: no credentials at all)."""
    if persona == "anonymous":
        return ApiClient(Client(), language=language)
    return ApiClient(Client(), world.keys[persona], language=language)


def session_client(world: ApiWorld, persona: str) -> ApiClient:
    """The persona calling from a logged-in browser session (no token)."""
    return ApiClient(client_for(world.users[persona]))


def body_of(response: Any) -> Any:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return json.loads(response.content)


__all__ = [
    "BAD_KEY",
    "NOBODIES",
    "PERSONAS",
    "USERS",
    "ApiClient",
    "ApiWorld",
    "api_world_fixture",
    "body_of",
    "api_conditions",
    "session_client",
    "token_client",
]
