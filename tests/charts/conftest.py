"""Shared inputs of the chart tests: the hand-made tiny line and a short run of the demo."""

from __future__ import annotations

import pytest
from chart_helpers import tiny_record, tiny_scenario

from processfactory.eventlog.record import RunRecord
from processfactory.scenario.model import Scenario
from processfactory.sim.replications import SimulationResult, simulate


@pytest.fixture(scope="session")
def tiny() -> tuple[Scenario, RunRecord]:
    scenario = tiny_scenario()
    return scenario, tiny_record(scenario)


@pytest.fixture(scope="session")
def demo_run() -> SimulationResult:
    """The built-in demo for 150 minutes (30 of warm-up), one replication with its events."""
    return simulate("demo", 1, 5, duration=150, events=True, keep_records=True, workers=1)
