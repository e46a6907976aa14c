"""Standard work: one best way to do each operation, so operation times vary less."""

from __future__ import annotations

from pydantic import Field

from processfactory.levers.base import Lever, LeverParams, fitting_stations, revalidate
from processfactory.levers.timing import scale_station_times, station_times
from processfactory.scenario.model import Scenario, Station


class StandardWorkParams(LeverParams):
    """Parameters of standard work."""

    cv_factor: float = Field(
        0.5,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description=(
            "Factor on the coefficient of variation of operation times (0 ≤ factor ≤ 1): "
            "0.5 halves the relative spread; the mean is unchanged."
        ),
    )


def apply_standard_work(scenario: Scenario, params: StandardWorkParams) -> Scenario:
    """Standard work: operation times keep their mean and get `cv_factor` of their cv.

    Standard work writes down the current best sequence, timing and standard WIP of every
    operation and trains everyone to it. People no longer each do the job their own way, so the
    same operation takes much the same time whoever does it, and less variation means shorter
    queues (Kingman: queue time grows with the squared cvs of arrivals and operations) and less
    blocking and starving between stations.

    For every selected station whose operation time has any spread (cv > 0, in its own `time`
    or in a product's override of it), that `time` and every product override of it
    (`products[*].times[<station>]`) are rescaled by `processfactory.levers.timing.scale_time`
    with mean factor 1 and cv × `cv_factor`: the mean stays, the standard deviation is
    multiplied by `cv_factor`. An exponential time becomes a gamma with cv = `cv_factor`.
    Stations with only deterministic times are left alone; naming one in `stations` is an
    error, and so is a scenario with no random operation time.

    Default: 0.5, a moderate assumption for a first standardisation: a manual operation keeps
    some natural spread even when done to a standard, but the extra spread of everyone's own
    method (often the larger part) goes.
    """

    def varies(station: Station) -> bool:
        return any(t.cv2 > 0 for t in station_times(scenario, station.id))

    chosen = fitting_stations(
        scenario, params, "standard_work", varies, "a random operation time (cv > 0)"
    )
    result = scale_station_times(scenario, chosen, 1.0, params.cv_factor)
    return revalidate(result, "standard_work")


LEVER = Lever(
    name="standard_work",
    title="Standard work",
    function=apply_standard_work,
    params=StandardWorkParams,
    changes=("stations[*].time", "products[*].times"),
)

__all__ = ["LEVER", "StandardWorkParams", "apply_standard_work"]
