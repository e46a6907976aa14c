"""``/api/trainings``: training days the caller sees (``permissions.trainings_for``), creating
them and registering people (``registry.services.register``).

A registration answers 201 when the person got a place and 202 when the group was full
(``Training.MAX_GROUP`` registered) and they went on the waitlist; 409 when the registry refuses
(training held or cancelled, person already on the list).
"""

# No ``from __future__ import annotations``: django-ninja reads the routes' annotations at
# runtime, and ``@paginate`` wraps them in a function of another module.

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
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
    Day,
    ObjectId,
    Page,
    RegistrationStatus,
    Text,
    TrainingStatus,
    TrainingTrack,
    error_responses,
)
from processfactory.web.registry.models import (
    Registration,
    Training,
)
from processfactory.web.registry.permissions import (
    can_manage_factory,
    can_manage_training,
    can_register_people,
    factories_for,
    registrable_participants,
    trainers_for,
    trainings_for,
)
from processfactory.web.registry.services import register

router = Router(tags=["trainings"])

BODY = ("body", "payload")


class FactoryRef(Schema):
    id: int = Field(description="Factory id.")
    name: str = Field(description="Factory name.")


class TrainerRef(Schema):
    id: int = Field(description="Trainer id.")
    full_name: str = Field(description="Trainer's full name.")


class TrainingOut(Schema):
    """One training day for one group, with how full it is."""

    id: int = Field(description="Training id.")
    factory: FactoryRef = Field(description="Where it takes place.")
    date: datetime.date = Field(description="The training day.")
    track: TrainingTrack = Field(description="production or office.")
    status: TrainingStatus = Field(description="draft → confirmed → held, or cancelled.")
    trainer: TrainerRef | None = Field(description="Who runs it (none assigned yet: null).")
    notes: str = Field(description="Free notes (may be empty).")
    registered: int = Field(description="Participants with a place.")
    waitlisted: int = Field(description="Participants on the waitlist.")
    min_group: int = Field(description="Registered participants needed to hold it.")
    max_group: int = Field(description="Places in the group; more registrations go waitlisted.")
    places_left: int = Field(description="Places still free (max_group − registered, ≥ 0).")
    is_viable: bool = Field(description="At least min_group registered.")
    is_full: bool = Field(description="No place left: the next registration is waitlisted.")

    @staticmethod
    def resolve_registered(training: Training) -> int:
        return training.registered_count

    @staticmethod
    def resolve_waitlisted(training: Training) -> int:
        annotated = training.__dict__.get("waitlisted_total")
        if annotated is not None:
            return int(annotated)
        return int(training.registrations.filter(status=Registration.Status.WAITLISTED).count())

    @staticmethod
    def resolve_min_group(training: Training) -> int:
        return Training.MIN_GROUP

    @staticmethod
    def resolve_max_group(training: Training) -> int:
        return Training.MAX_GROUP

    @staticmethod
    def resolve_places_left(training: Training) -> int:
        return max(Training.MAX_GROUP - training.registered_count, 0)


class TrainingIn(Schema):
    """A new training day (created as a draft)."""

    factory_id: ObjectId = Field(description="The factory; you must manage it.")
    date: Day = Field(description="The training day: today or later (up to 2100-12-31).")
    track: TrainingTrack = Field(TrainingTrack.PRODUCTION, description="A track the factory runs.")
    trainer_id: ObjectId | None = Field(
        None, description="An active trainer based at the factory, or none yet."
    )
    notes: Text = Field("", max_length=2000, description="Free notes.")


class RegistrationIn(Schema):
    participant_id: ObjectId = Field(
        description="The participant: one you see, or one on nobody's list yet."
    )


class RegistrationOut(Schema):
    """A participant's place in a training, or on its waitlist."""

    id: int = Field(description="Registration id.")
    training_id: int = Field(description="The training.")
    participant_id: int = Field(description="The participant.")
    participant_name: str = Field(description="The participant's full name.")
    status: RegistrationStatus = Field(description="registered or waitlisted.")
    waitlist_position: int | None = Field(
        description="1 for the first on the waitlist (promoted first); null with a place."
    )
    created_at: datetime.datetime = Field(description="When the registration was made.")

    @staticmethod
    def resolve_participant_name(registration: Registration) -> str:
        return str(registration.participant.full_name)

    @staticmethod
    def resolve_waitlist_position(registration: Registration) -> int | None:
        if not registration.is_waitlisted:
            return None
        queue = list(
            Registration.objects.filter(
                training_id=registration.training_id, status=Registration.Status.WAITLISTED
            )
            .order_by("created_at", "id")
            .values_list("pk", flat=True)
        )
        return queue.index(registration.pk) + 1


class TrainingFilters(Schema):
    factory: ObjectId | None = Field(None, description="Only at this factory (id).")
    status: TrainingStatus | None = Field(None, description="Only trainings in this status.")
    track: TrainingTrack | None = Field(None, description="Only this track.")
    date_from: datetime.date | None = Field(None, description="Only on or after this day.")
    date_to: datetime.date | None = Field(None, description="Only on or before this day.")


