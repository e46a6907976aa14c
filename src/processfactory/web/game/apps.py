from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GameConfig(AppConfig):
    name = "processfactory.web.game"
    label = "game"
    verbose_name = _("Live game")
