"""Registry screens (factories, trainers, enterprises, participants).

The navigation links to these names when they exist: ``registry:factory_list``,
``registry:trainer_list``, ``registry:enterprise_list``, ``registry:participant_list``,
``registry:training_list``.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from processfactory.web.registry import views

app_name = "registry"

urlpatterns: list[URLPattern | URLResolver] = [
    path("factories/", views.factory_list, name="factory_list"),
    path("factories/new/", views.factory_create, name="factory_create"),
    path("factories/<int:pk>/", views.factory_detail, name="factory_detail"),
    path("factories/<int:pk>/edit/", views.factory_edit, name="factory_edit"),
    path("trainers/", views.trainer_list, name="trainer_list"),
    path("trainers/new/", views.trainer_create, name="trainer_create"),
    path("trainers/<int:pk>/", views.trainer_detail, name="trainer_detail"),
    path("trainers/<int:pk>/edit/", views.trainer_edit, name="trainer_edit"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.csv", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("participants/", views.participant_list, name="participant_list"),
    path("participants/export.csv", views.participant_export, name="participant_export"),
    path("participants/import/", views.participant_import, name="participant_import"),
    path(
        "participants/import/template.xlsx",
        views.participant_import_template,
        name="participant_import_template",
    ),
    path("participants/new/", views.participant_create, name="participant_create"),
    path("participants/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("participants/<int:pk>/edit/", views.participant_edit, name="participant_edit"),
]
