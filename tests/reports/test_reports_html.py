"""The debrief HTML: figures equal the comparison's, rounds and levers, Russian, escaping, and
nothing outside the file."""

from __future__ import annotations

import dataclasses
import html as htmlmod
import re
from collections import Counter
from typing import Any

import pytest
from report_helpers import DATE, read_table, section, with_means

from processfactory.charts.labels import label
from processfactory.kpi.summary import KPI_DEFINITIONS, KPI_LABELS, KPI_ORDER, MAP_KPIS
from processfactory.levers import get_lever
from processfactory.reports import render_debrief_html, write_debrief_html
from processfactory.reports.debrief import check_self_contained, inline_svg
from processfactory.reports.labels import (
    KPI_DEFINITIONS_RU,
    KPI_LABELS_RU,
    NBSP,
    Lang,
    format_change,
    format_mean_ci,
)
from processfactory.rounds import RoundsComparison

# the session's comparison and reports are built once: keep these tests on one xdist worker
pytestmark = pytest.mark.xdist_group("reports")


def _scalar_keys(comparison: RoundsComparison) -> list[str]:
    keys = {
        k
        for rnd in comparison.rounds
        for k, v in rnd.result.kpi.items()
        if k not in MAP_KPIS and v.get("mean") is not None
    }
    return [k for k in KPI_ORDER if k in keys]


def _expected_cell(key: str, entry: dict[str, Any], lang: Lang) -> str:
    scale = 100.0 if KPI_LABELS[key][1] == "%" else 1.0
    lo, hi = entry["ci95"]
    return format_mean_ci(
        float(entry["mean"]) * scale,
        None if lo is None else lo * scale,
        None if hi is None else hi * scale,
        lang,
    )


# ---------------------------------------------------------------------------------------------
# The KPI table


def test_kpi_table_rows_start_with_labour_productivity_in_documented_order(
    comparison: RoundsComparison, html_en: str
) -> None:
    table = read_table(html_en)
    assert table.rows[0] == "labour_productivity"
    assert table.rows == _scalar_keys(comparison)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_cell_shows_the_comparisons_mean_ci_and_change(
    comparison: RoundsComparison, html_en: str, html_ru: str, lang: Lang
) -> None:
    table = read_table(html_en if lang == "en" else html_ru)
    for key in table.rows:
        changes = comparison.percent_change(key)
        for k, rnd in enumerate(comparison.rounds):
            cell = table.cells[(key, k + 1)]
            assert cell["value"] == _expected_cell(key, rnd.result.kpi[key], lang), (key, k)
            if k == 0:
                assert cell["change"] == ""
            else:
                assert cell["change"] == format_change(changes[k], lang), (key, k)


def test_labour_productivity_is_formatted_by_hand(
    comparison: RoundsComparison, html_en: str, html_ru: str
) -> None:
    # three decimals for values between 1 and 10, the half-width with the mean's decimals
    entry = comparison.rounds[0].result.kpi["labour_productivity"]
    mean, (lo, hi) = entry["mean"], entry["ci95"]
    assert 1 <= mean < 10
    expected = f"{mean:.3f} ± {(hi - lo) / 2:.3f}"
    assert read_table(html_en).cells[("labour_productivity", 1)]["value"] == expected
    ru = read_table(html_ru).cells[("labour_productivity", 1)]["value"]
    assert ru == expected.replace(".", ",")


def test_percent_change_on_hand_checked_values(comparison: RoundsComparison) -> None:
    # labour productivity 4 -> 5 is +25 %, -> 3 is -25 %; lead time 20 -> 15 is -25 % (better)
    n = len(comparison.rounds)
    chosen = with_means(comparison, "labour_productivity", [4.0, 5.0, 3.0, 6.0, 6.2][:n])
    chosen = with_means(chosen, "lead_time", [20.0, 15.0, 25.0, 10.0, 5.0][:n])
    html = render_debrief_html(chosen, charts=False)
    cells = read_table(html).cells
    assert cells[("labour_productivity", 2)]["value"] == "5.000 ± 0.500"
    assert cells[("labour_productivity", 2)]["change"] == "+25.0%"
    assert "trend-better" in cells[("labour_productivity", 2)]["class"]
    assert cells[("labour_productivity", 3)]["change"] == "-25.0%"
    assert "trend-worse" in cells[("labour_productivity", 3)]["class"]
    assert cells[("labour_productivity", 5)]["change"] == "+55.0%"
    assert cells[("lead_time", 2)]["change"] == "-25.0%"
    assert "trend-better" in cells[("lead_time", 2)]["class"]
    assert "trend-worse" in cells[("lead_time", 3)]["class"]
    headline = section(html, "headline")
    assert "<strong>4.000</strong>" in headline and "<strong>6.200</strong>" in headline
    assert "+55.0%" in headline
    ru = read_table(render_debrief_html(chosen, lang="ru", charts=False)).cells
    assert ru[("labour_productivity", 2)]["change"] == f"+25,0{NBSP}%"


