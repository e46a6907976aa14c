"""What every API route shares: error bodies, bounded ids and text, the enumerations, pages.

The enumerations repeat the models' ``TextChoices`` values under their own names, so the OpenAPI
document has one clear component per vocabulary (``TrainingStatus``, not a second ``Status``);
a test checks that they stay equal to the models' choices.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, ConfigDict

# The largest id SQLite and PostgreSQL (bigint) store: bigger ids are refused with 422 rather
# than overflowing the database driver.
MAX_ID = 2**63 - 1
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10**9
# Days the API accepts for trainings and figures: far wider than the programme (2019–2030),
# narrow enough that date arithmetic never leaves the calendar.
EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2100, 12, 31)


def _storable(value: str) -> str:
    """Refuse text a database cannot store: NUL characters (PostgreSQL) and lone surrogates
    (not encodable as UTF-8)."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("text must be valid Unicode (no lone surrogates)") from error
    return value


Text = Annotated[str, AfterValidator(_storable)]
"""A string the database can store (no NUL, valid Unicode)."""

ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A database id: a whole number from 1 to 2^63 − 1."""

Day = Annotated[datetime.date, Field(ge=EARLIEST_DAY, le=LATEST_DAY)]
"""A day from 2000-01-01 to 2100-12-31."""


# ---------------------------------------------------------------------------------------------
# Errors


class ErrorOut(Schema):
    """The body of every error answer (400, 401, 403, 404, 409)."""

    detail: str = Field(description="What went wrong, in the request's language (ru or en).")


class FieldError(Schema):
    loc: list[str | int] = Field(
        description='Where the bad value is, e.g. ["body", "payload", "full_name"] or '
        '["query", "limit"].'
    )
    msg: str = Field(description="What is wrong with it.")
    type: str = Field(description="A machine-readable kind of error, e.g. missing, value_error.")


class ValidationErrorOut(Schema):
    """The body of a 422 answer: a summary and one entry per invalid value."""

    detail: str = Field(description="A summary naming every invalid value.")
    errors: list[FieldError] = Field(description="Each invalid value with its location.")


def error_responses(*codes: int) -> dict[int, type[Schema]]:
    """The OpenAPI ``responses`` entries of the error answers a route may give."""
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in codes}


# ---------------------------------------------------------------------------------------------
# Vocabularies (values of the models' TextChoices)


class FactoryStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"


class TrainingTrack(StrEnum):
    PRODUCTION = "production"
    OFFICE = "office"


class TrainingStatus(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    HELD = "held"
    CANCELLED = "cancelled"


class RegistrationStatus(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class ParticipantCategory(StrEnum):
    EMPLOYEE = "employee"
    STUDENT = "student"
    OFFICER = "officer"


class EnterpriseIndustry(StrEnum):
    MANUFACTURING = "manufacturing"
    FOOD = "food"
    CHEMICALS = "chemicals"
    MACHINERY = "machinery"
    WOOD = "wood"
    CONSTRUCTION_MATERIALS = "construction_materials"
    LOGISTICS = "logistics"
    OTHER = "other"


class EnterprisePhase(StrEnum):
    DIAGNOSTICS = "diagnostics"
    MAIN = "main"
    SUSTAINING = "sustaining"


# ---------------------------------------------------------------------------------------------
# Pages


class PageInput(LimitOffsetPagination.Input):
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")


def _describe_items(schema: dict[str, Any]) -> None:
    # each route's page re-declares ``items`` with its own type, which drops a Field description
    schema["properties"]["items"]["description"] = "This page's items, in the list's order."


class PageOutput(LimitOffsetPagination.Output):
    items: list[Any] = Field(description="This page's items, in the list's order.")
    count: int = Field(description="How many items match, on all pages.")

    model_config = ConfigDict(json_schema_extra=_describe_items)


class Page(LimitOffsetPagination):
    """``limit`` (1–100, default 20) items from ``offset``; the answer is
    ``{"items": [...], "count": total}``."""

    Input = PageInput
    Output = PageOutput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)
