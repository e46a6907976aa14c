"""The live game end to end: a real Daphne server, headless Chromium, a trainer and three phones.

pytest-django's ``live_server`` is WSGI and cannot serve websockets, so a module-scoped fixture
runs ``manage.py migrate`` and ``manage.py loaddemo`` on a temporary SQLite file and starts Daphne
on a free port with the project's ASGI application (wrapped in Django's static files handler, as
``manage.py runserver`` does: Daphne alone serves no ``/static/``). The tests talk to that
database only through the server; a few checks at the end read the file with ``sqlite3``,
read-only.

- English, online mode (``assembly``, 20 game minutes a round at speed 60, so 20 s): the demo
  trainer switches the interface to English, creates a game for one of their trainings, opens
  the board (join code, QR code); three participants join from phones as operators of the first
  three stations. The trainer plays three rounds (a prediction before rounds 2 and 3): the
  phones tap "Process next" and "Pass on all" while a round runs, until every phone has events
  acknowledged and the board counts a finished lamp; the trainer ends rounds 1 and 2, the clock
  ends round 3. In round 1 a phone stops its station (andon), the board shows it stopped, and
  starts it again. The debrief shows the KPIs of the three rounds, predicted against actual, and
  its downloads (XLSX workbook, CSV event log) are fetched.
- Russian, floor mode: the same day in Russian; two operators tap "начал" / "готово" /
  "передал" to take two lamps a round through all seven stations, each tap acknowledged, the
  board counting the lamps; a timekeeper stops and restarts a station. In round 3 the
  timekeeper's phone goes offline, taps twice (the page shows both waiting), comes back online:
  both events are acknowledged and stored exactly once.

After each day, the database holds exactly the events the phones saw acknowledged, once each.
Every browser context is watched by ``BrowserLog``: no console error, no failed request, no
4xx/5xx, nothing fetched from another host.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from web.e2e_helpers import BrowserLog
from web.game.daphne_server import free_port, manage, server_env, start_daphne, stop
from web.game.daphne_server import query as read_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("game-e2e")]

PASSWORD = "demo"
TIMEOUT_MS = 15_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ONLINE_STATIONS = ("kitting", "base", "arm")
ROUND_MINUTES, SPEED = 20, 60  # online: 20 game minutes at 60 game seconds a second
ROUND_SECONDS = ROUND_MINUTES * 60 / SPEED
ROUND_CLOCK = f"{ROUND_MINUTES}:00"
# refusals a phone may get in a race with the line (it pressed on a view a push behind)
RACES = frozenset({"busy", "no_unit", "nothing_done", "buffer_full", "round_not_running"})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ---------------------------------------------------------------------------------------------
# The server


@dataclass(frozen=True)
class Server:
    url: str
    db_path: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Daphne on a free port, serving a fresh database with the demo data."""
    # the trainer's predictions run the simulation kernel in the server: compile it here first
    # (on a fresh clone, about a minute), so that the server's start-up only loads the cache
    from processfactory.sim.replications import warm_up_kernel

    warm_up_kernel()
    folder = tmp_path_factory.mktemp("game-e2e")
    db_path = folder / "db.sqlite3"
    env = server_env(db_path)
    manage(env, "migrate", "--noinput")
    manage(env, "loaddemo")
    port = free_port()
    proc = start_daphne(env, port, folder / "daphne.log", via_manage=True)
    try:
        yield Server(url=f"http://127.0.0.1:{port}", db_path=db_path)
    finally:
        stop(proc)


