"""scale_time: mean × f and cv × g in every family, keeping the family where it can."""

from __future__ import annotations

import math

import numpy as np
import pytest
from lever_helpers import demo

from processfactory.levers import LeverError
from processfactory.levers.base import revalidate
from processfactory.levers.timing import scale_station_times, scale_time
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
from processfactory.scenario.model import Station

EXAMPLES: list[Distribution] = [
    Deterministic(value=2.0),
    Uniform(dist="uniform", low=1.0, high=3.0),
    Triangular(dist="triangular", low=0.5, mode=1.0, high=2.1),
    Exponential(dist="exponential", mean=4.0),
    Normal(dist="normal", mean=2.0, cv=0.2),
    Normal(dist="normal", mean=2.0, sd=0.5),
    LogNormal(dist="lognormal", mean=1.2, cv=0.5),
    Gamma(dist="gamma", mean=3.0, cv=0.7),
    Empirical(dist="empirical", values=[1.2, 1.4, 1.1, 2.0]),
]


@pytest.mark.parametrize("dist", EXAMPLES, ids=lambda d: type(d).__name__)
@pytest.mark.parametrize(("f", "g"), [(1.0, 1.0), (0.85, 0.8), (0.25, 1.0), (2.0, 0.5)])
def test_mean_and_cv_scale_by_the_factors(dist: Distribution, f: float, g: float) -> None:
    out = scale_time(dist, f, g)
    assert out.mean_time == pytest.approx(dist.mean_time * f, rel=1e-12)
    # cv² scales by g², except that a fixed time has no spread to scale
    assert out.cv2 == pytest.approx(dist.cv2 * g * g, rel=1e-12, abs=1e-15)
    if not (isinstance(dist, Exponential) and g != 1):
        assert type(out) is type(dist)


def test_bounded_families_move_about_the_mean() -> None:
    # SMED's example: a triangular 0.5/1/1.5 setup shortened by 75 %
    tri = scale_time(Triangular(dist="triangular", low=0.5, mode=1.0, high=1.5), 0.25)
    assert (tri.low, tri.mode, tri.high) == pytest.approx((0.125, 0.25, 0.375))
    # mean 2 → 1, deviations ±1 → ±0.25
    uni = scale_time(Uniform(dist="uniform", low=1.0, high=3.0), 0.5, 0.5)
    assert (uni.low, uni.high) == pytest.approx((0.75, 1.25))
    emp = scale_time(Empirical(dist="empirical", values=[1.0, 2.0, 6.0]), 1.0, 0.5)
    assert emp.values == pytest.approx([2.0, 2.5, 4.5])  # mean 3 kept
    skew = scale_time(Triangular(dist="triangular", low=1.0, mode=1.0, high=4.0), 1.0, 0.0)
    assert (skew.low, skew.mode, skew.high) == pytest.approx((2.0, 2.0, 2.0))


def test_parametric_families_scale_their_parameters() -> None:
    assert scale_time(Deterministic(value=2.0), 0.5, 0.1) == Deterministic(value=1.0)
    assert scale_time(Exponential(dist="exponential", mean=4.0), 0.5) == Exponential(
        dist="exponential", mean=2.0
    )
    normal = scale_time(Normal(dist="normal", mean=2.0, sd=0.5), 2.0, 0.5)
    assert (normal.mean, normal.sd, normal.cv) == (4.0, 0.5, None)
    normal_cv = scale_time(Normal(dist="normal", mean=2.0, cv=0.2), 2.0, 0.5)
    assert (normal_cv.mean, normal_cv.cv, normal_cv.sd) == (4.0, pytest.approx(0.1), None)
    assert scale_time(LogNormal(dist="lognormal", mean=1.2, cv=0.5), 0.5, 0.5) == LogNormal(
        dist="lognormal", mean=0.6, cv=0.25
    )


def test_exponential_with_another_cv_becomes_gamma() -> None:
    out = scale_time(Exponential(dist="exponential", mean=4.0), 1.0, 0.5)
    assert out == Gamma(dist="gamma", mean=4.0, cv=0.5)
    assert scale_time(Exponential(dist="exponential", mean=4.0), 0.5, 0.0) == Deterministic(
        value=2.0
    )
    assert scale_time(Gamma(dist="gamma", mean=3.0, cv=0.7), 1.0, 0.0) == Deterministic(value=3.0)


def test_samples_follow_the_new_mean_and_cv() -> None:
    rng = np.random.default_rng(5)
    out = scale_time(LogNormal(dist="lognormal", mean=2.0, cv=0.6), 0.5, 0.5)
    draws = out.sample(rng, 200_000)
    assert draws.mean() == pytest.approx(1.0, rel=0.01)
    assert draws.std() / draws.mean() == pytest.approx(0.3, rel=0.02)


def test_impossible_factors_are_refused() -> None:
    with pytest.raises(ValueError, match="mean_factor must be finite and > 0"):
        scale_time(Deterministic(value=1.0), 0.0)
    with pytest.raises(ValueError, match="cv_factor must be finite and >= 0"):
        scale_time(Deterministic(value=1.0), 1.0, -0.5)
    with pytest.raises(ValueError, match="mean_factor"):
        scale_time(Deterministic(value=1.0), math.inf)
    # widening a uniform 0..2 would need negative times
    with pytest.raises(ValueError, match="would make times negative"):
        scale_time(Uniform(dist="uniform", low=0.0, high=2.0), 1.0, 2.0)
    wider = scale_time(Uniform(dist="uniform", low=1.0, high=3.0), 1.0, 2.0)
    assert (wider.low, wider.high) == pytest.approx((0.0, 4.0))


def test_station_times_include_product_overrides_of_those_stations_only() -> None:
    scn = demo()
    out = scale_station_times(scn, ["frame"], 0.5)
    assert out.station("frame").time.mean_time == pytest.approx(0.75)
    assert out.products[1].times["frame"].mean_time == pytest.approx(0.95)
    assert out.station("wiring").time == scn.station("wiring").time
    assert out.products[0] is scn.products[0]  # no override of 'frame': untouched
    untouched = scale_station_times(scn, ["wiring"], 0.5)
    assert untouched.products == scn.products


def test_revalidate_refuses_what_the_loader_refuses() -> None:
    scn = demo()
    assert revalidate(scn, "x") == scn
    # model_copy does not validate: a negative time slips through it, not through revalidate
    bad_time = Station.model_construct(**{**dict(scn.stations[0]), "servers": 0})
    broken = scn.model_copy(update={"stations": [bad_time, *scn.stations[1:]]})
    with pytest.raises(
        LeverError,
        match=r"lever 'x' would make an invalid scenario: "
        r"stations\.0\.servers: Input should be greater than or equal to 1",
    ):
        revalidate(broken, "x")
    # a well-typed scenario the semantic checks refuse: kanban cards under push
    carded = scn.stations[0].model_copy(update={"kanban": 5})
    refused = scn.model_copy(update={"stations": [carded, *scn.stations[1:]]})
    with pytest.raises(LeverError, match=r"stations\[0\]\.kanban: kanban cards are only used"):
        revalidate(refused, "x")
