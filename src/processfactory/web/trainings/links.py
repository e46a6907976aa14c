"""Public links of a training: certificate verification and the attendee's feedback form.

Both open without a login. A feedback link carries the registration id signed with the
project's ``SECRET_KEY`` (``django.core.signing``), so it cannot be forged or pointed at
someone else's registration; a verification link carries the certificate code itself.
"""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest
from django.urls import reverse

from processfactory.web.registry.models import CERTIFICATE_ALPHABET, Registration

FEEDBACK_SALT = "processfactory.trainings.feedback"


class BadFeedbackLink(Exception):
    """The token is tampered with, truncated, or names no registration."""


def feedback_token(registration: Registration) -> str:
    """The signed token of ``registration``'s feedback link (the same every time it is shown)."""
    return signing.Signer(salt=FEEDBACK_SALT).sign_object({"registration": registration.pk})


def registration_for_feedback(token: str) -> Registration:
    """The registration a feedback token was made for; ``BadFeedbackLink`` otherwise."""
    try:
        payload = signing.Signer(salt=FEEDBACK_SALT).unsign_object(token)
    except signing.BadSignature as error:
        raise BadFeedbackLink from error
    registration_id = payload.get("registration") if isinstance(payload, dict) else None
    if not isinstance(registration_id, int):
        raise BadFeedbackLink
    registration = (
        Registration.objects.select_related("participant", "training", "training__factory")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        raise BadFeedbackLink
    return registration


def feedback_url(request: HttpRequest, registration: Registration) -> str:
    """The absolute feedback link of ``registration``, to share with the attendee."""
    path = reverse("trainings:feedback", args=[feedback_token(registration)])
    return request.build_absolute_uri(path)


def normalize_certificate_code(code: str) -> str:
    """A code as typed or read off paper: spaces and dashes dropped, letters upper-cased."""
    return "".join(ch for ch in code.upper() if not ch.isspace() and ch != "-")


def looks_like_certificate_code(code: str) -> bool:
    """Whether a normalized code is made of certificate characters at all (≤ 16 of them)."""
    return 0 < len(code) <= 16 and all(ch in CERTIFICATE_ALPHABET for ch in code)


def verification_url(request: HttpRequest, code: str) -> str:
    """The absolute public URL that verifies the certificate with ``code``."""
    return request.build_absolute_uri(reverse("trainings:verify_code", args=[code]))
