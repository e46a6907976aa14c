"""The API's URLs (``/api/...``, OpenAPI at ``/api/openapi.json``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from processfactory.web.api.site import api

urlpatterns: list[URLPattern | URLResolver] = [path("", api.urls)]
