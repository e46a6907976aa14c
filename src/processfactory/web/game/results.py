"""Results of played rounds, from the stored events through the same code as simulations:
event logs, run records, the debrief comparison, predicted vs actual, and attendance.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import polars as pl
from django.utils import translation
from django.utils.translation import gettext as _

from processfactory.eventlog.record import RunRecord
from processfactory.eventlog.schema import EVENT_SCHEMA
from processfactory.kpi import compute_kpis, summarize
from processfactory.rounds import (
    RoundPlan,
    RoundResult,
    RoundsComparison,
    load_factory,
)
from processfactory.scenario.loader import (
    ScenarioError,
)
from processfactory.sim.replications import SimulationResult
from processfactory.web.game import live
from processfactory.web.game.models import GameEvent, GameRound, GameSession, Seat
from processfactory.web.game.services import (
    UPLOADED_SCENARIO,
    GameError,
    finite_number,
    round_clock,
    round_scenario,
    seconds_per_time_unit,
    session_plan,
    session_scenario,
)
from processfactory.web.registry.models import Registration
from processfactory.web.registry.services import RegistryError, mark_attendance

log = logging.getLogger(__name__)

MAIN_KPIS = ("labour_productivity", "throughput", "lead_time", "wip", "fpy")
"""The KPIs :func:`predicted_vs_actual` compares."""

# ---------------------------------------------------------------------------------------------
# Results: event logs, run records, the debrief


def _final_time(rnd: GameRound) -> float | None:
    return None if rnd.status == GameRound.Status.PLANNED else round_clock(rnd)


def _voided_rows(rnd: GameRound) -> pl.DataFrame:
    events = list(
        GameEvent.objects.filter(round=rnd, voided_at__isnull=False)
        .select_related("seat")
        .order_by("id")
    )
    base = live.base_time(rnd)
    spt = seconds_per_time_unit(rnd.session)
    rows = {
        "case:concept:name": [str(ev.units[0]) if ev.units else "-1" for ev in events],
        "concept:name": [ev.station for ev in events],
        "lifecycle:transition": [
            "start" if ev.kind == GameEvent.Kind.START else "complete" for ev in events
        ],
        "time:timestamp": [base + timedelta(seconds=float(ev.t) * spt) for ev in events],
        "time": [float(ev.t) for ev in events],
        "station": [ev.station for ev in events],
        "org:resource": [ev.seat.name if ev.seat is not None else None for ev in events],
        "round": [rnd.number for _ev in events],
        "voided": [True for _ev in events],
    }
    return pl.DataFrame(rows, schema=EVENT_SCHEMA)


def round_event_log(rnd: GameRound) -> pl.DataFrame:
    """The round's event log (``processfactory.eventlog`` schema): the line replayed from the
    non-voided events, automatic events included, plus each voided event as a row with
    ``voided`` true (activity: its station; ``start`` or ``complete``; case: its first unit)."""
    log_df = live.read(rnd, _final_time(rnd), lambda line: line.event_log())
    log_df = log_df.select(list(EVENT_SCHEMA)).cast(EVENT_SCHEMA)  # type: ignore[arg-type]
    voided = _voided_rows(rnd)
    if voided.height == 0:
        return log_df
    return pl.concat([log_df, voided], how="vertical").sort("time", maintain_order=True)


def round_record(rnd: GameRound) -> RunRecord:
    """The round's run record (what KPIs and charts read), from its line at the round's end
    (or at the clock, while it is played)."""
    return live.read(rnd, _final_time(rnd), lambda line: line.record())


def _ended_rounds(session: GameSession) -> list[GameRound]:
    return list(session.rounds.filter(status=GameRound.Status.ENDED).order_by("number"))


def debrief(session: GameSession) -> RoundsComparison:
    """The ended rounds as a :class:`RoundsComparison` of one measured run each, for the
    debrief report (``processfactory.reports.write_debrief_html`` / ``write_debrief_xlsx``)."""
    rounds = _ended_rounds(session)
    lang = session.language
    try:
        plan = session_plan(session)
        descriptions = [r.description_in(lang) for r in plan.rounds]
        plan_text = plan.description
    except GameError:
        descriptions, plan_text = [], ""
    results: list[RoundResult] = []
    applied: list[str] = []
    for rnd in rounds:
        scenario = round_scenario(rnd)
        record = round_record(rnd)
        kpis = compute_kpis(record)
        levers = [str(step.get("lever", "")) for step in rnd.levers or []]
        applied += levers
        description = descriptions[rnd.number - 1] if rnd.number <= len(descriptions) else ""
        results.append(
            RoundResult(
                name=rnd.name,
                description=description,
                levers=levers,
                applied=list(applied),
                scenario=scenario,
                result=SimulationResult(
                    scenario=scenario,
                    replications=1,
                    seed=session.seed + rnd.number,
                    kpi=summarize([kpis]),
                    kpis=[kpis],
                    records=[record],
                ),
            )
        )
    played_plan = None
    if rounds:
        played_plan = RoundPlan.model_validate(
            {
                "description": plan_text,
                "rounds": [
                    {"name": r.name, "levers": [dict(s) for s in r.levers or []]} for r in rounds
                ],
            }
        )
    notes: dict[str, str] = {}
    if session.factory:
        try:
            notes = load_factory(session.factory).notes
        except ScenarioError:  # pragma: no cover - a built-in factory that went away
            notes = {}
    scenario = session_scenario(session)
    return RoundsComparison(
        factory=session.factory or session.title,
        title=scenario.name,
        notes=notes,
        rounds=results,
        plan=played_plan,
        replications=1,
        seed=session.seed,
        source=session.factory or UPLOADED_SCENARIO,
    )


def predicted_vs_actual(session: GameSession) -> list[dict[str, Any]]:
    """Per ended round, the main KPIs predicted (the mean of the prediction) and measured."""
    out = []
    for rnd in _ended_rounds(session):
        actual = compute_kpis(round_record(rnd))
        prediction = rnd.prediction or {}
        rows = []
        for kpi in MAIN_KPIS:
            predicted = prediction.get(kpi)
            mean = predicted.get("mean") if isinstance(predicted, Mapping) else None
            rows.append(
                {
                    "kpi": kpi,
                    "predicted": finite_number(mean),
                    "actual": finite_number(actual.get(kpi)),
                }
            )
        out.append({"number": rnd.number, "name": rnd.name, "kpis": rows})
    return out


def fill_attendance(session: GameSession) -> int:
    """Mark as attended the registered participants of the session's training whose seat
    recorded at least one event; returns how many were marked."""
    with translation.override(session.language):
        training = session.training
        if training is None:
            raise GameError("no_training", _("This game session is not linked to a training."))
        played = (
            Seat.objects.filter(session=session, participant__isnull=False, events__isnull=False)
            .values_list("participant_id", flat=True)
            .distinct()
        )
        registrations = Registration.objects.filter(
            training=training,
            participant_id__in=list(played),
            status=Registration.Status.REGISTERED,
        ).values_list("pk", flat=True)
        marks = {pk: True for pk in registrations}
        if not marks:
            return 0
        try:
            return mark_attendance(training, marks)
        except RegistryError as err:
            raise GameError("attendance", err.message) from None


__all__ = [
    "MAIN_KPIS",
    "debrief",
    "fill_attendance",
    "predicted_vs_actual",
    "round_event_log",
    "round_record",
]
