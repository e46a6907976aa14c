"""Helpers for the lever tests: small scenarios, a precise field diff, and simulated KPIs."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from processfactory import load_scenario, simulate
from processfactory.levers import LEVER_MODULES, apply_levers
from processfactory.scenario import check_scenario
from processfactory.scenario.model import Scenario


def scenario(data: dict[str, Any]) -> Scenario:
    """A validated scenario from plain data; fails the test if the semantic checks object."""
    scn = Scenario.model_validate(data)
    problems = check_scenario(scn)
    assert not problems, problems
    return scn


def line(*stations: dict[str, Any], **fields: Any) -> Scenario:
    """A saturated line of the given stations, 2000 observed units after 200 of warm-up."""
    data: dict[str, Any] = {
        "name": "test line",
        "stations": list(stations),
        "run": {"units": 2000, "warmup_units": 200},
    }
    data.update(fields)
    return scenario(data)


def module_exists(name: str) -> bool:
    """Whether the lever's module has been written (``line_balancing`` may not be yet)."""
    return importlib.util.find_spec(LEVER_MODULES[name]) is not None


# ------------------------------------------------------------------------------ field diff


def changed_paths(before: Any, after: Any, path: str = "") -> set[str]:
    """Paths of the leaves that differ between two ``model_dump()``s, list indices as ``[*]``.

    A key present on one side only is reported at that key (a distribution that changes family
    shows its ``dist`` and the parameters that came or went). Lists of items with ids (stations,
    operators, products) whose ids differ (an item added, removed or moved) are reported as a
    whole, and their items present on both sides are compared by id; other lists of equal
    length are compared item by item, and reported as a whole when their length changed.
    Tuples (positions) are compared as lists.
    """
    if isinstance(before, dict) and isinstance(after, dict):
        out: set[str] = set()
        for key in before.keys() | after.keys():
            sub = f"{path}.{key}" if path else str(key)
            if key not in before or key not in after:
                out.add(sub)
            else:
                out |= changed_paths(before[key], after[key], sub)
        return out
    if isinstance(before, list | tuple) and isinstance(after, list | tuple):
        ids_before, ids_after = _ids(before), _ids(after)
        if ids_before is not None and ids_after is not None and ids_before != ids_after:
            out = {path}
            old = dict(zip(ids_before, before, strict=True))
            for ident, item in zip(ids_after, after, strict=True):
                if ident in old:
                    out |= changed_paths(old[ident], item, f"{path}[*]")
            return out
        if len(before) != len(after):
            return {path}
        out = set()
        for b, a in zip(before, after, strict=True):
            out |= changed_paths(b, a, f"{path}[*]")
        return out
    if type(before) is not type(after) or before != after:
        return {path}
    return set()


def _ids(items: list[Any] | tuple[Any, ...]) -> list[Any] | None:
    """The ``id`` of every item, when all items are mappings with distinct ids."""
    if not all(isinstance(item, dict) and "id" in item for item in items):
        return None
    ids = [item["id"] for item in items]
    return ids if len(set(ids)) == len(ids) else None


def scenario_diff(before: Scenario, after: Scenario) -> set[str]:
    return changed_paths(before.model_dump(), after.model_dump())


def covers(declared: str, path: str) -> bool:
    """Whether a declared change (``stations[*].setup.time``) covers a changed path."""
    return path == declared or re.match(re.escape(declared) + r"[.\[]", path) is not None


# ------------------------------------------------------------------------------ scenarios


def demo() -> Scenario:
    return load_scenario("demo")


def kanban_ready_demo() -> Scenario:
    """The demo line made fit for kanban: no defects made, single-unit transfers."""
    return apply_levers(demo(), [("poka_yoke", {"reduction": 1.0}), "one_piece_flow"])


def kanban_line() -> Scenario:
    return apply_levers(load_scenario("reference-line"), ["kanban"])


def oven_line() -> Scenario:
    """A line whose oven bakes loads of 4 and hands them on in trolleys of 4."""
    return line(
        {"id": "prep", "time": 1.0},
        {"id": "oven", "time": 3.0, "process_batch": 4, "transfer_batch": 4},
        {"id": "pack", "time": 0.5},
    )


def balanceable_line() -> Scenario:
    """Four stations whose work fits in two at takt 2, with references into the last two.

    s1's defects are caught at s3 and reworked at s4, one operator group starts at s4 and
    another works only s3, so merging stations must move those references.
    """
    return line(
        {"id": "s1", "time": 0.5, "defects": {"rate": 0.1, "detected_at": "s3", "rework_at": "s4"}},
        {"id": "s2", "time": 0.5},
        {"id": "s3", "time": 1.0},
        {"id": "s4", "time": 1.0},
        operators=[
            {"id": "g1", "skills": ["s1"]},
            {"id": "g2", "skills": ["s2", "s4"], "start_at": "s4"},
            {"id": "g3", "skills": ["s3"]},
        ],
        demand={"units": 240, "period": 480},
    )


Case = tuple[str, Callable[[], Scenario], dict[str, Any]]

# Per lever: (label, scenario, params) cases that together exercise every declared change.
CASES: dict[str, list[Case]] = {
    "five_s": [("demo", demo, {})],
    "standard_work": [("demo", demo, {})],
    "smed": [("demo", demo, {})],
    "one_piece_flow": [("demo", demo, {}), ("oven", oven_line, {"process_batch": True})],
    "cell_layout": [("demo", demo, {})],
    "kanban": [
        ("demo fit for kanban", kanban_ready_demo, {}),
        ("conwip line", lambda: load_scenario("conwip-line"), {}),
    ],
    "conwip": [("demo", demo, {}), ("kanban line", kanban_line, {})],
    "poka_yoke": [("demo", demo, {})],
    "tpm": [("demo", demo, {})],
}


def fallback_cases() -> list[Case]:
    """Cases for a lever without its own (line_balancing): every library scenario and ours."""
    from processfactory import library_names

    cases: list[Case] = [(name, partial(load_scenario, name), {}) for name in library_names()]
    cases += [
        ("oven", oven_line, {}),
        ("kanban line", kanban_line, {}),
        ("balanceable", balanceable_line, {}),
    ]
    return cases


# ------------------------------------------------------------------------------ simulation


def kpis(scn: Scenario, replications: int = 3, seed: int = 11) -> dict[str, Any]:
    """Mean KPIs over a few replications, run in this process."""
    result = simulate(scn, replications=replications, seed=seed, workers=1)
    return {
        key: (
            {sub: v["mean"] for sub, v in value.items()} if "mean" not in value else value["mean"]
        )
        for key, value in result.kpi.items()
    }
