"""Importing a participant list into a training, and the whole day from schedule to print."""

from __future__ import annotations

import io

import time_machine
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from processfactory.web.registry.models import Certificate, Factory, Participant, Training
from web.base import DAY_BEFORE, ON_TRAINING_DAY, client_for, fill_training

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows: list[list[str]]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ФИО", "Категория", "Организация", "Email"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("group.xlsx", buffer.getvalue(), content_type=XLSX)


def _people(count: int) -> list[list[str]]:
    return [
        [f"Студент Номер {n:02d}", "студент", "Kirovsk Polytechnic College", f"s{n}@example.org"]
        for n in range(1, count + 1)
    ]


def _import_url(training: Training) -> str:
    return reverse("trainings:import_participants", args=[training.pk])


def test_it_imports_and_registers_twelve_people_from_xlsx(
    manager_a_client: Client, training_a: Training
) -> None:
    response = manager_a_client.post(
        _import_url(training_a), {"file": _xlsx(_people(12))}, follow=True
    )
    page = response.content.decode()
    assert "Новых участников: 12" in page and "записано в группу: 12" in page
    assert training_a.registered_count == 12
    assert "группа не набрана" not in page


def test_it_imports_a_csv_past_the_group_size_onto_the_waitlist(
    coordinator_client: Client, training_a: Training
) -> None:
    fill_training(training_a, 10)
    lines = ["full name,category,organisation"] + [f"Person {n},student,College" for n in range(8)]
    upload = SimpleUploadedFile("list.csv", "\n".join(lines).encode(), content_type="text/csv")
    page = coordinator_client.post(_import_url(training_a), {"file": upload}, follow=True)
    assert "записано в группу: 6, в лист ожидания: 2" in page.content.decode()


def test_it_shows_the_errors_table_and_saves_nothing(
    manager_a_client: Client, training_a: Training
) -> None:
    rows = _people(3)
    rows[1][1] = "astronaut"
    rows[2][0] = ""
    response = manager_a_client.post(_import_url(training_a), {"file": _xlsx(rows)})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'class="import-errors"' in page
    assert "Ничего не загружено: ошибки в файле (2)" in page
    assert '<td class="num">3</td><td>Категория</td>' in page
    assert not Participant.objects.exists() and not training_a.registrations.exists()


def test_it_explains_a_missing_or_unreadable_file(
    manager_a_client: Client, training_a: Training
) -> None:
    missing = manager_a_client.post(_import_url(training_a), {})
    assert missing.status_code == 400
    assert "Выберите файл для загрузки." in missing.content.decode()
    broken = SimpleUploadedFile("group.xlsx", b"not a workbook", content_type=XLSX)
    response = manager_a_client.post(_import_url(training_a), {"file": broken})
    assert response.status_code == 400 and 'class="import-errors"' in response.content.decode()


def test_it_refuses_the_import_to_the_trainer_and_other_managers(
    trainer_a_client: Client, manager_b: User, training_a: Training
) -> None:
    assert trainer_a_client.get(_import_url(training_a)).status_code == 403
    other = client_for(manager_b).post(_import_url(training_a), {"file": _xlsx(_people(1))})
    assert other.status_code == 403
    assert not Participant.objects.exists()
    assert Client().get(_import_url(training_a))["Location"].startswith(reverse("login"))


def test_it_offers_the_xlsx_template(manager_a_client: Client, trainer_a_client: Client) -> None:
    response = manager_a_client.get(reverse("trainings:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response.content[:2] == b"PK"
    assert trainer_a_client.get(reverse("trainings:import_template")).status_code == 403


def test_it_runs_the_whole_day_from_schedule_to_printed_certificate(
    manager_a: User, trainer_a: User, factory_a: Factory
) -> None:
    manager = client_for(manager_a)
    with time_machine.travel(DAY_BEFORE, tick=False):
        created = manager.post(
            reverse("trainings:training_create"),
            {
                "factory": str(factory_a.pk),
                "date": "2026-03-12",
                "track": "production",
                "trainer": str(trainer_a.trainer.pk),
            },
        )
        training = Training.objects.get()
        assert created["Location"] == reverse("trainings:training_detail", args=[training.pk])
        manager.post(_import_url(training), {"file": _xlsx(_people(12))})
        manager.post(reverse("trainings:confirm_training", args=[training.pk]))
    with time_machine.travel(ON_TRAINING_DAY, tick=False):
        trainer = client_for(trainer_a)
        ids = [str(r.pk) for r in training.registrations.all()]
        trainer.post(
            reverse("trainings:attendance", args=[training.pk]), {"shown": ids, "attended": ids}
        )
        manager.post(reverse("trainings:mark_held", args=[training.pk]))
        trainer.post(reverse("trainings:issue_certificates", args=[training.pk]))
        printed = trainer.get(reverse("trainings:certificates", args=[training.pk]))
    assert Certificate.objects.count() == 12
    assert printed.content.decode().count('<article class="certificate"') == 12
