"""The dashboard's tables, built once from ``ProgrammeFigures`` and shown twice: in the page and
in the XLSX export, so both always carry the same numbers. Titles and headers are in the active
language."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from processfactory.web.dashboard.figures import (
    FactoryFigures,
    NpsFigure,
    ProgrammeFigures,
    TrainingFigures,
)
from processfactory.web.registry.models import Factory, Training


class Year(int):
    """A year in a table: a number in the spreadsheet, shown without digit grouping."""


Cell = str | int | float | datetime.date | None


@dataclass(frozen=True)
class Table:
    """A titled table: ``rows`` hold raw values (numbers stay numbers for the spreadsheet);
    ``highlighted`` are row indexes to emphasise (a manager's own factories)."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    highlighted: frozenset[int] = field(default_factory=frozenset)

    def display_rows(self) -> list[dict[str, Any]]:
        """Rows for the template: each cell as text and whether it is a number."""
        return [
            {
                "cells": [(display(cell), isinstance(cell, int | float)) for cell in row],
                "highlighted": i in self.highlighted,
            }
            for i, row in enumerate(self.rows)
        ]


def display(cell: Cell) -> str:
    """A cell as the page shows it: numbers in the active locale, ``—`` for no value."""
    if cell is None:
        return "—"
    if isinstance(cell, bool):
        return _("yes") if cell else _("no")
    if isinstance(cell, Year):
        return str(int(cell))
    if isinstance(cell, float):
        return str(number_format(round(cell, 2), force_grouping=True))
    if isinstance(cell, int):
        return str(number_format(cell, force_grouping=True))
    if isinstance(cell, datetime.date):
        return str(date_format(cell, "SHORT_DATE_FORMAT"))
    return str(cell)


def _source(interpolated: bool, target: int | None) -> str | None:
    if target is None:
        return None
    return _("interpolated") if interpolated else _("given")


def _nps(value: NpsFigure | None) -> float | None:
    return None if value is None else value.score


def _status(factory: FactoryFigures) -> str:
    return str(Factory.Status(factory.status).label)


def _track(training: TrainingFigures) -> str:
    return str(Training.Track(training.track).label)


# ---------------------------------------------------------------------------------------------


def people_table(figures: ProgrammeFigures) -> Table:
    return Table(
        key="people",
        title=_("Trained people: plan vs fact"),
        headers=(
            _("Year"),
            _("Trainings held"),
            _("Trained in the year"),
            _("New in the year"),
            _("Cumulative fact"),
            _("Cumulative target"),
            _("Target"),
            _("% of target"),
            _("NPS"),
        ),
        rows=tuple(
            (
                Year(y.year),
                y.trainings_held,
                y.people_trained,
                y.people_new,
                y.people_cumulative,
                y.people_target,
                _source(y.people_target_interpolated, y.people_target),
                y.people_percent_of_target,
                _nps(y.nps),
            )
            for y in figures.years
        ),
        note=_(
            "People are counted once: distinct participants who attended a held training. "
            "Interpolated targets lie on the straight line between the given ones."
        ),
    )


def enterprises_table(figures: ProgrammeFigures) -> Table:
    return Table(
        key="enterprises",
        title=_("Enrolled enterprises: plan vs fact"),
        headers=(
            _("Year"),
            _("Joined in the year"),
            _("Cumulative fact"),
            _("Cumulative target"),
            _("Target"),
            _("% of target"),
        ),
        rows=tuple(
            (
                Year(y.year),
                y.enterprises_joined,
                y.enterprises_cumulative,
                y.enterprises_target,
                _source(y.enterprises_target_interpolated, y.enterprises_target),
                y.enterprises_percent_of_target,
            )
            for y in figures.years
        ),
        note=_("Enterprises of the whole region, whatever factory filter is chosen."),
    )


def forecast_table(figures: ProgrammeFigures) -> Table:
    f = figures.forecast
    return Table(
        key="forecast",
        title=_("Forecast for the end of %(year)d") % {"year": f.horizon_year},
        headers=("", _("Trained people"), _("Enrolled enterprises")),
        rows=(
            (_("Fact so far"), f.people_so_far, f.enterprises_so_far),
            (_("From the schedule"), f.people_scheduled, None),
            (_("Rate so far (per month / per year)"), f.people_per_month, f.enterprises_per_year),
            (_("Extrapolated over (months / years)"), f.months_extrapolated, f.years_extrapolated),
            (_("Extrapolated"), f.people_extrapolated, f.enterprises_extrapolated),
            (_("Forecast"), f.people_forecast, f.enterprises_forecast),
            (_("Target"), f.people_target, f.enterprises_target),
            (_("Target minus forecast"), f.people_gap, f.enterprises_gap),
            (_("On track"), f.people_on_track, f.enterprises_on_track),
        ),
        note=_(
            "People: fact so far + the registered people of the %(trainings)d scheduled "
            "trainings (the average attendance for those not yet viable) + the rate of the "
            "last 12 months (%(rate)s newly trained a month) from the last scheduled "
            "training to the end of %(year)d. Enterprises: enrolled so far + the enrolment "
            "rate so far to the end of %(year)d."
        )
        % {
            "trainings": f.scheduled_trainings,
            "rate": display(f.people_per_month),
            "year": f.horizon_year,
        },
    )


def people_cadence_table(figures: ProgrammeFigures) -> Table:
    return Table(
        key="people_cadence",
        title=_("Training cadence needed for the people targets"),
        headers=(
            _("By the end of"),
            _("Target"),
            _("Target"),
            _("Still to train"),
            _("Trainings needed"),
            _("Months left"),
            _("Trainings a month"),
            _("A month per open factory"),
            _("A month per factory, all open"),
        ),
        rows=tuple(
            (
                Year(c.year),
                c.target,
                _source(c.target_interpolated, c.target),
                c.people_remaining,
                c.trainings_remaining,
                c.months_left,
                c.trainings_per_month,
                c.trainings_per_month_per_open_factory,
                c.trainings_per_month_per_factory_if_all_open,
            )
            for c in figures.people_cadence
        ),
        note=_(
            "At %(attendance)s attendees per training; %(open)d open factories, "
            "%(current)s trainings a month per open factory over the last 12 months."
        )
        % {
            "attendance": display(figures.average_attendance),
            "open": figures.factories_open,
            "current": display(figures.current_trainings_per_month_per_open_factory),
        },
    )


def enterprise_cadence_table(figures: ProgrammeFigures) -> Table:
    return Table(
        key="enterprise_cadence",
        title=_("Enrolment needed for the enterprise targets"),
        headers=(
            _("By the end of"),
            _("Target"),
            _("Target"),
            _("Still to enrol"),
            _("Years left"),
            _("Enterprises a year"),
        ),
        rows=tuple(
            (
                Year(c.year),
                c.target,
                _source(c.target_interpolated, c.target),
                c.enterprises_remaining,
                c.years_left,
                c.enterprises_per_year,
            )
            for c in figures.enterprise_cadence
        ),
    )


def factories_table(
    figures: ProgrammeFigures, year: int | None, highlight: Iterable[int] = ()
) -> Table:
    marked = set(highlight)
    rows: list[tuple[Cell, ...]] = []
    highlighted = set()
    for i, f in enumerate(figures.factories):
        score: NpsFigure | None
        if year is None:
            held, people, score = f.trainings_held, f.people_trained, f.nps
        else:
            row = next((r for r in f.by_year if r.year == year), None)
            held = row.trainings_held if row else 0
            people = row.people_trained if row else 0
            score = row.nps if row else None
        rows.append(
            (
                f.name,
                _status(f),
                f.opened_on,
                held,
                f.trainings_scheduled,
                f.trainings_cancelled,
                people,
                f.average_attendance,
                _nps(score),
                score.responses if score else 0,
            )
        )
        if f.factory_id in marked:
            highlighted.add(i)
    title = _("By factory")
    if year is not None:
        title = _("By factory in %(year)d") % {"year": year}
    return Table(
        key="factories",
        title=title,
        headers=(
            _("Factory"),
            _("Status"),
            _("Opened on"),
            _("Trainings held"),
            _("Scheduled"),
            _("Cancelled"),
            _("Trained people"),
            _("Average attendance"),
            _("NPS"),
            _("Answers"),
        ),
        rows=tuple(rows),
        highlighted=frozenset(highlighted),
    )


def categories_table(figures: ProgrammeFigures, year: int | None) -> Table:
    rows: list[tuple[Cell, ...]] = []
    counts = []
    for c in figures.categories:
        if year is None:
            count = c.people_trained
        else:
            count = next((r.people_trained for r in c.by_year if r.year == year), 0)
        counts.append((c.label, count))
    total = sum(count for _label, count in counts)
    for label, count in counts:
        rows.append((label, count, round(100.0 * count / total, 1) if total else None))
    title = _("By category")
    if year is not None:
        title = _("By category in %(year)d") % {"year": year}
    return Table(
        key="categories",
        title=title,
        headers=(_("Category"), _("Trained people"), _("Share, %")),
        rows=tuple(rows),
    )


def trainings_table(
    figures: ProgrammeFigures, year: int | None, visible: Iterable[int] | None = None
) -> Table:
    allowed = None if visible is None else set(visible)
    rows = tuple(
        (
            t.date,
            t.factory_name,
            _track(t),
            t.registered,
            t.attended,
            t.nps.responses,
            t.nps.score,
        )
        for t in figures.trainings
        if (year is None or t.date.year == year) and (allowed is None or t.training_id in allowed)
    )
    return Table(
        key="trainings",
        title=_("NPS by training"),
        headers=(
            _("Date"),
            _("Factory"),
            pgettext("training", "Track"),
            _("Registered"),
            _("Attended"),
            _("Answers"),
            _("NPS"),
        ),
        rows=rows,
    )
