"""The participants' pages (no login): enter the code, join with a role, the phone.

The seat's token lives in the Django session (``game_seats[code]``), never in a page's address
the participant could share by accident; the phone page hands it to its websocket.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from processfactory.web.game import protocol, services
from processfactory.web.game.forms import (
    CodeForm,
    JoinForm,
    normalize_code,
)
from processfactory.web.game.models import GameSession, Seat
from processfactory.web.game.services import GameError
from processfactory.web.game.views import (
    _board_labels,
    _station_names,
    _timer,
    _ws_path,
)
from processfactory.web.registry.models import Participant, Registration

SEATS_KEY = "game_seats"


# ---------------------------------------------------------------------------------------------
# Participants (no login)


def _seat_token(request: HttpRequest, code: str) -> str | None:
    seats = request.session.get(SEATS_KEY) or {}
    token = seats.get(code) if isinstance(seats, dict) else None
    return token if isinstance(token, str) else None


def _participants(session: GameSession) -> Any:
    if session.training_id is None:
        return None
    return Participant.objects.filter(
        registrations__training_id=session.training_id,
        registrations__status=Registration.Status.REGISTERED,
    ).order_by("full_name", "pk")


@require_GET
def play_enter(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.GET or None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            code = form.cleaned_data["code"]
            if GameSession.objects.filter(code=code).exists():
                return redirect("play:join", code=code)
            form.add_error("code", _("There is no game with this code. Check it on the board."))
        status = 404 if form.errors else 200
    return render(request, "game/play_enter.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def play_join(request: HttpRequest, code: str) -> HttpResponse:
    code = normalize_code(code)
    session = GameSession.objects.filter(code=code).select_related("training").first()
    if session is None:
        form = CodeForm({"code": code})
        form.is_valid()
        form.add_error("code", _("There is no game with this code. Check it on the board."))
        return render(request, "game/play_enter.html", {"form": form}, status=404)
    stations = _join_stations(session)
    participants = _participants(session)
    data = request.POST if request.method == "POST" else None
    form = JoinForm(data, stations=stations, participants=participants)
    existing = _seat_token(request, code)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            seat = services.join_session(
                code,
                name=values["name"],
                role=values["role"],
                stations=tuple(values["stations"]),
                participant_id=values.get("participant"),
            )
        except GameError as err:
            form.add_error(None, err.message)
        else:
            seats = request.session.get(SEATS_KEY)
            seats = dict(seats) if isinstance(seats, dict) else {}
            seats[code] = seat.token
            request.session[SEATS_KEY] = seats
            return redirect("play:seat", code=code)
    return render(
        request,
        "game/play_join.html",
        {
            "session": session,
            "form": form,
            "has_seat": existing is not None
            and Seat.objects.filter(token=existing, session=session, revoked=False).exists(),
        },
        status=400 if form.errors else 200,
    )


def _join_stations(session: GameSession) -> dict[str, str]:
    """Every station of the session's rounds (levers may add some), named in the page's
    language."""
    try:
        names = _station_names(session, services.shown_round(session))
        return {sid: names.get(sid, sid) for sid in services.session_station_ids(session)}
    except GameError:
        return {}


def _seat_labels(session: GameSession) -> dict[str, str]:
    return {
        **_board_labels(session),
        "start": pgettext("seat button", "started"),
        "done": pgettext("seat button", "done"),
        "defect": pgettext("seat button", "defect"),
        "move": pgettext("seat button", "moved"),
        "process_next": _("Process next"),
        "pass_one": _("Pass on 1"),
        "pass_all": _("Pass on all (batch)"),
        "quantity": _("Quantity"),
        "station": _("Station"),
        "queued": _("offline: %(n)s taps waiting to be sent"),
        "sending": _("sending %(n)s…"),
        "kanban": _("Kanban cards free"),
        "cannot_start": _("Cannot start: %(reason)s"),
        "refused": _("Not recorded: %(message)s"),
        "nothing": _("nothing"),
    }


def _refusal_texts() -> dict[str, str]:
    """Why a start is not possible, by the line's refusal code (``%(station)s`` left in)."""
    from processfactory.sim.live import ERROR_CODES

    return {code: protocol.refusal_message(code, "%(station)s") for code in ERROR_CODES}


@require_GET
def play_seat(request: HttpRequest, code: str) -> HttpResponse:
    code = normalize_code(code)
    session = get_object_or_404(GameSession, code=code)
    token = _seat_token(request, code)
    seat = (
        Seat.objects.filter(token=token, session=session, revoked=False).first() if token else None
    )
    if seat is None:
        return redirect("play:join", code=code)
    shown = services.shown_round(session)
    names = _join_stations(session)
    seat.station_names = [names.get(sid, sid) for sid in seat.stations or []]
    return render(
        request,
        "game/play_seat.html",
        {
            "session": session,
            "seat": seat,
            "timer": _timer(session, shown),
            "refusals": _refusal_texts(),
            "ws_path": f"{_ws_path(session, 'seat')}?token={seat.token}",
            "storage_key": f"pf-game-{session.code}-{seat.token[:12]}",
            "state": protocol.seat_view(seat),
            "labels": _seat_labels(session),
            "station_names": names,
            "config": {
                "mode": session.mode,
                "role": seat.role,
                "stations": list(seat.stations or []),
            },
        },
    )
