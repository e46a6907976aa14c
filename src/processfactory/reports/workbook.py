"""The debrief figures as an XLSX workbook (XlsxWriter), in English or Russian.

Sheets, in order:

* KPIs — the report's KPI table: one row per KPI (labour productivity first), then one row per
  station's utilization; per round four columns: mean, 95 % CI low, 95 % CI high and % change
  of the mean against round 1. Column A holds the KPI key (``labour_productivity``,
  ``utilization.<station>``) so that formulas and scripts can find a row.
* one sheet per round — every replication's KPI values (scalars, then each station's
  utilization), one row per replication;
* Levers — the lean tools of every round (new ones and the cumulative list);
* Definitions — every KPI's name, unit and exact definition.

Every figure is a number, never text. KPIs that are fractions 0–1 are stored as the fraction
with a percent number format (so Excel shows 97.4 % for 0.974), and so is the % change (0.25
shown as +25.0 %): the stored values equal the ``RoundsComparison``'s numbers.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter

from processfactory.reports.labels import (
    PERCENT_KPIS,
    Lang,
    check_lang,
    format_params,
    kpi_definition,
    kpi_label,
    kpi_unit,
    round_heading,
    text,
)
from processfactory.reports.tables import (
    KpiRow,
    kpi_rows,
    kpi_value,
    lever_lines,
    replication_table,
    station_rows,
)

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    from processfactory.rounds import RoundsComparison

HEADER_ROWS = 4
"""Rows above the KPI table's first data row: title, subtitle, round names, column names."""

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NUMBER = "0.000"
_PERCENT = "0.0%"
_CHANGE = "+0.0%;-0.0%;0.0%"


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unused worksheet name: forbidden characters replaced, at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub("-", name).strip("'").strip() or "Sheet"
    base = base[:31]
    candidate, k = base, 2
    while candidate.lower() in taken:
        suffix = f" ({k})"
        candidate = base[: 31 - len(suffix)] + suffix
        k += 1
    taken.add(candidate.lower())
    return candidate


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.muted = book.add_format({"font_color": "#5b6472"})
        self.header = book.add_format(
            {"bold": True, "bg_color": "#f3f5f8", "bottom": 1, "text_wrap": True, "valign": "top"}
        )
        self.round = book.add_format(
            {"bold": True, "bg_color": "#dbe6f2", "align": "center", "border": 1}
        )
        self.number = book.add_format({"num_format": _NUMBER})
        self.percent = book.add_format({"num_format": _PERCENT})
        self.change = book.add_format({"num_format": _CHANGE, "font_color": "#5b6472"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.key = book.add_format({"font_color": "#5b6472", "valign": "top"})
        self.bold = book.add_format({"bold": True, "valign": "top"})


def _write_number(sheet: Worksheet, row: int, col: int, value: Any, fmt: Format) -> None:
    number = kpi_value(value)
    if number is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, number, fmt)


def _header(
    sheet: Worksheet, row: int, labels: Sequence[str], fmt: _Formats, first: int = 0
) -> None:
    """Column names along ``row``, from column ``first`` on."""
    for col, label in enumerate(labels, start=first):
        sheet.write_string(row, col, label, fmt.header)


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    """Column widths from column A on, one per column."""
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)


