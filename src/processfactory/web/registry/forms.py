"""Registry forms: list filters (search and choices scoped to what the user may see) and the
create/edit forms of factories, trainers, enterprises and participants, and the import upload.

Choices always come from the ``permissions`` scoping functions, so a value outside the user's
reach is refused as an invalid choice rather than revealing anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from processfactory.web.registry.importing import MAX_FILE_BYTES, validate_phone
from processfactory.web.registry.models import (
    Enterprise,
    Factory,
    Participant,
    Registration,
    Trainer,
    Training,
)
from processfactory.web.registry.permissions import (
    can_manage_factory,
    can_manage_programme,
    enterprise_choices_for,
    enterprises_for,
    factories_for,
    trainings_for,
)
from processfactory.web.registry.validators import validate_inn

# ---------------------------------------------------------------------------------------------
# Search and filters


def search(queryset: QuerySet[Any], query: str, fields: Sequence[str]) -> QuerySet[Any]:
    """Rows where every word of ``query`` occurs in one of ``fields`` (ignoring case).

    SQLite folds only ASCII letters in ``LIKE``, so Cyrillic words are also tried lower-case,
    upper-case and capitalised ("иванов" finds "Иванов"); PostgreSQL folds them itself.
    """
    for word in query.split():
        variants = {word, word.lower(), word.upper(), word.capitalize()}
        condition = Q()
        for name in fields:
            for variant in variants:
                condition |= Q(**{f"{name}__icontains": variant})
        queryset = queryset.filter(condition)
    return queryset


def _any(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


class ListFilterForm(forms.Form):
    """A list's search box and filters, bound to the query string. A bad value is reported
    on its field and ignored; the other filters still apply."""

    search_fields: tuple[str, ...] = ()

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        self.user = user

    def filter(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            queryset = search(queryset, data["q"], self.search_fields)
        return self.apply(queryset, data)

    def apply(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        return queryset


class FactoryFilterForm(ListFilterForm):
    search_fields = ("name", "host_institution", "address")

    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    track = forms.ChoiceField(label=_("Track"), required=False, choices=())

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["status"].choices = _any(Factory.Status.choices)
        self.fields["track"].choices = _any(Training.Track.choices)

    def apply(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("track") == Training.Track.PRODUCTION:
            queryset = queryset.filter(has_production_track=True)
        elif data.get("track") == Training.Track.OFFICE:
            queryset = queryset.filter(has_office_track=True)
        return queryset


class TrainerFilterForm(ListFilterForm):
    search_fields = ("full_name", "email", "phone", "factory__name")

    factory = forms.ModelChoiceField(
        label=_("Home factory"), required=False, queryset=Factory.objects.none()
    )
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active only")), ("no", _("Inactive only"))],
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["factory"].queryset = factories_for(user)
        self.fields["factory"].empty_label = _("All")

    def apply(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("factory"):
            queryset = queryset.filter(factory=data["factory"])
        if data.get("active"):
            queryset = queryset.filter(is_active=data["active"] == "yes")
        return queryset


class EnterpriseFilterForm(ListFilterForm):
    search_fields = ("name", "tax_id", "district")

    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=())
    industry = forms.ChoiceField(label=_("Industry"), required=False, choices=())
    joined_year = forms.TypedChoiceField(
        label=_("Joined in"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["phase"].choices = _any(Enterprise.Phase.choices)
        self.fields["industry"].choices = _any(Enterprise.Industry.choices)
        years = range(Enterprise.FIRST_YEAR, Enterprise.LAST_YEAR + 1)
        self.fields["joined_year"].choices = _any((str(year), str(year)) for year in years)

    def apply(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("phase"):
            queryset = queryset.filter(phase=data["phase"])
        if data.get("industry"):
            queryset = queryset.filter(industry=data["industry"])
        if data.get("joined_year") is not None:
            queryset = queryset.filter(joined_year=data["joined_year"])
        return queryset


class ParticipantFilterForm(ListFilterForm):
    search_fields = ("full_name", "organisation", "email", "phone", "enterprise__name")

    category = forms.ChoiceField(label=_("Category"), required=False, choices=())
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), required=False, queryset=Enterprise.objects.none()
    )
    factory = forms.ModelChoiceField(
        label=_("Trained at"), required=False, queryset=Factory.objects.none()
    )

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data, user=user)
        self.fields["category"].choices = _any(Participant.Category.choices)
        self.fields["enterprise"].queryset = enterprises_for(user)
        self.fields["enterprise"].empty_label = _("All")
        self.fields["factory"].queryset = factories_for(user)
        self.fields["factory"].empty_label = _("All")

    def apply(self, queryset: QuerySet[Any], data: dict[str, Any]) -> QuerySet[Any]:
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        if data.get("enterprise"):
            queryset = queryset.filter(enterprise=data["enterprise"])
        if data.get("factory"):
            # only the user's own trainings there: who else trained at that factory is not theirs
            trainings = trainings_for(self.user).filter(factory=data["factory"])
            registrations = Registration.objects.filter(training__in=trainings.values("pk"))
            queryset = queryset.filter(
                pk__in=registrations.exclude(status=Registration.Status.CANCELLED).values(
                    "participant"
                )
            )
        return queryset


# ---------------------------------------------------------------------------------------------
# Create and edit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else str(obj.username)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return UserChoiceField.label_from_instance(self, obj)


class FactoryForm(forms.ModelForm):
    """A factory; its managers are set by the programme coordinator only."""

    managers = UserMultipleChoiceField(
        label=_("Managers"),
        required=False,
        queryset=User.objects.filter(is_active=True).order_by("username"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Factory
        fields = [
            "name",
            "host_institution",
            "address",
            "status",
            "opened_on",
            "has_production_track",
            "has_office_track",
            "managers",
        ]
        widgets = {"opened_on": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_manage_programme(user):
            del self.fields["managers"]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()
        if not data.get("has_production_track") and not data.get("has_office_track"):
            raise forms.ValidationError(
                _("A factory runs at least one track: production or office.")
            )
        return data


class PhoneCheckMixin:
    """A form's ``phone``: trimmed, and when given, checked as the import checks it."""

    cleaned_data: dict[str, Any]

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        if phone:
            validate_phone(phone)
        return phone


