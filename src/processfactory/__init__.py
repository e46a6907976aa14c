"""processfactory: a lean Process Factory you can simulate, play and track.

The public API is the curated ``__all__`` below (guarded by a test). Names are imported lazily
so that ``import processfactory`` and the CLI start instantly; numba loads on the first run.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Scenario": "processfactory.scenario.model",
    "ScenarioError": "processfactory.scenario.loader",
    "load_scenario": "processfactory.scenario.loader",
    "parse_scenario": "processfactory.scenario.loader",
    "dump_scenario": "processfactory.scenario.loader",
    "library_names": "processfactory.scenario.loader",
    "simulate": "processfactory.sim.replications",
    "SimulationResult": "processfactory.sim.replications",
    "SimulationError": "processfactory.sim.engine",
    "RunRecord": "processfactory.eventlog.record",
    "RunContext": "processfactory.eventlog.record",
    "read_event_log": "processfactory.eventlog.io",
    "write_event_log": "processfactory.eventlog.io",
    "record_from_event_log": "processfactory.eventlog.reduce",
    "compute_kpis": "processfactory.kpi.lean",
    "summarize": "processfactory.kpi.summary",
    "apply_levers": "processfactory.levers",
    "lever_names": "processfactory.levers",
    "compare_rounds": "processfactory.rounds",
    "write_debrief_html": "processfactory.reports",
    "write_debrief_xlsx": "processfactory.reports",
}

__all__ = [
    "RunContext",
    "RunRecord",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "SimulationResult",
    "__version__",
    "apply_levers",
    "compare_rounds",
    "compute_kpis",
    "dump_scenario",
    "lever_names",
    "library_names",
    "load_scenario",
    "parse_scenario",
    "read_event_log",
    "record_from_event_log",
    "simulate",
    "summarize",
    "write_debrief_html",
    "write_debrief_xlsx",
    "write_event_log",
]

if TYPE_CHECKING:  # pragma: no cover
    from processfactory.eventlog.io import read_event_log, write_event_log
    from processfactory.eventlog.record import RunContext, RunRecord
    from processfactory.eventlog.reduce import record_from_event_log
    from processfactory.kpi.lean import compute_kpis
    from processfactory.kpi.summary import summarize
    from processfactory.levers import apply_levers, lever_names
    from processfactory.reports import write_debrief_html, write_debrief_xlsx
    from processfactory.rounds import compare_rounds
    from processfactory.scenario.loader import (
        ScenarioError,
        dump_scenario,
        library_names,
        load_scenario,
        parse_scenario,
    )
    from processfactory.scenario.model import Scenario
    from processfactory.sim.engine import SimulationError
    from processfactory.sim.replications import SimulationResult, simulate


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'processfactory' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
