"""The live game's records: sessions, rounds, seats (devices) and the events they captured.

See ``docs/live-game.md``. Events are never deleted: a wrong one is voided (who, when, why) and
stays in the log. ``GameEvent.client_id`` is the idempotency key the phone generates.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from processfactory.web.registry.models import Participant, Training

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Join-code letters: no 0/O or 1/I, so a code read off a projector is typed right."""
CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_seat_token() -> str:
    return secrets.token_urlsafe(24)


class GameSession(models.Model):
    """One game of a training day: a scenario with its round plan, played round after round."""

    class Mode(models.TextChoices):
        FLOOR = "floor", _("floor (a physical line, measured)")
        ONLINE = "online", _("online (a simulated line, operated from phones)")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("game status", "open")
        FINISHED = "finished", pgettext_lazy("game status", "finished")

    code = models.CharField(_("join code"), max_length=8, unique=True, default=new_join_code)
    title = models.CharField(_("title"), max_length=200)
    training = models.ForeignKey(
        Training,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="game_sessions",
        verbose_name=_("training"),
    )
    factory = models.CharField(
        _("built-in factory"),
        max_length=64,
        blank=True,
        help_text=_("Empty when the scenario was uploaded."),
    )
    scenario_yaml = models.TextField(_("scenario (YAML)"))
    plan_yaml = models.TextField(_("round plan (YAML)"))
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.ONLINE)
    round_minutes = models.FloatField(
        _("round length (min)"), help_text=_("In the scenario's time (minutes of the game clock).")
    )
    speed = models.FloatField(
        _("speed"),
        default=1.0,
        help_text=_("Online mode: game seconds per real second (floor mode plays in real time)."),
    )
    seed = models.PositiveIntegerField(_("seed"), default=0)
    language = models.CharField(_("language"), max_length=8, default="ru")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="game_sessions",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("game session")
        verbose_name_plural = _("game sessions")

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class GameRound(models.Model):
    """One round of a session, with the levers applied before it and its clock."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("round status", "planned")
        RUNNING = "running", pgettext_lazy("round status", "running")
        PAUSED = "paused", pgettext_lazy("round status", "paused")
        ENDED = "ended", pgettext_lazy("round status", "ended")

    session = models.ForeignKey(
        GameSession, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("session")
    )
    number = models.PositiveIntegerField(_("round"))
    name = models.CharField(_("name"), max_length=200)
    levers = models.JSONField(
        _("levers"),
        default=list,
        help_text=_("Levers applied before this round: [{'lever': name, 'params': {...}}]."),
    )
    scenario_yaml = models.TextField(
        _("round scenario (YAML)"), blank=True, help_text=_("Frozen when the round starts.")
    )
    human_stations = models.JSONField(
        _("stations played by people"),
        default=list,
        blank=True,
        help_text=_(
            "Online mode: the stations operator seats owned when the round started (frozen, so "
            "that the round replays the same); the computer plays the others."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_seconds = models.FloatField(_("paused (s)"), default=0.0)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    voided_events = models.PositiveIntegerField(
        _("voided events"),
        default=0,
        help_text=_("Events of the round voided so far."),
    )
    prediction = models.JSONField(
        _("prediction"),
        null=True,
        blank=True,
        help_text=_("Simulated KPIs of this round before it was played (simulate --json 'kpi')."),
    )

    class Meta:
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="game_round_number_unique")
        ]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return f"{self.session.code} · {self.number}. {self.name}"

    def running_seconds(self, now: Any | None = None) -> float:
        """Wall seconds the round has been running (pauses excluded), as of ``now``."""
        if self.started_at is None:
            return 0.0
        end = self.ended_at or self.paused_at or now or timezone.now()
        return max(0.0, (end - self.started_at).total_seconds() - self.paused_seconds)


class Seat(models.Model):
    """One device in a session: a person with a role, joined by the code, without an account."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("station operator")
        LOGISTICS = "logistics", _("logistics")
        QUALITY = "quality", _("quality")
        SUPERVISOR = "supervisor", _("supervisor / director")
        CUSTOMER = "customer", _("customer")
        TIMEKEEPER = "timekeeper", _("timekeeper")

    session = models.ForeignKey(
        GameSession, on_delete=models.CASCADE, related_name="seats", verbose_name=_("session")
    )
    token = models.CharField(max_length=64, unique=True, default=new_seat_token, editable=False)
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    stations = models.JSONField(_("stations"), default=list, blank=True)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="game_seats",
        verbose_name=_("participant"),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    revoked = models.BooleanField(_("removed from the session"), default=False)

    class Meta:
        ordering = ["session", "joined_at"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class GameEvent(models.Model):
    """One captured event of a round. Never deleted; voided events are kept with who and when."""

    class Kind(models.TextChoices):
        START = "start", pgettext_lazy("event kind", "started")
        DONE = "done", pgettext_lazy("event kind", "done")
        DEFECT = "defect", pgettext_lazy("event kind", "defect")
        MOVE = "move", pgettext_lazy("event kind", "moved")
        DOWN = "down", pgettext_lazy("event kind", "stopped (andon)")
        UP = "up", pgettext_lazy("event kind", "running again")

    session = models.ForeignKey(
        GameSession, on_delete=models.CASCADE, related_name="events", verbose_name=_("session")
    )
    round = models.ForeignKey(
        GameRound, on_delete=models.CASCADE, related_name="events", verbose_name=_("round")
    )
    client_id = models.CharField(_("event id"), max_length=64)
    seat = models.ForeignKey(
        Seat,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("seat"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    station = models.CharField(_("station"), max_length=64)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    t = models.FloatField(_("time"), help_text=_("Round clock, in the scenario's time unit."))
    units = models.JSONField(_("units"), default=list, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voided_game_events",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client_id"], name="game_event_client_id_unique"
            )
        ]
        indexes = [models.Index(fields=["round", "id"])]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.round} · {self.kind} {self.station} @ {self.t:.1f}"

    @property
    def voided(self) -> bool:
        return self.voided_at is not None
