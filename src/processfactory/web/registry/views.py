"""Registry screens: lists (search, filters, pages, htmx live search), details, create/edit
forms, CSV exports and the participant import.

Who sees and does what is decided by ``permissions`` (scoping functions and checks), never here:
a list shows its ``*_for(user)`` queryset, a detail page of an object outside it is a 403.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from processfactory.web.registry import forms
from processfactory.web.registry.importing import (
    COLUMN_LABELS,
    ImportResult,
    import_participants,
    participant_template_xlsx,
)
from processfactory.web.registry.models import (
    Enterprise,
    Factory,
    Participant,
    Trainer,
    Training,
)
from processfactory.web.registry.permissions import (
    can_manage_factory,
    can_manage_programme,
    can_register_people,
    deny_unless,
    enterprises_for,
    factories_for,
    participants_for,
    role_required,
    trainers_for,
    trainings_for,
)
from processfactory.web.registry.services import RegistryError, register

PAGE_SIZE = 25


# ---------------------------------------------------------------------------------------------
# Shared parts


def _wants_table_only(request: HttpRequest) -> bool:
    """An htmx live-search request swaps only the results (a history restore needs the page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _list_page(
    request: HttpRequest,
    name: str,
    queryset: QuerySet[Any],
    filters: forms.ListFilterForm,
    **context: Any,
) -> HttpResponse:
    page = Paginator(filters.filter(queryset), PAGE_SIZE).get_page(request.GET.get("page"))
    context.update({"filters": filters, "page": page})
    # registry/<name>_list.html includes registry/_<name>_table.html, the part htmx swaps (it
    # extends registry/_results.html: the count, the CSV link at ``export_url``, the pages)
    table_only = _wants_table_only(request)
    template = f"registry/_{name}_table.html" if table_only else f"registry/{name}_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _visible(queryset: QuerySet[Any], model: type[Model], pk: int) -> Any:
    """The object, if the user's scope holds it: 404 when it does not exist, 403 when it is
    not theirs."""
    obj = get_object_or_404(model, pk=pk)
    deny_unless(queryset.filter(pk=pk).exists())
    return obj


def _form_page(
    request: HttpRequest, form: Any, *, title: str, cancel_url: str, **context: Any
) -> HttpResponse:
    context.update({"form": form, "title": title, "cancel_url": cancel_url})
    return render(request, "registry/form.html", context)


def _edit_page(request: HttpRequest, form: Any, name: str, title: str) -> HttpResponse:
    """The create or edit form of a registry ``name`` (``factory``, ``trainer``…): once saved,
    the object's detail page; until then the form, whose cancel goes back to the object (edit)
    or to the list (create)."""
    if request.method == "POST" and form.is_valid():
        return redirect(f"registry:{name}_detail", pk=form.save().pk)
    pk = form.instance.pk
    cancel_url = _url(f"registry:{name}_detail", pk=pk) if pk else _url(f"registry:{name}_list")
    return _form_page(request, form, title=title, cancel_url=cancel_url)


def _csv_safe(value: Any) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "@", "\t", "\r") or (
        text[:1] in ("+", "-") and not text[1:].replace(" ", "").replace("-", "").isdigit()
    ):
        return "'" + text
    return text


def _csv_response(name: str, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    # the BOM makes Excel read the file as UTF-8 (Cyrillic names intact)
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_safe(value) for value in row])
    return response


# ---------------------------------------------------------------------------------------------
# Factories


@role_required()
def factory_list(request: HttpRequest) -> HttpResponse:
    filters = forms.FactoryFilterForm(request.GET, user=request.user)
    factories = (
        factories_for(request.user)
        .annotate(trainer_total=Count("trainers", distinct=True))
        .order_by("name")
    )
    return _list_page(
        request,
        "factory",
        factories,
        filters,
        can_create=can_manage_programme(request.user),
    )


