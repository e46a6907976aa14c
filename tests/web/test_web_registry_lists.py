"""Registry lists and detail pages: each persona sees their own part of the registry, searches
and filters it, and never sees another factory's people."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from processfactory.web.registry.models import Enterprise, Factory, Participant, Training
from processfactory.web.registry.services import register
from web.base import make_enterprise, make_factory, make_participant, make_trainer

LISTS = (
    "registry:factory_list",
    "registry:trainer_list",
    "registry:enterprise_list",
    "registry:participant_list",
)


@pytest.fixture
def people(training_a: Training, training_b: Training) -> dict[str, Participant]:
    """An employee of Severstal at A, a student at A, an officer at B (of Gatchina's enterprise)."""
    severstal = make_enterprise(name="Северсталь", phase=Enterprise.Phase.MAIN, joined_year=2020)
    izhora = make_enterprise(name="Ижорские заводы", joined_year=2022)
    people = {
        "employee_a": make_participant(
            full_name="Иван Иванов",
            category=Participant.Category.EMPLOYEE,
            enterprise=severstal,
            organisation="Северсталь",
            email="ivanov@example.com",
        ),
        "student_a": make_participant(full_name="Student Alice"),
        "officer_b": make_participant(
            full_name="Officer Boris",
            category=Participant.Category.OFFICER,
            enterprise=izhora,
            organisation="Gatchina administration",
        ),
    }
    register(training_a, people["employee_a"])
    register(training_a, people["student_a"])
    register(training_b, people["officer_b"])
    return people


def page(client: Client, name: str, **params: str) -> str:
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# Who may open the lists


@pytest.mark.parametrize("name", LISTS)
def test_it_sends_anonymous_users_to_the_login_page(anonymous_client: Client, name: str) -> None:
    response = anonymous_client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", LISTS)
def test_it_refuses_the_outsider(outsider_client: Client, name: str) -> None:
    assert outsider_client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", LISTS)
def test_it_opens_every_list_for_every_role(
    coordinator_client: Client,
    manager_a_client: Client,
    trainer_a_client: Client,
    people: dict[str, Participant],
    name: str,
) -> None:
    for client in (coordinator_client, manager_a_client, trainer_a_client):
        assert client.get(reverse(name)).status_code == 200


def test_it_shows_the_lists_in_the_navigation(manager_a_client: Client) -> None:
    home = manager_a_client.get(reverse("home")).content.decode()
    for name in LISTS:
        assert f'href="{reverse(name)}"' in home


# ---------------------------------------------------------------------------------------------
# Scoping


def test_it_shows_the_coordinator_everything(
    coordinator_client: Client, people: dict[str, Participant]
) -> None:
    assert "Gatchina" in page(coordinator_client, "registry:factory_list")
    participants = page(coordinator_client, "registry:participant_list")
    assert "Иван Иванов" in participants and "Officer Boris" in participants
    assert "Ижорские заводы" in page(coordinator_client, "registry:enterprise_list")
    assert "Boris Trainer" in page(coordinator_client, "registry:trainer_list")


def test_it_never_shows_a_manager_another_factory(
    manager_a_client: Client, people: dict[str, Participant]
) -> None:
    factories = page(manager_a_client, "registry:factory_list")
    assert "Kirovsk Process Factory" in factories and "Gatchina" not in factories
    participants = page(manager_a_client, "registry:participant_list")
    assert "Иван Иванов" in participants and "Student Alice" in participants
    assert "Officer Boris" not in participants
    enterprises = page(manager_a_client, "registry:enterprise_list")
    assert "Северсталь" in enterprises and "Ижорские заводы" not in enterprises
    trainers = page(manager_a_client, "registry:trainer_list")
    assert "Tatiana Trainer" in trainers and "Boris Trainer" not in trainers


def test_it_shows_a_trainer_the_people_of_their_trainings(
    trainer_a_client: Client, people: dict[str, Participant]
) -> None:
    participants = page(trainer_a_client, "registry:participant_list")
    assert "Student Alice" in participants and "Officer Boris" not in participants


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("registry:participant_detail", "officer_b"),
        ("registry:participant_edit", "officer_b"),
    ],
)
def test_it_refuses_a_manager_another_factorys_participant(
    manager_a_client: Client, people: dict[str, Participant], name: str, key: str
) -> None:
    assert manager_a_client.get(reverse(name, args=[people[key].pk])).status_code == 403


