"""System checks: the browser libraries must be installed (``make`` runs ``npm ci``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.staticfiles)
def check_vendor_static(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    missing = [
        f"{prefix} ({path})" for prefix, path in settings.VENDOR_STATIC.items() if not path.is_dir()
    ]
    if not missing:
        return []
    return [
        Warning(
            "Browser libraries are missing: " + ", ".join(missing),
            hint="Run `make` (npm ci) or set PF_NODE_MODULES to an installed node_modules.",
            id="processfactory.W001",
        )
    ]
