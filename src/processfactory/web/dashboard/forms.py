"""The dashboard's filter: a year for the breakdowns, a factory, the date of the figures."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from processfactory.web.registry.models import Enterprise, Factory


class DashboardFilterForm(forms.Form):
    """GET parameters ``year``, ``factory`` (id) and ``as_of`` (YYYY-MM-DD); all optional."""

    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=Enterprise.FIRST_YEAR,
        max_value=Enterprise.LAST_YEAR,
        error_messages={"invalid": _("The year is a whole number, e.g. 2021.")},
    )
    factory = forms.ModelChoiceField(
        label=_("Factory"),
        queryset=Factory.objects.order_by("name"),
        required=False,
        empty_label=_("All factories"),
        error_messages={"invalid_choice": _("There is no such factory.")},
    )
    as_of = forms.DateField(
        label=_("Figures as of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2021-11-30.")},
    )

    def clean_as_of(self) -> datetime.date | None:
        value: datetime.date | None = self.cleaned_data.get("as_of")
        if value is not None and not (Enterprise.FIRST_YEAR <= value.year <= Enterprise.LAST_YEAR):
            raise forms.ValidationError(
                _("The date must fall between %(first)d and %(last)d.")
                % {"first": Enterprise.FIRST_YEAR, "last": Enterprise.LAST_YEAR}
            )
        return value

    def filters(self) -> dict[str, Any]:
        """The valid filters: ``year``, ``factory_ids``, ``as_of`` (``None`` when not given)."""
        data = self.cleaned_data if self.is_valid() else {}
        factory = data.get("factory")
        return {
            "year": data.get("year"),
            "factory_ids": [factory.pk] if factory is not None else None,
            "as_of": data.get("as_of"),
        }
