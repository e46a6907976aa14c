"""The training list and the schedule form: scoped by role, filtered, flags, clear errors."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from processfactory.web.registry.models import Factory, Training
from processfactory.web.registry.services import confirm_training
from web.base import (
    DAY_BEFORE,
    TRAINING_DAY,
    client_for,
    fill_training,
    make_trainer,
    make_training,
)

LIST = reverse("trainings:training_list")
NEW = reverse("trainings:training_create")


def _page(client: Client, url: str = LIST, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# The list


def test_it_shows_every_training_to_the_coordinator(
    coordinator_client: Client, training_a: Training, training_b: Training
) -> None:
    page = _page(coordinator_client)
    assert "Kirovsk Process Factory" in page and "Gatchina Process Factory" in page


def test_it_shows_the_manager_only_their_factory(
    manager_a_client: Client, training_a: Training, training_b: Training
) -> None:
    page = _page(manager_a_client)
    assert reverse("trainings:training_detail", args=[training_a.pk]) in page
    assert reverse("trainings:training_detail", args=[training_b.pk]) not in page


def test_it_shows_the_trainer_only_the_trainings_they_run(
    trainer_a_client: Client, factory_a: Factory, training_a: Training
) -> None:
    other = make_training(factory_a, date=TRAINING_DAY + datetime.timedelta(days=7))
    page = _page(trainer_a_client)
    assert reverse("trainings:training_detail", args=[training_a.pk]) in page
    assert reverse("trainings:training_detail", args=[other.pk]) not in page


def test_it_refuses_the_list_to_an_outsider(outsider_client: Client) -> None:
    assert outsider_client.get(LIST).status_code == 403


def test_it_sends_anonymous_users_to_the_login_page(anonymous_client: Client) -> None:
    response = anonymous_client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_shows_group_size_waitlist_and_the_not_viable_flag(
    manager_a_client: Client, training_a: Training
) -> None:
    fill_training(training_a, 5)
    page = _page(manager_a_client)
    assert "5/16" in page
    assert "группа не набрана (5/12)" in page


def test_it_counts_the_waitlist_and_drops_the_flag_for_a_full_group(
    manager_a_client: Client, training_a: Training
) -> None:
    fill_training(training_a, 18)
    page = _page(manager_a_client)
    assert "16/16" in page and '<td class="num">2</td>' in page
    assert "flag-not-viable" not in page


def test_it_does_not_flag_a_held_or_cancelled_training(
    manager_a_client: Client, factory_a: Factory
) -> None:
    make_training(factory_a, status=Training.Status.CANCELLED)
    assert "flag-not-viable" not in _page(manager_a_client)


def test_it_filters_by_status_track_and_dates(
    coordinator_client: Client, factory_a: Factory, training_a: Training
) -> None:
    fill_training(training_a, 12)
    confirm_training(training_a)
    office = make_training(
        factory_a, track=Training.Track.OFFICE, date=TRAINING_DAY + datetime.timedelta(days=30)
    )
    detail_a = reverse("trainings:training_detail", args=[training_a.pk])
    detail_office = reverse("trainings:training_detail", args=[office.pk])
    page = _page(coordinator_client, status="confirmed")
    assert detail_a in page and detail_office not in page
    page = _page(coordinator_client, track="office")
    assert detail_office in page and detail_a not in page
    page = _page(coordinator_client, date_from="2026-04-01")
    assert detail_office in page and detail_a not in page
    page = _page(coordinator_client, factory=str(factory_a.pk), date_to="2026-03-31")
    assert detail_a in page and detail_office not in page


@time_machine.travel(datetime.datetime(2026, 3, 20, 12, 0), tick=False)
def test_it_filters_upcoming_and_past(coordinator_client: Client, factory_a: Factory) -> None:
    past = make_training(factory_a, date=datetime.date(2026, 3, 1))
    upcoming = make_training(factory_a, date=datetime.date(2026, 4, 1))
    page = _page(coordinator_client, when="upcoming")
    assert reverse("trainings:training_detail", args=[upcoming.pk]) in page
    assert reverse("trainings:training_detail", args=[past.pk]) not in page
    page = _page(coordinator_client, when="past")
    assert reverse("trainings:training_detail", args=[past.pk]) in page
    assert reverse("trainings:training_detail", args=[upcoming.pk]) not in page


def test_it_explains_a_bad_filter_instead_of_failing(coordinator_client: Client) -> None:
    page = _page(coordinator_client, date_from="2026-05-01", date_to="2026-04-01", status="x")
    assert "Конец периода раньше его начала." in page
    page = _page(coordinator_client, date_from="not a date")
    assert "Введите правильную дату." in page


# ---------------------------------------------------------------------------------------------
# Scheduling


def _schedule(client: Client, factory: Factory, trainer_user: User | None, **fields: str) -> dict:
    data = {
        "factory": str(factory.pk),
        "date": "2026-03-12",
        "track": "production",
        "trainer": str(trainer_user.trainer.pk) if trainer_user else "",
        "notes": "",
    }
    data.update(fields)
    return data


@time_machine.travel(DAY_BEFORE, tick=False)
def test_it_lets_the_manager_schedule_a_training(
    manager_a_client: Client, factory_a: Factory, trainer_a: User
) -> None:
    response = manager_a_client.post(NEW, _schedule(manager_a_client, factory_a, trainer_a))
    training = Training.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("trainings:training_detail", args=[training.pk])
    assert training.status == Training.Status.DRAFT and training.trainer == trainer_a.trainer
    assert training.date == TRAINING_DAY


@time_machine.travel(DAY_BEFORE, tick=False)
def test_it_offers_only_the_factories_the_user_manages(
    manager_a_client: Client, factory_a: Factory, factory_b: Factory
) -> None:
    page = _page(manager_a_client, NEW)
    assert "Kirovsk Process Factory" in page and "Gatchina Process Factory" not in page
    response = manager_a_client.post(NEW, _schedule(manager_a_client, factory_b, None))
    assert response.status_code == 200 and not Training.objects.exists()
    assert "Выберите корректный вариант" in response.content.decode()


@pytest.mark.parametrize("client_name", ["trainer_a_client", "outsider_client"])
def test_it_refuses_scheduling_to_those_who_manage_no_factory(
    client_name: str, request: pytest.FixtureRequest
) -> None:
    client: Client = request.getfixturevalue(client_name)
    assert client.get(NEW).status_code == 403


def test_it_sends_anonymous_schedulers_to_the_login_page(anonymous_client: Client) -> None:
    assert anonymous_client.get(NEW)["Location"].startswith(reverse("login"))


@time_machine.travel(DAY_BEFORE, tick=False)
def test_it_refuses_a_date_in_the_past(
    manager_a_client: Client, factory_a: Factory, trainer_a: User
) -> None:
    data = _schedule(manager_a_client, factory_a, trainer_a, date="2026-03-10")
    page = manager_a_client.post(NEW, data).content.decode()
    assert "Дата уже прошла" in page and not Training.objects.exists()


@time_machine.travel(DAY_BEFORE, tick=False)
def test_it_refuses_a_track_the_factory_does_not_run(
    coordinator_client: Client, factory_b: Factory, trainer_b: User
) -> None:
    data = _schedule(coordinator_client, factory_b, trainer_b, track="office")
    page = coordinator_client.post(NEW, data).content.decode()
    assert "На фабрике «Gatchina Process Factory» нет трека «офис»." in page
    assert not Training.objects.exists()


@time_machine.travel(DAY_BEFORE, tick=False)
def test_it_refuses_a_trainer_of_another_factory(
    coordinator_client: Client, factory_a: Factory, trainer_b: User
) -> None:
    page = coordinator_client.post(
        NEW, _schedule(coordinator_client, factory_a, trainer_b)
    ).content.decode()
    assert "Boris Trainer работает на фабрике «Gatchina Process Factory»" in page
    assert not Training.objects.exists()


def test_it_offers_the_chosen_factorys_tracks_and_trainers(
    coordinator_client: Client, factory_a: Factory, factory_b: Factory, trainer_b: User
) -> None:
    make_trainer(factory_a, full_name="Alla Kirovskaya")
    page = _page(
        coordinator_client, reverse("trainings:training_fields"), factory=str(factory_b.pk)
    )
    assert "Boris Trainer" in page and "Alla Kirovskaya" not in page
    assert 'value="production"' in page and 'value="office"' not in page


@time_machine.travel(DAY_BEFORE, tick=False)
def test_it_lets_the_manager_reschedule_but_not_another_manager(
    manager_a_client: Client, manager_b: User, training_a: Training, trainer_a: User
) -> None:
    url = reverse("trainings:training_edit", args=[training_a.pk])
    data = _schedule(manager_a_client, training_a.factory, trainer_a, date="2026-03-19")
    assert client_for(manager_b).post(url, data).status_code == 403
    assert manager_a_client.post(url, data).status_code == 302
    training_a.refresh_from_db()
    assert training_a.date == datetime.date(2026, 3, 19)


def test_it_refuses_rescheduling_to_the_trainer(
    trainer_a_client: Client, training_a: Training
) -> None:
    url = reverse("trainings:training_edit", args=[training_a.pk])
    assert trainer_a_client.get(url).status_code == 403
