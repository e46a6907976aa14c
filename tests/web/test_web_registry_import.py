"""Participant import: CSV (UTF-8, cp1251, comma or semicolon) and XLSX, English or Russian
headers; every bad row reported with its spreadsheet row number, and nothing saved unless the
whole file is good."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from processfactory.web.registry.importing import (
    MAX_FILE_BYTES,
    ImportResult,
    RowError,
    import_participants,
    participant_template_xlsx,
)
from processfactory.web.registry.models import (
    Enterprise,
    Participant,
    Registration,
    Training,
)
from processfactory.web.registry.services import register
from web.base import VALID_INNS, make_enterprise, make_participant, make_training

HEADER = ["full name", "category", "organisation", "enterprise INN", "email", "phone"]


@pytest.fixture
def sberbank(db: None) -> Enterprise:
    return make_enterprise(name="Sberbank", tax_id=VALID_INNS[0])


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    return "\r\n".join(delimiter.join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows(count: int, start: int = 0) -> list[list[str]]:
    return [
        [f"Student {n:02d}", "student", "Kirovsk College", "", f"s{n}@example.com", ""]
        for n in range(start, start + count)
    ]


def errors_by_row(result: ImportResult) -> dict[int | None, list[RowError]]:
    found: dict[int | None, list[RowError]] = {}
    for error in result.errors:
        found.setdefault(error.row, []).append(error)
    return found


# ---------------------------------------------------------------------------------------------
# Good files


def test_it_creates_participants_from_a_good_csv(coordinator: User, sberbank: Enterprise) -> None:
    rows = [
        HEADER,
        ["Ivan Petrov", "employee", "", VALID_INNS[0], "petrov@example.com", "+7 812 123-45-67"],
        ["Olga Smirnova", "student", "Kirovsk College", "", "", ""],
        ["Pavel Orlov", "officer", "Kirovsk district administration", "", "", ""],
    ]
    result = import_participants(csv_bytes(rows), "list.csv", user=coordinator)
    assert result.errors == []
    assert (result.rows, result.created, result.matched) == (3, 3, 0)
    petrov = Participant.objects.get(full_name="Ivan Petrov")
    assert petrov.enterprise == sberbank and petrov.category == "employee"
    # an employee's organisation defaults to their enterprise
    assert petrov.organisation == "Sberbank" and petrov.phone == "+7 812 123-45-67"
    assert Participant.objects.get(full_name="Pavel Orlov").category == "officer"


def test_it_reads_a_cp1251_csv_with_semicolons_and_russian_headers(
    coordinator: User, sberbank: Enterprise
) -> None:
    rows = [
        ["ФИО", "Категория", "Организация", "ИНН предприятия", "Электронная почта", "Телефон"],
        ["Иванов Иван Иванович", "Сотрудник предприятия", "", VALID_INNS[0], "", ""],
        ["Петрова Анна", "студент", "Кировский политехнический техникум", "", "", ""],
        ["Сидоров Пётр", "госслужащий", "Администрация Кировского района", "", "", ""],
    ]
    data = csv_bytes(rows, delimiter=";", encoding="cp1251")
    result = import_participants(data, "список.csv", user=coordinator)
    assert result.errors == [] and result.created == 3
    ivanov = Participant.objects.get(full_name="Иванов Иван Иванович")
    assert ivanov.enterprise == sberbank
    assert Participant.objects.get(full_name="Сидоров Пётр").category == "officer"


def test_it_reads_utf8_with_a_bom_and_headers_in_any_order_and_case(coordinator: User) -> None:
    rows = [
        ["EMAIL", "Category", "Full Name"],
        ["a@example.com", "Student", "Анна Белова"],
    ]
    data = "\ufeff".encode() + csv_bytes(rows)
    result = import_participants(data, "LIST.CSV", user=coordinator)
    assert result.errors == [] and result.created == 1
    assert Participant.objects.get(email="a@example.com").full_name == "Анна Белова"


def test_it_creates_participants_from_a_good_xlsx(coordinator: User, sberbank: Enterprise) -> None:
    # Excel keeps numbers typed into cells as numbers: the INN and the phone arrive as floats
    data = xlsx_bytes(
        [
            ["ФИО", "Категория", "ИНН предприятия", "Телефон"],
            ["Иванов Иван", "сотрудник предприятия", float(VALID_INNS[0]), 79111234567],
            ["Петрова Анна", "студент", None, None],
        ]
    )
    result = import_participants(data, "list.xlsx", user=coordinator)
    assert result.errors == [] and result.created == 2
    ivanov = Participant.objects.get(full_name="Иванов Иван")
    assert ivanov.enterprise == sberbank and ivanov.phone == "79111234567"


def test_it_matches_people_already_in_the_registry(coordinator: User) -> None:
    known = make_participant(full_name="Olga Smirnova", email="olga@example.com")
    same_name = make_participant(full_name="Pavel Orlov", organisation="Kirovsk College")
    rows = [
        HEADER,
        ["Olga S.", "student", "Kirovsk College", "", "OLGA@example.com", ""],
        ["Pavel Orlov", "student", "Kirovsk College", "", "", ""],
        ["Someone New", "student", "Kirovsk College", "", "", ""],
    ]
    result = import_participants(csv_bytes(rows), "list.csv", user=coordinator)
    assert (result.created, result.matched) == (1, 2)
    assert result.participants[:2] == [known, same_name]
    assert Participant.objects.count() == 3


def test_it_registers_everyone_and_waitlists_beyond_sixteen(
    manager_a: User, training_a: Training
) -> None:
    data = csv_bytes([HEADER, *good_rows(18)])
    result = import_participants(data, "group.csv", user=manager_a, training=training_a)
    assert result.errors == []
    assert (result.created, result.registered, result.waitlisted) == (18, 16, 2)
    registrations = training_a.registrations
    assert registrations.filter(status=Registration.Status.REGISTERED).count() == 16
    waitlisted = registrations.filter(status=Registration.Status.WAITLISTED)
    assert sorted(r.participant.full_name for r in waitlisted) == ["Student 16", "Student 17"]


def test_it_counts_people_already_on_the_training_list(
    manager_a: User, training_a: Training
) -> None:
    data = csv_bytes([HEADER, *good_rows(3)])
    import_participants(data, "group.csv", user=manager_a, training=training_a)
    again = import_participants(data, "group.csv", user=manager_a, training=training_a)
    assert again.errors == []
    assert (again.created, again.matched, again.already_registered) == (0, 3, 3)
    assert training_a.registrations.count() == 3


def test_it_does_not_hand_another_factorys_participant_to_a_manager(
    manager_a: User, training_a: Training, training_b: Training
) -> None:
    at_b = make_participant(full_name="Boris Petrov", email="boris@example.com", phone="+7 900")
    register(training_b, at_b)
    rows = [
        HEADER,
        *good_rows(2),
        ["B. Petrov", "student", "Kirovsk College", "", "boris@example.com", ""],
    ]
    result = import_participants(csv_bytes(rows), "group.csv", user=manager_a, training=training_a)
    assert [(e.row, e.column) for e in result.errors] == [(4, "")]
    assert "другой фабрике" in result.errors[0].message  # Russian: the default language
    assert training_a.registrations.count() == 0  # the good rows are not half-imported
    assert not training_a.registrations.filter(participant=at_b).exists()


# ---------------------------------------------------------------------------------------------
# Bad rows: all reported, nothing saved


def test_it_reports_every_bad_row_and_imports_nothing(
    coordinator: User, sberbank: Enterprise
) -> None:
    rows = [
        HEADER,
        *good_rows(2),  # rows 2-3
        ["", "student", "Kirovsk College", "", "", ""],  # row 4: no name
        *good_rows(1, start=10),  # row 5
        ["Ivan Petrov", "employee", "", "", "", ""],  # row 6: employee without INN
        ["Anna Bad", "student", "Kirovsk College", "", "not-an-email", ""],  # row 7
        *good_rows(1, start=20),  # row 8
    ]
    with translation.override("en"):
        result = import_participants(csv_bytes(rows), "list.csv", user=coordinator)
    by_row = errors_by_row(result)
    assert sorted(by_row, key=str) == [4, 6, 7]
    assert by_row[4][0].column == "full name"
    assert by_row[6][0].column == "enterprise INN" and "INN" in by_row[6][0].message
    assert by_row[7][0].column == "email"
    assert Participant.objects.count() == 0
    assert (result.created, result.matched) == (0, 0)


@pytest.mark.parametrize(
    ("inn", "words"),
    [
        ("7707083894", "check digit"),
        ("770708389", "10 digits"),
        (VALID_INNS[1], "No enterprise with INN"),
    ],
)
def test_it_explains_what_is_wrong_with_an_inn(
    coordinator: User, sberbank: Enterprise, inn: str, words: str
) -> None:
    rows = [HEADER, ["Ivan Petrov", "employee", "", inn, "", ""]]
    with translation.override("en"):
        result = import_participants(csv_bytes(rows), "list.csv", user=coordinator)
    assert len(result.errors) == 1 and words in result.errors[0].message
    assert result.errors[0].row == 2


def test_it_reports_an_unknown_category_and_a_bad_phone(coordinator: User) -> None:
    rows = [HEADER, ["Ivan Petrov", "pensioner", "X", "", "", "call me"]]
    with translation.override("en"):
        result = import_participants(csv_bytes(rows), "list.csv", user=coordinator)
    columns = {error.column: error.message for error in result.errors}
    assert "pensioner" in columns["category"] and "phone number" in columns["phone"]


def test_it_reports_duplicate_rows_within_the_file(coordinator: User) -> None:
    rows = [
        HEADER,
        ["Olga Smirnova", "student", "College", "", "olga@example.com", ""],
        ["Pavel Orlov", "student", "College", "", "", ""],
        ["Olga Smirnova-Petrova", "student", "College", "", "Olga@Example.com", ""],
        ["pavel orlov", "student", "college", "", "", ""],
    ]
    with translation.override("en"):
        result = import_participants(csv_bytes(rows), "list.csv", user=coordinator)
    assert [(e.row, e.column) for e in result.errors] == [(4, "email"), (5, "full name")]
    assert "row 2" in result.errors[0].message and "row 3" in result.errors[1].message
    assert Participant.objects.count() == 0


def test_it_numbers_xlsx_rows_as_the_spreadsheet_does(coordinator: User) -> None:
    data = xlsx_bytes(
        [
            ["Full name", "Category"],
            ["Anna", "student"],
            [None, None],  # an empty row keeps its number
            ["Boris", "astronaut"],
        ]
    )
    result = import_participants(data, "list.xlsx", user=coordinator)
    assert [error.row for error in result.errors] == [4]


def test_it_saves_nothing_when_a_registration_is_refused(
    coordinator: User, training_a: Training
) -> None:
    training_a.status = Training.Status.CANCELLED
    training_a.save()
    data = csv_bytes([HEADER, *good_rows(2)])
    result = import_participants(data, "list.csv", user=coordinator, training=training_a)
    assert len(result.errors) == 1 and result.created == 0
    assert Participant.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# Files refused as a whole


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (b"", "list.csv", "empty"),
        (b"\n\n", "list.csv", "empty"),
        (b"full name,category\n", "list.csv", "no participants"),
        (b"full name,category\nAnna,student\n", "list.xls", ".csv or .xlsx"),
        (b"PK\x03\x04 broken", "list.xlsx", "XLSX"),
        (b"\x00\x01binary", "list.csv", "not CSV"),
        (b"x" * (MAX_FILE_BYTES + 1), "list.csv", "too large"),
    ],
)
def test_it_refuses_a_file_it_cannot_import(
    coordinator: User, data: bytes, filename: str, words: str
) -> None:
    with translation.override("en"):
        result = import_participants(data, filename, user=coordinator)
    assert len(result.errors) == 1
    assert result.errors[0].row is None and words in result.errors[0].message


def test_it_names_missing_and_unknown_columns(coordinator: User) -> None:
    data = csv_bytes([["name", "birthday", "e-mail"], ["Anna", "1990-01-01", "a@example.com"]])
    with translation.override("en"):
        result = import_participants(data, "list.csv", user=coordinator)
    messages = [error.message for error in result.errors]
    assert any("birthday" in m and "Unknown column" in m for m in messages)
    assert any("Category" in m and "missing" in m for m in messages)
    assert all(error.row == 1 for error in result.errors)


def test_it_refuses_a_repeated_column(coordinator: User) -> None:
    data = csv_bytes([["ФИО", "full name", "category"], ["Anna", "Anna", "student"]])
    result = import_participants(data, "list.csv", user=coordinator)
    assert [error.column for error in result.errors] == ["full name"]


def test_it_refuses_people_who_may_not_register_anyone(
    trainer_a: User, manager_a: User, training_b: Training
) -> None:
    data = csv_bytes([HEADER, *good_rows(1)])
    with pytest.raises(PermissionDenied):
        import_participants(data, "list.csv", user=trainer_a)
    with pytest.raises(PermissionDenied):
        import_participants(data, "list.csv", user=manager_a, training=training_b)


# ---------------------------------------------------------------------------------------------
# The template


@pytest.mark.parametrize("language", ["ru", "en"])
def test_it_offers_a_template_its_own_importer_reads(coordinator: User, language: str) -> None:
    with translation.override(language):
        template = participant_template_xlsx(language)
    sheet = openpyxl.load_workbook(io.BytesIO(template)).active
    headers = [cell.value for cell in sheet[1]]
    assert len(headers) == 6
    if language == "ru":
        assert headers[:2] == ["ФИО", "Категория"]
    sheet.append(["Анна Белова", "студент" if language == "ru" else "student"])
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    result = import_participants(buffer.getvalue(), "template.xlsx", user=coordinator)
    assert result.errors == [] and result.created == 1


# ---------------------------------------------------------------------------------------------
# The screen


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_it_imports_a_list_through_the_screen(
    manager_a_client: Client, training_a: Training
) -> None:
    response = manager_a_client.post(
        reverse("registry:participant_import"),
        {
            "file": upload("group.csv", csv_bytes([HEADER, *good_rows(3)])),
            "training": training_a.pk,
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "импортирован" in body
    assert training_a.registrations.count() == 3
    assert (
        "Student 00" in manager_a_client.get(reverse("registry:participant_list")).content.decode()
    )


def test_it_shows_every_bad_row_on_the_screen(coordinator_client: Client) -> None:
    rows = [
        HEADER,
        ["", "student", "", "", "", ""],
        *good_rows(1),
        ["Anna", "astronaut", "", "", "", ""],
        ["Boris", "student", "", "", "bad@", ""],
    ]
    response = coordinator_client.post(
        reverse("registry:participant_import"), {"file": upload("list.csv", csv_bytes(rows))}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "ничего не сохранено" in body
    for row in ("2", "4", "5"):
        assert f'<td class="num">{row}</td>' in body
    assert Participant.objects.count() == 0


def test_it_asks_a_manager_which_training_the_people_are_for(
    manager_a_client: Client, training_a: Training
) -> None:
    response = manager_a_client.post(
        reverse("registry:participant_import"),
        {"file": upload("group.csv", csv_bytes([HEADER, *good_rows(1)]))},
    )
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert Participant.objects.count() == 0


def test_it_offers_a_manager_only_their_own_trainings(
    manager_a_client: Client, training_a: Training, training_b: Training
) -> None:
    body = manager_a_client.get(reverse("registry:participant_import")).content.decode()
    assert f'value="{training_a.pk}"' in body and f'value="{training_b.pk}"' not in body
    response = manager_a_client.post(
        reverse("registry:participant_import"),
        {
            "file": upload("group.csv", csv_bytes([HEADER, *good_rows(1)])),
            "training": training_b.pk,
        },
    )
    assert 'class="errorlist"' in response.content.decode()
    assert training_b.registrations.count() == 0


def test_it_offers_no_held_training(manager_a_client: Client, factory_a: Training) -> None:
    held = make_training(factory_a, status=Training.Status.HELD)
    body = manager_a_client.get(reverse("registry:participant_import")).content.decode()
    assert f'value="{held.pk}"' not in body


def test_it_refuses_a_file_too_large_before_reading_it(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        reverse("registry:participant_import"),
        {"file": upload("big.csv", b"x" * (MAX_FILE_BYTES + 1))},
    )
    assert "слишком большой" in response.content.decode()


@pytest.mark.parametrize(
    "name", ["registry:participant_import", "registry:participant_import_template"]
)
def test_it_keeps_the_import_from_those_who_cannot_register_people(
    trainer_a_client: Client, outsider_client: Client, anonymous_client: Client, name: str
) -> None:
    assert trainer_a_client.get(reverse(name)).status_code == 403
    assert outsider_client.get(reverse(name)).status_code == 403
    assert anonymous_client.get(reverse(name)).status_code == 302


def test_it_downloads_the_template(manager_a_client: Client) -> None:
    response = manager_a_client.get(reverse("registry:participant_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "ФИО"
