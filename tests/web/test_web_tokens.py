"""API tokens: the key is shown once, only its SHA-256 hash is stored."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import User

from processfactory.web.registry.models import ApiToken, hash_api_key
from processfactory.web.registry.services import authenticate_token, create_token, revoke_token


def test_it_stores_only_the_hash_of_the_key(coordinator: User) -> None:
    token, key = create_token(coordinator, "dashboard export")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest() == hash_api_key(key)
    assert key not in {stored.key_hash, stored.name}
    assert key.startswith("pf_") and len(key) > 40
    assert stored.matches(key) and not stored.matches(key + "x")


def test_it_gives_each_token_its_own_key(coordinator: User) -> None:
    keys = {create_token(coordinator, f"t{i}")[1] for i in range(5)}
    assert len(keys) == 5


def test_it_authenticates_a_key_and_records_its_use(coordinator: User) -> None:
    token, key = create_token(coordinator, "cli")
    assert token.last_used_at is None
    found = authenticate_token(key)
    assert found is not None and found.user == coordinator
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_it_rejects_unknown_and_revoked_keys(coordinator: User) -> None:
    token, key = create_token(coordinator, "old")
    assert authenticate_token("pf_not-a-key") is None
    assert authenticate_token("") is None
    revoke_token(token)
    assert authenticate_token(key) is None


def test_it_rejects_the_key_of_a_deactivated_user(coordinator: User) -> None:
    _token, key = create_token(coordinator, "cli")
    coordinator.is_active = False
    coordinator.save()
    assert authenticate_token(key) is None