def test_it_refuses_a_manager_the_pages_of_another_factory(
    manager_a_client: Client, factory_b: Factory, trainer_b: User, people: dict[str, Participant]
) -> None:
    izhora = Enterprise.objects.get(name="Ижорские заводы")
    for url in (
        reverse("registry:factory_detail", args=[factory_b.pk]),
        reverse("registry:factory_edit", args=[factory_b.pk]),
        reverse("registry:trainer_detail", args=[trainer_b.trainer.pk]),
        reverse("registry:enterprise_detail", args=[izhora.pk]),
    ):
        assert manager_a_client.get(url).status_code == 403, url


def test_it_answers_404_for_a_record_that_does_not_exist(coordinator_client: Client) -> None:
    url = reverse("registry:participant_detail", args=[999999])
    assert coordinator_client.get(url).status_code == 404


def test_it_shows_a_participant_only_the_trainings_the_viewer_may_see(
    manager_a_client: Client, training_b: Training, people: dict[str, Participant]
) -> None:
    alice = people["student_a"]
    register(training_b, alice)
    detail = manager_a_client.get(reverse("registry:participant_detail", args=[alice.pk]))
    text = detail.content.decode()
    assert "Kirovsk Process Factory" in text and "Gatchina" not in text


def test_it_shows_a_factory_with_its_trainers_and_trainings(
    manager_a_client: Client, factory_a: Factory, people: dict[str, Participant]
) -> None:
    text = manager_a_client.get(reverse("registry:factory_detail", args=[factory_a.pk]))
    body = text.content.decode()
    assert "Quantorium of Kirovsk Polytechnic College" in body
    assert "Tatiana Trainer" in body and "Anna Managerova" in body
    assert reverse("registry:factory_edit", args=[factory_a.pk]) in body


def test_it_shows_the_trainer_no_edit_buttons(
    trainer_a_client: Client, factory_a: Factory, people: dict[str, Participant]
) -> None:
    alice = people["student_a"]
    body = trainer_a_client.get(reverse("registry:participant_detail", args=[alice.pk]))
    assert reverse("registry:participant_edit", args=[alice.pk]) not in body.content.decode()
    body = trainer_a_client.get(reverse("registry:factory_detail", args=[factory_a.pk]))
    assert reverse("registry:factory_edit", args=[factory_a.pk]) not in body.content.decode()
    assert reverse("registry:participant_create") not in page(
        trainer_a_client, "registry:participant_list"
    )


# ---------------------------------------------------------------------------------------------
# Search and filters


def test_it_finds_participants_by_a_word_in_any_case(
    coordinator_client: Client, people: dict[str, Participant]
) -> None:
    found = page(coordinator_client, "registry:participant_list", q="иванов")
    assert "Иван Иванов" in found and "Student Alice" not in found
    found = page(coordinator_client, "registry:participant_list", q="IVANOV@example")
    assert "Иван Иванов" in found
    found = page(coordinator_client, "registry:participant_list", q="alice student")
    assert "Student Alice" in found and "Иван Иванов" not in found


def test_it_filters_participants_by_category_enterprise_and_factory(
    coordinator_client: Client, factory_b: Factory, people: dict[str, Participant]
) -> None:
    found = page(coordinator_client, "registry:participant_list", category="student")
    assert "Student Alice" in found and "Иван Иванов" not in found
    severstal = people["employee_a"].enterprise
    assert severstal is not None
    found = page(coordinator_client, "registry:participant_list", enterprise=str(severstal.pk))
    assert "Иван Иванов" in found and "Student Alice" not in found
    found = page(coordinator_client, "registry:participant_list", factory=str(factory_b.pk))
    assert "Officer Boris" in found and "Student Alice" not in found


def test_it_reports_a_filter_value_outside_the_managers_reach(
    manager_a_client: Client, factory_b: Factory, people: dict[str, Participant]
) -> None:
    found = page(manager_a_client, "registry:participant_list", factory=str(factory_b.pk))
    assert 'class="errorlist"' in found
    assert "Officer Boris" not in found and "Student Alice" in found


