"""The debrief report in a real headless Chromium: every chart drawn, no console errors, a
full-page screenshot, and the print layout (A4, a page per round)."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import pytest

from processfactory.rounds import RoundsComparison

# the session's comparison and reports are built once: keep these tests on one xdist worker
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("reports")]

# Per chart container: its SVG's box and how many drawn marks (elements of Vega's mark groups
# with a non-empty bounding box) it holds.
_CHARTS_JS = """
() => Array.from(document.querySelectorAll('figure.chart')).map((figure) => {
  const svg = figure.querySelector('svg');
  if (!svg) return {id: figure.id, svg: false};
  const box = svg.getBoundingClientRect();
  let marks = 0;
  for (const item of svg.querySelectorAll('g[class*="role-mark"] > *')) {
    const b = item.getBBox();
    if (b.width > 0 || b.height > 0) marks += 1;
  }
  return {id: figure.id, svg: true, width: box.width, height: box.height, marks: marks};
})
"""


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _check_charts(page: Any, expected: int) -> None:
    charts = page.evaluate(_CHARTS_JS)
    assert len(charts) == expected
    for chart in charts:
        assert chart["svg"], chart
        assert chart["width"] > 100 and chart["height"] > 50, chart
        assert chart["marks"] >= 3, chart


@pytest.fixture(params=["en", "ru"])
def report(
    request: pytest.FixtureRequest, html_en: str, html_ru: str, tmp_path: Path
) -> tuple[str, Path]:
    lang: str = request.param
    path = tmp_path / f"debrief-{lang}.html"
    path.write_text(html_en if lang == "en" else html_ru, encoding="utf-8")
    return lang, path


def test_report_renders_in_chromium(
    chromium: Any, comparison: RoundsComparison, report: tuple[str, Path], tmp_path: Path
) -> None:
    lang, path = report
    html = path.read_text(encoding="utf-8")
    expected = len(re.findall(r'<figure class="chart"', html))
    # 7 charts per round, the frontier in the CONWIP round, 2 across rounds
    assert expected == 7 * len(comparison.rounds) + 1 + 2

    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    messages: list[tuple[str, str]] = []
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: messages.append((m.type, m.text)))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(path.as_uri(), wait_until="load")
        assert page.evaluate("document.documentElement.lang") == lang
        _check_charts(page, expected)

        shot = tmp_path / f"debrief-{lang}.png"
        page.screenshot(path=str(shot), full_page=True)
        data = shot.read_bytes()
        width, height = _png_size(data)
        assert width == 1100
        assert height > 10 * 900  # the whole report, not one screen
        assert len(data) > 200_000  # charts and tables, not a blank page

        # print: A4, every round on a new page, the table of contents hidden, charts still drawn
        page.emulate_media(media="print")
        assert page.evaluate("matchMedia('print').matches")
        breaks = page.evaluate(
            "Array.from(document.querySelectorAll('section.round'))"
            ".map((s) => getComputedStyle(s).breakBefore)"
        )
        assert breaks == ["page"] * len(comparison.rounds)
        assert page.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == (
            "none"
        )
        _check_charts(page, expected)
        pdf = page.pdf(prefer_css_page_size=True)
        assert pdf[:5] == b"%PDF-"
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        assert pages >= len(comparison.rounds) + 3
    finally:
        page.close()

    assert errors == []
    assert [m for m in messages if m[0] == "error"] == []
    # the page loaded itself and nothing else
    assert requests == [path.as_uri()]
