"""Back-office CRUD for every registry model (coordinators and staff)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from processfactory.web.registry.models import (
    ApiToken,
    Certificate,
    Enterprise,
    Factory,
    Feedback,
    Participant,
    ProgrammeTarget,
    Registration,
    Trainer,
    Training,
)

admin.site.site_header = _("Process Factory administration")
admin.site.site_title = _("Process Factory")
admin.site.index_title = _("Registry")


@admin.register(Factory)
class FactoryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "host_institution",
        "status",
        "opened_on",
        "has_production_track",
        "has_office_track",
    ]
    list_filter = ["status", "has_production_track", "has_office_track"]
    search_fields = ["name", "host_institution", "address"]
    filter_horizontal = ["managers"]


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ["full_name", "factory", "email", "phone", "is_active", "user"]
    list_filter = ["is_active", "factory"]
    search_fields = ["full_name", "email", "phone", "user__username"]
    autocomplete_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_id", "industry", "joined_year", "phase", "district"]
    list_filter = ["industry", "phase", "joined_year"]
    search_fields = ["name", "tax_id", "district"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["full_name", "category", "organisation", "enterprise", "created_at"]
    list_filter = ["category"]
    search_fields = ["full_name", "organisation", "email", "phone", "enterprise__name"]
    autocomplete_fields = ["enterprise"]


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ["participant", "status", "attended"]
    autocomplete_fields = ["participant"]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["date", "factory", "track", "trainer", "status", "registered"]
    list_filter = ["status", "track", "factory"]
    search_fields = ["factory__name", "trainer__full_name", "notes"]
    date_hierarchy = "date"
    inlines = [RegistrationInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("factory", "trainer").with_counts()

    @admin.display(description=_("in the group"))
    def registered(self, obj: Training) -> int:
        return obj.registered_count


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["participant", "training", "status", "attended", "created_at"]
    list_filter = ["status", "attended", "training__factory"]
    search_fields = ["participant__full_name", "training__factory__name"]
    autocomplete_fields = ["participant"]
    raw_id_fields = ["training"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "registration", "issued_at"]
    search_fields = ["code", "registration__participant__full_name"]
    raw_id_fields = ["registration"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["registration", "score", "created_at"]
    list_filter = ["score"]
    search_fields = ["registration__participant__full_name", "comment"]
    raw_id_fields = ["registration"]


@admin.register(ProgrammeTarget)
class ProgrammeTargetAdmin(admin.ModelAdmin):
    list_display = ["metric", "year", "cumulative_value"]
    list_filter = ["metric"]
    search_fields = ["metric"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    # keys are created with services.create_token (shown once); here they are only revoked
    list_display = ["name", "user", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "name", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
