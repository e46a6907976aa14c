"""Web tests: the personas and builders of ``web.base`` as fixtures, and compiled translations.

The ``.mo`` catalogs are build products (``make`` compiles them); a plain ``pytest tests/web``
compiles them here first when missing or older than their ``.po``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from web.base import (  # noqa: F401  (fixtures, re-exported for every web test)
    anonymous_client,
    coordinator,
    coordinator_client,
    factory_a,
    factory_b,
    manager_a,
    manager_a_client,
    manager_b,
    outsider,
    outsider_client,
    trainer_a,
    trainer_a_client,
    trainer_b,
    training_a,
    training_b,
)


def _stale_catalogs() -> list[Path]:
    from processfactory.web.management.commands.compiletranslations import locale_dirs

    stale = []
    for directory in locale_dirs():
        for po in directory.glob("*/LC_MESSAGES/*.po"):
            mo = po.with_suffix(".mo")
            if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                stale.append(po)
    return stale


def pytest_configure(config: pytest.Config) -> None:
    # Before any test activates a language, so Django loads the fresh catalogs.
    from processfactory.web.management.commands.compiletranslations import compile_po

    for po in _stale_catalogs():
        compile_po(po)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Every web test hashes passwords with a fast hasher: the personas log in hundreds of times
    (the permission matrices), and the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _no_session_left_on_the_test_database(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """On PostgreSQL, end every other session on this worker's test database before it is
    dropped. Code run inside an event loop in a test's thread (asyncio.run around the game's
    consumers, Playwright's loop) gets its own Django connection in that loop's context, which
    no teardown closes; the database could then not be dropped ("being accessed by other
    users") and stayed behind."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    connection.close()
