"""TPM: MTBF × mtbf_factor, MTTR × repair_factor; availability rises as MTBF/(MTBF+MTTR)."""

from __future__ import annotations

import pytest
from lever_helpers import demo, kpis, line

from processfactory.levers import LeverError, apply_lever, apply_levers, get_lever
from processfactory.scenario.distributions import Exponential, LogNormal


def test_defaults_double_mtbf_and_halve_repairs() -> None:
    scn = demo()
    out = apply_lever(scn, "tpm")
    bd = out.station("final").breakdowns
    assert bd is not None
    assert bd.time_between == Exponential(dist="exponential", mean=240)
    assert bd.repair == LogNormal(dist="lognormal", mean=4, cv=0.5)
    assert out.station("final").time == scn.station("final").time


def test_parameters_and_composition() -> None:
    scn = demo()
    out = apply_lever(scn, "tpm", {"mtbf_factor": 1.5, "repair_factor": 0.8})
    bd = out.station("final").breakdowns
    assert bd is not None
    assert (bd.time_between.mean_time, bd.repair.mean_time) == pytest.approx((180, 6.4))
    twice = apply_levers(scn, ["tpm", "tpm"]).station("final").breakdowns
    assert twice is not None
    assert (twice.time_between.mean_time, twice.repair.mean_time) == pytest.approx((480, 2))


def test_only_stations_with_breakdowns() -> None:
    with pytest.raises(LeverError, match="only on stations with breakdowns: not on 'kitting'"):
        apply_lever(demo(), "tpm", {"stations": ["final", "kitting"]})
    with pytest.raises(LeverError, match="has none: it would change nothing"):
        apply_lever(line({"id": "a", "time": 1.0}), "tpm")


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"mtbf_factor": 0.5}, "mtbf_factor"),
        ({"repair_factor": 0}, "repair_factor"),
        ({"repair_factor": 2}, "repair_factor"),
        ({"mtbf_factor": float("inf")}, "mtbf_factor"),
    ],
)
def test_invalid_parameters(bad: dict[str, object], field: str) -> None:
    with pytest.raises(LeverError, match=rf"lever 'tpm': {field}: "):
        get_lever("tpm").parse_params(bad)


def test_tpm_raises_availability() -> None:
    scn = line(
        {
            "id": "press",
            "time": 1.0,
            "breakdowns": {
                "time_between": {"dist": "exponential", "mean": 50},
                "repair": {"dist": "exponential", "mean": 10},
            },
        },
        run={"units": 20000, "warmup_units": 500},
    )
    before, after = kpis(scn), kpis(apply_lever(scn, "tpm"))
    # down = MTTR / (MTBF + MTTR): 10/60 → 5/105
    assert before["down"]["press"] == pytest.approx(10 / 60, abs=0.02)
    assert after["down"]["press"] == pytest.approx(5 / 105, abs=0.01)
    assert before["throughput"] == pytest.approx(50 / 60, abs=0.02)
    assert after["throughput"] == pytest.approx(100 / 105, abs=0.01)