class TrainerForm(PhoneCheckMixin, forms.ModelForm):
    user = UserChoiceField(
        label=_("Login"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("The account the trainer logs in with, if they have one."),
    )

    class Meta:
        model = Trainer
        fields = ["full_name", "email", "phone", "factory", "is_active", "user"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        free = Q(trainer__isnull=True)
        if self.instance.pk is not None:
            free |= Q(trainer=self.instance)
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True).filter(free).order_by("username")
        )
        self.fields["factory"].queryset = factories_for(user)


class InnField(forms.CharField):
    """An INN as typed: spaces are dropped before the checksum is checked."""

    def to_python(self, value: Any) -> str:
        return re.sub(r"\s+", "", str(super().to_python(value)))


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "tax_id",
            "industry",
            "joined_year",
            "phase",
            "phase_changed_on",
            "district",
        ]
        field_classes = {"tax_id": InnField}
        widgets = {"phase_changed_on": DateInput()}


def trainings_open_for_registration(user: Any) -> QuerySet[Training]:
    """Draft and confirmed trainings at factories the user manages (all, for a coordinator):
    the ones they may register people for."""
    managed = [factory.pk for factory in factories_for(user) if can_manage_factory(user, factory)]
    return (
        trainings_for(user)
        .filter(factory__in=managed, status__in=[Training.Status.DRAFT, Training.Status.CONFIRMED])
        .select_related("factory")
        .order_by("date", "factory__name")
    )


def _training_field(user: Any) -> forms.ModelChoiceField:
    """Optional for the coordinator. A manager sees participants through their factory's
    trainings, so people they add must be registered for one of them."""
    coordinator = can_manage_programme(user)
    return forms.ModelChoiceField(
        label=_("Register for training"),
        queryset=trainings_open_for_registration(user),
        required=not coordinator,
        empty_label=_("Do not register") if coordinator else _("Choose a training"),
        help_text=None
        if coordinator
        else _("People you add appear in your lists through your factory's trainings."),
    )


class EnterpriseByInnField(forms.Field):
    """An enterprise given by its INN (as in the import), looked up among ``queryset``.

    Typing the INN instead of picking from a list: a manager may register employees of any
    programme enterprise (``enterprise_choices_for``) without the form listing them all.
    """

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, *, queryset: QuerySet[Enterprise], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.queryset = queryset

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Enterprise):
            return value.tax_id
        if isinstance(value, int):  # a model form's initial value is the enterprise's pk
            return self.queryset.filter(pk=value).values_list("tax_id", flat=True).first()
        return value

    def to_python(self, value: Any) -> Enterprise | None:
        inn = re.sub(r"\s+", "", str(value or ""))
        if not inn:
            return None
        validate_inn(inn)
        enterprise = self.queryset.filter(tax_id=inn).first()
        if enterprise is None:
            raise forms.ValidationError(
                gettext(
                    "No enterprise with INN %(inn)s is in the registry. Ask the programme "
                    "coordinator to add it, or correct the INN."
                )
                % {"inn": inn}
            )
        return enterprise


class ParticipantForm(PhoneCheckMixin, forms.ModelForm):
    """A participant; on creation, optionally (for managers: necessarily) registered for a
    training. An employee needs an enterprise (checked by the model, shown on the field)."""

    class Meta:
        model = Participant
        fields = ["full_name", "category", "organisation", "enterprise", "email", "phone"]

    def __init__(self, *args: Any, user: Any, with_training: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = EnterpriseByInnField(
            queryset=enterprise_choices_for(user),
            required=False,
            label=_("Enterprise INN"),
            help_text=_("10 digits; required for an enterprise employee."),
        )
        if with_training:
            self.fields["training"] = _training_field(user)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or Windows-1251, comma or semicolon) or XLSX, up to 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["training"] = _training_field(user)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            # checked before reading it: the importer would refuse it anyway
            raise forms.ValidationError(
                gettext("The file is too large: %(size)s; the limit is %(limit)s.")
                % {
                    "size": gettext("%(value)s MB") % {"value": f"{upload.size / 2**20:.1f}"},
                    "limit": gettext("%(value)s MB") % {"value": f"{MAX_FILE_BYTES / 2**20:.1f}"},
                }
            )
        return upload