def _kpi_sheet(
    book: xlsxwriter.Workbook,
    comparison: RoundsComparison,
    lang: Lang,
    fmt: _Formats,
    name: str,
    date: str | None,
) -> None:
    sheet = book.add_worksheet(name)
    rounds = comparison.rounds
    sheet.write_string(0, 0, f"{text('report', lang)}: {comparison.title_in(lang)}", fmt.title)
    subtitle = f"{text('factory', lang)}: {comparison.factory}"
    if date:
        subtitle += f" · {text('date', lang)}: {date}"
    replications = comparison.replications or rounds[0].result.replications
    subtitle += f" · {text('replications', lang)}: {replications}"
    sheet.write_string(1, 0, subtitle, fmt.muted)
    head = HEADER_ROWS - 1
    _header(sheet, head, (text("key", lang), text("kpi", lang), text("unit", lang)), fmt)
    for i, rnd in enumerate(rounds):
        first = 3 + 4 * i
        title = round_heading(rnd.name_in(lang), i + 1, lang)
        sheet.merge_range(head - 1, first, head - 1, first + 3, title, fmt.round)
        columns = (text("mean", lang), text("ci_low", lang), text("ci_high", lang))
        _header(sheet, head, (*columns, text("change_pct", lang)), fmt, first)
    rows: list[KpiRow] = kpi_rows(comparison, lang) + station_rows(comparison, lang)
    for r, row in enumerate(rows, start=HEADER_ROWS):
        sheet.write_string(r, 0, row.key, fmt.key)
        label = row.label
        if row.key.startswith("utilization."):
            label = f"{kpi_label('utilization', lang)}: {row.label}"
        sheet.write_string(r, 1, label, fmt.bold if r == HEADER_ROWS else None)
        sheet.write_string(r, 2, row.unit)
        value_fmt = fmt.percent if row.percent else fmt.number
        for i, cell in enumerate(row.cells):
            first = 3 + 4 * i
            _write_number(sheet, r, first, cell.mean, value_fmt)
            _write_number(sheet, r, first + 1, cell.low, value_fmt)
            _write_number(sheet, r, first + 2, cell.high, value_fmt)
            change = None if cell.change is None else cell.change / 100.0
            _write_number(sheet, r, first + 3, change, fmt.change)
    _widths(sheet, (22, 34, 16))
    sheet.set_column(3, 2 + 4 * len(rounds), 12)
    sheet.set_row(head, 45)
    sheet.freeze_panes(HEADER_ROWS, 3)


def _round_sheet(
    book: xlsxwriter.Workbook,
    comparison: RoundsComparison,
    index: int,
    lang: Lang,
    fmt: _Formats,
    name: str,
) -> None:
    rnd = comparison.rounds[index]
    scenario = rnd.scenario
    sheet = book.add_worksheet(name)
    title = round_heading(rnd.name_in(lang), index + 1, lang)
    sheet.write_string(0, 0, title, fmt.title)
    keys, stations = replication_table(rnd.result.kpis)
    head = 2
    sheet.write_string(head, 0, text("replication", lang), fmt.header)
    units = dict(time_unit=scenario.time_unit, currency=scenario.costs.currency)
    columns: list[tuple[str, str | None]] = [(k, None) for k in keys]
    columns += [("utilization", sid) for sid in stations]
    names = scenario.station_names(lang)
    for col, (key, sid) in enumerate(columns, start=1):
        label = (
            kpi_label(key, lang)
            if sid is None
            else f"{kpi_label(key, lang)}: {names.get(sid, sid)}"
        )
        unit = kpi_unit(key, lang, **units)
        sheet.write_string(head, col, f"{label} ({unit})" if unit else label, fmt.header)
        sheet.write_comment(head, col, key if sid is None else f"{key}.{sid}")
    for r, rep in enumerate(rnd.result.kpis, start=head + 1):
        sheet.write_number(r, 0, r - head)
        for col, (key, sid) in enumerate(columns, start=1):
            value = rep.get(key)
            if sid is not None:
                value = value.get(sid) if isinstance(value, Mapping) else None
            percent = key in PERCENT_KPIS
            _write_number(sheet, r, col, value, fmt.percent if percent else fmt.number)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, len(columns), 16)
    sheet.set_row(head, 60)
    sheet.freeze_panes(head + 1, 1)


