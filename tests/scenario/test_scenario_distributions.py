"""Time distributions: the bare-number shorthand, and that each sampler has the stated law."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from processfactory.scenario import Distribution, parse_scenario
from processfactory.scenario.distributions import Deterministic

ADAPTER: TypeAdapter[object] = TypeAdapter(Distribution)
DRAWS = 200_000


def test_a_bare_number_is_a_deterministic_time() -> None:
    dist = ADAPTER.validate_python(2.5)
    assert dist == Deterministic(value=2.5)
    assert np.array_equal(dist.sample(np.random.default_rng(0), 4), np.full(4, 2.5))
    scn = parse_scenario("name: x\nstations: [{id: a, time: 3}]\nrun: {units: 1}\n")
    assert scn.stations[0].time == Deterministic(value=3)


def test_deterministic_accepts_mean_for_value() -> None:
    assert ADAPTER.validate_python({"dist": "deterministic", "mean": 2}) == Deterministic(value=2)


def test_a_boolean_is_not_taken_for_a_number() -> None:
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(True)


# (distribution, expected mean, expected cv) worked out by hand from the parameters
CASES = [
    ({"dist": "deterministic", "value": 1.5}, 1.5, 0.0),
    ({"dist": "uniform", "low": 1, "high": 3}, 2.0, (2 / math.sqrt(12)) / 2.0),
    (
        {"dist": "triangular", "low": 1, "mode": 1.5, "high": 3},
        5.5 / 3,
        math.sqrt((1 + 9 + 2.25 - 3 - 1.5 - 4.5) / 18) / (5.5 / 3),
    ),
    ({"dist": "exponential", "mean": 2}, 2.0, 1.0),
    ({"dist": "normal", "mean": 2, "cv": 0.2}, 2.0, 0.2),
    ({"dist": "normal", "mean": 4, "sd": 0.4}, 4.0, 0.1),
    ({"dist": "lognormal", "mean": 1.2, "cv": 0.5}, 1.2, 0.5),
    ({"dist": "lognormal", "mean": 3, "cv": 1.5}, 3.0, 1.5),
    ({"dist": "gamma", "mean": 3, "cv": 0.7}, 3.0, 0.7),
    ({"dist": "empirical", "values": [1, 2, 2, 5]}, 2.5, math.sqrt(2.25) / 2.5),
]


@pytest.mark.parametrize(("spec", "mean", "cv"), CASES, ids=[str(c[0]) for c in CASES])
def test_samples_have_the_stated_mean_and_cv(
    spec: dict[str, object], mean: float, cv: float
) -> None:
    dist = ADAPTER.validate_python(spec)
    assert dist.mean_time == pytest.approx(mean)
    assert math.sqrt(dist.cv2) == pytest.approx(cv)
    x = dist.sample(np.random.default_rng(12345), DRAWS)
    assert x.shape == (DRAWS,) and x.dtype == np.float64
    assert (x >= 0).all()
    assert x.mean() == pytest.approx(mean, rel=0.01)
    # heavy-tailed laws estimate their spread less precisely
    assert x.std() / x.mean() == pytest.approx(cv, rel=0.05 if cv > 1 else 0.02, abs=1e-12)


def test_wide_normal_is_truncated_not_clipped() -> None:
    dist = ADAPTER.validate_python({"dist": "normal", "mean": 1, "cv": 1})
    x = dist.sample(np.random.default_rng(3), DRAWS)
    assert (x >= 0).all()
    assert (x == 0).mean() < 1e-4  # clipping would pile ~16 % of draws at exactly 0
    assert x.mean() > 1.1  # the truncated law has a mean above the untruncated one


def test_same_seed_gives_the_same_times() -> None:
    dist = ADAPTER.validate_python({"dist": "lognormal", "mean": 1, "cv": 0.5})
    a = dist.sample(np.random.default_rng(7), 100)
    b = dist.sample(np.random.default_rng(7), 100)
    assert np.array_equal(a, b)


@pytest.mark.parametrize(
    "spec",
    [
        {"dist": "uniform", "low": 3, "high": 1},
        {"dist": "triangular", "low": 1, "mode": 4, "high": 3},
        {"dist": "normal", "mean": 1},
        {"dist": "normal", "mean": 1, "cv": 0.1, "sd": 0.1},
        {"dist": "gamma", "mean": 1, "cv": 0},
        {"dist": "exponential", "mean": 0},
        {"dist": "empirical", "values": []},
        {"dist": "lognormal", "mean": 1, "cv": 0.5, "sd": 1},
    ],
)
def test_inconsistent_parameters_are_rejected(spec: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(spec)
