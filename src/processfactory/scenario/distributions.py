"""Time distributions of a scenario.

Every duration in a scenario (operation, setup, inter-arrival, time between failures, repair) is
one of these, written in the scenario's ``time_unit``. Parameters are stated the way lean
practitioners measure them: a mean and a coefficient of variation (cv = standard deviation ÷ mean)
where that makes sense. A bare number means a deterministic time.

Sampling is done in bulk with a caller-owned ``numpy.random.Generator`` (no global RNG); the
engine consumes the samples in order, so the same seed always gives the same times.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

PositiveTime = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegativeTime = Annotated[float, Field(ge=0, allow_inf_nan=False)]
CV = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def mean_time(self) -> float:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def cv2(self) -> float:
        """Squared coefficient of variation (used by Kingman's approximation)."""
        raise NotImplementedError  # pragma: no cover - overridden

    def sample(self, rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
        """Draw ``n`` times (float64, never negative), into ``out`` when given (and returned)."""
        raise NotImplementedError  # pragma: no cover - overridden


def _fill(values: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    if out is None:
        return values
    out[:] = values
    return out


class Deterministic(_Dist):
    """Always exactly ``value``."""

    dist: Literal["deterministic"] = "deterministic"
    value: NonNegativeTime = Field(validation_alias=AliasChoices("value", "mean"))

    @property
    def mean_time(self) -> float:
        return self.value

    @property
    def cv2(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
        return _fill(np.full(n, self.value), out)


class Uniform(_Dist):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: NonNegativeTime
    high: NonNegativeTime

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must not be below low ({self.low})")
        return self

    @property
    def mean_time(self) -> float:
        return (self.low + self.high) / 2

    @property
    def cv2(self) -> float:
        m = self.mean_time
        return 0.0 if m == 0 else ((self.high - self.low) ** 2 / 12) / m**2

    def sample(self, rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
        return _fill(rng.uniform(self.low, self.high, n), out)


class Triangular(_Dist):
    """Triangular with ``low`` ≤ ``mode`` ≤ ``high`` (the classic three-point estimate)."""

    dist: Literal["triangular"]
    low: NonNegativeTime
    mode: NonNegativeTime
    high: NonNegativeTime

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high):
            raise ValueError(f"needs low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        return self

    @property
    def mean_time(self) -> float:
        return (self.low + self.mode + self.high) / 3

    @property
    def cv2(self) -> float:
        a, c, b = self.low, self.mode, self.high
        var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18
        m = self.mean_time
        return 0.0 if m == 0 else var / m**2

    def sample(self, rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
        if self.low == self.high:
            return _fill(np.full(n, self.low), out)
        return _fill(rng.triangular(self.low, self.mode, self.high, n), out)


class Exponential(_Dist):
    """Exponential with the given ``mean`` (cv = 1, memoryless)."""

    dist: Literal["exponential"]
    mean: PositiveTime

    @property
    def mean_time(self) -> float:
        return self.mean

    @property
    def cv2(self) -> float:
        return 1.0

    def sample(self, rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
        return _fill(rng.exponential(self.mean, n), out)


class Normal(_Dist):
    """Normal by ``mean`` and ``cv`` (or ``sd``), truncated at 0: negative draws are redrawn.

    With cv ≤ 0.3 the truncation changes the mean by less than 0.01 %.
    """

    dist: Literal["normal"]
    mean: PositiveTime
    cv: CV | None = None
    sd: NonNegativeTime | None = None

    @model_validator(mode="after")
    def _one_spread(self) -> Normal:
        if (self.cv is None) == (self.sd is None):
            raise ValueError("give exactly one of cv or sd")
        return self

    @property
    def _sd(self) -> float:
        return self.sd if self.sd is not None else self.mean * (self.cv or 0.0)

    @property
    def mean_time(self) -> float:
        return self.mean

    @property
    def cv2(self) -> float:
        return (self._sd / self.mean) ** 2

    def sample(self, rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
        values = rng.normal(self.mean, self._sd, n)
        bad = values < 0
        while bad.any():  # rejection keeps it a truncated (not clipped) normal
            values[bad] = rng.normal(self.mean, self._sd, int(bad.sum()))
            bad = values < 0
        return _fill(values, out)


class LogNormal(_Dist):
    """Lognormal by its own ``mean`` and ``cv`` (not those of the underlying normal)."""

    dist: Literal["lognormal"]
    mean: PositiveTime
    cv: CV

    @property
    def mean_time(self) -> float:
        return self.mean

    @property
    def cv2(self) -> float:
        return self.cv**2

    def sample(self, rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
        s2 = math.log1p(self.cv**2)
        mu = math.log(self.mean) - s2 / 2
        # normal + exp in place is twice as fast as Generator.lognormal and gives the same law
        out = rng.standard_normal(n, out=out)
        out *= math.sqrt(s2)
        out += mu
        np.exp(out, out=out)
        return out


class Gamma(_Dist):
    """Gamma by ``mean`` and ``cv`` (shape = 1/cv², scale = mean·cv²)."""

    dist: Literal["gamma"]
    mean: PositiveTime
    cv: Annotated[float, Field(gt=0, allow_inf_nan=False)]

    @property
    def mean_time(self) -> float:
        return self.mean

    @property
    def cv2(self) -> float:
        return self.cv**2

    def sample(self, rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
        k = 1.0 / self.cv**2
        return _fill(rng.gamma(k, self.mean / k, n), out)


class Empirical(_Dist):
    """Resampled uniformly, with replacement, from observed ``values`` (e.g. a stopwatch sheet)."""

    dist: Literal["empirical"]
    values: Annotated[list[NonNegativeTime], Field(min_length=1)]

    @property
    def mean_time(self) -> float:
        return float(np.mean(self.values))

    @property
    def cv2(self) -> float:
        m = self.mean_time
        return 0.0 if m == 0 else float(np.var(self.values)) / m**2

    def sample(self, rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
        values = np.asarray(self.values, dtype=np.float64)[rng.integers(0, len(self.values), n)]
        return _fill(values, out)


def _bare_number_is_deterministic(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"dist": "deterministic", "value": value}
    return value


_AnyDist = (
    Deterministic | Uniform | Triangular | Exponential | Normal | LogNormal | Gamma | Empirical
)

Distribution = Annotated[
    _AnyDist,
    Field(discriminator="dist"),
    # the JSON schema must admit the bare-number shorthand the validator accepts, or editors
    # using the schema would flag `time: 2.5` as an error
    BeforeValidator(
        _bare_number_is_deterministic,
        json_schema_input_type=NonNegativeTime | Annotated[_AnyDist, Field(discriminator="dist")],
    ),
]

__all__ = [
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "LogNormal",
    "Normal",
    "Triangular",
    "Uniform",
]
