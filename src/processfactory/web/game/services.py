"""What may happen in a live game, as functions: views, consumers and the admin call these.

See ``docs/live-game.md``. A session is created from a built-in factory or an uploaded scenario
with its round plan; people join with the code and get a seat; the trainer starts, pauses,
resumes and ends rounds; every tap arrives through :func:`record_event`, which validates it
against the round's line replayed from the database and stores it in the same transaction
before it is acknowledged. Results (event logs, run records, the debrief) come from the stored
events through the same code as simulations.

A refused action raises :class:`GameError` whose ``message`` is translated and ready to show;
the websocket protocol's refusals are reply dicts instead (``{"type": "refused", ...}``).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydantic import ValidationError

from processfactory.levers import LeverError, get_lever
from processfactory.rounds import (
    LeverStep,
    RoundPlan,
    load_factory,
    parse_round_plan,
    round_scenarios,
)
from processfactory.scenario.loader import (
    SCENARIO_FILE,
    ScenarioError,
    dump_scenario,
    library_names,
    library_round_plan,
    parse_scenario,
)
from processfactory.scenario.model import Scenario
from processfactory.sim.replications import simulate
from processfactory.web.game import live
from processfactory.web.game.models import GameRound, GameSession, Seat
from processfactory.web.registry.models import Registration, Training
from processfactory.web.registry.permissions import (
    can_manage_training,
    can_mark_attendance,
    has_any_role,
    is_coordinator,
    trainings_for,
)

log = logging.getLogger(__name__)

PLAN_FILE = "rounds.yaml"
UPLOADED_SCENARIO = "scenario.yaml"

ACTIVE = (GameRound.Status.RUNNING, GameRound.Status.PAUSED)


class GameError(Exception):
    """A refused game action: ``code`` says what (for programs), ``message`` why (translated)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------------
# Who may run a session


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def sessions_for(user: Any) -> QuerySet[GameSession]:
    """The sessions ``user`` may see and run: all for the coordinator; else those they created
    and those of trainings they manage (``can_manage_training``)."""
    if is_coordinator(user):
        return GameSession.objects.all()
    if not _active(user):
        return GameSession.objects.none()
    managed = trainings_for(user).filter(factory__managers=user).values("pk")
    return GameSession.objects.filter(Q(created_by=user) | Q(training__in=managed)).distinct()


def can_run_session(user: Any, session: GameSession) -> bool:
    if not _active(user):
        return False
    if is_coordinator(user) or session.created_by_id == user.pk:
        return True
    training = session.training
    return training is not None and can_manage_training(user, training)


# ---------------------------------------------------------------------------------------------
# Scenarios


@functools.lru_cache(maxsize=64)
def _parsed_scenario(text: str, source: str) -> Scenario:
    return parse_scenario(text, source=source)


@functools.lru_cache(maxsize=32)
def _parsed_plan(text: str, source: str) -> RoundPlan:
    return parse_round_plan(text, source=source)


def _scenario_source(session: GameSession) -> str:
    return f"{session.factory}/{SCENARIO_FILE}" if session.factory else UPLOADED_SCENARIO


def _plan_source(session: GameSession) -> str:
    return f"{session.factory}/{PLAN_FILE}" if session.factory else PLAN_FILE


def _problems_error(err: ScenarioError) -> GameError:
    return GameError(
        "bad_yaml",
        _("The scenario or the round plan has problems:") + "\n" + str(err),
    )


def session_scenario(session: GameSession) -> Scenario:
    """The session's scenario as created (no lever applied)."""
    try:
        return _parsed_scenario(session.scenario_yaml, _scenario_source(session))
    except ScenarioError as err:
        raise _problems_error(err) from None


def session_plan(session: GameSession) -> RoundPlan:
    """The round plan the session was created with."""
    try:
        return _parsed_plan(session.plan_yaml, _plan_source(session))
    except ScenarioError as err:
        raise _problems_error(err) from None


def _with_levers(scenario: Scenario, steps: Sequence[Mapping[str, Any]], number: int) -> Scenario:
    for step in steps:
        name = str(step.get("lever", ""))
        try:
            scenario = get_lever(name)(scenario, dict(step.get("params") or {}))
        except LeverError as err:
            raise GameError(
                "bad_lever",
                _("Lever “%(lever)s” cannot be applied in round %(number)d: %(problem)s")
                % {"lever": name, "number": number, "problem": err},
            ) from None
    return scenario


