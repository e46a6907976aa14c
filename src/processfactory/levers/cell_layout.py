"""Cell layout: the stations of the routing close together in a U, in routing order."""

from __future__ import annotations

import math

from pydantic import Field

from processfactory.levers.base import (
    Lever,
    LeverError,
    LeverParams,
    any_station,
    fitting_stations,
    with_stations_changed,
)
from processfactory.scenario.model import Scenario


class CellLayoutParams(LeverParams):
    """Parameters of the cell layout."""

    pitch: float = Field(
        1.5,
        gt=0,
        allow_inf_nan=False,
        description="Distance between neighbouring stations of the cell (metres).",
    )
    buffer_area_factor: float = Field(
        0.25,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description=(
            "Factor on the floor area of each cell station's waiting place (0–1): 0.25 is a "
            "hand-over spot instead of a storage area."
        ),
    )
    origin: tuple[float, float] | None = Field(
        None,
        description=(
            "Position [x, y] (metres) of the first station of the cell. Default: where the "
            "first selected station stands now."
        ),
    )


def u_cell_positions(
    count: int, pitch: float, origin: tuple[float, float]
) -> list[tuple[float, float]]:
    """Positions of ``count`` stations in a U: out along +x, back along +x at y + pitch.

    The first ⌈count/2⌉ stations stand at origin + (i·pitch, 0), the others come back at
    origin + ((⌈count/2⌉ − 1 − j)·pitch, pitch), so neighbours on the routing are ``pitch``
    apart (in both metrics) and the last station stands beside the first (``pitch`` apart for
    an even count, ``2·pitch`` along aisles for an odd one).
    """
    x0, y0 = origin
    out_leg = math.ceil(count / 2)
    positions = [(x0 + i * pitch, y0) for i in range(out_leg)]
    positions += [(x0 + (out_leg - 1 - j) * pitch, y0 + pitch) for j in range(count - out_leg)]
    return positions


def apply_cell_layout(scenario: Scenario, params: CellLayoutParams) -> Scenario:
    """Cell layout: the stations move next to each other in a U, in routing order.

    A functional layout groups machines by kind, so units and people walk far between
    consecutive operations, and every station has a storage area for the work piling up in
    front of it. A U-shaped cell puts the operations of the flow side by side in their
    order: units are handed on over a step or two, one operator can run several neighbouring
    stations, and the last station stands beside the first, so whoever finishes a unit is
    back at the start. The waiting places shrink to hand-over spots.

    The selected stations (default: all), in the order they are listed in `stations` (the
    routing order), get new `position`s on a U: the first ⌈n/2⌉ stand in a row `pitch` metres
    apart going +x from `origin` (default: the first selected station's present position),
    the rest come back in a parallel row `pitch` metres further in +y, so consecutive stations
    are `pitch` apart. Their `buffer_footprint` is multiplied by `buffer_area_factor`; station
    footprints, buffer capacities, operators and the walking speed are unchanged. Stations
    not selected keep their position. The floor area KPI falls with the smaller waiting
    places; walking distance falls with the shorter trips (and, with `layout.transport`, so
    does transport time). The scenario must already have a layout (every station has a
    position): without one, all distances are zero and a cell has nothing to improve.

    Defaults: 1.5 m pitch, about two steps between neighbouring stations of a compact manual
    cell; waiting places at a quarter of their area, room for a unit or two instead of a
    pallet.
    """
    unplaced = [st.id for st in scenario.stations if st.position is None]
    if unplaced:
        raise LeverError(
            "lever 'cell_layout' needs a layout to improve: give every station a position "
            f"[x, y] (metres); {', '.join(repr(s) for s in unplaced)} have none"
        )
    chosen = fitting_stations(scenario, params, "cell_layout", any_station, "a position")
    first = scenario.station(chosen[0]).position
    origin = params.origin if params.origin is not None else first
    assert origin is not None  # every station has a position (checked above)
    placed = dict(zip(chosen, u_cell_positions(len(chosen), params.pitch, origin), strict=True))
    return with_stations_changed(
        scenario,
        "cell_layout",
        placed,
        lambda st: st.model_copy(
            update={
                "position": placed[st.id],
                "buffer_footprint": st.buffer_footprint * params.buffer_area_factor,
            }
        ),
    )


LEVER = Lever(
    name="cell_layout",
    title="Cell layout (U-shaped cell)",
    function=apply_cell_layout,
    params=CellLayoutParams,
    changes=("stations[*].position", "stations[*].buffer_footprint"),
)

__all__ = ["LEVER", "CellLayoutParams", "apply_cell_layout", "u_cell_positions"]
