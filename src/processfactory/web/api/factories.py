"""``/api/factories``: the Process Factories the caller sees (``permissions.factories_for``)."""

# No ``from __future__ import annotations``: django-ninja reads the routes' annotations at
# runtime, and ``@paginate`` wraps them in a function of another module.

import datetime

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.pagination import paginate

from processfactory.web.api.auth import caller
from processfactory.web.api.errors import visible_or_404
from processfactory.web.api.schemas import (
    MAX_ID,
    FactoryStatus,
    Page,
    TrainingTrack,
    error_responses,
)
from processfactory.web.registry.models import Factory
from processfactory.web.registry.permissions import factories_for

router = Router(tags=["factories"])


class FactoryOut(Schema):
    """A Process Factory: a learning factory hosted by an educational institution."""

    id: int = Field(description="Factory id.")
    name: str = Field(description="Factory name, unique.")
    host_institution: str = Field(description="The educational institution that hosts it.")
    address: str = Field(description="Postal address (may be empty).")
    status: FactoryStatus = Field(description="planned, or open (with an opening date).")
    opened_on: datetime.date | None = Field(description="Opening date of an open factory.")
    tracks: list[TrainingTrack] = Field(description="Training tracks the factory runs.")

    @staticmethod
    def resolve_tracks(factory: Factory) -> list[TrainingTrack]:
        return [track for track in TrainingTrack if factory.has_track(track.value)]


class FactoryFilters(Schema):
    status: FactoryStatus | None = Field(None, description="Only factories in this status.")
    track: TrainingTrack | None = Field(None, description="Only factories running this track.")


def visible_factory(request: HttpRequest, factory_id: int) -> Factory:
    """The factory if the caller sees it; otherwise 404, whether or not it exists."""
    return visible_or_404(
        factories_for(caller(request)), factory_id, _("No factory with this id is visible to you.")
    )


@router.get(
    "/factories",
    response={200: list[FactoryOut], **error_responses(401, 422)},
    summary="List factories",
)
@paginate(Page)
def list_factories(request: HttpRequest, filters: Query[FactoryFilters]) -> QuerySet[Factory]:
    """Factories the caller sees: all for a coordinator, their own for a manager, their home
    factory and those of their trainings for a trainer, none for anyone else."""
    factories = factories_for(caller(request)).order_by("name", "id")
    if filters.status is not None:
        factories = factories.filter(status=filters.status.value)
    if filters.track is TrainingTrack.PRODUCTION:
        factories = factories.filter(has_production_track=True)
    elif filters.track is TrainingTrack.OFFICE:
        factories = factories.filter(has_office_track=True)
    return factories


@router.get(
    "/factories/{factory_id}",
    response={200: FactoryOut, **error_responses(401, 404, 422)},
    summary="Get a factory",
)
def get_factory(
    request: HttpRequest,
    factory_id: PathEx[int, P(ge=1, le=MAX_ID, description="Factory id.")],
) -> Factory:
    """One factory; 404 when it does not exist or is outside the caller's scope."""
    return visible_factory(request, factory_id)
