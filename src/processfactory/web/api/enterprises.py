"""``/api/enterprises``: programme enterprises the caller sees (``permissions.enterprises_for``)."""

# No ``from __future__ import annotations``: django-ninja reads the routes' annotations at
# runtime, and ``@paginate`` wraps them in a function of another module.

import datetime

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.pagination import paginate

from processfactory.web.api.auth import caller
from processfactory.web.api.errors import visible_or_404
from processfactory.web.api.schemas import (
    MAX_ID,
    EnterpriseIndustry,
    EnterprisePhase,
    Page,
    Text,
    error_responses,
)
from processfactory.web.registry.models import Enterprise
from processfactory.web.registry.permissions import enterprises_for

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    """An enterprise in the national project "Labour productivity"."""

    id: int = Field(description="Enterprise id.")
    name: str = Field(description="Enterprise name.")
    inn: str = Field(description="Organisation INN: 10 digits with a valid check digit.")
    industry: EnterpriseIndustry = Field(description="Industry.")
    joined_year: int = Field(description="Year the enterprise joined the programme.")
    phase: EnterprisePhase = Field(description="Current programme phase.")
    phase_changed_on: datetime.date | None = Field(description="When the phase last changed.")
    district: str = Field(description="District (may be empty).")

    @staticmethod
    def resolve_inn(enterprise: Enterprise) -> str:
        return str(enterprise.tax_id)


class EnterpriseFilters(Schema):
    q: Text | None = Field(None, max_length=200, description="Part of the name, or the INN.")
    industry: EnterpriseIndustry | None = Field(None, description="Only this industry.")
    phase: EnterprisePhase | None = Field(None, description="Only enterprises in this phase.")


@router.get(
    "/enterprises",
    response={200: list[EnterpriseOut], **error_responses(401, 422)},
    summary="List enterprises",
)
@paginate(Page)
def list_enterprises(
    request: HttpRequest, filters: Query[EnterpriseFilters]
) -> QuerySet[Enterprise]:
    """Enterprises the caller sees: all for a coordinator; for a manager or a trainer, the
    enterprises of the participants of their trainings."""
    enterprises = enterprises_for(caller(request)).order_by("name", "id")
    if filters.q:
        enterprises = enterprises.filter(Q(name__icontains=filters.q) | Q(tax_id=filters.q.strip()))
    if filters.industry is not None:
        enterprises = enterprises.filter(industry=filters.industry.value)
    if filters.phase is not None:
        enterprises = enterprises.filter(phase=filters.phase.value)
    return enterprises


@router.get(
    "/enterprises/{enterprise_id}",
    response={200: EnterpriseOut, **error_responses(401, 404, 422)},
    summary="Get an enterprise",
)
def get_enterprise(
    request: HttpRequest,
    enterprise_id: PathEx[int, P(ge=1, le=MAX_ID, description="Enterprise id.")],
) -> Enterprise:
    """One enterprise; 404 when it does not exist or is outside the caller's scope."""
    return visible_or_404(
        enterprises_for(caller(request)),
        enterprise_id,
        _("No enterprise with this id is visible to you."),
    )
