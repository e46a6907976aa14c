"""The programme's figures: people trained and enterprises enrolled against the targets.

``programme_figures(as_of=…, factory_ids=…)`` reads the registry and returns one frozen
``ProgrammeFigures``; the dashboard page, its XLSX export and the API (``/api/dashboard``, which
serves ``ProgrammeFigures.to_dict()``) all show exactly these numbers. Every figure is computed
from the database as it stood on ``as_of``; nothing is stored.

Definitions (the words the page and the export use):

- **trained person**: a participant with a ``registered`` registration marked ``attended`` in a
  ``held`` training dated on or before ``as_of``. People are counted once (distinct
  participants), whatever the number of trainings they attended.
- **people trained in a year**: distinct participants who attended a held training dated in that
  year. **New in a year**: those whose first attended training is in that year.
  **Cumulative**: distinct participants trained from the start up to the end of that year (so the
  cumulative figure is the running sum of *new*, not of *trained in a year*).
- **enrolled enterprise**: an ``Enterprise`` whose ``joined_year`` is on or before ``as_of``'s
  year (the registry records the year of joining, not the day). **Sustaining**: enrolled and in
  the ``sustaining`` phase, i.e. past the main phase (the phase as recorded now).
- **target**: ``ProgrammeTarget.cumulative_value``, the cumulative value to reach by the end of
  the year. A year without a target row between two years with one gets the linear
  interpolation between them, rounded half up, flagged ``*_target_interpolated``; years before
  the first or after the last target row have no target (``None``).
- **NPS**: ``registry.nps.nps`` of the feedback scores (0–10) of attendees of held trainings up
  to ``as_of``: % promoters (9–10) minus % detractors (0–6), −100…100; ``None`` without answers.
- **average attendance**: attendees per held training (attendee registrations ÷ held trainings,
  up to ``as_of``); ``DEFAULT_ATTENDANCE`` (14, the middle of the 12–16 group) when nothing has
  been held yet.
- **open factory**: status ``open`` with an opening date on or before ``as_of``.

``factory_ids`` restricts everything about trainings and people (facts, NPS, forecast, cadence)
to those factories; the enterprise figures and the targets stay the region's, because enterprises
join the programme, not a factory.

Forecast of the end of ``HORIZON_YEAR`` (2024), ``Forecast``:

1. **so far**: cumulative people trained up to ``as_of``;
2. **schedule**: trainings dated after ``as_of`` up to 31 December 2024 and not cancelled. A
   viable one (at least ``Training.MIN_GROUP`` registered) brings its registered participants not
   trained yet (each person once); one that is not viable yet brings the average attendance
   (it is assumed to fill up like the trainings before it);
3. **run rate**: people newly trained per month over the last 12 months up to ``as_of`` (or since
   the first held training, when that is more recent; at least one month), times the months from
   ``as_of`` to 31 December 2024. The schedule and the run rate cover the same future, so the
   forecast is so far + the larger of the two: the schedule counts only beyond what the rate
   brings (one training booked far ahead does not empty the months before it).

The enterprises' forecast is the enrolled count so far plus the enrolment rate so far (enrolled ÷
years from 1 January of the first year anyone joined up to ``as_of``) times the years left to
31 December 2024. Months are ``DAYS_PER_MONTH`` (30.4375) days, years 365.25 days.

Cadence needed (``PeopleCadence``, ``EnterpriseCadence``), for every target year from ``as_of``'s
year on: people still to train ÷ average attendance = trainings still to hold, ÷ months left to the
end of that year = trainings per month, ÷ open factories = trainings per month per open factory
(and per factory if the planned factories opened too); enterprises still to enrol ÷ years left =
enterprises per year. The current cadence is held trainings per month per open factory over the
run-rate window. Rates are rounded to two decimals.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.utils import timezone

from processfactory.web.dashboard.models import ProgrammeSettings
from processfactory.web.registry.models import (
    Enterprise,
    Factory,
    Feedback,
    Participant,
    ProgrammeTarget,
    Registration,
    Training,
)
from processfactory.web.registry.nps import DETRACTOR_MAX, PROMOTER_MIN, nps

HORIZON_YEAR = 2024
DAYS_PER_MONTH = 30.4375
DAYS_PER_YEAR = 365.25
RUN_RATE_DAYS = 365
DEFAULT_ATTENDANCE = (Training.MIN_GROUP + Training.MAX_GROUP) / 2
CATEGORIES = tuple(Participant.Category.values)
PEOPLE = str(ProgrammeTarget.Metric.TRAINED_PEOPLE)
ENTERPRISES = str(ProgrammeTarget.Metric.ENROLLED_ENTERPRISES)


# ---------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True)
class NpsFigure:
    """Net Promoter Score of a set of answers: ``score`` (−100…100 or ``None``) and its counts."""

    score: float | None
    responses: int
    promoters: int
    passives: int
    detractors: int


@dataclass(frozen=True)
class YearFigures:
    """One calendar year: fact (``None`` for years after ``as_of``) against the targets."""

    year: int
    in_progress: bool
    enterprises_joined: int | None
    enterprises_cumulative: int | None
    enterprises_target: int | None
    enterprises_target_interpolated: bool
    enterprises_percent_of_target: float | None
    trainings_held: int | None
    people_trained: int | None
    people_new: int | None
    people_cumulative: int | None
    people_target: int | None
    people_target_interpolated: bool
    people_percent_of_target: float | None
    nps: NpsFigure | None


@dataclass(frozen=True)
class FactoryYear:
    year: int
    trainings_held: int
    people_trained: int
    nps: NpsFigure


@dataclass(frozen=True)
class FactoryFigures:
    """One factory: held trainings, distinct people trained there, attendance and NPS."""

    factory_id: int
    name: str
    status: str
    opened_on: datetime.date | None
    is_open: bool
    trainings_held: int
    trainings_scheduled: int
    trainings_cancelled: int
    people_trained: int
    average_attendance: float | None
    nps: NpsFigure
    by_year: tuple[FactoryYear, ...]


@dataclass(frozen=True)
class CategoryYear:
    year: int
    people_trained: int


@dataclass(frozen=True)
class CategoryFigures:
    """One participant category (employee, student, officer): distinct people trained."""

    category: str
    label: str
    people_trained: int
    share_percent: float | None
    by_year: tuple[CategoryYear, ...]


@dataclass(frozen=True)
class TrainingFigures:
    """One held training: who was registered and came, and its NPS."""

    training_id: int
    date: datetime.date
    factory_id: int
    factory_name: str
    track: str
    registered: int
    attended: int
    nps: NpsFigure


@dataclass(frozen=True)
class Forecast:
    """End-of-``horizon_year`` forecast (method in the module docstring)."""

    horizon_year: int
    people_so_far: int
    scheduled_trainings: int
    scheduled_viable_trainings: int
    people_scheduled: float
    schedule_end: datetime.date
    run_rate_start: datetime.date | None
    run_rate_months: float
    people_new_in_run_rate_window: int
    people_per_month: float
    months_extrapolated: float
    people_extrapolated: float
    people_forecast: int
    people_target: int | None
    people_gap: int | None
    people_on_track: bool | None
    enterprises_so_far: int
    enterprises_per_year: float
    years_extrapolated: float
    enterprises_extrapolated: float
    enterprises_forecast: int
    enterprises_target: int | None
    enterprises_gap: int | None
    enterprises_on_track: bool | None


@dataclass(frozen=True)
class PeopleCadence:
    """Trainings needed to reach one year's people target from ``as_of``."""

    year: int
    target: int
    target_interpolated: bool
    people_remaining: int
    trainings_remaining: int
    months_left: float
    trainings_per_month: float | None
    trainings_per_month_per_open_factory: float | None
    trainings_per_month_per_factory_if_all_open: float | None


