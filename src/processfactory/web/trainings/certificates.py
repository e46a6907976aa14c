"""Certificates: issuing them, print-ready pages with a QR code, and public verification."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from processfactory.web.registry import services
from processfactory.web.registry.models import Certificate, Training
from processfactory.web.registry.permissions import can_mark_attendance, deny_unless, role_required
from processfactory.web.registry.services import RegistryError
from processfactory.web.trainings.forms import VerifyForm
from processfactory.web.trainings.links import (
    looks_like_certificate_code,
    normalize_certificate_code,
    verification_url,
)
from processfactory.web.trainings.views import _detail, _visible_training

QR_SCALE = 3  # SVG units per QR module: ~3 cm wide printed, readable by any phone


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code of ``url`` (segno: only module paths, no external resources)."""
    svg = segno.make(url, error="m").svg_inline(scale=QR_SCALE, omitsize=False)
    return mark_safe(svg)  # noqa: S308  (segno's own SVG markup of an escaped-free URL path)


def _certificates(training: Training) -> list[Certificate]:
    return list(
        Certificate.objects.filter(registration__training=training)
        .select_related("registration__participant")
        .order_by("registration__participant__full_name", "id")
    )


def _sheet(request: HttpRequest, certificate: Certificate) -> dict[str, Any]:
    url = verification_url(request, str(certificate.code))
    return {"certificate": certificate, "verify_url": url, "qr": qr_svg(url)}


@require_POST
@role_required()
def issue_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    training = _visible_training(request, pk)
    deny_unless(can_mark_attendance(request.user, training))
    try:
        issued = services.issue_certificates(training)
    except RegistryError as error:
        messages.error(request, error.message)
        return _detail(training, "certificates")
    if issued:
        messages.success(request, _("Certificates issued: %(count)d.") % {"count": len(issued)})
    else:
        messages.info(request, _("Every attendee already has a certificate."))
    return _detail(training, "certificates")


@require_GET
@role_required()
def certificate_print_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Every certificate of the training, one A4 page each."""
    training = _visible_training(request, pk)
    sheets = [_sheet(request, certificate) for certificate in _certificates(training)]
    if not sheets:
        messages.info(request, _("No certificates yet: mark attendance, then issue them."))
        return _detail(training, "certificates")
    return render(request, "trainings/certificates.html", {"training": training, "sheets": sheets})


@require_GET
@role_required()
def certificate_print(request: HttpRequest, pk: int, certificate_pk: int) -> HttpResponse:
    """One attendee's certificate, print-ready."""
    training = _visible_training(request, pk)
    certificate = get_object_or_404(
        Certificate.objects.select_related("registration__participant"),
        pk=certificate_pk,
        registration__training=training,
    )
    return render(
        request,
        "trainings/certificates.html",
        {"training": training, "sheets": [_sheet(request, certificate)]},
    )


# ---------------------------------------------------------------------------------------------
# Public verification (no login)


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """The form to type a code; a valid-looking code goes to its verification page."""
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("trainings:verify_code", code=form.cleaned_data["code"])
    return render(
        request,
        "trainings/verify.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """Whose certificate ``code`` is (case and spaces do not matter); 404 for no such code."""
    normalized = normalize_certificate_code(code)
    certificate = None
    if looks_like_certificate_code(normalized):
        certificate = (
            Certificate.objects.select_related(
                "registration__participant",
                "registration__training__factory",
                "registration__training__trainer",
            )
            .filter(code=normalized)
            .first()
        )
    if certificate is not None and normalized != code:
        return redirect("trainings:verify_code", code=normalized)
    return render(
        request,
        "trainings/verify.html",
        {
            "form": VerifyForm(initial={"code": normalized if certificate is None else ""}),
            "certificate": certificate,
            "looked_up": code,
            "training": certificate.registration.training if certificate else None,
        },
        status=200 if certificate is not None else 404,
    )
