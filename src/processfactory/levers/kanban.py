"""Kanban: stations work only to replace what the next station has taken (pull)."""

from __future__ import annotations

from pydantic import Field

from processfactory.levers.base import (
    Lever,
    LeverError,
    LeverParams,
    any_station,
    fitting_stations,
    with_release_policy,
)
from processfactory.scenario.model import Scenario


class KanbanParams(LeverParams):
    """Parameters of kanban."""

    cards: int = Field(
        2,
        ge=1,
        description=(
            "Kanban cards of each selected station: the most units it may have started and not "
            "yet handed to the next station."
        ),
    )


def apply_kanban(scenario: Scenario, params: KanbanParams) -> Scenario:
    """Kanban: release policy 'kanban' with `cards` cards at every selected station.

    Under push every station works as fast as it can and the work piles up in front of the
    slowest one. With kanban a station starts a unit only with a free card, and a card comes
    back only when the next station takes a unit away: each station makes what its customer
    took, and the work in process between two stations can never exceed the cards. Lead time
    falls with the WIP (Little's law) at little cost in throughput as long as the bottleneck
    always has a card to work with.

    Sets `release.policy` to 'kanban' (and clears `release.cap` if the line was under CONWIP)
    and `kanban` to `cards` on every selected station (default: all); the cards of stations
    not selected are left as they are (none, unless the line already ran kanban). The engine
    counts a station's cards per station, not per server: a station with more servers than
    cards can never use them all. Arrivals or orders are unchanged.

    The lever refuses what the scenario checks refuse, and says which lever to apply first:
    a station with a batch (process or transfer) larger than its cards could never fill it
    (apply `one_piece_flow` first, or give more cards); and rework under kanban can deadlock
    (a unit waiting for rework keeps its card), so a scenario that reworks defects needs
    `poka_yoke` with reduction 1 first, or its defects made scrap.

    Default: 2 cards per station, the two-bin system: one container in use while the other is
    being refilled.
    """
    chosen = fitting_stations(scenario, params, "kanban", any_station, "an operation")
    rework = [
        st.id
        for st in scenario.stations
        if st.defects is not None and st.defects.action == "rework" and st.defects.rate > 0
    ]
    if rework:
        raise LeverError(
            f"lever 'kanban': station(s) {', '.join(repr(s) for s in rework)} rework defects, "
            "and kanban does not work with rework (a unit waiting to be reworked keeps its card "
            "and can deadlock the station); apply poka_yoke with reduction 1 first (no defects "
            "made), or make those defects scrap (defects.action: scrap)"
        )
    for sid in chosen:
        st = scenario.station(sid)
        batches = [
            f"a {kind} batch of {size}"
            for kind, size in (("process", st.process_batch), ("transfer", st.transfer_batch))
            if size > params.cards
        ]
        if batches:
            fix = (
                "apply one_piece_flow with process_batch: true first"
                if st.process_batch > params.cards
                else "apply one_piece_flow first"
            )
            need = max(st.process_batch, st.transfer_batch)
            raise LeverError(
                f"lever 'kanban': station '{sid}' has {' and '.join(batches)}, which "
                f"{params.cards} kanban card(s) can never fill; {fix}, or give at least "
                f"{need} cards"
            )
    return with_release_policy(
        scenario, "kanban", "kanban", None, dict.fromkeys(chosen, params.cards)
    )


LEVER = Lever(
    name="kanban",
    title="Kanban (pull)",
    function=apply_kanban,
    params=KanbanParams,
    changes=("release.policy", "release.cap", "stations[*].kanban"),
)

__all__ = ["LEVER", "KanbanParams", "apply_kanban"]
