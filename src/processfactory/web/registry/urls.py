"""Registry screens (factories, trainers, enterprises, participants, trainings).

The navigation links to these names when they exist: ``registry:factory_list``,
``registry:trainer_list``, ``registry:enterprise_list``, ``registry:participant_list``,
``registry:training_list``.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "registry"

urlpatterns: list[URLPattern | URLResolver] = []
