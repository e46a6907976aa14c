"""Back-office editing of the programme settings (region, as-of date, demo flag)."""

from __future__ import annotations

from django.contrib import admin

from processfactory.web.dashboard.models import ProgrammeSettings


@admin.register(ProgrammeSettings)
class ProgrammeSettingsAdmin(admin.ModelAdmin):
    list_display = ("region_name", "as_of", "is_demo")
