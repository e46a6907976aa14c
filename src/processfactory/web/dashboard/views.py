"""Dashboard views (a placeholder page until the programme dashboard lands)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from processfactory.web.registry.permissions import can_view_dashboard, role_required


@role_required(can_view_dashboard)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/index.html")
