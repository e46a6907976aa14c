"""The live game's pages: the trainer's (list, new session, control, board, debrief, downloads,
replay, attendance) and the participants' (code, join, the phone page), in-process with the
Django test client. The websockets are the consumers' tests; here events are stored through
``protocol.record_event`` with explicit messages and times."""

from __future__ import annotations

import datetime
import io
import json
import re
import uuid
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from processfactory.eventlog import read_event_log
from processfactory.kpi import compute_kpis
from processfactory.reports.labels import format_mean_ci, format_number, kpi_label
from processfactory.scenario.loader import library_round_plan
from processfactory.web.game import protocol, results, services
from processfactory.web.game.models import GameEvent, GameRound, GameSession, Seat
from processfactory.web.registry.models import Registration, Training
from web.base import ON_TRAINING_DAY, client_for, make_participant, make_user

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 12, 10, 0, tzinfo=datetime.UTC)


def at(seconds: float) -> datetime.datetime:
    return T0 + datetime.timedelta(seconds=seconds)


def english(client: Client) -> Client:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def new_game(user: User, **fields: Any) -> GameSession:
    values: dict[str, Any] = {
        "title": "Lamp line, day 1",
        "mode": "floor",
        "round_minutes": 30,
        "factory": "assembly",
        "language": "en",
    }
    values.update(fields)
    return services.create_session(user, **values)


def tap(
    session: GameSession, seat: Seat, kind: str, station: str, when: float, quantity: int = 1
) -> dict[str, Any]:
    message = {
        "type": "event",
        "id": uuid.uuid4().hex,
        "kind": kind,
        "station": station,
        "quantity": quantity,
    }
    reply = protocol.record_event(session.code, seat.token, message, now=at(when))
    assert reply["type"] == "ack", reply
    return reply


STATIONS = ("kitting", "base", "arm", "wiring", "shade", "inspection", "packing")


def play_floor_round(session: GameSession, units: int = 3) -> GameRound:
    """Round 1 on the floor: ``units`` lamps through every station, one after the other."""
    seat = services.join_session(session.code, name="Tima", role="timekeeper")
    rnd = services.start_round(session, now=at(0))
    clock = 5.0
    for _unit in range(units):
        for station in STATIONS:
            tap(session, seat, "start", station, clock)
            tap(session, seat, "done", station, clock + 20)
            if station != STATIONS[-1]:
                tap(session, seat, "move", station, clock + 21)
            clock += 25
    return services.end_round(rnd, now=at(clock + 10))


@pytest.fixture
def game(trainer_a: User, training_a: Training) -> GameSession:
    return new_game(trainer_a, training=training_a)


@pytest.fixture
def trainer(trainer_a_client: Client) -> Client:
    return english(trainer_a_client)


# ---------------------------------------------------------------------------------------------
# The list and a new session


def test_it_lists_the_sessions_the_trainer_may_run(trainer: Client, game: GameSession) -> None:
    page = trainer.get(reverse("game:session_list")).content.decode()
    assert game.code in page and "Lamp line, day 1" in page


def test_it_hides_other_trainers_sessions(game: GameSession, trainer_b: User) -> None:
    page = client_for(trainer_b).get(reverse("game:session_list")).content.decode()
    assert game.code not in page


def test_it_offers_the_built_in_factories_with_round_plans(trainer: Client) -> None:
    page = trainer.get(reverse("game:session_create")).content.decode()
    for name in ("assembly", "public-office", "penny-fab"):
        assert f'value="{name}"' in page
    assert 'value="demo"' not in page  # a scenario without a round plan


def test_it_offers_only_the_trainings_the_user_may_take_attendance_of(
    trainer: Client, training_a: Training, training_b: Training
) -> None:
    page = trainer.get(reverse("game:session_create")).content.decode()
    assert f'<option value="{training_a.pk}">' in page
    assert f'<option value="{training_b.pk}">' not in page


def test_it_creates_a_session_from_a_built_in_factory(
    trainer: Client, trainer_a: User, training_a: Training
) -> None:
    response = trainer.post(
        reverse("game:session_create"),
        {
            "title": "Office day",
            "training": training_a.pk,
            "factory": "public-office",
            "mode": "online",
            "round_minutes": "45",
            "speed": "",
            "language": "ru",
        },
    )
    session = GameSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("game:session_control", args=[session.code])
    assert (session.factory, session.mode, session.language) == ("public-office", "online", "ru")
    assert session.round_minutes == 45 and session.speed == 10  # the online default
    assert session.training == training_a and session.created_by == trainer_a
    assert session.rounds.count() == 4


