"""Scenario: the model of a process (pydantic schema, YAML load/save, built-in library)."""

from processfactory.scenario.checks import check_scenario
from processfactory.scenario.distributions import Distribution
from processfactory.scenario.loader import (
    Problem,
    ScenarioError,
    dump_scenario,
    library_names,
    library_path,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_json_schema,
)
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
    Translation,
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
    "Problem",
    "Product",
    "Release",
    "RunControl",
    "Scenario",
    "ScenarioError",
    "Setup",
    "Station",
    "Translation",
    "check_scenario",
    "dump_scenario",
    "library_names",
    "library_path",
    "load_scenario",
    "parse_scenario",
    "save_scenario",
    "scenario_json_schema",
]
