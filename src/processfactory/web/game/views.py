"""The live game's pages (``docs/live-game.md``).

The trainer's pages (login and a role; a session only for those who may run it,
``services.can_run_session``): the list and the new-session form, the control page (rounds,
levers and prediction, seats, events and voiding), and the projector board. The debrief, its
downloads, the replay and attendance are in ``debrief_views``; the participants' pages in
``play_views``.

Every rule is in ``game.services``; these views only call it and show the answer. Live
figures reach the pages through the websockets (``game.consumers``): the pages render the
same snapshot once on the server (``board_snapshot`` / ``seat_view``) so they show something
before the socket opens.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from processfactory.web.game import protocol, services
from processfactory.web.game.forms import (
    LeversForm,
    SessionForm,
    VoidForm,
    current_lang,
    normalize_code,
)
from processfactory.web.game.models import GameEvent, GameRound, GameSession
from processfactory.web.game.services import GameError, finite_number
from processfactory.web.registry.permissions import deny_unless, role_required

PREDICTED_KPIS = ("labour_productivity", "throughput", "lead_time", "wip", "fpy")
"""The KPIs the control page shows of a round's prediction, in this order."""
RECENT_EVENTS = 30


# ---------------------------------------------------------------------------------------------
# Helpers


def _session(request: HttpRequest, code: str) -> GameSession:
    """The session ``code`` if the user may run it; 404 for an unknown code, else 403."""
    session = get_object_or_404(
        GameSession.objects.select_related("training", "created_by"), code=normalize_code(code)
    )
    deny_unless(services.can_run_session(request.user, session))
    return session


def _round(session: GameSession, number: int) -> GameRound:
    return get_object_or_404(GameRound, session=session, number=number)


def _played_round(session: GameSession, number: int) -> GameRound:
    """A round that has started (running, paused or ended): what has events to show."""
    rnd = _round(session, number)
    if rnd.status == GameRound.Status.PLANNED:
        raise Http404("the round has not started")
    return rnd


def _control(session: GameSession, anchor: str = "") -> HttpResponse:
    url = reverse("game:session_control", args=[session.code])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _lang() -> Any:
    from processfactory.reports.labels import check_lang

    return check_lang(current_lang())


def _ws_path(session: GameSession, endpoint: str) -> str:
    return f"/ws/game/{session.code}/{endpoint}/"


def _join_url(request: HttpRequest, session: GameSession) -> str:
    return request.build_absolute_uri(reverse("play:join", args=[session.code]))


def _qr_svg(url: str) -> SafeString:
    """An inline SVG QR code of ``url`` that scales to its box (a ``viewBox``, no size)."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=4, omitsize=True, dark="#000", light="#fff")
    return mark_safe(svg)  # noqa: S308  (segno's own markup: module paths, no text of ours)


def _headed(rounds: Any) -> list[GameRound]:
    """The rounds with ``heading``: "Round n: name", or the name when it says that already."""
    from processfactory.reports.labels import round_heading

    lang = _lang()
    out = []
    for rnd in rounds:
        if rnd is not None:
            rnd.heading = round_heading(rnd.name, rnd.number, lang)
        out.append(rnd)
    return out


def _scenario_units(session: GameSession) -> tuple[str, str]:
    try:
        scenario = services.session_scenario(session)
    except GameError:  # a broken stored scenario must not break the page
        return "min", "RUB"
    return scenario.time_unit, scenario.costs.currency


def _kpi_entry(key: str, entry: Any, lang: Any, time_unit: str, currency: str) -> dict[str, Any]:
    """One KPI as a table row: label, unit and ``mean ± half CI`` (× 100 for % KPIs)."""
    from processfactory.reports.labels import (
        format_mean_ci,
        kpi_label,
        kpi_unit,
        shown_value,
    )

    mean = low = high = None
    if isinstance(entry, dict):
        mean = finite_number(entry.get("mean"))
        ci = entry.get("ci95") or [None, None]
        if isinstance(ci, list | tuple) and len(ci) == 2:
            low, high = finite_number(ci[0]), finite_number(ci[1])
    else:
        mean = finite_number(entry)
    return {
        "key": key,
        "label": kpi_label(key, lang),
        "unit": kpi_unit(key, lang, time_unit=time_unit, currency=currency),
        "value": format_mean_ci(
            shown_value(key, mean), shown_value(key, low), shown_value(key, high), lang
        ),
        "mean": mean,
    }


def _prediction_rows(session: GameSession, rnd: GameRound | None) -> list[dict[str, Any]]:
    if rnd is None or not rnd.prediction:
        return []
    lang = _lang()
    time_unit, currency = _scenario_units(session)
    return [
        _kpi_entry(key, rnd.prediction[key], lang, time_unit, currency)
        for key in PREDICTED_KPIS
        if key in rnd.prediction
    ]


def _timer(session: GameSession, rnd: GameRound | None) -> dict[str, Any]:
    """What the page's timer needs: the round's clock now (scenario time units), its length,
    the clock's rate (units per real second) and the seconds of one unit."""
    try:
        unit_seconds = services.session_scenario(session).seconds_per_time_unit
    except GameError:
        unit_seconds = 60.0
    speed = session.speed if session.mode == GameSession.Mode.ONLINE else 1.0
    timer = {
        "status": "",
        "clock": 0.0,
        "length": 0.0,
        "rate": (speed or 1.0) / unit_seconds,
        "unit_seconds": unit_seconds,
    }
    if rnd is not None:
        timer.update(
            status=rnd.status,
            clock=services.round_clock(rnd),
            length=services.round_length(rnd),
        )
    return timer


