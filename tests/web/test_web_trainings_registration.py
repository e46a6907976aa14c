"""The detail page and its registration actions: search, add, waitlist, cancel, confirm."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from processfactory.web.registry.models import Participant, Registration, Training
from processfactory.web.registry.services import confirm_training, register
from web.base import client_for, fill_training, make_enterprise, make_participant


def _url(name: str, training: Training, *args: int) -> str:
    return reverse(f"trainings:{name}", args=[training.pk, *args])


def _known_at(training: Training, **fields: str) -> Participant:
    """A participant the factory's manager sees: registered for another training there."""
    person = make_participant(**fields)
    register(Training.objects.create(factory=training.factory, date=training.date), person)
    return person


def _statuses(training: Training) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in training.registrations.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


# ---------------------------------------------------------------------------------------------
# Who sees the detail page


@pytest.mark.parametrize(
    "client_name", ["coordinator_client", "manager_a_client", "trainer_a_client"]
)
def test_it_shows_the_detail_page_to_the_trainings_people(
    client_name: str, request: pytest.FixtureRequest, training_a: Training
) -> None:
    client: Client = request.getfixturevalue(client_name)
    response = client.get(_url("training_detail", training_a))
    assert response.status_code == 200
    assert "Quantorium of Kirovsk Polytechnic College" in response.content.decode()


def test_it_refuses_the_detail_page_to_other_factories_and_outsiders(
    manager_b: User, outsider_client: Client, training_a: Training
) -> None:
    assert client_for(manager_b).get(_url("training_detail", training_a)).status_code == 403
    assert outsider_client.get(_url("training_detail", training_a)).status_code == 403


def test_it_sends_anonymous_visitors_of_a_training_to_login(
    anonymous_client: Client, training_a: Training
) -> None:
    response = anonymous_client.get(_url("training_detail", training_a))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_answers_404_for_a_training_that_does_not_exist(coordinator_client: Client) -> None:
    assert (
        coordinator_client.get(reverse("trainings:training_detail", args=[999])).status_code == 404
    )


def test_it_shows_the_trainer_no_registration_actions(
    trainer_a_client: Client, training_a: Training
) -> None:
    page = trainer_a_client.get(_url("training_detail", training_a)).content.decode()
    assert _url("register_new", training_a) not in page
    assert _url("confirm_training", training_a) not in page


# ---------------------------------------------------------------------------------------------
# Adding people


