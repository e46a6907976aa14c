"""The dashboard as an XLSX workbook (XlsxWriter): one sheet per table, in the active language."""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django.utils.translation import gettext as _

from processfactory.web.dashboard.figures import ProgrammeFigures
from processfactory.web.dashboard.tables import Table

SHEET_NAME_LIMIT = 31  # Excel's limit on a sheet name
_FORBIDDEN = set("[]:*?/\\")


def sheet_name(title: str, used: set[str]) -> str:
    """``title`` as a valid, unique sheet name (no ``[]:*?/\\``, at most 31 characters)."""
    base = "".join(ch for ch in title if ch not in _FORBIDDEN)[:SHEET_NAME_LIMIT].strip()
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def dashboard_workbook(figures: ProgrammeFigures, tables: list[Table]) -> bytes:
    """The workbook: a cover sheet (region, date of the figures, demo or not), then ``tables``."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#F4F6F8", "bottom": 1, "text_wrap": True})
    date_cell = book.add_format({"num_format": "yyyy-mm-dd"})
    decimal = book.add_format({"num_format": "0.00"})
    highlight = book.add_format({"bg_color": "#FFF4D6"})
    used: set[str] = set()

    cover = book.add_worksheet(sheet_name(_("Programme"), used))
    cover.set_column(0, 0, 34)
    cover.set_column(1, 1, 28)
    cover.write(0, 0, _("Programme dashboard"), bold)
    facts: list[tuple[str, str | int | float | datetime.date]] = [
        (_("Region"), figures.region_name or "—"),
        (_("Figures as of"), figures.as_of),
        (_("Demo data"), _("yes") if figures.is_demo else _("no")),
        (_("Trained people"), figures.people_trained),
        (_("Enrolled enterprises"), figures.enterprises_enrolled),
        (_("Sustaining enterprises"), figures.enterprises_sustaining),
        (_("Trainings held"), figures.trainings_held),
        (_("Average attendance"), figures.average_attendance),
        (_("NPS"), figures.nps.score if figures.nps.score is not None else "—"),
        (_("Open factories"), figures.factories_open),
        (_("Planned factories"), figures.factories_planned),
    ]
    for row, (label, value) in enumerate(facts, start=2):
        cover.write(row, 0, label)
        if isinstance(value, datetime.date):
            cover.write_datetime(
                row, 1, datetime.datetime.combine(value, datetime.time()), date_cell
            )
        elif isinstance(value, float):
            cover.write_number(row, 1, value, decimal)
        else:
            cover.write(row, 1, value)

    for table in tables:
        sheet = book.add_worksheet(sheet_name(table.title, used))
        sheet.write(0, 0, table.title, bold)
        for col, text in enumerate(table.headers):
            sheet.write(2, col, text, header)
            sheet.set_column(col, col, 34 if col == 0 else 16)
        for i, values in enumerate(table.rows):
            row = 3 + i
            marked = i in table.highlighted
            for col, cell in enumerate(values):
                if cell is None:
                    sheet.write_blank(row, col, None, highlight if marked else None)
                elif isinstance(cell, bool):
                    sheet.write(row, col, _("yes") if cell else _("no"))
                elif isinstance(cell, datetime.date):
                    moment = datetime.datetime.combine(cell, datetime.time())
                    sheet.write_datetime(row, col, moment, date_cell)
                elif isinstance(cell, float):
                    sheet.write_number(row, col, cell, decimal)
                elif isinstance(cell, int):
                    sheet.write_number(row, col, cell, highlight if marked else None)
                else:
                    sheet.write_string(row, col, cell, highlight if marked else None)
        if table.note:
            sheet.write(4 + len(table.rows), 0, table.note)
    book.close()
    return buffer.getvalue()
