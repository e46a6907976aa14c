"""Websocket routes of the live game (docs/live-game.md, *The websocket protocol*)."""

from __future__ import annotations

from django.urls import path

from processfactory.web.game.consumers import BoardConsumer, SeatConsumer

websocket_urlpatterns = [
    path("ws/game/<str:code>/seat/", SeatConsumer.as_asgi(), name="game-seat"),
    path("ws/game/<str:code>/board/", BoardConsumer.as_asgi(), name="game-board"),
]
