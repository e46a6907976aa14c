"""ASGI entry point (``daphne processfactory.web.asgi:application``): the Django app over HTTP
and the live game's websockets (``processfactory.web.game.routing``)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "processfactory.web.settings")

# Django is set up first: the websocket routes import the models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from processfactory.web.game.routing import websocket_urlpatterns  # noqa: E402
from processfactory.web.warmup import start_kernel_warm_up  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# what-if predictions run the simulation kernel: load it now, not on the first one
start_kernel_warm_up()
