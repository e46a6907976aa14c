"""Reading the debrief HTML back in tests, and comparisons with chosen figures."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from html.parser import HTMLParser

from processfactory.rounds import RoundsComparison

FACTORY = "assembly"
REPLICATIONS = 3
SEED = 11
DATE = "2026-03-12"


class KpiTableReader(HTMLParser):
    """Collects the KPI (or station) table: ``cells[(kpi, round)] = {value, change, class}``
    and the row keys in order."""

    def __init__(self, table_id: str = "kpi-table") -> None:
        super().__init__(convert_charrefs=True)
        self.table_id = table_id
        self.in_table = False
        self.kpi: str | None = None
        self.cell: dict[str, str] | None = None
        self.round = 0
        self.part: str | None = None
        self.rows: list[str] = []
        self.cells: dict[tuple[str, int], dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table" and a.get("id") == self.table_id:
            self.in_table = True
        if not self.in_table:
            return
        if tag == "tr" and "data-kpi" in a:
            self.kpi = a["data-kpi"]
            self.rows.append(self.kpi)
        elif tag == "td" and "data-round" in a and self.kpi is not None:
            self.round = int(a["data-round"])
            self.cell = {"value": "", "change": "", "class": a.get("class", "")}
        elif tag == "span" and self.cell is not None:
            cls = a.get("class", "")
            self.part = cls if cls in ("value", "change") else None

    def handle_endtag(self, tag: str) -> None:
        if not self.in_table:
            return
        if tag == "span":
            self.part = None
        elif tag == "td" and self.cell is not None and self.kpi is not None:
            self.cells[(self.kpi, self.round)] = self.cell
            self.cell = None
        elif tag == "table":
            self.in_table = False

    def handle_data(self, data: str) -> None:
        if self.cell is not None and self.part is not None:
            self.cell[self.part] += data


def read_table(html: str, table_id: str = "kpi-table") -> KpiTableReader:
    reader = KpiTableReader(table_id)
    reader.feed(html)
    return reader


def section(html: str, section_id: str) -> str:
    """The markup of ``<section id="section_id">`` (sections are not nested)."""
    start = html.index(f'<section id="{section_id}"')
    return html[start : html.index("</section>", start)]


def with_means(
    comparison: RoundsComparison, kpi: str, means: Sequence[float], half: float = 0.5
) -> RoundsComparison:
    """``comparison`` with the KPI's mean in round k set to ``means[k]`` (CI mean ± half)."""
    rounds = []
    for rnd, mean in zip(comparison.rounds, means, strict=True):
        kpi_map = dict(rnd.result.kpi)
        kpi_map[kpi] = {"mean": mean, "ci95": [mean - half, mean + half]}
        result = dataclasses.replace(rnd.result, kpi=kpi_map)
        rounds.append(dataclasses.replace(rnd, result=result))
    return dataclasses.replace(comparison, rounds=rounds)
