"""The project package as an app: owns the shared templates, static files, locale, commands."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "processfactory.web"
    label = "processfactory_web"
    verbose_name = _("Process Factory")

    def ready(self) -> None:
        from processfactory.web import checks  # noqa: F401  (registers the system checks)