def test_it_creates_a_session_from_uploaded_yaml(trainer: Client) -> None:
    folder = Path(str(library_round_plan("assembly"))).parent
    response = trainer.post(
        reverse("game:session_create"),
        {
            "title": "My own line",
            "factory": "",
            "scenario_file": SimpleUploadedFile(
                "scenario.yaml", (folder / "scenario.yaml").read_bytes()
            ),
            "plan_file": SimpleUploadedFile("rounds.yaml", (folder / "rounds.yaml").read_bytes()),
            "mode": "floor",
            "round_minutes": "30",
            "speed": "10",
            "language": "en",
        },
    )
    session = GameSession.objects.get()
    assert response.status_code == 302
    assert session.factory == "" and session.speed == 1  # floor mode plays in real time
    assert session.rounds.count() == 5


def test_it_shows_the_located_yaml_problems_and_creates_nothing(trainer: Client) -> None:
    folder = Path(str(library_round_plan("assembly"))).parent
    response = trainer.post(
        reverse("game:session_create"),
        {
            "title": "Broken",
            "scenario_file": SimpleUploadedFile("scenario.yaml", b"name: x\nstations: 5\n"),
            "plan_file": SimpleUploadedFile("rounds.yaml", (folder / "rounds.yaml").read_bytes()),
            "mode": "floor",
            "round_minutes": "30",
            "language": "en",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "scenario.yaml:2:11: stations: Input should be a valid list" in page
    assert GameSession.objects.count() == 0


def test_it_asks_for_a_factory_or_files(trainer: Client) -> None:
    response = trainer.post(
        reverse("game:session_create"),
        {"title": "Nothing", "mode": "floor", "round_minutes": "30", "language": "en"},
    )
    assert response.status_code == 400
    assert "Upload a scenario, or pick a built-in factory." in response.content.decode()
    assert GameSession.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# The control page


def control(client: Client, session: GameSession) -> str:
    response = client.get(reverse("game:session_control", args=[session.code]))
    assert response.status_code == 200
    return response.content.decode()


def post(client: Client, name: str, session: GameSession, *args: Any, **data: Any) -> Any:
    return client.post(reverse(name, args=[session.code, *args]), data, follow=True)


def test_the_control_page_shows_the_code_the_board_and_the_next_round(
    trainer: Client, game: GameSession
) -> None:
    page = control(trainer, game)
    assert game.code in page
    assert reverse("game:board", args=[game.code]) in page
    assert reverse("play:join", args=[game.code]) in page
    assert f"/ws/game/{game.code}/board/" in page
    assert "Start round 1" in page


def test_the_trainer_starts_pauses_resumes_and_ends_a_round(
    trainer: Client, game: GameSession
) -> None:
    rnd = game.rounds.get(number=1)
    assert "Round 1 started." in post(trainer, "game:start_round", game).content.decode()
    rnd.refresh_from_db()
    assert rnd.status == GameRound.Status.RUNNING
    assert 'data-status="running"' in control(trainer, game)
    post(trainer, "game:pause_round", game)
    rnd.refresh_from_db()
    assert rnd.status == GameRound.Status.PAUSED
    assert 'data-status="paused"' in control(trainer, game)
    post(trainer, "game:resume_round", game)
    rnd.refresh_from_db()
    assert rnd.status == GameRound.Status.RUNNING
    page = post(trainer, "game:end_round", game).content.decode()
    rnd.refresh_from_db()
    assert rnd.status == GameRound.Status.ENDED
    assert "Round 1 ended." in page and "Start round 2" in page


def test_a_refused_action_is_shown_as_a_message(trainer: Client, game: GameSession) -> None:
    page = post(trainer, "game:pause_round", game).content.decode()
    assert "No round is being played." in page
    services.start_round(game)
    page = post(trainer, "game:start_round", game).content.decode()
    assert "Round 1 is still being played: end it first." in page


def test_the_trainer_changes_the_levers_and_predicts_the_round(
    trainer: Client, game: GameSession
) -> None:
    rnd = game.rounds.get(number=2)
    assert [s["lever"] for s in rnd.levers] == ["five_s", "standard_work"]
    services.end_round(services.start_round(game))
    page = control(trainer, game)
    assert 'name="use_five_s"' in page and 'name="use_smed"' in page
    post(
        trainer,
        "game:round_levers",
        game,
        2,
        use_five_s="on",
        params_five_s="{}",
        use_smed="on",
        params_smed='{"reduction": 0.5}',
    )
    rnd.refresh_from_db()
    assert rnd.levers == [
        {"lever": "five_s", "params": {}},
        {"lever": "smed", "params": {"reduction": 0.5}},
    ]
    page = post(trainer, "game:round_predict", game, 2).content.decode()
    rnd.refresh_from_db()
    assert rnd.prediction is not None
    lp = rnd.prediction["labour_productivity"]
    assert format_mean_ci(lp["mean"], *lp["ci95"], "en") in page
    for key in ("labour_productivity", "throughput", "lead_time", "wip", "fpy"):
        assert f'data-kpi="{key}"' in page


def test_bad_lever_parameters_are_refused_with_the_reason(
    trainer: Client, game: GameSession
) -> None:
    page = post(
        trainer, "game:round_levers", game, 1, use_smed="on", params_smed="{reduction: 2"
    ).content.decode()
    assert "Not valid JSON" in page
    page = post(
        trainer, "game:round_levers", game, 1, use_smed="on", params_smed='{"reduction": 2}'
    ).content.decode()
    assert "smed" in page and "less than 1" in page
    assert game.rounds.get(number=1).levers == []


def test_the_control_page_lists_seats_and_voids_an_event(
    trainer: Client, game: GameSession
) -> None:
    seat = services.join_session(game.code, name="Olga", role="operator", stations=["kitting"])
    services.start_round(game, now=at(0))
    tap(game, seat, "start", "kitting", 10)
    page = control(trainer, game)
    assert "Olga" in page and "kitting" in page
    event = GameEvent.objects.get()
    assert reverse("game:void_event", args=[game.code, event.pk]) in page
    page = post(trainer, "game:void_event", game, event.pk, reason="tapped twice").content.decode()
    event.refresh_from_db()
    assert event.voided and event.void_reason == "tapped twice"
    assert "tapped twice" in page


# ---------------------------------------------------------------------------------------------
# The board


def test_the_board_shows_the_code_a_qr_code_and_the_live_socket(
    trainer: Client, game: GameSession
) -> None:
    response = trainer.get(reverse("game:board", args=[game.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert game.code in page
    assert re.search(r"<svg[^>]*>.*<path", page, re.S)
    assert f"http://testserver/play/{game.code}/" in page
    assert f'data-ws-path="/ws/game/{game.code}/board/"' in page
    snapshot = json.loads(re.search(r'id="board-snapshot"[^>]*>(.*?)</script>', page, re.S)[1])
    assert snapshot["type"] == "board" and snapshot["code"] == game.code


# ---------------------------------------------------------------------------------------------
# Participants


def seat_tokens(client: Client) -> dict[str, str]:
    return dict(client.session.get("game_seats", {}))


def test_a_participant_enters_the_code_in_any_case(game: GameSession) -> None:
    client = Client()
    assert client.get(reverse("play:enter")).status_code == 200
    response = client.get(reverse("play:enter"), {"code": f" {game.code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("play:join", args=[game.code])


def test_an_unknown_code_is_refused(db: None) -> None:
    response = Client().get(reverse("play:enter"), {"code": "ZZZZZZ"})
    assert response.status_code == 404
    assert "ZZZZZZ" in response.content.decode()


def test_a_participant_joins_without_a_login_and_gets_the_seat_page(game: GameSession) -> None:
    client = english(Client())
    page = client.get(reverse("play:join", args=[game.code])).content.decode()
    assert 'value="kitting"' in page and 'value="operator"' in page
    response = client.post(
        reverse("play:join", args=[game.code]),
        {"name": "Olga", "role": "operator", "stations": ["kitting", "base"]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("play:seat", args=[game.code])
    seat = Seat.objects.get()
    assert (seat.name, seat.role, seat.stations) == ("Olga", "operator", ["kitting", "base"])
    assert seat_tokens(client) == {game.code: seat.token}
    page = client.get(reverse("play:seat", args=[game.code])).content.decode()
    assert f'data-ws-path="/ws/game/{game.code}/seat/?token={seat.token}"' in page
    state = json.loads(re.search(r'id="seat-state"[^>]*>(.*?)</script>', page, re.S)[1])
    assert state["type"] == "state" and state["role"] == "operator"
    labels = json.loads(re.search(r'id="board-labels"[^>]*>(.*?)</script>', page, re.S)[1])
    assert labels["move"] == "moved"


def test_the_seat_page_without_a_seat_sends_to_the_join_form(game: GameSession) -> None:
    response = Client().get(reverse("play:seat", args=[game.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("play:join", args=[game.code])


def test_the_join_form_shows_why_it_refused(game: GameSession) -> None:
    client = english(Client())
    url = reverse("play:join", args=[game.code])
    page = client.post(url, {"name": "Olga", "role": "operator"}).content.decode()
    assert "A station operator takes at least one station." in page
    online = new_game(game.created_by, mode="online", language="en")
    services.join_session(online.code, name="Olga", role="operator", stations=["kitting"])
    page = client.post(
        reverse("play:join", args=[online.code]),
        {"name": "Pavel", "role": "operator", "stations": ["kitting"]},
    ).content.decode()
    assert "is already taken by Olga" in page
    assert Seat.objects.count() == 1 and not seat_tokens(client)


def test_a_registered_participant_picks_their_name(game: GameSession, training_a: Training) -> None:
    person = make_participant(full_name="Arina Kirovskaya")
    Registration.objects.create(training=training_a, participant=person)
    client = english(Client())
    page = client.get(reverse("play:join", args=[game.code])).content.decode()
    assert "Arina K." in page and "Kirovskaya" not in page
    client.post(
        reverse("play:join", args=[game.code]),
        {"name": "Arina", "role": "quality", "participant": person.pk},
    )
    assert Seat.objects.get().participant == person


# ---------------------------------------------------------------------------------------------
# After a round: debrief, downloads, replay, attendance


def test_the_debrief_shows_the_measured_kpis(trainer: Client, game: GameSession) -> None:
    rnd = play_floor_round(game)
    kpis = compute_kpis(results.round_record(rnd))
    response = trainer.get(reverse("game:debrief", args=[game.code]))
    page = response.content.decode()
    assert response.status_code == 200
    rows = re.findall(r'<tr data-kpi="(\w+)">(.*?)</tr>', page, re.S)
    assert rows[0][0] == "labour_productivity"
    cells = dict(rows)
    for key in ("labour_productivity", "throughput", "lead_time", "wip"):
        assert kpi_label(key, "en") in cells[key]
        assert f">{format_number(float(kpis[key]), 'en')}<" in cells[key], key
    assert "data-vega-spec" in page
    for fmt in ("csv", "parquet", "xes"):
        assert reverse("game:round_events", args=[game.code, 1, fmt]) in page
    assert reverse("game:round_replay", args=[game.code, 1]) in page
    assert reverse("game:fill_attendance", args=[game.code]) in page


def test_the_debrief_before_any_round_says_so(trainer: Client, game: GameSession) -> None:
    page = trainer.get(reverse("game:debrief", args=[game.code])).content.decode()
    assert "No round has ended yet" in page
    assert trainer.get(reverse("game:debrief_html", args=[game.code])).status_code == 404


def test_the_debrief_report_and_workbook_download(trainer: Client, game: GameSession) -> None:
    play_floor_round(game, units=1)
    html = trainer.get(reverse("game:debrief_html", args=[game.code]))
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "attachment" in html["Content-Disposition"]
    assert b"<html" in html.content
    xlsx = trainer.get(reverse("game:debrief_xlsx", args=[game.code]))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv"),
        ("parquet", "application/vnd.apache.parquet"),
        ("xes", "application/xml"),
    ],
)
def test_a_rounds_event_log_downloads(
    trainer: Client, game: GameSession, tmp_path: Path, fmt: str, content_type: str
) -> None:
    rnd = play_floor_round(game, units=2)
    expected = results.round_event_log(rnd)
    response = trainer.get(reverse("game:round_events", args=[game.code, 1, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert f"{game.code}-round-1-events.{fmt}" in response["Content-Disposition"]
    path = tmp_path / f"events.{fmt}"
    path.write_bytes(response.content)
    frame = read_event_log(path)
    assert frame.height == expected.height > 0
    if fmt == "csv":
        assert pl.read_csv(io.BytesIO(response.content)).height == expected.height


def test_an_unknown_format_or_an_unplayed_round_is_not_found(
    trainer: Client, game: GameSession
) -> None:
    assert trainer.get(reverse("game:round_events", args=[game.code, 1, "csv"])).status_code == 404
    play_floor_round(game, units=1)
    assert trainer.get(reverse("game:round_events", args=[game.code, 1, "txt"])).status_code == 404
    assert trainer.get(reverse("game:round_replay", args=[game.code, 2])).status_code == 404


def test_the_replay_embeds_the_board_after_each_event(trainer: Client, game: GameSession) -> None:
    rnd = play_floor_round(game, units=2)
    events = GameEvent.objects.filter(round=rnd).count()
    page = trainer.get(reverse("game:round_replay", args=[game.code, 1])).content.decode()
    frames = json.loads(re.search(r'id="replay-frames"[^>]*>(.*?)</script>', page, re.S)[1])
    assert len(frames) == events + 1
    assert frames[0]["event"] is None and frames[0]["board"]["snapshot"]["finished"] == 0
    assert frames[1]["event"]["kind"] == "start" and frames[1]["event"]["station"] == "kitting"
    assert frames[-1]["board"]["snapshot"]["finished"] == 2
    assert [f["step"] for f in frames] == list(range(len(frames)))


def test_filling_attendance_marks_those_who_played(
    trainer: Client, game: GameSession, training_a: Training, time_machine: Any
) -> None:
    time_machine.move_to(ON_TRAINING_DAY, tick=False)
    person = make_participant(full_name="Arina Kirovskaya")
    registration = Registration.objects.create(training=training_a, participant=person)
    seat = services.join_session(
        game.code, name="Arina", role="operator", stations=["kitting"], participant_id=person.pk
    )
    services.start_round(game, now=at(0))
    tap(game, seat, "start", "kitting", 5)
    services.end_round(services.current_round(game), now=at(60))
    url = reverse("game:fill_attendance", args=[game.code])
    refused = trainer.post(url, follow=True).content.decode()
    assert "confirmed or held training" in refused  # the training is still a draft
    training_a.status = Training.Status.CONFIRMED
    training_a.save()
    response = trainer.post(url, follow=True)
    registration.refresh_from_db()
    assert registration.attended is True
    assert "Attendance filled: 1 participants" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Access


def test_outsiders_and_other_factories_are_refused(
    game: GameSession, outsider_client: Client, trainer_b: User
) -> None:
    url = reverse("game:session_control", args=[game.code])
    assert outsider_client.get(url).status_code == 403
    assert client_for(trainer_b).get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_the_factory_manager_runs_the_trainings_session(
    game: GameSession, manager_a_client: Client
) -> None:
    assert manager_a_client.get(reverse("game:board", args=[game.code])).status_code == 200


def test_an_unknown_code_is_not_found_for_the_trainer(trainer: Client, game: GameSession) -> None:
    assert trainer.get(reverse("game:session_control", args=["ZZZZZZ"])).status_code == 404


def test_the_nav_links_the_live_game_for_users_with_a_role(
    trainer: Client, outsider_client: Client
) -> None:
    assert reverse("game:session_list") in trainer.get(reverse("home")).content.decode()
    assert reverse("game:session_list") not in outsider_client.get(reverse("home")).content.decode()


def test_the_pages_speak_russian(trainer_a_client: Client, game: GameSession) -> None:
    page = trainer_a_client.get(reverse("game:session_control", args=[game.code])).content.decode()
    assert "Начать раунд 1" in page and "Игра в реальном времени" in page
    joining = Client().get(reverse("play:join", args=[game.code])).content.decode()
    assert "Присоединиться" in joining


def test_a_user_without_a_role_may_not_create_a_game(db: None) -> None:
    client = client_for(make_user("nobody"))
    assert client.get(reverse("game:session_create")).status_code == 403
