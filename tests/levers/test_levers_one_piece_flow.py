"""One-piece flow: transfer batches (and optionally process batches) become 1."""

from __future__ import annotations

import pytest
from lever_helpers import demo, kpis, line, oven_line

from processfactory.levers import LeverError, apply_lever, apply_levers, get_lever


def test_default_breaks_up_transfer_batches_only() -> None:
    scn = oven_line()
    out = apply_lever(scn, "one_piece_flow")
    oven = out.station("oven")
    assert (oven.transfer_batch, oven.process_batch) == (1, 4)
    assert oven.time == scn.station("oven").time
    assert out.stations[0] is scn.stations[0] or out.stations[0] == scn.stations[0]


def test_flag_breaks_up_process_batches_too() -> None:
    out = apply_lever(oven_line(), "one_piece_flow", {"process_batch": True})
    assert [(st.process_batch, st.transfer_batch) for st in out.stations] == [(1, 1)] * 3
    assert out.station("oven").time.mean_time == 3.0  # time of one load, whatever it holds


def test_stations_without_batches() -> None:
    with pytest.raises(LeverError, match="transfer batch above 1: not on 'frame'"):
        apply_lever(demo(), "one_piece_flow", {"stations": ["kitting", "frame"]})
    flowing = apply_lever(oven_line(), "one_piece_flow")
    with pytest.raises(LeverError, match="has none: it would change nothing"):
        apply_lever(flowing, "one_piece_flow")
    # a process batch left is still something to break up, with the flag
    both = apply_lever(flowing, "one_piece_flow", {"process_batch": True})
    assert both.station("oven").process_batch == 1


def test_composes_with_kanban() -> None:
    # kanban cards must cover a batch: one-piece flow first makes 2 cards enough
    scn = oven_line()
    with pytest.raises(LeverError, match="one_piece_flow with process_batch: true first"):
        apply_lever(scn, "kanban")
    out = apply_levers(scn, [("one_piece_flow", {"process_batch": True}), "kanban"])
    assert [st.kanban for st in out.stations] == [2, 2, 2]


@pytest.mark.parametrize("bad", [{"process_batch": "sometimes"}, {"process_batch": 3}])
def test_invalid_parameters(bad: dict[str, object]) -> None:
    with pytest.raises(LeverError, match=r"lever 'one_piece_flow': process_batch: "):
        get_lever("one_piece_flow").parse_params(bad)


def test_one_piece_flow_shortens_lead_time() -> None:
    # units wait at 'cut' for 9 batch mates arriving every 2 min: ≈ 9 min on average
    scn = line(
        {"id": "cut", "time": 1.0, "transfer_batch": 10},
        {"id": "bend", "time": {"dist": "lognormal", "mean": 1.0, "cv": 0.3}},
        {"id": "weld", "time": {"dist": "lognormal", "mean": 1.0, "cv": 0.3}},
        release={"arrivals": {"dist": "exponential", "mean": 2.0}},
    )
    before, after = kpis(scn), kpis(apply_lever(scn, "one_piece_flow"))
    assert before["lead_time"] - after["lead_time"] > 7.0
    assert after["lead_time"] < 5.0
    assert after["throughput"] == pytest.approx(before["throughput"], rel=0.05)
