"""The live game's pages (``docs/live-game.md``).

The trainer's pages (login and a role; a session only for those who may run it,
``services.can_run_session``): the list and the new-session form, the control page (rounds,
levers and prediction, seats, events and voiding), the projector board, the debrief with its
downloads (HTML report, XLSX workbook, each round's event log), the replay of a round, and
filling the training's attendance.

The participants' pages (no login): the code form, the join form, and the phone page of a
seat. The seat's token lives in the Django session (``game_seats[code]``), never in a page's
address the participant could share by accident; the phone page hands it to its websocket.

Every rule is in ``game.services``; these views only call it and show the answer. Live
figures reach the pages through the websockets (``game.consumers``): the pages render the
same snapshot once on the server (``board_snapshot`` / ``seat_view``) so they show something
before the socket opens.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from processfactory.web.game import protocol, results, services
from processfactory.web.game.forms import (
    CodeForm,
    JoinForm,
    LeversForm,
    SessionForm,
    VoidForm,
    current_lang,
    normalize_code,
)
from processfactory.web.game.models import GameEvent, GameRound, GameSession, Seat
from processfactory.web.game.services import GameError
from processfactory.web.registry.models import Participant, Registration
from processfactory.web.registry.permissions import deny_unless, role_required

PREDICTED_KPIS = ("labour_productivity", "throughput", "lead_time", "wip", "fpy")
"""The KPIs the control page shows of a round's prediction, in this order."""
RECENT_EVENTS = 30
ROUND_CHARTS = ("cumulative-flow", "wip", "control-chart", "lead-time")
"""Charts of each ended round on the debrief page (``processfactory.charts.CHARTS`` kinds)."""
EVENT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "xes": "application/xml; charset=utf-8",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEATS_KEY = "game_seats"


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


