"""The live game's services: sessions, joining, the round clock, events, voiding and results."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db.models import F

from processfactory.reports import render_debrief_html, write_debrief_xlsx
from processfactory.rounds import RoundsComparison
from processfactory.web.game import live
from processfactory.web.game.models import GameEvent, GameRound, GameSession, Seat
from processfactory.web.game.protocol import (
    ROLE_KINDS,
    board_snapshot,
    record_event,
    seat_view,
    void_event,
)
from processfactory.web.game.results import (
    debrief,
    fill_attendance,
    predicted_vs_actual,
    round_event_log,
    round_record,
)
from processfactory.web.game.services import (
    GameError,
    can_run_session,
    create_session,
    current_round,
    end_round,
    expire_round,
    join_session,
    next_round,
    pause_round,
    predict_round,
    resume_round,
    round_clock,
    round_length,
    round_scenario,
    session_scenario,
    sessions_for,
    set_round_levers,
    start_round,
)
from processfactory.web.registry.models import Registration, Training
from processfactory.web.registry.services import confirm_training, register
from web.base import ON_TRAINING_DAY, fill_training, make_participant
from web.game.conftest import LINE_YAML, PLAN_YAML, T0, at, event

# ---------------------------------------------------------------------------------------------
# Helpers


def _round(session: GameSession, number: int) -> GameRound:
    return session.rounds.get(number=number)


def _send(seat: Seat, message: Any, seconds: float) -> dict[str, Any]:
    return record_event(seat.session.code, seat.token, message, now=at(seconds))


def _acked(seat: Seat, kind: str, station: str, seconds: float) -> dict[str, Any]:
    reply = _send(seat, event(kind, station), seconds)
    assert reply["type"] == "ack", reply
    return reply


def _make_unit(seat: Seat, start: float, packing: float = 30) -> None:
    """One unit through the two-bench line, from ``start`` (wall seconds after T0)."""
    _acked(seat, "start", "cut", start)
    _acked(seat, "done", "cut", start + 60)
    _acked(seat, "start", "pack", start + 70)
    _acked(seat, "done", "pack", start + 70 + packing)


def _finished(session: GameSession, seconds: float) -> int:
    snapshot = board_snapshot(session, now=at(seconds))["snapshot"]
    return int(snapshot["finished"])


# ---------------------------------------------------------------------------------------------
# Creating sessions


def test_it_creates_a_session_of_a_builtin_factory(manager_a: User) -> None:
    session = create_session(
        manager_a,
        title="Lamps",
        mode="online",
        round_minutes=30,
        speed=5,
        factory="assembly",
        language="ru",
    )
    rounds = list(session.rounds.order_by("number"))
    assert [r.number for r in rounds] == [1, 2, 3, 4, 5]
    assert rounds[0].name == "Раунд 1: как есть"
    assert rounds[0].levers == []
    assert rounds[1].levers == [
        {"lever": "five_s", "params": {}},
        {"lever": "standard_work", "params": {}},
    ]
    balancing = rounds[3].levers[2]
    assert balancing["lever"] == "line_balancing" and balancing["params"]["takt"] == 46
    assert session.factory == "assembly" and session.status == GameSession.Status.OPEN
    assert len(session.code) == 6
    first = round_scenario(rounds[0])
    assert first.run.duration == 1800 and first.run.units is None  # 30 min in seconds
    # line balancing leaves the shade bench out from round 4 on
    assert "shade" not in [st.id for st in round_scenario(rounds[3]).stations]


def test_it_creates_a_session_of_an_uploaded_scenario(floor_session: GameSession) -> None:
    assert floor_session.factory == "" and floor_session.speed == 1.0
    first, second = floor_session.rounds.order_by("number")
    assert (first.name, second.name) == ("Раунд 1: как есть", "Раунд 2: 5S")
    assert second.levers == [{"lever": "five_s", "params": {}}]
    assert round_length(first) == 10.0  # minutes: the scenario's time unit
    plain, improved = round_scenario(first), round_scenario(second)
    assert plain.stations == session_scenario(floor_session).stations
    assert improved.stations != plain.stations  # 5S shortened the operations
    assert improved.run.duration == 10.0


def test_it_reports_a_broken_scenario_with_its_lines(manager_a: User) -> None:
    broken = LINE_YAML.replace("time: 1.0}", "time: 1.0, colour: red}")
    with pytest.raises(GameError) as caught:
        create_session(
            manager_a,
            title="Broken",
            mode="floor",
            round_minutes=10,
            scenario_yaml=broken,
            plan_yaml=PLAN_YAML.replace("five_s", "five_ss"),
        )
    assert caught.value.code == "bad_yaml"
    assert "scenario.yaml:4" in caught.value.message and "colour" in caught.value.message
    assert "rounds.yaml:6" in caught.value.message and "five_s" in caught.value.message
    assert not GameSession.objects.exists()


def test_it_reports_a_lever_that_does_not_fit_the_scenario(manager_a: User) -> None:
    plan = PLAN_YAML.replace("[five_s]", "[{lever: smed, stations: [weld]}]")
    with pytest.raises(GameError) as caught:
        create_session(
            manager_a,
            title="Misfit",
            mode="floor",
            round_minutes=10,
            scenario_yaml=LINE_YAML,
            plan_yaml=plan,
        )
    assert caught.value.code == "bad_yaml" and "rounds.yaml:" in caught.value.message


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"round_minutes": 0}, "bad_round_length"),
        ({"round_minutes": -5}, "bad_round_length"),
        ({"round_minutes": float("nan")}, "bad_round_length"),
        ({"speed": 0}, "bad_speed"),
        ({"mode": "remote"}, "bad_mode"),
        ({"title": "  "}, "bad_title"),
        ({"language": "de"}, "bad_language"),
        ({"factory": "", "scenario_yaml": LINE_YAML}, "bad_source"),
        ({"scenario_yaml": LINE_YAML, "plan_yaml": PLAN_YAML}, "bad_source"),
        ({"factory": "nope"}, "unknown_factory"),
        ({"factory": "demo"}, "unknown_factory"),  # a scenario without a round plan
        ({"factory": "/etc"}, "unknown_factory"),  # never a path on the server
    ],
)
def test_it_refuses_bad_session_settings(
    manager_a: User, fields: dict[str, Any], code: str
) -> None:
    settings: dict[str, Any] = {
        "title": "Game",
        "mode": "online",
        "round_minutes": 20,
        "factory": "assembly",
    }
    settings.update(fields)
    with pytest.raises(GameError) as caught:
        create_session(manager_a, **settings)
    assert caught.value.code == code
    assert caught.value.message


def test_it_lets_only_people_with_a_role_create_sessions(
    outsider: User, trainer_b: User, training_a: Training
) -> None:
    with pytest.raises(GameError) as caught:
        create_session(outsider, title="Mine", mode="floor", round_minutes=5, factory="assembly")
    assert caught.value.code == "forbidden"
    with pytest.raises(GameError) as caught:
        create_session(
            trainer_b,
            title="Not mine",
            mode="floor",
            round_minutes=5,
            factory="assembly",
            training=training_a,
        )
    assert caught.value.code == "forbidden"


def test_it_shows_sessions_to_those_who_run_them(
    floor_session: GameSession,
    online_session: GameSession,
    coordinator: User,
    manager_a: User,
    trainer_a: User,
    manager_b: User,
    outsider: User,
) -> None:
    assert set(sessions_for(coordinator)) == {floor_session, online_session}
    # manager A: their own game, and the game of a training at their factory
    assert set(sessions_for(manager_a)) == {floor_session, online_session}
    assert set(sessions_for(trainer_a)) == {floor_session}  # the one they created
    assert list(sessions_for(manager_b)) == [] and list(sessions_for(outsider)) == []
    assert can_run_session(manager_a, floor_session)
    assert not can_run_session(trainer_a, online_session)
    assert not can_run_session(manager_b, floor_session)
    assert not can_run_session(outsider, floor_session)


# ---------------------------------------------------------------------------------------------
# Levers and predictions


def test_it_changes_a_planned_rounds_levers_and_forgets_predictions(
    floor_session: GameSession,
) -> None:
    second = _round(floor_session, 2)
    predict_round(second, replications=2)
    second.refresh_from_db()
    assert second.prediction is not None
    set_round_levers(second, ["five_s", {"lever": "five_s", "params": {"time_factor": 0.9}}])
    second.refresh_from_db()
    assert second.levers == [
        {"lever": "five_s", "params": {}},
        {"lever": "five_s", "params": {"time_factor": 0.9}},
    ]
    assert second.prediction is None


@pytest.mark.parametrize(
    "steps",
    [
        ["five_ss"],
        [{"lever": "five_s", "params": {"time_factor": 7}}],
        ["smed"],  # the line has no setups: it would change nothing
        [{"lever": "smed", "params": {"stations": ["weld"]}}],
        [42],
    ],
)
def test_it_refuses_bad_levers(floor_session: GameSession, steps: list[Any]) -> None:
    second = _round(floor_session, 2)
    with pytest.raises(GameError) as caught:
        set_round_levers(second, steps)
    assert caught.value.code == "bad_lever"
    second.refresh_from_db()
    assert second.levers == [{"lever": "five_s", "params": {}}]


def test_it_keeps_the_levers_of_a_started_round(floor_session: GameSession) -> None:
    first = start_round(floor_session, now=T0)
    with pytest.raises(GameError) as caught:
        set_round_levers(first, ["five_s"])
    assert caught.value.code == "round_not_planned"


def test_it_predicts_a_round_by_simulation(floor_session: GameSession) -> None:
    first = _round(floor_session, 1)
    kpi = predict_round(first, replications=3)
    assert kpi["throughput"]["mean"] > 0
    first.refresh_from_db()
    assert first.prediction == json.loads(json.dumps(kpi))
    with pytest.raises(GameError):
        predict_round(first, replications=0)


# ---------------------------------------------------------------------------------------------
# Joining


def test_it_seats_people_by_code_in_any_case(floor_session: GameSession) -> None:
    seat = join_session(
        floor_session.code.lower(), name=" Olga ", role="operator", stations=["cut", "cut"]
    )
    assert seat.session == floor_session
    assert (seat.name, seat.role, seat.stations) == ("Olga", "operator", ["cut"])
    assert len(seat.token) >= 24
    # on the floor, two people may work one station
    other = join_session(floor_session.code, name="Pavel", role="operator", stations=["cut"])
    assert other.stations == ["cut"]
    watcher = join_session(floor_session.code, name="Dir", role="supervisor", stations=["cut"])
    assert watcher.stations == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"role": "director"}, "bad_role"),
        ({"role": "operator"}, "no_station"),
        ({"role": "operator", "stations": ["weld"]}, "bad_station"),
        ({"role": "operator", "name": ""}, "bad_name"),
        ({"role": "customer", "participant_id": 999_999}, "bad_participant"),
    ],
)
def test_it_refuses_bad_seats(
    floor_session: GameSession, fields: dict[str, Any], code: str
) -> None:
    settings: dict[str, Any] = {"name": "Somebody"}
    settings.update(fields)
    with pytest.raises(GameError) as caught:
        join_session(floor_session.code, **settings)
    assert caught.value.code == code
    assert not floor_session.seats.exists()


def test_it_refuses_an_unknown_code(db: None) -> None:
    with pytest.raises(GameError) as caught:
        join_session("ZZZZZZ", name="Lost", role="customer")
    assert caught.value.code == "unknown_code"


def test_it_gives_an_online_station_to_one_operator(online_session: GameSession) -> None:
    join_session(online_session.code, name="Ann", role="operator", stations=["kitting", "base"])
    with pytest.raises(GameError) as caught:
        join_session(online_session.code, name="Bob", role="operator", stations=["base"])
    assert caught.value.code == "station_taken"
    assert "Ann" in caught.value.message
    # a station of a later round only (none here) or any free one is fine
    join_session(online_session.code, name="Bob", role="operator", stations=["arm"])
    Seat.objects.filter(name="Ann").update(revoked=True)
    join_session(online_session.code, name="Cid", role="operator", stations=["base"])


def test_it_links_a_seat_to_a_registered_participant(
    floor_session: GameSession, training_a: Training
) -> None:
    participant = make_participant(full_name="Irina Ivanova")
    register(training_a, participant)
    seat = join_session(
        floor_session.code, name="Irina", role="customer", participant_id=participant.pk
    )
    assert seat.participant == participant
    stranger = make_participant()
    with pytest.raises(GameError) as caught:
        join_session(floor_session.code, name="X", role="customer", participant_id=stranger.pk)
    assert caught.value.code == "bad_participant"


def test_it_refuses_to_seat_anyone_in_a_finished_session(floor_session: GameSession) -> None:
    floor_session.status = GameSession.Status.FINISHED
    floor_session.save()
    with pytest.raises(GameError) as caught:
        join_session(floor_session.code, name="Late", role="customer")
    assert caught.value.code == "finished"


# ---------------------------------------------------------------------------------------------
# Rounds and the clock


def test_it_runs_rounds_with_a_pausable_clock(floor_session: GameSession) -> None:
    assert current_round(floor_session) is None
    first = start_round(floor_session, now=T0)
    assert first.number == 1 and first.status == GameRound.Status.RUNNING
    assert current_round(floor_session) == first and next_round(floor_session).number == 2
    assert round_clock(first, at(60)) == pytest.approx(1.0)  # minutes
    with pytest.raises(GameError) as caught:
        start_round(floor_session, now=at(61))
    assert caught.value.code == "round_in_progress"
    with pytest.raises(GameError) as caught:
        resume_round(first, now=at(62))
    assert caught.value.code == "round_not_paused"

    pause_round(first, now=at(120))
    assert first.status == GameRound.Status.PAUSED and first.paused_at == at(120)
    assert round_clock(first, at(500)) == pytest.approx(2.0)
    with pytest.raises(GameError) as caught:
        pause_round(first, now=at(130))
    assert caught.value.code == "round_not_running"
    resume_round(first, now=at(180))
    assert first.paused_seconds == pytest.approx(60.0)
    assert round_clock(first, at(240)) == pytest.approx(3.0)

    end_round(first, now=at(300))
    assert first.status == GameRound.Status.ENDED and first.ended_at == at(300)
    assert round_clock(first, at(9999)) == pytest.approx(4.0)
    with pytest.raises(GameError) as caught:
        end_round(first, now=at(301))
    assert caught.value.code == "round_not_active"
    floor_session.refresh_from_db()
    assert floor_session.status == GameSession.Status.OPEN

    second = start_round(floor_session, now=at(400))
    assert second.number == 2 and second.scenario_yaml
    pause_round(second, now=at(460))
    end_round(second, now=at(520))  # ended while paused: the pause does not count
    assert round_clock(second, at(9999)) == pytest.approx(1.0)
    floor_session.refresh_from_db()
    assert floor_session.status == GameSession.Status.FINISHED
    with pytest.raises(GameError) as caught:
        start_round(floor_session, now=at(600))
    assert caught.value.code == "finished"


def test_it_freezes_the_round_scenario_when_it_starts(floor_session: GameSession) -> None:
    first = _round(floor_session, 1)
    planned = round_scenario(first)
    started = start_round(floor_session, now=T0)
    assert started.scenario_yaml
    assert round_scenario(started) == planned


def test_it_ends_a_round_when_its_scaled_clock_reaches_the_length(
    online_session: GameSession,
) -> None:
    first = start_round(online_session, now=T0)
    assert round_length(first) == 1800.0  # 30 min of game time, in seconds
    assert round_clock(first, at(6)) == pytest.approx(60.0)  # speed 10
    assert not expire_round(first, now=at(179))
    assert first.status == GameRound.Status.RUNNING
    assert expire_round(first, now=at(200))
    assert first.status == GameRound.Status.ENDED
    assert first.ended_at == at(180)  # when the clock reached the length
    assert round_clock(first) == pytest.approx(1800.0)


# ---------------------------------------------------------------------------------------------
# Events


def test_it_stores_an_acknowledged_event_once(timekeeper: Seat) -> None:
    session = timekeeper.session
    start_round(session, now=T0)
    message = event("start", "cut")
    reply = _send(timekeeper, json.dumps(message), 90)
    assert reply == {
        "type": "ack",
        "id": message["id"],
        "seq": reply["seq"],
        "duplicate": False,
        "t": pytest.approx(1.5),
    }
    again = _send(timekeeper, message, 95)
    assert again == {**reply, "duplicate": True}
    stored = GameEvent.objects.get()
    assert (stored.pk, stored.client_id, stored.seat, stored.units) == (
        reply["seq"],
        message["id"],
        timekeeper,
        [1],
    )
    assert stored.t == pytest.approx(1.5) and stored.round.number == 1


def test_it_acknowledges_a_resend_after_the_round_ended(timekeeper: Seat) -> None:
    session = timekeeper.session
    first = start_round(session, now=T0)
    message = event("start", "cut")
    reply = _send(timekeeper, message, 30)
    end_round(first, now=at(60))
    assert _send(timekeeper, message, 70) == {**reply, "duplicate": True}
    assert _send(timekeeper, event("done", "cut"), 71)["code"] == "round_not_running"


def test_it_takes_the_tap_time_on_the_floor(timekeeper: Seat) -> None:
    start_round(timekeeper.session, now=T0)
    # tapped offline 30 s before it was sent (the phone's clock is off: only the gap counts)
    message = event("start", "cut", tapped_at=5_000_000, sent_at=5_030_000)
    reply = _send(timekeeper, message, 120)
    assert reply["t"] == pytest.approx(1.5)
    # a gap is never negative; a tap "before" the round started is at its start
    late = _send(timekeeper, event("done", "cut", tapped_at=10_000, sent_at=9_000), 150)
    assert late["t"] == pytest.approx(2.5)
    early = _send(timekeeper, event("start", "cut", tapped_at=0, sent_at=999_999_000), 160)
    assert early["type"] == "ack" and early["t"] == 0.0
    # never earlier than the unit's previous event
    again = _send(timekeeper, event("done", "cut", tapped_at=0, sent_at=999_999_000), 170)
    assert again["t"] == 0.0
    moved = _send(timekeeper, event("start", "pack", tapped_at=0, sent_at=60_000), 180)
    assert moved["t"] == pytest.approx(2.0)  # tapped a minute before it was sent


@pytest.mark.parametrize(
    "message",
    [
        "{not json",
        "[1, 2]",
        {"type": "event", "kind": "start", "station": "cut"},
        {"type": "hello", "id": "a", "kind": "start", "station": "cut"},
        {"type": "event", "id": "a", "kind": "jump", "station": "cut"},
        {"type": "event", "id": "a", "kind": "start", "station": 7},
        {"type": "event", "id": "a", "kind": "start", "station": "cut", "quantity": 0},
        {"type": "event", "id": "a", "kind": "start", "station": "cut", "quantity": True},
        {"type": "event", "id": "a", "kind": "start", "station": "cut", "tapped_at": "now"},
        {"type": "event", "id": "x" * 65, "kind": "start", "station": "cut"},
    ],
)
def test_it_refuses_malformed_messages(timekeeper: Seat, message: Any) -> None:
    start_round(timekeeper.session, now=T0)
    reply = _send(timekeeper, message, 10)
    assert reply["type"] == "refused" and reply["code"] == "bad_message"
    assert reply["message"] == "Сообщение не удалось прочитать."
    assert not GameEvent.objects.exists()


def test_it_refuses_events_outside_a_running_round(timekeeper: Seat) -> None:
    session = timekeeper.session
    before = _send(timekeeper, event("start", "cut"), 0)
    assert before["code"] == "round_not_running"
    assert before["message"] == "Раунд не идёт."
    first = start_round(session, now=T0)
    pause_round(first, now=at(10))
    assert _send(timekeeper, event("start", "cut"), 20)["code"] == "round_not_running"
    resume_round(first, now=at(30))
    assert _send(timekeeper, event("start", "cut"), 40)["type"] == "ack"
    assert GameEvent.objects.count() == 1
    # the clock ran out (10 min of play): the round ends, the event is refused
    assert _send(timekeeper, event("done", "cut"), 40 + 600)["code"] == "round_not_running"
    first.refresh_from_db()
    assert first.status == GameRound.Status.ENDED
    assert GameEvent.objects.count() == 1


def test_it_refuses_unknown_and_removed_seats(timekeeper: Seat) -> None:
    start_round(timekeeper.session, now=T0)
    reply = record_event(timekeeper.session.code, "not-a-token", event("start", "cut"), at(5))
    assert reply["code"] == "not_in_session"
    reply = record_event("NOPE42", timekeeper.token, event("start", "cut"), at(5))
    assert reply["code"] == "not_in_session"
    Seat.objects.filter(pk=timekeeper.pk).update(revoked=True)
    assert _send(timekeeper, event("start", "cut"), 6)["code"] == "not_in_session"
    assert not GameEvent.objects.exists()


def test_it_refuses_events_a_role_does_not_own(floor_session: GameSession, cutter: Seat) -> None:
    code = floor_session.code
    logistics = join_session(code, name="Lena", role="logistics")
    quality = join_session(code, name="Quinn", role="quality")
    director = join_session(code, name="Dina", role="supervisor")
    start_round(floor_session, now=T0)
    owned = _send(cutter, event("start", "pack"), 5)
    assert owned["code"] == "station_not_owned"
    assert owned["message"] == "Ваша роль не может записать это на участке «Упаковка»."
    assert _send(logistics, event("start", "cut"), 5)["code"] == "station_not_owned"
    assert _send(quality, event("move", "cut"), 5)["code"] == "station_not_owned"
    assert _send(director, event("start", "cut"), 5)["code"] == "station_not_owned"
    assert _send(cutter, event("start", "weld"), 5)["code"] == "unknown_station"
    assert not GameEvent.objects.exists()
    assert _send(cutter, event("start", "cut"), 6)["type"] == "ack"
    assert _send(cutter, event("done", "cut"), 60)["type"] == "ack"
    assert _send(logistics, event("move", "cut"), 70)["type"] == "ack"


def test_every_role_has_its_rights() -> None:
    assert set(ROLE_KINDS) == set(Seat.Role.values)
    assert ROLE_KINDS["timekeeper"] == set(GameEvent.Kind.values)


def test_it_refuses_what_the_line_cannot_do(timekeeper: Seat) -> None:
    start_round(timekeeper.session, now=T0)
    reply = _send(timekeeper, event("done", "cut"), 5)
    assert reply["type"] == "refused" and reply["code"] == "nothing_done"
    assert reply["message"] == "На участке «Резка» нет единицы для этого: ни в работе, ни готовой."
    assert _send(timekeeper, event("defect", "pack"), 5)["code"] == "nothing_done"
    assert _send(timekeeper, event("down", "cut"), 6)["type"] == "ack"
    assert _send(timekeeper, event("start", "cut"), 7)["code"] == "down"
    assert GameEvent.objects.count() == 1


def test_it_plays_units_through_the_floor_line(timekeeper: Seat) -> None:
    session = timekeeper.session
    start_round(session, now=T0)
    _make_unit(timekeeper, 0)
    _make_unit(timekeeper, 120)
    board = board_snapshot(session, now=at(300))
    assert board["code"] == session.code and board["seats"] == 1
    assert board["round"]["number"] == 1 and board["round"]["status"] == "running"
    assert board["round"]["clock"] == pytest.approx(5.0) and board["round"]["length"] == 10
    assert board["round"]["time_unit"] == "min" and board["round"]["mode"] == "floor"
    snapshot = board["snapshot"]
    assert snapshot["finished"] == 2 and snapshot["time"] == pytest.approx(5.0)
    assert [s["name"] for s in snapshot["stations"]] == ["Резка", "Упаковка"]
    view = seat_view(timekeeper, now=at(300))
    assert view["type"] == "state" and view["role"] == "timekeeper"
    assert [s["id"] for s in view["stations"]] == ["cut", "pack"]
    assert view["board"] is None


def test_it_shows_each_role_its_stations(floor_session: GameSession, cutter: Seat) -> None:
    customer = join_session(floor_session.code, name="Kate", role="customer")
    start_round(floor_session, now=T0)
    _acked(cutter, "start", "cut", 10)
    mine = seat_view(cutter, now=at(20))
    assert [s["id"] for s in mine["stations"]] == ["cut"]
    assert mine["stations"][0]["name"] == "Резка"
    assert [u["unit"] for u in mine["stations"][0]["in_process"]] == [1]
    board = seat_view(customer, now=at(20))
    assert board["stations"] == [] and board["board"]["released"] == 1


# ---------------------------------------------------------------------------------------------
# Voiding


def test_it_voids_an_event_and_keeps_it(timekeeper: Seat, trainer_a: User, outsider: User) -> None:
    session = timekeeper.session
    first = start_round(session, now=T0)
    _make_unit(timekeeper, 0)
    assert _finished(session, 200) == 1
    wrong = GameEvent.objects.get(kind="done", station="pack")
    with pytest.raises(GameError) as caught:
        void_event(wrong, outsider, "not theirs")
    assert caught.value.code == "forbidden"
    with pytest.raises(GameError) as caught:
        void_event(wrong, trainer_a, " ")
    assert caught.value.code == "no_reason"

    voided = void_event(wrong, trainer_a, "tapped twice")
    assert voided.voided and voided.voided_by == trainer_a and voided.void_reason == "tapped twice"
    assert GameEvent.objects.count() == 4  # kept
    assert _finished(session, 200) == 0  # the line is replayed without it
    with pytest.raises(GameError) as caught:
        void_event(voided, trainer_a, "again")
    assert caught.value.code == "already_voided"

    log = round_event_log(first)
    assert log.filter(log["voided"]).height == 1
    row = log.filter(log["voided"]).row(0, named=True)
    assert (row["concept:name"], row["lifecycle:transition"], row["case:concept:name"]) == (
        "pack",
        "complete",
        "1",
    )
    assert row["org:resource"] == "Tim Keeper" and row["time"] == pytest.approx(100 / 60)
    assert "exit" not in log.filter(~log["voided"])["concept:name"].to_list()
    # the unit is done again, properly: it is measured once
    _acked(timekeeper, "done", "pack", 220)
    assert _finished(session, 230) == 1


def test_it_rebuilds_a_line_voided_by_another_process(timekeeper: Seat, trainer_a: User) -> None:
    session = timekeeper.session
    start_round(session, now=T0)
    _make_unit(timekeeper, 0)
    assert _finished(session, 200) == 1
    # another server process voids it (what void_event writes): this process only sees the
    # database, where the round's count of voided events grew
    GameEvent.objects.filter(kind="done", station="pack").update(
        voided_at=at(150), voided_by=trainer_a, void_reason="elsewhere"
    )
    assert _finished(session, 200) == 1  # not told yet
    GameRound.objects.filter(session=session).update(voided_events=F("voided_events") + 1)
    assert _finished(session, 200) == 0


# ---------------------------------------------------------------------------------------------
# The online line


def test_the_computer_plays_an_online_round_nobody_operates(online_session: GameSession) -> None:
    first = start_round(online_session, now=T0)
    assert first.human_stations == []
    assert _finished(online_session, 0) == 0
    board = board_snapshot(online_session, now=at(120))  # 20 min of game time
    assert board["round"]["clock"] == pytest.approx(1200.0)
    assert board["snapshot"]["finished"] > 0
    assert board["snapshot"]["time"] == pytest.approx(1200.0)
    assert all(not s["human"] for s in board["snapshot"]["stations"])


def test_an_online_operator_plays_their_station(online_session: GameSession) -> None:
    picker = join_session(online_session.code, name="Pia", role="operator", stations=["kitting"])
    first = start_round(online_session, now=T0)
    assert first.human_stations == ["kitting"]
    reply = _send(picker, event("start", "kitting"), 1)
    assert reply["type"] == "ack" and reply["t"] == pytest.approx(10.0)
    assert _send(picker, event("done", "kitting"), 2)["code"] == "automatic"
    stored = GameEvent.objects.get()
    assert stored.units == [1] and stored.payload["duration"] > 0
    view = seat_view(picker, now=at(2))
    (kitting,) = view["stations"]
    assert kitting["human"] and kitting["in_process"][0]["progress"] > 0
    # nobody started more kits: the rest of the line starves after the first unit
    assert board_snapshot(online_session, now=at(150))["snapshot"]["finished"] <= 1


def test_a_restart_replays_the_same_online_line(online_session: GameSession) -> None:
    picker = join_session(online_session.code, name="Pia", role="operator", stations=["kitting"])
    start_round(online_session, now=T0)
    # a kit takes at most 42 s: one every 50 s of game time
    replies = [_send(picker, event("start", "kitting"), s) for s in (0, 5, 10, 15, 20)]
    # refused, after the line ran to its time: a replay never sees it
    assert _send(picker, event("done", "kitting"), 20.5)["code"] == "automatic"
    replies.append(_send(picker, event("move", "kitting", quantity=10), 25))
    assert [r["type"] for r in replies] == ["ack"] * 6
    board_snapshot(online_session, now=at(30))  # the board looked on the way
    seat_view(picker, now=at(35))
    before = board_snapshot(online_session, now=at(40))
    live.clear()
    assert board_snapshot(online_session, now=at(40)) == before
    assert _send(picker, event("start", "kitting"), 41)["type"] == "ack"


# ---------------------------------------------------------------------------------------------
# Results


def _play_two_floor_rounds(session: GameSession, seat: Seat) -> None:
    first = start_round(session, now=T0)
    _make_unit(seat, 0, packing=30)
    _make_unit(seat, 100, packing=25)
    _make_unit(seat, 200, packing=40)
    end_round(first, now=at(400))
    second = start_round(session, now=at(1000))
    for k in range(4):
        _make_unit(seat, 1000 + 90 * k, packing=15 + 3 * k)
    end_round(second, now=at(1500))


def test_it_records_a_played_round(timekeeper: Seat) -> None:
    session = timekeeper.session
    first = start_round(session, now=T0)
    _make_unit(timekeeper, 0)
    end_round(first, now=at(300))
    record = round_record(first)
    assert record.window_end == pytest.approx(5.0)
    assert record.units.filter(record.units["status"] == "good").height == 1
    log = round_event_log(first)
    assert set(log["concept:name"].to_list()) >= {"release", "cut", "pack", "exit"}
    assert log["time:timestamp"].min() == first.started_at


def test_it_debriefs_the_played_rounds(timekeeper: Seat, tmp_path: Path) -> None:
    session = timekeeper.session
    predict_round(_round(session, 1), replications=2)
    _play_two_floor_rounds(session, timekeeper)
    comparison = debrief(session)
    assert isinstance(comparison, RoundsComparison)
    assert [r.name for r in comparison.rounds] == ["Раунд 1: как есть", "Раунд 2: 5S"]
    assert comparison.rounds[1].levers == ["five_s"]
    assert comparison.rounds[1].applied == ["five_s"]
    assert comparison.rounds[0].result.kpi["units_good"]["mean"] == 3
    assert comparison.rounds[1].result.kpi["units_good"]["mean"] == 4
    html = render_debrief_html(comparison, lang="ru", charts=False)
    assert "Раунд 2: 5S" in html
    assert write_debrief_xlsx(comparison, tmp_path / "debrief.xlsx", lang="ru").exists()

    rows = predicted_vs_actual(session)
    assert [r["number"] for r in rows] == [1, 2]
    first = {k["kpi"]: k for k in rows[0]["kpis"]}
    assert list(first) == ["labour_productivity", "throughput", "lead_time", "wip", "fpy"]
    assert first["throughput"]["predicted"] > 0
    assert first["throughput"]["actual"] == pytest.approx(3 / (400 / 60))
    assert all(k["predicted"] is None for k in rows[1]["kpis"])  # never predicted
    assert all(k["actual"] is None or math.isfinite(k["actual"]) for k in rows[1]["kpis"])


@pytest.mark.slow
def test_it_draws_the_debrief_charts(timekeeper: Seat, tmp_path: Path) -> None:
    from processfactory.reports import write_debrief_html

    _play_two_floor_rounds(timekeeper.session, timekeeper)
    path = write_debrief_html(debrief(timekeeper.session), tmp_path / "debrief.html", lang="en")
    assert "<svg" in path.read_text(encoding="utf-8")


@time_machine.travel(ON_TRAINING_DAY, tick=False)
def test_it_fills_attendance_from_the_seats_that_played(
    floor_session: GameSession, training_a: Training
) -> None:
    registrations = fill_training(training_a, Training.MIN_GROUP)
    confirm_training(training_a)
    player, idle = registrations[0], registrations[1]
    playing = join_session(
        floor_session.code,
        name="Player",
        role="timekeeper",
        participant_id=player.participant_id,
    )
    join_session(
        floor_session.code, name="Idle", role="customer", participant_id=idle.participant_id
    )
    start_round(floor_session, now=T0)
    _acked(playing, "start", "cut", 1)
    assert fill_attendance(floor_session) == 1
    assert Registration.objects.get(pk=player.pk).attended is True
    assert Registration.objects.get(pk=idle.pk).attended is None


def test_it_fills_attendance_only_for_a_training(online_session: GameSession) -> None:
    with pytest.raises(GameError) as caught:
        fill_attendance(online_session)
    assert caught.value.code == "no_training"


def test_it_passes_on_why_attendance_cannot_be_filled(
    floor_session: GameSession, training_a: Training
) -> None:
    player = fill_training(training_a, 1)[0]
    playing = join_session(
        floor_session.code, name="P", role="timekeeper", participant_id=player.participant_id
    )
    start_round(floor_session, now=T0)
    _acked(playing, "start", "cut", 1)
    with pytest.raises(GameError) as caught:
        fill_attendance(floor_session)  # the training is still a draft
    assert caught.value.code == "attendance" and "черновик" in caught.value.message


# ---------------------------------------------------------------------------------------------
# The back office


def test_staff_void_an_event_in_the_admin_and_nothing_else(timekeeper: Seat) -> None:
    from django.test import Client
    from django.urls import reverse

    start_round(timekeeper.session, now=T0)
    _acked(timekeeper, "start", "cut", 5)
    stored = GameEvent.objects.get()
    admin_user = User.objects.create_superuser("root", "root@example.org", "pw-123456")
    client = Client()
    client.force_login(admin_user)
    assert client.get(reverse("admin:game_gameevent_changelist")).status_code == 200
    assert client.get(reverse("admin:game_gameevent_add")).status_code == 403
    url = reverse("admin:game_gameevent_change", args=[stored.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"void_reason": "wrong station", "kind": "done", "t": "9"})
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.voided and stored.voided_by == admin_user
    assert (stored.void_reason, stored.kind) == ("wrong station", "start")
    assert stored.t == pytest.approx(5 / 60)
    assert client.post(reverse("admin:game_gameevent_delete", args=[stored.pk])).status_code == 403
    for name in ("gamesession", "gameround", "seat"):
        assert client.get(reverse(f"admin:game_{name}_changelist")).status_code == 200