def query(server: Server, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on the server's database, opened read-only."""
    return read_rows(server.db_path, sql, *params)


def stored_taps(server: Server, code: str) -> dict[str, int]:
    """How many times each client id of the session's phones is stored."""
    rows = query(
        server,
        "SELECT e.client_id, COUNT(*) FROM game_gameevent e "
        "JOIN game_gamesession s ON s.id = e.session_id "
        "WHERE s.code = ? AND e.seat_id IS NOT NULL GROUP BY e.client_id",
        code,
    )
    return dict(rows)


def check_stored(server: Server, code: str, phones: list[Phone]) -> None:
    """The database holds exactly the events the phones had acknowledged, each once."""
    acked = {m["id"] for phone in phones for m in phone.acks()}
    assert stored_taps(server, code) == dict.fromkeys(acked, 1)


# ---------------------------------------------------------------------------------------------
# Browsers


@pytest.fixture
def log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def open_context(
    chromium: Any, server: Server, log: BrowserLog
) -> Iterator[Callable[..., BrowserContext]]:
    """``open_context(locale, phone=False)``: a new browser profile (no cookies) on the server,
    watched by ``log``; closed with the test."""
    contexts: list[BrowserContext] = []

    def open_one(locale: str, *, phone: bool = False) -> BrowserContext:
        context = chromium.new_context(
            base_url=server.url,
            locale=locale,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(log.watch(context))
        return context

    yield open_one
    for context in contexts:
        context.close()


@dataclass
class Phone:
    """A participant's phone page, with the ``ack``/``refused`` replies its socket received."""

    page: Page
    name: str
    replies: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._on_frame))

    def _on_frame(self, payload: str | bytes) -> None:
        try:
            message = json.loads(payload)
        except ValueError:
            return
        if isinstance(message, dict) and message.get("type") in ("ack", "refused"):
            self.replies.append(message)

    def acks(self) -> list[dict[str, Any]]:
        return [m for m in self.replies if m["type"] == "ack"]

    def refusals(self) -> list[dict[str, Any]]:
        return [m for m in self.replies if m["type"] == "refused"]

    @property
    def connection(self) -> Locator:
        return self.page.locator("[data-connection]")

    def station(self, station_id: str) -> Locator:
        return self.page.locator(f'section.seat-station[data-station="{station_id}"]')

    def queued(self) -> list[dict[str, Any]]:
        """The unacknowledged events the page keeps in ``localStorage``."""
        queue: list[dict[str, Any]] = self.page.evaluate(
            "() => JSON.parse(localStorage.getItem("
            "document.querySelector('[data-seat]').dataset.storageKey) || '[]')"
        )
        return queue

    def fits(self) -> None:
        """The page fits the phone's width (nothing to scroll sideways)."""
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{self.name}'s page is {width} px wide"

    def wait_until_sent(self) -> None:
        """Every tap answered: the page's queue is empty."""
        self.page.wait_for_function(
            "() => (JSON.parse(localStorage.getItem("
            "document.querySelector('[data-seat]').dataset.storageKey) || '[]')).length === 0",
            timeout=TIMEOUT_MS,
        )


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def create_game(page: Page, *, title: str, mode: str, minutes: str, speed: str = "") -> str:
    """The trainer's new-game form (the first of their trainings, the built-in ``assembly``);
    returns the join code shown on the control page."""
    page.goto("/game/")
    page.locator('main a[href="/game/new/"]').click()
    page.fill("#id_title", title)
    trainings = page.locator("#id_training option")
    assert trainings.count() > 1, "the demo trainer has trainings to attach a game to"
    page.select_option("#id_training", trainings.nth(1).get_attribute("value"))
    page.select_option("#id_factory", "assembly")
    page.select_option("#id_mode", mode)
    page.fill("#id_round_minutes", minutes)
    if speed:
        page.fill("#id_speed", speed)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/game/[A-Z0-9]{6}/$"))
    code = page.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code), code
    return code


