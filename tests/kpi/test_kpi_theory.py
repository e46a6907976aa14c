"""Queueing and Factory Physics formulas against textbook values."""

from __future__ import annotations

import math

import pytest

from processfactory.kpi import (
    bottleneck_rate,
    critical_wip,
    factory_physics,
    kingman_queue_time,
    little_law_check,
    mm1,
    mmc,
    raw_process_time,
    tandem_exponential_line,
)
from processfactory.scenario import Product, Scenario, Station


def test_mm1_at_80_percent() -> None:
    mu = 2.0
    out = mm1(0.8 * mu, mu)
    assert out["utilization"] == pytest.approx(0.8)
    assert out["wip"] == pytest.approx(4.0)  # ρ/(1 − ρ)
    assert out["lead_time"] == pytest.approx(5 / mu)  # 1/(μ − λ) = 1/(0.2 μ)
    assert out["queue_time"] == pytest.approx(4 / mu)  # lead time − 1/μ
    assert out["wip_queue"] == pytest.approx(3.2)  # ρ²/(1 − ρ)
    assert little_law_check(out["wip"], 0.8 * mu, out["lead_time"]) == pytest.approx(1.0)


def test_mm1_unstable_is_infinite() -> None:
    out = mm1(1.0, 1.0)
    assert out["wip"] == math.inf and out["lead_time"] == math.inf
    with pytest.raises(ValueError):
        mm1(1.0, 0.0)


def test_erlang_c_textbook_mm2() -> None:
    # M/M/2, λ = 1, μ = 0.75: a = 4/3, ρ = 2/3, P0 = 1/5, P(wait) = a²/(2(1 − ρ)) · P0 = 8/15,
    # Lq = P(wait) · ρ/(1 − ρ) = 16/15, L = Lq + a = 12/5, W = L/λ.
    out = mmc(1.0, 0.75, 2)
    assert out["utilization"] == pytest.approx(2 / 3)
    assert out["prob_wait"] == pytest.approx(8 / 15)
    assert out["wip_queue"] == pytest.approx(16 / 15)
    assert out["queue_time"] == pytest.approx(16 / 15)
    assert out["wip"] == pytest.approx(2.4)
    assert out["lead_time"] == pytest.approx(2.4)


def test_mmc_with_one_server_is_mm1() -> None:
    one = mmc(0.7, 1.0, 1)
    ref = mm1(0.7, 1.0)
    for key in ref:
        assert one[key] == pytest.approx(ref[key]), key
    assert one["prob_wait"] == pytest.approx(0.7)  # P(wait) = ρ for M/M/1


def test_mmc_many_servers_does_not_overflow() -> None:
    out = mmc(950.0, 1.0, 1000)
    assert 0 < out["prob_wait"] < 1
    assert out["lead_time"] == pytest.approx(1.0, rel=0.05)  # light waiting at ρ = 0.95, c large
    assert mmc(3.0, 1.0, 3)["wip"] == math.inf


def test_kingman_reduces_to_mm1() -> None:
    lam, mu = 0.8, 1.25
    assert kingman_queue_time(1.0, 1.0, lam / mu, 1 / mu) == pytest.approx(
        mm1(lam, mu)["queue_time"]
    )
    # no variability, no queue; halving the variability halves the queue
    assert kingman_queue_time(0.0, 0.0, 0.9, 1.0) == 0.0
    assert kingman_queue_time(0.5, 0.5, 0.64, 0.8) == pytest.approx(
        kingman_queue_time(1.0, 1.0, 0.64, 0.8) / 2
    )
    assert kingman_queue_time(1.0, 1.0, 1.0, 1.0) == math.inf


def test_tandem_line_is_a_sum_of_mm1() -> None:
    out = tandem_exponential_line(0.5, [1.0, 2.0, 0.625])
    # ρ = 0.5, 0.25, 0.8 → WIP 1 + 1/3 + 4; lead time 1/0.5 + 1/1.5 + 1/0.125 = WIP/λ
    assert out["wip"] == pytest.approx(1 + 1 / 3 + 4)
    assert out["lead_time"] == pytest.approx(2 + 2 / 3 + 8)
    assert tandem_exponential_line(0.5, [1.0, 0.5])["lead_time"] == math.inf


def test_penny_fab() -> None:
    # Hopp & Spearman's Penny Fab: r_b = 0.5 pennies/h, T0 = 8 h, W0 = 4.
    assert critical_wip(0.5, 8.0) == 4.0
    out = factory_physics(0.5, 8.0, 4)
    assert out["w0"] == 4.0
    assert out["th_best"] == pytest.approx(0.5)
    assert out["th_pwc"] == pytest.approx(2 / 7)  # 0.2857
    assert out["th_worst"] == pytest.approx(0.125)
    assert out["ct_best"] == pytest.approx(8.0)
    assert out["ct_pwc"] == pytest.approx(14.0)  # T0 + (w − 1)/r_b
    assert out["ct_worst"] == pytest.approx(32.0)  # w · T0
    # one penny in the line: all three cases coincide
    one = factory_physics(0.5, 8.0, 1)
    assert one["th_best"] == one["th_pwc"] == one["th_worst"] == pytest.approx(0.125)
    # far above W0 the best case is capped by the bottleneck
    assert factory_physics(0.5, 8.0, 20)["th_best"] == 0.5


def _line() -> Scenario:
    return Scenario(
        name="line",
        stations=[
            Station(id="a", time=2.0),
            Station(id="b", time={"dist": "exponential", "mean": 6.0}, servers=2),
            Station(id="c", time={"dist": "uniform", "low": 8.0, "high": 12.0}, process_batch=4),
        ],
    )


def test_bottleneck_rate_and_raw_process_time_of_a_routing() -> None:
    line = _line()
    # rates per unit: a 1/2, b 2/6, c 4/10 → the two-server station b is the bottleneck
    assert bottleneck_rate(line) == pytest.approx(1 / 3)
    assert raw_process_time(line) == pytest.approx(2 + 6 + 10)


def test_bottleneck_rate_of_a_product_mix() -> None:
    line = _line().model_copy(
        update={
            "products": [
                Product(id="x", share=1.0, routing=["a", "b"]),
                Product(id="y", share=3.0, routing=["a", "c"], times={"a": 4.0}),
            ]
        }
    )
    # per unit of mix: a 0.25·2 + 0.75·4 = 3.5, b 0.25·6 = 1.5, c 0.75·10 = 7.5
    assert bottleneck_rate(line) == pytest.approx(min(1 / 3.5, 2 / 1.5, 4 / 7.5))
    assert raw_process_time(line) == pytest.approx(3.5 + 1.5 + 7.5)


def test_little_law_check() -> None:
    assert little_law_check(6.0, 2.0, 3.0) == 1.0
    assert little_law_check(3.0, 2.0, 3.0) == 0.5
    assert math.isnan(little_law_check(1.0, 0.0, 3.0))
