"""Training screens: the list, scheduling, the detail page with its actions, attendance.

Every rule lives in ``registry.services`` (what may happen) and ``registry.permissions``
(who may do it); these views only ask them and show the answer. Certificates are in
``trainings.certificates``, the public feedback form in ``trainings.feedback``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from processfactory.web.registry import importing, services
from processfactory.web.registry.models import (
    Certificate,
    Factory,
    Feedback,
    Participant,
    Registration,
    Training,
)
from processfactory.web.registry.nps import nps
from processfactory.web.registry.permissions import (
    can_manage_training,
    can_mark_attendance,
    can_register_people,
    deny_unless,
    factories_for,
    participants_for,
    role_required,
    trainings_for,
)
from processfactory.web.registry.services import RegistryError
from processfactory.web.trainings.forms import (
    ImportForm,
    NewParticipantForm,
    ParticipantSearchForm,
    TrainingFilterForm,
    TrainingForm,
    manageable_factories,
)
from processfactory.web.trainings.links import feedback_url

PAGE_SIZE = 50
SEARCH_LIMIT = 20
OPEN_STATUSES = (Training.Status.DRAFT, Training.Status.CONFIRMED)


def _today() -> datetime.date:
    return timezone.localdate()


def _visible_training(request: HttpRequest, pk: int) -> Training:
    """The training ``pk`` if the user may see it (``trainings_for``); 404 / 403 otherwise."""
    training = get_object_or_404(Training.objects.select_related("factory", "trainer"), pk=pk)
    deny_unless(trainings_for(request.user).filter(pk=training.pk).exists())
    return training


def _may_register(user: Any, training: Training) -> bool:
    return can_register_people(user) and can_manage_training(user, training)


def is_flagged_not_viable(training: Training) -> bool:
    """A draft or confirmed training with fewer than ``MIN_GROUP`` registered."""
    return training.status in OPEN_STATUSES and not training.is_viable


def _detail(training: Training, anchor: str = "") -> HttpResponse:
    url = reverse("trainings:training_detail", args=[training.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _nps_summary(scores: Iterable[int]) -> dict[str, Any]:
    values = list(scores)
    score = nps(values)
    return {"score": None if score is None else round(score), "answers": len(values)}


# ---------------------------------------------------------------------------------------------
# The list


@require_GET
@role_required()
def training_list(request: HttpRequest) -> HttpResponse:
    """Trainings the user may see, filtered; each with its group size and waitlist."""
    form = TrainingFilterForm(request.GET or None, user=request.user)
    if form.is_bound:
        form.is_valid()
    trainings = form.apply(
        trainings_for(request.user)
        .with_counts()
        .select_related("factory", "trainer")
        .order_by("-date", "factory__name", "track", "pk"),
        _today(),
    )
    page = Paginator(trainings, PAGE_SIZE).get_page(request.GET.get("page"))
    for training in page.object_list:
        training.not_viable = is_flagged_not_viable(training)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "trainings/training_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "max_group": Training.MAX_GROUP,
            "min_group": Training.MIN_GROUP,
            "factory_nps": _factory_nps(factories_for(request.user)),
            "may_schedule": _may_schedule(request.user),
        },
    )


def _may_schedule(user: Any) -> bool:
    return manageable_factories(user).exists()


def _factory_nps(factories: QuerySet[Factory]) -> list[dict[str, Any]]:
    """NPS per factory (all its trainings' feedback), for the factories the user sees."""
    scores: dict[int, list[int]] = defaultdict(list)
    answers = Feedback.objects.filter(registration__training__factory__in=factories)
    for factory_id, score in answers.values_list("registration__training__factory", "score"):
        scores[factory_id].append(score)
    return [
        {"factory": factory, **_nps_summary(scores.get(factory.pk, []))}
        for factory in factories.order_by("name")
    ]


# ---------------------------------------------------------------------------------------------
# Scheduling


@require_http_methods(["GET", "POST"])
@role_required()
def training_create(request: HttpRequest) -> HttpResponse:
    deny_unless(_may_schedule(request.user))
    form = TrainingForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"factory": request.GET.get("factory")},
    )
    if request.method == "POST" and form.is_valid():
        training = form.save()
        messages.success(
            request,
            _("Training scheduled: %(training)s. Now register its participants.")
            % {"training": training},
        )
        return _detail(training)
    return render(request, "trainings/training_form.html", {"form": form, "training": None})


