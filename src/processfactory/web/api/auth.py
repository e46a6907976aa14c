"""Who calls the API: an integration with an API token, or a logged-in browser.

Two methods, tried in this order:

1. ``Authorization: Bearer <key>`` — a key from ``manage.py createapitoken``, checked by
   ``registry.services.authenticate_token``. A header that is present but wrong (unknown or
   revoked key, another scheme) is answered 401 at once: it never falls back to the session.
2. The Django session cookie of a logged-in user. Unsafe methods (POST…) then need the CSRF
   token (``X-CSRFToken`` header), exactly as the site's forms do; token calls need none, since
   a browser never sends an ``Authorization`` header on its own.

Both give the route ``request.auth``: the calling user (read it with ``caller``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from processfactory.web.registry.permissions import has_any_role
from processfactory.web.registry.services import authenticate_token


class TokenRejected(AuthenticationError):
    """An ``Authorization`` header that does not authenticate anyone."""

    def __init__(self, message: str) -> None:
        super().__init__(status_code=401, message=message)


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <key>``: an API token of an active user."""

    def __call__(self, request: HttpRequest) -> Any | None:
        value = request.headers.get(self.header)
        if value is None:
            return None
        scheme, _space, key = value.strip().partition(" ")
        if scheme.lower() != self.openapi_scheme:
            raise TokenRejected(_("Send the API token as 'Authorization: Bearer <key>'."))
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        found = authenticate_token(token)
        if found is None:
            raise TokenRejected(_("This API token is not valid: it is unknown or revoked."))
        return with_a_role(found.user)


class BrowserSessionAuth(APIKeyCookie):
    """The session of a user logged in to the site; CSRF-checked for unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        # without a session there is nobody to protect: answer 401, not a CSRF 403
        if key is None:
            return None
        if check_csrf(request) is not None:
            raise HttpError(
                403, _("CSRF check failed: send the X-CSRFToken header with session calls.")
            )
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        if key is not None and request.user.is_authenticated:
            return with_a_role(request.user)
        return None


def with_a_role(user: Any) -> Any:
    """The user, if they have a role in the programme; 403 otherwise (as the site's pages)."""
    if not has_any_role(user):
        raise HttpError(
            403, _("Your account has no role in the programme: ask the programme coordinator.")
        )
    return user


def caller(request: HttpRequest) -> Any:
    """The user calling the route (set by either authentication method)."""
    return request.auth  # set by django-ninja after authentication
