"""Who sees and does what: each persona against ``registry.permissions``, and the guard pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from processfactory.web.registry.models import Factory, Training
from processfactory.web.registry.permissions import (
    Role,
    can_manage_factory,
    can_manage_programme,
    can_manage_training,
    can_mark_attendance,
    can_register_people,
    can_view_dashboard,
    enterprise_choices_for,
    enterprises_for,
    factories_for,
    participants_for,
    roles_of,
    trainings_for,
)
from processfactory.web.registry.services import register
from web.base import PASSWORD, make_enterprise, make_participant, make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    coordinator: User,
    manager_a: User,
    trainer_a: User,
    outsider: User,
    training_a: Training,
    training_b: Training,
) -> dict[str, object]:
    """An employee of enterprise E-A in training A, a student in training B (enterprise E-B's
    employee too), and enterprise E-none nobody from the trainings works for."""
    e_a, e_b = make_enterprise(name="E-A"), make_enterprise(name="E-B")
    make_enterprise(name="E-none")
    in_a = make_participant(full_name="In A", category="employee", enterprise=e_a)
    in_b = make_participant(full_name="In B", category="employee", enterprise=e_b)
    register(training_a, in_a)
    register(training_b, in_b)
    return {"in_a": in_a, "in_b": in_b, "e_a": e_a, "e_b": e_b}


def names(queryset: object) -> set[str]:
    return {str(obj) for obj in queryset}  # type: ignore[attr-defined]


def test_it_detects_each_personas_role(
    coordinator: User, manager_a: User, trainer_a: User, outsider: User
) -> None:
    assert roles_of(coordinator) == {Role.COORDINATOR}
    assert roles_of(manager_a) == {Role.MANAGER}
    assert roles_of(trainer_a) == {Role.TRAINER}
    assert roles_of(outsider) == set()


def test_it_treats_a_superuser_as_coordinator_and_an_inactive_user_as_nobody(
    manager_a: User,
) -> None:
    root = User.objects.create_superuser("root", password="x")
    assert Role.COORDINATOR in roles_of(root)
    manager_a.is_active = False
    assert roles_of(manager_a) == set()


def test_it_adds_up_the_roles_of_a_manager_who_also_trains(
    manager_a: User, factory_a: Factory
) -> None:
    make_trainer(factory_a, user=manager_a)
    assert roles_of(manager_a) == {Role.MANAGER, Role.TRAINER}


def test_it_shows_the_coordinator_everything(coordinator: User, world: dict) -> None:
    assert factories_for(coordinator).count() == Factory.objects.count() == 2
    assert trainings_for(coordinator).count() == 2
    assert names(participants_for(coordinator)) == {"In A", "In B"}
    assert names(enterprises_for(coordinator)) == {"E-A", "E-B", "E-none"}


def test_it_shows_a_manager_only_their_factory(
    manager_a: User, world: dict, factory_a: Factory, training_a: Training
) -> None:
    assert list(factories_for(manager_a)) == [factory_a]
    assert list(trainings_for(manager_a)) == [training_a]
    assert names(participants_for(manager_a)) == {"In A"}
    assert names(enterprises_for(manager_a)) == {"E-A"}
    assert enterprise_choices_for(manager_a).count() == 3


def test_it_shows_a_trainer_their_trainings_and_participants(
    trainer_a: User, world: dict, factory_a: Factory, training_a: Training, factory_b: Factory
) -> None:
    assert list(trainings_for(trainer_a)) == [training_a]
    assert names(participants_for(trainer_a)) == {"In A"}
    assert names(enterprises_for(trainer_a)) == {"E-A"}
    assert list(factories_for(trainer_a)) == [factory_a]
    assert enterprise_choices_for(trainer_a).count() == 0


def test_it_shows_a_trainer_the_factory_where_they_run_a_training(
    trainer_a: User, factory_b: Factory
) -> None:
    Training.objects.create(factory=factory_b, date="2026-04-01", trainer=trainer_a.trainer)
    assert names(factories_for(trainer_a)) == {"Kirovsk Process Factory", str(factory_b)}
    assert factories_for(trainer_a).count() == 2  # no duplicates from the joins


def test_it_shows_an_outsider_nothing(outsider: User, world: dict) -> None:
    for scope in (factories_for, trainings_for, participants_for, enterprises_for):
        assert not scope(outsider).exists()
    assert not enterprise_choices_for(outsider).exists()


def test_it_gives_each_persona_the_right_checks(
    coordinator: User,
    manager_a: User,
    trainer_a: User,
    outsider: User,
    training_a: Training,
    training_b: Training,
    factory_a: Factory,
    factory_b: Factory,
) -> None:
    table = {
        # persona: (manage A, manage B, training A, training B, attend A, attend B,
        #           register people, programme, dashboard)
        coordinator: (True, True, True, True, True, True, True, True, True),
        manager_a: (True, False, True, False, True, False, True, False, True),
        trainer_a: (False, False, False, False, True, False, False, False, False),
        outsider: (False, False, False, False, False, False, False, False, False),
    }
    for user, expected in table.items():
        actual = (
            can_manage_factory(user, factory_a),
            can_manage_factory(user, factory_b),
            can_manage_training(user, training_a),
            can_manage_training(user, training_b),
            can_mark_attendance(user, training_a),
            can_mark_attendance(user, training_b),
            can_register_people(user),
            can_manage_programme(user),
            can_view_dashboard(user),
        )
        assert actual == expected, user.username


def test_it_gives_nothing_to_an_anonymous_user(training_a: Training) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert roles_of(anonymous) == set()
    assert not trainings_for(anonymous).exists()
    assert not can_mark_attendance(anonymous, training_a)


# ---------------------------------------------------------------------------------------------
# The guard pages: login for anonymous users, 403 for logged-in users without the right


def test_it_sends_an_anonymous_visitor_to_the_login_page(anonymous_client: Client) -> None:
    url = reverse("dashboard:index")
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_it_shows_the_dashboard_to_a_manager(manager_a_client: Client) -> None:
    assert manager_a_client.get(reverse("dashboard:index")).status_code == 200


def test_it_rejects_a_trainer_from_the_dashboard_with_a_403_page(
    trainer_a_client: Client,
) -> None:
    response = trainer_a_client.get(reverse("dashboard:index"))
    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()


def test_it_rejects_an_outsider_with_the_403_page_in_english_after_switching(
    outsider_client: Client,
) -> None:
    outsider_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = outsider_client.get(reverse("dashboard:index"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_it_hides_the_dashboard_link_from_those_who_cannot_open_it(
    manager_a_client: Client, trainer_a_client: Client
) -> None:
    link = f'href="{reverse("dashboard:index")}"'
    assert link in manager_a_client.get(reverse("home")).content.decode()
    assert link not in trainer_a_client.get(reverse("home")).content.decode()


def test_it_logs_a_user_in_and_lands_on_the_home_page(manager_a: User) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "manager_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_it_tells_a_user_with_the_wrong_password(manager_a: User) -> None:
    response = Client().post(reverse("login"), {"username": "manager_a", "password": "nope"})
    assert response.status_code == 200
    assert "Неверное имя пользователя или пароль" in response.content.decode()


def test_it_logs_out_with_a_post(manager_a_client: Client) -> None:
    response = manager_a_client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert manager_a_client.get(reverse("home")).status_code == 302


def test_it_tells_an_outsider_they_have_no_role_yet(outsider_client: Client) -> None:
    assert "пока нет роли" in outsider_client.get(reverse("home")).content.decode()
