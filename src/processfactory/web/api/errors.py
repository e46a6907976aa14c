"""Every error answer has the same JSON body: ``{"detail": "…"}`` (422 adds ``errors``).

- 400 a body that is not JSON; 401 no or a bad credential; 403 not allowed; 404 not found or
  outside the caller's scope (the API never tells the two apart); 409 a registry rule refused
  the action (``RegistryError``); 422 invalid values (``invalid`` builds one from a route).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from processfactory.web.api.auth import TokenRejected
from processfactory.web.registry.services import RegistryError


class NotFound(HttpError):
    """404: the object does not exist or the caller may not see it."""

    def __init__(self, message: str) -> None:
        super().__init__(404, message)


def visible_or_404(queryset: QuerySet[Any], pk: int, message: str) -> Any:
    """The object ``pk`` of the caller's scope ``queryset``; 404 with ``message`` otherwise,
    whether or not it exists."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(message)
    return found


class Forbidden(HttpError):
    """403: the caller sees the object but may not do this."""

    def __init__(self, message: str) -> None:
        super().__init__(403, message)


def invalid(loc: Iterable[str | int], message: str, kind: str = "value_error") -> ValidationError:
    """A 422 for one value, located like pydantic's errors (``("body", "payload", "field")``)."""
    return ValidationError([{"loc": list(loc), "msg": message, "type": kind}])


def from_model_errors(
    error: DjangoValidationError, field_names: Mapping[str, str], prefix: Iterable[str | int]
) -> ValidationError:
    """A 422 from a model's ``full_clean`` errors, each at the API field that holds the value
    (``field_names`` maps model field → API field; unmapped fields keep their name)."""
    located = []
    for field, messages in error.message_dict.items():
        where = [*prefix] if field == "__all__" else [*prefix, field_names.get(field, field)]
        located += [{"loc": where, "msg": str(m), "type": "value_error"} for m in messages]
    return ValidationError(located)


def _clean_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # pydantic's entries also carry the input and exception objects: keep the documented keys
    return [
        {
            "loc": [p if isinstance(p, int) else str(p) for p in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "value_error")),
        }
        for error in errors
    ]


E = TypeVar("E", bound=Exception)


def _handle(
    api: NinjaAPI, kind: type[E], handler: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    # django-ninja types a handler's exception as "E | type[E]"; it is always an instance
    api.add_exception_handler(kind, handler)  # type: ignore[arg-type]


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every anticipated error with the JSON bodies above."""

    def detail(request: HttpRequest, message: str, status: int) -> HttpResponse:
        return api.create_response(request, {"detail": message}, status=status)

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = (
            str(exc)
            if isinstance(exc, TokenRejected)
            else _(
                "Authentication required: send an API token "
                "('Authorization: Bearer <key>') or log in."
            )
        )
        response = detail(request, message, 401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return detail(request, str(exc), exc.status_code)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return detail(request, _("Not found."), 404)

    def on_registry_error(request: HttpRequest, exc: RegistryError) -> HttpResponse:
        return detail(request, exc.message, 409)

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = _clean_errors(exc.errors)
        summary = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in errors
        )
        body = {"detail": _("Invalid input: %(errors)s") % {"errors": summary}, "errors": errors}
        return api.create_response(request, body, status=422)

    _handle(api, AuthenticationError, on_authentication)
    _handle(api, HttpError, on_http_error)
    _handle(api, Http404, on_not_found)
    _handle(api, RegistryError, on_registry_error)
    _handle(api, ValidationError, on_validation_error)