def _with_round_length(scenario: Scenario, length: float) -> Scenario:
    run = scenario.run.model_copy(update={"duration": float(length), "units": None})
    return scenario.model_copy(update={"run": run})


def seconds_per_time_unit(session: GameSession) -> float:
    return session_scenario(session).seconds_per_time_unit


def round_length(rnd: GameRound) -> float:
    """The round's length in the scenario's time unit (``round_minutes`` of the game clock)."""
    session = rnd.session
    return float(session.round_minutes) * 60.0 / seconds_per_time_unit(session)


def _cumulative_scenario(rnd: GameRound, levers: Sequence[Mapping[str, Any]]) -> Scenario:
    """The session's scenario with the levers of the earlier rounds and then ``levers``."""
    session = rnd.session
    scenario = session_scenario(session)
    earlier = session.rounds.filter(number__lt=rnd.number).order_by("number")
    for before in earlier:
        scenario = _with_levers(scenario, before.levers or [], before.number)
    return _with_levers(scenario, levers, rnd.number)


def round_scenario(rnd: GameRound) -> Scenario:
    """The round's scenario: frozen when it started; before that the session's scenario with
    the levers of rounds 1..``rnd.number`` applied in order, run for the round's length."""
    if rnd.scenario_yaml:
        try:
            return _parsed_scenario(rnd.scenario_yaml, f"round {rnd.number}")
        except ScenarioError as err:
            raise _problems_error(err) from None
    scenario = _cumulative_scenario(rnd, rnd.levers or [])
    return _with_round_length(scenario, round_length(rnd))


def round_station_ids(rnd: GameRound) -> list[str]:
    return [st.id for st in round_scenario(rnd).stations]


def session_station_ids(session: GameSession) -> list[str]:
    """Every station id of any round of the session, in order of first appearance (levers such
    as line balancing change the stations from round to round)."""
    seen: dict[str, None] = {st.id: None for st in session_scenario(session).stations}
    for rnd in session.rounds.order_by("number"):
        for sid in round_station_ids(rnd):
            seen.setdefault(sid, None)
    return list(seen)


def station_label(scenario: Scenario, station: str) -> str:
    """A station's display name in the active language (the id when it is not a station)."""
    if any(st.id == station for st in scenario.stations):
        return scenario.station_name(station, translation.get_language() or "en")
    return station


# ---------------------------------------------------------------------------------------------
# Creating a session


