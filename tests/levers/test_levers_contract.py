"""Every lever keeps the contract: it changes exactly the fields its docs name, and is pure.

Runs over every lever of ``LEVER_MODULES`` whose module exists, including those written
elsewhere (line balancing), which are tried on every library scenario.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from lever_helpers import CASES, Case, covers, demo, fallback_cases, module_exists, scenario_diff

from processfactory.levers import (
    LEVER_MODULES,
    Lever,
    LeverError,
    LeverParams,
    apply_lever,
    get_lever,
)
from processfactory.levers.timing import scale_time
from processfactory.scenario.distributions import Triangular
from processfactory.scenario.model import Scenario

NAMES = list(LEVER_MODULES)


def _lever(name: str) -> Lever[Any]:
    if not module_exists(name):
        pytest.skip(f"{LEVER_MODULES[name]} is not written yet")
    return get_lever(name)


def _applied(name: str) -> list[tuple[Case, set[str]]]:
    """(case, changed paths) for every case where the lever applies with its parameters."""
    cases = CASES.get(name) or fallback_cases()
    out = []
    for case in cases:
        _, build, params = case
        before = build()
        try:
            after = apply_lever(before, name, params)
        except LeverError:
            if name in CASES:
                raise  # our own cases are chosen so that the lever applies
            continue
        out.append((case, scenario_diff(before, after)))
    assert out, f"lever '{name}' applies to none of its test scenarios"
    return out


def test_diff_is_precise() -> None:
    """The diff itself: one leaf, a family change, a list item, nothing."""
    scn = demo()
    assert scenario_diff(scn, scn) == set()
    frame = scn.stations[1]
    assert frame.setup is not None
    setup = frame.setup.model_copy(update={"time": scale_time(frame.setup.time, 0.5)})
    stations = [*scn.stations]
    stations[1] = frame.model_copy(update={"setup": setup, "buffer": 7})
    changed = scenario_diff(scn, scn.model_copy(update={"stations": stations}))
    assert changed == {
        "stations[*].setup.time.low",
        "stations[*].setup.time.mode",
        "stations[*].setup.time.high",
        "stations[*].buffer",
    }
    stations[1] = frame.model_copy(
        update={"time": Triangular(dist="triangular", low=1, mode=1, high=2)}
    )
    changed = scenario_diff(scn, scn.model_copy(update={"stations": stations}))
    # lognormal {dist, mean, cv} -> triangular {dist, low, mode, high}
    assert changed == {
        f"stations[*].time.{k}" for k in ("dist", "mean", "cv", "low", "mode", "high")
    }
    # a station removed: the list as a whole, and the changes of the stations that stay
    fewer = [*stations[:2], *stations[3:]]
    assert scenario_diff(scn, scn.model_copy(update={"stations": fewer})) == {
        "stations",
        *changed,
    }
    assert scenario_diff(scn, scn.model_copy(update={"stations": scn.stations[::-1]})) == {
        "stations"
    }
    assert covers("stations[*].time", "stations[*].time.cv")
    assert covers("products[*].times", "products[*].times.frame.mean")
    assert not covers("stations[*].time", "stations[*].timer")
    assert not covers("stations[*].setup.time", "stations[*].setup.on")


@pytest.mark.parametrize("name", NAMES)
def test_lever_record_is_complete(name: str) -> None:
    lever = _lever(name)
    module = importlib.import_module(LEVER_MODULES[name])
    assert lever.name == name
    assert lever.title and lever.summary
    assert getattr(module, f"apply_{name}") is lever.function
    assert issubclass(lever.params, LeverParams)
    assert lever.params.model_config.get("frozen") is True
    assert lever.params.model_config.get("extra") == "forbid"
    for field_name, field in lever.params.model_fields.items():
        assert field.description, f"{name}.{field_name} has no description"
        assert not field.is_required(), f"{name}.{field_name} has no default"
    assert lever.changes
    assert all(c.split(".")[0].split("[")[0] in Scenario.model_fields for c in lever.changes)


@pytest.mark.parametrize("name", NAMES)
def test_lever_changes_only_what_it_declares(name: str) -> None:
    lever = _lever(name)
    for (label, _, params), changed in _applied(name):
        assert changed, f"{name} on {label} with {params} changed nothing"
        undeclared = {p for p in changed if not any(covers(c, p) for c in lever.changes)}
        assert not undeclared, f"{name} on {label} changed undeclared fields {undeclared}"


@pytest.mark.parametrize("name", NAMES)
def test_every_declared_change_is_exercised(name: str) -> None:
    lever = _lever(name)
    seen = set().union(*(changed for _, changed in _applied(name)))
    unexercised = [c for c in lever.changes if not any(covers(c, p) for p in seen)]
    assert not unexercised, f"{name}: no test scenario changes {unexercised} (saw {seen})"


@pytest.mark.parametrize("name", NAMES)
def test_lever_is_pure(name: str) -> None:
    _lever(name)
    (_, build, params), _ = _applied(name)[0]
    before = build()
    dumped = before.model_dump()
    after = apply_lever(before, name, params)
    assert after is not before
    assert before.model_dump() == dumped
    assert apply_lever(before, name, params) == after  # deterministic


@pytest.mark.parametrize("name", NAMES)
def test_unknown_parameter_is_refused(name: str) -> None:
    lever = _lever(name)
    with pytest.raises(LeverError, match=rf"lever '{name}': no_such_knob: Extra inputs"):
        lever.parse_params({"no_such_knob": 1})


@pytest.mark.parametrize("name", [n for n in NAMES if n != "conwip"])
def test_unknown_station_is_refused(name: str) -> None:
    _lever(name)
    (_, build, params), _ = _applied(name)[0]
    with pytest.raises(LeverError, match="unknown station.*'ghost'"):
        apply_lever(build(), name, {**params, "stations": ["ghost"]})