def join(
    context: BrowserContext,
    code: str,
    name: str,
    *,
    role: str = "operator",
    stations: tuple[str, ...] = (),
) -> Phone:
    """A participant types the code at /play/, joins with a name, a role and stations."""
    page = context.new_page()
    phone = Phone(page, name)
    page.goto("/play/")
    page.fill("#id_code", code.lower())
    page.locator("main form button[type=submit]").tap()
    expect(page).to_have_url(re.compile(rf"/play/{code}/$"))
    page.fill("#id_name", name)
    page.locator(f'#role-choice input[value="{role}"]').check()
    for station in stations:
        page.locator(f'#station-choice input[value="{station}"]').check()
    page.locator("main form button[type=submit]").tap()
    expect(page).to_have_url(re.compile(rf"/play/{code}/seat/$"))
    expect(phone.connection).to_have_class(re.compile(r"\bis-online\b"))
    return phone


def shoot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def click_if_enabled(button: Locator) -> bool:
    """Press ``button`` if it is there and enabled now (the phone redraws on every push, so a
    button may go between the look and the press: then it is not pressed)."""
    try:
        if button.count() == 0 or not button.first.is_enabled(timeout=500):
            return False
        button.first.tap(timeout=1_000)
    except PlaywrightError:
        return False
    return True


def board_finished(board: Page) -> Locator:
    return board.locator('[data-field="finished"]')


# ---------------------------------------------------------------------------------------------
# English, online


def play_online_round(phones: list[Phone], board: Page, *, until_ended: bool = False) -> None:
    """The phones press "Process next" and "Pass on all" at their stations until each has an
    acknowledged event of this round and the board counts a finished lamp; ``until_ended``: on
    until the round's clock runs out."""
    acks_before = [len(p.acks()) for p in phones]
    finished = board_finished(board)
    status = board.locator("[data-field=round-status]")
    deadline = time.monotonic() + 2 * ROUND_SECONDS
    while True:
        lamps = finished.inner_text().strip() not in ("", "0")
        acked = all(len(p.acks()) > n for p, n in zip(phones, acks_before, strict=True))
        ended = status.inner_text().strip() == "ended"
        if lamps and acked and (ended or not until_ended):
            return
        assert not ended and time.monotonic() < deadline, (
            f"the round is over ({status.inner_text()}) with {finished.inner_text()} lamps "
            f"finished, acks {[len(p.acks()) for p in phones]} (before: {acks_before}), "
            f"refusals {[p.refusals() for p in phones]}"
        )
        for phone, station in zip(phones, ONLINE_STATIONS, strict=True):
            card = phone.station(station)
            click_if_enabled(card.get_by_role("button", name="Process next"))
            click_if_enabled(card.get_by_role("button", name="Pass on all (batch)"))


