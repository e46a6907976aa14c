"""Programme figures on a small hand-built registry, checked against values computed by hand."""

from __future__ import annotations

import datetime
import math

import pytest

from processfactory.web.dashboard.figures import (
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    interpolated_targets,
    programme_figures,
)
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
from web.base import make_enterprise, make_participant, make_training

AS_OF = datetime.date(2021, 12, 1)
END_2024 = datetime.date(2024, 12, 31)
PEOPLE = ProgrammeTarget.Metric.TRAINED_PEOPLE
ENTERPRISES = ProgrammeTarget.Metric.ENROLLED_ENTERPRISES


def _attend(training: Training, participant: Participant, came: bool, score: int | None = None):
    registration = Registration.objects.create(
        training=training, participant=participant, attended=came
    )
    if score is not None:
        Feedback.objects.create(registration=registration, score=score)
    return registration


@pytest.fixture
def world(factory_a: Factory, factory_b: Factory) -> dict[str, object]:
    """Factory A (open since 2021-09-01) held two trainings in autumn 2021; B is planned.

    - T1 2021-10-05: p1 (employee) 10, p2 (student) 6 came; p3 (officer) did not.
    - T2 2021-11-10: p1 again 9, p4 (student) 10, p5 (officer) 7 came.
    - T4 2021-12-10 confirmed: 11 new people + p2 registered (viable, 12).
    - T3 2022-01-15 held later, 2 registered (not viable as of 2021-12-01).
    - T5 2021-11-20 cancelled.
    Enterprises: e1 2020 (sustaining), e2 2021, e3 2021 (main), e4 2022 (after as_of).
    Targets: people 30 (2021), 120 (2024); enterprises 4 (2021), 9 (2023).
    """
    e1 = make_enterprise(joined_year=2020, phase=Enterprise.Phase.SUSTAINING)
    make_enterprise(joined_year=2021)
    make_enterprise(joined_year=2021, phase=Enterprise.Phase.MAIN)
    make_enterprise(joined_year=2022)
    for metric, year, value in (
        (PEOPLE, 2021, 30),
        (PEOPLE, 2024, 120),
        (ENTERPRISES, 2021, 4),
        (ENTERPRISES, 2023, 9),
    ):
        ProgrammeTarget.objects.create(metric=metric, year=year, cumulative_value=value)
    employee = Participant.Category.EMPLOYEE
    p1 = make_participant(category=employee, enterprise=e1)
    p2 = make_participant()
    p3 = make_participant(category=Participant.Category.OFFICER)
    p4 = make_participant()
    p5 = make_participant(category=Participant.Category.OFFICER)
    held = Training.Status.HELD
    t1 = make_training(factory_a, date=datetime.date(2021, 10, 5), status=held)
    t2 = make_training(factory_a, date=datetime.date(2021, 11, 10), status=held)
    t3 = make_training(factory_a, date=datetime.date(2022, 1, 15), status=held)
    t4 = make_training(
        factory_a, date=datetime.date(2021, 12, 10), status=Training.Status.CONFIRMED
    )
    make_training(factory_a, date=datetime.date(2021, 11, 20), status=Training.Status.CANCELLED)
    _attend(t1, p1, True, 10)
    _attend(t1, p2, True, 6)
    _attend(t1, p3, False)
    _attend(t2, p1, True, 9)
    _attend(t2, p4, True, 10)
    _attend(t2, p5, True, 7)
    _attend(t3, make_participant(), True, 10)
    _attend(t3, p1, True, 10)
    for _i in range(11):
        Registration.objects.create(training=t4, participant=make_participant())
    Registration.objects.create(training=t4, participant=p2)
    return {"a": factory_a, "b": factory_b}


def test_it_interpolates_targets_between_given_years_only() -> None:
    targets = interpolated_targets({2021: 39, 2024: 101}, range(2020, 2026))
    assert targets == {2021: (39, False), 2022: (60, True), 2023: (80, True), 2024: (101, False)}


def test_it_rounds_interpolated_targets_half_up() -> None:
    assert interpolated_targets({2021: 4, 2023: 9}, [2022]) == {2022: (7, True)}


