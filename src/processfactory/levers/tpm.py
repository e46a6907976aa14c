"""TPM (total productive maintenance): fewer and shorter breakdowns."""

from __future__ import annotations

from pydantic import Field

from processfactory.levers.base import Lever, LeverParams, fitting_stations, with_stations_changed
from processfactory.levers.timing import scale_time
from processfactory.scenario.model import Scenario, Station


class TpmParams(LeverParams):
    """Parameters of TPM."""

    mtbf_factor: float = Field(
        2.0,
        ge=1,
        allow_inf_nan=False,
        description=(
            "Factor on the mean time between failures (≥ 1): 2 means breakdowns half as often."
        ),
    )
    repair_factor: float = Field(
        0.5,
        gt=0,
        le=1,
        allow_inf_nan=False,
        description="Factor on the mean repair time (0 < factor ≤ 1): 0.5 halves repairs.",
    )


def _breaks_down(station: Station) -> bool:
    return station.breakdowns is not None


def apply_tpm(scenario: Scenario, params: TpmParams) -> Scenario:
    """TPM: breakdowns `mtbf_factor` times rarer, repairs `repair_factor` as long.

    Total productive maintenance has operators clean, inspect and lubricate their own machines
    every day (autonomous maintenance), so wear is found before it stops the machine, and
    prepares spare parts and repair standards, so a breakdown that still happens is fixed
    faster. Availability (the share of time a station is not down) rises: it is MTBF ÷ (MTBF +
    MTTR).

    For every selected station with `breakdowns`: the `breakdowns.time_between` distribution
    (time between failures) gets its mean × `mtbf_factor` and the `breakdowns.repair`
    distribution its mean × `repair_factor`, both through
    `processfactory.levers.timing.scale_time` with the cv unchanged (so each standard deviation
    scales with its mean and an exponential stays exponential). Stations without breakdowns are
    left alone; naming one in `stations` is an error, and so is a scenario without breakdowns.

    Defaults: twice the MTBF and half the MTTR, a moderate assumption for a first round of
    autonomous maintenance (Nakajima's TPM aims at zero breakdowns in the long run).
    """
    chosen = set(fitting_stations(scenario, params, "tpm", _breaks_down, "breakdowns"))

    def maintained(st: Station) -> Station:
        bd = st.breakdowns
        if bd is None:  # pragma: no cover - fitting_stations chose stations with breakdowns
            return st
        better = bd.model_copy(
            update={
                "time_between": scale_time(bd.time_between, params.mtbf_factor),
                "repair": scale_time(bd.repair, params.repair_factor),
            }
        )
        return st.model_copy(update={"breakdowns": better})

    return with_stations_changed(scenario, "tpm", chosen, maintained)


LEVER = Lever(
    name="tpm",
    title="TPM (total productive maintenance)",
    function=apply_tpm,
    params=TpmParams,
    changes=("stations[*].breakdowns.time_between", "stations[*].breakdowns.repair"),
)

__all__ = ["LEVER", "TpmParams", "apply_tpm"]