def finite_number(value: Any) -> float | None:
    """``value`` as a float when it is a finite int or float (not a bool), else None: a number
    a client sent, or a KPI that may be NaN, made safe for JSON and display."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _positive(value: Any) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and number > 0


def _factory_names() -> list[str]:
    return [name for name in library_names() if library_round_plan(name) is not None]


def create_session(
    user: Any,
    *,
    title: str,
    mode: str,
    round_minutes: float,
    speed: float = 1.0,
    training: Training | None = None,
    factory: str = "",
    scenario_yaml: str = "",
    plan_yaml: str = "",
    language: str = "ru",
    seed: int = 0,
) -> GameSession:
    """A new session with its rounds (1..n from the plan, names in the session's language).

    The scenario is a built-in ``factory`` (a name with a round plan, e.g. ``assembly``) or an
    uploaded ``scenario_yaml`` with its ``plan_yaml``, validated by the core loaders: the
    problems, located by file, line and field, are the ``bad_yaml`` error's message.
    """
    if not has_any_role(user):
        raise GameError("forbidden", _("You may not create game sessions."))
    if training is not None and not can_mark_attendance(user, training):
        raise GameError("forbidden", _("You may not create a game for this training."))
    title = (title or "").strip()
    if not title:
        raise GameError("bad_title", _("Give the session a title."))
    if mode not in GameSession.Mode.values:
        raise GameError("bad_mode", _("The mode is floor or online."))
    if not _positive(round_minutes):
        raise GameError("bad_round_length", _("The round length must be a positive number."))
    if not _positive(speed):
        raise GameError("bad_speed", _("The speed must be a positive number."))
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise GameError("bad_seed", _("The seed is a whole number, 0 or more."))
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise GameError(
            "bad_language", _("Unknown language: %(language)s.") % {"language": language}
        )
    factory = (factory or "").strip()
    uploaded = bool((scenario_yaml or "").strip() or (plan_yaml or "").strip())
    if factory and uploaded:
        raise GameError(
            "bad_source",
            _("Choose a built-in factory or upload a scenario with its round plan, not both."),
        )
    if factory:
        if factory not in _factory_names():
            raise GameError(
                "unknown_factory",
                _("There is no built-in factory “%(factory)s” with a round plan.")
                % {"factory": factory},
            )
        try:
            loaded = load_factory(factory)
        except ScenarioError as err:  # pragma: no cover - the built-in factories are tested
            raise _problems_error(err) from None
        plan_path = library_round_plan(factory)
        assert plan_path is not None
        folder = plan_path.parent
        scenario_text = (folder / SCENARIO_FILE).read_text(encoding="utf-8")
        plan_text = plan_path.read_text(encoding="utf-8")
        plan = loaded.plan
    else:
        if not (scenario_yaml or "").strip() or not (plan_yaml or "").strip():
            raise GameError(
                "bad_source",
                _("Choose a built-in factory, or upload a scenario together with its round plan."),
            )
        scenario_text, plan_text = scenario_yaml, plan_yaml
        plan = _validated_upload(scenario_text, plan_text)
    with transaction.atomic():
        session = GameSession.objects.create(
            title=title,
            training=training,
            factory=factory,
            scenario_yaml=scenario_text,
            plan_yaml=plan_text,
            mode=mode,
            round_minutes=float(round_minutes),
            speed=float(speed) if mode == GameSession.Mode.ONLINE else 1.0,
            seed=seed,
            language=language,
            created_by=user,
        )
        for number, rnd in enumerate(plan.rounds, start=1):
            GameRound.objects.create(
                session=session,
                number=number,
                name=rnd.name_in(language)[:200],
                levers=[{"lever": s.lever, "params": _json_safe(s.params)} for s in rnd.levers],
            )
    return session


def _json_safe(params: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(dict(params), default=str))
    return result


def _validated_upload(scenario_text: str, plan_text: str) -> RoundPlan:
    """The uploaded plan, after checking both files and that every lever fits the scenario."""
    problems = []
    scenario: Scenario | None = None
    plan: RoundPlan | None = None
    try:
        scenario = parse_scenario(scenario_text, source=UPLOADED_SCENARIO)
    except ScenarioError as err:
        problems += err.problems
    try:
        plan = parse_round_plan(plan_text, source=PLAN_FILE)
    except ScenarioError as err:
        problems += err.problems
    if problems or scenario is None or plan is None:
        raise _problems_error(ScenarioError(problems))
    try:
        round_scenarios(scenario, plan)
    except ScenarioError as err:
        raise _problems_error(err) from None
    return plan


# ---------------------------------------------------------------------------------------------
# Levers and predictions of planned rounds


def set_round_levers(rnd: GameRound, steps: Sequence[Any]) -> GameRound:
    """Replace a planned round's levers (``[{"lever": name, "params": {...}}]``, or lever names).

    Checks each lever's name and parameters, and that this round and the later ones can still
    be applied to the scenario. Clears the prediction of this round and of the later planned
    rounds (they build on this one).
    """
    rnd.refresh_from_db()
    if rnd.status != GameRound.Status.PLANNED:
        raise GameError("round_not_planned", _("Only a planned round's levers can be changed."))
    normalized: list[dict[str, Any]] = []
    for raw in steps:
        try:
            step = LeverStep.model_validate(raw)
        except ValidationError:
            raise GameError(
                "bad_lever", _("A lever is given by its name and its parameters.")
            ) from None
        try:
            get_lever(step.lever).parse_params(step.params)
        except LeverError as err:
            raise GameError(
                "bad_lever",
                _("Lever “%(lever)s”: %(problem)s") % {"lever": step.lever, "problem": err},
            ) from None
        normalized.append({"lever": step.lever, "params": _json_safe(step.params)})
    scenario = _cumulative_scenario(rnd, normalized)
    later = list(rnd.session.rounds.filter(number__gt=rnd.number).order_by("number"))
    for after in later:
        scenario = _with_levers(scenario, after.levers or [], after.number)
    with transaction.atomic():
        locked = GameRound.objects.select_for_update().get(pk=rnd.pk)
        if locked.status != GameRound.Status.PLANNED:
            raise GameError("round_not_planned", _("Only a planned round's levers can be changed."))
        locked.levers = normalized
        locked.prediction = None
        locked.save(update_fields=["levers", "prediction"])
        GameRound.objects.filter(
            session=rnd.session, number__gt=rnd.number, status=GameRound.Status.PLANNED
        ).update(prediction=None)
    rnd.refresh_from_db()
    return rnd


def predict_round(
    rnd: GameRound, replications: int = 20, seed: int | None = None
) -> dict[str, Any]:
    """Simulate the round's scenario (``replications`` runs; seed: the session's + the round's
    number) and store its KPIs (``simulate --json``'s ``kpi``) as the round's prediction."""
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise GameError("bad_replications", _("Simulate at least one replication."))
    session = rnd.session
    scenario = round_scenario(rnd)
    run_seed = session.seed + rnd.number if seed is None else seed
    result = simulate(scenario, replications, run_seed, keep_records=False, workers=1)
    rnd.prediction = result.kpi
    rnd.save(update_fields=["prediction"])
    return result.kpi


# ---------------------------------------------------------------------------------------------
# Joining


def session_by_code(code: str) -> GameSession | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return GameSession.objects.filter(code=code).select_related("training").first()


def join_session(
    code: str,
    *,
    name: str,
    role: str,
    stations: Sequence[str] = (),
    participant_id: int | None = None,
) -> Seat:
    """A new seat in the session with this code (any case).

    An operator takes at least one station; in online mode a station has one operator. Other
    roles take no station (their rights cover every station). ``participant_id`` links the seat
    to a participant registered in the session's training (attendance).
    """
    session = session_by_code(code)
    if session is None:
        raise GameError("unknown_code", _("No game session has this code."))
    with translation.override(session.language):
        return _join(
            session, name=name, role=role, stations=stations, participant_id=participant_id
        )


def _join(
    session: GameSession,
    *,
    name: str,
    role: str,
    stations: Sequence[str],
    participant_id: int | None,
) -> Seat:
    if session.status == GameSession.Status.FINISHED:
        raise GameError("finished", _("This game session has finished."))
    name = (name or "").strip()
    if not name:
        raise GameError("bad_name", _("Enter your name."))
    if role not in Seat.Role.values:
        raise GameError("bad_role", _("Choose one of the roles."))
    chosen: list[str] = []
    if role == Seat.Role.OPERATOR:
        chosen = list(dict.fromkeys(str(s) for s in stations))
        if not chosen:
            raise GameError("no_station", _("A station operator takes at least one station."))
        known = set(session_station_ids(session))
        for station in chosen:
            if station not in known:
                raise GameError(
                    "bad_station",
                    _("There is no station “%(station)s” in this game.") % {"station": station},
                )
    participant = None
    if participant_id is not None:
        registration = (
            Registration.objects.filter(
                training_id=session.training_id,
                participant_id=participant_id,
                status=Registration.Status.REGISTERED,
            )
            .select_related("participant")
            .first()
            if session.training_id is not None
            else None
        )
        if registration is None:
            raise GameError(
                "bad_participant",
                _("This participant is not registered for the training of this game."),
            )
        participant = registration.participant
    with transaction.atomic():
        locked = GameSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == GameSession.Status.FINISHED:
            raise GameError("finished", _("This game session has finished."))
        if role == Seat.Role.OPERATOR and locked.mode == GameSession.Mode.ONLINE:
            others = locked.seats.filter(role=Seat.Role.OPERATOR, revoked=False)
            for other in others:
                taken = set(other.stations or []) & set(chosen)
                if taken:
                    raise GameError(
                        "station_taken",
                        _("Station “%(station)s” is already taken by %(name)s.")
                        % {
                            "station": station_label(session_scenario(locked), min(taken)),
                            "name": other.name,
                        },
                    )
        return Seat.objects.create(
            session=locked,
            name=name[:120],
            role=role,
            stations=chosen,
            participant=participant,
        )


# ---------------------------------------------------------------------------------------------
# Rounds: start, pause, resume, end, and the clock


def current_round(session: GameSession) -> GameRound | None:
    """The round being played (running or paused), if any."""
    return session.rounds.filter(status__in=ACTIVE).order_by("number").first()


def next_round(session: GameSession) -> GameRound | None:
    """The first planned round, if any."""
    return session.rounds.filter(status=GameRound.Status.PLANNED).order_by("number").first()


def last_ended_round(session: GameSession) -> GameRound | None:
    return session.rounds.filter(status=GameRound.Status.ENDED).order_by("-number").first()


def shown_round(session: GameSession) -> GameRound | None:
    """The round the board and the phones show: the one being played, else the last ended one,
    else the first planned one."""
    return current_round(session) or last_ended_round(session) or next_round(session)


def _speed(session: GameSession) -> float:
    return float(session.speed) if session.mode == GameSession.Mode.ONLINE else 1.0


def round_clock(rnd: GameRound, now: datetime | None = None) -> float:
    """The round's clock in the scenario's time unit: running wall seconds (pauses excluded)
    × speed (online; 1 on the floor), never past the round's length."""
    session = rnd.session
    clock = rnd.running_seconds(now) * _speed(session) / seconds_per_time_unit(session)
    return min(clock, round_length(rnd))


def _expiry(rnd: GameRound) -> datetime | None:
    """The wall moment a running round's clock reaches its length."""
    if rnd.started_at is None:
        return None
    real_seconds = float(rnd.session.round_minutes) * 60.0 / _speed(rnd.session)
    return rnd.started_at + timedelta(seconds=rnd.paused_seconds + real_seconds)


def locked_round(rnd: GameRound) -> GameRound:
    """The round re-read and its row locked (only its row: the session is locked first, where
    it is locked at all, so two transactions never wait for each other)."""
    return (
        GameRound.objects.select_for_update(of=("self",)).select_related("session").get(pk=rnd.pk)
    )


def _refresh(rnd: GameRound) -> GameRound:
    rnd.refresh_from_db()
    rnd.session.refresh_from_db()
    return rnd


def start_round(session: GameSession, *, now: datetime | None = None) -> GameRound:
    """Start the next planned round: freeze its scenario (and, online, the stations people
    operate) and start its clock. Refused while a round is being played or none is left."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = GameSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == GameSession.Status.FINISHED:
            raise GameError("finished", _("This game session has finished."))
        playing = current_round(locked)
        if playing is not None:
            raise GameError(
                "round_in_progress",
                _("Round %(number)d is still being played: end it first.")
                % {"number": playing.number},
            )
        planned = next_round(locked)
        if planned is None:
            raise GameError("no_round_planned", _("No round is left to play."))
        rnd = locked_round(planned)
        scenario = round_scenario(rnd)
        frozen = dump_scenario(scenario)
        try:
            parse_scenario(frozen, source=f"round {rnd.number}")
        except ScenarioError as err:
            raise _problems_error(err) from None
        rnd.scenario_yaml = frozen
        if locked.mode == GameSession.Mode.ONLINE:
            ids = {st.id for st in scenario.stations}
            rnd.human_stations = [s for s in live.operator_stations(locked) if s in ids]
        else:
            rnd.human_stations = []
        rnd.status = GameRound.Status.RUNNING
        rnd.started_at = now
        rnd.paused_at = None
        rnd.paused_seconds = 0.0
        rnd.ended_at = None
        rnd.save()
        transaction.on_commit(functools.partial(notify, locked))
    live.drop(rnd.pk)
    session.refresh_from_db()
    return _refresh(rnd)


def pause_round(rnd: GameRound, *, now: datetime | None = None) -> GameRound:
    """Stop a running round's clock."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = locked_round(rnd)
        if locked.status != GameRound.Status.RUNNING:
            raise GameError("round_not_running", _("The round is not running."))
        expiry = _expiry(locked)
        locked.paused_at = min(now, expiry) if expiry is not None else now
        locked.status = GameRound.Status.PAUSED
        locked.save(update_fields=["paused_at", "status"])
        transaction.on_commit(functools.partial(notify, locked.session))
    return _refresh(rnd)


def resume_round(rnd: GameRound, *, now: datetime | None = None) -> GameRound:
    """Start a paused round's clock again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = locked_round(rnd)
        if locked.status != GameRound.Status.PAUSED:
            raise GameError("round_not_paused", _("The round is not paused."))
        if locked.paused_at is not None:
            locked.paused_seconds += max(0.0, (now - locked.paused_at).total_seconds())
        locked.paused_at = None
        locked.status = GameRound.Status.RUNNING
        locked.save(update_fields=["paused_at", "paused_seconds", "status"])
        transaction.on_commit(functools.partial(notify, locked.session))
    return _refresh(rnd)


def end_round(rnd: GameRound, *, now: datetime | None = None) -> GameRound:
    """End a running or paused round (at the moment its clock reached the length, if that was
    earlier); the session is finished when no planned round is left."""
    now = now or timezone.now()
    with transaction.atomic():
        # the session first, then the round: the order start_round locks them in
        session = GameSession.objects.select_for_update().get(pk=rnd.session_id)
        locked = locked_round(rnd)
        if locked.status not in ACTIVE:
            raise GameError("round_not_active", _("The round is not being played."))
        if locked.status == GameRound.Status.PAUSED and locked.paused_at is not None:
            locked.paused_seconds += max(0.0, (now - locked.paused_at).total_seconds())
            locked.paused_at = None
            locked.ended_at = now
        else:
            expiry = _expiry(locked)
            locked.ended_at = min(now, expiry) if expiry is not None else now
        locked.status = GameRound.Status.ENDED
        locked.save(update_fields=["paused_at", "paused_seconds", "ended_at", "status"])
        if not session.rounds.filter(status=GameRound.Status.PLANNED).exists():
            session.status = GameSession.Status.FINISHED
            session.save(update_fields=["status"])
        transaction.on_commit(functools.partial(notify, session))
    return _refresh(rnd)


def expire_round(rnd: GameRound | None, now: datetime | None = None) -> bool:
    """End a running round whose clock reached its length; True when it did."""
    if rnd is None or rnd.status != GameRound.Status.RUNNING:
        return False
    if round_clock(rnd, now) < round_length(rnd) - 1e-9:
        return False
    try:
        end_round(rnd, now=now)
    except GameError:  # another request ended or paused it first
        _refresh(rnd)
        return False
    return True


def expire_current_round(session: GameSession, now: datetime | None = None) -> bool:
    """End the session's running round if its clock ran out (pages and sockets call this as
    they show the round); True when it did."""
    return expire_round(current_round(session), now)


def show_round(session: GameSession, now: datetime | None = None) -> GameRound | None:
    """The round to show now (:func:`shown_round`), a running round whose clock ran out ended
    first (what :func:`expire_current_round` then :func:`shown_round` give, read once)."""
    rnd = shown_round(session)
    if expire_round(rnd, now):
        rnd = shown_round(session)
    return rnd


# ---------------------------------------------------------------------------------------------
# Telling the connected phones and boards


def group_name(code: str) -> str:
    """The channel group of a session's websockets."""
    return f"game.{code.upper()}"


def notify(session: GameSession) -> None:
    """Tell every phone and board of the session to refresh now (``game.changed``). Safe from
    sync code, also inside an event loop's thread; a failing channel layer is only logged."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "game.changed", "code": session.code}
    group = group_name(session.code)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:  # noqa: BLE001 - the game goes on; the phones refresh on their tick
            log.exception("could not notify the game session %s", session.code)
        return
    task = asyncio.ensure_future(layer.group_send(group, message))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


_pending: set[asyncio.Future[Any]] = set()


__all__ = [
    "GameError",
    "can_run_session",
    "create_session",
    "current_round",
    "end_round",
    "expire_current_round",
    "show_round",
    "finite_number",
    "expire_round",
    "group_name",
    "join_session",
    "last_ended_round",
    "next_round",
    "notify",
    "pause_round",
    "predict_round",
    "resume_round",
    "round_clock",
    "round_length",
    "round_scenario",
    "session_plan",
    "session_scenario",
    "session_station_ids",
    "sessions_for",
    "set_round_levers",
    "shown_round",
    "start_round",
]