def _round_key(rnd: GameRound | None) -> str:
    """Which round is being played and how (the control page reloads when it changes)."""
    if rnd is None or rnd.status not in (GameRound.Status.RUNNING, GameRound.Status.PAUSED):
        return "none"
    return f"{rnd.number}:{rnd.status}"


def _steps_text(steps: list[dict[str, Any]]) -> list[str]:
    from processfactory.reports.labels import format_params, lever_title

    lang = _lang()
    out = []
    for step in steps or []:
        title = lever_title(step.get("lever", ""), lang)
        params = step.get("params") or {}
        out.append(f"{title} ({format_params(params, lang)})" if params else title)
    return out


# ---------------------------------------------------------------------------------------------
# The list and a new session


@require_GET
@role_required()
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = (
        services.sessions_for(request.user)
        .select_related("training", "training__factory", "created_by")
        .order_by("-created_at")
    )
    return render(request, "game/session_list.html", {"sessions": sessions})


@require_http_methods(["GET", "POST"])
@role_required()
def session_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SessionForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                session = services.create_session(request.user, **form.session_kwargs())
            except GameError as err:
                form.add_error(None, err.message)
            else:
                messages.success(
                    request,
                    _("Game created. Its join code is %(code)s.") % {"code": session.code},
                )
                return _control(session)
        return render(request, "game/session_form.html", {"form": form}, status=400)
    form = SessionForm(user=request.user)
    return render(request, "game/session_form.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# The control page


@require_GET
@role_required()
def session_control(request: HttpRequest, code: str) -> HttpResponse:
    session = _session(request, code)
    services.expire_current_round(session)
    current = services.current_round(session)
    upcoming = services.next_round(session)
    rounds = list(session.rounds.order_by("number"))
    shown = current or next((r for r in reversed(rounds) if r.started_at), None)
    _headed([*rounds, current, upcoming, shown])
    events = []
    if shown:
        recent = GameEvent.objects.filter(round=shown).select_related("seat", "voided_by")
        events = list(recent.order_by("-id")[:RECENT_EVENTS])
    levers_form = None
    if upcoming is not None and upcoming.status == GameRound.Status.PLANNED:
        levers_form = LeversForm(steps=list(upcoming.levers or []))
    seats = list(
        session.seats.filter(revoked=False).select_related("participant").order_by("joined_at")
    )
    station_names = _station_names(session, shown)
    for seat in seats:
        seat.station_names = [station_names.get(sid, sid) for sid in seat.stations or []]
    context = {
        "session": session,
        "rounds": [
            {"round": r, "levers": _steps_text(r.levers), "played": r.started_at is not None}
            for r in rounds
        ],
        "current": current,
        "upcoming": upcoming,
        "shown": shown,
        "timer": _timer(session, shown),
        "round_key": _round_key(current),
        "levers_form": levers_form,
        "prediction": _prediction_rows(session, upcoming),
        "events": events,
        "void_form": VoidForm(),
        "seats": seats,
        "station_names": station_names,
        "join_url": _join_url(request, session),
        "ws_path": _ws_path(session, "board"),
        "snapshot": _snapshot(session),
        "labels": _board_labels(session),
    }
    return render(request, "game/control.html", context)


def _station_names(session: GameSession, rnd: GameRound | None = None) -> dict[str, str]:
    """Station names in the page's language: the session's stations, and the round's (levers
    such as line balancing change the stations)."""
    lang = current_lang()
    try:
        names = services.session_scenario(session).station_names(lang)
        if rnd is not None:
            names.update(services.round_scenario(rnd).station_names(lang))
    except GameError:
        return {}
    return names


def _snapshot(session: GameSession, rnd: GameRound | None = None) -> dict[str, Any]:
    try:
        return protocol.board_snapshot(session, rnd=rnd)
    except GameError:
        return {}


def _round_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    session = _session(request, code)
    try:
        if action == "start":
            rnd = services.start_round(session)
            messages.success(request, _("Round %(n)d started.") % {"n": rnd.number})
        else:
            rnd_or_none = services.current_round(session)
            if rnd_or_none is None:
                raise GameError("no_round", _("No round is being played."))
            rnd = rnd_or_none
            if action == "pause":
                services.pause_round(rnd)
                messages.success(request, _("Round %(n)d paused.") % {"n": rnd.number})
            elif action == "resume":
                services.resume_round(rnd)
                messages.success(request, _("Round %(n)d resumed.") % {"n": rnd.number})
            else:
                services.end_round(rnd)
                messages.success(request, _("Round %(n)d ended.") % {"n": rnd.number})
    except GameError as err:
        messages.error(request, err.message)
    return _control(session, "round")


@require_POST
@role_required()
def start_round(request: HttpRequest, code: str) -> HttpResponse:
    return _round_action(request, code, "start")


@require_POST
@role_required()
def pause_round(request: HttpRequest, code: str) -> HttpResponse:
    return _round_action(request, code, "pause")


@require_POST
@role_required()
def resume_round(request: HttpRequest, code: str) -> HttpResponse:
    return _round_action(request, code, "resume")


@require_POST
@role_required()
def end_round(request: HttpRequest, code: str) -> HttpResponse:
    return _round_action(request, code, "end")


@require_POST
@role_required()
def round_levers(request: HttpRequest, code: str, number: int) -> HttpResponse:
    session = _session(request, code)
    rnd = _round(session, number)
    form = LeversForm(request.POST, steps=list(rnd.levers or []))
    if not form.is_valid():
        for field, errors in form.errors.items():
            lever = field.removeprefix("params_").removeprefix("use_")
            for error in errors:
                messages.error(request, f"{lever}: {error}")
        return _control(session, "levers")
    try:
        services.set_round_levers(rnd, form.steps())
    except GameError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("The levers of round %(n)d are saved.") % {"n": rnd.number})
        services.notify(session)
    return _control(session, "levers")


