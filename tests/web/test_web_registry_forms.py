"""Registry forms: the coordinator creates factories, trainers and enterprises; a manager edits
their factory and adds participants to its trainings; mistakes are explained next to the field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from processfactory.web.registry.models import (
    Enterprise,
    Factory,
    Participant,
    Registration,
    Trainer,
    Training,
)
from web.base import VALID_INNS, fill_training, make_enterprise, make_participant, make_user


def field_errors(body: str, field: str) -> str:
    """The text of the error list Django renders for ``field`` (empty when none)."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', body, re.S)
    return match.group(1) if match else ""


FACTORY = {
    "name": "Tosno Process Factory",
    "host_institution": "Tosno Polytechnic College",
    "address": "Tosno",
    "status": "planned",
    "opened_on": "",
    "has_production_track": "on",
}


# ---------------------------------------------------------------------------------------------
# Factories


def test_it_lets_the_coordinator_create_a_factory_with_its_managers(
    coordinator_client: Client,
) -> None:
    manager = make_user("tosno_manager")
    response = coordinator_client.post(
        reverse("registry:factory_create"), {**FACTORY, "managers": [manager.pk]}
    )
    factory = Factory.objects.get(name="Tosno Process Factory")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:factory_detail", args=[factory.pk])
    assert list(factory.managers.all()) == [manager]


def test_it_asks_an_open_factory_for_its_opening_date(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        reverse("registry:factory_create"), {**FACTORY, "status": "open"}
    )
    assert response.status_code == 200
    assert "Для открытой фабрики укажите дату открытия." in field_errors(
        response.content.decode(), "opened_on"
    )
    assert not Factory.objects.filter(name="Tosno Process Factory").exists()


def test_it_asks_a_factory_for_at_least_one_track(coordinator_client: Client) -> None:
    data = {key: value for key, value in FACTORY.items() if key != "has_production_track"}
    response = coordinator_client.post(reverse("registry:factory_create"), data)
    assert "хотя бы один трек" in response.content.decode()


def test_it_lets_a_manager_edit_their_factory_but_not_its_managers(
    manager_a_client: Client, manager_a: User, factory_a: Factory
) -> None:
    url = reverse("registry:factory_edit", args=[factory_a.pk])
    assert 'name="managers"' not in manager_a_client.get(url).content.decode()
    response = manager_a_client.post(
        url,
        {
            "name": factory_a.name,
            "host_institution": factory_a.host_institution,
            "address": "Kirovsk, Novaya street 1",
            "status": "open",
            "opened_on": "2021-09-01",
            "has_production_track": "on",
            "managers": [],  # ignored: not the manager's field
        },
    )
    assert response.status_code == 302
    factory_a.refresh_from_db()
    assert factory_a.address == "Kirovsk, Novaya street 1" and not factory_a.has_office_track
    assert list(factory_a.managers.all()) == [manager_a]


def test_it_keeps_managers_from_creating_factories_or_editing_others(
    manager_a_client: Client, factory_b: Factory
) -> None:
    assert manager_a_client.get(reverse("registry:factory_create")).status_code == 403
    assert manager_a_client.post(reverse("registry:factory_create"), FACTORY).status_code == 403
    edit_b = reverse("registry:factory_edit", args=[factory_b.pk])
    assert manager_a_client.post(edit_b, FACTORY).status_code == 403
    assert not Factory.objects.filter(name="Tosno Process Factory").exists()


