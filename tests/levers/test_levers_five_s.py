"""5S: operation times × time_factor, cv × cv_factor, product overrides included."""

from __future__ import annotations

import pytest
from lever_helpers import demo, kpis, line

from processfactory.levers import LeverError, apply_lever, apply_levers, get_lever
from processfactory.scenario.distributions import LogNormal, Triangular


def test_defaults_scale_every_operation_time() -> None:
    scn = demo()
    out = apply_lever(scn, "five_s")
    wiring = out.station("wiring").time
    assert isinstance(wiring, LogNormal)
    assert (wiring.mean, wiring.cv) == pytest.approx((1.7, 0.32))
    # triangular 0.8/1.0/1.6 (mean 1.133…): points move about the mean by 0.85 × 0.8
    kit = out.station("kitting").time
    assert isinstance(kit, Triangular)
    mean = (0.8 + 1.0 + 1.6) / 3
    assert kit.low == pytest.approx(0.85 * mean + (0.8 - mean) * 0.68)
    assert kit.high == pytest.approx(0.85 * mean + (1.6 - mean) * 0.68)
    assert kit.mean_time == pytest.approx(0.85 * mean)
    # product B's own frame time is 5S'd too
    frame_b = out.products[1].times["frame"]
    assert isinstance(frame_b, LogNormal)
    assert (frame_b.mean, frame_b.cv) == pytest.approx((1.615, 0.24))
    # nothing but times
    assert out.station("frame").setup == scn.station("frame").setup
    assert out.station("final").breakdowns == scn.station("final").breakdowns


def test_selected_stations_only_and_composition() -> None:
    scn = demo()
    out = apply_lever(scn, "five_s", {"stations": ["frame"], "time_factor": 0.9, "cv_factor": 1})
    assert out.station("frame").time.mean_time == pytest.approx(1.35)
    assert out.products[1].times["frame"].mean_time == pytest.approx(1.71)
    assert [st.time for st in out.stations if st.id != "frame"] == [
        st.time for st in scn.stations if st.id != "frame"
    ]
    # 5S then standard work: mean × 0.85, cv × 0.8 × 0.5
    both = apply_levers(scn, ["five_s", "standard_work"])
    wiring = both.station("wiring").time
    assert isinstance(wiring, LogNormal)
    assert (wiring.mean, wiring.cv) == pytest.approx((1.7, 0.4 * 0.8 * 0.5))
    assert both == apply_lever(apply_lever(scn, "five_s"), "standard_work")


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"time_factor": 0}, "time_factor"),
        ({"time_factor": 1.2}, "time_factor"),
        ({"cv_factor": -0.1}, "cv_factor"),
        ({"cv_factor": float("nan")}, "cv_factor"),
        ({"stations": ["not an id!"]}, "stations.0"),
    ],
)
def test_invalid_parameters(bad: dict[str, object], field: str) -> None:
    with pytest.raises(LeverError, match=rf"lever 'five_s': {field}: "):
        get_lever("five_s").parse_params(bad)


def test_five_s_raises_throughput_of_a_saturated_line() -> None:
    scn = line(
        {"id": "a", "time": {"dist": "lognormal", "mean": 1.0, "cv": 0.5}},
        {"id": "b", "time": {"dist": "lognormal", "mean": 1.0, "cv": 0.5}, "buffer": 2},
        {"id": "c", "time": {"dist": "lognormal", "mean": 1.0, "cv": 0.5}, "buffer": 2},
    )
    before, after = kpis(scn), kpis(apply_lever(scn, "five_s"))
    # 15 % shorter operations alone give 1/0.85 = 1.18 times the throughput; less spread helps
    assert after["throughput"] / before["throughput"] > 1.18
    assert after["lead_time"] < 0.85 * before["lead_time"]
