"""The debrief XLSX read back with openpyxl: the figures are the comparison's, as numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from processfactory.kpi.summary import KPI_DEFINITIONS, KPI_LABELS, KPI_ORDER, MAP_KPIS
from processfactory.levers import get_lever
from processfactory.reports import write_debrief_xlsx
from processfactory.reports.labels import KPI_DEFINITIONS_RU, KPI_LABELS_RU
from processfactory.reports.workbook import HEADER_ROWS, sheet_name
from processfactory.rounds import RoundsComparison

# the session's comparison and reports are built once: keep these tests on one xdist worker
pytestmark = pytest.mark.xdist_group("reports")


@pytest.fixture(scope="module")
def books(comparison: RoundsComparison, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = {}
    for lang in ("en", "ru"):
        path = write_debrief_xlsx(
            comparison, tmp_path_factory.mktemp(lang) / "debrief.xlsx", lang=lang, date="2026-03-12"
        )
        out[lang] = load_workbook(path)
    return out


def _is_number(value: Any) -> bool:
    """A number cell (openpyxl reads integral values as int), never text."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rows_by_key(sheet: Worksheet) -> dict[str, tuple[Any, ...]]:
    return {
        row[0]: row
        for row in sheet.iter_rows(min_row=HEADER_ROWS + 1, values_only=True)
        if row[0] is not None
    }


def test_sheets_in_order(comparison: RoundsComparison, books: dict[str, Any]) -> None:
    n = len(comparison.rounds)
    assert books["en"].sheetnames == [
        "KPIs",
        *[f"Round {k}" for k in range(1, n + 1)],
        "Levers",
        "Definitions",
    ]
    assert books["ru"].sheetnames == [
        "Показатели",
        *[f"Раунд {k}" for k in range(1, n + 1)],
        "Инструменты",
        "Определения",
    ]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_kpi_sheet_holds_means_cis_and_changes_as_numbers(
    comparison: RoundsComparison, books: dict[str, Any], lang: str
) -> None:
    sheet = books[lang].worksheets[0]
    rows = _rows_by_key(sheet)
    keys = [k for k in rows if not k.startswith("utilization.")]
    assert keys[0] == "labour_productivity"
    assert keys == [k for k in KPI_ORDER if k in keys]
    checked = 0
    for key in keys:
        row = rows[key]
        changes = comparison.percent_change(key)
        for k, rnd in enumerate(comparison.rounds):
            entry = rnd.result.kpi[key]
            mean, low, high, change = row[3 + 4 * k : 7 + 4 * k]
            if entry["mean"] is None:
                assert mean is None
                continue
            lo, hi = entry["ci95"]
            assert all(_is_number(v) for v in (mean, low, high)), (key, k)
            assert mean == pytest.approx(entry["mean"], rel=1e-14)
            assert low == pytest.approx(lo, rel=1e-14)
            assert high == pytest.approx(hi, rel=1e-14)
            if changes[k] is None:
                assert change is None
            else:
                assert _is_number(change)
                assert change == pytest.approx(changes[k] / 100, rel=1e-12, abs=1e-15)
            checked += 1
    assert checked >= 10 * len(comparison.rounds)
    label = (
        KPI_LABELS["labour_productivity"][0]
        if lang == "en"
        else KPI_LABELS_RU["labour_productivity"][0]
    )
    assert rows["labour_productivity"][1] == label
    assert "2026-03-12" in str(sheet.cell(2, 1).value)


def test_number_formats_show_percent_kpis_and_changes_in_percent(books: dict[str, Any]) -> None:
    sheet = books["en"].worksheets[0]
    for row in sheet.iter_rows(min_row=HEADER_ROWS + 1):
        key = row[0].value
        base = KPI_LABELS.get(key.split(".")[0], ("", ""))[1]
        assert ("%" in row[3].number_format) == (base == "%"), key
        assert "%" in row[6].number_format, key


