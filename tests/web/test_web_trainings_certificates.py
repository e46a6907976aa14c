"""Certificates: print-ready pages with a QR code, and the public verification page."""

from __future__ import annotations

from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from processfactory.web.registry.models import Certificate, Training
from processfactory.web.registry.services import (
    confirm_training,
    issue_certificates,
    mark_attendance,
    mark_held,
    register,
)
from web.base import ON_TRAINING_DAY, client_for, fill_training, make_participant


@pytest.fixture
def certified(training_a: Training) -> list[Certificate]:
    """training_a held: 12 registered, "Maria Ivanova" among them; 11 came, all certified."""
    registrations = fill_training(training_a, 11)
    registrations.append(register(training_a, make_participant(full_name="Maria Ivanova")))
    confirm_training(training_a)
    with time_machine.travel(ON_TRAINING_DAY, tick=False):
        marks = {r.pk: True for r in registrations}
        marks[registrations[0].pk] = False
        mark_attendance(training_a, marks)
        mark_held(training_a)
    return issue_certificates(training_a)


def _maria(certificates: list[Certificate]) -> Certificate:
    return next(c for c in certificates if c.registration.participant.full_name == "Maria Ivanova")


def test_it_prints_a_certificate_with_everything_on_it(
    trainer_a_client: Client, training_a: Training, certified: list[Certificate]
) -> None:
    certificate = _maria(certified)
    url = reverse("trainings:certificate", args=[training_a.pk, certificate.pk])
    page = trainer_a_client.get(url).content.decode()
    assert "Maria Ivanova" in page
    assert "12 марта 2026" in page
    assert "Kirovsk Process Factory" in page
    assert "Quantorium of Kirovsk Polytechnic College" in page
    assert "трек «производство»" in page
    assert "Tatiana Trainer" in page
    assert str(certificate.code) in page
    assert f"http://testserver/trainings/verify/{certificate.code}/" in page
    assert "<svg" in page and 'class="segno"' in page
    assert "trainings/certificate.css" in page


def test_it_prints_all_certificates_one_per_page(
    manager_a_client: Client, training_a: Training, certified: list[Certificate]
) -> None:
    page = manager_a_client.get(reverse("trainings:certificates", args=[training_a.pk]))
    text = page.content.decode()
    assert text.count('<article class="certificate"') == 11
    assert text.count('class="segno"') == 11
    for certificate in certified:
        assert str(certificate.code) in text


def test_it_keeps_a_page_break_per_certificate_in_the_print_css() -> None:
    from django.contrib.staticfiles import finders

    css_path = finders.find("trainings/certificate.css")
    assert css_path is not None
    css = Path(css_path).read_text(encoding="utf-8")
    assert "size: A4" in css and "@media print" in css and "break-after: page" in css


def test_it_refuses_certificates_to_other_factories(
    manager_b: User, outsider_client: Client, training_a: Training, certified: list[Certificate]
) -> None:
    url = reverse("trainings:certificates", args=[training_a.pk])
    assert client_for(manager_b).get(url).status_code == 403
    assert outsider_client.get(url).status_code == 403
    assert Client().get(url)["Location"].startswith(reverse("login"))


def test_it_lists_the_certificates_on_the_detail_page(
    trainer_a_client: Client, training_a: Training, certified: list[Certificate]
) -> None:
    page = trainer_a_client.get(
        reverse("trainings:training_detail", args=[training_a.pk])
    ).content.decode()
    assert str(_maria(certified).code) in page
    assert reverse("trainings:certificates", args=[training_a.pk]) in page


# ---------------------------------------------------------------------------------------------
# Public verification


def test_it_verifies_a_valid_code_without_login(
    anonymous_client: Client, certified: list[Certificate]
) -> None:
    code = str(_maria(certified).code)
    response = anonymous_client.get(reverse("trainings:verify_code", args=[code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Сертификат действителен" in page and "Maria Ivanova" in page
    assert "Kirovsk Process Factory" in page and "12 марта 2026" in page


def test_it_verifies_a_lower_case_code_with_spaces(
    anonymous_client: Client, certified: list[Certificate]
) -> None:
    code = str(_maria(certified).code)
    typed = f" {code[:5].lower()} {code[5:].lower()} "
    response = anonymous_client.get(reverse("trainings:verify"), {"code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("trainings:verify_code", args=[code])
    assert "Maria Ivanova" in response.content.decode()
    lower = anonymous_client.get(reverse("trainings:verify_code", args=[code.lower()]))
    assert lower.status_code == 302


def test_it_says_not_found_for_an_unknown_code(anonymous_client: Client, db: None) -> None:
    response = anonymous_client.get(reverse("trainings:verify_code", args=["ZZZZZZZZZZ"]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "Сертификат не найден" in page and "ZZZZZZZZZZ" in page
    assert 'name="code"' in page


def test_it_explains_a_code_that_cannot_be_one(anonymous_client: Client, db: None) -> None:
    response = anonymous_client.get(reverse("trainings:verify"), {"code": "<script>"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "до 16 латинских букв и цифр" in page and "<script>" not in page
    weird = anonymous_client.get(reverse("trainings:verify_code", args=["a<b>"]))
    assert weird.status_code == 404 and "a<b>" not in weird.content.decode()


def test_it_shows_the_verification_form(anonymous_client: Client, db: None) -> None:
    page = anonymous_client.get(reverse("trainings:verify")).content.decode()
    assert "Проверка сертификата" in page and 'name="code"' in page
