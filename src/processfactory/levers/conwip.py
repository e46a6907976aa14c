"""CONWIP (constant work in process): a cap on the units in the whole line."""

from __future__ import annotations

import math

from pydantic import Field, field_validator

from processfactory.levers.base import Lever, LeverError, LeverParams, with_release_policy
from processfactory.scenario.model import Identifier, Scenario


class ConwipParams(LeverParams):
    """Parameters of CONWIP."""

    stations: list[Identifier] | None = Field(
        None, description="Not used: CONWIP caps the whole line, not single stations."
    )
    cap: int | None = Field(
        None,
        ge=1,
        description=(
            "Most units in the line at once. Default: ⌈W₀⌉ + n, the critical WIP W₀ = r_b · T₀ "
            "plus one unit per station on the routings (n), and at least the largest batch."
        ),
    )

    @field_validator("stations")
    @classmethod
    def _whole_line(cls, value: list[str] | None) -> None:
        if value is not None:
            raise ValueError("CONWIP caps the whole line: leave out `stations`")
        return value


def default_cap(scenario: Scenario) -> int:
    """The default CONWIP cap: max(⌈W₀⌉ + n, largest process or transfer batch).

    W₀ = r_b · T₀ is the critical WIP (Hopp & Spearman) from
    :func:`processfactory.kpi.theory.bottleneck_rate` and
    :func:`processfactory.kpi.theory.raw_process_time` (mean operation times only: setups,
    breakdowns and rework are left out, and 0 when every operation takes no time); n is the
    number of distinct stations on the routings.
    """
    from processfactory.kpi.theory import bottleneck_rate, raw_process_time

    t0 = raw_process_time(scenario)
    w0 = bottleneck_rate(scenario) * t0 if t0 > 0 else 0.0
    routing_ids = {st.id for st in scenario.stations}
    if scenario.products:
        routing_ids = {
            sid
            for prod in scenario.products
            for sid in (prod.routing if prod.routing is not None else routing_ids)
        }
    # round away float noise (W₀ = 3.0000000000000004 is 3)
    cap = math.ceil(round(w0, 9)) + len(routing_ids)
    largest = max(max(st.process_batch, st.transfer_batch) for st in scenario.stations)
    return max(cap, largest)


def apply_conwip(scenario: Scenario, params: ConwipParams) -> Scenario:
    """CONWIP: release policy 'conwip' with a cap on the units in the line.

    A constant-WIP line releases a new unit only when one leaves: the work in process is held
    at the cap whatever happens, so lead time is bounded (Little's law: lead time = WIP ÷
    throughput) while the bottleneck is still kept busy. Unlike kanban it needs one card loop
    for the whole line, works with any product mix, and tolerates rework.

    Sets `release.policy` to 'conwip' and `release.cap` to `cap`, and removes every station's
    `kanban` cards (cards are used only under policy 'kanban', which this replaces). Arrivals
    or orders are unchanged: orders that find the line full wait outside it. The lever acts on
    the whole line: giving `stations` is a parameter error. A cap below a station's process or
    transfer batch could never fill that batch, so it is refused (apply `one_piece_flow`
    first, or raise the cap).

    Default cap: max(⌈W₀⌉ + n, largest batch), where W₀ = r_b · T₀ is the critical WIP of
    Hopp & Spearman (*Factory Physics*): the bottleneck rate r_b times the raw process time T₀
    (for a product mix, the share-weighted mean operation times; setups, breakdowns and rework
    left out), the least WIP with which a line without variability reaches full throughput;
    n is the number of stations on the routings, one extra unit per station so that each can
    have a unit waiting when its upstream neighbour is slow.
    """
    cap = params.cap if params.cap is not None else default_cap(scenario)
    for st in scenario.stations:
        batch = max(st.process_batch, st.transfer_batch)
        if batch > cap:
            kind = "transfer" if st.transfer_batch >= st.process_batch else "process"
            raise LeverError(
                f"lever 'conwip': the cap {cap} is smaller than the {kind} batch {batch} of "
                f"station '{st.id}', which could then never fill; apply one_piece_flow first, "
                f"or give a cap of at least {batch}"
            )
    no_cards = {st.id: None for st in scenario.stations if st.kanban is not None}
    return with_release_policy(scenario, "conwip", "conwip", cap, no_cards)


LEVER = Lever(
    name="conwip",
    title="CONWIP (constant work in process)",
    function=apply_conwip,
    params=ConwipParams,
    changes=("release.policy", "release.cap", "stations[*].kanban"),
)

__all__ = ["LEVER", "ConwipParams", "apply_conwip", "default_cap"]
