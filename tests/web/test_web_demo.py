"""The Leningrad region demo: the seed's numbers exactly, a consistent history, idempotent."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client

from processfactory.web import demo
from processfactory.web.dashboard.figures import programme_figures
from processfactory.web.dashboard.models import ProgrammeSettings
from processfactory.web.demo_logins import DEMO_LOGINS, DEMO_PASSWORD
from processfactory.web.registry.models import (
    Certificate,
    Enterprise,
    Factory,
    Feedback,
    Participant,
    ProgrammeTarget,
    Registration,
    Trainer,
    Training,
)
from processfactory.web.registry.permissions import is_coordinator, roles_of
from processfactory.web.registry.validators import inn10_is_valid
from web.base import make_factory

MODELS = (Factory, Trainer, Enterprise, Participant, Training, Registration, Certificate, Feedback)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (*MODELS, ProgrammeTarget)}


@pytest.fixture
def loaded(db: None) -> demo.DemoSummary:
    return demo.load_demo()


def test_it_loads_the_seeds_enterprises(loaded: demo.DemoSummary) -> None:
    joined = dict(Enterprise.objects.values_list("joined_year").annotate(n=Count("pk")).order_by())
    assert joined == {2020: 22, 2021: 5}
    assert Enterprise.objects.filter(phase=Enterprise.Phase.SUSTAINING).count() == 7
    assert all(
        name.endswith(" (демо)") for name in Enterprise.objects.values_list("name", flat=True)
    )
    inns = list(Enterprise.objects.values_list("tax_id", flat=True))
    assert all(inn10_is_valid(inn) and inn.startswith("47") for inn in inns)


def test_it_loads_the_seeds_targets(loaded: demo.DemoSummary) -> None:
    targets = set(ProgrammeTarget.objects.values_list("metric", "year", "cumulative_value"))
    assert targets == {
        ("enrolled_enterprises", 2021, 39),
        ("enrolled_enterprises", 2024, 101),
        ("trained_people", 2021, 441),
        ("trained_people", 2024, 1330),
    }


def test_it_opens_kirovsk_and_plans_five_factories(loaded: demo.DemoSummary) -> None:
    kirovsk = Factory.objects.get(name=demo.KIROVSK)
    assert kirovsk.status == Factory.Status.OPEN and kirovsk.opened_on is not None
    assert "Кировск" in kirovsk.host_institution and "Кванториум" in kirovsk.host_institution
    assert kirovsk.has_production_track and kirovsk.has_office_track
    assert Factory.objects.filter(status=Factory.Status.PLANNED).count() == 5
    assert kirovsk.trainers.count() == 3


def test_it_keeps_every_group_within_12_to_16_or_flags_it(loaded: demo.DemoSummary) -> None:
    trainings = Training.objects.with_counts()
    for training in trainings:
        in_range = 12 <= training.registered_count <= 16
        flagged = training.status == Training.Status.CANCELLED or (
            training.status == Training.Status.DRAFT and not training.is_viable
        )
        assert in_range or flagged, training
    assert trainings.filter(status=Training.Status.CANCELLED).exists()
    assert any(not t.is_viable for t in trainings.filter(status=Training.Status.DRAFT))


def test_it_records_a_consistent_history(loaded: demo.DemoSummary) -> None:
    held = Training.objects.filter(status=Training.Status.HELD)
    assert held.exists() and not held.filter(date__gt=demo.AS_OF).exists()
    assert held.filter(date__lt=demo.KIROVSK_OPENED).count() == 0
    # attendance only at held trainings, certificates for every attendee, feedback from attendees
    assert not Registration.objects.exclude(training__in=held).exclude(attended=None).exists()
    attendees = Registration.objects.filter(attended=True)
    assert Certificate.objects.count() == attendees.count()
    assert not Feedback.objects.exclude(registration__attended=True).exists()
    assert Feedback.objects.count() > 0.7 * attendees.count()
    scheduled = Training.objects.filter(date__gt=demo.AS_OF)
    assert scheduled.count() >= 3
    assert {t.date.month for t in scheduled} == {12}
    categories = set(
        Participant.objects.filter(registrations__attended=True).values_list("category", flat=True)
    )
    assert categories == {"employee", "student", "officer"}
    assert not Participant.objects.filter(
        Q(category="employee") & Q(enterprise__isnull=True)
    ).exists()


def test_it_matches_the_seeds_figures(loaded: demo.DemoSummary) -> None:
    figures = programme_figures()
    assert figures.as_of == demo.AS_OF and figures.is_demo
    assert figures.region_name == "Ленинградская область"
    y2020, y2021 = figures.year(2020), figures.year(2021)
    assert y2020 is not None and y2021 is not None
    assert (y2020.enterprises_joined, y2021.enterprises_joined) == (22, 5)
    assert (y2021.enterprises_cumulative, y2021.enterprises_target) == (27, 39)
    assert figures.enterprises_sustaining == 7
    assert y2021.people_target == 441
    assert 400 <= y2021.people_trained < 441  # near but below the 2021 target, a month left
    assert figures.forecast.people_target == 1330 and figures.forecast.enterprises_target == 101
    assert 40 <= figures.nps.score <= 75
    assert figures.forecast.scheduled_trainings >= 3
    assert 12 <= figures.average_attendance <= 16


def test_it_creates_the_demo_logins(loaded: demo.DemoSummary) -> None:
    users = {}
    for login in DEMO_LOGINS:
        user = authenticate(username=login.username, password=DEMO_PASSWORD)
        assert user is not None, login.username
        users[login.username] = user
    assert is_coordinator(users["coordinator"]) and users["coordinator"].is_staff
    kirovsk = Factory.objects.get(name=demo.KIROVSK)
    assert list(users["manager"].managed_factories.all()) == [kirovsk]
    assert users["trainer"].trainer.factory == kirovsk
    assert {str(r) for r in roles_of(users["trainer"])} == {"trainer"}


def test_it_lets_the_coordinator_edit_the_records_in_the_admin(
    loaded: demo.DemoSummary,
) -> None:
    client = Client()
    assert client.login(username="coordinator", password=DEMO_PASSWORD)
    for page in ("/admin/registry/factory/", "/admin/registry/training/", "/admin/registry/"):
        assert client.get(page).status_code == 200, page
    kirovsk = Factory.objects.get(name=demo.KIROVSK)
    assert client.get(f"/admin/registry/factory/{kirovsk.pk}/change/").status_code == 200


def test_it_changes_nothing_when_loaded_twice(loaded: demo.DemoSummary) -> None:
    before = _counts()
    again = demo.load_demo()
    assert loaded.loaded and not again.loaded
    assert _counts() == before
    assert ProgrammeSettings.objects.count() == 1


def test_it_rebuilds_the_same_demo_after_a_reset(loaded: demo.DemoSummary) -> None:
    before, figures = _counts(), programme_figures().to_dict()
    demo.reset_demo()
    assert not Training.objects.exists() and not Enterprise.objects.exists()
    demo.load_demo()
    assert _counts() == before
    assert programme_figures().to_dict()["years"] == figures["years"]


def test_it_refuses_to_mix_the_demo_with_real_data(db: None) -> None:
    make_factory("Real factory")
    with pytest.raises(demo.DemoError):
        demo.load_demo()
    assert not Enterprise.objects.exists()


def test_it_loads_and_reports_through_the_command(db: None) -> None:
    out = io.StringIO()
    call_command("loaddemo", stdout=out)
    assert "Demo data loaded" in out.getvalue() and "27 enterprises" in out.getvalue()
    call_command("loaddemo", stdout=out)
    assert "nothing changed" in out.getvalue()
    call_command("loaddemo", "--reset", stdout=out)
    assert Enterprise.objects.count() == 27


def test_it_warns_instead_of_failing_make_run_on_real_data(db: None) -> None:
    make_factory("Real factory")
    err = io.StringIO()
    call_command("loaddemo", stdout=io.StringIO(), stderr=err)
    assert "not loaded" in err.getvalue()
