"""The OpenAPI document at ``/api/openapi.json``: valid, complete, secured, and a Schemathesis run
over it (in-process, a coordinator's token) that finds no server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from web.test_web_api_base import (  # noqa: F401  (fixtures: the API world, its conditions)
    ApiWorld,
    api_conditions,
    api_world_fixture,
    body_of,
)

pytestmark = pytest.mark.django_db

ROUTES = {
    ("get", "/api/factories"),
    ("get", "/api/factories/{factory_id}"),
    ("get", "/api/trainings"),
    ("post", "/api/trainings"),
    ("get", "/api/trainings/{training_id}"),
    ("post", "/api/trainings/{training_id}/registrations"),
    ("get", "/api/participants"),
    ("post", "/api/participants"),
    ("get", "/api/participants/{participant_id}"),
    ("get", "/api/enterprises"),
    ("get", "/api/enterprises/{enterprise_id}"),
    ("get", "/api/dashboard"),
}


@pytest.fixture
def document(db: None) -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    result: dict[str, Any] = body_of(response)
    return result


def test_it_serves_a_valid_openapi_document_without_credentials(document: dict[str, Any]) -> None:
    # schemathesis validates the document against the OpenAPI 3.1 meta-schema as it loads it
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(operation.method, operation.path) for operation in operations} == ROUTES
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Process Factory API"


def test_it_lists_every_route_with_its_security_schemes(document: dict[str, Any]) -> None:
    listed = {
        (method, path) for path, operations in document["paths"].items() for method in operations
    }
    assert listed == ROUTES
    assert document["components"]["securitySchemes"] == {
        "ApiTokenAuth": {"type": "http", "scheme": "bearer"},
        "BrowserSessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"ApiTokenAuth": []}, {"BrowserSessionAuth": []}]
            assert operation["summary"] and operation["description"], (method, path)
            assert "401" in operation["responses"], (method, path)


def test_it_describes_every_field_of_its_schemas(document: dict[str, Any]) -> None:
    for name, component in document["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"


def test_it_documents_error_bodies_and_registration_outcomes(document: dict[str, Any]) -> None:
    register = document["paths"]["/api/trainings/{training_id}/registrations"]["post"]
    assert {"201", "202", "401", "403", "404", "409", "422"} <= set(register["responses"])
    conflict = register["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict == {"$ref": "#/components/schemas/ErrorOut"}
    invalid = register["responses"]["422"]["content"]["application/json"]["schema"]
    assert invalid == {"$ref": "#/components/schemas/ValidationErrorOut"}


def test_it_serves_no_docs_page_that_would_load_scripts_from_a_cdn(db: None) -> None:
    assert Client().get("/api/docs").status_code == 404


# ---------------------------------------------------------------------------------------------
# Schemathesis

# Small and derandomized: the same cases on every run; 12–25 s here (so not marked slow).
FUZZ = hypothesis.settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)


def fuzz(
    operation: Any,
    mode: schemathesis.GenerationMode,
    headers: dict[str, str],
    path_parameters: dict[str, int],
) -> None:
    """Run the generated cases of one operation: never a 5xx, and with valid data (positive
    mode) an answer that matches the documented schema. Positive cases address the world's
    objects (random ids would only ever find nothing); negative ones get generated ids."""
    checks = [not_a_server_error]
    strategy = operation.as_strategy(generation_mode=mode)
    if mode is schemathesis.GenerationMode.POSITIVE:
        checks.append(response_schema_conformance)
        wanted = {p.name for p in operation.path_parameters}
        fixed = {name: value for name, value in path_parameters.items() if name in wanted}
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

    @FUZZ
    @hypothesis.given(case=strategy)
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    call()


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application, called in-process inside the test's transaction. Like
    Django's test client, it must not close the database connection after each request (which
    would end the test's transaction on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_it_answers_schemathesis_cases_without_a_server_error(
    api_world: ApiWorld, wsgi_app: Any
) -> None:
    headers = {"Authorization": f"Bearer {api_world.keys['coordinator']}"}
    ids = api_world.ids()
    path_parameters = {
        "factory_id": ids["factory_a"],
        "training_id": ids["training_a"],
        "participant_id": ids["in_a"],
        "enterprise_id": ids["e_a"],
    }
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            try:
                fuzz(operation, mode, headers, path_parameters)
            except Exception as error:  # report every operation's failures, not the first only
                failures.append(f"{operation.label} ({mode.value}): {error}")
    assert failures == []
