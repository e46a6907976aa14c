"""End to end in a real headless Chromium (the OS's, driven by Playwright) against the live app.

A factory manager logs in, schedules a training at their factory for today (the clock is set to
the training day), imports 12 participants from an XLSX file, confirms the training, marks
everyone present, marks it held, issues certificates, sees the dashboard's trained people grow by
exactly 12, prints a certificate to PDF and has it verified by a stranger without a login.
Throughout, the browser must log no console error, no failed request and no request to any host
but the live server. A second test checks the language: Russian by default, English on request.

Screenshots of the key steps land in the test's ``tmp_path``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from processfactory.web.registry.models import (
    Factory,
    Registration,
    Training,
)
from web.base import (
    ON_TRAINING_DAY,
    PASSWORD,
    TRAINING_DAY,
    VALID_INNS,
    make_enterprise,
    make_participant,
    make_training,
)
from web.e2e_helpers import BrowserLog, number_in, participants_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser(django_db_setup: None, chromium: Any) -> Any:
    """The session's Chromium, set up after the test database so that it closes before the
    database is destroyed (the ``chromium`` fixture lets Django run beside Playwright's loop)."""
    return chromium


@pytest.fixture
def log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def open_page(browser: Any, live_server: Any, log: BrowserLog) -> Iterator[Callable[[str], Page]]:
    """``open_page(locale)``: a page in a new browser profile (no cookies) on the live server,
    watched by ``log``. The profiles close with the test, so no keep-alive connection outlives
    it (the live server's threads would then close a database connection no longer shared)."""
    contexts: list[Any] = []

    def open_one(locale: str) -> Page:
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(log.watch(context))
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


def shoot(page: Page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)


def submit(page: Page, form: str) -> None:
    """Press the submit button of the page's ``form`` (a CSS selector within ``main``)."""
    page.locator(f"main {form} button[type=submit]").first.click()


# ---------------------------------------------------------------------------------------------
# The training day


@pytest.fixture
def programme(factory_a: Factory, manager_a: User, trainer_a: User) -> dict[str, Any]:
    """Factory A with its manager and trainer, an enterprise whose employees come, and a training
    held a month ago with 3 attendees (so the dashboard starts from 3, not 0)."""
    enterprise = make_enterprise(name="Кировский завод ЖБИ", tax_id=VALID_INNS[0])
    earlier = make_training(
        factory_a,
        trainer=trainer_a.trainer,
        status=Training.Status.HELD,
        date=TRAINING_DAY - datetime.timedelta(days=30),
    )
    for _number in range(3):
        Registration.objects.create(training=earlier, participant=make_participant(), attended=True)
    return {"enterprise": enterprise, "trainer": trainer_a.trainer}


def log_in(page: Page, username: str) -> None:
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    submit(page, "form.form")


def trained_people(page: Page) -> int:
    page.goto("/dashboard/")
    return number_in(page.locator("#key-people").inner_text())


def test_it_runs_a_training_day_from_scheduling_to_a_verified_certificate(
    open_page: Callable[[str], Page],
    live_server: Any,
    programme: dict[str, Any],
    log: BrowserLog,
    tmp_path: Path,
    time_machine: Any,
) -> None:
    time_machine.move_to(ON_TRAINING_DAY, tick=True)
    page = open_page("ru-RU")

    # 1. log in through the form (the dashboard asks for it), and note the figure before
    page.goto("/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/"))
    shoot(page, tmp_path, "01-login")
    log_in(page, "manager_a")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    before = number_in(page.locator("#key-people").inner_text())
    assert before == 3
    shoot(page, tmp_path, "02-dashboard-before")

    # 2. schedule a training at the manager's factory, for today
    page.goto("/trainings/")
    page.locator('main a[href="/trainings/new/"]').click()
    expect(page.locator("#id_factory")).to_have_value(str(programme["trainer"].factory_id))
    page.fill("#id_date", TRAINING_DAY.isoformat())
    page.select_option("#id_track", "production")
    page.select_option("#id_trainer", str(programme["trainer"].pk))
    page.fill("#id_notes", "Сквозной тест: 12 человек из XLSX")
    submit(page, "form.form")
    expect(page).to_have_url(re.compile(r"/trainings/\d+/$"))
    training = Training.objects.get(notes__startswith="Сквозной тест")
    assert (training.date, training.status) == (TRAINING_DAY, Training.Status.DRAFT)
    shoot(page, tmp_path, "03-training-scheduled")

    # 3. import 12 participants from an XLSX file: registered, viable
    xlsx = tmp_path / "participants.xlsx"
    names = participants_xlsx(xlsx, programme["enterprise"].tax_id)
    page.locator(f'main a[href="/trainings/{training.pk}/import/"]').click()
    page.set_input_files("main form.form input[type=file]", xlsx)
    submit(page, "form.form")
    expect(page).to_have_url(re.compile(rf"/trainings/{training.pk}/(#participants)?$"))
    rows = page.locator("table#attendance tbody tr")
    expect(rows).to_have_count(12)
    for name in names:
        expect(page.locator("table#attendance")).to_contain_text(name)
    expect(page.locator(".flag-not-viable")).to_have_count(0)
    assert training.registered_count == 12 and training.is_viable
    shoot(page, tmp_path, "04-imported")

    # 4. confirm it
    submit(page, f'form[action="/trainings/{training.pk}/confirm/"]')
    expect(page.locator(".facts .status-confirmed")).to_be_visible()

    # 5. on the day: everyone came
    page.locator(f'main a[href="/trainings/{training.pk}/attendance/"]').click()
    boxes = page.locator("main input[type=checkbox][name=attended]")
    expect(boxes).to_have_count(12)
    for index in range(12):
        boxes.nth(index).check()
    shoot(page, tmp_path, "05-attendance")
    submit(page, "form")
    expect(page).to_have_url(re.compile(rf"/trainings/{training.pk}/(#attendance)?$"))
    expect(rows.locator("td:nth-child(4) .status-held")).to_have_count(12)

    # 6. mark it held, issue the certificates
    submit(page, f'form[action="/trainings/{training.pk}/held/"]')
    expect(page.locator(".facts .status-held")).to_be_visible()
    submit(page, f'form[action="/trainings/{training.pk}/certificates/issue/"]')
    certificate_links = rows.locator("td:nth-child(5) a")
    expect(certificate_links).to_have_count(12)
    shoot(page, tmp_path, "06-certificates-issued")

    # 7. the dashboard moved by exactly the attendees
    assert trained_people(page) == before + 12
    expect(page.locator("[data-vega-spec] svg").first).to_be_visible()
    shoot(page, tmp_path, "07-dashboard-after")

    # 8. one certificate, printed to PDF
    page.goto(f"/trainings/{training.pk}/")
    first = rows.first
    holder = first.locator("td:nth-child(2)").inner_text().splitlines()[0].strip()
    code = first.locator("td:nth-child(5) a").inner_text().strip()
    first.locator("td:nth-child(5) a").click()
    expect(page.locator(".certificate-name")).to_have_text(holder)
    expect(page.locator(".certificate-code")).to_have_text(code)
    expect(page.locator(".certificate-qr svg")).to_be_visible()
    verify_url = page.locator(".certificate-url").inner_text().strip()
    assert verify_url == f"{live_server.url}/trainings/verify/{code}/"
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    shoot(page, tmp_path, "08-certificate-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-")
    # one certificate, one A4 page (595 × 842 pt)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    assert re.search(rb"/MediaBox\s*\[0 0 59[56]\.?\d* 84[12]\.?\d*\]", pdf)
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    # all of them at once: one page each
    page.goto(f"/trainings/{training.pk}/certificates/")
    expect(page.locator("article.certificate")).to_have_count(12)
    all_pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", all_pdf)) == 12

    # 9. a stranger (no login, another browser profile) verifies it by its link and its code
    stranger = open_page("ru-RU")
    stranger.goto(verify_url)
    expect(stranger.locator("#verified-title")).to_be_visible()
    expect(stranger.locator(".verified")).to_contain_text(holder)
    expect(stranger.locator(".verified")).to_contain_text(code)
    shoot(stranger, tmp_path, "09-verified")
    stranger.goto("/trainings/verify/")
    stranger.fill("#id_code", code.lower())
    submit(stranger, "form.form")
    expect(stranger).to_have_url(re.compile(rf"/trainings/verify/{code}/$"))
    expect(stranger.locator(".verified")).to_contain_text(holder)

    assert log.problems == []