def _trainings(request: HttpRequest) -> QuerySet[Training]:
    return trainings_for(caller(request)).with_counts().select_related("factory", "trainer")


def visible_training(request: HttpRequest, training_id: int) -> Training:
    """The training if the caller sees it; otherwise 404, whether or not it exists."""
    return visible_or_404(
        _trainings(request), training_id, _("No training with this id is visible to you.")
    )


@router.get(
    "/trainings",
    response={200: list[TrainingOut], **error_responses(401, 422)},
    summary="List trainings",
)
@paginate(Page)
def list_trainings(request: HttpRequest, filters: Query[TrainingFilters]) -> QuerySet[Training]:
    """Trainings the caller sees, latest first: all for a coordinator, those at their factories
    for a manager, those they run for a trainer, none for anyone else."""
    date_from, date_to = filters.date_from, filters.date_to
    if date_from is not None and date_to is not None and date_from > date_to:
        raise invalid(("query", "date_to"), _("date_to is before date_from."))
    trainings = _trainings(request).order_by("-date", "factory__name", "track", "id")
    if filters.factory is not None:
        trainings = trainings.filter(factory_id=filters.factory)
    if filters.status is not None:
        trainings = trainings.filter(status=filters.status.value)
    if filters.track is not None:
        trainings = trainings.filter(track=filters.track.value)
    if date_from is not None:
        trainings = trainings.filter(date__gte=date_from)
    if date_to is not None:
        trainings = trainings.filter(date__lte=date_to)
    return trainings


@router.get(
    "/trainings/{training_id}",
    response={200: TrainingOut, **error_responses(401, 404, 422)},
    summary="Get a training",
)
def get_training(
    request: HttpRequest,
    training_id: PathEx[int, P(ge=1, le=MAX_ID, description="Training id.")],
) -> Training:
    """One training with its registered and waitlisted counts and whether it is viable; 404
    when it does not exist or is outside the caller's scope."""
    return visible_training(request, training_id)


@router.post(
    "/trainings",
    response={201: TrainingOut, **error_responses(400, 401, 403, 422)},
    summary="Create a training",
)
def create_training(request: HttpRequest, payload: TrainingIn) -> Status[Training]:
    """A new draft training at a factory the caller manages (coordinators: any factory), as
    the site's form schedules one: on today or a later day, with a trainer based there."""
    user = caller(request)
    if not can_register_people(user):
        raise Forbidden(_("You may not create trainings."))
    factory = factories_for(user).filter(pk=payload.factory_id).first()
    if factory is None:
        raise invalid((*BODY, "factory_id"), _("No factory with this id is visible to you."))
    if not can_manage_factory(user, factory):
        raise Forbidden(_("You may create trainings only at factories you manage."))
    # the rules of the site's scheduling form: not in the past, a trainer of that factory
    if payload.date < timezone.localdate():
        raise invalid((*BODY, "date"), _("The date is in the past: choose today or later."))
    trainer = None
    if payload.trainer_id is not None:
        trainer = trainers_for(user).filter(pk=payload.trainer_id, is_active=True).first()
        if trainer is None:
            raise invalid((*BODY, "trainer_id"), _("No active trainer has this id."))
        if trainer.factory_id != factory.pk:
            raise invalid(
                (*BODY, "trainer_id"),
                _("This trainer is based at another factory: choose a trainer of %(factory)s.")
                % {"factory": factory},
            )
    training = Training(
        factory=factory,
        date=payload.date,
        track=payload.track.value,
        trainer=trainer,
        status=Training.Status.DRAFT,
        notes=payload.notes,
    )
    try:
        training.full_clean()
    except DjangoValidationError as error:
        raise from_model_errors(
            error, {"factory": "factory_id", "trainer": "trainer_id"}, BODY
        ) from error
    training.save()
    return Status(201, visible_training(request, training.pk))


@router.post(
    "/trainings/{training_id}/registrations",
    response={
        201: RegistrationOut,
        202: RegistrationOut,
        **error_responses(400, 401, 403, 404, 409, 422),
    },
    summary="Register a participant",
)
def register_participant(
    request: HttpRequest,
    payload: RegistrationIn,
    training_id: PathEx[int, P(ge=1, le=MAX_ID, description="Training id.")],
) -> Status[Registration]:
    """Register a participant the caller sees, or one on nobody's list yet (just created): 201
    with a place, 202 on the waitlist when the group is full; 409 when the training is held or
    cancelled or the person is already on its list."""
    user = caller(request)
    training = visible_training(request, training_id)
    if not (can_register_people(user) and can_manage_training(user, training)):
        raise Forbidden(_("You may not register people for this training."))
    participant = registrable_participants(user).filter(pk=payload.participant_id).first()
    if participant is None:
        raise invalid(
            (*BODY, "participant_id"), _("No participant with this id is visible to you.")
        )
    registration = register(training, participant)
    return Status(202 if registration.is_waitlisted else 201, registration)
