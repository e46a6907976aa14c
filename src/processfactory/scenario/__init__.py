"""Scenario: the model of a process (pydantic schema, YAML load/save, built-in library)."""

from processfactory.scenario.distributions import Distribution
from processfactory.scenario.model import (
    Breakdowns,
    Costs,
    Defects,
    Demand,
    Layout,
    Operator,
    Order,
    Product,
    Release,
    RunControl,
    Scenario,
    Setup,
    Station,
)

__all__ = [
    "Breakdowns",
    "Costs",
    "Defects",
    "Demand",
    "Distribution",
    "Layout",
    "Operator",
    "Order",
    "Product",
    "Release",
    "RunControl",
    "Scenario",
    "Setup",
    "Station",
]