@require_http_methods(["GET", "POST"])
@role_required()
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = _visible_training(request, pk)
    deny_unless(can_manage_training(request.user, training))
    if training.status not in OPEN_STATUSES:
        messages.error(
            request,
            _("A %(status)s training cannot be rescheduled.")
            % {"status": training.get_status_display()},
        )
        return _detail(training)
    data = request.POST if request.method == "POST" else None
    form = TrainingForm(data, instance=training, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Training updated."))
        return _detail(training)
    return render(request, "trainings/training_form.html", {"form": form, "training": training})


@require_GET
@role_required()
def training_fields(request: HttpRequest) -> HttpResponse:
    """htmx: the track and trainer choices of the factory picked in the schedule form."""
    deny_unless(_may_schedule(request.user))
    form = TrainingForm(user=request.user, initial={"factory": request.GET.get("factory")})
    return render(request, "trainings/_schedule_fields.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# The detail page


@dataclass
class Row:
    """One registration as the detail page shows it."""

    registration: Registration
    certificate: Certificate | None
    feedback: Feedback | None
    feedback_link: str = ""


def _detail_context(request: HttpRequest, training: Training, **extra: Any) -> dict[str, Any]:
    user = request.user
    registrations = training.registrations.select_related(
        "participant", "participant__enterprise"
    ).order_by("created_at", "id")
    certificates = {
        c.registration_id: c for c in Certificate.objects.filter(registration__training=training)
    }
    answers = Feedback.objects.filter(registration__training=training)
    feedback = {f.registration_id: f for f in answers}
    may_attend = can_mark_attendance(user, training)
    rows: dict[str, list[Row]] = {status: [] for status in Registration.Status.values}
    for registration in registrations:
        row = Row(registration, certificates.get(registration.pk), feedback.get(registration.pk))
        if may_attend and registration.attended is True:
            row.feedback_link = feedback_url(request, registration)
        rows[str(registration.status)].append(row)
    registered = rows[str(Registration.Status.REGISTERED)]
    attended = sum(1 for row in registered if row.registration.attended is True)
    marked = sum(1 for row in registered if row.registration.attended is not None)
    may_register = _may_register(user, training) and training.status in OPEN_STATUSES
    today = _today()
    context: dict[str, Any] = {
        "training": training,
        "registered": registered,
        "waitlisted": rows[str(Registration.Status.WAITLISTED)],
        "cancelled": rows[str(Registration.Status.CANCELLED)],
        "registered_count": len(registered),
        "max_group": Training.MAX_GROUP,
        "min_group": Training.MIN_GROUP,
        "missing": max(Training.MIN_GROUP - len(registered), 0),
        "is_full": len(registered) >= Training.MAX_GROUP,
        "not_viable": training.status in OPEN_STATUSES and len(registered) < Training.MIN_GROUP,
        "attended_count": attended,
        "marked_count": marked,
        "certificate_count": len(certificates),
        "uncertified_count": sum(
            1 for row in registered if row.registration.attended and row.certificate is None
        ),
        "nps": _nps_summary(f.score for f in feedback.values()),
        "factory_nps": _nps_summary(
            Feedback.objects.filter(registration__training__factory=training.factory).values_list(
                "score", flat=True
            )
        ),
        "day_reached": today >= training.date,
        "may_manage": can_manage_training(user, training),
        "may_attend": may_attend,
        "may_register": may_register,
        "search_form": ParticipantSearchForm(request.GET or None),
        "new_form": NewParticipantForm(user=user),
    }
    if may_register and request.GET.get("q"):
        context["results"] = _search(request, training)
    context.update(extra)
    return context


@require_GET
@role_required()
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = _visible_training(request, pk)
    return render(request, "trainings/training_detail.html", _detail_context(request, training))


# ---------------------------------------------------------------------------------------------
# Registering people


def _search(request: HttpRequest, training: Training) -> list[Participant]:
    """Participants the user sees whose name, organisation, email or phone contains ``q``, and
    who are not on this training's list yet."""
    query = " ".join(str(request.GET.get("q", "")).split())[:100]
    if not query:
        return []
    on_list = training.registrations.exclude(status=Registration.Status.CANCELLED).values(
        "participant"
    )
    return list(
        participants_for(request.user)
        .filter(
            Q(full_name__icontains=query)
            | Q(organisation__icontains=query)
            | Q(email__icontains=query)
            | Q(phone__icontains=query)
            | Q(enterprise__name__icontains=query)
        )
        .exclude(pk__in=on_list)
        .select_related("enterprise")[:SEARCH_LIMIT]
    )


@require_GET
@role_required()
def participant_search(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: matching participants, each with an "add" button."""
    training = _visible_training(request, pk)
    deny_unless(_may_register(request.user, training))
    return render(
        request,
        "trainings/_search_results.html",
        {
            "training": training,
            "results": _search(request, training),
            "searched": bool(str(request.GET.get("q", "")).strip()),
            "is_full": training.is_full,
        },
    )


class _WaitlistNotConfirmed(Exception):
    """The group filled up: the registration is rolled back until the user confirms."""


def _register_explicitly(
    training: Training, participant: Participant, waitlist_confirmed: bool
) -> Registration:
    """``services.register``, but a place on the waitlist only when the user asked for it."""
    registration = services.register(training, participant)
    if registration.is_waitlisted and not waitlist_confirmed:
        raise _WaitlistNotConfirmed
    return registration


def _registered_message(request: HttpRequest, registration: Registration) -> None:
    training = registration.training
    if registration.is_waitlisted:
        position = training.registrations.filter(
            status=Registration.Status.WAITLISTED, created_at__lte=registration.created_at
        ).count()
        messages.success(
            request,
            _("%(participant)s is on the waitlist (place %(position)d).")
            % {"participant": registration.participant, "position": position},
        )
    else:
        messages.success(
            request,
            _("%(participant)s is registered (%(count)d of %(max)d).")
            % {
                "participant": registration.participant,
                "count": training.registered_count,
                "max": Training.MAX_GROUP,
            },
        )


def _waitlist_offer(
    request: HttpRequest, training: Training, participant: Participant | None, form: Any = None
) -> HttpResponse:
    return render(
        request,
        "trainings/waitlist_confirm.html",
        {
            "training": training,
            "participant": participant,
            "form": form,
            "registered_count": training.registered_count,
            "max_group": Training.MAX_GROUP,
        },
    )


@require_POST
@role_required()
def register_participant(request: HttpRequest, pk: int) -> HttpResponse:
    """Register an existing participant (``participant`` id); ``waitlist=1`` confirms a place
    on the waitlist when the group is full."""
    training = _visible_training(request, pk)
    deny_unless(_may_register(request.user, training))
    raw_id = str(request.POST.get("participant", ""))
    participant = (
        participants_for(request.user).filter(pk=int(raw_id)).first() if raw_id.isdigit() else None
    )
    if participant is None:
        messages.error(request, _("Choose a participant from the search results."))
        return _detail(training, "add")
    try:
        with transaction.atomic():
            registration = _register_explicitly(
                training, participant, request.POST.get("waitlist") == "1"
            )
    except _WaitlistNotConfirmed:
        return _waitlist_offer(request, training, participant)
    except RegistryError as error:
        messages.error(request, error.message)
        return _detail(training, "add")
    _registered_message(request, registration)
    return _detail(training, "participants")


@require_POST
@role_required()
def register_new_participant(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a participant from the inline form and register them in one step."""
    training = _visible_training(request, pk)
    deny_unless(_may_register(request.user, training))
    form = NewParticipantForm(request.POST, user=request.user)
    if not form.is_valid():
        context = _detail_context(request, training, new_form=form, open_new_form=True)
        return render(request, "trainings/training_detail.html", context, status=400)
    try:
        with transaction.atomic():
            participant = form.save()
            registration = _register_explicitly(
                training, participant, request.POST.get("waitlist") == "1"
            )
    except _WaitlistNotConfirmed:
        return _waitlist_offer(request, training, None, form)
    except RegistryError as error:
        messages.error(request, error.message)
        return _detail(training, "add")
    _registered_message(request, registration)
    return _detail(training, "participants")


@require_POST
@role_required()
def cancel_registration(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    training = _visible_training(request, pk)
    deny_unless(_may_register(request.user, training))
    registration = get_object_or_404(
        Registration.objects.select_related("participant"), pk=registration_pk, training=training
    )
    try:
        promoted = services.cancel_registration(registration)
    except RegistryError as error:
        messages.error(request, error.message)
        return _detail(training, "participants")
    messages.success(
        request,
        _("The registration of %(participant)s is cancelled.")
        % {"participant": registration.participant},
    )
    if promoted is not None:
        messages.info(
            request,
            _("%(participant)s moved from the waitlist into the group.")
            % {"participant": promoted.participant},
        )
    return _detail(training, "participants")


@require_http_methods(["GET", "POST"])
@role_required()
def import_participants(request: HttpRequest, pk: int) -> HttpResponse:
    """Register the people of a CSV/XLSX file into this training (all rows or none)."""
    training = _visible_training(request, pk)
    deny_unless(_may_register(request.user, training))
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = importing.import_participants(
            upload.read(), upload.name, user=request.user, training=training
        )
        if result.ok:
            messages.success(
                request,
                _(
                    "Imported %(rows)d rows: %(created)d new and %(matched)d known participants; "
                    "%(registered)d registered, %(waitlisted)d on the waitlist, "
                    "%(already)d were already on the list."
                )
                % {
                    "rows": result.rows,
                    "created": result.created,
                    "matched": result.matched,
                    "registered": result.registered,
                    "waitlisted": result.waitlisted,
                    "already": result.already_registered,
                },
            )
            return _detail(training, "participants")
    refused = request.method == "POST" and (bool(form.errors) or result is not None)
    return render(
        request,
        "trainings/import.html",
        {"training": training, "form": form, "result": result},
        status=400 if refused else 200,
    )


@require_GET
@role_required(can_register_people)
def import_template(request: HttpRequest) -> HttpResponse:
    """An empty participant list (XLSX) with the headers the import reads."""
    response = HttpResponse(
        importing.participant_template_xlsx(get_language() or "ru"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="participants.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# The training's life: confirm, cancel, mark held


def _lifecycle(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    training = _visible_training(request, pk)
    deny_unless(can_manage_training(request.user, training))
    try:
        action(training)
    except RegistryError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _detail(training)


@require_POST
@role_required()
def confirm_training(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle(request, pk, services.confirm_training, _("The training is confirmed."))


@require_POST
@role_required()
def cancel_training(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle(request, pk, services.cancel_training, _("The training is cancelled."))


@require_POST
@role_required()
def mark_held(request: HttpRequest, pk: int) -> HttpResponse:
    return _lifecycle(request, pk, services.mark_held, _("The training is marked as held."))


# ---------------------------------------------------------------------------------------------
# Attendance


@require_http_methods(["GET", "POST"])
@role_required()
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Who came: a checkbox per registered participant, saved all at once."""
    training = _visible_training(request, pk)
    deny_unless(can_mark_attendance(request.user, training))
    registered = list(
        training.registrations.filter(status=Registration.Status.REGISTERED)
        .select_related("participant", "participant__enterprise")
        .order_by("participant__full_name", "id")
    )
    refusal = _attendance_refusal(training)
    error = ""
    if request.method == "POST" and not refusal:
        marks = _attendance_marks(request)
        if marks is None:
            error = _("The form was damaged: reload the page and mark again.")
        else:
            try:
                count = services.mark_attendance(training, marks)
            except RegistryError as refused:
                error = refused.message
            else:
                came = sum(1 for attended in marks.values() if attended)
                messages.success(
                    request,
                    _("Attendance saved: %(came)d of %(count)d came.")
                    % {"came": came, "count": count},
                )
                return _detail(training, "attendance")
    return render(
        request,
        "trainings/attendance.html",
        {
            "training": training,
            "registered": registered,
            "refusal": refusal,
            "error": error,
            "may_manage": can_manage_training(request.user, training),
        },
        status=400 if error or (refusal and request.method == "POST") else 200,
    )


def _attendance_refusal(training: Training) -> str:
    """Why attendance cannot be marked now, for the page (the service checks again on save)."""
    if training.status not in (Training.Status.CONFIRMED, Training.Status.HELD):
        return _(
            "Attendance is marked for a confirmed or held training; this one is %(status)s."
        ) % {"status": training.get_status_display()}
    if _today() < training.date:
        return _("Attendance can be marked on or after the training date (%(date)s).") % {
            "date": training.date.strftime("%d.%m.%Y")
        }
    return ""


def _attendance_marks(request: HttpRequest) -> dict[int, bool] | None:
    """``{registration id: attended}`` from the form: every shown row, ticked or not."""
    shown = request.POST.getlist("shown")
    ticked = set(request.POST.getlist("attended"))
    if not shown or not all(value.isdigit() for value in shown) or not ticked <= set(shown):
        return None
    return {int(value): value in ticked for value in shown}
