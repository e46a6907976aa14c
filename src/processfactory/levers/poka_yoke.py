"""Poka-yoke (mistake-proofing): fewer defects, caught where they are made."""

from __future__ import annotations

from pydantic import Field

from processfactory.levers.base import Lever, LeverParams, fitting_stations, with_stations_changed
from processfactory.scenario.model import Scenario, Station


class PokaYokeParams(LeverParams):
    """Parameters of poka-yoke."""

    reduction: float = Field(
        0.8,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description=(
            "Share of defects prevented (0–1): the defect rate is multiplied by 1 − reduction; "
            "1 prevents every defect."
        ),
    )
    detect_at_source: bool = Field(
        True,
        description=(
            "Detect the remaining defects at the station that makes them (detected_at → the "
            "station itself) instead of at a later inspection."
        ),
    )


def _makes_defects(station: Station) -> bool:
    return station.defects is not None


def apply_poka_yoke(scenario: Scenario, params: PokaYokeParams) -> Scenario:
    """Poka-yoke: defect rates × (1 − `reduction`), and defects caught where they are made.

    Mistake-proofing devices (guide pins, fixtures that take a part only the right way round,
    counters, checklists built into a form) either make a mistake impossible (prevention) or
    signal it the moment it happens (detection, Shingo's source inspection). Fewer units are
    reworked or scrapped, and a defect caught at its source costs one operation instead of a
    trip through the rest of the line and back.

    For every selected station with `defects`: `defects.rate` is multiplied by
    1 − `reduction`, and with `detect_at_source` the defect's `detected_at` becomes empty, i.e.
    the station that makes the defect catches it (the unit is then reworked at `rework_at`, or
    scrapped, as before, and continues after the station itself instead of after a later
    inspection). `action` and `rework_at` are unchanged; with reduction 1 no defect is made at
    all, which is what the kanban lever needs where the scenario would rework. Inspection
    stations stay on the routing (removing them is a routing change of its own). Stations
    without defects are left alone; naming one in `stations` is an error, and so is a scenario
    without defects.

    Defaults: 0.8 fewer defects, detected at the source. Shingo reports poka-yoke taking lines
    to near-zero defects; 80 % is a cautious figure for a first round of devices.
    """
    chosen = set(fitting_stations(scenario, params, "poka_yoke", _makes_defects, "defects"))
    keep = 1.0 - params.reduction

    def mistake_proofed(st: Station) -> Station:
        if st.defects is None:  # pragma: no cover - fitting_stations chose stations with defects
            return st
        update: dict[str, object] = {"rate": st.defects.rate * keep}
        if params.detect_at_source and st.defects.detected_at not in (None, st.id):
            update["detected_at"] = None
        return st.model_copy(update={"defects": st.defects.model_copy(update=update)})

    return with_stations_changed(scenario, "poka_yoke", chosen, mistake_proofed)


LEVER = Lever(
    name="poka_yoke",
    title="Poka-yoke (mistake-proofing)",
    function=apply_poka_yoke,
    params=PokaYokeParams,
    changes=("stations[*].defects.rate", "stations[*].defects.detected_at"),
)

__all__ = ["LEVER", "PokaYokeParams", "apply_poka_yoke"]
