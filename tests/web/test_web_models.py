"""Registry models: validation, constraints and the group-size properties."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from processfactory.web.registry.models import (
    CERTIFICATE_ALPHABET,
    Enterprise,
    Factory,
    Participant,
    Training,
    new_certificate_code,
)
from processfactory.web.registry.validators import (
    inn10_is_valid,
    inn10_with_check_digit,
    validate_inn,
)
from web.base import (
    INVALID_INNS,
    VALID_INNS,
    fill_training,
    make_enterprise,
    make_participant,
    make_training,
)


@pytest.mark.parametrize("inn", VALID_INNS)
def test_it_accepts_an_inn_with_the_right_check_digit(inn: str) -> None:
    assert inn10_is_valid(inn)
    validate_inn(inn)


@pytest.mark.parametrize("inn", INVALID_INNS)
def test_it_rejects_a_malformed_inn_or_a_wrong_check_digit(inn: str) -> None:
    assert not inn10_is_valid(inn)
    with pytest.raises(ValidationError):
        validate_inn(inn)


def test_it_computes_check_digits_the_validator_accepts() -> None:
    for first_nine in ("770708389", "470000001", "123456789"):
        assert inn10_is_valid(inn10_with_check_digit(first_nine))
    assert [inn10_with_check_digit(inn[:9]) for inn in VALID_INNS] == list(VALID_INNS)


def test_it_validates_an_enterprise_inn_and_year_on_full_clean(db: None) -> None:
    enterprise = Enterprise(
        name="Bad", tax_id="7707083894", industry=Enterprise.Industry.WOOD, joined_year=2018
    )
    with pytest.raises(ValidationError) as err:
        enterprise.full_clean()
    assert set(err.value.message_dict) == {"tax_id", "joined_year"}


def test_it_keeps_an_inn_unique(db: None) -> None:
    make_enterprise(tax_id=VALID_INNS[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        make_enterprise(tax_id=VALID_INNS[0])


def test_it_requires_an_enterprise_for_an_employee(db: None) -> None:
    employee = Participant(full_name="Ivan", category=Participant.Category.EMPLOYEE)
    with pytest.raises(ValidationError) as err:
        employee.full_clean()
    assert "enterprise" in err.value.message_dict
    employee.enterprise = make_enterprise()
    employee.full_clean()


def test_it_lets_students_and_officers_come_without_an_enterprise(db: None) -> None:
    for category in (Participant.Category.STUDENT, Participant.Category.OFFICER):
        Participant(full_name="Olga", category=category, organisation="College").full_clean()


def test_the_database_also_refuses_an_employee_without_enterprise(db: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_participant(category=Participant.Category.EMPLOYEE)


def test_it_requires_an_opening_date_for_an_open_factory(db: None) -> None:
    factory = Factory(name="X", host_institution="College", status=Factory.Status.OPEN)
    with pytest.raises(ValidationError) as err:
        factory.full_clean()
    assert "opened_on" in err.value.message_dict


def test_it_refuses_a_track_the_factory_does_not_run(factory_b: Factory) -> None:
    training = Training(factory=factory_b, date="2026-03-12", track=Training.Track.OFFICE)
    with pytest.raises(ValidationError) as err:
        training.full_clean()
    assert "track" in err.value.message_dict


def test_it_counts_only_registered_people_towards_the_group(factory_a: Factory) -> None:
    training = make_training(factory_a)
    fill_training(training, 11)
    assert training.registered_count == 11
    assert not training.is_viable and not training.is_full
    fill_training(training, 1)
    assert training.is_viable and not training.is_full
    fill_training(training, 6)  # 16 registered, 2 waitlisted
    assert training.registered_count == Training.MAX_GROUP
    assert training.is_full
    annotated = Training.objects.with_counts().get(pk=training.pk)
    assert (annotated.registered_total, annotated.waitlisted_total) == (16, 2)
    assert annotated.registered_count == 16


def test_it_names_objects_for_people(factory_a: Factory) -> None:
    training = make_training(factory_a)
    assert str(factory_a) == "Kirovsk Process Factory"
    assert "2026-03-12" in str(training) and str(factory_a) in str(training)


def test_it_makes_certificate_codes_people_can_type() -> None:
    codes = {new_certificate_code() for _i in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 10 and set(code) <= set(CERTIFICATE_ALPHABET)
    assert not set("01OIL") & set(CERTIFICATE_ALPHABET)
