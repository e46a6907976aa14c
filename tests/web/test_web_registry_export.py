"""CSV exports of the participant and enterprise lists: the rows on screen (filters applied,
scope kept), readable by Excel, safe to open, and importable again."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from processfactory.web.registry.importing import import_participants
from processfactory.web.registry.models import Enterprise, Participant, Training
from processfactory.web.registry.services import register
from web.base import make_enterprise, make_participant


def rows_of(response: object) -> list[list[str]]:
    content: bytes = response.content  # type: ignore[attr-defined]
    assert content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_it_exports_the_filtered_participants(
    coordinator_client: Client, training_a: Training
) -> None:
    plant = make_enterprise(name="Кировский завод")
    register(
        training_a,
        make_participant(
            full_name="Иван Иванов",
            category=Participant.Category.EMPLOYEE,
            enterprise=plant,
            organisation="Кировский завод",
            email="ivanov@example.com",
            phone="+7 911 000-00-00",
        ),
    )
    make_participant(full_name="Student Alice")
    response = coordinator_client.get(
        reverse("registry:participant_export"), {"category": "employee"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows[0] == [
        "ФИО",
        "Категория",
        "Организация",
        "ИНН предприятия",
        "Электронная почта",
        "Телефон",
    ]
    assert rows[1:] == [
        [
            "Иван Иванов",
            "сотрудник предприятия",
            "Кировский завод",
            plant.tax_id,
            "ivanov@example.com",
            "+7 911 000-00-00",
        ]
    ]


def test_it_exports_only_what_the_manager_may_see(
    manager_a_client: Client, training_a: Training, training_b: Training
) -> None:
    register(training_a, make_participant(full_name="Alice at A"))
    register(training_b, make_participant(full_name="Boris at B"))
    names = [
        row[0] for row in rows_of(manager_a_client.get(reverse("registry:participant_export")))
    ]
    assert names[1:] == ["Alice at A"]


def test_it_writes_formulas_as_text(coordinator_client: Client) -> None:
    make_participant(full_name='=HYPERLINK("http://evil.example","click")')
    rows = rows_of(coordinator_client.get(reverse("registry:participant_export")))
    assert rows[1][0].startswith("'=")


def test_it_exports_a_list_the_import_reads_back(coordinator: User, training_a: Training) -> None:
    plant = make_enterprise(name="Кировский завод")
    make_participant(
        full_name="Иван Иванов",
        category=Participant.Category.EMPLOYEE,
        enterprise=plant,
        organisation="Кировский завод",
    )
    make_participant(full_name="Пётр Петров", category=Participant.Category.OFFICER)
    client = Client()
    client.force_login(coordinator)
    exported = client.get(reverse("registry:participant_export")).content
    result = import_participants(exported, "participants.csv", user=coordinator)
    assert result.errors == [] and (result.created, result.matched) == (0, 2)


def test_it_exports_the_filtered_enterprises_with_their_participants(
    coordinator_client: Client, training_a: Training
) -> None:
    main = make_enterprise(name="Северсталь", phase=Enterprise.Phase.MAIN, district="Череповец")
    make_enterprise(name="Ижорские заводы")
    make_participant(full_name="Иван", category=Participant.Category.EMPLOYEE, enterprise=main)
    response = coordinator_client.get(reverse("registry:enterprise_export"), {"phase": "main"})
    rows = rows_of(response)
    assert rows[0][:2] == ["Название", "ИНН"]
    assert len(rows) == 2
    name, inn, _industry, year, phase, _changed, district, participants = rows[1]
    assert (name, inn, year, phase, district, participants) == (
        "Северсталь",
        main.tax_id,
        "2021",
        "основной этап",
        "Череповец",
        "1",
    )


def test_it_keeps_exports_from_outsiders_and_strangers(
    outsider_client: Client, anonymous_client: Client
) -> None:
    for name in ("registry:participant_export", "registry:enterprise_export"):
        assert outsider_client.get(reverse(name)).status_code == 403
        assert anonymous_client.get(reverse(name)).status_code == 302


def test_it_links_the_export_to_the_current_filters(coordinator_client: Client) -> None:
    make_participant(full_name="Student Alice")
    body = coordinator_client.get(
        reverse("registry:participant_list"), {"category": "student", "page": "1"}
    ).content.decode()
    # the page number is left out: the export has every row the filters find
    assert f'href="{reverse("registry:participant_export")}?category=student"' in body