def test_it_filters_enterprises_by_phase_industry_and_year(
    coordinator_client: Client, people: dict[str, Participant]
) -> None:
    make_enterprise(name="Food Co", industry=Enterprise.Industry.FOOD, joined_year=2021)
    found = page(coordinator_client, "registry:enterprise_list", phase="main")
    assert "Северсталь" in found and "Ижорские заводы" not in found
    found = page(coordinator_client, "registry:enterprise_list", industry="food")
    assert "Food Co" in found and "Северсталь" not in found
    found = page(coordinator_client, "registry:enterprise_list", joined_year="2022")
    assert "Ижорские заводы" in found and "Food Co" not in found


def test_it_explains_a_bad_year_instead_of_failing(coordinator_client: Client) -> None:
    found = page(coordinator_client, "registry:enterprise_list", joined_year="abc")
    assert 'class="errorlist"' in found


def test_it_filters_factories_by_status_and_track(
    coordinator_client: Client, factory_a: Factory, factory_b: Factory
) -> None:
    found = page(coordinator_client, "registry:factory_list", status="planned")
    assert "Gatchina" in found and "Kirovsk" not in found
    found = page(coordinator_client, "registry:factory_list", track="office")
    assert "Kirovsk" in found and "Gatchina" not in found
    found = page(coordinator_client, "registry:factory_list", q="quantorium")
    assert "Kirovsk" in found and "Gatchina" not in found


def test_it_filters_trainers_by_factory_and_activity(
    coordinator_client: Client, factory_a: Factory, trainer_a: User, trainer_b: User
) -> None:
    make_trainer(factory_a, full_name="Retired Roman", is_active=False)
    found = page(coordinator_client, "registry:trainer_list", factory=str(factory_a.pk))
    assert "Tatiana Trainer" in found and "Boris Trainer" not in found
    found = page(coordinator_client, "registry:trainer_list", active="no")
    assert "Retired Roman" in found and "Tatiana Trainer" not in found


# ---------------------------------------------------------------------------------------------
# Pages and htmx


def test_it_pages_long_lists(coordinator_client: Client) -> None:
    for number in range(30):
        make_participant(full_name=f"Person {number:02d}")
    first = page(coordinator_client, "registry:participant_list")
    assert "Person 00" in first and "Person 29" not in first
    assert "?page=2" in first
    second = page(coordinator_client, "registry:participant_list", page="2")
    assert "Person 29" in second and "Person 00" not in second
    # a page number past the end shows the last page, not an error
    assert "Person 29" in page(coordinator_client, "registry:participant_list", page="99")


def test_it_swaps_only_the_table_for_htmx_live_search(
    coordinator_client: Client, people: dict[str, Participant]
) -> None:
    response = coordinator_client.get(
        reverse("registry:participant_list"), {"q": "Alice"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<table>" in body and "Student Alice" in body
    assert "HX-Request" in response["Vary"]


def test_it_keeps_a_plain_search_form_for_browsers_without_javascript(
    coordinator_client: Client,
) -> None:
    body = page(coordinator_client, "registry:participant_list")
    assert 'method="get"' in body and 'hx-get="/participants/"' in body
    assert 'name="q"' in body and 'type="submit"' in body
    assert 'id="results"' in body


def test_it_sends_the_whole_page_when_htmx_restores_history(coordinator_client: Client) -> None:
    response = coordinator_client.get(
        reverse("registry:factory_list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_it_speaks_russian_on_the_lists(coordinator_client: Client, factory_a: Factory) -> None:
    body = page(coordinator_client, "registry:factory_list")
    assert "Фабрики" in body and "Найдено: 1" in body and "Добавить фабрику" in body


def test_it_lists_only_this_factorys_trainers_for_the_manager_of_a_shared_trainer(
    manager_a_client: Client, trainer_b: User
) -> None:
    # a trainer from B running a training at A becomes visible to A's manager
    factory_a = Factory.objects.get(name="Kirovsk Process Factory")
    Training.objects.create(factory=factory_a, date="2026-04-01", trainer=trainer_b.trainer)
    assert "Boris Trainer" in page(manager_a_client, "registry:trainer_list")
    other = make_factory("Tosno Process Factory")
    make_trainer(other, full_name="Tosno Tamara")
    assert "Tosno Tamara" not in page(manager_a_client, "registry:trainer_list")
