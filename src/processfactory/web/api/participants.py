"""``/api/participants``: people who come to trainings (``permissions.participants_for``).

Creating one needs ``can_register_people``. An employee names their enterprise by id or by INN
(10 digits with a valid check digit, of an enterprise in the programme).
"""

# No ``from __future__ import annotations``: django-ninja reads the routes' annotations at
# runtime, and ``@paginate`` wraps them in a function of another module.

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from processfactory.web.api.auth import caller
from processfactory.web.api.errors import (
    Forbidden,
    from_model_errors,
    invalid,
    visible_or_404,
)
from processfactory.web.api.schemas import (
    MAX_ID,
    ObjectId,
    Page,
    ParticipantCategory,
    Text,
    error_responses,
)
from processfactory.web.registry.models import Enterprise, Participant
from processfactory.web.registry.permissions import (
    can_register_people,
    enterprise_choices_for,
    participants_for,
)
from processfactory.web.registry.validators import validate_inn

router = Router(tags=["participants"])

BODY = ("body", "payload")


class EnterpriseRef(Schema):
    id: int = Field(description="Enterprise id.")
    name: str = Field(description="Enterprise name.")
    inn: str = Field(description="Organisation INN.")

    @staticmethod
    def resolve_inn(enterprise: Enterprise) -> str:
        return str(enterprise.tax_id)


class ParticipantOut(Schema):
    """A person who comes to trainings."""

    id: int = Field(description="Participant id.")
    full_name: str = Field(description="Full name.")
    category: ParticipantCategory = Field(
        description="employee (of a programme enterprise), student or officer."
    )
    organisation: str = Field(description="College, office or company name (may be empty).")
    enterprise: EnterpriseRef | None = Field(description="The employee's enterprise.")
    email: str = Field(description="Email (may be empty).")
    phone: str = Field(description="Phone (may be empty).")
    created_at: datetime.datetime = Field(description="When the record was created.")


class ParticipantIn(Schema):
    """A new participant. An employee needs their enterprise: ``enterprise_id`` or
    ``enterprise_inn`` (one of the two)."""

    full_name: Text = Field(min_length=1, max_length=200, description="Full name.")
    category: ParticipantCategory = Field(description="employee, student or officer.")
    organisation: Text = Field("", max_length=300, description="College, office or company.")
    enterprise_id: ObjectId | None = Field(None, description="The employee's enterprise id.")
    enterprise_inn: Text | None = Field(
        None, max_length=32, description="Or its INN: 10 digits with a valid check digit."
    )
    email: Text = Field("", max_length=254, description="Email address.")
    phone: Text = Field("", max_length=32, description="Phone number.")


class ParticipantFilters(Schema):
    q: Text | None = Field(
        None, max_length=200, description="Part of the name, organisation or email."
    )
    category: ParticipantCategory | None = Field(None, description="Only this category.")


@router.get(
    "/participants",
    response={200: list[ParticipantOut], **error_responses(401, 422)},
    summary="List participants",
)
@paginate(Page)
def list_participants(
    request: HttpRequest, filters: Query[ParticipantFilters]
) -> QuerySet[Participant]:
    """Participants the caller sees: all for a coordinator; for a manager, those registered (in
    any status) for trainings at their factories; for a trainer, those of the trainings they
    run; none for anyone else."""
    people = (
        participants_for(caller(request)).select_related("enterprise").order_by("full_name", "id")
    )
    if filters.q:
        q = filters.q
        people = people.filter(
            Q(full_name__icontains=q) | Q(organisation__icontains=q) | Q(email__icontains=q)
        )
    if filters.category is not None:
        people = people.filter(category=filters.category.value)
    return people


@router.get(
    "/participants/{participant_id}",
    response={200: ParticipantOut, **error_responses(401, 404, 422)},
    summary="Get a participant",
)
def get_participant(
    request: HttpRequest,
    participant_id: PathEx[int, P(ge=1, le=MAX_ID, description="Participant id.")],
) -> Participant:
    """One participant; 404 when they do not exist or are outside the caller's scope."""
    return visible_or_404(
        participants_for(caller(request)).select_related("enterprise"),
        participant_id,
        _("No participant with this id is visible to you."),
    )


def _enterprise(request: HttpRequest, payload: ParticipantIn) -> Enterprise | None:
    """The enterprise named by id or INN, among those the caller may choose; 422 otherwise."""
    choices = enterprise_choices_for(caller(request))
    if payload.enterprise_id is not None and payload.enterprise_inn is not None:
        raise invalid(BODY, _("Give the enterprise by id or by INN, not both."))
    if payload.enterprise_id is not None:
        enterprise = choices.filter(pk=payload.enterprise_id).first()
        if enterprise is None:
            raise invalid((*BODY, "enterprise_id"), _("No programme enterprise has this id."))
        return enterprise
    if payload.enterprise_inn is not None:
        inn = payload.enterprise_inn.strip()
        try:
            validate_inn(inn)
        except DjangoValidationError as error:
            raise invalid((*BODY, "enterprise_inn"), " ".join(error.messages)) from error
        enterprise = choices.filter(tax_id=inn).first()
        if enterprise is None:
            raise invalid((*BODY, "enterprise_inn"), _("No programme enterprise has this INN."))
        return enterprise
    return None


@router.post(
    "/participants",
    response={201: ParticipantOut, **error_responses(400, 401, 403, 422)},
    summary="Create a participant",
)
def create_participant(request: HttpRequest, payload: ParticipantIn) -> Status[Participant]:
    """Add a person (for coordinators and managers). 422 names each invalid field: an
    employee without an enterprise, an unknown enterprise, an INN with a wrong check digit."""
    if not can_register_people(caller(request)):
        raise Forbidden(_("You may not add participants."))
    person = Participant(
        full_name=payload.full_name.strip(),
        category=payload.category.value,
        organisation=payload.organisation.strip(),
        enterprise=_enterprise(request, payload),
        email=payload.email.strip(),
        phone=payload.phone.strip(),
    )
    try:
        person.full_clean()
    except DjangoValidationError as error:
        raise from_model_errors(error, {"enterprise": "enterprise_id"}, BODY) from error
    person.save()
    return Status(201, person)
