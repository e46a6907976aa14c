"""Cell layout: stations in a U at `pitch` metres, smaller waiting places; less walking."""

from __future__ import annotations

import pytest
from lever_helpers import demo, kpis, line

from processfactory.levers import LeverError, apply_lever, apply_levers, get_lever
from processfactory.levers.cell_layout import u_cell_positions


def _manhattan(a: tuple[float, float], b: tuple[float, float]) -> float:
    return abs(a[0] - b[0]) + abs(a[1] - b[1])


def test_u_positions() -> None:
    assert u_cell_positions(6, 1.5, (1.0, 1.0)) == [
        (1.0, 1.0),
        (2.5, 1.0),
        (4.0, 1.0),
        (4.0, 2.5),
        (2.5, 2.5),
        (1.0, 2.5),
    ]
    five = u_cell_positions(5, 2.0, (0.0, 0.0))
    assert five == [(0, 0), (2, 0), (4, 0), (4, 2), (2, 2)]
    assert all(_manhattan(a, b) == 2.0 for a, b in zip(five, five[1:], strict=False))
    assert u_cell_positions(1, 2.0, (3.0, 4.0)) == [(3.0, 4.0)]


def test_demo_becomes_a_u_cell() -> None:
    scn = demo()
    out = apply_lever(scn, "cell_layout")
    positions = [st.position for st in out.stations]
    assert positions == u_cell_positions(6, 1.5, (1.0, 1.0))
    assert [st.buffer_footprint for st in out.stations] == pytest.approx(
        [0.25 * st.buffer_footprint for st in scn.stations]
    )
    assert [st.footprint for st in out.stations] == [st.footprint for st in scn.stations]
    # the handler's two stations, kitting and packing, now stand side by side
    kitting, packing = out.station("kitting").position, out.station("packing").position
    assert kitting is not None and packing is not None
    assert _manhattan(kitting, packing) == 1.5


def test_origin_pitch_and_selected_stations() -> None:
    scn = demo()
    out = apply_lever(
        scn,
        "cell_layout",
        {
            "stations": ["wiring", "final", "inspection"],
            "pitch": 2,
            "origin": [10, 10],
            "buffer_area_factor": 0.5,
        },
    )
    assert [out.station(s).position for s in ("wiring", "final", "inspection")] == [
        (10, 10),
        (12, 10),
        (12, 12),
    ]
    assert out.station("wiring").buffer_footprint == 1.0
    assert out.station("kitting") == scn.station("kitting")
    assert out.station("packing") == scn.station("packing")


def test_needs_a_layout() -> None:
    scn = line({"id": "a", "time": 1.0}, {"id": "b", "time": 1.0})
    with pytest.raises(LeverError, match="needs a layout to improve.*'a', 'b' have none"):
        apply_lever(scn, "cell_layout")


def test_composes_with_one_piece_flow() -> None:
    scn = demo()
    out = apply_levers(scn, ["cell_layout", "one_piece_flow"])
    assert out == apply_levers(scn, ["one_piece_flow", "cell_layout"])
    assert out.station("kitting").transfer_batch == 1
    assert out.station("kitting").position == (1.0, 1.0)


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"pitch": 0}, "pitch"),
        ({"buffer_area_factor": 1.5}, "buffer_area_factor"),
        ({"origin": [1.0]}, "origin"),
        ({"origin": "here"}, "origin"),
    ],
)
def test_invalid_parameters(bad: dict[str, object], field: str) -> None:
    with pytest.raises(LeverError, match=rf"lever 'cell_layout': {field}"):
        get_lever("cell_layout").parse_params(bad)


def test_cell_layout_cuts_walking_distance_and_floor_area() -> None:
    scn = demo()
    before, after = kpis(scn), kpis(apply_lever(scn, "cell_layout"))
    # buffer footprints 13 m² of 53 m² shrink to a quarter
    assert before["floor_area"] == 53.0
    assert after["floor_area"] == pytest.approx(53.0 - 0.75 * 13.0)
    assert after["walking_distance"] < 0.3 * before["walking_distance"]
    assert after["walking_distance_total"] < 0.3 * before["walking_distance_total"]
