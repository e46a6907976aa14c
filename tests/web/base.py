"""The web tests' shared world: two factories, the personas and their logged-in clients.

Personas (``test_it_*`` tests read as sentences about them):

- ``coordinator`` — programme coordinator (group ``coordinators``), sees and manages everything;
- ``manager_a`` — manages factory A (Kirovsk);
- ``trainer_a`` — trainer at factory A with a login, runs ``training_a``;
- ``outsider`` — logged in, no role;
- anonymous — ``anonymous_client``.

Factory B (Gatchina) is the other factory: managed by ``manager_b``, with ``training_b`` run by
``trainer_b``; nothing at B is visible to A's people. Builders (``make_*``) create more data.
Dates are fixed (``TRAINING_DAY``); tests move the clock with ``time_machine``, never read it.
"""

from __future__ import annotations

import datetime
import itertools
import zoneinfo
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from processfactory.web.registry.models import (
    Enterprise,
    Factory,
    Participant,
    Registration,
    Trainer,
    Training,
)
from processfactory.web.registry.permissions import COORDINATORS_GROUP
from processfactory.web.registry.services import register
from processfactory.web.registry.validators import inn10_with_check_digit

PASSWORD = "test-password-7"
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
TRAINING_DAY = datetime.date(2026, 3, 12)
# 10 a.m. on the training day, Moscow time: pass to time_machine.travel(...)
ON_TRAINING_DAY = datetime.datetime(2026, 3, 12, 10, 0, tzinfo=MOSCOW)
DAY_BEFORE = datetime.datetime(2026, 3, 11, 10, 0, tzinfo=MOSCOW)

# Real-looking organisation INNs with a correct check digit, and broken ones.
VALID_INNS = ("7707083893", "7830002293", "7736050003", "4704000011")
INVALID_INNS = ("7707083894", "770708389", "77070838931", "77O7083893", "")

_serial = itertools.count(1)


# ---------------------------------------------------------------------------------------------
# Builders


def make_user(username: str, **fields: Any) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def make_coordinator(username: str = "coordinator") -> User:
    user = make_user(username)
    group, _created = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    user.groups.add(group)
    return user


def make_factory(name: str, **fields: Any) -> Factory:
    defaults: dict[str, Any] = {
        "host_institution": f"{name} college",
        "status": Factory.Status.OPEN,
        "opened_on": datetime.date(2021, 9, 1),
        "has_production_track": True,
        "has_office_track": True,
    }
    defaults.update(fields)
    return Factory.objects.create(name=name, **defaults)


def make_trainer(factory: Factory, user: User | None = None, **fields: Any) -> Trainer:
    defaults: dict[str, Any] = {"full_name": f"Trainer {next(_serial)}"}
    defaults.update(fields)
    return Trainer.objects.create(factory=factory, user=user, **defaults)


def make_enterprise(**fields: Any) -> Enterprise:
    n = next(_serial)
    defaults: dict[str, Any] = {
        "name": f"Enterprise {n}",
        "tax_id": inn10_with_check_digit(f"47{n:07d}"),
        "industry": Enterprise.Industry.MANUFACTURING,
        "joined_year": 2021,
    }
    defaults.update(fields)
    return Enterprise.objects.create(**defaults)


def make_participant(**fields: Any) -> Participant:
    defaults: dict[str, Any] = {
        "full_name": f"Participant {next(_serial):03d}",
        "category": Participant.Category.STUDENT,
        "organisation": "Kirovsk Polytechnic College",
    }
    defaults.update(fields)
    return Participant.objects.create(**defaults)


def make_training(factory: Factory, **fields: Any) -> Training:
    defaults: dict[str, Any] = {
        "date": TRAINING_DAY,
        "track": Training.Track.PRODUCTION,
        "status": Training.Status.DRAFT,
    }
    defaults.update(fields)
    return Training.objects.create(factory=factory, **defaults)


def fill_training(training: Training, count: int) -> list[Registration]:
    """Register ``count`` new participants (past ``MAX_GROUP`` they are waitlisted)."""
    return [register(training, make_participant()) for _i in range(count)]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# ---------------------------------------------------------------------------------------------
# Fixtures (re-exported by tests/web/conftest.py)


@pytest.fixture
def factory_a(db: None) -> Factory:
    return make_factory(
        "Kirovsk Process Factory",
        host_institution="Quantorium of Kirovsk Polytechnic College",
        address="Kirovsk, Leningrad region",
    )


@pytest.fixture
def factory_b(db: None) -> Factory:
    return make_factory(
        "Gatchina Process Factory",
        host_institution="Gatchina College",
        status=Factory.Status.PLANNED,
        opened_on=None,
        has_office_track=False,
    )


@pytest.fixture
def coordinator(db: None) -> User:
    return make_coordinator()


@pytest.fixture
def manager_a(factory_a: Factory) -> User:
    user = make_user("manager_a", first_name="Anna", last_name="Managerova")
    factory_a.managers.add(user)
    return user


@pytest.fixture
def manager_b(factory_b: Factory) -> User:
    user = make_user("manager_b")
    factory_b.managers.add(user)
    return user


@pytest.fixture
def trainer_a(factory_a: Factory) -> User:
    user = make_user("trainer_a")
    make_trainer(factory_a, user=user, full_name="Tatiana Trainer")
    return user


@pytest.fixture
def trainer_b(factory_b: Factory) -> User:
    user = make_user("trainer_b")
    make_trainer(factory_b, user=user, full_name="Boris Trainer")
    return user


@pytest.fixture
def outsider(db: None) -> User:
    return make_user("outsider")


@pytest.fixture
def training_a(factory_a: Factory, trainer_a: User) -> Training:
    return make_training(factory_a, trainer=trainer_a.trainer)


@pytest.fixture
def training_b(factory_b: Factory, trainer_b: User) -> Training:
    return make_training(factory_b, trainer=trainer_b.trainer)


@pytest.fixture
def coordinator_client(coordinator: User) -> Client:
    return client_for(coordinator)


@pytest.fixture
def manager_a_client(manager_a: User) -> Client:
    return client_for(manager_a)


@pytest.fixture
def trainer_a_client(trainer_a: User) -> Client:
    return client_for(trainer_a)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return client_for(outsider)


@pytest.fixture
def anonymous_client(db: None) -> Client:
    return Client()
