"""Project-level pages: the home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a user lands after logging in: what they can open from here."""
    return render(request, "home.html")
