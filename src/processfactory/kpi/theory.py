"""Queueing and Factory Physics theory: what a line should do, to check what it did.

Pure functions of rates and times; tests compare simulated KPIs with them and reports show them
beside the measured figures. Rates are per ``time_unit`` and times in ``time_unit`` (any unit,
as long as all arguments use the same one); WIP is in units. An unstable queue (utilization
≥ 1) has infinite WIP and lead time: the functions return ``math.inf`` there instead of raising,
so a report can show an overloaded line. Arguments outside their domain (negative rates, zero
servers) raise ``ValueError``.

References: Hopp & Spearman, *Factory Physics* (3rd ed.), ch. 7–9; Kleinrock, *Queueing
Systems* vol. 1 (M/M/1, Erlang C, Jackson networks); Kingman (1961).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from processfactory.scenario.model import Scenario

INF = math.inf
_UNSTABLE = ("wip", "lead_time", "queue_time", "wip_queue")


def _check_rates(arrival_rate: float, service_rate: float) -> None:
    if not (arrival_rate >= 0 and math.isfinite(arrival_rate)):
        raise ValueError(f"arrival_rate must be finite and >= 0, got {arrival_rate}")
    if not (service_rate > 0 and math.isfinite(service_rate)):
        raise ValueError(f"service_rate must be finite and > 0, got {service_rate}")


def mm1(arrival_rate: float, service_rate: float) -> dict[str, float]:
    """M/M/1 queue (Poisson arrivals, exponential service, one server, FIFO, unlimited buffer).

    With λ = arrival_rate and μ = service_rate (per time_unit) and ρ = λ/μ:
    ``utilization`` = ρ; ``wip`` L = ρ/(1 − ρ) (units, in queue and in service);
    ``lead_time`` W = 1/(μ − λ) (time_unit, queue + service); ``queue_time`` Wq = ρ/(μ − λ);
    ``wip_queue`` Lq = ρ²/(1 − ρ). For ρ ≥ 1 all but utilization are ``inf``.
    """
    _check_rates(arrival_rate, service_rate)
    rho = arrival_rate / service_rate
    if rho >= 1:
        return {"utilization": rho, **dict.fromkeys(_UNSTABLE, INF)}
    return {
        "utilization": rho,
        "wip": rho / (1 - rho),
        "lead_time": 1 / (service_rate - arrival_rate),
        "queue_time": rho / (service_rate - arrival_rate),
        "wip_queue": rho * rho / (1 - rho),
    }


def mmc(arrival_rate: float, service_rate: float, c: int) -> dict[str, float]:
    """M/M/c queue (c identical exponential servers, one FIFO queue): the Erlang C formula.

    With offered load a = λ/μ and utilization ρ = a/c, the probability that an arrival waits is
    C(c, a) = [aᶜ/c! · 1/(1 − ρ)] / [Σₖ₌₀^{c−1} aᵏ/k! + aᶜ/c! · 1/(1 − ρ)], computed through
    the Erlang B recursion B₀ = 1, Bₖ = a·Bₖ₋₁/(k + a·Bₖ₋₁), C = B_c/(1 − ρ(1 − B_c)), which
    does not overflow for large c. Then ``queue_time`` Wq = C/(cμ − λ) (time_unit),
    ``wip_queue`` Lq = λ·Wq, ``lead_time`` W = Wq + 1/μ, ``wip`` L = λ·W (units),
    ``utilization`` = ρ, ``prob_wait`` = C. For ρ ≥ 1 the times and WIPs are ``inf``.
    """
    _check_rates(arrival_rate, service_rate)
    if int(c) != c or c < 1:
        raise ValueError(f"c (servers) must be a positive integer, got {c}")
    c = int(c)
    a = arrival_rate / service_rate
    rho = a / c
    if rho >= 1:
        return {"utilization": rho, **dict.fromkeys(_UNSTABLE, INF), "prob_wait": 1.0}
    erlang_b = 1.0
    for k in range(1, c + 1):
        erlang_b = a * erlang_b / (k + a * erlang_b)
    prob_wait = erlang_b / (1 - rho * (1 - erlang_b))
    queue_time = prob_wait / (c * service_rate - arrival_rate)
    lead_time = queue_time + 1 / service_rate
    return {
        "utilization": rho,
        "wip": arrival_rate * lead_time,
        "lead_time": lead_time,
        "queue_time": queue_time,
        "wip_queue": arrival_rate * queue_time,
        "prob_wait": prob_wait,
    }


def kingman_queue_time(ca2: float, ce2: float, utilization: float, mean_service: float) -> float:
    """Kingman's (VUT) approximation of the mean time in queue of a G/G/1 station (time_unit).

    Wq ≈ ((ca² + ce²)/2) · (u/(1 − u)) · tₑ, with ca² and ce² the squared coefficients of
    variation of inter-arrival and effective service times, u the utilization and tₑ the mean
    (effective) service time. Exact for M/M/1 (ca² = ce² = 1). ``inf`` for u ≥ 1.
    """
    if ca2 < 0 or ce2 < 0:
        raise ValueError(f"squared coefficients of variation must be >= 0, got {ca2}, {ce2}")
    if utilization < 0 or mean_service < 0:
        raise ValueError(
            f"utilization and mean_service must be >= 0, got {utilization}, {mean_service}"
        )
    if utilization >= 1:
        return INF
    return (ca2 + ce2) / 2 * (utilization / (1 - utilization)) * mean_service


def tandem_exponential_line(
    arrival_rate: float, service_rates: Sequence[float]
) -> dict[str, float]:
    """A serial line of single exponential servers fed by Poisson arrivals (a Jackson network).

    By Jackson's theorem each station behaves as an independent M/M/1 with the same λ, so
    ``wip`` = Σᵢ ρᵢ/(1 − ρᵢ) (units) and ``lead_time`` = Σᵢ 1/(μᵢ − λ) = wip/λ (time_unit),
    ρᵢ = λ/μᵢ. ``inf`` if any station has ρᵢ ≥ 1.
    """
    if not service_rates:
        raise ValueError("service_rates must name at least one station")
    stations = [mm1(arrival_rate, mu) for mu in service_rates]
    return {
        "wip": sum(s["wip"] for s in stations),
        "lead_time": sum(s["lead_time"] for s in stations),
    }


def critical_wip(rb: float, t0: float) -> float:
    """Critical WIP W₀ = r_b · T₀ (units): the WIP at which a line with no variability first
    reaches the bottleneck rate r_b (units per time_unit) with raw process time T₀ (time_unit).
    """
    if rb <= 0 or t0 <= 0:
        raise ValueError(f"rb and t0 must be > 0, got {rb}, {t0}")
    return rb * t0


def factory_physics(rb: float, t0: float, w: float) -> dict[str, float]:
    """Hopp & Spearman's three cases of a closed (CONWIP) line holding w units.

    With bottleneck rate r_b (units per time_unit), raw process time T₀ (time_unit) and critical
    WIP W₀ = r_b · T₀ (``w0``, units), the throughputs (units per time_unit) are
    ``th_best`` = min(w/T₀, r_b), ``th_pwc`` (practical worst case) = r_b · w/(W₀ + w − 1) and
    ``th_worst`` = 1/T₀; the cycle times (time_unit) follow from Little's law CT = w/TH:
    ``ct_best`` = max(T₀, w/r_b), ``ct_pwc`` = T₀ + (w − 1)/r_b, ``ct_worst`` = w · T₀.
    """
    if w < 1:
        raise ValueError(f"w (WIP level) must be >= 1, got {w}")
    w0 = critical_wip(rb, t0)
    th_best = min(w / t0, rb)
    th_pwc = rb * w / (w0 + w - 1)
    th_worst = 1 / t0
    return {
        "th_best": th_best,
        "th_pwc": th_pwc,
        "th_worst": th_worst,
        "ct_best": w / th_best,
        "ct_pwc": w / th_pwc,
        "ct_worst": w / th_worst,
        "w0": w0,
    }


def _station_workloads(scenario: Scenario) -> dict[str, float]:
    """Mean operation time spent at each station per unit of the product mix (time_unit).

    For one routing this is each station's mean operation time; with several products it is the
    share-weighted sum over the products visiting the station.
    """
    if scenario.products:
        total_share = sum(p.share for p in scenario.products)
        mix = [
            (p.share / total_share, p.routing or [s.id for s in scenario.stations], p.times)
            for p in scenario.products
        ]
    else:
        mix = [(1.0, [s.id for s in scenario.stations], {})]
    workload: dict[str, float] = {}
    for share, routing, overrides in mix:
        for station_id in routing:
            time = (
                overrides[station_id]
                if station_id in overrides
                else scenario.station(station_id).time
            )
            workload[station_id] = workload.get(station_id, 0.0) + share * time.mean_time
    return workload


def bottleneck_rate(scenario: Scenario) -> float:
    """Bottleneck rate r_b (units per time_unit) of a scenario's routing.

    r_b = minₛ bₛ · cₛ / tₛ over the stations s on the routing, with cₛ servers, process batch bₛ
    and mean operation time tₛ (per operation, i.e. per batch). With a product mix, tₛ is the
    share-weighted mean time per unit of the mix (a station a product skips adds 0). Setups,
    breakdowns, rework and scrap are not included: they lower the effective rate further.
    ``inf`` when every operation takes zero time.
    """
    rates = [
        scenario.station(sid).process_batch * scenario.station(sid).servers / t
        for sid, t in _station_workloads(scenario).items()
        if t > 0
    ]
    return min(rates, default=INF)


def raw_process_time(scenario: Scenario) -> float:
    """Raw process time T₀ (time_unit): the sum of mean operation times along the routing.

    A process batch's operation time counts once (a unit spends the whole batch time there).
    With a product mix, the share-weighted mean over products. Queueing, setups, breakdowns and
    transport are not included.
    """
    return sum(_station_workloads(scenario).values())


def little_law_check(wip: float, th: float, lead_time: float) -> float:
    """WIP ÷ (TH × lead time), dimensionless; 1 when Little's law L = λW holds.

    NaN when TH × lead time is 0 or any argument is not finite.
    """
    den = th * lead_time
    if den == 0 or not (math.isfinite(wip) and math.isfinite(den)):
        return math.nan
    return wip / den


__all__ = [
    "bottleneck_rate",
    "critical_wip",
    "factory_physics",
    "kingman_queue_time",
    "little_law_check",
    "mm1",
    "mmc",
    "raw_process_time",
    "tandem_exponential_line",
]