def test_it_counts_years_cumulatively_against_targets(world: dict[str, object]) -> None:
    figures = programme_figures(as_of=AS_OF)
    assert (figures.first_year, figures.last_year) == (2020, 2024)
    y2020, y2021, y2022, y2023, y2024 = figures.years
    assert (y2020.enterprises_joined, y2020.enterprises_cumulative) == (1, 1)
    assert y2020.enterprises_target is None and y2020.people_cumulative == 0
    assert (y2021.enterprises_joined, y2021.enterprises_cumulative) == (2, 3)
    assert (y2021.enterprises_target, y2021.enterprises_percent_of_target) == (4, 75.0)
    assert y2021.in_progress and not y2020.in_progress
    assert (y2022.enterprises_target, y2022.enterprises_target_interpolated) == (7, True)
    assert (y2023.enterprises_target, y2023.enterprises_target_interpolated) == (9, False)
    assert y2024.enterprises_target is None
    assert (y2022.people_target, y2023.people_target, y2024.people_target) == (60, 90, 120)
    assert y2022.people_target_interpolated and not y2024.people_target_interpolated
    assert y2022.people_cumulative is None and y2022.enterprises_joined is None


def test_it_counts_distinct_people_who_attended_held_trainings(world: dict[str, object]) -> None:
    figures = programme_figures(as_of=AS_OF)
    y2021 = figures.year(2021)
    assert y2021 is not None
    # p1 came twice, p3 did not come, T3 is after the date, T4 not held
    assert (y2021.people_trained, y2021.people_new, y2021.people_cumulative) == (4, 4, 4)
    assert y2021.trainings_held == 2
    assert y2021.people_percent_of_target == round(100 * 4 / 30, 1)
    assert figures.people_trained == 4
    assert figures.average_attendance == 2.5  # 5 attendances in 2 trainings
    assert figures.enterprises_enrolled == 3 and figures.enterprises_sustaining == 1
    assert figures.enterprises_by_phase == {"diagnostics": 1, "main": 1, "sustaining": 1}


def test_it_counts_a_later_year_for_new_people_only(world: dict[str, object]) -> None:
    figures = programme_figures(as_of=datetime.date(2022, 2, 1))
    y2022 = figures.year(2022)
    assert y2022 is not None
    # T3: p1 (trained in 2021) and one new person
    assert (y2022.people_trained, y2022.people_new, y2022.people_cumulative) == (2, 1, 5)


def test_it_breaks_people_down_by_category_and_factory(world: dict[str, object]) -> None:
    figures = programme_figures(as_of=AS_OF)
    counts = {c.category: c.people_trained for c in figures.categories}
    assert counts == {"employee": 1, "student": 2, "officer": 1}
    a, b = sorted(figures.factories, key=lambda f: f.name != "Kirovsk Process Factory")
    assert (a.trainings_held, a.people_trained, a.average_attendance) == (2, 4, 2.5)
    assert (a.trainings_scheduled, a.trainings_cancelled, a.is_open) == (2, 1, True)
    assert (b.trainings_held, b.people_trained, b.is_open) == (0, 0, False)
    assert (figures.factories_open, figures.factories_planned) == (1, 1)


def test_it_computes_nps_overall_per_factory_and_per_training(world: dict[str, object]) -> None:
    figures = programme_figures(as_of=AS_OF)
    # scores 10, 6, 9, 10, 7: 3 promoters, 1 detractor of 5
    assert figures.nps.score == 40.0
    assert (figures.nps.promoters, figures.nps.passives, figures.nps.detractors) == (3, 1, 1)
    t1, t2 = figures.trainings
    assert (t1.nps.score, t1.registered, t1.attended) == (0.0, 3, 2)
    assert t2.nps.score == round(100 * 2 / 3, 1)
    kirovsk = next(f for f in figures.factories if f.name == "Kirovsk Process Factory")
    assert kirovsk.nps.score == 40.0


