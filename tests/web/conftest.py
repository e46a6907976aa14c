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