def test_an_online_day_in_english_three_phones_three_rounds(
    open_context: Callable[..., BrowserContext], server: Server, log: BrowserLog, tmp_path: Path
) -> None:
    trainer = open_context("ru-RU").new_page()
    log_in(trainer, "trainer")
    # the interface in English, through the switch in the header
    expect(trainer.locator("html")).to_have_attribute("lang", "ru")
    trainer.select_option("#language-select", "en")
    trainer.locator("form.language-switch button[type=submit]").click()
    expect(trainer.locator("html")).to_have_attribute("lang", "en")

    code = create_game(
        trainer,
        title="Lamp line, online",
        mode="online",
        minutes=str(ROUND_MINUTES),
        speed=str(SPEED),
    )
    expect(trainer.locator(".messages")).to_contain_text(f"Its join code is {code}.")
    control = trainer
    with trainer.context.expect_page() as opened:
        control.get_by_role("link", name="Open the board (projector)").click()
    board = opened.value
    expect(board.locator("#join-code")).to_have_text(code)
    expect(board.locator(".board-qr svg")).to_be_visible()
    expect(board.locator(".board-url")).to_have_text(f"{server.url}/play/{code}/")
    expect(board.locator("[data-connection]")).to_have_text("live")

    # three phones, one station each
    names = ("Anna", "Boris", "Vera")
    phones = [
        join(open_context("en-US", phone=True), code, name, stations=(station,))
        for name, station in zip(names, ONLINE_STATIONS, strict=True)
    ]
    for phone, station in zip(phones, ONLINE_STATIONS, strict=True):
        expect(phone.connection).to_have_text("live")
        expect(phone.station(station)).to_be_visible()
        expect(phone.station(station).get_by_role("button", name="Process next")).to_be_disabled()
        phone.fits()
    control.reload()
    expect(control.locator("#seats caption")).to_have_text("Seats: 3")

    for number in (1, 2, 3):
        if number > 1:
            # the next round's prediction (the plan's levers are ticked already)
            expect(control.locator("#levers")).to_contain_text(f"Levers before round {number}")
            # the server loads the compiled kernel in the background as it starts, and a
            # prediction asked for before then waits for it: on a freshly built environment
            # under the full suite's load that has taken over 15 s
            control.get_by_role("button", name="Predict (simulate the round)").click(
                timeout=120_000
            )
            expect(control.locator(".messages")).to_contain_text(f"Round {number} simulated")
            productivity = control.locator('table.prediction tr[data-kpi="labour_productivity"]')
            expect(productivity.locator("td.num")).to_have_text(re.compile(r"\d"))
        start = control.locator("#round").get_by_role("button", name=f"Start round {number}:")
        start.click()
        expect(control.locator(".messages")).to_contain_text(f"Round {number} started")
        expect(control.locator("#round [data-field=round-status]")).to_have_text("running")
        for phone in phones:
            expect(phone.page.locator("[data-field=round-status]")).to_have_text("running")
        if number == 1:
            andon(phones[2], board, "arm", tmp_path)
        if number < 3:
            # the trainer ends the round once a lamp is finished
            play_online_round(phones, board)
            control.get_by_role("button", name="End the round").click()
            expect(control.locator(".messages")).to_contain_text(f"Round {number} ended")
        else:
            # the last one runs until its clock does (the control page reloads by itself)
            play_online_round(phones, board, until_ended=True)
            expect(control.locator("#round [data-field=clock]")).to_have_text(ROUND_CLOCK)
        expect(control.locator("#round [data-field=round-status]")).to_have_text("ended")
        expect(board.locator("[data-field=round-status]")).to_have_text("ended")
        expect(board_finished(board)).not_to_have_text("0")
        for phone in phones:
            expect(phone.page.locator("[data-field=round-status]")).to_have_text("ended")
            expect(phone.connection).to_have_text("live")
            assert phone.queued() == []
            assert {m["code"] for m in phone.refusals()} <= RACES, phone.refusals()

    # three of the plan's five rounds played
    statuses = control.locator("#rounds tbody tr td:nth-child(4)")
    expect(statuses).to_have_text(["ended", "ended", "ended", "planned", "planned"])
    start_4 = control.locator("#round").get_by_role("button", name=re.compile("^Start round 4:"))
    expect(start_4).to_be_visible()
    control.get_by_role("link", name="Debrief").first.click()
    check_debrief(control, rounds=3, header="Round 3")
    shoot(control, tmp_path, "debrief")
    check_stored(server, code, phones)
    assert log.problems == []


def andon(phone: Phone, board: Page, station: str, shots: Path) -> None:
    """The phone stops its station and starts it again; the board shows it stopped meanwhile."""
    card = phone.station(station)
    acks = len(phone.acks())
    card.get_by_role("button", name="Stop (andon)").tap()
    expect(card.get_by_role("button", name="Running again")).to_be_enabled()
    expect(card.locator("h2 .badge")).to_have_text("stopped")
    expect(board.locator(".andon li.state-down")).to_have_count(1)
    shoot(phone.page, shots, "phone-online-andon")
    shoot(board, shots, "board-andon")
    card.get_by_role("button", name="Running again").tap()
    expect(card.get_by_role("button", name="Stop (andon)")).to_be_enabled()
    expect(board.locator(".andon li.state-down")).to_have_count(0)
    phone.wait_until_sent()
    assert len(phone.acks()) == acks + 2, phone.replies


