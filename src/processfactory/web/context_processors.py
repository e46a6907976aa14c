"""Template context shared by every page: the user's roles, for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from processfactory.web.registry.permissions import can_view_dashboard, roles_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """``pf_roles`` (set of role names) and ``pf_can_view_dashboard`` for the current user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"pf_roles": frozenset(), "pf_can_view_dashboard": False}
    return {
        "pf_roles": frozenset(str(role) for role in roles_of(user)),
        "pf_can_view_dashboard": can_view_dashboard(user),
    }