# ---------------------------------------------------------------------------------------------
# Languages


def test_it_speaks_russian_by_default_and_english_on_request(
    open_page: Callable[[str], Page], log: BrowserLog, tmp_path: Path
) -> None:
    # a browser that asks for neither language gets the default, Russian
    page = open_page("de-DE")
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("main h1")).to_have_text("Войти")
    expect(page.locator('label[for="id_username"]')).to_have_text("Имя пользователя")
    shoot(page, tmp_path, "login-ru")

    page.select_option("#language-select", "en")
    page.locator("form.language-switch button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("main h1")).to_have_text("Log in")
    expect(page.locator('label[for="id_username"]')).to_have_text("Username")
    shoot(page, tmp_path, "login-en")

    # the choice sticks: the next page is English too
    page.goto("/trainings/verify/")
    expect(page.locator("main h1")).to_have_text("Verify a certificate")

    assert log.problems == []


# ---------------------------------------------------------------------------------------------
# The watcher itself: the checks above would catch what they claim to


def test_the_browser_log_catches_console_errors_and_requests_to_other_hosts(
    open_page: Callable[[str], Page], log: BrowserLog
) -> None:
    page = open_page("ru-RU")
    page.route("https://cdn.example.org/**", lambda route: route.abort())
    page.set_content(
        '<script>console.error("boom")</script><img src="https://cdn.example.org/logo.png">'
    )
    page.wait_for_load_state("load")
    assert any("console error: boom" in problem for problem in log.problems), log.problems
    assert any("leaves the live server" in problem for problem in log.problems), log.problems
    assert any("request failed" in problem for problem in log.problems), log.problems


def test_the_browser_log_forgives_only_requests_cancelled_because_the_page_moved_on(
    open_page: Callable[[str], Page], log: BrowserLog
) -> None:
    held: list[Any] = []
    page = open_page("ru-RU")
    # the script never arrives while the page is shown: the visitor leaves before it does
    page.route("**/static/held.js", lambda route: held.append(route))
    page.goto("/accounts/login/")
    page.set_content('<script src="/static/held.js"></script>', wait_until="commit")
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the script was not asked for"
    page.goto("/accounts/login/")
    expect(page.locator("main h1")).to_have_text("Войти")
    assert log.problems == []

    # the browser cancels a request while the page stays: that is still reported
    page.route("**/static/cancelled.js", lambda route: route.abort("aborted"))
    page.evaluate(
        """() => new Promise(done => {
            const script = document.createElement("script");
            script.src = "/static/cancelled.js";
            script.onerror = done;
            document.head.append(script);
        })"""
    )
    assert any("cancelled.js: net::ERR_ABORTED" in line for line in log.problems), log.problems
