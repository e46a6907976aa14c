"""The debrief pages of a game: rounds compared, predicted vs actual, downloads, attendance and
the step-by-step replay of a round."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from processfactory.web.game import queries, results, services
from processfactory.web.game.forms import (
    current_lang,
)
from processfactory.web.game.models import GameRound, GameSession
from processfactory.web.game.services import GameError, finite_number
from processfactory.web.game.views import (
    _board_labels,
    _headed,
    _lang,
    _played_round,
    _scenario_units,
    _session,
    _station_names,
    _timer,
)
from processfactory.web.registry.permissions import role_required

ROUND_CHARTS = ("cumulative-flow", "wip", "control-chart", "lead-time")
"""Charts of each ended round on the debrief page (``processfactory.charts.CHARTS`` kinds)."""
EVENT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "xes": "application/xml; charset=utf-8",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        return format_number(shown_value(key, finite_number(value)), lang)

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
    for step, event in enumerate(queries.events(rnd.pk), start=1):
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
                    "seat": event.seat_name or "",
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
