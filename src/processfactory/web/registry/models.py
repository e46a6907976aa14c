"""Registry models: who trains where, who comes, and what the programme aims for.

A factory runs one-day trainings for groups of ``Training.MIN_GROUP``–``Training.MAX_GROUP``
people on a production or an office track. People register; past the group size they are
waitlisted. After a held training, attendees get a certificate and leave feedback (NPS).
State changes go through ``registry.services``, never by editing statuses in views.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from processfactory.web.registry.validators import validate_inn

# ---------------------------------------------------------------------------------------------
# Factories and trainers


class Factory(models.Model):
    """A Process Factory: a learning factory hosted by an educational institution."""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("factory status", "planned")
        OPEN = "open", pgettext_lazy("factory status", "open")

    name = models.CharField(_("name"), max_length=200, unique=True)
    host_institution = models.CharField(_("host institution"), max_length=300)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    has_production_track = models.BooleanField(_("production track"), default=True)
    has_office_track = models.BooleanField(_("office track"), default=False)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="managed_factories",
        blank=True,
        verbose_name=_("managers"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("factory")
        verbose_name_plural = _("factories")

    def __str__(self) -> str:
        return str(self.name)

    def clean(self) -> None:
        if self.status == self.Status.OPEN and self.opened_on is None:
            raise ValidationError({"opened_on": _("An open factory needs its opening date.")})

    def has_track(self, track: str) -> bool:
        """Whether the factory runs trainings on ``track`` (a ``Training.Track`` value)."""
        if track == Training.Track.PRODUCTION:
            return bool(self.has_production_track)
        if track == Training.Track.OFFICE:
            return bool(self.has_office_track)
        return False


class Trainer(models.Model):
    """A trainer, based at a home factory; may have a login (``user``) or not yet."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainer",
        verbose_name=_("user"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    factory = models.ForeignKey(
        Factory,
        on_delete=models.PROTECT,
        related_name="trainers",
        verbose_name=_("home factory"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")

    def __str__(self) -> str:
        return str(self.full_name)


# ---------------------------------------------------------------------------------------------
# Enterprises and participants


class Enterprise(models.Model):
    """An enterprise in the national project "Labour productivity"."""

    class Industry(models.TextChoices):
        MANUFACTURING = "manufacturing", _("manufacturing")
        FOOD = "food", _("food industry")
        CHEMICALS = "chemicals", _("chemicals")
        MACHINERY = "machinery", _("machinery")
        WOOD = "wood", _("wood processing")
        CONSTRUCTION_MATERIALS = "construction_materials", _("construction materials")
        LOGISTICS = "logistics", _("logistics")
        OTHER = "other", _("other")

    class Phase(models.TextChoices):
        DIAGNOSTICS = "diagnostics", _("diagnostics")
        MAIN = "main", _("main phase")
        SUSTAINING = "sustaining", _("sustaining")

    FIRST_YEAR = 2019
    LAST_YEAR = 2030

    name = models.CharField(_("name"), max_length=300)
    tax_id = models.CharField(_("INN"), max_length=10, unique=True, validators=[validate_inn])
    industry = models.CharField(
        _("industry"), max_length=32, choices=Industry.choices, default=Industry.OTHER
    )
    joined_year = models.PositiveSmallIntegerField(
        _("joined the programme in"),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    phase = models.CharField(
        _("phase"), max_length=16, choices=Phase.choices, default=Phase.DIAGNOSTICS
    )
    phase_changed_on = models.DateField(_("phase changed on"), null=True, blank=True)
    district = models.CharField(_("district"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["joined_year"]), models.Index(fields=["phase"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(joined_year__gte=2019) & Q(joined_year__lte=2030),
                name="enterprise_joined_year_in_programme",
            ),
        ]

    def __str__(self) -> str:
        return str(self.name)


class Participant(models.Model):
    """A person who comes to trainings: an enterprise employee, a student or a public officer."""

    class Category(models.TextChoices):
        EMPLOYEE = "employee", _("enterprise employee")
        STUDENT = "student", _("student")
        OFFICER = "officer", _("public officer")

    full_name = models.CharField(_("full name"), max_length=200)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("enterprise"),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        indexes = [models.Index(fields=["category"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(category="employee") | Q(enterprise__isnull=False),
                name="participant_employee_has_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return str(self.full_name)

    def clean(self) -> None:
        if self.category == self.Category.EMPLOYEE and self.enterprise_id is None:
            raise ValidationError(
                {"enterprise": _("An enterprise employee needs their enterprise.")}
            )


# ---------------------------------------------------------------------------------------------
# Trainings and registrations


class TrainingQuerySet(models.QuerySet["Training"]):
    def with_counts(self) -> TrainingQuerySet:
        """Annotate ``registered_total`` and ``waitlisted_total`` (used by ``registered_count``
        instead of one query per training in lists)."""
        return self.annotate(
            registered_total=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
            ),
            waitlisted_total=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
            ),
        )


class Training(models.Model):
    """One training day at a factory for one group (``MIN_GROUP``–``MAX_GROUP`` people)."""

    MIN_GROUP = 12
    MAX_GROUP = 16

    class Track(models.TextChoices):
        PRODUCTION = "production", _("production")
        OFFICE = "office", _("office")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("training status", "draft")
        CONFIRMED = "confirmed", pgettext_lazy("training status", "confirmed")
        HELD = "held", pgettext_lazy("training status", "held")
        CANCELLED = "cancelled", pgettext_lazy("training status", "cancelled")

    factory = models.ForeignKey(
        Factory, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("factory")
    )
    date = models.DateField(_("date"))
    track = models.CharField(
        _("track"), max_length=16, choices=Track.choices, default=Track.PRODUCTION
    )
    trainer = models.ForeignKey(
        Trainer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("trainer"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "factory__name", "track"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        indexes = [
            models.Index(fields=["factory", "date"]),
            models.Index(fields=["date"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.factory} · {self.date:%Y-%m-%d} · {self.get_track_display()}"

    def clean(self) -> None:
        if self.factory_id is not None and not self.factory.has_track(self.track):
            raise ValidationError({"track": _("This factory does not run this track.")})

    @property
    def registered_count(self) -> int:
        """Registrations with status ``registered`` (waitlisted and cancelled not counted)."""
        annotated = self.__dict__.get("registered_total")
        if annotated is not None:
            return int(annotated)
        return int(self.registrations.filter(status=Registration.Status.REGISTERED).count())

    @property
    def is_viable(self) -> bool:
        """Enough people registered to hold the training (at least ``MIN_GROUP``)."""
        return self.registered_count >= self.MIN_GROUP

    @property
    def is_full(self) -> bool:
        """No registered place left: the next person goes on the waitlist."""
        return self.registered_count >= self.MAX_GROUP


class Registration(models.Model):
    """A participant's place in a training (or on its waitlist)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("registration status", "registered")
        WAITLISTED = "waitlisted", pgettext_lazy("registration status", "waitlisted")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "cancelled")

    training = models.ForeignKey(
        Training,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("training"),
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("participant"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    # None: not marked yet; True: came; False: did not come.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        # the waitlist order: first come, first promoted
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["training", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "participant"], name="registration_once_per_training"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.training}"

    @property
    def is_waitlisted(self) -> bool:
        return bool(self.status == self.Status.WAITLISTED)


# ---------------------------------------------------------------------------------------------
# After the training day


# No 0/O, 1/I/L: a code read off paper and typed in must not be ambiguous.
CERTIFICATE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CERTIFICATE_CODE_LENGTH = 10


def new_certificate_code() -> str:
    """A random verification code: 10 characters from ``CERTIFICATE_ALPHABET`` (~49 bits)."""
    return "".join(
        secrets.choice(CERTIFICATE_ALPHABET) for _position in range(CERTIFICATE_CODE_LENGTH)
    )


class Certificate(models.Model):
    """Proof that a participant attended a held training; verifiable by its code."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("registration"),
    )
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return str(self.code)


class Feedback(models.Model):
    """A participant's answer after the training: "How likely are you to recommend it?" 0–10."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("registration"),
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=10), name="feedback_score_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registration}: {self.score}"


# ---------------------------------------------------------------------------------------------
# Programme targets and API tokens


class ProgrammeTarget(models.Model):
    """A cumulative programme target: the value to reach by the end of ``year``."""

    class Metric(models.TextChoices):
        TRAINED_PEOPLE = "trained_people", _("trained people")
        ENROLLED_ENTERPRISES = "enrolled_enterprises", _("enrolled enterprises")

    metric = models.CharField(_("metric"), max_length=32, choices=Metric.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    cumulative_value = models.PositiveIntegerField(_("cumulative target"))

    class Meta:
        ordering = ["metric", "year"]
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        constraints = [
            models.UniqueConstraint(fields=["metric", "year"], name="target_once_per_metric_year"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.year}: {self.cumulative_value}"


def hash_api_key(key: str) -> str:
    """SHA-256 hex digest of an API key: only the hash is stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """A named API key of a user. The key itself is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user}: {self.name}"

    def matches(self, key: str) -> bool:
        return secrets.compare_digest(str(self.key_hash), hash_api_key(key))


__all__ = [
    "CERTIFICATE_ALPHABET",
    "ApiToken",
    "Certificate",
    "Enterprise",
    "Factory",
    "Feedback",
    "Participant",
    "ProgrammeTarget",
    "Registration",
    "Trainer",
    "Training",
    "TrainingQuerySet",
    "hash_api_key",
    "new_certificate_code",
]
