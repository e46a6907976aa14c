"""Forms of the training screens: filters, scheduling, registration, import, feedback."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from processfactory.web.registry.models import Factory, Participant, Trainer, Training
from processfactory.web.registry.permissions import (
    can_manage_factory,
    enterprise_choices_for,
    factories_for,
)
from processfactory.web.trainings.links import (
    looks_like_certificate_code,
    normalize_certificate_code,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def manageable_factories(user: Any) -> QuerySet[Factory]:
    """Factories where ``user`` may schedule trainings (``can_manage_factory``)."""
    ids = [factory.pk for factory in factories_for(user) if can_manage_factory(user, factory)]
    return Factory.objects.filter(pk__in=ids)


# ---------------------------------------------------------------------------------------------
# The list


class TrainingFilterForm(forms.Form):
    UPCOMING = "upcoming"
    PAST = "past"

    factory = forms.ModelChoiceField(
        label=_("Factory"), queryset=Factory.objects.none(), required=False, empty_label=_("all")
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    track = forms.ChoiceField(label=_("Track"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    when = forms.ChoiceField(label=_("When"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["factory"].queryset = factories_for(user)
        every = [("", _("all"))]
        self.fields["status"].choices = every + list(Training.Status.choices)
        self.fields["track"].choices = every + list(Training.Track.choices)
        self.fields["when"].choices = [
            ("", _("any time")),
            (self.UPCOMING, _("upcoming")),
            (self.PAST, _("past")),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def apply(self, trainings: QuerySet[Training], today: datetime.date) -> QuerySet[Training]:
        """``trainings`` narrowed by the valid filters (call after ``is_valid()``)."""
        data = self.cleaned_data if self.is_bound and not self.errors else {}
        if data.get("factory"):
            trainings = trainings.filter(factory=data["factory"])
        if data.get("status"):
            trainings = trainings.filter(status=data["status"])
        if data.get("track"):
            trainings = trainings.filter(track=data["track"])
        if data.get("date_from"):
            trainings = trainings.filter(date__gte=data["date_from"])
        if data.get("date_to"):
            trainings = trainings.filter(date__lte=data["date_to"])
        if data.get("when") == self.UPCOMING:
            trainings = trainings.filter(date__gte=today).order_by("date", "factory__name", "pk")
        elif data.get("when") == self.PAST:
            trainings = trainings.filter(date__lt=today)
        return trainings


# ---------------------------------------------------------------------------------------------
# Scheduling


class TrainerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Trainer) -> str:
        return f"{obj.full_name} ({obj.factory.name})"


class TrainingForm(forms.ModelForm):
    """Schedule or reschedule a training at a factory the user manages."""

    trainer = TrainerChoiceField(
        label=_("Trainer"), queryset=Trainer.objects.none(), required=False
    )

    class Meta:
        model = Training
        fields = ["factory", "date", "track", "trainer", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "factory": _("Factory"),
            "date": _("Date"),
            "track": _("Track"),
            "notes": _("Notes"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        factories = manageable_factories(user)
        self.fields["factory"].queryset = factories
        self.fields["factory"].empty_label = None
        # htmx: picking a factory reloads its tracks and trainers (views.training_fields)
        self.fields["factory"].widget.attrs.update(
            {
                "hx-get": reverse("trainings:training_fields"),
                "hx-trigger": "change",
                "hx-target": "#schedule-fields",
            }
        )
        trainers = Q(factory__in=factories, is_active=True)
        if self.instance.trainer_id is not None:
            trainers |= Q(pk=self.instance.trainer_id)
        self.fields["trainer"].queryset = (
            Trainer.objects.filter(trainers).select_related("factory").order_by("full_name")
        )
        self.fields["date"].help_text = _("One day; not in the past.")
        self.fields["trainer"].help_text = _("A trainer based at the chosen factory.")
        if not self.is_bound:
            self._offer_choices_of(self._shown_factory(factories))

    def _shown_factory(self, factories: QuerySet[Factory]) -> Factory | None:
        """The factory an unbound form opens with: the training's, the requested, or the first."""
        if self.instance.factory_id is not None:
            return factories.filter(pk=self.instance.factory_id).first()
        wanted = str(self.initial.get("factory") or "")
        shown = factories.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        return shown or factories.first()

    def _offer_choices_of(self, factory: Factory | None) -> None:
        """Offer only ``factory``'s tracks and trainers (the form still validates any choice,
        so a mismatch gets its precise message rather than "not one of the choices")."""
        if factory is None:
            return
        self.initial["factory"] = factory.pk
        trainer_field = self.fields["trainer"]
        trainer_field.queryset = trainer_field.queryset.filter(
            Q(factory=factory) | Q(pk=self.instance.trainer_id)
        )
        self.fields["track"].choices = [
            (value, label) for value, label in Training.Track.choices if factory.has_track(value)
        ]

    def clean_date(self) -> datetime.date:
        date: datetime.date = self.cleaned_data["date"]
        unchanged = self.instance.pk is not None and date == self.instance.date
        if not unchanged and date < timezone.localdate():
            raise forms.ValidationError(_("The date is in the past: choose today or later."))
        return date

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        factory: Factory | None = cleaned.get("factory")
        if factory is None:
            return cleaned
        track = cleaned.get("track")
        if track and not factory.has_track(track):
            self.add_error(
                "track",
                _("%(factory)s does not run the %(track)s track.")
                % {"factory": factory, "track": Training.Track(track).label},
            )
        trainer: Trainer | None = cleaned.get("trainer")
        if trainer is not None and trainer.factory_id != factory.pk:
            self.add_error(
                "trainer",
                _("%(trainer)s is based at %(home)s: choose a trainer of %(factory)s.")
                % {"trainer": trainer, "home": trainer.factory, "factory": factory},
            )
        return cleaned


# ---------------------------------------------------------------------------------------------
# Registration


class ParticipantSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a participant"), required=False, max_length=100)


class NewParticipantForm(forms.ModelForm):
    """A person not yet in the registry, created and registered in one step."""

    class Meta:
        model = Participant
        fields = ["full_name", "category", "organisation", "enterprise", "email", "phone"]
        labels = {
            "full_name": _("Full name"),
            "category": _("Category"),
            "organisation": _("Organisation"),
            "enterprise": _("Enterprise"),
            "email": _("Email"),
            "phone": _("Phone"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprise_choices_for(user)
        self.fields["enterprise"].help_text = _("Required for an enterprise employee.")

    def clean_full_name(self) -> str:
        name = " ".join(str(self.cleaned_data["full_name"]).split())
        if not name:
            raise forms.ValidationError(_("Enter the participant's full name."))
        return name


class ImportForm(forms.Form):
    """The upload only; ``registry.importing`` checks the file's type, size and every row."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("One participant per row, with a header row."),
        error_messages={"required": _("Choose the file to import.")},
    )


# ---------------------------------------------------------------------------------------------
# After the training day


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("Printed on the certificate, e.g. 7KQ2M9XPRT."),
    )

    def clean_code(self) -> str:
        code = normalize_certificate_code(self.cleaned_data["code"])
        if not looks_like_certificate_code(code):
            raise forms.ValidationError(
                _("A verification code has up to 16 letters and digits, as on the certificate.")
            )
        return code


SCORE_CHOICES = [(score, str(score)) for score in range(11)]


class FeedbackForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend this training to a friend or colleague?"),
        help_text=_("0 — not at all likely, 10 — extremely likely."),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 0 to 10.")},
    )
    comment = forms.CharField(
        label=_("What should we keep or change?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
