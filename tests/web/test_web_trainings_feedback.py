"""Feedback: a signed public link per attendee, one answer, NPS per training and factory."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from processfactory.web.registry.models import Feedback, Registration, Training
from processfactory.web.registry.services import (
    confirm_training,
    mark_attendance,
    mark_held,
    record_feedback,
)
from processfactory.web.trainings.links import feedback_token
from web.base import ON_TRAINING_DAY, fill_training


@pytest.fixture
def attendees(training_a: Training) -> list[Registration]:
    """training_a held with 12 registered: the first 10 came."""
    registrations = fill_training(training_a, 12)
    confirm_training(training_a)
    with time_machine.travel(ON_TRAINING_DAY, tick=False):
        mark_attendance(training_a, {r.pk: i < 10 for i, r in enumerate(registrations)})
        mark_held(training_a)
    for registration in registrations:
        registration.refresh_from_db()
    return registrations


def _link(registration: Registration) -> str:
    return reverse("trainings:feedback", args=[feedback_token(registration)])


def test_it_shows_the_trainer_a_feedback_link_per_attendee(
    trainer_a_client: Client, training_a: Training, attendees: list[Registration]
) -> None:
    page = trainer_a_client.get(
        reverse("trainings:training_detail", args=[training_a.pk])
    ).content.decode()
    assert page.count("http://testserver/trainings/feedback/") == 10
    assert f"http://testserver{_link(attendees[0])}" in page
    assert _link(attendees[11]) not in page


def test_it_takes_feedback_once_without_login(
    anonymous_client: Client, attendees: list[Registration]
) -> None:
    url = _link(attendees[0])
    form = anonymous_client.get(url).content.decode()
    assert "Насколько вероятно, что вы порекомендуете этот тренинг" in form
    assert form.count('type="radio" name="score"') == 11
    response = anonymous_client.post(url, {"score": "9", "comment": "  Very useful  "})
    assert "Спасибо! Ваш отзыв сохранён." in response.content.decode()
    feedback = Feedback.objects.get()
    assert (feedback.score, feedback.comment) == (9, "Very useful")

    again = anonymous_client.post(url, {"score": "0"})
    assert again.status_code == 409
    assert "Вы уже оставили отзыв" in again.content.decode()
    feedback.refresh_from_db()
    assert feedback.score == 9
    assert "Вы уже оставили отзыв" in anonymous_client.get(url).content.decode()


def test_it_refuses_a_tampered_link(
    anonymous_client: Client, attendees: list[Registration]
) -> None:
    token = feedback_token(attendees[0])
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "1", "nonsense:token"):
        response = anonymous_client.post(reverse("trainings:feedback", args=[bad]), {"score": "10"})
        assert response.status_code == 400
        assert "Ссылка для отзыва недействительна" in response.content.decode()
    assert not Feedback.objects.exists()


def test_it_refuses_a_link_signed_for_another_purpose(
    anonymous_client: Client, attendees: list[Registration]
) -> None:
    from django.core import signing

    forged = signing.Signer(salt="something else").sign_object({"registration": attendees[0].pk})
    response = anonymous_client.get(reverse("trainings:feedback", args=[forged]))
    assert response.status_code == 400


def test_it_explains_a_missing_or_wrong_score(
    anonymous_client: Client, attendees: list[Registration]
) -> None:
    url = _link(attendees[1])
    missing = anonymous_client.post(url, {"comment": "no score"})
    assert missing.status_code == 400
    assert "Выберите оценку от 0 до 10." in missing.content.decode()
    assert anonymous_client.post(url, {"score": "11"}).status_code == 400
    assert not Feedback.objects.exists()


def test_it_refuses_feedback_from_someone_who_did_not_come(
    anonymous_client: Client, attendees: list[Registration]
) -> None:
    response = anonymous_client.post(_link(attendees[11]), {"score": "10"})
    assert response.status_code == 400
    assert "Отзыв оставляют участники, присутствовавшие на тренинге." in (response.content.decode())


def test_it_shows_nps_per_training_and_per_factory(
    manager_a_client: Client, training_a: Training, attendees: list[Registration]
) -> None:
    # 2 promoters, 1 passive, 1 detractor: NPS = (2 - 1) / 4 = 25
    for registration, score in zip(attendees, (10, 9, 8, 3), strict=False):
        record_feedback(registration, score)
    detail = manager_a_client.get(
        reverse("trainings:training_detail", args=[training_a.pk])
    ).content.decode()
    assert '<dd class="nps">25 (ответов: 4)</dd>' in detail
    listing = manager_a_client.get(reverse("trainings:training_list")).content.decode()
    assert '<td>Kirovsk Process Factory</td><td class="num">25</td><td class="num">4</td>' in (
        listing
    )
