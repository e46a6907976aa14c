"""Rendering (SVG, PNG, self-contained HTML), the CHARTS registry and the label dictionary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chart_helpers import svg_texts

from processfactory.charts import CHARTS, LABELS, ChartError, save, to_html, to_png, to_svg
from processfactory.charts.render import output_format
from processfactory.eventlog.record import RunRecord
from processfactory.scenario.model import Scenario
from processfactory.sim.replications import SimulationResult

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# any attribute or CSS reference that would make a browser fetch something
NETWORK_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|srcset|action|poster)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+["']?(?:https?:)?//)""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def wip_html(tiny: tuple[Scenario, RunRecord]) -> str:
    _, record = tiny
    page: str = to_html(CHARTS["wip"].build(None, record, lang="ru"))
    return page


def test_html_is_self_contained(wip_html: str) -> None:
    assert wip_html.startswith("<!DOCTYPE html>")
    assert NETWORK_REFERENCE.search(wip_html) is None
    assert re.search(r"<script[^>]*\bsrc\s*=", wip_html, re.IGNORECASE) is None
    assert re.search(r"<link\b", wip_html, re.IGNORECASE) is None
    # Vega, Vega-Lite and vega-embed are bundled inline, without the editor link action
    assert "vegaEmbed(" in wip_html and len(wip_html) > 500_000
    assert '"actions":false' in wip_html
    assert "<title>Незавершённое производство во времени</title>" in wip_html
    assert '<html lang="ru">' in wip_html


@pytest.fixture
def offline_page(chromium: Any) -> Iterator[Any]:
    """A page of the session's headless Chromium (tests/conftest.py)."""
    page = chromium.new_page()
    yield page
    page.close()


@pytest.mark.browser
def test_html_draws_the_chart_with_the_network_cut_off(offline_page: Any, wip_html: str) -> None:
    requests: list[str] = []
    offline_page.on("request", lambda request: requests.append(request.url))
    offline_page.route(re.compile(r"^https?://"), lambda route: route.abort())
    offline_page.set_content(wip_html, wait_until="load")
    offline_page.wait_for_selector("#vega-chart svg.marks", timeout=15_000)
    drawn = offline_page.inner_text("#vega-chart")
    assert "Незавершённое производство во времени" in drawn
    assert [url for url in requests if url.startswith(("http:", "https:"))] == []


def test_png_and_svg_of_the_same_spec(tiny: tuple[Scenario, RunRecord], tmp_path: Path) -> None:
    scenario, record = tiny
    chart = CHARTS["yamazumi"].build(scenario, record)
    png = to_png(chart)
    assert png.startswith(PNG_MAGIC)
    assert len(png) > 5_000
    # scale 2 by default: twice the width of scale 1 (PNG width is bytes 16-20 of IHDR)
    width_2 = int.from_bytes(png[16:20], "big")
    width_1 = int.from_bytes(to_png(chart, scale=1.0)[16:20], "big")
    assert width_2 == 2 * width_1
    svg_path = save(chart, tmp_path / "y.svg")
    assert svg_path.read_text(encoding="utf-8").startswith("<svg")
    assert save(chart, tmp_path / "y.PNG").read_bytes().startswith(PNG_MAGIC)
    assert "<!DOCTYPE html>" in save(chart, tmp_path / "y.html").read_text(encoding="utf-8")


def test_numbers_follow_the_chart_language(tiny: tuple[Scenario, RunRecord]) -> None:
    _, record = tiny
    # the WIP axis of the tiny run goes 0 .. 2 in steps of 0.2: "0,2" in Russian
    ru = svg_texts(to_svg(CHARTS["wip"].build(None, record, lang="ru")))
    en = svg_texts(to_svg(CHARTS["wip"].build(None, record, lang="en")))
    assert "0,2" in ru and "0.2" not in ru
    assert "0.2" in en and "0,2" not in en


def test_unknown_output_suffix_names_the_ones_that_work(tmp_path: Path) -> None:
    with pytest.raises(ChartError, match=r"\.svg, \.png, \.html"):
        output_format(tmp_path / "chart.jpg")
    with pytest.raises(ChartError, match="no suffix"):
        output_format(tmp_path / "chart")
    assert output_format("a/b/Chart.SVG") == ".svg"


def test_registry_builds_every_kind_and_checks_what_each_needs(
    demo_run: SimulationResult,
) -> None:
    scenario, record = demo_run.scenario, demo_run.records[0]
    assert list(CHARTS) == [
        "yamazumi",
        "yamazumi-plan",
        "cumulative-flow",
        "wip",
        "lead-time",
        "control-chart",
        "frontier",
        "vsm",
        "spaghetti",
    ]
    for name, kind in CHARTS.items():
        spec = kind.build(scenario, record, lang="en").to_dict()
        assert spec["usermeta"]["processfactory"] == {
            "kind": name.replace("-plan", ""),
            "lang": "en",
        }
        if kind.needs_scenario:
            with pytest.raises(ChartError, match="needs the scenario"):
                kind.build(None, record)
    with pytest.raises(ChartError, match="needs a run record"):
        CHARTS["wip"].build(scenario, None)
    assert CHARTS["vsm"].needs_events and CHARTS["spaghetti"].needs_events
    assert not CHARTS["yamazumi-plan"].needs_record


def test_label_dictionary_is_complete_and_russian_is_russian() -> None:
    assert set(LABELS) == {"en", "ru"}
    assert set(LABELS["en"]) == set(LABELS["ru"])
    placeholders = re.compile(r"\{(\w+)\}")
    for key, text in LABELS["en"].items():
        ru = LABELS["ru"][key]
        assert set(placeholders.findall(text)) == set(placeholders.findall(ru)), key
        # every Russian text that has words is written in Cyrillic
        words = re.sub(r"\{\w+\}|[^A-Za-zА-Яа-яЁё]", " ", ru).split()
        if key not in ("fr.w0",) and words:
            assert any(re.search("[А-Яа-яЁё]", w) for w in words), (key, ru)
    with pytest.raises(ChartError, match="unknown language 'de'"):
        CHARTS["wip"].build(None, None, lang="de")
