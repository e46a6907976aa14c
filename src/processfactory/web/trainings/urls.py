"""Training screens (``trainings:*``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "trainings"

urlpatterns: list[URLPattern | URLResolver] = []
