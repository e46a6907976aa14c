"""Lean tools as pure transformations of a scenario.

Each lever lives in its own module, exports ``apply_<lever>(scenario, params) -> Scenario`` and a
``LEVER`` record, and is documented in ``docs/levers.md`` (which parameters it changes, and why).
Levers compose: a round plan applies them cumulatively, in order::

    from processfactory.levers import apply_levers
    better = apply_levers(scenario, ["five_s", ("smed", {"reduction": 0.8})])
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from processfactory.levers.base import Lever, LeverError, LeverParams, selected_stations
from processfactory.scenario.model import Scenario

# Lever name (as written in round plans) -> module defining it, in the order docs list them.
LEVER_MODULES: dict[str, str] = {
    "five_s": "processfactory.levers.five_s",
    "standard_work": "processfactory.levers.standard_work",
    "smed": "processfactory.levers.smed",
    "one_piece_flow": "processfactory.levers.one_piece_flow",
    "cell_layout": "processfactory.levers.cell_layout",
    "kanban": "processfactory.levers.kanban",
    "conwip": "processfactory.levers.conwip",
    "line_balancing": "processfactory.levers.line_balancing",
    "poka_yoke": "processfactory.levers.poka_yoke",
    "tpm": "processfactory.levers.tpm",
}

LeverStep = str | tuple[str, Mapping[str, Any] | LeverParams | None]


def lever_names() -> list[str]:
    """Names of all levers, in documentation order."""
    return list(LEVER_MODULES)


def get_lever(name: str) -> Lever[Any]:
    """The lever called ``name``; raises :class:`LeverError` naming the known levers."""
    module = LEVER_MODULES.get(name)
    if module is None:
        raise LeverError(f"unknown lever '{name}'; known levers: {', '.join(LEVER_MODULES)}")
    lever: Lever[Any] = importlib.import_module(module).LEVER
    return lever


def apply_lever(
    scenario: Scenario, name: str, params: Mapping[str, Any] | LeverParams | None = None
) -> Scenario:
    """Apply one lever by name with its parameters (a mapping, a params model, or defaults)."""
    return get_lever(name)(scenario, params)


def apply_levers(scenario: Scenario, steps: Iterable[LeverStep]) -> Scenario:
    """Apply levers in order; each step is a name or a ``(name, params)`` pair."""
    for step in steps:
        name, params = (step, None) if isinstance(step, str) else step
        scenario = apply_lever(scenario, name, params)
    return scenario


__all__ = [
    "LEVER_MODULES",
    "Lever",
    "LeverError",
    "LeverParams",
    "LeverStep",
    "apply_lever",
    "apply_levers",
    "get_lever",
    "lever_names",
    "selected_stations",
]
