from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "processfactory.web.trainings"
    label = "trainings"
    verbose_name = _("Trainings")
