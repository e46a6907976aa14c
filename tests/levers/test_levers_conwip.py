"""CONWIP: policy 'conwip' with a cap, by default ⌈W₀⌉ + stations; WIP held at the cap."""

from __future__ import annotations

import math

import pytest
from lever_helpers import demo, kanban_line, kpis, line, oven_line

from processfactory import load_scenario
from processfactory.kpi.theory import bottleneck_rate, raw_process_time
from processfactory.levers import LeverError, apply_lever, apply_levers, get_lever
from processfactory.levers.conwip import default_cap


def test_default_cap_is_critical_wip_plus_one_per_station() -> None:
    scn = demo()
    # T0 = 1.1333 + (0.6·1.5 + 0.4·1.9) + 0.6·2.0 + 2.3 + 1.0667 + 0.9 = 8.26; r_b = 1/2.3
    assert raw_process_time(scn) == pytest.approx(8.26)
    assert bottleneck_rate(scn) == pytest.approx(1 / 2.3)
    assert default_cap(scn) == math.ceil(8.26 / 2.3) + 6 == 10
    out = apply_lever(scn, "conwip")
    assert (out.release.policy, out.release.cap) == ("conwip", 10)
    assert out.release.arrivals == scn.release.arrivals
    # the conwip-line library scenario: W0 = 3.1/1.2 = 2.58 → 3 + 3
    assert default_cap(load_scenario("conwip-line")) == 6
    # a product that skips a station: n counts stations on some routing
    skipping = demo().model_copy(
        update={
            "products": [
                p.model_copy(
                    update={
                        "routing": ["kitting", "frame", "final", "inspection", "packing"],
                        "times": {},
                    }
                )
                for p in demo().products
            ]
        }
    )
    assert default_cap(skipping) == math.ceil(round(raw_process_time(skipping) / 2.3, 9)) + 5


def test_default_cap_covers_the_largest_batch() -> None:
    scn = line({"id": "a", "time": 0.1, "transfer_batch": 20}, {"id": "b", "time": 0.1})
    assert default_cap(scn) == 20
    assert apply_lever(scn, "conwip").release.cap == 20
    assert default_cap(oven_line()) == math.ceil(4.5 * 1.0) + 3  # r_b = 1 (prep), T0 = 4.5


def test_cap_below_a_batch_is_refused() -> None:
    with pytest.raises(
        LeverError, match=r"cap 3 is smaller than the transfer batch 5 of station 'kitting'"
    ):
        apply_lever(demo(), "conwip", {"cap": 3})
    out = apply_levers(demo(), ["one_piece_flow", ("conwip", {"cap": 3})])
    assert out.release.cap == 3


def test_replaces_kanban_cards() -> None:
    scn = kanban_line()
    out = apply_lever(scn, "conwip", {"cap": 7})
    assert all(st.kanban is None for st in out.stations)
    assert (out.release.policy, out.release.cap) == ("conwip", 7)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"cap": 0}, "cap: Input should be greater than or equal to 1"),
        ({"cap": 2.5}, "cap: "),
        ({"stations": ["s1"]}, "stations: Value error, CONWIP caps the whole line"),
    ],
)
def test_invalid_parameters(bad: dict[str, object], message: str) -> None:
    with pytest.raises(LeverError, match=rf"lever 'conwip': {message}"):
        get_lever("conwip").parse_params(bad)


def test_conwip_holds_wip_at_the_cap() -> None:
    scn = line(
        {"id": "a", "time": {"dist": "lognormal", "mean": 0.8, "cv": 0.3}},
        {"id": "b", "time": {"dist": "lognormal", "mean": 1.2, "cv": 0.3}},
        {"id": "c", "time": {"dist": "lognormal", "mean": 1.0, "cv": 0.3}},
    )
    out = apply_lever(scn, "conwip")
    assert out.release.cap == 6  # W0 = 3.0/1.2 = 2.5 → 3, plus 3 stations
    before, after = kpis(scn), kpis(out)
    assert before["wip"] > 50
    assert after["wip"] == pytest.approx(6.0, abs=0.05)  # saturated: always at the cap
    assert after["throughput"] == pytest.approx(before["throughput"], rel=0.05)