def test_it_forecasts_from_the_schedule_and_the_run_rate(world: dict[str, object]) -> None:
    forecast = programme_figures(as_of=AS_OF).forecast
    window_days = (AS_OF - datetime.date(2021, 10, 5)).days + 1  # since the first training
    per_month = 4 / (window_days / DAYS_PER_MONTH)
    months = (END_2024 - AS_OF).days / DAYS_PER_MONTH
    # T4 viable: its 11 new people (p2 is trained already); T3 not viable: 2.5 on average
    scheduled = 11 + 2.5
    assert forecast.scheduled_trainings == 2 and forecast.scheduled_viable_trainings == 1
    assert forecast.people_scheduled == scheduled
    assert forecast.run_rate_start == datetime.date(2021, 10, 5)
    assert forecast.people_per_month == round(per_month, 2)
    assert forecast.schedule_end == datetime.date(2022, 1, 15)
    # schedule and run rate cover the same months: the larger of the two counts
    assert per_month * months > scheduled
    assert forecast.people_forecast == math.floor(4 + per_month * months + 0.5)
    assert forecast.people_target == 120
    assert forecast.people_gap == 120 - forecast.people_forecast

    years = ((AS_OF - datetime.date(2020, 1, 1)).days + 1) / DAYS_PER_YEAR
    rate = 3 / years
    ahead = (END_2024 - AS_OF).days / DAYS_PER_YEAR
    assert forecast.enterprises_per_year == round(rate, 2)
    assert forecast.enterprises_forecast == math.floor(3 + rate * ahead + 0.5)
    assert forecast.enterprises_target is None  # no enterprise target for 2024 here


def test_it_keeps_the_run_rate_when_one_training_is_booked_far_ahead(
    world: dict[str, object],
) -> None:
    before = programme_figures(as_of=AS_OF).forecast.people_forecast
    a = world["a"]
    assert isinstance(a, Factory)
    make_training(a, date=datetime.date(2024, 12, 20))  # empty, not viable
    after = programme_figures(as_of=AS_OF).forecast
    assert after.schedule_end == datetime.date(2024, 12, 20)
    assert after.people_forecast == before  # the months before it still count at the run rate


def test_it_computes_the_cadence_needed_for_each_target(world: dict[str, object]) -> None:
    figures = programme_figures(as_of=AS_OF)
    by_year = {c.year: c for c in figures.people_cadence}
    assert sorted(by_year) == [2021, 2022, 2023, 2024]
    c2024 = by_year[2024]
    months = (END_2024 - AS_OF).days / DAYS_PER_MONTH
    assert (c2024.people_remaining, c2024.trainings_remaining) == (116, math.ceil(116 / 2.5))
    assert c2024.trainings_per_month == round(47 / months, 2)
    assert c2024.trainings_per_month_per_open_factory == round(47 / months, 2)
    assert c2024.trainings_per_month_per_factory_if_all_open == round(47 / months / 2, 2)
    enterprise = {c.year: c for c in figures.enterprise_cadence}
    assert sorted(enterprise) == [2021, 2022, 2023]
    years_left = (datetime.date(2023, 12, 31) - AS_OF).days / DAYS_PER_YEAR
    assert enterprise[2023].enterprises_remaining == 6
    assert enterprise[2023].enterprises_per_year == round(6 / years_left, 2)


def test_it_restricts_people_to_the_chosen_factories(world: dict[str, object]) -> None:
    b = world["b"]
    assert isinstance(b, Factory)
    figures = programme_figures(as_of=AS_OF, factory_ids=[b.pk])
    assert figures.people_trained == 0 and figures.trainings_held == 0
    assert figures.average_attendance == 14 and figures.attendance_is_default
    assert figures.enterprises_enrolled == 3  # the region's, whatever the factory
    assert [f.name for f in figures.factories] == ["Gatchina Process Factory"]


def test_it_takes_the_date_from_the_programme_settings(world: dict[str, object]) -> None:
    ProgrammeSettings.objects.create(region_name="Test region", as_of=datetime.date(2021, 10, 31))
    figures = programme_figures()
    assert figures.as_of == datetime.date(2021, 10, 31)
    assert figures.people_trained == 2 and figures.region_name == "Test region"


def test_it_gives_json_ready_data(world: dict[str, object]) -> None:
    import json

    data = programme_figures(as_of=AS_OF).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["as_of"] == "2021-12-01"
    assert data["years"][1]["people_cumulative"] == 4
    assert data["forecast"]["schedule_end"] == "2022-01-15"


def test_it_has_figures_for_an_empty_registry(db: None) -> None:
    figures = programme_figures(as_of=AS_OF)
    assert figures.people_trained == 0 and figures.nps.score is None
    assert figures.forecast.people_forecast == 0
    assert [y.year for y in figures.years] == [2021, 2022, 2023, 2024]
