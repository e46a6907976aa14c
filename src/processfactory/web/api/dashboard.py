"""``/api/dashboard``: the programme figures (``dashboard.figures.programme_figures``) for those
who may view the dashboard (``permissions.can_view_dashboard``)."""

# No ``from __future__ import annotations``: django-ninja reads the routes' annotations at
# runtime, and ``@paginate`` wraps them in a function of another module.

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from processfactory.web.api.auth import caller
from processfactory.web.api.errors import Forbidden
from processfactory.web.api.factories import visible_factory
from processfactory.web.api.schemas import Day, ObjectId, error_responses
from processfactory.web.dashboard.figures import programme_figures
from processfactory.web.registry.permissions import can_view_dashboard, visible_training_ids

router = Router(tags=["dashboard"])


class DashboardFilters(Schema):
    as_of: Day | None = Field(
        None,
        description="The day the figures are of, 2000-01-01 to 2100-12-31 (default: the "
        "programme settings' date if set, else today).",
    )
    factory: ObjectId | None = Field(
        None, description="Only this factory's figures (id); default: the whole programme."
    )


@router.get(
    "/dashboard",
    response={200: dict[str, Any], **error_responses(401, 403, 404, 422)},
    summary="Programme figures",
)
def get_dashboard(request: HttpRequest, filters: Query[DashboardFilters]) -> dict[str, Any]:
    """The programme figures as of a day: people trained and enterprises enrolled against the
    programme targets, for the whole programme or one factory (coordinators and managers)."""
    if not can_view_dashboard(caller(request)):
        raise Forbidden(_("You may not view the programme dashboard."))
    factory_ids = None
    if filters.factory is not None:
        factory_ids = [visible_factory(request, filters.factory).pk]
    user = caller(request)
    figures: dict[str, Any] = programme_figures(
        as_of=filters.as_of, factory_ids=factory_ids
    ).to_dict()
    visible = visible_training_ids(user)
    if visible is not None:
        # the per-training rows name trainings: only those the caller may see, as on /dashboard/
        figures["trainings"] = [t for t in figures["trainings"] if t["training_id"] in visible]
    return figures