def test_percent_kpis_are_shown_times_100(comparison: RoundsComparison, html_en: str) -> None:
    entry = comparison.rounds[0].result.kpi["fpy"]
    shown = read_table(html_en).cells[("fpy", 1)]["value"]
    assert 0 < entry["mean"] <= 1
    assert shown.startswith(f"{entry['mean'] * 100:.2f}")


def test_station_table_has_every_station_utilization(
    comparison: RoundsComparison, html_en: str
) -> None:
    table = read_table(html_en, "station-table")
    stations = list(comparison.rounds[0].result.kpi["utilization"])
    assert [row.removeprefix("utilization.") for row in table.rows][: len(stations)] == stations
    sid = stations[0]
    entry = comparison.rounds[-1].result.kpi["utilization"][sid]
    cell = table.cells[(f"utilization.{sid}", len(comparison.rounds))]
    lo, hi = entry["ci95"]
    assert cell["value"] == format_mean_ci(entry["mean"] * 100, lo * 100, hi * 100, "en")


# ---------------------------------------------------------------------------------------------
# Headline, rounds and levers


def test_headline_reports_labour_productivity_first_to_last_and_demand_fulfilment(
    comparison: RoundsComparison, html_en: str
) -> None:
    headline = section(html_en, "headline")
    table = read_table(html_en)
    first = table.cells[("labour_productivity", 1)]["value"].split(" ± ")[0]
    last = table.cells[("labour_productivity", len(comparison.rounds))]["value"].split(" ± ")[0]
    text = re.sub(r"<[^>]+>", "", headline)
    assert f"Labour productivity went from {first} units/operator-hour" in text
    assert f"to {last} units/operator-hour" in text
    change = comparison.percent_change("labour_productivity")[-1]
    assert format_change(change, "en") in text
    df = [r.result.kpi["demand_fulfilment"]["mean"] for r in comparison.rounds]
    assert f"Demand fulfilment: {df[0] * 100:.1f}% → {df[-1] * 100:.1f}%" in text


def test_every_round_has_its_name_levers_and_charts(
    comparison: RoundsComparison, html_en: str
) -> None:
    for k, rnd in enumerate(comparison.rounds, start=1):
        part = section(html_en, f"round-{k}")
        assert rnd.name in htmlmod.unescape(part)
        assert re.findall(r'data-lever="([^"]+)"', part) == rnd.levers
        for name in rnd.levers:
            lever = get_lever(name)
            assert htmlmod.escape(lever.title) in part
            # the summary's words, with Markdown code turned into <code>
            plain = htmlmod.unescape(re.sub(r"<[^>]+>", "", part))
            assert lever.summary.replace("`", "") in plain
        if not rnd.levers:
            assert "None: the process as it is." in part
        kinds = re.findall(r'<figure class="chart" id="[^"]+" data-chart="([^"]+)"', part)
        expected = [
            "yamazumi",
            "value-stream-map",
            "lead-time-control",
            "lead-time-histogram",
            "cumulative-flow",
            "wip",
            "spaghetti",
        ]
        if rnd.scenario.release.policy == "conwip":
            expected.append("frontier")
        assert kinds == expected, k
        assert part.count("<svg") == len(expected)
    assert '<figure class="chart-missing"' not in html_en


