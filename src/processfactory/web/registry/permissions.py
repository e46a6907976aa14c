"""Who may see and do what: the one place the access rules live (views and the API use it).

Roles (a user may hold several; their rights add up):

- **coordinator** — the programme coordinator: a member of the group ``coordinators``, or a
  superuser;
- **manager** — manages at least one factory (``Factory.managers``);
- **trainer** — has a ``Trainer`` profile (``user.trainer``).

Anyone else who is logged in (an *outsider*) sees nothing and may do nothing.

==========================  ===========  =============================  ==========================
what                        coordinator  manager                        trainer
==========================  ===========  =============================  ==========================
``factories_for``           all          the factories they manage      home factory + factories
                                                                        of their trainings
``trainings_for``           all          trainings at their factories   trainings they run
``participants_for``        all          registered (any status) in     registered in trainings
                                         trainings at their factories   they run
``enterprises_for``         all          enterprises of those           enterprises of those
                                         participants                   participants
``enterprise_choices_for``  all          all (to register employees)    none
``trainers_for``            all          trainers based at or running   trainers based at or
                                         trainings at their factories   running trainings at
                                                                        their factories
``can_manage_factory``      yes          their factories                no
``can_manage_training``     yes          trainings at their factories   no
``can_mark_attendance``     yes          trainings at their factories   trainings they run
``can_register_people``     yes          yes (at their factories)       no
``can_manage_programme``    yes          no                             no
``can_view_dashboard``      yes          yes                            no
==========================  ===========  =============================  ==========================

``can_manage_programme`` covers programme-wide records: creating factories, trainers,
enterprises and targets. ``registrable_participants`` (whom a caller may register) is
``participants_for`` plus the people on nobody's list yet, e.g. just created. Inactive users
have no role. Anonymous users get the login page from
``role_required``/``RoleRequiredMixin``; logged-in users without the right get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from processfactory.web.registry.models import (
    Enterprise,
    Factory,
    Participant,
    Trainer,
    Training,
)

COORDINATORS_GROUP = "coordinators"


class Role(StrEnum):
    COORDINATOR = "coordinator"
    MANAGER = "manager"
    TRAINER = "trainer"


# ---------------------------------------------------------------------------------------------
# Roles


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_coordinator(user: Any) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return bool(user.groups.filter(name=COORDINATORS_GROUP).exists())


def is_manager(user: Any) -> bool:
    return _active(user) and bool(user.managed_factories.exists())


def trainer_profile(user: Any) -> Trainer | None:
    """The user's ``Trainer`` profile, or ``None``."""
    if not _active(user):
        return None
    try:
        profile: Trainer = user.trainer
    except Trainer.DoesNotExist:
        return None
    return profile


def is_trainer(user: Any) -> bool:
    return trainer_profile(user) is not None


def roles_of(user: Any) -> frozenset[Role]:
    """Every role the user holds (empty for anonymous, inactive and outsider users)."""
    roles = set()
    if is_coordinator(user):
        roles.add(Role.COORDINATOR)
    if is_manager(user):
        roles.add(Role.MANAGER)
    if is_trainer(user):
        roles.add(Role.TRAINER)
    return frozenset(roles)


def has_any_role(user: Any) -> bool:
    return bool(roles_of(user))


# ---------------------------------------------------------------------------------------------
# What a user sees


def factories_for(user: Any) -> QuerySet[Factory]:
    if is_coordinator(user):
        return Factory.objects.all()
    if not _active(user):
        return Factory.objects.none()
    trainer = trainer_profile(user)
    mine = Factory.objects.filter(managers=user)
    if trainer is not None:
        mine = mine | Factory.objects.filter(pk=trainer.factory_id)
        mine = mine | Factory.objects.filter(trainings__trainer=trainer)
    return Factory.objects.filter(pk__in=mine.values("pk"))


def trainings_for(user: Any) -> QuerySet[Training]:
    if is_coordinator(user):
        return Training.objects.all()
    if not _active(user):
        return Training.objects.none()
    trainer = trainer_profile(user)
    mine = Training.objects.filter(factory__managers=user)
    if trainer is not None:
        mine = mine | Training.objects.filter(trainer=trainer)
    return Training.objects.filter(pk__in=mine.values("pk"))