def check_debrief(page: Page, *, rounds: int, header: str) -> None:
    kpis = page.locator("table.kpi-table")
    expect(kpis.locator("thead th.num")).to_have_count(rounds)
    expect(kpis.locator("thead th.num").last).to_contain_text(header)
    productivity = kpis.locator('tr[data-kpi="labour_productivity"] td.num')
    expect(productivity).to_have_count(rounds)
    for index in range(rounds):
        expect(productivity.nth(index)).to_have_text(re.compile(r"\d"))
    # predicted against actual: every round played, a prediction before rounds 2 and 3 only
    expect(page.locator("#predicted th[scope=rowgroup]")).to_have_count(rounds)
    groups = page.locator("#predicted tbody tr:has(th[scope=rowgroup])")
    for index in range(rounds):
        predicted, actual = groups.nth(index).locator("td.num").all()
        expect(predicted).to_have_text(re.compile(r"\d") if index else re.compile(r"^\D*$"))
        expect(actual).to_have_text(re.compile(r"\d"))
    # the downloads, fetched with the trainer's cookies
    xlsx = page.locator('#downloads a[href$="/debrief/report.xlsx"]')
    response = page.context.request.get(xlsx.get_attribute("href") or "")
    assert response.status == 200
    assert response.headers["content-type"] == XLSX
    assert response.body().startswith(b"PK")
    csv = page.locator('#charts a[href$="/rounds/1/events.csv"]')
    response = page.context.request.get(csv.get_attribute("href") or "")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text().strip().splitlines()
    assert len(lines) > 1, lines


# ---------------------------------------------------------------------------------------------
# Russian, floor


FLOOR_SEATS = (
    ("Алёна", ("kitting", "base", "arm")),
    ("Борис", ("wiring", "shade", "inspection", "packing")),
)


def tap(phone: Phone, card: Locator, label: str) -> None:
    """One tap on the floor, answered with an ``ack`` (the page's queue is empty again)."""
    acks = len(phone.acks())
    card.get_by_role("button", name=label, exact=True).tap()
    phone.wait_until_sent()
    assert len(phone.acks()) == acks + 1 and phone.refusals() == [], phone.replies


def floor_lamp(operators: list[Phone], board: Page, finished: int) -> None:
    """One lamp through the seven stations: "начал" and "готово" at each, "передал" after
    kitting (elsewhere the next start takes it: an implicit move)."""
    for phone, stations in zip(operators, (s for _, s in FLOOR_SEATS), strict=True):
        for station in stations:
            card = phone.station(station)
            tap(phone, card, "начал")
            tap(phone, card, "готово")
            if station == "kitting":
                tap(phone, card, "передал")
    expect(board_finished(board)).to_have_text(str(finished))


