"""Poka-yoke: defect rates × (1 − reduction), caught at the source; first-pass yield rises."""

from __future__ import annotations

import pytest
from lever_helpers import demo, kpis, line

from processfactory.levers import LeverError, apply_lever, apply_levers, get_lever


def test_defaults_cut_defects_and_detect_them_at_the_source() -> None:
    scn = demo()
    out = apply_lever(scn, "poka_yoke")
    defects = out.station("wiring").defects
    assert defects is not None
    assert defects.rate == pytest.approx(0.01)
    assert defects.detected_at is None
    assert (defects.action, defects.rework_at) == ("rework", "wiring")
    kept = apply_lever(scn, "poka_yoke", {"reduction": 0.5, "detect_at_source": False})
    assert kept.station("wiring").defects == defects.model_copy(
        update={"rate": pytest.approx(0.025), "detected_at": "inspection"}
    )


def test_composition_and_kanban() -> None:
    scn = demo()
    twice = apply_levers(scn, ["poka_yoke", "poka_yoke"]).station("wiring").defects
    assert twice is not None and twice.rate == pytest.approx(0.05 * 0.2 * 0.2)
    ready = apply_levers(scn, [("poka_yoke", {"reduction": 1}), "one_piece_flow", "kanban"])
    wiring = ready.station("wiring").defects
    assert wiring is not None and wiring.rate == 0
    assert ready.release.policy == "kanban"


def test_only_stations_with_defects() -> None:
    with pytest.raises(LeverError, match="only on stations with defects: not on 'frame'"):
        apply_lever(demo(), "poka_yoke", {"stations": ["frame"]})
    with pytest.raises(LeverError, match="has none"):
        apply_lever(line({"id": "a", "time": 1.0}), "poka_yoke")


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"reduction": 1.2}, "reduction"),
        ({"reduction": -1}, "reduction"),
        ({"detect_at_source": "yes please"}, "detect_at_source"),
    ],
)
def test_invalid_parameters(bad: dict[str, object], field: str) -> None:
    with pytest.raises(LeverError, match=rf"lever 'poka_yoke': {field}: "):
        get_lever("poka_yoke").parse_params(bad)


def test_poka_yoke_raises_first_pass_yield() -> None:
    scn = line(
        {"id": "solder", "time": 1.0, "defects": {"rate": 0.3, "detected_at": "test"}},
        {"id": "test", "time": 0.5, "value_added": False},
        release={"arrivals": {"dist": "exponential", "mean": 2.0}},
    )
    before, after = kpis(scn), kpis(apply_lever(scn, "poka_yoke"))
    assert before["fpy"] == pytest.approx(0.7, abs=0.02)
    assert after["fpy"] == pytest.approx(0.94, abs=0.01)
    assert after["lead_time"] < before["lead_time"]
