"""The live game's pages: the trainer's (``game:*``, under ``game/``, login and a role) and the
participants' (``play:*``, under ``play/``, no login).

``processfactory.web.urls`` mounts them as ``include((urlpatterns, "game"))`` and
``include((play_urlpatterns, "play"))``. The websockets (``ws/game/…``) are routed by
``game.routing``, not here.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from processfactory.web.game import debrief_views, play_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.session_list, name="session_list"),
    path("new/", views.session_create, name="session_create"),
    path("<str:code>/", views.session_control, name="session_control"),
    path("<str:code>/start/", views.start_round, name="start_round"),
    path("<str:code>/pause/", views.pause_round, name="pause_round"),
    path("<str:code>/resume/", views.resume_round, name="resume_round"),
    path("<str:code>/end/", views.end_round, name="end_round"),
    path("<str:code>/rounds/<int:number>/levers/", views.round_levers, name="round_levers"),
    path("<str:code>/rounds/<int:number>/predict/", views.round_predict, name="round_predict"),
    path("<str:code>/events/<int:event_id>/void/", views.void_event, name="void_event"),
    path("<str:code>/board/", views.board, name="board"),
    path("<str:code>/debrief/", debrief_views.debrief, name="debrief"),
    path("<str:code>/debrief/report.html", debrief_views.debrief_html, name="debrief_html"),
    path("<str:code>/debrief/report.xlsx", debrief_views.debrief_xlsx, name="debrief_xlsx"),
    path(
        "<str:code>/rounds/<int:number>/events.<str:fmt>",
        debrief_views.round_events,
        name="round_events",
    ),
    path("<str:code>/rounds/<int:number>/replay/", debrief_views.round_replay, name="round_replay"),
    path("<str:code>/attendance/", debrief_views.fill_attendance, name="fill_attendance"),
]

play_urlpatterns: list[URLPattern | URLResolver] = [
    path("", play_views.play_enter, name="enter"),
    path("<str:code>/", play_views.play_join, name="join"),
    path("<str:code>/seat/", play_views.play_seat, name="seat"),
]
