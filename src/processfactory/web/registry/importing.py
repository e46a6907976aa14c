"""Participant lists from CSV and XLSX files: every row is checked first, then all of it is
saved in one transaction, or nothing is.

A file has one header row and one participant per row. Headers are English or Russian, in any
case and order (``HEADER_ALIASES``); ``full name`` and ``category`` are required columns,
``organisation``, ``enterprise INN``, ``email`` and ``phone`` optional ones. Row numbers in
errors are the numbers a spreadsheet shows: the header is usually row 1, the first person row 2.

A person already in the registry (same email, or same full name and organisation) is *matched*,
not created again. With a ``training``, everyone in the file is registered for it through
``services.register`` (past ``Training.MAX_GROUP`` they are waitlisted).

XLSX is read with openpyxl (a runtime dependency of the web app for this module).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext_lazy

from processfactory.web.registry.models import Enterprise, Participant, Registration, Training
from processfactory.web.registry.permissions import (
    can_manage_training,
    can_register_people,
    enterprise_choices_for,
    registrable_participants,
)
from processfactory.web.registry.services import RegistryError, register
from processfactory.web.registry.validators import validate_inn

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Largest accepted file: 2 MB (a list of a few thousand people)."""

MAX_ROWS = 5000
"""Most person rows in one file."""

EXTENSIONS = (".csv", ".xlsx")

_PHONE = re.compile(r"\+?[0-9(][0-9 ()\-]{4,30}")


def validate_phone(value: str) -> None:
    """Django validator: a phone number of digits, spaces, brackets and dashes, ``+`` first."""
    if not _PHONE.fullmatch(value) or sum(ch.isdigit() for ch in value) < 5:
        raise ValidationError(
            _("Write the phone number with digits, e.g. +7 812 123-45-67."), code="phone"
        )


class Column(StrEnum):
    FULL_NAME = "full_name"
    CATEGORY = "category"
    ORGANISATION = "organisation"
    ENTERPRISE_INN = "enterprise_inn"
    EMAIL = "email"
    PHONE = "phone"


# The headers of the downloadable template, in the active language (both languages are read).
# (A context of their own: Django's catalogs translate a bare "Email" differently.)
COLUMN_LABELS = {
    Column.FULL_NAME: pgettext_lazy("import column", "Full name"),
    Column.CATEGORY: pgettext_lazy("import column", "Category"),
    Column.ORGANISATION: pgettext_lazy("import column", "Organisation"),
    Column.ENTERPRISE_INN: pgettext_lazy("import column", "Enterprise INN"),
    Column.EMAIL: pgettext_lazy("import column", "Email"),
    Column.PHONE: pgettext_lazy("import column", "Phone"),
}
REQUIRED_COLUMNS = (Column.FULL_NAME, Column.CATEGORY)


def normalise_header(text: str) -> str:
    """Lower case, ``ё`` as ``е``, ``_`` as a space, single spaces, no trailing ``*`` or ``:``."""
    text = text.replace("\ufeff", "").replace("ё", "е").replace("Ё", "Е").replace("_", " ")
    text = re.sub(r"\s+", " ", text).strip().rstrip("*:").strip()
    return text.lower()


HEADER_ALIASES: dict[str, Column] = {
    normalise_header(alias): column
    for column, aliases in {
        Column.FULL_NAME: ("full name", "name", "фио", "ф.и.о.", "ф. и. о.", "полное имя"),
        Column.CATEGORY: ("category", "категория"),
        Column.ORGANISATION: ("organisation", "organization", "организация"),
        Column.ENTERPRISE_INN: (
            "enterprise inn",
            "inn",
            "enterprise tax id",
            "tax id",
            "инн",
            "инн предприятия",
        ),
        Column.EMAIL: ("email", "e-mail", "электронная почта", "эл. почта", "почта"),
        Column.PHONE: ("phone", "telephone", "телефон"),
    }.items()
    for alias in aliases
}

