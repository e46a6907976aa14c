"""Registry services: group size, waitlist, confirmation, attendance, certificates, feedback."""

from __future__ import annotations

import threading

import pytest
import time_machine
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from processfactory.web.registry.models import (
    Certificate,
    Factory,
    Registration,
    Training,
    TrainingQuerySet,
)
from processfactory.web.registry.services import (
    RegistryError,
    cancel_registration,
    cancel_training,
    confirm_training,
    issue_certificates,
    mark_attendance,
    mark_held,
    record_feedback,
    register,
)
from web.base import (
    DAY_BEFORE,
    ON_TRAINING_DAY,
    fill_training,
    make_participant,
    make_training,
)

REGISTERED = Registration.Status.REGISTERED
WAITLISTED = Registration.Status.WAITLISTED


def statuses(training: Training) -> list[str]:
    return list(
        training.registrations.order_by("created_at", "id").values_list("status", flat=True)
    )


# ---------------------------------------------------------------------------------------------
# Registering and the waitlist


def test_it_registers_up_to_16_and_waitlists_the_17th(training_a: Training) -> None:
    registrations = fill_training(training_a, 16)
    assert {r.status for r in registrations} == {REGISTERED}
    seventeenth = register(training_a, make_participant())
    assert seventeenth.status == WAITLISTED and seventeenth.is_waitlisted
    assert training_a.registered_count == Training.MAX_GROUP


def test_it_never_lets_sequential_registrations_exceed_the_group(training_a: Training) -> None:
    fill_training(training_a, 25)
    assert statuses(training_a).count(REGISTERED) == 16
    assert statuses(training_a).count(WAITLISTED) == 9


def test_it_refuses_to_register_someone_twice(training_a: Training) -> None:
    person = make_participant()
    register(training_a, person)
    with pytest.raises(RegistryError):
        register(training_a, person)


def test_it_refuses_registration_for_a_held_or_cancelled_training(factory_a: Factory) -> None:
    for status in (Training.Status.HELD, Training.Status.CANCELLED):
        training = make_training(factory_a, status=status)
        with pytest.raises(RegistryError):
            register(training, make_participant())


def test_it_promotes_the_first_waitlisted_when_a_place_is_freed(training_a: Training) -> None:
    registrations = fill_training(training_a, 18)
    first_waiting, second_waiting = registrations[16], registrations[17]
    promoted = cancel_registration(registrations[3])
    assert promoted is not None and promoted.pk == first_waiting.pk
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == REGISTERED and second_waiting.status == WAITLISTED
    assert training_a.registered_count == 16


def test_it_promotes_nobody_when_a_waitlisted_person_cancels(training_a: Training) -> None:
    registrations = fill_training(training_a, 18)
    assert cancel_registration(registrations[16]) is None
    assert registrations[16].status == Registration.Status.CANCELLED
    assert statuses(training_a).count(REGISTERED) == 16


def test_it_refuses_to_cancel_twice(training_a: Training) -> None:
    (registration,) = fill_training(training_a, 1)
    cancel_registration(registration)
    with pytest.raises(RegistryError):
        cancel_registration(registration)


def test_it_lets_someone_register_again_after_cancelling(training_a: Training) -> None:
    person = make_participant()
    cancel_registration(register(training_a, person))
    again = register(training_a, person)
    assert again.status == REGISTERED
    assert training_a.registrations.filter(participant=person).count() == 1


# ---------------------------------------------------------------------------------------------
# Concurrency: the training row is locked for every change of its list


def test_it_locks_the_training_row_inside_a_transaction(
    training_a: Training, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    original = TrainingQuerySet.select_for_update

    def spy(self: TrainingQuerySet, *args: object, **kwargs: object) -> TrainingQuerySet:
        calls.append(connection.in_atomic_block)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TrainingQuerySet, "select_for_update", spy)
    registration = register(training_a, make_participant())
    cancel_registration(registration)
    assert calls == [True, True]