@require_POST
@role_required()
def round_predict(request: HttpRequest, code: str, number: int) -> HttpResponse:
    session = _session(request, code)
    rnd = _round(session, number)
    try:
        services.predict_round(rnd)
    except GameError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request, _("Round %(n)d simulated: the prediction is below.") % {"n": rnd.number}
        )
    return _control(session, "prediction")


@require_POST
@role_required()
def void_event(request: HttpRequest, code: str, event_id: int) -> HttpResponse:
    session = _session(request, code)
    event = get_object_or_404(GameEvent, session=session, pk=event_id)
    form = VoidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the event is voided."))
        return _control(session, "events")
    try:
        protocol.void_event(event, request.user, form.cleaned_data["reason"])
    except GameError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("Event voided."))
    return _control(session, "events")


# ---------------------------------------------------------------------------------------------
# The board


def _board_labels(session: GameSession) -> dict[str, str]:
    """Texts the board's and control page's scripts show, in the active language."""
    from processfactory.reports.labels import kpi_unit

    lang = _lang()
    time_unit, currency = _scenario_units(session)
    return {
        "unit_lead_time": kpi_unit("lead_time", lang, time_unit=time_unit, currency=currency),
        "unit_lp": kpi_unit("labour_productivity", lang, time_unit=time_unit, currency=currency),
        "planned": pgettext("round status", "planned"),
        "running": pgettext("round status", "running"),
        "paused": pgettext("round status", "paused"),
        "ended": pgettext("round status", "ended"),
        "no_round": _("no round is being played"),
        "round": _("Round %(n)s"),
        "online": _("live"),
        "offline": _("reconnecting…"),
        "working": _("working"),
        "down": _("stopped"),
        "blocked": _("blocked"),
        "starved": _("starved"),
        "idle": _("idle"),
        "queue": _("waiting"),
        "in_process": _("in process"),
        "outbox": _("done, to move"),
    }


@require_GET
@role_required()
def board(request: HttpRequest, code: str) -> HttpResponse:
    session = _session(request, code)
    join_url = _join_url(request, session)
    shown = services.show_round(session)
    return render(
        request,
        "game/board.html",
        {
            "session": session,
            "join_url": join_url,
            "qr": _qr_svg(join_url),
            "timer": _timer(session, shown),
            "ws_path": _ws_path(session, "board"),
            "snapshot": _snapshot(session, shown),
            "labels": _board_labels(session),
            "station_names": _station_names(session, shown),
        },
    )