@dataclass(frozen=True)
class EnterpriseCadence:
    """Enrolment needed to reach one year's enterprises target from ``as_of``."""

    year: int
    target: int
    target_interpolated: bool
    enterprises_remaining: int
    years_left: float
    enterprises_per_year: float | None


@dataclass(frozen=True)
class ProgrammeFigures:
    """Every figure of the programme dashboard as of ``as_of`` (definitions: module docstring).

    - ``years``: plan vs fact per calendar year from the first year with data to 2024 (or the
      last target year);
    - ``factories`` / ``categories`` / ``trainings``: breakdowns (``trainings``: held ones);
    - ``enterprises_*``: enrolled enterprises as of ``as_of`` (region-wide), by phase;
    - ``people_trained``: distinct people trained up to ``as_of``;
    - ``nps``: over all answers; ``average_attendance``: attendees per held training;
    - ``forecast``, ``people_cadence``, ``enterprise_cadence``, ``current_trainings_per_month``
      and ``current_trainings_per_month_per_open_factory``: see the module docstring.
    """

    region_name: str
    is_demo: bool
    as_of: datetime.date
    factory_ids: tuple[int, ...] | None
    first_year: int
    last_year: int
    years: tuple[YearFigures, ...]
    factories: tuple[FactoryFigures, ...]
    categories: tuple[CategoryFigures, ...]
    trainings: tuple[TrainingFigures, ...]
    enterprises_enrolled: int
    enterprises_by_phase: dict[str, int]
    enterprises_sustaining: int
    people_trained: int
    trainings_held: int
    average_attendance: float
    attendance_is_default: bool
    factories_open: int
    factories_planned: int
    nps: NpsFigure
    forecast: Forecast
    people_cadence: tuple[PeopleCadence, ...]
    enterprise_cadence: tuple[EnterpriseCadence, ...]
    current_trainings_per_month: float
    current_trainings_per_month_per_open_factory: float | None

    def year(self, year: int) -> YearFigures | None:
        """The row of ``year``, or ``None`` outside ``first_year``–``last_year``."""
        return next((row for row in self.years if row.year == year), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: dates as ISO strings, everything else numbers, strings, lists."""
        return _json_ready(asdict(self))


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------
# Small arithmetic


def _round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def _rate(value: float) -> float:
    return round(value, 2)


def _percent(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100.0 * part / whole, 1)


def _against_target(forecast: int, target: int | None) -> tuple[int | None, bool | None]:
    """Target minus forecast, and whether the forecast reaches the target (``None`` without a
    target)."""
    if target is None:
        return None, None
    return target - forecast, forecast >= target


def nps_figure(scores: Iterable[int]) -> NpsFigure:
    """``NpsFigure`` of ``scores`` (0–10 each)."""
    values = list(scores)
    promoters = sum(1 for s in values if s >= PROMOTER_MIN)
    detractors = sum(1 for s in values if s <= DETRACTOR_MAX)
    score = nps(values)
    return NpsFigure(
        score=None if score is None else round(score, 1),
        responses=len(values),
        promoters=promoters,
        passives=len(values) - promoters - detractors,
        detractors=detractors,
    )


def interpolated_targets(
    given: Mapping[int, int], years: Iterable[int]
) -> dict[int, tuple[int, bool]]:
    """``{year: (target, interpolated)}`` for the ``years`` that have a target: the given value,
    or the linear interpolation (rounded half up) between the nearest given years around it."""
    known = sorted(given)
    out: dict[int, tuple[int, bool]] = {}
    for year in years:
        if year in given:
            out[year] = (int(given[year]), False)
            continue
        before = [y for y in known if y < year]
        after = [y for y in known if y > year]
        if not before or not after:
            continue
        y0, y1 = before[-1], after[0]
        v0, v1 = given[y0], given[y1]
        out[year] = (_round_half_up(v0 + (v1 - v0) * (year - y0) / (y1 - y0)), True)
    return out


# ---------------------------------------------------------------------------------------------
# Reading the registry


@dataclass(frozen=True)
class _Attendance:
    participant_id: int
    category: str
    training_id: int
    date: datetime.date
    factory_id: int


def _default_as_of() -> datetime.date:
    return ProgrammeSettings.figures_date(timezone.localdate())


def programme_figures(
    *, as_of: datetime.date | None = None, factory_ids: list[int] | None = None
) -> ProgrammeFigures:
    """The programme's figures as of ``as_of`` (default: ``ProgrammeSettings.as_of`` if set,
    else today), for the factories ``factory_ids`` (default: all). Definitions and methods are
    in this module's docstring."""
    settings_row = ProgrammeSettings.current()
    as_of = as_of or _default_as_of()
    horizon_end = datetime.date(HORIZON_YEAR, 12, 31)

    factories = list(Factory.objects.order_by("name"))
    if factory_ids is not None:
        wanted = set(factory_ids)
        factories = [f for f in factories if f.pk in wanted]
    factory_pks = [f.pk for f in factories]
    trainings = Training.objects.filter(factory_id__in=factory_pks)

    # -- attendance up to as_of
    attendances = [
        _Attendance(*row)
        for row in Registration.objects.filter(
            training__in=trainings,
            training__status=Training.Status.HELD,
            training__date__lte=as_of,
            status=Registration.Status.REGISTERED,
            attended=True,
        )
        .order_by("training__date", "pk")
        .values_list(
            "participant_id",
            "participant__category",
            "training_id",
            "training__date",
            "training__factory_id",
        )
    ]
    held = list(
        trainings.filter(status=Training.Status.HELD, date__lte=as_of)
        .with_counts()
        .order_by("date", "pk")
        .values_list("pk", "date", "factory_id", "track", "registered_total")
    )
    scores_by_training: dict[int, list[int]] = defaultdict(list)
    for training_id, score in Feedback.objects.filter(
        registration__training__in=trainings,
        registration__training__status=Training.Status.HELD,
        registration__training__date__lte=as_of,
        registration__status=Registration.Status.REGISTERED,
        registration__attended=True,
    ).values_list("registration__training_id", "score"):
        scores_by_training[training_id].append(score)

    first_attended: dict[int, datetime.date] = {}
    for a in attendances:
        first_attended.setdefault(a.participant_id, a.date)

    # -- enterprises and targets (region-wide)
    enterprises = list(
        Enterprise.objects.filter(joined_year__lte=as_of.year).values_list("joined_year", "phase")
    )
    given: dict[str, dict[int, int]] = {PEOPLE: {}, ENTERPRISES: {}}
    for metric, year, value in ProgrammeTarget.objects.values_list(
        "metric", "year", "cumulative_value"
    ):
        given.setdefault(metric, {})[year] = value

    data_years = (
        [y for y, _phase in enterprises]
        + [d.year for _pk, d, *_rest in held]
        + list(given[PEOPLE])
        + list(given[ENTERPRISES])
        + [as_of.year]
    )
    first_year = min(data_years)
    last_year = max([HORIZON_YEAR, *given[PEOPLE], *given[ENTERPRISES]])
    all_years = range(first_year, last_year + 1)
    people_targets = interpolated_targets(given[PEOPLE], all_years)
    enterprise_targets = interpolated_targets(given[ENTERPRISES], all_years)

    # -- per year
    years: list[YearFigures] = []
    for year in all_years:
        people_target, people_interp = people_targets.get(year, (None, False))
        ent_target, ent_interp = enterprise_targets.get(year, (None, False))
        if year > as_of.year:
            years.append(
                YearFigures(
                    year=year,
                    in_progress=False,
                    enterprises_joined=None,
                    enterprises_cumulative=None,
                    enterprises_target=ent_target,
                    enterprises_target_interpolated=ent_interp,
                    enterprises_percent_of_target=None,
                    trainings_held=None,
                    people_trained=None,
                    people_new=None,
                    people_cumulative=None,
                    people_target=people_target,
                    people_target_interpolated=people_interp,
                    people_percent_of_target=None,
                    nps=None,
                )
            )
            continue
        joined = sum(1 for y, _phase in enterprises if y == year)
        cumulative_ent = sum(1 for y, _phase in enterprises if y <= year)
        year_attendances = [a for a in attendances if a.date.year == year]
        people_cum = sum(1 for d in first_attended.values() if d.year <= year)
        years.append(
            YearFigures(
                year=year,
                in_progress=year == as_of.year,
                enterprises_joined=joined,
                enterprises_cumulative=cumulative_ent,
                enterprises_target=ent_target,
                enterprises_target_interpolated=ent_interp,
                enterprises_percent_of_target=_percent(cumulative_ent, ent_target),
                trainings_held=sum(1 for _pk, d, *_rest in held if d.year == year),
                people_trained=len({a.participant_id for a in year_attendances}),
                people_new=sum(1 for d in first_attended.values() if d.year == year),
                people_cumulative=people_cum,
                people_target=people_target,
                people_target_interpolated=people_interp,
                people_percent_of_target=_percent(people_cum, people_target),
                nps=nps_figure(
                    s
                    for pk, d, *_rest in held
                    if d.year == year
                    for s in scores_by_training.get(pk, [])
                ),
            )
        )

    # -- overall
    people_trained = len(first_attended)
    attendees_total = len(attendances)
    attendance_is_default = not held
    average_attendance = (
        DEFAULT_ATTENDANCE if attendance_is_default else round(attendees_total / len(held), 2)
    )
    all_scores = [s for scores in scores_by_training.values() for s in scores]
    open_factories = [
        f
        for f in factories
        if f.status == Factory.Status.OPEN and f.opened_on is not None and f.opened_on <= as_of
    ]

    # -- by factory
    scheduled_rows = list(
        trainings.filter(date__gt=as_of, date__lte=horizon_end)
        .exclude(status=Training.Status.CANCELLED)
        .with_counts()
        .order_by("date", "pk")
        .values_list("pk", "date", "factory_id", "registered_total")
    )
    cancelled_by_factory: dict[int, int] = defaultdict(int)
    for factory_id in trainings.filter(
        status=Training.Status.CANCELLED, date__lte=as_of
    ).values_list("factory_id", flat=True):
        cancelled_by_factory[factory_id] += 1
    factory_rows = []
    for factory in factories:
        f_held = [row for row in held if row[2] == factory.pk]
        f_att = [a for a in attendances if a.factory_id == factory.pk]
        f_scores = [s for row in f_held for s in scores_by_training.get(row[0], [])]
        by_year = []
        for year in range(first_year, as_of.year + 1):
            y_held = [row for row in f_held if row[1].year == year]
            by_year.append(
                FactoryYear(
                    year=year,
                    trainings_held=len(y_held),
                    people_trained=len({a.participant_id for a in f_att if a.date.year == year}),
                    nps=nps_figure(s for row in y_held for s in scores_by_training.get(row[0], [])),
                )
            )
        factory_rows.append(
            FactoryFigures(
                factory_id=factory.pk,
                name=str(factory.name),
                status=str(factory.status),
                opened_on=factory.opened_on,
                is_open=factory in open_factories,
                trainings_held=len(f_held),
                trainings_scheduled=sum(1 for row in scheduled_rows if row[2] == factory.pk),
                trainings_cancelled=cancelled_by_factory.get(factory.pk, 0),
                people_trained=len({a.participant_id for a in f_att}),
                average_attendance=round(len(f_att) / len(f_held), 2) if f_held else None,
                nps=nps_figure(f_scores),
                by_year=tuple(by_year),
            )
        )

    # -- by category (a person's category is their current one)
    category_of = {a.participant_id: a.category for a in attendances}
    category_rows = []
    for category in CATEGORIES:
        people = [pid for pid, c in category_of.items() if c == category]
        category_rows.append(
            CategoryFigures(
                category=category,
                label=str(Participant.Category(category).label),
                people_trained=len(people),
                share_percent=_percent(len(people), people_trained),
                by_year=tuple(
                    CategoryYear(
                        year=year,
                        people_trained=len(
                            {
                                a.participant_id
                                for a in attendances
                                if a.category == category and a.date.year == year
                            }
                        ),
                    )
                    for year in range(first_year, as_of.year + 1)
                ),
            )
        )

    # -- per training
    names = {f.pk: str(f.name) for f in factories}
    attended_by_training: dict[int, int] = defaultdict(int)
    for a in attendances:
        attended_by_training[a.training_id] += 1
    training_rows = tuple(
        TrainingFigures(
            training_id=pk,
            date=date,
            factory_id=factory_id,
            factory_name=names[factory_id],
            track=str(track),
            registered=int(registered),
            attended=attended_by_training.get(pk, 0),
            nps=nps_figure(scores_by_training.get(pk, [])),
        )
        for pk, date, factory_id, track, registered in held
    )

    # -- run rate: the last 12 months, or since the first held training
    window_start: datetime.date | None = None
    window_days = 0
    if held:
        twelve_months_ago = as_of - datetime.timedelta(days=RUN_RATE_DAYS)
        first_held = held[0][1]
        if first_held > twelve_months_ago:
            window_start = first_held
            window_days = (as_of - first_held).days + 1
        else:
            window_start = twelve_months_ago + datetime.timedelta(days=1)
            window_days = RUN_RATE_DAYS
    run_rate_months = max(1.0, window_days / DAYS_PER_MONTH) if held else 0.0
    new_in_window = (
        sum(1 for d in first_attended.values() if window_start <= d <= as_of)
        if window_start is not None
        else 0
    )
    held_in_window = (
        sum(1 for _pk, d, *_rest in held if window_start <= d <= as_of)
        if window_start is not None
        else 0
    )
    people_per_month = new_in_window / run_rate_months if run_rate_months else 0.0
    current_per_month = held_in_window / run_rate_months if run_rate_months else 0.0

    # -- schedule
    scheduled_ids = [row[0] for row in scheduled_rows]
    viable_ids = [row[0] for row in scheduled_rows if row[3] >= Training.MIN_GROUP]
    registered_people = set(
        Registration.objects.filter(
            training_id__in=viable_ids, status=Registration.Status.REGISTERED
        ).values_list("participant_id", flat=True)
    )
    new_registered = len(registered_people - set(first_attended))
    not_viable = len(scheduled_ids) - len(viable_ids)
    people_scheduled = new_registered + not_viable * average_attendance
    schedule_end = max([as_of, *(row[1] for row in scheduled_rows)])
    # The run rate covers every month from as_of to the horizon; the schedule adds only what it
    # holds beyond that rate (a single training booked far ahead must not replace the months
    # before it with nothing): forecast = fact + max(scheduled, rate × months).
    months_extrapolated = max(0.0, (horizon_end - as_of).days / DAYS_PER_MONTH)
    people_extrapolated = max(0.0, people_per_month * months_extrapolated - people_scheduled)
    people_forecast = _round_half_up(people_trained + people_scheduled + people_extrapolated)
    horizon_people_target = people_targets.get(HORIZON_YEAR, (None, False))[0]
    people_gap, people_on_track = _against_target(people_forecast, horizon_people_target)

    enterprises_enrolled = len(enterprises)
    if enterprises:
        enrol_start = datetime.date(min(y for y, _phase in enterprises), 1, 1)
        years_elapsed = ((as_of - enrol_start).days + 1) / DAYS_PER_YEAR
        enterprises_per_year = enterprises_enrolled / years_elapsed
    else:
        enterprises_per_year = 0.0
    years_extrapolated = max(0.0, (horizon_end - as_of).days / DAYS_PER_YEAR)
    enterprises_extrapolated = enterprises_per_year * years_extrapolated
    enterprises_forecast = _round_half_up(enterprises_enrolled + enterprises_extrapolated)
    horizon_ent_target = enterprise_targets.get(HORIZON_YEAR, (None, False))[0]
    enterprises_gap, enterprises_on_track = _against_target(
        enterprises_forecast, horizon_ent_target
    )

    forecast = Forecast(
        horizon_year=HORIZON_YEAR,
        people_so_far=people_trained,
        scheduled_trainings=len(scheduled_ids),
        scheduled_viable_trainings=len(viable_ids),
        people_scheduled=_rate(people_scheduled),
        schedule_end=schedule_end,
        run_rate_start=window_start,
        run_rate_months=_rate(run_rate_months),
        people_new_in_run_rate_window=new_in_window,
        people_per_month=_rate(people_per_month),
        months_extrapolated=_rate(months_extrapolated),
        people_extrapolated=_rate(people_extrapolated),
        people_forecast=people_forecast,
        people_target=horizon_people_target,
        people_gap=people_gap,
        people_on_track=people_on_track,
        enterprises_so_far=enterprises_enrolled,
        enterprises_per_year=_rate(enterprises_per_year),
        years_extrapolated=_rate(years_extrapolated),
        enterprises_extrapolated=_rate(enterprises_extrapolated),
        enterprises_forecast=enterprises_forecast,
        enterprises_target=horizon_ent_target,
        enterprises_gap=enterprises_gap,
        enterprises_on_track=enterprises_on_track,
    )

    # -- cadence needed for each target from as_of's year on
    all_factories_count = len(factories)
    people_cadence = []
    for year in range(as_of.year, last_year + 1):
        if year not in people_targets:
            continue
        target, interpolated = people_targets[year]
        remaining = max(0, target - people_trained)
        trainings_remaining = math.ceil(remaining / average_attendance)
        months_left = (datetime.date(year, 12, 31) - as_of).days / DAYS_PER_MONTH
        per_month = trainings_remaining / months_left if months_left > 0 else None
        people_cadence.append(
            PeopleCadence(
                year=year,
                target=target,
                target_interpolated=interpolated,
                people_remaining=remaining,
                trainings_remaining=trainings_remaining,
                months_left=_rate(max(0.0, months_left)),
                trainings_per_month=None if per_month is None else _rate(per_month),
                trainings_per_month_per_open_factory=None
                if per_month is None or not open_factories
                else _rate(per_month / len(open_factories)),
                trainings_per_month_per_factory_if_all_open=None
                if per_month is None or not all_factories_count
                else _rate(per_month / all_factories_count),
            )
        )
    enterprise_cadence = []
    for year in range(as_of.year, last_year + 1):
        if year not in enterprise_targets:
            continue
        target, interpolated = enterprise_targets[year]
        remaining = max(0, target - enterprises_enrolled)
        years_left = (datetime.date(year, 12, 31) - as_of).days / DAYS_PER_YEAR
        enterprise_cadence.append(
            EnterpriseCadence(
                year=year,
                target=target,
                target_interpolated=interpolated,
                enterprises_remaining=remaining,
                years_left=_rate(max(0.0, years_left)),
                enterprises_per_year=_rate(remaining / years_left) if years_left > 0 else None,
            )
        )

    by_phase = {phase: 0 for phase in Enterprise.Phase.values}
    for _year, phase in enterprises:
        by_phase[phase] = by_phase.get(phase, 0) + 1

    return ProgrammeFigures(
        region_name=str(settings_row.region_name) if settings_row else "",
        is_demo=bool(settings_row.is_demo) if settings_row else False,
        as_of=as_of,
        factory_ids=None if factory_ids is None else tuple(sorted(set(factory_ids))),
        first_year=first_year,
        last_year=last_year,
        years=tuple(years),
        factories=tuple(factory_rows),
        categories=tuple(category_rows),
        trainings=training_rows,
        enterprises_enrolled=enterprises_enrolled,
        enterprises_by_phase=by_phase,
        enterprises_sustaining=by_phase.get(Enterprise.Phase.SUSTAINING, 0),
        people_trained=people_trained,
        trainings_held=len(held),
        average_attendance=average_attendance,
        attendance_is_default=attendance_is_default,
        factories_open=len(open_factories),
        factories_planned=sum(1 for f in factories if f.status == Factory.Status.PLANNED),
        nps=nps_figure(all_scores),
        forecast=forecast,
        people_cadence=tuple(people_cadence),
        enterprise_cadence=tuple(enterprise_cadence),
        current_trainings_per_month=_rate(current_per_month),
        current_trainings_per_month_per_open_factory=_rate(current_per_month / len(open_factories))
        if open_factories
        else None,
    )
