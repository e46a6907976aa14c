"""``manage.py gamesetup``: a live-game session ready to be played by N participants (JSON).

For load benchmarks and end-to-end tests (``benchmarks/live_game_load.py``,
``tests/web/game/test_game_restart.py``): a trainer user, a session whose scenario is a line of
one station per participant (``s001``, ``s002``, …; one second per operation, unlimited
queues, saturated supply), one ``operator`` seat per participant owning its station, and (unless
``--no-start``) round 1 running. Prints one JSON object:

``{"code", "session_id", "round_id", "mode", "stations": [...], "seats": [{"name", "token",
"stations"}], "username", "session_cookie": {"name", "value"}}`` — the cookie is a logged-in
Django session of the trainer, for the board websocket.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.module_loading import import_string

from processfactory.web.game import services
from processfactory.web.registry.models import Factory, Trainer

FACTORY_NAME = "Live game load test"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def station_ids(count: int) -> list[str]:
    width = max(3, len(str(count)))
    return [f"s{k:0{width}d}" for k in range(1, count + 1)]


def line_scenario_yaml(stations: list[str], round_minutes: float, operation_s: float) -> str:
    """A serial line, one station per participant, in seconds (floor and online mode)."""
    lines = [
        f"name: Load line of {len(stations)} stations",
        "time_unit: s",
        "stations:",
        *(f"  - {{id: {sid}, time: {operation_s:g}}}" for sid in stations),
        "release: {policy: push, arrivals: saturated}",
        f"run: {{duration: {round_minutes * 60.0:g}}}",
    ]
    return "\n".join(lines) + "\n"


PLAN_YAML = "rounds:\n  - name: Load round\n"


def trainer_user(username: str) -> User:
    """A trainer with a login (home factory: a load-test factory), created once."""
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
    factory, _ = Factory.objects.get_or_create(
        name=FACTORY_NAME,
        defaults={
            "host_institution": "load test",
            "status": Factory.Status.OPEN,
            "opened_on": datetime.date(2026, 1, 1),
        },
    )
    Trainer.objects.get_or_create(user=user, defaults={"full_name": username, "factory": factory})
    return user


def login_cookie(user: User) -> dict[str, str]:
    """A stored, logged-in Django session of ``user`` (what ``Client.force_login`` makes)."""
    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    store = store_class()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = MODEL_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return {"name": settings.SESSION_COOKIE_NAME, "value": str(store.session_key)}


class Command(BaseCommand):
    help = "Create a live-game session for N operator seats (one station each); print JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--participants", type=int, default=16, help="operator seats")
        parser.add_argument("--mode", choices=["floor", "online"], default="floor")
        parser.add_argument("--round-minutes", type=float, default=60.0)
        parser.add_argument("--speed", type=float, default=1.0, help="online mode's speed")
        parser.add_argument("--operation-seconds", type=float, default=1.0)
        parser.add_argument("--username", default="game-load-trainer")
        parser.add_argument("--language", default="en")
        parser.add_argument("--no-start", action="store_true", help="leave round 1 planned")

    def handle(self, *args: Any, **options: Any) -> None:
        count = int(options["participants"])
        if count < 1:
            raise CommandError("--participants must be at least 1")
        stations = station_ids(count)
        scenario = line_scenario_yaml(
            stations, float(options["round_minutes"]), float(options["operation_seconds"])
        )
        try:
            with transaction.atomic():
                user = trainer_user(options["username"])
            session = services.create_session(
                user,
                title=f"Load test, {count} participants",
                mode=options["mode"],
                round_minutes=float(options["round_minutes"]),
                speed=float(options["speed"]),
                scenario_yaml=scenario,
                plan_yaml=PLAN_YAML,
                language=options["language"],
            )
            seats = [
                services.join_session(
                    session.code, name=f"P{k:03d}", role="operator", stations=[sid]
                )
                for k, sid in enumerate(stations, start=1)
            ]
            rnd = None if options["no_start"] else services.start_round(session)
        except services.GameError as err:
            raise CommandError(f"{err.code}: {err.message}") from None
        first = rnd or session.rounds.order_by("number").first()
        result = {
            "code": session.code,
            "session_id": session.pk,
            "round_id": first.pk if first is not None else None,
            "mode": session.mode,
            "stations": stations,
            "seats": [{"name": s.name, "token": s.token, "stations": s.stations} for s in seats],
            "username": user.username,
            "session_cookie": login_cookie(user),
        }
        self.stdout.write(json.dumps(result))
