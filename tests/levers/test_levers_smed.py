"""SMED: setups shrink to (1 − reduction) of their time; a setup-bound line speeds up."""

from __future__ import annotations

import pytest
from lever_helpers import demo, kpis, line

from processfactory.levers import LeverError, apply_lever, apply_levers, get_lever
from processfactory.scenario.distributions import Triangular
from processfactory.scenario.model import Scenario


def setup_bound_line() -> Scenario:
    """A setup before every unit at 'press' (1 + 1 min): it paces the line at 0.5 per min."""
    return line(
        {
            "id": "press",
            "time": 1.0,
            "setup": {
                "time": {"dist": "triangular", "low": 0.5, "mode": 1, "high": 1.5},
                "on": "batch",
            },
        },
        {"id": "assemble", "time": {"dist": "lognormal", "mean": 0.8, "cv": 0.2}},
    )


def test_default_reduction_leaves_a_quarter_of_the_setup() -> None:
    scn = demo()
    out = apply_lever(scn, "smed")
    setup = out.station("frame").setup
    assert setup is not None and setup.on == "changeover"
    assert setup.time == Triangular(dist="triangular", low=0.125, mode=0.25, high=0.375)
    assert out.station("frame").time == scn.station("frame").time


def test_reduction_parameter_and_composition() -> None:
    scn = demo()
    setup = apply_lever(scn, "smed", {"reduction": 0.5}).station("frame").setup
    assert setup is not None and setup.time.mean_time == pytest.approx(0.5)
    # two workshops of 50 % leave a quarter, like one of 75 %
    twice = apply_levers(scn, [("smed", {"reduction": 0.5}), ("smed", {"reduction": 0.5})])
    assert twice == apply_lever(scn, "smed")
    assert apply_lever(scn, "smed", {"reduction": 0.0}) == scn


def test_only_stations_with_a_setup() -> None:
    with pytest.raises(LeverError, match="only on stations with a setup: not on 'kitting'"):
        apply_lever(demo(), "smed", {"stations": ["frame", "kitting"]})
    # by default the stations without a setup are left alone
    assert apply_lever(demo(), "smed").station("kitting") == demo().station("kitting")
    plain = line({"id": "a", "time": 1.0})
    with pytest.raises(LeverError, match="scenario 'test line' has none: it would change nothing"):
        apply_lever(plain, "smed")


@pytest.mark.parametrize("bad", [{"reduction": 1.0}, {"reduction": -0.1}, {"reduction": "lots"}])
def test_invalid_reduction(bad: dict[str, object]) -> None:
    with pytest.raises(LeverError, match=r"lever 'smed': reduction: "):
        get_lever("smed").parse_params(bad)


def test_smed_raises_throughput_of_a_setup_bound_line() -> None:
    scn = setup_bound_line()
    before = kpis(scn)["throughput"]
    after = kpis(apply_lever(scn, "smed"))["throughput"]
    # cycle of the press: 1 + 1 → 1 + 0.25 minutes
    assert before == pytest.approx(1 / 2.0, rel=0.03)
    assert after == pytest.approx(1 / 1.25, rel=0.03)
