"""Kanban: policy 'kanban' with `cards` per station; refuses what the checks refuse."""

from __future__ import annotations

import pytest
from lever_helpers import demo, kanban_ready_demo, kpis, line

from processfactory import load_scenario
from processfactory.levers import LeverError, apply_lever, apply_levers, get_lever
from processfactory.scenario.model import Scenario


def unbalanced_line() -> Scenario:
    """A fast first station feeding a slower second one through an unlimited buffer."""
    return line(
        {"id": "a", "time": {"dist": "lognormal", "mean": 0.8, "cv": 0.3}},
        {"id": "b", "time": {"dist": "lognormal", "mean": 1.2, "cv": 0.3}},
        {"id": "c", "time": {"dist": "lognormal", "mean": 1.0, "cv": 0.3}},
    )


def test_every_station_gets_the_cards() -> None:
    scn = kanban_ready_demo()
    out = apply_lever(scn, "kanban")
    assert out.release.policy == "kanban"
    assert out.release.arrivals == scn.release.arrivals
    assert [st.kanban for st in out.stations] == [2] * 6
    three = apply_lever(scn, "kanban", {"cards": 3, "stations": ["frame", "final"]})
    assert [st.kanban for st in three.stations] == [None, 3, None, 3, None, None]


def test_replaces_conwip() -> None:
    scn = load_scenario("conwip-line")
    out = apply_lever(scn, "kanban", {"cards": 1})
    assert (out.release.policy, out.release.cap) == ("kanban", None)
    assert [st.kanban for st in out.stations] == [1, 1, 1]
    # and CONWIP replaces kanban again, cards gone
    back = apply_lever(out, "conwip", {"cap": 8})
    assert back == scn


def test_rework_is_refused_with_what_to_apply_first() -> None:
    scn = demo()
    with pytest.raises(
        LeverError, match=r"'wiring' rework defects.*apply poka_yoke with reduction 1"
    ):
        apply_lever(scn, "kanban")
    # fewer defects are still defects
    with pytest.raises(LeverError, match="poka_yoke with reduction 1"):
        apply_levers(scn, ["poka_yoke", "one_piece_flow", "kanban"])
    # no defects, but the trolley of five still needs more than two cards
    no_defects = apply_lever(scn, "poka_yoke", {"reduction": 1})
    with pytest.raises(
        LeverError, match=r"'kitting' has a transfer batch of 5.*apply one_piece_flow first"
    ):
        apply_lever(no_defects, "kanban")
    assert apply_lever(no_defects, "kanban", {"cards": 5}).station("kitting").kanban == 5


def test_scrap_is_fine() -> None:
    scn = line(
        {"id": "a", "time": 1.0, "defects": {"rate": 0.1, "action": "scrap"}},
        {"id": "b", "time": 1.0},
    )
    assert apply_lever(scn, "kanban").release.policy == "kanban"


@pytest.mark.parametrize("bad", [{"cards": 0}, {"cards": 1.5}, {"cards": "two"}])
def test_invalid_parameters(bad: dict[str, object]) -> None:
    with pytest.raises(LeverError, match=r"lever 'kanban': cards: "):
        get_lever("kanban").parse_params(bad)


def test_kanban_caps_wip_and_keeps_throughput() -> None:
    scn = unbalanced_line()
    before, after = kpis(scn), kpis(apply_lever(scn, "kanban"))
    assert before["wip"] > 50  # the queue in front of 'b' grows all run long
    assert after["wip"] <= 6.0  # 2 cards at each of 3 stations
    assert after["lead_time"] < 0.1 * before["lead_time"]
    assert after["throughput"] == pytest.approx(before["throughput"], rel=0.05)