def test_lever_parameters_from_the_plan_are_shown(html_en: str) -> None:
    pull = section(html_en, "round-5")
    assert "cap = 6" in pull
    cell = section(html_en, "round-4")
    assert "takt = 46" in cell and "operations = 14 items" in cell


def test_facilitator_notes_are_left_out(
    comparison: RoundsComparison, html_en: str, html_ru: str
) -> None:
    assert comparison.notes, "the assembly factory has facilitator notes"
    lines = [
        line.strip(" #*-")
        for note in comparison.notes.values()
        for line in note.splitlines()
        if len(line.strip(" #*-")) > 40
    ]
    assert lines
    for line in lines:
        for page in (html_en, html_ru):
            assert line not in page and htmlmod.escape(line) not in page


def test_definitions_of_every_kpi_shown(comparison: RoundsComparison, html_en: str) -> None:
    part = section(html_en, "definitions")
    for key in [*_scalar_keys(comparison), "utilization"]:
        assert f'id="def-{key}"' in part
        assert KPI_DEFINITIONS[key] in htmlmod.unescape(part)


def test_date_is_the_callers_or_absent(comparison: RoundsComparison, html_en: str) -> None:
    assert f'<dd class="report-date">{DATE}</dd>' in html_en
    undated = render_debrief_html(comparison, charts=False)
    assert "report-date" not in undated
    assert re.search(r"\b20\d\d-\d\d-\d\d\b", undated) is None


# ---------------------------------------------------------------------------------------------
# Russian


def test_russian_report(comparison: RoundsComparison, html_ru: str) -> None:
    assert '<html lang="ru">' in html_ru
    plain = htmlmod.unescape(html_ru)
    for heading in (
        "Главное",
        "Показатели по раундам",
        "Сравнение раундов",
        "Инструменты бережливого производства, применённые перед этим раундом",
        "Диаграммы",
        "Определения показателей",
        "Нет: процесс как есть.",
    ):
        assert heading in html_ru
    for english in (
        "KPIs by round",
        "KPI definitions",
        "Rounds compared",
        "Lean tools applied",
        "Labour productivity",
        "units/operator-hour",
        "Work in process",
    ):
        assert english not in html_ru
    for key in _scalar_keys(comparison):
        assert KPI_LABELS_RU[key][0] in plain
        assert KPI_DEFINITIONS_RU[key] in plain
    assert "Производительность труда изменилась с" in html_ru
    assert htmlmod.escape(get_lever("smed").title) not in html_ru
    assert "SMED (быстрая переналадка)" in html_ru


def test_russian_report_names_the_factory_rounds_and_stations_in_russian(
    comparison: RoundsComparison, html_ru: str
) -> None:
    scenario = comparison.rounds[0].scenario
    plain = htmlmod.unescape(html_ru)
    assert "<h1>Сборка настольной лампы</h1>" in html_ru
    assert scenario.name not in plain  # "Desk-lamp assembly"
    for rnd in comparison.rounds:
        assert rnd.name_in("ru") in plain
        assert rnd.name not in plain
        if rnd.description:
            assert rnd.description_in("ru") in plain
            assert rnd.description not in plain
    # the station table and every chart: the Russian names, never the English ones
    start = html_ru.index('<table class="station-table"')
    table = htmlmod.unescape(html_ru[start : html_ru.index("</table>", start)])
    for st in scenario.stations:
        assert st.name is not None
        assert st.name not in plain, st.name
        assert htmlmod.escape(st.name) not in html_ru, st.name
        assert scenario.station_name(st.id, "ru") in table


def test_english_report_keeps_the_english_names(comparison: RoundsComparison, html_en: str) -> None:
    plain = htmlmod.unescape(html_en)
    scenario = comparison.rounds[0].scenario
    assert scenario.name in plain
    for rnd in comparison.rounds:
        assert rnd.name in plain
    for st in scenario.stations:
        assert st.name is not None and st.name in plain
        assert scenario.station_name(st.id, "ru") not in plain
    assert "Сборка настольной лампы" not in plain and "Раунд 1" not in plain


def test_russian_chart_titles(html_ru: str) -> None:
    for key in ("yamazumi.title", "cc.title", "cfd.title", "wip.title", "sp.title", "fr.title"):
        assert label(key, "ru") in html_ru, key
        assert label(key, "en") not in html_ru, key


