"""One-piece flow: units move on one at a time instead of in batches."""

from __future__ import annotations

from pydantic import Field

from processfactory.levers.base import Lever, LeverParams, fitting_stations, with_stations_changed
from processfactory.scenario.model import Scenario, Station


class OnePieceFlowParams(LeverParams):
    """Parameters of one-piece flow."""

    process_batch: bool = Field(
        False,
        description=(
            "Also process one unit at a time (process_batch → 1). Off by default: ovens, "
            "washers and the like batch for physical reasons, and their time is per load."
        ),
    )


def apply_one_piece_flow(scenario: Scenario, params: OnePieceFlowParams) -> Scenario:
    """One-piece flow: every selected station passes each unit on as soon as it is done.

    A transfer batch makes every unit wait at its station until the whole batch is finished,
    so a unit's lead time carries the waiting for its batch mates, and the next station gets
    work in lumps. Moving units one at a time ("make one, move one") cuts that waiting and
    evens the flow; it costs more trips, which the walking distance shows unless the stations
    also stand close together (see cell layout).

    Sets `transfer_batch` to 1 on every selected station (default: all). With `process_batch`
    true it also sets `process_batch` to 1; the operation time stays as it is, since it is the
    time of one operation whether it holds one unit or many (right for an oven, whose cycle
    does not get shorter with fewer parts in it, which is also why this is off by default). A
    setup `on: batch` then happens before every unit: apply SMED first where that hurts.
    Stations that already move (and, with the flag, process) single units are left alone;
    naming one in `stations` is an error, and so is a scenario without any batch to break up.

    Default: transfer batches only. Moving units one at a time costs nothing but trips, while
    a process batch is often physical and needs the machine changed first.
    """

    def batched(station: Station) -> bool:
        return station.transfer_batch > 1 or (params.process_batch and station.process_batch > 1)

    needs = (
        "a transfer or process batch above 1"
        if params.process_batch
        else ("a transfer batch above 1")
    )
    chosen = set(fitting_stations(scenario, params, "one_piece_flow", batched, needs))
    update: dict[str, int] = {"transfer_batch": 1}
    if params.process_batch:
        update["process_batch"] = 1
    return with_stations_changed(
        scenario, "one_piece_flow", chosen, lambda st: st.model_copy(update=update)
    )


LEVER = Lever(
    name="one_piece_flow",
    title="One-piece flow",
    function=apply_one_piece_flow,
    params=OnePieceFlowParams,
    changes=("stations[*].transfer_batch", "stations[*].process_batch"),
)

__all__ = ["LEVER", "OnePieceFlowParams", "apply_one_piece_flow"]
