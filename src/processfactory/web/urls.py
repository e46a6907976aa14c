"""URL map: the registry screens at the root, the dashboard, the live game, the admin, login and
languages."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from processfactory.web import views
from processfactory.web.game import urls as game_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("processfactory.web.registry.urls")),
    path("trainings/", include("processfactory.web.trainings.urls")),
    path("dashboard/", include("processfactory.web.dashboard.urls")),
    path("api/", include("processfactory.web.api.urls")),
    # the live game: the trainer's pages (login) and the participants' (no login)
    path("game/", include((game_urls.urlpatterns, "game"))),
    path("play/", include((game_urls.play_urlpatterns, "play"))),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # set_language (POST language=…, next=…): the language switch in every page's header
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
