"""The programme dashboard (coordinators and managers) and its XLSX export.

Both show ``figures.programme_figures`` through the same ``tables``; the filter (``year`` for the
breakdowns, ``factory``, ``as_of``) is read by ``forms.DashboardFilterForm``. A bad filter is
refused with its message (400) and the page shows the unfiltered figures. Managers see the
region's figures with their own factories highlighted; the per-training table lists only the
trainings they may see (``trainings_for``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from processfactory.web.dashboard import tables
from processfactory.web.dashboard.charts import dashboard_charts
from processfactory.web.dashboard.export import dashboard_workbook
from processfactory.web.dashboard.figures import ProgrammeFigures, programme_figures
from processfactory.web.dashboard.forms import DashboardFilterForm
from processfactory.web.registry.permissions import (
    can_view_dashboard,
    is_coordinator,
    role_required,
    visible_training_ids,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filtered(request: HttpRequest) -> tuple[DashboardFilterForm, ProgrammeFigures, int | None]:
    form = DashboardFilterForm(request.GET or None)
    filters = (
        form.filters() if form.is_bound else {"year": None, "factory_ids": None, "as_of": None}
    )
    figures = programme_figures(as_of=filters["as_of"], factory_ids=filters["factory_ids"])
    year = filters["year"]
    if year is not None and not figures.first_year <= year <= figures.as_of.year:
        form.add_error(
            "year",
            _("There are no figures for %(year)d: they cover %(first)d to %(last)d.")
            % {"year": year, "first": figures.first_year, "last": figures.as_of.year},
        )
        year = None
    return form, figures, year


def _tables(
    request: HttpRequest, figures: ProgrammeFigures, year: int | None
) -> list[tables.Table]:
    user = request.user
    own = [] if is_coordinator(user) else list(user.managed_factories.values_list("pk", flat=True))
    visible = visible_training_ids(user)
    return [
        tables.people_table(figures),
        tables.enterprises_table(figures),
        tables.forecast_table(figures),
        tables.people_cadence_table(figures),
        tables.enterprise_cadence_table(figures),
        tables.factories_table(figures, year, highlight=own),
        tables.categories_table(figures, year),
        tables.trainings_table(figures, year, visible=visible),
    ]


@role_required(can_view_dashboard)
def index(request: HttpRequest) -> HttpResponse:
    form, figures, year = _filtered(request)
    current = figures.year(figures.as_of.year)
    context: dict[str, Any] = {
        "form": form,
        "figures": figures,
        "current": current,
        "year": year,
        "tables": _tables(request, figures, year),
        "charts": dashboard_charts(figures, year),
        "query": request.GET.urlencode() if not form.errors else "",
    }
    return render(request, "dashboard/index.html", context, status=400 if form.errors else 200)


@role_required(can_view_dashboard)
def export(request: HttpRequest) -> HttpResponse:
    form, figures, year = _filtered(request)
    if form.errors:
        context = {
            "form": form,
            "figures": figures,
            "current": figures.year(figures.as_of.year),
            "year": None,
            "tables": _tables(request, figures, None),
            "charts": dashboard_charts(figures, None),
            "query": "",
        }
        return render(request, "dashboard/index.html", context, status=400)
    content = dashboard_workbook(figures, _tables(request, figures, year))
    response = HttpResponse(content, content_type=XLSX)
    filename = f"programme-dashboard-{figures.as_of:%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