def participants_for(user: Any) -> QuerySet[Participant]:
    if is_coordinator(user):
        return Participant.objects.all()
    if not _active(user):
        return Participant.objects.none()
    return Participant.objects.filter(
        pk__in=Participant.objects.filter(
            registrations__training__in=trainings_for(user).values("pk")
        ).values("pk")
    )


def registrable_participants(user: Any) -> QuerySet[Participant]:
    """Whom the caller may register: the participants they see (``participants_for``) and
    those on nobody's list yet, e.g. just created with ``POST /api/participants``."""
    return Participant.objects.filter(
        Q(pk__in=participants_for(user).values("pk")) | Q(registrations__isnull=True)
    ).distinct()


def visible_training_ids(user: Any) -> set[int] | None:
    """Ids of the trainings ``user`` may see, or None for all (the coordinator): what the
    programme figures may name training by training."""
    if is_coordinator(user):
        return None
    return set(trainings_for(user).values_list("pk", flat=True))


def enterprises_for(user: Any) -> QuerySet[Enterprise]:
    if is_coordinator(user):
        return Enterprise.objects.all()
    if not _active(user):
        return Enterprise.objects.none()
    return Enterprise.objects.filter(
        pk__in=participants_for(user).exclude(enterprise=None).values("enterprise")
    )


def trainers_for(user: Any) -> QuerySet[Trainer]:
    """Trainers based at one of the user's factories (``factories_for``) or running one of
    their trainings (``trainings_for``)."""
    if is_coordinator(user):
        return Trainer.objects.all()
    if not _active(user):
        return Trainer.objects.none()
    return Trainer.objects.filter(
        pk__in=(
            Trainer.objects.filter(factory__in=factories_for(user).values("pk"))
            | Trainer.objects.filter(trainings__in=trainings_for(user).values("pk"))
        ).values("pk")
    )


def enterprise_choices_for(user: Any) -> QuerySet[Enterprise]:
    """Enterprises the user may pick when adding an employee: all, for those who register
    people (a manager registers employees of any programme enterprise)."""
    if can_register_people(user):
        return Enterprise.objects.all()
    return Enterprise.objects.none()


# ---------------------------------------------------------------------------------------------
# What a user may do


def can_manage_programme(user: Any) -> bool:
    return is_coordinator(user)


def can_manage_factory(user: Any, factory: Factory) -> bool:
    if is_coordinator(user):
        return True
    return _active(user) and bool(factory.managers.filter(pk=user.pk).exists())


def can_manage_training(user: Any, training: Training) -> bool:
    return can_manage_factory(user, training.factory)


def can_mark_attendance(user: Any, training: Training) -> bool:
    if can_manage_training(user, training):
        return True
    trainer = trainer_profile(user)
    return trainer is not None and training.trainer_id == trainer.pk


def can_register_people(user: Any) -> bool:
    return is_coordinator(user) or is_manager(user)


def can_view_dashboard(user: Any) -> bool:
    return is_coordinator(user) or is_manager(user)


# ---------------------------------------------------------------------------------------------
# Guarding views

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def deny_unless(allowed: bool) -> None:
    """Raise ``PermissionDenied`` (the 403 page) unless ``allowed``: for object checks in views,
    e.g. ``deny_unless(can_manage_training(request.user, training))``."""
    if not allowed:
        raise PermissionDenied


def role_required(check: Callable[[Any], bool] = has_any_role) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: anonymous users go to the login page; logged-in users for whom
    ``check(user)`` is false get 403. ``@role_required()`` asks for any role."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]  # same signature, wrapped

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based views: set ``role_check`` (default: any role). Anonymous → login page;
    logged in without the right → 403."""

    role_check: Callable[[Any], bool] = staticmethod(has_any_role)
    raise_exception = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not type(self).role_check(request.user):
            raise PermissionDenied
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response
