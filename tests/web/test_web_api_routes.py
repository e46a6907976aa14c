"""The API's routes at work: registering (the 17th person waitlisted), creating trainings and
participants with their validation (422 with messages), filters, pages, errors and languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from processfactory.web.api import schemas
from processfactory.web.registry.models import (
    ApiToken,
    Enterprise,
    Factory,
    Participant,
    Registration,
    Training,
)
from processfactory.web.registry.services import cancel_registration
from web.base import fill_training, make_participant, make_training
from web.test_web_api_base import (  # noqa: F401  (fixtures: the API world, its conditions)
    ApiClient,
    ApiWorld,
    api_conditions,
    api_world_fixture,
    body_of,
    session_client,
    token_client,
)

pytestmark = pytest.mark.django_db


def register_at(client: ApiClient, training: Training, participant: Participant) -> Any:
    return client.post(
        f"/api/trainings/{training.pk}/registrations", {"participant_id": participant.pk}
    )


# ---------------------------------------------------------------------------------------------
# Registering


def test_it_registers_up_to_the_group_size_and_waitlists_the_17th(api_world: ApiWorld) -> None:
    client = token_client(api_world, "manager_a")
    training = api_world.training_a  # in_a holds the first place
    fill_training(training, Training.MAX_GROUP - 1)
    response = register_at(client, training, api_world.loose)
    assert response.status_code == 202
    registration = body_of(response)
    assert registration["status"] == "waitlisted"
    assert registration["waitlist_position"] == 1
    assert registration["participant_name"] == "Loose Student"
    detail = body_of(client.get(f"/api/trainings/{training.pk}"))
    assert detail["registered"] == 16 and detail["waitlisted"] == 1
    assert detail["is_full"] and detail["is_viable"] and detail["places_left"] == 0


def test_it_registers_with_a_place_while_the_group_has_room(api_world: ApiWorld) -> None:
    response = register_at(
        token_client(api_world, "manager_a"), api_world.training_a, api_world.loose
    )
    assert response.status_code == 201
    assert body_of(response)["status"] == "registered"
    assert body_of(response)["waitlist_position"] is None


def test_it_numbers_the_waitlist_in_order_of_arrival(api_world: ApiWorld) -> None:
    client = token_client(api_world, "coordinator")
    training = api_world.training_a
    fill_training(training, Training.MAX_GROUP)  # 17 with in_a: one already waitlisted
    response = register_at(client, training, api_world.loose)
    assert body_of(response)["waitlist_position"] == 2


def test_it_refuses_to_register_someone_twice_with_409(api_world: ApiWorld) -> None:
    response = register_at(
        token_client(api_world, "manager_a"), api_world.training_a, api_world.in_a
    )
    assert response.status_code == 409
    assert body_of(response) == {"detail": "In A is already on the list of this training."}


def test_it_refuses_to_register_for_a_cancelled_training_with_409(api_world: ApiWorld) -> None:
    api_world.training_a.status = Training.Status.CANCELLED
    api_world.training_a.save()
    response = register_at(
        token_client(api_world, "manager_a"), api_world.training_a, api_world.loose
    )
    assert response.status_code == 409
    assert "closed" in body_of(response)["detail"]


def test_it_registers_again_after_a_cancellation(api_world: ApiWorld) -> None:
    cancel_registration(Registration.objects.get(participant=api_world.in_a))
    response = register_at(
        token_client(api_world, "manager_a"), api_world.training_a, api_world.in_a
    )
    assert response.status_code == 201


def test_it_answers_422_for_an_unknown_participant(api_world: ApiWorld) -> None:
    response = token_client(api_world, "manager_a").post(
        f"/api/trainings/{api_world.training_a.pk}/registrations", {"participant_id": 999_999}
    )
    assert response.status_code == 422
    error = body_of(response)
    assert error["errors"] == [
        {
            "loc": ["body", "payload", "participant_id"],
            "msg": "No participant with this id is visible to you.",
            "type": "value_error",
        }
    ]
    assert "participant_id" in error["detail"]


# ---------------------------------------------------------------------------------------------
# Creating trainings


def test_it_creates_a_draft_training_at_the_managers_factory(api_world: ApiWorld) -> None:
    trainer = api_world.users["trainer_a"].trainer
    body = {
        "factory_id": api_world.factory_a.pk,
        "date": "2026-05-14",
        "track": "office",
        "trainer_id": trainer.pk,
        "notes": "Office track, pilot group",
    }
    response = token_client(api_world, "manager_a").post("/api/trainings", body)
    assert response.status_code == 201
    created = body_of(response)
    assert created["status"] == "draft" and created["track"] == "office"
    assert created["factory"] == {"id": api_world.factory_a.pk, "name": "Kirovsk Process Factory"}
    assert created["trainer"] == {"id": trainer.pk, "full_name": "Tatiana Trainer"}
    assert created["registered"] == 0 and created["is_viable"] is False
    assert Training.objects.get(pk=created["id"]).notes == "Office track, pilot group"


def test_it_refuses_a_track_the_factory_does_not_run_with_422(api_world: ApiWorld) -> None:
    body = {"factory_id": api_world.factory_b.pk, "date": "2026-05-14", "track": "office"}
    response = token_client(api_world, "coordinator").post("/api/trainings", body)
    assert response.status_code == 422
    assert body_of(response)["errors"] == [
        {
            "loc": ["body", "payload", "track"],
            "msg": "This factory does not run this track.",
            "type": "value_error",
        }
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "2026-02-30"}, "date"),
        ({"date": "2026-03-10"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"track": "garden"}, "track"),
        ({"trainer_id": 0}, "trainer_id"),
        ({"trainer_id": 987_654}, "trainer_id"),
        ({"factory_id": 2**63}, "factory_id"),
        ({"notes": "nul \x00 byte"}, "notes"),
    ],
)
def test_it_names_the_invalid_field_of_a_new_training(
    api_world: ApiWorld, change: dict[str, Any], field: str
) -> None:
    body = {"factory_id": api_world.factory_a.pk, "date": "2026-05-14"} | change
    response = token_client(api_world, "coordinator").post("/api/trainings", body)
    assert response.status_code == 422
    error = body_of(response)
    assert [e["loc"][-1] for e in error["errors"]] == [field]
    assert error["errors"][0]["msg"] and field in error["detail"]


def test_it_refuses_a_day_in_the_past(api_world: ApiWorld) -> None:
    body = {"factory_id": api_world.factory_a.pk, "date": "2026-03-10"}
    response = token_client(api_world, "coordinator").post("/api/trainings", body)
    assert body_of(response)["errors"][0]["msg"] == (
        "The date is in the past: choose today or later."
    )
    today = body | {"date": "2026-03-11"}
    assert token_client(api_world, "coordinator").post("/api/trainings", today).status_code == 201


def test_it_refuses_a_trainer_based_at_another_factory(
    api_world: ApiWorld, trainer_b: User
) -> None:
    body = {
        "factory_id": api_world.factory_a.pk,
        "date": "2026-05-14",
        "trainer_id": trainer_b.trainer.pk,
    }
    response = token_client(api_world, "coordinator").post("/api/trainings", body)
    assert response.status_code == 422
    assert body_of(response)["errors"][0]["msg"] == (
        "This trainer is based at another factory: choose a trainer of Kirovsk Process Factory."
    )
    # a manager does not even see factory B's trainer
    manager = token_client(api_world, "manager_a").post("/api/trainings", body)
    assert body_of(manager)["errors"][0]["msg"] == "No active trainer has this id."


def test_it_refuses_an_inactive_trainer(api_world: ApiWorld) -> None:
    trainer = api_world.users["trainer_a"].trainer
    trainer.is_active = False
    trainer.save()
    body = {"factory_id": api_world.factory_a.pk, "date": "2026-05-14", "trainer_id": trainer.pk}
    response = token_client(api_world, "coordinator").post("/api/trainings", body)
    assert response.status_code == 422
    assert body_of(response)["errors"][0]["msg"] == "No active trainer has this id."


# ---------------------------------------------------------------------------------------------
# Creating participants


def test_it_creates_an_employee_with_the_enterprise_named_by_inn(api_world: ApiWorld) -> None:
    body = {
        "full_name": "  Egor Employee ",
        "category": "employee",
        "enterprise_inn": api_world.e_none.tax_id,
        "email": "egor@example.org",
    }
    response = token_client(api_world, "manager_a").post("/api/participants", body)
    assert response.status_code == 201
    created = body_of(response)
    assert created["full_name"] == "Egor Employee"
    assert created["enterprise"] == {
        "id": api_world.e_none.pk,
        "name": "E-none",
        "inn": api_world.e_none.tax_id,
    }


def test_it_creates_an_employee_with_the_enterprise_named_by_id(api_world: ApiWorld) -> None:
    body = {"full_name": "Ivan", "category": "employee", "enterprise_id": api_world.e_b.pk}
    response = token_client(api_world, "coordinator").post("/api/participants", body)
    assert response.status_code == 201
    assert Participant.objects.get(pk=body_of(response)["id"]).enterprise == api_world.e_b


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({}, "enterprise_id", "An enterprise employee needs their enterprise."),
        (
            {"enterprise_inn": "7707083894"},
            "enterprise_inn",
            "This INN is not valid: its check digit does not match.",
        ),
        (
            {"enterprise_inn": "770708389"},
            "enterprise_inn",
            "An organisation's INN has exactly 10 digits.",
        ),
        (
            {"enterprise_inn": "7707083893"},
            "enterprise_inn",
            "No programme enterprise has this INN.",
        ),
        ({"enterprise_id": 999_999}, "enterprise_id", "No programme enterprise has this id."),
        ({"category": "student", "email": "no"}, "email", "Enter a valid email address."),
    ],
)
def test_it_explains_why_an_employee_is_refused(
    api_world: ApiWorld, change: dict[str, Any], field: str, message: str
) -> None:
    body = {"full_name": "Egor", "category": "employee"} | change
    response = token_client(api_world, "manager_a").post("/api/participants", body)
    assert response.status_code == 422
    assert body_of(response)["errors"] == [
        {"loc": ["body", "payload", field], "msg": message, "type": "value_error"}
    ]
    assert not Participant.objects.filter(full_name="Egor").exists()


def test_it_refuses_an_enterprise_given_both_ways(api_world: ApiWorld) -> None:
    body = {
        "full_name": "Egor",
        "category": "employee",
        "enterprise_id": api_world.e_a.pk,
        "enterprise_inn": api_world.e_a.tax_id,
    }
    response = token_client(api_world, "manager_a").post("/api/participants", body)
    assert response.status_code == 422
    assert body_of(response)["errors"][0]["msg"] == "Give the enterprise by id or by INN, not both."


@pytest.mark.parametrize(
    "body",
    [
        {"category": "student"},
        {"full_name": "", "category": "student"},
        {"full_name": "Nina", "category": "astronaut"},
        {"full_name": "x" * 201, "category": "student"},
        {"full_name": "Nina", "category": "student", "enterprise_id": "seven"},
        ["not", "an", "object"],
    ],
)
def test_it_answers_422_with_messages_for_invalid_participants(
    api_world: ApiWorld, body: Any
) -> None:
    response = token_client(api_world, "coordinator").post("/api/participants", body)
    assert response.status_code == 422
    error = body_of(response)
    assert error["detail"].startswith("Invalid input: ")
    assert error["errors"] and all(e["msg"] for e in error["errors"])


def test_it_answers_400_for_a_body_that_is_not_json(api_world: ApiWorld) -> None:
    client = token_client(api_world, "coordinator")
    response = client.client.post(
        "/api/participants", "{oops", content_type="application/json", headers=client.headers
    )
    assert response.status_code == 400
    assert "detail" in body_of(response)


# ---------------------------------------------------------------------------------------------
# Lists: filters and pages


def test_it_pages_participants_and_counts_them_all(api_world: ApiWorld) -> None:
    for i in range(25):
        make_participant(full_name=f"Zoya {i:02d}")
    client = token_client(api_world, "coordinator")
    first = body_of(client.get("/api/participants", {"limit": 10}))
    assert first["count"] == 28 and len(first["items"]) == 10
    last = body_of(client.get("/api/participants", {"limit": 10, "offset": 20}))
    assert [p["full_name"] for p in last["items"]] == [f"Zoya {i:02d}" for i in range(17, 25)]
    assert body_of(client.get("/api/participants", {"offset": 10**9}))["items"] == []
    assert client.get("/api/participants", {"limit": 101}).status_code == 422
    assert client.get("/api/participants", {"offset": 10**9 + 1}).status_code == 422


def test_it_searches_participants_and_filters_them_by_category(api_world: ApiWorld) -> None:
    client = token_client(api_world, "coordinator")
    found = body_of(client.get("/api/participants", {"q": "loose"}))
    assert [p["full_name"] for p in found["items"]] == ["Loose Student"]
    employees = body_of(client.get("/api/participants", {"category": "employee"}))
    assert {p["full_name"] for p in employees["items"]} == {"In A", "In B"}
    assert client.get("/api/participants", {"category": "pilot"}).status_code == 422


def test_it_filters_trainings_by_factory_status_and_dates(api_world: ApiWorld) -> None:
    later = make_training(api_world.factory_a, date="2026-06-01", status="confirmed")
    client = token_client(api_world, "coordinator")

    def ids(**params: Any) -> list[int]:
        return [t["id"] for t in body_of(client.get("/api/trainings", params))["items"]]

    assert ids(factory=api_world.factory_a.pk) == [later.pk, api_world.training_a.pk]
    assert ids(status="confirmed") == [later.pk]
    assert ids(date_from="2026-04-01") == [later.pk]
    assert set(ids(date_to="2026-03-12")) == {api_world.training_a.pk, api_world.training_b.pk}
    response = client.get("/api/trainings", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.status_code == 422
    assert body_of(response)["errors"][0]["loc"] == ["query", "date_to"]


def test_it_filters_factories_by_status_and_track(api_world: ApiWorld) -> None:
    client = token_client(api_world, "coordinator")

    def names(**params: Any) -> list[str]:
        return [f["name"] for f in body_of(client.get("/api/factories", params))["items"]]

    assert names(status="planned") == ["Gatchina Process Factory"]
    assert names(track="office") == ["Kirovsk Process Factory"]
    assert names(track="production") == ["Gatchina Process Factory", "Kirovsk Process Factory"]
    factory = body_of(client.get(f"/api/factories/{api_world.factory_a.pk}"))
    assert factory["tracks"] == ["production", "office"] and factory["status"] == "open"


def test_it_finds_enterprises_by_name_or_inn(api_world: ApiWorld) -> None:
    client = token_client(api_world, "coordinator")
    by_inn = body_of(client.get("/api/enterprises", {"q": api_world.e_b.tax_id}))
    assert [e["name"] for e in by_inn["items"]] == ["E-B"]
    by_name = body_of(client.get("/api/enterprises", {"q": "e-n"}))
    assert [e["inn"] for e in by_name["items"]] == [api_world.e_none.tax_id]


def test_it_refuses_ids_beyond_what_the_database_stores(api_world: ApiWorld) -> None:
    client = token_client(api_world, "coordinator")
    assert client.get(f"/api/factories/{2**63}").status_code == 422
    assert client.get(f"/api/factories/{2**63 - 1}").status_code == 404
    assert client.get("/api/factories/0").status_code == 422


# ---------------------------------------------------------------------------------------------
# Dashboard


def test_it_serves_the_programme_figures_as_of_a_day(api_world: ApiWorld) -> None:
    client = token_client(api_world, "coordinator")
    figures = body_of(client.get("/api/dashboard", {"as_of": "2026-03-31"}))
    assert figures["as_of"] == "2026-03-31"
    assert figures["factory_ids"] is None
    assert figures["enterprises_enrolled"] == Enterprise.objects.count()
    only_a = body_of(
        client.get("/api/dashboard", {"as_of": "2026-03-31", "factory": api_world.factory_a.pk})
    )
    assert only_a["factory_ids"] == [api_world.factory_a.pk]
    assert [f["name"] for f in only_a["factories"]] == ["Kirovsk Process Factory"]


@pytest.mark.parametrize("as_of", ["1999-12-31", "2101-01-01", "0001-01-01", "yesterday"])
def test_it_refuses_a_dashboard_day_outside_the_calendar_it_covers(
    api_world: ApiWorld, as_of: str
) -> None:
    response = token_client(api_world, "coordinator").get("/api/dashboard", {"as_of": as_of})
    assert response.status_code == 422
    assert body_of(response)["errors"][0]["loc"] == ["query", "as_of"]


# ---------------------------------------------------------------------------------------------
# Authentication, CSRF, languages


def test_it_explains_a_revoked_or_unknown_token(api_world: ApiWorld) -> None:
    for persona in ("revoked", "bad"):
        response = token_client(api_world, persona).get("/api/factories")
        assert response.status_code == 401
        assert body_of(response) == {
            "detail": "This API token is not valid: it is unknown or revoked."
        }
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_asks_an_anonymous_caller_to_authenticate(api_world: ApiWorld) -> None:
    response = token_client(api_world, "anonymous").get("/api/factories")
    assert response.status_code == 401
    assert "Authorization: Bearer" in body_of(response)["detail"]


def test_it_refuses_another_authorization_scheme(api_world: ApiWorld) -> None:
    response = Client().get(
        "/api/factories", headers={"Authorization": "Basic dXNlcjpwYXNz", "Accept-Language": "en"}
    )
    assert response.status_code == 401
    assert "Bearer" in body_of(response)["detail"]


def test_it_does_not_fall_back_to_the_session_when_the_token_is_bad(api_world: ApiWorld) -> None:
    client = session_client(api_world, "coordinator")
    client.headers["Authorization"] = "Bearer pf_wrong"
    assert client.get("/api/factories").status_code == 401


def test_it_records_when_a_token_was_last_used(api_world: ApiWorld) -> None:
    token_client(api_world, "manager_a").get("/api/factories")
    token = ApiToken.objects.get(name="manager_a integration")
    assert token.last_used_at is not None


def test_it_rejects_a_token_of_a_deactivated_user(api_world: ApiWorld) -> None:
    manager = api_world.users["manager_a"]
    manager.is_active = False
    manager.save()
    assert token_client(api_world, "manager_a").get("/api/factories").status_code == 401


def test_it_requires_the_csrf_token_for_session_writes(api_world: ApiWorld) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(api_world.users["coordinator"])
    body = {"full_name": "Nina", "category": "student"}
    refused = browser.post(
        "/api/participants",
        body,
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 403
    assert "CSRF" in body_of(refused)["detail"]
    # the browser holds the CSRF cookie the site's pages set; the header repeats its token
    token = "CsrfSecretOfThirtyTwoCharacters0"  # 32 letters and digits, like a real one
    browser.cookies["csrftoken"] = token
    accepted = browser.post(
        "/api/participants", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201


def test_it_needs_no_csrf_token_with_an_api_token(api_world: ApiWorld) -> None:
    client = ApiClient(Client(enforce_csrf_checks=True), api_world.keys["coordinator"])
    response = client.post("/api/participants", {"full_name": "Nina", "category": "student"})
    assert response.status_code == 201


def test_it_answers_errors_in_russian_by_default(api_world: ApiWorld) -> None:
    client = token_client(api_world, "manager_a", language="ru")
    response = client.get(f"/api/factories/{api_world.factory_b.pk}")
    assert body_of(response) == {"detail": "Фабрики с таким id нет среди доступных вам."}
    bad = token_client(api_world, "bad", language="ru").get("/api/factories")
    assert body_of(bad)["detail"] == "Этот API-токен недействителен: он неизвестен или отозван."


# ---------------------------------------------------------------------------------------------
# The API's vocabularies are the models' choices


@pytest.mark.parametrize(
    ("api_enum", "choices"),
    [
        (schemas.FactoryStatus, Factory.Status),
        (schemas.TrainingTrack, Training.Track),
        (schemas.TrainingStatus, Training.Status),
        (schemas.RegistrationStatus, Registration.Status),
        (schemas.ParticipantCategory, Participant.Category),
        (schemas.EnterpriseIndustry, Enterprise.Industry),
        (schemas.EnterprisePhase, Enterprise.Phase),
    ],
)
def test_it_keeps_each_api_vocabulary_equal_to_the_models_choices(
    api_enum: Any, choices: Any
) -> None:
    assert [member.value for member in api_enum] == list(choices.values)
