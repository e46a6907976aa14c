"""Back office of the live game: sessions, rounds and seats; events are read-only records that
staff may only void (who, when, why), never edit or delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from processfactory.web.game.models import GameEvent, GameRound, GameSession, Seat
from processfactory.web.game.protocol import void_event
from processfactory.web.game.services import GameError


class GameRoundInline(admin.TabularInline):
    model = GameRound
    extra = 0
    fields = ["number", "name", "status", "started_at", "ended_at"]
    readonly_fields = ["status", "started_at", "ended_at"]
    show_change_link = True


@admin.register(GameSession)
class GameSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "mode", "status", "training", "created_by", "created_at"]
    list_filter = ["mode", "status", "language"]
    search_fields = ["title", "code", "factory"]
    readonly_fields = ["code", "created_at", "created_by"]
    raw_id_fields = ["training"]
    inlines = [GameRoundInline]


@admin.register(GameRound)
class GameRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "started_at", "ended_at"]
    list_filter = ["status"]
    search_fields = ["session__code", "session__title", "name"]
    readonly_fields = ["session", "scenario_yaml", "human_stations", "prediction"]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "session", "participant", "joined_at", "last_seen", "revoked"]
    list_filter = ["role", "revoked"]
    search_fields = ["name", "session__code"]
    readonly_fields = ["session", "joined_at", "last_seen"]
    raw_id_fields = ["participant"]


@admin.register(GameEvent)
class GameEventAdmin(admin.ModelAdmin):
    """Events are evidence: everything is read-only except the reason a staff member voids one
    for (saving a reason voids the event, with who and when)."""

    list_display = ["__str__", "seat", "units", "recorded_at", "voided_at", "void_reason"]
    list_filter = ["kind", ("voided_at", admin.EmptyFieldListFilter)]
    search_fields = ["session__code", "client_id", "station"]
    fields = [
        "session",
        "round",
        "client_id",
        "seat",
        "kind",
        "station",
        "quantity",
        "t",
        "units",
        "payload",
        "recorded_at",
        "voided_at",
        "voided_by",
        "void_reason",
    ]
    readonly_fields = [f for f in fields if f != "void_reason"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.voided_at is not None:
            return list(self.fields)  # voided once, for good
        return list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: GameEvent, form: Any, change: bool) -> None:
        reason = (obj.void_reason or "").strip()
        if not change or not reason:
            return  # nothing but a void reason may be saved
        try:
            void_event(GameEvent.objects.get(pk=obj.pk), request.user, reason)
        except GameError as err:
            self.message_user(request, err.message, level=messages.ERROR)
            return
        self.message_user(request, _("The event was voided; it stays in the log."))