def test_a_floor_day_in_russian_survives_a_phone_going_offline(
    open_context: Callable[..., BrowserContext], server: Server, log: BrowserLog, tmp_path: Path
) -> None:
    control = open_context("ru-RU").new_page()
    log_in(control, "trainer")
    expect(control.locator("html")).to_have_attribute("lang", "ru")
    code = create_game(control, title="Линия ламп, цех", mode="floor", minutes="30")
    expect(control.locator(".messages")).to_contain_text(f"Игра создана. Код для входа: {code}.")
    expect(control.locator(".join-box")).to_contain_text("Код для входа")
    with control.context.expect_page() as opened:
        control.get_by_role("link", name="Открыть табло (проектор)").click()
    board = opened.value
    expect(board.locator("#join-code")).to_have_text(code)
    expect(board.locator(".board-qr svg")).to_be_visible()

    operators = [
        join(open_context("ru-RU", phone=True), code, name, stations=stations)
        for name, stations in FLOOR_SEATS
    ]
    keeper = join(open_context("ru-RU", phone=True), code, "Вера", role="timekeeper")
    for phone in (*operators, keeper):
        expect(phone.connection).to_have_text("на связи")
        expect(phone.page.locator("section.seat-station").first).to_be_visible()
        phone.fits()
    expect(operators[0].station("kitting").get_by_role("button", name="начал")).to_be_disabled()

    for number in (1, 2, 3):
        if number > 1:
            # as in the English day: the first prediction may wait for the kernel's load
            control.get_by_role("button", name="Прогноз (смоделировать раунд)").click(
                timeout=120_000
            )
            expect(control.locator(".messages")).to_contain_text(f"Раунд {number} смоделирован")
        start = control.locator("#round").get_by_role(
            "button", name=re.compile(f"^Начать раунд {number}")
        )
        start.click()
        expect(control.locator("#round [data-field=round-status]")).to_have_text("идёт")
        for phone in (*operators, keeper):
            expect(phone.page.locator("[data-field=round-status]")).to_have_text("идёт")
        floor_lamp(operators, board, finished=1)
        if number == 1:
            shoot(operators[0].page, tmp_path, "phone-floor")
            floor_andon(keeper, board, "packing")
        if number == 3:
            offline_taps(keeper, server, tmp_path)
        floor_lamp(operators, board, finished=2)
        control.get_by_role("button", name="Завершить раунд").click()
        expect(control.locator(".messages")).to_contain_text(f"Раунд {number} завершён")
        expect(control.locator("#round [data-field=finished]")).to_have_text("2")
        for phone in (*operators, keeper):
            expect(phone.page.locator("[data-field=round-status]")).to_have_text("завершён")

    control.get_by_role("link", name="Разбор").first.click()
    expect(control.locator("table.kpi-table caption")).to_have_text(
        "Показатели по раундам (изменение к раунду 1)"
    )
    expect(control.get_by_role("link", name="Книга Excel (XLSX)")).to_be_visible()
    check_debrief(control, rounds=3, header="Раунд 3")
    shoot(control, tmp_path, "debrief-ru")
    check_stored(server, code, [*operators, keeper])
    assert log.problems == []


def floor_andon(keeper: Phone, board: Page, station: str) -> None:
    """The timekeeper stops a station (any station: the picker) and starts it again."""
    keeper.page.get_by_role("combobox", name="Участок").select_option(station)
    card = keeper.station(station)
    tap(keeper, card, "Остановить (андон)")
    expect(board.locator(".andon li.state-down")).to_have_count(1)
    expect(card.get_by_role("button", name="Снова работает")).to_be_visible()
    tap(keeper, card, "Снова работает")
    expect(board.locator(".andon li.state-down")).to_have_count(0)


def offline_taps(keeper: Phone, server: Server, shots: Path) -> None:
    """Offline, two taps wait on the phone; online again, both are stored exactly once."""
    page = keeper.page
    page.get_by_role("combobox", name="Участок").select_option("kitting")
    card = keeper.station("kitting")
    page.context.set_offline(True)
    expect(keeper.connection).to_have_text("переподключение…")
    card.get_by_role("button", name="начал", exact=True).tap()
    card.get_by_role("button", name="готово", exact=True).tap()
    expect(keeper.connection).to_have_text("переподключение… · нет связи: ждут отправки нажатий: 2")
    shoot(page, shots, "phone-offline")
    queued = keeper.queued()
    assert [event["kind"] for event in queued] == ["start", "done"]
    ids = [event["id"] for event in queued]
    page.context.set_offline(False)
    expect(keeper.connection).to_have_text("на связи")
    keeper.wait_until_sent()
    assert {m["id"] for m in keeper.acks()} >= set(ids), keeper.replies
    assert keeper.refusals() == []
    rows = query(
        server,
        "SELECT client_id, COUNT(*) FROM game_gameevent WHERE client_id IN (?, ?) "
        "GROUP BY client_id",
        *ids,
    )
    assert sorted(rows) == sorted((client_id, 1) for client_id in ids)
