"""``manage.py createapitoken USERNAME NAME``: prints a working key once, stores only its hash."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client

from processfactory.web.registry.models import ApiToken, hash_api_key
from web.test_web_api_base import api_conditions  # noqa: F401  (autouse fixture: frozen day, fast hasher)

pytestmark = pytest.mark.django_db


def create(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("createapitoken", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_the_key_once_and_stores_its_hash(coordinator: User) -> None:
    out, err = create("coordinator", "regional dashboard")
    key = out.strip()
    assert key.startswith("pf_") and "\n" not in key
    token = ApiToken.objects.get(user=coordinator, name="regional dashboard")
    assert token.key_hash == hash_api_key(key) and key not in token.key_hash
    assert "shown only this once" in err and key not in err


def test_it_prints_a_key_the_api_accepts(manager_a: User) -> None:
    key = create("manager_a", "factory sync")[0].strip()
    response = Client().get("/api/factories", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert [f["name"] for f in response.json()["items"]] == ["Kirovsk Process Factory"]


def test_it_refuses_an_unknown_user(db: None) -> None:
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        create("nobody", "x")
    assert not ApiToken.objects.exists()


def test_it_refuses_an_inactive_user(outsider: User) -> None:
    outsider.is_active = False
    outsider.save()
    with pytest.raises(CommandError, match="inactive"):
        create("outsider", "x")


@pytest.mark.parametrize("name", ["", "   ", "n" * 101])
def test_it_refuses_an_empty_or_overlong_name(coordinator: User, name: str) -> None:
    with pytest.raises(CommandError):
        create("coordinator", name)
    assert not ApiToken.objects.exists()