def test_station_utilization_rows(comparison: RoundsComparison, books: dict[str, Any]) -> None:
    rows = _rows_by_key(books["en"].worksheets[0])
    for sid, entry in comparison.rounds[-1].result.kpi["utilization"].items():
        row = rows[f"utilization.{sid}"]
        k = len(comparison.rounds) - 1
        assert row[3 + 4 * k] == pytest.approx(entry["mean"], rel=1e-14)


def test_russian_workbook_names_the_factory_rounds_and_stations_in_russian(
    comparison: RoundsComparison, books: dict[str, Any]
) -> None:
    book = books["ru"]
    scenario = comparison.rounds[0].scenario
    texts = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    ]
    everything = "\n".join(texts)
    assert "Сборка настольной лампы" in book.worksheets[0].cell(1, 1).value
    for rnd in comparison.rounds:
        assert rnd.name_in("ru") in everything and rnd.name not in everything
    for st in scenario.stations:
        assert st.name is not None and st.name not in everything
        assert scenario.station_name(st.id, "ru") in everything


def test_round_sheets_hold_every_replication(
    comparison: RoundsComparison, books: dict[str, Any]
) -> None:
    book = books["en"]
    for k, rnd in enumerate(comparison.rounds):
        sheet = book[f"Round {k + 1}"]
        assert rnd.name in str(sheet.cell(1, 1).value)
        header = [c.comment.text if c.comment else None for c in sheet[3]]
        data = list(sheet.iter_rows(min_row=4, values_only=True))
        assert len(data) == rnd.result.replications == len(rnd.result.kpis)
        assert [row[0] for row in data] == list(range(1, len(data) + 1))
        scalar = [key for key in rnd.result.kpis[0] if key not in MAP_KPIS]
        assert set(scalar) <= set(header)
        for r, rep in enumerate(rnd.result.kpis):
            for col, key in enumerate(header):
                if key is None:
                    continue
                if key.startswith("utilization."):
                    value = rep["utilization"][key.split(".", 1)[1]]
                else:
                    value = rep[key]
                cell = data[r][col]
                if value != value:  # NaN is left blank
                    assert cell is None
                else:
                    assert _is_number(cell)
                    assert cell == pytest.approx(value, rel=1e-14)


def test_levers_sheet(comparison: RoundsComparison, books: dict[str, Any]) -> None:
    rows = list(books["en"]["Levers"].iter_rows(min_row=2, values_only=True))
    for k, rnd in enumerate(comparison.rounds, start=1):
        mine = [row for row in rows if row[0] == k]
        assert [row[2] for row in mine] == rnd.applied
        assert [row[2] for row in mine if row[6] == "yes"] == rnd.levers
        for row in mine:
            assert row[3] == get_lever(row[2]).title
    pull = [row for row in rows if row[0] == len(comparison.rounds) and row[2] == "conwip"]
    assert pull and pull[0][5] == "cap = 6"
    ru = list(books["ru"]["Инструменты"].iter_rows(min_row=2, values_only=True))
    assert {row[3] for row in ru if row[2] == "smed"} == {"SMED (быстрая переналадка)"}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_definitions_sheet(comparison: RoundsComparison, books: dict[str, Any], lang: str) -> None:
    sheet = books[lang].worksheets[-1]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    definitions = KPI_DEFINITIONS if lang == "en" else KPI_DEFINITIONS_RU
    assert "labour_productivity" in rows and "utilization" in rows
    for key, row in rows.items():
        assert row[3] == definitions[key]
    assert rows["lead_time"][2] == ("s" if lang == "en" else "с")  # assembly is timed in s


def test_sheet_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    long = "Round 1: a very long name with [brackets] and / slashes?"
    first = sheet_name(long, taken)
    second = sheet_name(long, taken)
    assert len(first) <= 31 and len(second) <= 31
    assert not set("[]:*?/\\") & set(first + second)
    assert first != second


def test_written_file_is_an_xlsx(comparison: RoundsComparison, tmp_path: Path) -> None:
    out = write_debrief_xlsx(comparison, tmp_path / "x.xlsx")
    assert out.read_bytes()[:2] == b"PK"
    with pytest.raises(ValueError, match="unsupported language"):
        write_debrief_xlsx(comparison, tmp_path / "y.xlsx", lang="fr")