def _levers_sheet(
    book: xlsxwriter.Workbook, comparison: RoundsComparison, lang: Lang, fmt: _Formats, name: str
) -> None:
    sheet = book.add_worksheet(name)
    columns = (
        f"{text('round', lang)} №" if lang == "ru" else f"{text('round', lang)} #",
        text("round", lang),
        text("key", lang),
        text("lever", lang),
        text("summary", lang),
        text("parameters", lang),
        text("new_in_round", lang),
    )
    _header(sheet, 0, columns, fmt)
    r = 1
    lines = [lever_lines(comparison, i, lang) for i in range(len(comparison.rounds))]
    for i, rnd in enumerate(comparison.rounds):
        earlier = [(line, False) for before in lines[:i] for line in before]
        for line, new in [*earlier, *((line, True) for line in lines[i])]:
            sheet.write_number(r, 0, i + 1)
            sheet.write_string(r, 1, rnd.name_in(lang), fmt.wrap)
            sheet.write_string(r, 2, line.name, fmt.key)
            sheet.write_string(r, 3, line.title, fmt.wrap)
            sheet.write_string(r, 4, line.summary.replace("`", ""), fmt.wrap)
            params = format_params(line.params, lang) if line.params else text("defaults", lang)
            sheet.write_string(r, 5, params, fmt.wrap)
            sheet.write_string(r, 6, text("yes" if new else "no", lang))
            r += 1
    _widths(sheet, (9, 30, 16, 28, 70, 22, 14))
    sheet.freeze_panes(1, 0)


def _definitions_sheet(
    book: xlsxwriter.Workbook, comparison: RoundsComparison, lang: Lang, fmt: _Formats, name: str
) -> None:
    sheet = book.add_worksheet(name)
    scenario = comparison.rounds[0].scenario
    columns = (text("key", lang), text("kpi", lang), text("unit", lang), text("definition", lang))
    _header(sheet, 0, columns, fmt)
    keys = [row.key for row in kpi_rows(comparison, lang)]
    if station_rows(comparison, lang):
        keys.append("utilization")
    for r, key in enumerate(keys, start=1):
        sheet.write_string(r, 0, key, fmt.key)
        sheet.write_string(r, 1, kpi_label(key, lang), fmt.bold)
        unit = kpi_unit(key, lang, time_unit=scenario.time_unit, currency=scenario.costs.currency)
        sheet.write_string(r, 2, unit)
        sheet.write_string(r, 3, kpi_definition(key, lang), fmt.wrap)
    _widths(sheet, (22, 34, 16, 100))
    sheet.freeze_panes(1, 0)


def write_debrief_xlsx(
    comparison: RoundsComparison,
    path: str | os.PathLike[str],
    *,
    lang: str = "en",
    date: dt.date | str | None = None,
) -> Path:
    """Write the debrief figures of ``comparison`` to an XLSX workbook at ``path``.

    See the module docstring for the sheets. ``date`` (a date or text) goes under the title and,
    when it is a date, into the workbook's properties; returns the path written.
    """
    language = check_lang(lang)
    if not comparison.rounds:
        raise ValueError("the comparison has no rounds")
    out = Path(path)
    date_text = date.isoformat() if isinstance(date, dt.date) else date
    book = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False})
    try:
        properties: dict[str, Any] = {
            "title": f"{text('report', language)}: {comparison.title_in(language)}",
            "subject": comparison.factory,
            "author": "processfactory",
        }
        if isinstance(date, dt.date):
            when = date if isinstance(date, dt.datetime) else dt.datetime(*date.timetuple()[:3])
            properties["created"] = when
        book.set_properties(properties)
        fmt = _Formats(book)
        taken: set[str] = set()
        kpi_name = sheet_name(text("kpis_sheet", language), taken)
        levers_name = sheet_name(text("levers_sheet", language), taken)
        defs_name = sheet_name(text("definitions_sheet", language), taken)
        round_names = [
            sheet_name(text("round_sheet", language).format(n=i + 1), taken)
            for i in range(len(comparison.rounds))
        ]
        _kpi_sheet(book, comparison, language, fmt, kpi_name, date_text)
        for i, name in enumerate(round_names):
            _round_sheet(book, comparison, i, language, fmt, name)
        _levers_sheet(book, comparison, language, fmt, levers_name)
        _definitions_sheet(book, comparison, language, fmt, defs_name)
    finally:
        book.close()
    return out


__all__ = ["HEADER_ROWS", "sheet_name", "write_debrief_xlsx"]
