from __future__ import annotations

from django.urls import path

from processfactory.web.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
]