@pytest.mark.django_db
def test_it_asks_postgresql_for_a_row_lock(training_a: Training) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SELECT … FOR UPDATE is a PostgreSQL path (SQLite locks at BEGIN IMMEDIATE)")
    with CaptureQueriesContext(connection) as queries:
        register(training_a, make_participant())
    assert any("FOR UPDATE" in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_it_never_exceeds_16_under_concurrent_registrations(factory_a: Factory) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need a server database (run with DATABASE_URL)")
    training = make_training(factory_a)
    people = [make_participant() for _i in range(24)]
    start = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def attempt(person_index: int) -> None:
        try:
            start.wait()
            register(training, people[person_index])
        except BaseException as err:  # reported below, not lost in the thread
            errors.append(err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert training.registrations.filter(status=REGISTERED).count() == 16
    assert training.registrations.filter(status=WAITLISTED).count() == 8


# ---------------------------------------------------------------------------------------------
# Confirming, holding, cancelling


def test_it_refuses_to_confirm_a_training_that_is_not_viable(training_a: Training) -> None:
    fill_training(training_a, 11)
    with translation.override("en"), pytest.raises(RegistryError) as err:
        confirm_training(training_a)
    assert "not viable" in err.value.message and "11" in err.value.message
    assert training_a.status == Training.Status.DRAFT


def test_it_explains_the_refusal_in_russian_by_default(training_a: Training) -> None:
    with translation.override("ru"), pytest.raises(RegistryError) as err:
        confirm_training(training_a)
    assert "Группа не набрана" in err.value.message


def test_it_confirms_a_training_with_12_registered(training_a: Training) -> None:
    fill_training(training_a, 12)
    assert confirm_training(training_a).status == Training.Status.CONFIRMED
    with pytest.raises(RegistryError):
        confirm_training(training_a)


def test_it_cancels_a_draft_but_not_a_held_training(factory_a: Factory) -> None:
    assert cancel_training(make_training(factory_a)).status == Training.Status.CANCELLED
    with pytest.raises(RegistryError):
        cancel_training(make_training(factory_a, status=Training.Status.HELD))


def test_it_marks_a_training_held_only_from_its_date(training_a: Training) -> None:
    fill_training(training_a, 12)
    confirm_training(training_a)
    with time_machine.travel(DAY_BEFORE, tick=False), pytest.raises(RegistryError):
        mark_held(training_a)
    with time_machine.travel(ON_TRAINING_DAY, tick=False):
        assert mark_held(training_a).status == Training.Status.HELD


# ---------------------------------------------------------------------------------------------
# Attendance, certificates, feedback


@pytest.fixture
def confirmed_a(training_a: Training) -> Training:
    fill_training(training_a, 14)
    return confirm_training(training_a)


def test_it_refuses_attendance_before_the_training_day(confirmed_a: Training) -> None:
    first = confirmed_a.registrations.first()
    assert first is not None
    with time_machine.travel(DAY_BEFORE, tick=False), pytest.raises(RegistryError):
        mark_attendance(confirmed_a, {first.pk: True})
    first.refresh_from_db()
    assert first.attended is None


def test_it_marks_attendance_on_the_training_day(confirmed_a: Training) -> None:
    ids = list(confirmed_a.registrations.values_list("pk", flat=True))
    with time_machine.travel(ON_TRAINING_DAY, tick=False):
        marked = mark_attendance(confirmed_a, {pk: pk != ids[0] for pk in ids})
    assert marked == 14
    assert confirmed_a.registrations.filter(attended=True).count() == 13
    assert confirmed_a.registrations.filter(attended=False).count() == 1


def test_it_marks_attendance_only_for_registered_people(confirmed_a: Training) -> None:
    waiting = [r for r in fill_training(confirmed_a, 3) if r.is_waitlisted]
    registered = confirmed_a.registrations.filter(status=REGISTERED).first()
    assert waiting and registered is not None
    with time_machine.travel(ON_TRAINING_DAY, tick=False), pytest.raises(RegistryError):
        mark_attendance(confirmed_a, {registered.pk: True, waiting[0].pk: True})
    registered.refresh_from_db()
    assert registered.attended is None  # all or nothing


def test_it_refuses_attendance_for_another_trainings_registration(
    confirmed_a: Training, training_b: Training
) -> None:
    (other,) = fill_training(training_b, 1)
    with time_machine.travel(ON_TRAINING_DAY, tick=False), pytest.raises(RegistryError):
        mark_attendance(confirmed_a, {other.pk: True})


def test_it_refuses_attendance_for_a_draft(training_a: Training) -> None:
    (registration,) = fill_training(training_a, 1)
    with time_machine.travel(ON_TRAINING_DAY, tick=False), pytest.raises(RegistryError):
        mark_attendance(training_a, {registration.pk: True})


def test_it_issues_certificates_to_attendees_of_a_held_training(confirmed_a: Training) -> None:
    ids = list(confirmed_a.registrations.values_list("pk", flat=True))
    with pytest.raises(RegistryError):
        issue_certificates(confirmed_a)  # not held yet
    with time_machine.travel(ON_TRAINING_DAY, tick=False):
        mark_attendance(confirmed_a, {pk: i < 10 for i, pk in enumerate(ids)})
        mark_held(confirmed_a)
    issued = issue_certificates(confirmed_a)
    assert len(issued) == 10
    assert {c.registration.attended for c in issued} == {True}
    assert len({c.code for c in issued}) == 10
    assert issue_certificates(confirmed_a) == []  # idempotent
    assert Certificate.objects.count() == 10


def test_it_takes_feedback_from_attendees_only(confirmed_a: Training) -> None:
    came, absent = list(confirmed_a.registrations.all()[:2])
    with time_machine.travel(ON_TRAINING_DAY, tick=False):
        mark_attendance(confirmed_a, {came.pk: True, absent.pk: False})
    came.refresh_from_db()
    absent.refresh_from_db()
    assert record_feedback(came, 9, "Useful").score == 9
    assert record_feedback(came, 10).score == 10  # replaced, not duplicated
    with pytest.raises(RegistryError):
        record_feedback(absent, 5)
    with pytest.raises(RegistryError):
        record_feedback(came, 11)
