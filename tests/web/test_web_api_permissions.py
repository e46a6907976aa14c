"""The API's permissions matrix: every route × every persona, from one table.

Each row is a call; each column the status a persona gets. Calls about A's world (factory A,
training A, participant ``in_a``, enterprise E-A) and about B's world (which A's people must not
see: 404, as if it did not exist). Callers who are nobody (anonymous, a revoked token, a key
never issued) get 401 everywhere. The same matrix runs with API tokens and with browser sessions.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from processfactory.web.api.site import api
from web.test_web_api_base import (  # noqa: F401  (api_world_fixture: the api_world fixture)
    NOBODIES,
    PERSONAS,
    USERS,
    ApiWorld,
    api_conditions,
    api_world_fixture,
    body_of,
    session_client,
    token_client,
)

pytestmark = pytest.mark.django_db

NEW_TRAINING = {"factory_id": "{factory_a}", "date": "2026-04-09", "track": "production"}
NEW_STUDENT = {"full_name": "Nina Newcomer", "category": "student", "organisation": "College"}
REGISTER_LOOSE = {"participant_id": "{loose}"}

# method, path, body: statuses of (coordinator, manager_a, trainer_a, outsider); the outsider,
# logged in with no role in the programme, gets 403 everywhere, as on the site's pages
MATRIX: list[tuple[str, str, dict[str, Any] | None, tuple[int, int, int, int]]] = [
    ("GET", "/api/factories", None, (200, 200, 200, 403)),
    ("GET", "/api/factories/{factory_a}", None, (200, 200, 200, 403)),
    ("GET", "/api/factories/{factory_b}", None, (200, 404, 404, 403)),
    ("GET", "/api/trainings", None, (200, 200, 200, 403)),
    ("GET", "/api/trainings/{training_a}", None, (200, 200, 200, 403)),
    ("GET", "/api/trainings/{training_b}", None, (200, 404, 404, 403)),
    ("POST", "/api/trainings", NEW_TRAINING, (201, 201, 403, 403)),
    ("POST", "/api/trainings/{training_a}/registrations", REGISTER_LOOSE, (201, 201, 403, 403)),
    ("POST", "/api/trainings/{training_b}/registrations", REGISTER_LOOSE, (201, 404, 404, 403)),
    ("GET", "/api/participants", None, (200, 200, 200, 403)),
    ("GET", "/api/participants/{in_a}", None, (200, 200, 200, 403)),
    ("GET", "/api/participants/{in_b}", None, (200, 404, 404, 403)),
    ("POST", "/api/participants", NEW_STUDENT, (201, 201, 403, 403)),
    ("GET", "/api/enterprises", None, (200, 200, 200, 403)),
    ("GET", "/api/enterprises/{e_a}", None, (200, 200, 200, 403)),
    ("GET", "/api/enterprises/{e_b}", None, (200, 404, 404, 403)),
    ("GET", "/api/dashboard", None, (200, 200, 403, 403)),
    ("GET", "/api/dashboard?factory={factory_a}", None, (200, 200, 403, 403)),
    ("GET", "/api/dashboard?factory={factory_b}", None, (200, 404, 403, 403)),
]

# What each list shows each persona (names, or the ids' names for participants).
SCOPES: dict[str, dict[str, set[str]]] = {
    "/api/factories": {
        "coordinator": {"Kirovsk Process Factory", "Gatchina Process Factory"},
        "manager_a": {"Kirovsk Process Factory"},
        "trainer_a": {"Kirovsk Process Factory"},
    },
    "/api/trainings": {
        "coordinator": {"Kirovsk Process Factory", "Gatchina Process Factory"},
        "manager_a": {"Kirovsk Process Factory"},
        "trainer_a": {"Kirovsk Process Factory"},
    },
    "/api/participants": {
        "coordinator": {"In A", "In B", "Loose Student"},
        "manager_a": {"In A"},
        "trainer_a": {"In A"},
    },
    "/api/enterprises": {
        "coordinator": {"E-A", "E-B", "E-none"},
        "manager_a": {"E-A"},
        "trainer_a": {"E-A"},
    },
}


# How a list item is named in SCOPES (a training by its factory).
LABEL = {
    "/api/factories": lambda item: item["name"],
    "/api/trainings": lambda item: item["factory"]["name"],
    "/api/participants": lambda item: item["full_name"],
    "/api/enterprises": lambda item: item["name"],
}


def fill(template: Any, ids: dict[str, int]) -> Any:
    """The template with ``{name}`` replaced by ids (a whole ``"{name}"`` value by the int)."""
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return ids[template[1:-1]]
    if isinstance(template, str):
        return template.format(**ids)
    return template


def cases() -> list[Any]:
    out = []
    for method, path, body, statuses in MATRIX:
        expected = dict(zip(USERS, statuses, strict=True)) | dict.fromkeys(NOBODIES, 401)
        for persona in PERSONAS:
            out.append(
                pytest.param(
                    method, path, body, persona, expected[persona], id=f"{method} {path} {persona}"
                )
            )
    return out


@pytest.mark.parametrize(("method", "path", "body", "persona", "status"), cases())
def test_it_answers_each_persona_with_a_token_as_the_matrix_says(
    api_world: ApiWorld,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    persona: str,
    status: int,
) -> None:
    ids = api_world.ids()
    response = token_client(api_world, persona).call(method, fill(path, ids), fill(body, ids))
    assert response.status_code == status, response.content[:300]
    if status >= 400:
        assert isinstance(body_of(response)["detail"], str)


@pytest.mark.parametrize(
    ("method", "path", "body", "persona", "status"),
    [case for case in cases() if case.values[3] in USERS],
)
def test_it_answers_each_persona_with_a_session_as_with_a_token(
    api_world: ApiWorld,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    persona: str,
    status: int,
) -> None:
    ids = api_world.ids()
    response = session_client(api_world, persona).call(method, fill(path, ids), fill(body, ids))
    assert response.status_code == status, response.content[:300]


@pytest.mark.parametrize("persona", [user for user in USERS if user != "outsider"])
@pytest.mark.parametrize("path", sorted(SCOPES))
def test_it_lists_only_what_each_persona_may_see(
    api_world: ApiWorld, path: str, persona: str
) -> None:
    page = body_of(token_client(api_world, persona).get(path))
    shown = {LABEL[path](item) for item in page["items"]}
    assert shown == SCOPES[path][persona]
    assert page["count"] == len(page["items"])


def test_it_covers_every_route_of_the_api_in_the_matrix() -> None:
    documented = {
        (method.upper(), path)
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
    }
    # the matrix names the objects in its paths: put the route's parameters back
    parameter = {"factory_a": "factory_id", "factory_b": "factory_id"}
    parameter |= {"training_a": "training_id", "training_b": "training_id"}
    parameter |= {"in_a": "participant_id", "in_b": "participant_id"}
    parameter |= {"e_a": "enterprise_id", "e_b": "enterprise_id"}
    in_matrix = set()
    for method, path, _body, _statuses in MATRIX:
        route = path.split("?")[0]
        for name, replacement in parameter.items():
            route = route.replace("{" + name + "}", "{" + replacement + "}")
        in_matrix.add((method, route))
    assert in_matrix == documented


def test_it_shows_a_manager_the_trainings_of_their_factory_only(api_world: ApiWorld) -> None:
    ids = api_world.ids()
    client = token_client(api_world, "manager_a")
    other = body_of(client.get("/api/trainings", {"factory": ids["factory_b"]}))
    assert other == {"items": [], "count": 0}
    mine = body_of(client.get("/api/trainings", {"factory": ids["factory_a"]}))
    assert [item["id"] for item in mine["items"]] == [ids["training_a"]]


def test_it_does_not_let_a_manager_create_a_training_at_another_factory(
    api_world: ApiWorld,
) -> None:
    body = {"factory_id": api_world.factory_b.pk, "date": "2026-04-09"}
    response = token_client(api_world, "manager_a").post("/api/trainings", body)
    # factory B is not visible to manager A: an unknown factory, like any other id
    assert response.status_code == 422
    assert body_of(response)["errors"][0]["loc"] == ["body", "payload", "factory_id"]


def test_it_forbids_a_trainer_who_sees_a_factory_to_create_trainings_there(
    api_world: ApiWorld,
) -> None:
    body = {"factory_id": api_world.factory_a.pk, "date": datetime.date(2026, 4, 9).isoformat()}
    response = token_client(api_world, "trainer_a").post("/api/trainings", body)
    assert response.status_code == 403
    assert body_of(response)["detail"] == "You may not create trainings."


def test_it_does_not_let_a_manager_register_someone_they_do_not_see(api_world: ApiWorld) -> None:
    # in_b is on training B's list: manager A does not see them, so cannot name them either
    response = token_client(api_world, "manager_a").post(
        f"/api/trainings/{api_world.training_a.pk}/registrations",
        {"participant_id": api_world.in_b.pk},
    )
    assert response.status_code == 422
    assert body_of(response)["errors"][0]["msg"] == (
        "No participant with this id is visible to you."
    )


def test_it_lets_a_manager_register_the_person_they_just_created(api_world: ApiWorld) -> None:
    client = token_client(api_world, "manager_a")
    created = body_of(client.post("/api/participants", NEW_STUDENT))
    # not in the manager's scope yet (on nobody's list) ...
    assert client.get(f"/api/participants/{created['id']}").status_code == 404
    response = client.post(
        f"/api/trainings/{api_world.training_a.pk}/registrations", {"participant_id": created["id"]}
    )
    assert response.status_code == 201
    # ... and in it once registered for one of their trainings
    assert client.get(f"/api/participants/{created['id']}").status_code == 200
