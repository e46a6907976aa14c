"""Standard work: cv × cv_factor with the mean unchanged; queues shrink as Kingman says."""

from __future__ import annotations

import pytest
from lever_helpers import demo, kpis, scenario

from processfactory.levers import LeverError, apply_lever, apply_levers, get_lever
from processfactory.scenario.distributions import Deterministic, Gamma, LogNormal, Triangular


def test_default_halves_the_cv_and_keeps_the_mean() -> None:
    scn = demo()
    out = apply_lever(scn, "standard_work")
    assert out.station("final").time == LogNormal(dist="lognormal", mean=2.3, cv=0.15)
    assert out.products[1].times["frame"] == LogNormal(dist="lognormal", mean=1.9, cv=0.15)
    pack = out.station("packing").time
    assert isinstance(pack, Triangular)
    assert (pack.low, pack.mode, pack.high) == pytest.approx((0.75, 0.9, 1.05))
    for before, after in zip(scn.stations, out.stations, strict=True):
        assert after.time.mean_time == pytest.approx(before.time.mean_time)
        assert after.time.cv2 == pytest.approx(before.time.cv2 / 4)


def test_exponential_becomes_gamma_and_fixed_times_are_left_alone() -> None:
    scn = scenario(
        {
            "name": "office",
            "stations": [
                {"id": "desk", "time": {"dist": "exponential", "mean": 3}},
                {"id": "stamp", "time": 0.5},
            ],
            "run": {"units": 100},
        }
    )
    out = apply_lever(scn, "standard_work", {"cv_factor": 0.4})
    assert out.station("desk").time == Gamma(dist="gamma", mean=3, cv=0.4)
    assert out.station("stamp").time == Deterministic(value=0.5)
    with pytest.raises(LeverError, match="random operation time.*not on 'stamp'"):
        apply_lever(scn, "standard_work", {"stations": ["stamp"]})
    fixed = scenario({"name": "fixed", "stations": [{"id": "a", "time": 1}], "run": {"units": 9}})
    with pytest.raises(LeverError, match="has none: it would change nothing"):
        apply_lever(fixed, "standard_work")


def test_composition_multiplies_the_factors() -> None:
    scn = demo()
    twice = apply_levers(scn, ["standard_work", "standard_work"])
    once = apply_lever(scn, "standard_work", {"cv_factor": 0.25})
    for a, b in zip(twice.stations, once.stations, strict=True):
        assert a.time.cv2 == pytest.approx(b.time.cv2)
        assert a.time.mean_time == pytest.approx(b.time.mean_time)


@pytest.mark.parametrize("bad", [{"cv_factor": 1.5}, {"cv_factor": -1}, {"mean_factor": 0.5}])
def test_invalid_parameters(bad: dict[str, object]) -> None:
    field = next(iter(bad))
    with pytest.raises(LeverError, match=rf"lever 'standard_work': {field}: "):
        get_lever("standard_work").parse_params(bad)


def test_standard_work_shortens_the_queue_as_pollaczek_khinchine_says() -> None:
    # M/G/1 at utilization 0.8: lead time = 1 + (1 + cv²)/2 · 0.8/0.2 · 1, cv 1 → 5, cv 0.5 → 3.5
    scn = scenario(
        {
            "name": "desk",
            "stations": [{"id": "desk", "time": {"dist": "lognormal", "mean": 1.0, "cv": 1.0}}],
            "release": {"arrivals": {"dist": "exponential", "mean": 1.25}},
            "run": {"units": 20000, "warmup_units": 1000},
        }
    )
    before = kpis(scn, replications=4)["lead_time"]
    after = kpis(apply_lever(scn, "standard_work"), replications=4)["lead_time"]
    assert before == pytest.approx(5.0, rel=0.12)
    assert after == pytest.approx(3.5, rel=0.08)
    assert after < 0.8 * before