def _finite(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


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
        mean = _finite(entry.get("mean"))
        ci = entry.get("ci95") or [None, None]
        if isinstance(ci, list | tuple) and len(ci) == 2:
            low, high = _finite(ci[0]), _finite(ci[1])
    else:
        mean = _finite(entry)
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


def _expire(session: GameSession) -> None:
    """End the round being played if its clock ran out (as the websockets do on their tick)."""
    services.expire_round(services.current_round(session))


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
    _expire(session)
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


def _snapshot(session: GameSession) -> dict[str, Any]:
    try:
        return protocol.board_snapshot(session)
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
    _expire(session)
    join_url = _join_url(request, session)
    shown = services.shown_round(session)
    return render(
        request,
        "game/board.html",
        {
            "session": session,
            "join_url": join_url,
            "qr": _qr_svg(join_url),
            "timer": _timer(session, shown),
            "ws_path": _ws_path(session, "board"),
            "snapshot": _snapshot(session),
            "labels": _board_labels(session),
            "station_names": _station_names(session, shown),
        },
    )


# ---------------------------------------------------------------------------------------------
# The debrief


def _ended(session: GameSession) -> list[GameRound]:
    return list(session.rounds.filter(status=GameRound.Status.ENDED).order_by("number"))


def _kpi_table(comparison: Any, lang: Any) -> list[dict[str, Any]]:
    from processfactory.reports.labels import format_change, format_mean_ci
    from processfactory.reports.tables import kpi_rows

    out = []
    for row in kpi_rows(comparison, lang):
        scale = 100.0 if row.percent else 1.0

        def scaled(value: float | None, scale: float = scale) -> float | None:
            return None if value is None else value * scale

        out.append(
            {
                "key": row.key,
                "label": row.label,
                "unit": row.unit,
                "cells": [
                    {
                        "value": format_mean_ci(
                            scaled(cell.mean), scaled(cell.low), scaled(cell.high), lang
                        ),
                        "mean": cell.mean,
                        "change": format_change(cell.change, lang) if i else "",
                        "trend": row.trend(i),
                    }
                    for i, cell in enumerate(row.cells)
                ],
            }
        )
    return out


def _predicted_vs_actual(session: GameSession, lang: Any) -> list[dict[str, Any]]:
    from processfactory.reports.labels import (
        format_number,
        kpi_label,
        kpi_unit,
        round_heading,
        shown_value,
    )

    time_unit, currency = _scenario_units(session)

    def shown(key: str, value: Any) -> str:
        if isinstance(value, dict):
            value = value.get("mean")
        return format_number(shown_value(key, _finite(value)), lang)

    out = []
    for entry in results.predicted_vs_actual(session):
        out.append(
            {
                "number": entry["number"],
                "name": round_heading(entry["name"], entry["number"], lang),
                "kpis": [
                    {
                        "label": kpi_label(k["kpi"], lang),
                        "unit": kpi_unit(k["kpi"], lang, time_unit=time_unit, currency=currency),
                        "predicted": shown(k["kpi"], k.get("predicted")),
                        "actual": shown(k["kpi"], k.get("actual")),
                    }
                    for k in entry["kpis"]
                ],
            }
        )
    return out


def _chart_spec(chart: Any) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict(validate=False)
    return spec


def _round_charts(rnd: GameRound, lang: Any) -> list[dict[str, Any]]:
    from processfactory import charts
    from processfactory.charts.labels import label

    titles = {
        "cumulative-flow": "cfd.title",
        "wip": "wip.title",
        "control-chart": "cc.title",
        "lead-time": "lt.hist.title",
    }
    try:
        record = results.round_record(rnd)
        scenario = services.round_scenario(rnd)
    except GameError as err:
        return [{"id": f"r{rnd.number}-none", "title": "", "note": err.message}]
    out: list[dict[str, Any]] = []
    for kind in ROUND_CHARTS:
        chart_id = f"chart-r{rnd.number}-{kind}"
        title = label(titles[kind], lang)
        try:
            spec = _chart_spec(charts.CHARTS[kind].build(scenario, record, lang=lang))
        except (charts.ChartError, ValueError) as err:
            out.append({"id": chart_id, "title": title, "note": str(err)})
            continue
        out.append({"id": chart_id, "title": title, "spec": spec})
    return out


@require_GET
@role_required()
def debrief(request: HttpRequest, code: str) -> HttpResponse:
    session = _session(request, code)
    ended = _headed(_ended(session))
    lang = _lang()
    context: dict[str, Any] = {
        "session": session,
        "ended": ended,
        "kpi_rows": [],
        "round_names": [],
        "predicted": [],
        "overview": None,
        "round_charts": [],
        "problem": "",
    }
    if ended:
        try:
            comparison = results.debrief(session)
        except GameError as err:
            context["problem"] = err.message
        else:
            from processfactory.reports import round_charts
            from processfactory.reports.labels import round_heading

            context["kpi_rows"] = _kpi_table(comparison, lang)
            context["round_names"] = [
                {
                    "number": rnd.number,
                    "name": round_heading(result.name_in(lang), rnd.number, lang),
                }
                for rnd, result in zip(ended, comparison.rounds, strict=False)
            ]
            try:
                context["overview"] = _chart_spec(
                    round_charts.kpi_overview_chart(comparison, lang=lang)
                )
            except ValueError:
                context["overview"] = None
            context["predicted"] = _predicted_vs_actual(session, lang)
            context["round_charts"] = [
                {"round": rnd, "charts": _round_charts(rnd, lang)} for rnd in ended
            ]
    context["event_formats"] = list(EVENT_FORMATS)
    return render(request, "game/debrief.html", context)


def _comparison_or_404(session: GameSession) -> Any:
    if not _ended(session):
        raise Http404("no round has ended")
    try:
        return results.debrief(session)
    except GameError as err:
        raise Http404(err.message) from None


def _report_lang(request: HttpRequest) -> str:
    """The downloads' language: ``?lang=en|ru``, else the page's."""
    lang = request.GET.get("lang") or current_lang()
    return lang if lang in ("en", "ru") else "en"


def _attachment(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@role_required()
def debrief_html(request: HttpRequest, code: str) -> HttpResponse:
    from processfactory.reports.debrief import render_debrief_html

    session = _session(request, code)
    comparison = _comparison_or_404(session)
    lang = _report_lang(request)
    html = render_debrief_html(comparison, lang=lang, date=timezone.localdate())
    return _attachment(
        html.encode("utf-8"), "text/html; charset=utf-8", f"debrief-{session.code}.html"
    )


@require_GET
@role_required()
def debrief_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    from processfactory.reports import write_debrief_xlsx

    session = _session(request, code)
    comparison = _comparison_or_404(session)
    lang = _report_lang(request)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "debrief.xlsx"
        write_debrief_xlsx(comparison, path, lang=lang, date=timezone.localdate())
        body = path.read_bytes()
    return _attachment(body, XLSX, f"debrief-{session.code}.xlsx")


@require_GET
@role_required()
def round_events(request: HttpRequest, code: str, number: int, fmt: str) -> HttpResponse:
    from processfactory.eventlog import write_event_log

    if fmt not in EVENT_FORMATS:
        raise Http404("unknown format")
    session = _session(request, code)
    rnd = _played_round(session, number)
    frame = results.round_event_log(rnd)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"events.{fmt}"
        write_event_log(frame, path)
        body = path.read_bytes()
    return _attachment(body, EVENT_FORMATS[fmt], f"{session.code}-round-{rnd.number}-events.{fmt}")


@require_POST
@role_required()
def fill_attendance(request: HttpRequest, code: str) -> HttpResponse:
    session = _session(request, code)
    url = reverse("game:debrief", args=[session.code])
    if session.training_id is None:
        messages.error(request, _("This game is not linked to a training."))
        return redirect(url)
    try:
        marked = results.fill_attendance(session)
    except GameError as err:
        messages.error(request, err.message)
    else:
        messages.success(
            request,
            _("Attendance filled: %(n)d participants who played are marked present.")
            % {"n": marked},
        )
    return redirect(url)


# ---------------------------------------------------------------------------------------------
# The replay


def replay_frames(rnd: GameRound) -> list[dict[str, Any]]:
    """The board after each stored, not voided event of ``rnd`` (in the order stored), as
    ``{"step", "event", "board"}``; ``board`` has the shape of the board websocket's message.

    The first frame is the board before any event; online, a last frame shows the line at the
    round's clock (the computer's moves after the last tap). The line is rebuilt as the server
    rebuilds it after a restart: the round's scenario, then each event applied in order; an
    event the line refuses (it cannot happen after a voided one) is shown as skipped.
    """
    from processfactory.sim.live import LiveError
    from processfactory.web.game import live

    line = live.new_line(rnd)
    length = services.round_length(rnd)

    def board(clock: float) -> dict[str, Any]:
        return {
            "type": "board",
            "round": {
                "number": rnd.number,
                "name": rnd.name,
                "status": GameRound.Status.ENDED,
                "clock": clock,
                "length": length,
            },
            "snapshot": line.snapshot(),
        }

    frames: list[dict[str, Any]] = [{"step": 0, "event": None, "board": board(0.0)}]
    events = GameEvent.objects.filter(round=rnd, voided_at__isnull=True).select_related("seat")
    for step, event in enumerate(events.order_by("id"), start=1):
        skipped = ""
        try:
            line.apply(live.action_of(event))
        except LiveError as err:
            skipped = err.message
        frames.append(
            {
                "step": step,
                "event": {
                    "kind": event.kind,
                    "label": event.get_kind_display(),
                    "station": event.station,
                    "quantity": event.quantity,
                    "t": float(event.t),
                    "seat": event.seat.name if event.seat is not None else "",
                    "skipped": skipped,
                },
                "board": board(float(event.t)),
            }
        )
    end = services.round_clock(rnd)
    if rnd.session.mode == GameSession.Mode.ONLINE and end > line.time:
        line.advance(end)
        frames.append({"step": len(frames), "event": None, "board": board(end)})
    return frames


def _replay_labels(session: GameSession) -> dict[str, str]:
    return {
        **_board_labels(session),
        "before": _("Before the first event."),
        "after": _("The line at the end of the round."),
        "event": _("%(t)s: %(label)s at %(station)s (%(quantity)s) by %(seat)s"),
        "skipped": _("skipped: %(reason)s"),
    }


@require_GET
@role_required()
def round_replay(request: HttpRequest, code: str, number: int) -> HttpResponse:
    session = _session(request, code)
    rnd = _headed([_played_round(session, number)])[0]
    return render(
        request,
        "game/replay.html",
        {
            "session": session,
            "round": rnd,
            "frames": replay_frames(rnd),
            "timer": _timer(session, rnd),
            "labels": _replay_labels(session),
            "station_names": _station_names(session, rnd),
        },
    )


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