def test_unknown_language_is_refused(comparison: RoundsComparison) -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        render_debrief_html(comparison, lang="de", charts=False)


# ---------------------------------------------------------------------------------------------
# Self-contained and safe


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_network_or_file_references(html_en: str, html_ru: str, lang: str) -> None:
    page = html_en if lang == "en" else html_ru
    lowered = page.lower()
    assert "http" not in lowered
    assert "src=" not in lowered
    assert "<link" not in lowered
    assert "<script" not in lowered
    assert "@import" not in lowered
    assert "<img" not in lowered
    assert all(ref.startswith("url(#") for ref in re.findall(r"url\([^)]*\)", page))
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', page))
    assert "<style>" in page  # the CSS is inline
    assert "@media print" in page and "size: A4" in page
    check_self_contained(page)


def test_every_id_is_unique(html_en: str) -> None:
    ids = Counter(re.findall(r'\sid="([^"]+)"', html_en))
    assert ids and max(ids.values()) == 1, [i for i, n in ids.items() if n > 1][:5]


def test_user_text_is_escaped(comparison: RoundsComparison) -> None:
    first = dataclasses.replace(
        comparison.rounds[0],
        name="<b>x</b>",
        description='"quoted" <img src=x onerror=alert(1)> & more',
    )
    nasty = dataclasses.replace(
        comparison,
        title="<script>alert(1)</script>",
        factory="a&b<i>",
        rounds=[first, *comparison.rounds[1:]],
    )
    page = render_debrief_html(nasty, charts=False)
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt; &amp; more" in page
    assert "a&amp;b&lt;i&gt;" in page
    check_self_contained(page)  # escaped text refers to nothing


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="x.png">',
        '<a href="https://example.org">x</a>',
        '<link rel="stylesheet" href="a.css">',
        "<style>@import 'a.css';</style>",
        '<p style="background: url(x.png)">x</p>',
        '<svg><image href="x.png"/></svg>',
        "<script>1</script>",
    ],
)
def test_self_containment_check_refuses_references(markup: str) -> None:
    with pytest.raises(ValueError, match="outside itself"):
        check_self_contained(f"<html><body>{markup}</body></html>")


def test_inline_svg_prefixes_ids_and_drops_namespaces() -> None:
    svg = (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
        '<defs><clipPath id="clip1"><rect width="5" height="5"/></clipPath></defs>'
        '<g clip-path="url(#clip1)"><use xlink:href="#clip1"/><rect fill="url(#other)"/></g></svg>'
    )
    a, b = str(inline_svg(svg, "r1-wip")), str(inline_svg(svg, "r2-wip"))
    assert a.startswith("<svg") and "http" not in a and "<?xml" not in a
    assert 'id="r1-wip-clip1"' in a and "url(#r1-wip-clip1)" in a
    assert 'xlink:href="#r1-wip-clip1"' in a
    assert "url(#other)" in a  # not an id of this SVG: left alone
    assert 'id="r2-wip-clip1"' in b and "r1-wip" not in b


def test_events_missing_leaves_a_note_instead_of_the_chart(
    comparison: RoundsComparison, tmp_path: object
) -> None:
    rounds = []
    for rnd in comparison.rounds[:2]:
        records = [dataclasses.replace(rec, events=None) for rec in rnd.result.records]
        result = dataclasses.replace(rnd.result, records=records)
        rounds.append(dataclasses.replace(rnd, result=result))
    bare = dataclasses.replace(comparison, rounds=rounds)
    page = render_debrief_html(bare)
    vsm = re.search(
        r'<figure class="chart-missing" id="r1-value-stream-map".*?</figure>', page, re.S
    )
    assert vsm is not None and "events=True" in vsm.group(0)
    assert 'id="r1-yamazumi" data-chart="yamazumi"' in page  # drawn from the run record alone
    assert '<figure class="chart" id="r1-yamazumi"' in page


def test_write_debrief_html_writes_utf8(comparison: RoundsComparison, tmp_path: object) -> None:
    from pathlib import Path

    out = write_debrief_html(comparison, Path(str(tmp_path)) / "r.html", lang="ru", charts=False)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Показатели по раундам" in text
