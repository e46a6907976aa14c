"""``{% demo_banner %}``: the "Demo data" notice every page shows while the demo is loaded."""

from __future__ import annotations

from typing import Any

from django import template

from processfactory.web.dashboard.models import ProgrammeSettings

register = template.Library()


@register.inclusion_tag("dashboard/demo_banner.html")
def demo_banner() -> dict[str, Any]:
    current = ProgrammeSettings.current()
    return {"demo": current if current is not None and current.is_demo else None}
