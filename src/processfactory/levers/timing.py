"""Rescaling time distributions: how levers make operations, setups and repairs shorter.

``scale_time`` rescales a time distribution's mean and its coefficient of variation (cv =
standard deviation ÷ mean) and keeps its family wherever the family can express the result:

- deterministic: ``value`` × mean_factor (a fixed time has no spread: cv_factor does nothing);
- uniform, triangular, empirical: every point moves about the mean, x' = m' + (x − m) · f · g
  with m the mean, m' = m · f, f = mean_factor and g = cv_factor; so the mean becomes m · f, the
  standard deviation sd · f · g and the cv cv · g, and the shape is kept;
- normal: ``mean`` × f, and ``cv`` × g (or ``sd`` × f · g when the spread is given as sd);
- lognormal, gamma: ``mean`` × f and ``cv`` × g (a gamma whose cv becomes 0 is deterministic);
- exponential: ``mean`` × f. Its cv is fixed at 1, so a cv_factor other than 1 turns it into a
  gamma with the same mean and cv = g (a deterministic time when g = 0): the only family here
  that keeps the mean and takes any cv while staying skewed like the exponential.

``scale_station_times`` applies it to stations' operation times and to the products' time
overrides for those stations.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from processfactory.scenario.distributions import (
    Deterministic,
    Distribution,
    Empirical,
    Exponential,
    Gamma,
    LogNormal,
    Normal,
    Triangular,
    Uniform,
)
from processfactory.scenario.model import Scenario


def _about_mean(points: list[float], mean: float, f: float, g: float) -> list[float]:
    """Points moved about the mean: m·f + (x − m)·f·g, refusing negative times."""
    out = [mean * f + (x - mean) * f * g for x in points]
    if min(out) < -1e-12 * max(1.0, mean * f):
        raise ValueError(
            f"a cv_factor of {g:g} would make times negative (lowest {min(out):g}): "
            "a bounded distribution cannot be widened that much"
        )
    # a tiny negative rounding error (e.g. -1e-17) must not reach the model's ge=0 check
    return [max(0.0, x) for x in out]


def scale_time(
    dist: Distribution, mean_factor: float = 1.0, cv_factor: float = 1.0
) -> Distribution:
    """``dist`` with its mean × ``mean_factor`` and its cv × ``cv_factor`` (see the module doc).

    ``mean_factor`` must be > 0 and ``cv_factor`` ≥ 0, both finite. Raises ``ValueError`` when a
    bounded family (uniform, triangular, empirical) would need negative times to reach the wider
    spread asked for.
    """
    if not (math.isfinite(mean_factor) and mean_factor > 0):
        raise ValueError(f"mean_factor must be finite and > 0, got {mean_factor}")
    if not (math.isfinite(cv_factor) and cv_factor >= 0):
        raise ValueError(f"cv_factor must be finite and >= 0, got {cv_factor}")
    f, g = mean_factor, cv_factor
    if isinstance(dist, Deterministic):
        return Deterministic(value=dist.value * f)
    if isinstance(dist, Uniform):
        low, high = _about_mean([dist.low, dist.high], dist.mean_time, f, g)
        return Uniform(dist="uniform", low=low, high=max(high, low))
    if isinstance(dist, Triangular):
        low, mode, high = _about_mean([dist.low, dist.mode, dist.high], dist.mean_time, f, g)
        # rounding must not break low <= mode <= high
        mode = min(max(mode, low), high)
        return Triangular(dist="triangular", low=low, mode=mode, high=high)
    if isinstance(dist, Empirical):
        values = _about_mean(list(dist.values), dist.mean_time, f, g)
        return Empirical(dist="empirical", values=values)
    if isinstance(dist, Exponential):
        if g == 1:
            return Exponential(dist="exponential", mean=dist.mean * f)
        if g == 0:
            return Deterministic(value=dist.mean * f)
        return Gamma(dist="gamma", mean=dist.mean * f, cv=g)
    if isinstance(dist, Normal):
        if dist.sd is not None:
            return Normal(dist="normal", mean=dist.mean * f, sd=dist.sd * f * g)
        return Normal(dist="normal", mean=dist.mean * f, cv=(dist.cv or 0.0) * g)
    if isinstance(dist, LogNormal):
        return LogNormal(dist="lognormal", mean=dist.mean * f, cv=dist.cv * g)
    if isinstance(dist, Gamma):
        if g == 0:
            return Deterministic(value=dist.mean * f)
        return Gamma(dist="gamma", mean=dist.mean * f, cv=dist.cv * g)
    raise TypeError(f"unknown time distribution {type(dist).__name__}")  # pragma: no cover


def scale_station_times(
    scenario: Scenario,
    station_ids: Collection[str],
    mean_factor: float = 1.0,
    cv_factor: float = 1.0,
) -> Scenario:
    """Operation times of ``station_ids`` rescaled, with the products' overrides for them.

    Changes ``stations[*].time`` of the given stations and ``products[*].times[<id>]`` for the
    same ids; nothing else. The result is not revalidated (see :func:`revalidate`).
    """
    chosen = set(station_ids)
    stations = [
        st.model_copy(update={"time": scale_time(st.time, mean_factor, cv_factor)})
        if st.id in chosen
        else st
        for st in scenario.stations
    ]
    products = [
        prod.model_copy(
            update={
                "times": {
                    sid: scale_time(dist, mean_factor, cv_factor) if sid in chosen else dist
                    for sid, dist in prod.times.items()
                }
            }
        )
        if chosen.intersection(prod.times)
        else prod
        for prod in scenario.products
    ]
    return scenario.model_copy(update={"stations": stations, "products": products})


def station_times(scenario: Scenario, station_id: str) -> list[Distribution]:
    """Every operation time used at a station: its own and the products' overrides for it."""
    own: list[Distribution] = [scenario.station(station_id).time]
    return own + [p.times[station_id] for p in scenario.products if station_id in p.times]


__all__ = ["scale_station_times", "scale_time", "station_times"]