@role_required()
def factory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    factory = _visible(factories_for(request.user), Factory, pk)
    trainings = (
        trainings_for(request.user).filter(factory=factory).with_counts().select_related("trainer")
    )
    context = {
        "factory": factory,
        "trainers": trainers_for(request.user).filter(factory=factory),
        "trainings": trainings[:20],
        "training_total": trainings.count(),
        "managers": factory.managers.all(),
        "can_edit": can_manage_factory(request.user, factory),
    }
    return render(request, "registry/factory_detail.html", context)


@role_required(can_manage_programme)
def factory_create(request: HttpRequest) -> HttpResponse:
    form = forms.FactoryForm(request.POST or None, user=request.user)
    return _edit_page(request, form, "factory", _("New factory"))


@role_required()
def factory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    factory = get_object_or_404(Factory, pk=pk)
    deny_unless(can_manage_factory(request.user, factory))
    form = forms.FactoryForm(request.POST or None, instance=factory, user=request.user)
    return _edit_page(request, form, "factory", _("Edit factory"))


# ---------------------------------------------------------------------------------------------
# Trainers


@role_required()
def trainer_list(request: HttpRequest) -> HttpResponse:
    filters = forms.TrainerFilterForm(request.GET, user=request.user)
    return _list_page(
        request,
        "trainer",
        trainers_for(request.user).select_related("factory"),
        filters,
        can_create=can_manage_programme(request.user),
    )


@role_required()
def trainer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    trainer = _visible(trainers_for(request.user).select_related("factory"), Trainer, pk)
    trainings = trainings_for(request.user).filter(trainer=trainer).with_counts()
    context = {
        "trainer": trainer,
        "trainings": trainings.select_related("factory")[:20],
        "training_total": trainings.count(),
        "can_edit": can_manage_programme(request.user),
    }
    return render(request, "registry/trainer_detail.html", context)


@role_required(can_manage_programme)
def trainer_create(request: HttpRequest) -> HttpResponse:
    form = forms.TrainerForm(request.POST or None, user=request.user)
    return _edit_page(request, form, "trainer", _("New trainer"))


@role_required(can_manage_programme)
def trainer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    trainer = get_object_or_404(Trainer, pk=pk)
    form = forms.TrainerForm(request.POST or None, instance=trainer, user=request.user)
    return _edit_page(request, form, "trainer", _("Edit trainer"))


# ---------------------------------------------------------------------------------------------
# Enterprises


def _enterprises(request: HttpRequest) -> tuple[QuerySet[Enterprise], forms.ListFilterForm]:
    """The user's enterprises with ``participant_total``: their participants the user sees."""
    filters = forms.EnterpriseFilterForm(request.GET, user=request.user)
    visible = participants_for(request.user).values("pk")
    enterprises = (
        enterprises_for(request.user)
        .annotate(
            participant_total=Count(
                "participants", filter=Q(participants__in=visible), distinct=True
            )
        )
        .order_by("name")
    )
    return enterprises, filters


@role_required()
def enterprise_list(request: HttpRequest) -> HttpResponse:
    enterprises, filters = _enterprises(request)
    return _list_page(
        request,
        "enterprise",
        enterprises,
        filters,
        can_create=can_manage_programme(request.user),
        export_url=_url("registry:enterprise_export"),
    )


@role_required()
def enterprise_export(request: HttpRequest) -> HttpResponse:
    enterprises, filters = _enterprises(request)
    header = [
        _("Name"),
        _("INN"),
        _("Industry"),
        _("Joined in"),
        _("Phase"),
        _("Phase changed on"),
        _("District"),
        _("Participants"),
    ]
    rows = (
        [
            e.name,
            e.tax_id,
            e.get_industry_display(),
            e.joined_year,
            e.get_phase_display(),
            e.phase_changed_on.isoformat() if e.phase_changed_on else "",
            e.district,
            e.participant_total,
        ]
        for e in filters.filter(enterprises)
    )
    return _csv_response("enterprises", header, rows)


@role_required()
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = _visible(enterprises_for(request.user), Enterprise, pk)
    participants = participants_for(request.user).filter(enterprise=enterprise)
    context = {
        "enterprise": enterprise,
        "participants": participants[:50],
        "participant_total": participants.count(),
        "can_edit": can_manage_programme(request.user),
    }
    return render(request, "registry/enterprise_detail.html", context)


