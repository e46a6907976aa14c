"""Shared inputs of the report tests: the assembly factory played once, and its reports.

The built-in ``assembly`` factory has five rounds (the last one under CONWIP, so it has a
frontier chart), a layout with positions (spaghetti diagrams) and facilitator notes (which the
report must leave out). Three replications with their event logs keep the session short; each
report is rendered once per session and shared by the tests that read it.
"""

from __future__ import annotations

import pytest
from report_helpers import DATE, FACTORY, REPLICATIONS, SEED

from processfactory.reports import render_debrief_html
from processfactory.rounds import RoundsComparison, compare_rounds


@pytest.fixture(scope="session")
def comparison() -> RoundsComparison:
    return compare_rounds(FACTORY, REPLICATIONS, SEED, events=True, workers=1)


@pytest.fixture(scope="session")
def html_en(comparison: RoundsComparison) -> str:
    return render_debrief_html(comparison, lang="en", date=DATE)


@pytest.fixture(scope="session")
def html_ru(comparison: RoundsComparison) -> str:
    return render_debrief_html(comparison, lang="ru", date=DATE)