CATEGORY_ALIASES: dict[str, str] = {
    normalise_header(alias): str(category)
    for category, aliases in {
        Participant.Category.EMPLOYEE: (
            "employee",
            "enterprise employee",
            "сотрудник",
            "сотрудник предприятия",
            "работник предприятия",
        ),
        Participant.Category.STUDENT: ("student", "студент", "студентка"),
        Participant.Category.OFFICER: (
            "officer",
            "public officer",
            "госслужащий",
            "госслужащая",
            "государственный служащий",
        ),
    }.items()
    for alias in aliases
}

# How the template spells each category in the active language (all spellings are read).
CATEGORY_TEMPLATE_VALUES = {
    "en": ("employee", "student", "officer"),
    "ru": ("сотрудник предприятия", "студент", "госслужащий"),
}

# Participant field → the column its model errors belong to.
_FIELD_COLUMNS = {
    "full_name": Column.FULL_NAME,
    "category": Column.CATEGORY,
    "organisation": Column.ORGANISATION,
    "enterprise": Column.ENTERPRISE_INN,
    "email": Column.EMAIL,
    "phone": Column.PHONE,
}


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` as the spreadsheet numbers it (``None``: the whole file),
    ``column`` the header as written in the file (empty: the whole row or file)."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportResult:
    """What an import did. Any ``errors`` mean nothing was saved (all counts are then 0)."""

    rows: int = 0
    created: int = 0
    matched: int = 0
    registered: int = 0
    waitlisted: int = 0
    already_registered: int = 0
    errors: list[RowError] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Refused(Exception):
    """The file as a whole cannot be read; ``errors`` say why."""

    def __init__(self, *errors: RowError) -> None:
        super().__init__(errors)
        self.errors = list(errors)


def _file_error(message: str) -> _Refused:
    return _Refused(RowError(None, "", message))


@dataclass
class _Row:
    number: int
    participant: Participant


# ---------------------------------------------------------------------------------------------
# Reading the file into rows of text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # spreadsheets store INNs and phone numbers typed as numbers as floats
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).replace("\u00a0", " ").replace("\ufeff", "").strip()


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise _file_error(_("This file is not CSV text. Save the list as CSV or XLSX."))
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(
        _("The file is neither UTF-8 nor Windows-1251 text. Save it as CSV (UTF-8) and retry.")
    )


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # the delimiter is the one the header uses most: Excel in Russian saves with ";"
    delimiter = max(";,\t", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            yield number, [_cell_text(cell) for cell in record]
    except csv.Error as error:
        raise _file_error(
            _("The CSV file cannot be read near row %(row)d: %(reason)s")
            % {"row": reader.line_num, "reason": error}
        ) from error


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # openpyxl raises many kinds of errors on a damaged or disguised file; all mean the same
    except Exception as error:
        raise _file_error(
            _("This is not a readable XLSX workbook. Open it in a spreadsheet and save as XLSX.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = [
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    # a damaged sheet inside a readable archive fails only while its rows are read
    except Exception as error:
        raise _file_error(
            _("This is not a readable XLSX workbook. Open it in a spreadsheet and save as XLSX.")
        ) from error
    finally:
        workbook.close()
    yield from rows


def _read_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    name = filename.lower()
    if name.endswith(".csv"):
        return _csv_rows(data)
    if name.endswith(".xlsx"):
        return _xlsx_rows(data)
    raise _file_error(
        _("Files of this type cannot be imported: %(name)s. Upload a .csv or .xlsx file.")
        % {"name": filename}
    )


# ---------------------------------------------------------------------------------------------
# Headers


def _header(
    rows: Iterable[tuple[int, list[str]]],
) -> tuple[int, list[tuple[int, Column, str]], list[tuple[int, list[str]]]]:
    """The header row's number, its known columns (index, column, header as written) and the
    person rows after it. Refuses unknown, repeated and missing columns."""
    materialised = [(number, cells) for number, cells in rows if any(cells)]
    if not materialised:
        raise _file_error(_("The file is empty."))
    header_number, header_cells = materialised[0]
    body = materialised[1:]
    errors = []
    columns: list[tuple[int, Column, str]] = []
    seen: dict[Column, str] = {}
    for index, text in enumerate(header_cells):
        if not text:
            if any(index < len(cells) and cells[index] for _n, cells in body):
                errors.append(
                    RowError(
                        header_number,
                        "",
                        _("Column %(number)d has values but no header.") % {"number": index + 1},
                    )
                )
            continue
        column = _column_for(text)
        if column is None:
            errors.append(
                RowError(
                    header_number,
                    text,
                    _("Unknown column “%(column)s”. The columns are: %(expected)s.")
                    % {"column": text, "expected": _expected_columns()},
                )
            )
        elif column in seen:
            errors.append(
                RowError(
                    header_number,
                    text,
                    _("Column “%(column)s” repeats column “%(first)s”.")
                    % {"column": text, "first": seen[column]},
                )
            )
        else:
            seen[column] = text
            columns.append((index, column, text))
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            errors.append(
                RowError(
                    header_number,
                    str(COLUMN_LABELS[column]),
                    _("The required column “%(column)s” is missing.")
                    % {"column": COLUMN_LABELS[column]},
                )
            )
    if errors:
        raise _Refused(*errors)
    if not body:
        raise _file_error(_("The file has a header but no participants."))
    if len(body) > MAX_ROWS:
        raise _file_error(
            _("The file has %(count)d rows; at most %(max)d can be imported at once.")
            % {"count": len(body), "max": MAX_ROWS}
        )
    return header_number, columns, body


def _column_for(header: str) -> Column | None:
    """The column a header names: a known alias, or a template label in any language."""
    key = normalise_header(header)
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    for language, _name in settings.LANGUAGES:
        with override(language):
            for column, label in COLUMN_LABELS.items():
                if normalise_header(str(label)) == key:
                    return column
    return None


def _expected_columns() -> str:
    return ", ".join(str(label) for label in COLUMN_LABELS.values())


# ---------------------------------------------------------------------------------------------
# Rows


class _RowChecker:
    """Turns person rows into unsaved participants, collecting every error."""

    def __init__(self, columns: list[tuple[int, Column, str]], user: Any) -> None:
        self.columns = columns
        self.headers = {column: text for _index, column, text in columns}
        self.user = user
        self.errors: list[RowError] = []
        self.enterprises: dict[str, Enterprise] = {}
        self.first_by_email: dict[str, int] = {}
        self.first_by_name: dict[tuple[str, str], int] = {}

    def header(self, column: Column) -> str:
        return self.headers.get(column, str(COLUMN_LABELS[column]))

    def load_enterprises(self, body: list[tuple[int, list[str]]]) -> None:
        index = next((i for i, c, _t in self.columns if c == Column.ENTERPRISE_INN), None)
        if index is None:
            return
        inns = {_inn(cells[index]) for _n, cells in body if index < len(cells) and cells[index]}
        self.enterprises = {
            str(e.tax_id): e for e in enterprise_choices_for(self.user).filter(tax_id__in=inns)
        }

    def check(self, number: int, cells: list[str]) -> _Row | None:
        values = {column: "" for column in Column}
        for index, column, _text in self.columns:
            values[column] = cells[index] if index < len(cells) else ""
        errors: dict[Column, str] = {}

        category = ""
        if not values[Column.CATEGORY]:
            errors[Column.CATEGORY] = _("The category is required.")
        else:
            category = CATEGORY_ALIASES.get(normalise_header(values[Column.CATEGORY]), "")
            if not category:
                errors[Column.CATEGORY] = _(
                    "Unknown category “%(value)s”: write employee, student or officer "
                    "(сотрудник предприятия, студент, госслужащий)."
                ) % {"value": values[Column.CATEGORY]}
        if not values[Column.FULL_NAME]:
            errors[Column.FULL_NAME] = _("The full name is required.")

        enterprise = None
        inn = _inn(values[Column.ENTERPRISE_INN])
        if inn:
            try:
                validate_inn(inn)
            except ValidationError as error:
                errors[Column.ENTERPRISE_INN] = " ".join(error.messages)
            else:
                enterprise = self.enterprises.get(inn)
                if enterprise is None:
                    errors[Column.ENTERPRISE_INN] = _(
                        "No enterprise with INN %(inn)s is in the registry. Ask the programme "
                        "coordinator to add it, or correct the INN."
                    ) % {"inn": inn}
        elif category == Participant.Category.EMPLOYEE:
            errors[Column.ENTERPRISE_INN] = _(
                "An enterprise employee needs the INN of their enterprise."
            )

        if values[Column.PHONE]:
            try:
                validate_phone(values[Column.PHONE])
            except ValidationError as error:
                errors[Column.PHONE] = " ".join(error.messages)

        organisation = values[Column.ORGANISATION]
        if not organisation and enterprise is not None:
            organisation = str(enterprise.name)
        participant = Participant(
            full_name=values[Column.FULL_NAME],
            category=category,
            organisation=organisation,
            enterprise=enterprise,
            email=values[Column.EMAIL],
            phone=values[Column.PHONE],
        )
        # the model's own rules (lengths, email format, an employee's enterprise), reported on
        # the column they concern unless that column already has a more precise message
        try:
            participant.full_clean()
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                field_column = _FIELD_COLUMNS.get(field_name)
                if field_column is not None:
                    errors.setdefault(field_column, " ".join(messages))
                elif not errors:
                    # a rule about the whole row (a model constraint): shown once, for the row
                    self.errors.append(RowError(number, "", " ".join(messages)))

        row_failed = bool(self.errors) and self.errors[-1].row == number
        if not errors and not row_failed:
            self._check_duplicate(number, participant, errors)
        for column in Column:
            if column in errors:
                self.errors.append(RowError(number, self.header(column), errors[column]))
        return None if errors or row_failed else _Row(number, participant)

    def _check_duplicate(
        self, number: int, participant: Participant, errors: dict[Column, str]
    ) -> None:
        email = str(participant.email).casefold()
        name = (str(participant.full_name).casefold(), str(participant.organisation).casefold())
        if email and email in self.first_by_email:
            errors[Column.EMAIL] = _("The same email as in row %(row)d: one person, one row.") % {
                "row": self.first_by_email[email]
            }
        elif name in self.first_by_name:
            errors[Column.FULL_NAME] = _(
                "The same name and organisation as in row %(row)d: one person, one row."
            ) % {"row": self.first_by_name[name]}
        else:
            if email:
                self.first_by_email[email] = number
            self.first_by_name[name] = number


def _inn(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------------------------------------
# Saving


def _existing(participant: Participant) -> Participant | None:
    """The registry's record of the same person: same email, or same name and organisation."""
    if participant.email:
        found = Participant.objects.filter(email__iexact=participant.email).first()
        if found is not None:
            return found
    return Participant.objects.filter(
        full_name__iexact=participant.full_name, organisation__iexact=participant.organisation
    ).first()


class _Rollback(Exception):
    pass


def _save(rows: list[_Row], training: Training | None, result: ImportResult, user: Any) -> None:
    registrable = registrable_participants(user)
    for row in rows:
        existing = _existing(row.participant)
        if existing is not None and not registrable.filter(pk=existing.pk).exists():
            # the same person is on another factory's lists: matching would hand their record
            # (phone, enterprise) to this user, so the coordinator decides instead
            result.errors.append(
                RowError(
                    row.number,
                    "",
                    _(
                        "This person (same email, or same name and organisation) is already "
                        "registered at another factory; ask the programme coordinator to add them."
                    ),
                )
            )
            continue
        if existing is None:
            row.participant.save()
            result.created += 1
            participant = row.participant
        else:
            result.matched += 1
            participant = existing
        result.participants.append(participant)
        if training is None:
            continue
        on_list = Registration.objects.filter(training=training, participant=participant).exclude(
            status=Registration.Status.CANCELLED
        )
        if on_list.exists():
            result.already_registered += 1
            continue
        try:
            registration = register(training, participant)
        except RegistryError as error:
            result.errors.append(RowError(row.number, "", error.message))
            raise _Rollback from error
        if registration.is_waitlisted:
            result.waitlisted += 1
        else:
            result.registered += 1
    if result.errors:
        raise _Rollback


# ---------------------------------------------------------------------------------------------
# The entry point


def import_participants(
    data: bytes, filename: str, *, user: Any, training: Training | None = None
) -> ImportResult:
    """Import a participant list (``.csv`` or ``.xlsx`` bytes) on behalf of ``user``; with a
    ``training``, register everyone in it for that training.

    All or nothing: when ``result.errors`` is not empty nothing was saved. Raises
    ``PermissionDenied`` when ``user`` may not register people (or not for ``training``).
    """
    if not can_register_people(user):
        raise PermissionDenied
    if training is not None and not can_manage_training(user, training):
        raise PermissionDenied
    result = ImportResult()
    try:
        if not data:
            raise _file_error(_("The file is empty."))
        if len(data) > MAX_FILE_BYTES:
            raise _file_error(
                _("The file is too large: %(size)s; the limit is %(limit)s.")
                % {"size": _megabytes(len(data)), "limit": _megabytes(MAX_FILE_BYTES)}
            )
        _number, columns, body = _header(_read_rows(data, filename))
    except _Refused as refused:
        result.errors = refused.errors
        return result

    result.rows = len(body)
    checker = _RowChecker(columns, user)
    checker.load_enterprises(body)
    rows = [row for number, cells in body if (row := checker.check(number, cells)) is not None]
    if checker.errors:
        result.errors = checker.errors
        return result

    try:
        with transaction.atomic():
            _save(rows, training, result, user)
    except _Rollback:
        return ImportResult(rows=result.rows, errors=result.errors)
    return result


def _megabytes(size: int) -> str:
    return _("%(value)s MB") % {"value": f"{size / 1024 / 1024:.1f}"}


# ---------------------------------------------------------------------------------------------
# The template


def participant_template_xlsx(language: str) -> bytes:
    """An empty participant list with the headers in ``language`` (``ru`` or ``en``), a category
    drop-down and text-formatted INN/phone columns (so leading zeros survive)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Participants")[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#F4F6F8", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    widths = {
        Column.FULL_NAME: 36,
        Column.CATEGORY: 24,
        Column.ORGANISATION: 36,
        Column.ENTERPRISE_INN: 18,
        Column.EMAIL: 30,
        Column.PHONE: 20,
    }
    for index, column in enumerate(Column):
        sheet.write_string(0, index, str(COLUMN_LABELS[column]), bold)
        cell_format = text if column in (Column.ENTERPRISE_INN, Column.PHONE) else None
        sheet.set_column(index, index, widths[column], cell_format)
    categories = CATEGORY_TEMPLATE_VALUES.get(language, CATEGORY_TEMPLATE_VALUES["en"])
    category_index = list(Column).index(Column.CATEGORY)
    sheet.data_validation(
        1,
        category_index,
        MAX_ROWS,
        category_index,
        {"validate": "list", "source": list(categories), "ignore_blank": True},
    )
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


__all__ = [
    "COLUMN_LABELS",
    "EXTENSIONS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "Column",
    "ImportResult",
    "RowError",
    "import_participants",
    "participant_template_xlsx",
    "validate_phone",
]
