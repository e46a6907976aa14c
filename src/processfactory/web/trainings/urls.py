"""Training screens (``trainings:*``), and the two public pages: certificate verification
(``verify/``, ``verify/<code>/``) and the attendee's feedback form (``feedback/<token>/``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from processfactory.web.trainings import certificates, feedback, views

app_name = "trainings"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.training_list, name="training_list"),
    path("new/", views.training_create, name="training_create"),
    path("new/fields/", views.training_fields, name="training_fields"),
    path("<int:pk>/", views.training_detail, name="training_detail"),
    path("<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("<int:pk>/search/", views.participant_search, name="participant_search"),
    path("<int:pk>/register/", views.register_participant, name="register_participant"),
    path("<int:pk>/register/new/", views.register_new_participant, name="register_new"),
    path(
        "<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.cancel_registration,
        name="cancel_registration",
    ),
    path("<int:pk>/import/", views.import_participants, name="import_participants"),
    path("import-template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/confirm/", views.confirm_training, name="confirm_training"),
    path("<int:pk>/cancel/", views.cancel_training, name="cancel_training"),
    path("<int:pk>/held/", views.mark_held, name="mark_held"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path(
        "<int:pk>/certificates/issue/", certificates.issue_certificates, name="issue_certificates"
    ),
    path("<int:pk>/certificates/", certificates.certificate_print_all, name="certificates"),
    path(
        "<int:pk>/certificates/<int:certificate_pk>/",
        certificates.certificate_print,
        name="certificate",
    ),
    # public, no login
    path("verify/", certificates.verify, name="verify"),
    path("verify/<str:code>/", certificates.verify_code, name="verify_code"),
    path("feedback/<str:token>/", feedback.feedback, name="feedback"),
]
