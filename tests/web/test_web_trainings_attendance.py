"""Attendance on the training day, marking a training held, and issuing certificates."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from processfactory.web.registry.models import Certificate, Registration, Training
from processfactory.web.registry.services import confirm_training
from web.base import DAY_BEFORE, ON_TRAINING_DAY, client_for, fill_training


def _url(name: str, training: Training) -> str:
    return reverse(f"trainings:{name}", args=[training.pk])


@pytest.fixture
def confirmed(training_a: Training) -> Training:
    fill_training(training_a, 12)
    return confirm_training(training_a)


def _marks(training: Training, came: int) -> dict[str, list[str]]:
    ids = [
        str(pk)
        for pk in training.registrations.filter(status="registered")
        .order_by("id")
        .values_list("pk", flat=True)
    ]
    return {"shown": ids, "attended": ids[:came]}


@time_machine.travel(DAY_BEFORE, tick=False)
def test_it_refuses_attendance_before_the_training_day(
    trainer_a_client: Client, confirmed: Training
) -> None:
    page = trainer_a_client.get(_url("attendance", confirmed)).content.decode()
    assert "Посещаемость можно отметить в день тренинга (12.03.2026) или позже." in page
    assert 'name="attended"' not in page
    response = trainer_a_client.post(_url("attendance", confirmed), _marks(confirmed, 12))
    assert response.status_code == 400
    assert not Registration.objects.filter(attended__isnull=False).exists()


@time_machine.travel(ON_TRAINING_DAY, tick=False)
def test_it_refuses_attendance_for_a_draft(trainer_a_client: Client, training_a: Training) -> None:
    fill_training(training_a, 3)
    page = trainer_a_client.get(_url("attendance", training_a)).content.decode()
    assert "статус этого тренинга — «черновик»" in page


@pytest.mark.parametrize(
    "client_name", ["trainer_a_client", "manager_a_client", "coordinator_client"]
)
@time_machine.travel(ON_TRAINING_DAY, tick=False)
def test_it_lets_the_trainer_manager_and_coordinator_mark_attendance(
    client_name: str, request: pytest.FixtureRequest, confirmed: Training
) -> None:
    client: Client = request.getfixturevalue(client_name)
    page = client.get(_url("attendance", confirmed)).content.decode()
    assert page.count('type="checkbox" name="attended"') == 12
    response = client.post(_url("attendance", confirmed), _marks(confirmed, 10), follow=True)
    assert "Посещаемость сохранена: пришли 10 из 12." in response.content.decode()
    assert confirmed.registrations.filter(attended=True).count() == 10
    assert confirmed.registrations.filter(attended=False).count() == 2


@time_machine.travel(ON_TRAINING_DAY, tick=False)
def test_it_refuses_attendance_to_others(
    manager_b: User, trainer_b: User, outsider_client: Client, confirmed: Training
) -> None:
    url = _url("attendance", confirmed)
    assert client_for(manager_b).get(url).status_code == 403
    assert client_for(trainer_b).post(url, _marks(confirmed, 12)).status_code == 403
    assert outsider_client.get(url).status_code == 403
    assert Client().get(url)["Location"].startswith(reverse("login"))


@time_machine.travel(ON_TRAINING_DAY, tick=False)
def test_it_saves_all_or_nothing(trainer_a_client: Client, confirmed: Training) -> None:
    marks = _marks(confirmed, 12)
    waitlisted = fill_training(confirmed, 5)[-1]
    assert waitlisted.status == "waitlisted"
    marks["shown"].append(str(waitlisted.pk))
    response = trainer_a_client.post(_url("attendance", confirmed), marks)
    assert response.status_code == 400
    assert "только для участников, записанных в группу" in response.content.decode()
    assert not confirmed.registrations.filter(attended__isnull=False).exists()


@time_machine.travel(ON_TRAINING_DAY, tick=False)
def test_it_explains_a_damaged_attendance_form(
    trainer_a_client: Client, confirmed: Training
) -> None:
    response = trainer_a_client.post(_url("attendance", confirmed), {"shown": ["x"]})
    assert response.status_code == 400
    assert "Форма повреждена" in response.content.decode()


@time_machine.travel(ON_TRAINING_DAY, tick=False)
def test_it_marks_held_and_issues_a_certificate_per_attendee(
    manager_a_client: Client, trainer_a_client: Client, confirmed: Training
) -> None:
    trainer_a_client.post(_url("attendance", confirmed), _marks(confirmed, 11))
    page = manager_a_client.get(_url("training_detail", confirmed)).content.decode()
    assert _url("mark_held", confirmed) in page
    manager_a_client.post(_url("mark_held", confirmed))
    confirmed.refresh_from_db()
    assert confirmed.status == "held"
    response = trainer_a_client.post(_url("issue_certificates", confirmed), follow=True)
    assert "Выдано сертификатов: 11." in response.content.decode()
    assert Certificate.objects.count() == 11
    again = trainer_a_client.post(_url("issue_certificates", confirmed), follow=True)
    assert "У всех присутствовавших уже есть сертификаты." in again.content.decode()
    assert Certificate.objects.count() == 11


@time_machine.travel(DAY_BEFORE, tick=False)
def test_it_refuses_to_mark_held_before_the_day(
    manager_a_client: Client, confirmed: Training
) -> None:
    response = manager_a_client.post(_url("mark_held", confirmed), follow=True)
    assert "в день тренинга или позже" in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.status == "confirmed"


def test_it_refuses_certificates_for_a_training_not_held(
    trainer_a_client: Client, confirmed: Training
) -> None:
    response = trainer_a_client.post(_url("issue_certificates", confirmed), follow=True)
    assert "Сертификаты выдаются только по проведённому тренингу." in response.content.decode()


def test_it_refuses_issuing_certificates_to_others(
    manager_b: User, outsider_client: Client, confirmed: Training
) -> None:
    assert client_for(manager_b).post(_url("issue_certificates", confirmed)).status_code == 403
    assert outsider_client.post(_url("issue_certificates", confirmed)).status_code == 403
