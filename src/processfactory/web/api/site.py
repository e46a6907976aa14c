"""The one ``NinjaAPI`` of the app: ``/api/…``, its OpenAPI document at ``/api/openapi.json``.

Every route needs a caller (``auth``: an API token or a logged-in session) and answers only
within the caller's scope (``registry.permissions``). No interactive docs page: django-ninja's
loads Swagger UI from a CDN, and the app serves no JavaScript from CDNs.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.operation import Operation

from processfactory import __version__
from processfactory.web.api import dashboard, enterprises, factories, participants, trainings
from processfactory.web.api.auth import ApiTokenAuth, BrowserSessionAuth
from processfactory.web.api.errors import install_error_handlers

DESCRIPTION = """\
The Process Factory registry and the "Labour productivity" programme figures, for integrations.

**Authentication.** Send an API token: `Authorization: Bearer <key>` (a coordinator creates one
with `manage.py createapitoken USERNAME NAME`). A browser logged in to the site may call the API
with its session; unsafe methods then need the `X-CSRFToken` header.

**Scope.** Every answer is limited to what the caller may see: coordinators see everything,
factory managers their factories and the participants of their trainings, trainers the trainings
they run. An object outside the caller's scope answers 404, as if it did not exist.

**Errors.** Every error answer is JSON `{"detail": "…"}` in the request's language (Russian by
default, English with `Accept-Language: en`); 422 adds `errors`, one entry per invalid value.

**Lists** are pages: `?limit=` (1–100, default 20) and `?offset=`; the answer is
`{"items": […], "count": total}`.
"""


class ProcessFactoryAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # the view's own name (``list_factories``), not one prefixed with its module path
        return str(operation.view_func.__name__)


api = ProcessFactoryAPI(
    title="Process Factory API",
    version=__version__,
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,
    auth=[ApiTokenAuth(), BrowserSessionAuth()],
)
install_error_handlers(api)
api.add_router("", factories.router)
api.add_router("", trainings.router)
api.add_router("", participants.router)
api.add_router("", enterprises.router)
api.add_router("", dashboard.router)