@role_required(can_manage_programme)
def enterprise_create(request: HttpRequest) -> HttpResponse:
    form = forms.EnterpriseForm(request.POST or None)
    return _edit_page(request, form, "enterprise", _("New enterprise"))


@role_required(can_manage_programme)
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    form = forms.EnterpriseForm(request.POST or None, instance=enterprise)
    return _edit_page(request, form, "enterprise", _("Edit enterprise"))


# ---------------------------------------------------------------------------------------------
# Participants


def _participants(request: HttpRequest) -> tuple[QuerySet[Participant], forms.ListFilterForm]:
    filters = forms.ParticipantFilterForm(request.GET, user=request.user)
    return participants_for(request.user).select_related("enterprise"), filters


@role_required()
def participant_list(request: HttpRequest) -> HttpResponse:
    participants, filters = _participants(request)
    return _list_page(
        request,
        "participant",
        participants,
        filters,
        can_create=can_register_people(request.user),
        export_url=_url("registry:participant_export"),
    )


@role_required()
def participant_export(request: HttpRequest) -> HttpResponse:
    """The filtered list with the import's columns, so an export can be edited and imported."""
    participants, filters = _participants(request)
    header = [str(label) for label in COLUMN_LABELS.values()]
    rows = (
        [
            p.full_name,
            p.get_category_display(),
            p.organisation,
            p.enterprise.tax_id if p.enterprise else "",
            p.email,
            p.phone,
        ]
        for p in filters.filter(participants)
    )
    return _csv_response("participants", header, rows)


@role_required()
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _visible(
        participants_for(request.user).select_related("enterprise"), Participant, pk
    )
    # only the trainings the user may see: a participant's other factories are not theirs
    registrations = participant.registrations.filter(
        training__in=trainings_for(request.user).values("pk")
    ).select_related("training__factory")
    context = {
        "participant": participant,
        "registrations": registrations,
        "can_edit": can_register_people(request.user),
    }
    return render(request, "registry/participant_detail.html", context)


@role_required(can_register_people)
def participant_create(request: HttpRequest) -> HttpResponse:
    form = forms.ParticipantForm(request.POST or None, user=request.user, with_training=True)
    if request.method == "POST" and form.is_valid():
        training: Training | None = form.cleaned_data.get("training")
        try:
            with transaction.atomic():
                participant = form.save()
                registration = register(training, participant) if training else None
        except RegistryError as error:
            form.add_error("training", error.message)
        else:
            if registration is not None and registration.is_waitlisted:
                message = _("%(participant)s is added and waitlisted for %(training)s.")
            elif registration is not None:
                message = _("%(participant)s is added and registered for %(training)s.")
            else:
                message = _("%(participant)s is added.")
            messages.success(request, message % {"participant": participant, "training": training})
            return redirect("registry:participant_detail", pk=participant.pk)
    return _form_page(
        request, form, title=_("New participant"), cancel_url=_url("registry:participant_list")
    )


@role_required(can_register_people)
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _visible(participants_for(request.user), Participant, pk)
    form = forms.ParticipantForm(request.POST or None, instance=participant, user=request.user)
    return _edit_page(request, form, "participant", _("Edit participant"))


@role_required(can_register_people)
def participant_import(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None, user=request.user)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result: ImportResult = import_participants(
            upload.read(),
            upload.name,
            user=request.user,
            training=form.cleaned_data.get("training"),
        )
        context = {"result": result, "filename": upload.name}
        context["training"] = form.cleaned_data.get("training")
        context["form"] = forms.ImportForm(user=request.user) if result.ok else form
    return render(request, "registry/participant_import.html", context)


@role_required(can_register_people)
def participant_import_template(request: HttpRequest) -> HttpResponse:
    language = (get_language() or "ru").split("-")[0]
    response = HttpResponse(
        participant_template_xlsx(language),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="participants-template.xlsx"'
    return response


def _url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs or None)