def test_it_finds_participants_with_htmx(manager_a_client: Client, training_a: Training) -> None:
    known = _known_at(training_a, full_name="Irina Searchable")
    response = manager_a_client.get(_url("participant_search", training_a), {"q": "searchable"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Irina Searchable" in page and f'value="{known.pk}"' in page
    assert "<html" not in page


def test_it_does_not_find_people_the_manager_may_not_see(
    manager_a_client: Client, training_a: Training, training_b: Training
) -> None:
    register(training_b, make_participant(full_name="Hidden at Gatchina"))
    page = manager_a_client.get(_url("participant_search", training_a), {"q": "Hidden"})
    assert "Hidden at Gatchina" not in page.content.decode()


def test_it_refuses_the_search_to_the_trainer(
    trainer_a_client: Client, training_a: Training
) -> None:
    assert trainer_a_client.get(_url("participant_search", training_a)).status_code == 403


def test_it_registers_an_existing_participant(
    coordinator_client: Client, training_a: Training
) -> None:
    person = make_participant()
    response = coordinator_client.post(
        _url("register_participant", training_a), {"participant": person.pk}
    )
    assert response.status_code == 302
    assert Registration.objects.get(participant=person).status == "registered"


def test_it_creates_and_registers_a_new_participant_inline(
    manager_a_client: Client, training_a: Training
) -> None:
    enterprise = make_enterprise(name="Kirovsk Bakery")
    response = manager_a_client.post(
        _url("register_new", training_a),
        {
            "new-full_name": "  Olga   Petrova ",
            "new-category": "employee",
            "new-enterprise": enterprise.pk,
            "new-email": "olga@example.org",
        },
    )
    assert response.status_code == 302
    person = Participant.objects.get(full_name="Olga Petrova")
    assert person.enterprise == enterprise
    assert training_a.registrations.get().participant == person


def test_it_explains_what_is_wrong_with_a_new_participant(
    manager_a_client: Client, training_a: Training
) -> None:
    response = manager_a_client.post(
        _url("register_new", training_a),
        {"new-full_name": "Ivan", "new-category": "employee", "new-email": "not-an-email"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Для сотрудника предприятия укажите предприятие." in page
    assert "Введите правильный адрес электронной почты." in page
    assert not Participant.objects.exists()


def test_it_refuses_registration_to_the_trainer_and_other_managers(
    trainer_a_client: Client, manager_b: User, training_a: Training
) -> None:
    person = make_participant()
    url = _url("register_participant", training_a)
    assert trainer_a_client.post(url, {"participant": person.pk}).status_code == 403
    assert client_for(manager_b).post(url, {"participant": person.pk}).status_code == 403
    assert not Registration.objects.exists()


def test_it_sends_anonymous_registrations_to_login(
    anonymous_client: Client, training_a: Training
) -> None:
    response = anonymous_client.post(_url("register_new", training_a), {"new-full_name": "X"})
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_a_participant_id_that_is_not_a_number(
    coordinator_client: Client, training_a: Training
) -> None:
    response = coordinator_client.post(
        _url("register_participant", training_a), {"participant": "1 OR 1=1"}, follow=True
    )
    assert "Выберите участника из результатов поиска." in response.content.decode()


def test_it_says_when_someone_is_already_on_the_list(
    coordinator_client: Client, training_a: Training
) -> None:
    person = make_participant(full_name="Petr Twice")
    register(training_a, person)
    response = coordinator_client.post(
        _url("register_participant", training_a), {"participant": person.pk}, follow=True
    )
    assert "Petr Twice уже в списке этого тренинга." in response.content.decode()
    assert training_a.registrations.count() == 1


# ---------------------------------------------------------------------------------------------
# The 17th participant and the waitlist


def test_it_offers_the_17th_participant_the_waitlist_and_adds_nobody(
    manager_a_client: Client, training_a: Training
) -> None:
    fill_training(training_a, 16)
    person = _known_at(training_a, full_name="Semnadtsaty Lishny")
    response = manager_a_client.post(
        _url("register_participant", training_a), {"participant": person.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Группа заполнена" in page and "Добавить в лист ожидания" in page
    assert 'name="waitlist" value="1"' in page
    assert not training_a.registrations.filter(participant=person).exists()


def test_it_puts_the_17th_participant_on_the_waitlist_after_confirming(
    manager_a_client: Client, training_a: Training
) -> None:
    fill_training(training_a, 16)
    person = _known_at(training_a)
    response = manager_a_client.post(
        _url("register_participant", training_a), {"participant": person.pk, "waitlist": "1"}
    )
    assert response.status_code == 302
    assert training_a.registrations.get(participant=person).status == "waitlisted"
    assert _statuses(training_a) == {"registered": 16, "waitlisted": 1}


def test_it_offers_the_waitlist_to_a_new_participant_of_a_full_group(
    manager_a_client: Client, training_a: Training
) -> None:
    fill_training(training_a, 16)
    data = {"new-full_name": "Nina Novaya", "new-category": "student"}
    page = manager_a_client.post(_url("register_new", training_a), data).content.decode()
    assert "Создать участника Nina Novaya и добавить в лист ожидания?" in page
    assert 'name="new-full_name"' in page
    assert not Participant.objects.filter(full_name="Nina Novaya").exists()
    manager_a_client.post(_url("register_new", training_a), {**data, "waitlist": "1"})
    assert Registration.objects.get(participant__full_name="Nina Novaya").status == "waitlisted"


def test_it_says_on_the_page_when_the_group_is_full(
    manager_a_client: Client, training_a: Training
) -> None:
    fill_training(training_a, 16)
    page = manager_a_client.get(_url("training_detail", training_a)).content.decode()
    assert "Группа заполнена (16 из 16)" in page
    assert "Создать и добавить в лист ожидания" in page


def test_it_shows_who_was_promoted_when_someone_cancels(
    manager_a_client: Client, training_a: Training
) -> None:
    first, *_rest = fill_training(training_a, 16)
    waiting = register(training_a, make_participant(full_name="Waiting Vera"))
    response = manager_a_client.post(_url("cancel_registration", training_a, first.pk), follow=True)
    page = response.content.decode()
    assert "Waiting Vera переходит из листа ожидания в группу." in page
    waiting.refresh_from_db()
    assert waiting.status == "registered"


def test_it_refuses_cancelling_to_the_trainer(
    trainer_a_client: Client, training_a: Training
) -> None:
    (registration,) = fill_training(training_a, 1)
    url = _url("cancel_registration", training_a, registration.pk)
    assert trainer_a_client.post(url).status_code == 403


def test_it_cancels_only_registrations_of_this_training(
    coordinator_client: Client, training_a: Training, training_b: Training
) -> None:
    (elsewhere,) = fill_training(training_b, 1)
    url = _url("cancel_registration", training_a, elsewhere.pk)
    assert coordinator_client.post(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Confirming, cancelling


def test_it_refuses_to_confirm_a_training_under_12_as_not_viable(
    manager_a_client: Client, training_a: Training
) -> None:
    fill_training(training_a, 11)
    page = manager_a_client.post(_url("confirm_training", training_a), follow=True)
    text = page.content.decode()
    assert "Группа не набрана: записано 11" in text and "ещё 1" in text
    training_a.refresh_from_db()
    assert training_a.status == "draft"


def test_it_confirms_a_training_of_12(manager_a_client: Client, training_a: Training) -> None:
    fill_training(training_a, 12)
    page = manager_a_client.post(_url("confirm_training", training_a), follow=True)
    assert "Тренинг подтверждён." in page.content.decode()
    training_a.refresh_from_db()
    assert training_a.status == "confirmed"


def test_it_flags_a_confirmed_training_that_drops_under_12(
    manager_a_client: Client, training_a: Training
) -> None:
    first, *_rest = fill_training(training_a, 12)
    confirm_training(training_a)
    manager_a_client.post(_url("cancel_registration", training_a, first.pk))
    page = manager_a_client.get(_url("training_detail", training_a)).content.decode()
    assert "группа не набрана (11/12)" in page


@pytest.mark.parametrize("action", ["confirm_training", "cancel_training", "mark_held"])
def test_it_refuses_lifecycle_actions_to_the_trainer_and_outsiders(
    action: str, trainer_a_client: Client, outsider_client: Client, training_a: Training
) -> None:
    assert trainer_a_client.post(_url(action, training_a)).status_code == 403
    assert outsider_client.post(_url(action, training_a)).status_code == 403
    training_a.refresh_from_db()
    assert training_a.status == "draft"


def test_it_cancels_a_training(coordinator_client: Client, training_a: Training) -> None:
    coordinator_client.post(_url("cancel_training", training_a))
    training_a.refresh_from_db()
    assert training_a.status == "cancelled"
    page = coordinator_client.get(_url("training_detail", training_a)).content.decode()
    assert _url("register_new", training_a) not in page


def test_it_accepts_only_post_for_actions(coordinator_client: Client, training_a: Training) -> None:
    assert coordinator_client.get(_url("confirm_training", training_a)).status_code == 405
