"""What may happen to a training, as functions: views and the API call these, never edit statuses.

Every change to a training's registrations runs in a transaction that first locks the training
row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the settings make every transaction take the
write lock at ``BEGIN IMMEDIATE``). So two people registering at once are counted one after the
other, and a group never exceeds ``Training.MAX_GROUP`` registered participants.

A refused action raises ``RegistryError`` whose ``message`` is translated and ready to show.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from processfactory.web.registry.models import (
    ApiToken,
    Certificate,
    Feedback,
    Participant,
    Registration,
    Training,
    hash_api_key,
    new_certificate_code,
)


class RegistryError(Exception):
    """A refused registry action; ``message`` says why, in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _locked(training: Training) -> Training:
    """The training's row, re-read and locked until the end of the current transaction."""
    return Training.objects.select_for_update().get(pk=training.pk)


def _registered(training: Training) -> int:
    return int(training.registrations.filter(status=Registration.Status.REGISTERED).count())


def _today() -> datetime.date:
    return timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Registrations


def register(training: Training, participant: Participant) -> Registration:
    """Register ``participant`` for ``training``; when the group is full
    (``Training.MAX_GROUP`` registered), put them on the waitlist instead.

    Returns the registration: ``status`` is ``registered`` or ``waitlisted``
    (``registration.is_waitlisted``). A participant who cancelled earlier registers again on the
    same row. Refused (``RegistryError``) for a held or cancelled training and for someone
    already registered or waitlisted.
    """
    with transaction.atomic():
        locked = _locked(training)
        if locked.status in (Training.Status.HELD, Training.Status.CANCELLED):
            raise RegistryError(
                _("Registration is closed: the training is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        existing = Registration.objects.filter(training=locked, participant=participant).first()
        if existing is not None and existing.status != Registration.Status.CANCELLED:
            raise RegistryError(
                _("%(participant)s is already on the list of this training.")
                % {"participant": participant}
            )
        status = (
            Registration.Status.REGISTERED
            if _registered(locked) < Training.MAX_GROUP
            else Registration.Status.WAITLISTED
        )
        if existing is None:
            return Registration.objects.create(
                training=locked, participant=participant, status=status
            )
        # registering again after cancelling: back at the end of the queue, as if new
        existing.status = status
        existing.attended = None
        existing.created_at = timezone.now()
        existing.save(update_fields=["status", "attended", "created_at"])
        return existing


def cancel_registration(registration: Registration) -> Registration | None:
    """Cancel ``registration``. If it held a place, the first waitlisted participant (earliest
    registration) takes it: returns that promoted registration, or ``None``.

    Refused when already cancelled or when the training has been held.
    """
    with transaction.atomic():
        locked = _locked(registration.training)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Registration.Status.CANCELLED:
            raise RegistryError(_("This registration is already cancelled."))
        if locked.status == Training.Status.HELD:
            raise RegistryError(_("The training has been held: its list cannot change."))
        had_place = current.status == Registration.Status.REGISTERED
        current.status = Registration.Status.CANCELLED
        current.save(update_fields=["status"])
        promoted = None
        if had_place:
            promoted = (
                locked.registrations.filter(status=Registration.Status.WAITLISTED)
                .order_by("created_at", "id")
                .first()
            )
            if promoted is not None:
                promoted.status = Registration.Status.REGISTERED
                promoted.save(update_fields=["status"])
    registration.refresh_from_db()
    return promoted


# ---------------------------------------------------------------------------------------------
# The training's life: draft → confirmed → held (or cancelled)


def confirm_training(training: Training) -> Training:
    """Confirm a draft training. Refused when it is not viable (fewer than
    ``Training.MIN_GROUP`` registered) or not a draft."""
    with transaction.atomic():
        locked = _locked(training)
        if locked.status != Training.Status.DRAFT:
            raise RegistryError(
                _("Only a draft training can be confirmed; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        count = _registered(locked)
        if count < Training.MIN_GROUP:
            raise RegistryError(
                _(
                    "The training is not viable: %(count)d registered, "
                    "at least %(min)d needed to confirm it."
                )
                % {"count": count, "min": Training.MIN_GROUP}
            )
        locked.status = Training.Status.CONFIRMED
        locked.save(update_fields=["status"])
    training.refresh_from_db()
    return training


def cancel_training(training: Training) -> Training:
    """Cancel a draft or confirmed training (registrations stay, for the record)."""
    with transaction.atomic():
        locked = _locked(training)
        if locked.status not in (Training.Status.DRAFT, Training.Status.CONFIRMED):
            raise RegistryError(
                _("This training cannot be cancelled: it is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        locked.status = Training.Status.CANCELLED
        locked.save(update_fields=["status"])
    training.refresh_from_db()
    return training


def mark_held(training: Training) -> Training:
    """Record that a confirmed training took place (on or after its date)."""
    with transaction.atomic():
        locked = _locked(training)
        if locked.status != Training.Status.CONFIRMED:
            raise RegistryError(
                _("Only a confirmed training can be marked as held; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        if _today() < locked.date:
            raise RegistryError(_("A training can be marked as held on or after its date."))
        locked.status = Training.Status.HELD
        locked.save(update_fields=["status"])
    training.refresh_from_db()
    return training


def mark_attendance(training: Training, marks: Mapping[int, bool]) -> int:
    """Mark who came: ``{registration_id: attended}``. Returns how many were marked.

    Allowed on or after the training date, for a confirmed or held training, and only for its
    registered participants (not waitlisted or cancelled). All or nothing: one bad id refuses
    the whole batch.
    """
    with transaction.atomic():
        locked = _locked(training)
        if locked.status not in (Training.Status.CONFIRMED, Training.Status.HELD):
            raise RegistryError(
                _("Attendance is marked for a confirmed or held training; this one is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        if _today() < locked.date:
            raise RegistryError(_("Attendance can be marked on or after the training date."))
        ids = set(marks)
        registered = set(
            locked.registrations.filter(
                pk__in=ids, status=Registration.Status.REGISTERED
            ).values_list("pk", flat=True)
        )
        if ids - registered:
            raise RegistryError(
                _("Attendance is marked only for registered participants of this training.")
            )
        for registration_id, attended in marks.items():
            Registration.objects.filter(pk=registration_id).update(attended=bool(attended))
    return len(ids)


def issue_certificates(training: Training) -> list[Certificate]:
    """Issue a certificate to every attendee of a held training who has none yet; returns the
    new certificates (calling it again issues only the missing ones)."""
    training.refresh_from_db(fields=["status"])
    if training.status != Training.Status.HELD:
        raise RegistryError(_("Certificates are issued for a held training only."))
    issued = []
    attendees = training.registrations.filter(
        status=Registration.Status.REGISTERED, attended=True, certificate__isnull=True
    )
    for registration in attendees:
        issued.append(_issue_certificate(registration))
    return issued


def _issue_certificate(registration: Registration, attempts: int = 5) -> Certificate:
    for _attempt in range(attempts):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    registration=registration, code=new_certificate_code()
                )
        except IntegrityError:
            # a code collision (~1 in 10^14 per pair) or a concurrent issue: check and retry
            existing = Certificate.objects.filter(registration=registration).first()
            if existing is not None:
                return existing
    raise RegistryError(_("Could not generate a unique certificate code; try again."))


def record_feedback(registration: Registration, score: int, comment: str = "") -> Feedback:
    """Record (or replace) an attendee's feedback: ``score`` 0–10 (NPS question)."""
    if not 0 <= score <= 10:
        raise RegistryError(_("The score is a whole number from 0 to 10."))
    if registration.attended is not True:
        raise RegistryError(_("Feedback is collected from attendees of the training."))
    feedback, _created = Feedback.objects.update_or_create(
        registration=registration, defaults={"score": score, "comment": comment}
    )
    return feedback


# ---------------------------------------------------------------------------------------------
# API tokens

API_KEY_PREFIX = "pf_"


def create_token(user: Any, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``: returns the stored token and the key, which is shown once
    (only its SHA-256 hash is stored)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_api_key(key))
    return token, key


def authenticate_token(key: str) -> ApiToken | None:
    """The active (not revoked) token with this key, its ``last_used_at`` updated; else ``None``."""
    if not key:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_api_key(key)).first()
    if token is None or token.revoked or not token.user.is_active:
        return None
    token.last_used_at = timezone.now()
    token.save(update_fields=["last_used_at"])
    return token


def revoke_token(token: ApiToken) -> None:
    token.revoked = True
    token.save(update_fields=["revoked"])