def test_it_sends_anonymous_users_to_log_in_before_a_form(anonymous_client: Client) -> None:
    response = anonymous_client.get(reverse("registry:factory_create"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# ---------------------------------------------------------------------------------------------
# Trainers


def test_it_lets_the_coordinator_add_a_trainer_with_a_login(
    coordinator_client: Client, factory_a: Factory
) -> None:
    login = make_user("new_trainer")
    response = coordinator_client.post(
        reverse("registry:trainer_create"),
        {
            "full_name": "Nina Trainer",
            "email": "nina@example.com",
            "phone": "+7 (813) 622-00-00",
            "factory": factory_a.pk,
            "is_active": "on",
            "user": login.pk,
        },
    )
    assert response.status_code == 302
    assert Trainer.objects.get(full_name="Nina Trainer").user == login


def test_it_explains_a_bad_trainer_phone(coordinator_client: Client, factory_a: Factory) -> None:
    response = coordinator_client.post(
        reverse("registry:trainer_create"),
        {"full_name": "Nina", "phone": "call me", "factory": factory_a.pk},
    )
    assert "Укажите номер телефона цифрами" in field_errors(response.content.decode(), "phone")


def test_it_offers_only_logins_that_are_not_trainers_yet(
    coordinator_client: Client, trainer_a: User
) -> None:
    body = coordinator_client.get(reverse("registry:trainer_create")).content.decode()
    assert "trainer_a" not in body


def test_it_keeps_trainers_read_only_for_managers_and_trainers(
    manager_a_client: Client, trainer_a_client: Client, trainer_a: User
) -> None:
    edit = reverse("registry:trainer_edit", args=[trainer_a.trainer.pk])
    for client in (manager_a_client, trainer_a_client):
        assert client.get(reverse("registry:trainer_create")).status_code == 403
        assert client.get(edit).status_code == 403


# ---------------------------------------------------------------------------------------------
# Enterprises

ENTERPRISE = {
    "name": "Фосфорит",
    "tax_id": "7707 083 893",
    "industry": "chemicals",
    "joined_year": "2020",
    "phase": "diagnostics",
    "phase_changed_on": "",
    "district": "Кингисеппский",
}


def test_it_lets_the_coordinator_add_an_enterprise(coordinator_client: Client) -> None:
    response = coordinator_client.post(reverse("registry:enterprise_create"), ENTERPRISE)
    assert response.status_code == 302
    # the spaces people type into an INN are dropped
    assert Enterprise.objects.get(name="Фосфорит").tax_id == "7707083893"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tax_id": "7707083894"}, "tax_id", "не совпадает контрольная цифра"),
        ({"tax_id": "77070838"}, "tax_id", "10"),
        ({"joined_year": "2018"}, "joined_year", "2019"),
        ({"name": ""}, "name", "Обязательное поле"),
    ],
)
def test_it_explains_a_bad_enterprise_next_to_the_field(
    coordinator_client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = coordinator_client.post(
        reverse("registry:enterprise_create"), {**ENTERPRISE, **changes}
    )
    assert response.status_code == 200
    assert message in field_errors(response.content.decode(), field)
    assert not Enterprise.objects.exists()


def test_it_refuses_a_second_enterprise_with_the_same_inn(coordinator_client: Client) -> None:
    make_enterprise(tax_id=VALID_INNS[0])
    response = coordinator_client.post(reverse("registry:enterprise_create"), ENTERPRISE)
    assert field_errors(response.content.decode(), "tax_id") != ""


def test_it_lets_the_coordinator_move_an_enterprise_to_the_main_phase(
    coordinator_client: Client,
) -> None:
    enterprise = make_enterprise(name="Фосфорит")
    data = {**ENTERPRISE, "tax_id": enterprise.tax_id, "phase": "main"}
    data["phase_changed_on"] = "2022-03-01"
    response = coordinator_client.post(
        reverse("registry:enterprise_edit", args=[enterprise.pk]), data
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.phase == "main" and str(enterprise.phase_changed_on) == "2022-03-01"


def test_it_keeps_managers_from_creating_enterprises(manager_a_client: Client) -> None:
    assert manager_a_client.post(reverse("registry:enterprise_create"), ENTERPRISE).status_code == (
        403
    )


# ---------------------------------------------------------------------------------------------
# Participants


def participant(**changes: Any) -> dict[str, Any]:
    data = {
        "full_name": "Мария Кузнецова",
        "category": "student",
        "organisation": "Кировский политехнический техникум",
        "enterprise": "",
        "email": "maria@example.com",
        "phone": "",
    }
    data.update(changes)
    return data


def test_it_lets_a_manager_add_a_participant_to_their_training(
    manager_a_client: Client, training_a: Training
) -> None:
    response = manager_a_client.post(
        reverse("registry:participant_create"), participant(training=training_a.pk)
    )
    person = Participant.objects.get(full_name="Мария Кузнецова")
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:participant_detail", args=[person.pk])
    assert Registration.objects.get(participant=person).training == training_a
    # and the manager sees them from now on
    assert manager_a_client.get(response["Location"]).status_code == 200


def test_it_waitlists_a_participant_added_to_a_full_training(
    manager_a_client: Client, training_a: Training
) -> None:
    fill_training(training_a, Training.MAX_GROUP)
    response = manager_a_client.post(
        reverse("registry:participant_create"), participant(training=training_a.pk), follow=True
    )
    person = Participant.objects.get(full_name="Мария Кузнецова")
    assert Registration.objects.get(participant=person).status == "waitlisted"
    assert "лист ожидания" in response.content.decode()


def test_it_asks_a_manager_for_the_training(manager_a_client: Client, training_a: Training) -> None:
    response = manager_a_client.post(reverse("registry:participant_create"), participant())
    assert field_errors(response.content.decode(), "training") != ""
    assert not Participant.objects.exists()


def test_it_refuses_a_manager_another_factorys_training(
    manager_a_client: Client, training_a: Training, training_b: Training
) -> None:
    response = manager_a_client.post(
        reverse("registry:participant_create"), participant(training=training_b.pk)
    )
    assert field_errors(response.content.decode(), "training") != ""
    assert not Participant.objects.exists()


def test_it_lets_the_coordinator_add_a_participant_without_a_training(
    coordinator_client: Client,
) -> None:
    response = coordinator_client.post(reverse("registry:participant_create"), participant())
    assert response.status_code == 302
    assert Participant.objects.get().registrations.count() == 0


def test_it_asks_an_employee_for_their_enterprise(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        reverse("registry:participant_create"), participant(category="employee")
    )
    assert "Для сотрудника предприятия укажите предприятие." in field_errors(
        response.content.decode(), "enterprise"
    )
    assert not Participant.objects.exists()


def test_it_adds_an_employee_of_any_programme_enterprise_by_its_inn(
    manager_a_client: Client, training_a: Training
) -> None:
    enterprise = make_enterprise(name="Невская косметика")
    spaced = f"{enterprise.tax_id[:4]} {enterprise.tax_id[4:]}"
    response = manager_a_client.post(
        reverse("registry:participant_create"),
        participant(category="employee", enterprise=spaced, training=training_a.pk),
    )
    assert response.status_code == 302
    person = Participant.objects.get()
    assert person.enterprise == enterprise
    edit = manager_a_client.get(reverse("registry:participant_edit", args=[person.pk]))
    assert f'value="{enterprise.tax_id}"' in edit.content.decode()


def test_it_does_not_list_every_enterprise_on_the_participant_form(
    manager_a_client: Client, training_a: Training
) -> None:
    make_enterprise(name="Невская косметика")
    body = manager_a_client.get(reverse("registry:participant_create")).content.decode()
    assert "Невская косметика" not in body


@pytest.mark.parametrize(
    ("inn", "message"),
    [
        ("7707083894", "не совпадает контрольная цифра"),
        ("12345", "10"),
        (VALID_INNS[1], "нет в реестре"),
    ],
)
def test_it_explains_a_bad_enterprise_inn_on_the_participant_form(
    coordinator_client: Client, inn: str, message: str
) -> None:
    make_enterprise(tax_id=VALID_INNS[0])
    response = coordinator_client.post(
        reverse("registry:participant_create"), participant(category="employee", enterprise=inn)
    )
    assert message in field_errors(response.content.decode(), "enterprise")
    assert not Participant.objects.exists()


def test_it_explains_a_bad_email(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        reverse("registry:participant_create"), participant(email="maria@")
    )
    assert field_errors(response.content.decode(), "email") != ""


def test_it_lets_a_manager_edit_a_participant_of_their_factory(
    manager_a_client: Client, training_a: Training
) -> None:
    person = fill_training(training_a, 1)[0].participant
    response = manager_a_client.post(
        reverse("registry:participant_edit", args=[person.pk]),
        participant(full_name="Мария Кузнецова-Орлова"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Мария Кузнецова-Орлова"


def test_it_keeps_trainers_and_outsiders_from_adding_participants(
    trainer_a_client: Client, outsider_client: Client, training_a: Training
) -> None:
    person = make_participant()
    for client in (trainer_a_client, outsider_client):
        assert client.post(reverse("registry:participant_create"), participant()).status_code == (
            403
        )
        edit = reverse("registry:participant_edit", args=[person.pk])
        assert client.post(edit, participant()).status_code == 403
    assert Participant.objects.count() == 1
