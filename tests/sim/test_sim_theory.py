"""The engine against queueing theory and Factory Physics.

Statistical checks use several replications with fixed seeds and the summary's 95 % Student t
interval (``SimulationResult.kpi[...]["ci95"]``). A check passes when the theoretical value lies
within TWICE the interval's half-width of the mean (a correct engine fails that with a
probability far below 1e-3, since 2 × t-interval ≈ 4.5 standard errors for 5 replications) AND
the half-width itself is small (a few percent of the value), so that a biased engine — a wrong
rate, a lost unit, an off-by-one queue — cannot hide behind a wide interval. The seeds are
fixed, so the outcome is reproducible.
"""

from __future__ import annotations

import pytest
from sim_helpers import assert_station_time_balance, run, scenario, with_run

from processfactory import simulate
from processfactory.kpi import compute_kpis
from processfactory.kpi.theory import factory_physics, mm1, mmc, tandem_exponential_line


def assert_theory(result, kpi: str, expected: float, *, max_rel_halfwidth: float, station=None):
    summary = result.kpi[kpi] if station is None else result.kpi[kpi][station]
    mean = summary["mean"]
    lo, hi = summary["ci95"]
    half = (hi - lo) / 2
    assert half <= max_rel_halfwidth * abs(expected), (
        f"{kpi}: interval too wide to be a test ({half:.4g} vs {expected:.4g})"
    )
    assert abs(mean - expected) <= 2 * half, (
        f"{kpi}: mean {mean:.5g} (ci95 {lo:.5g}..{hi:.5g}) vs theory {expected:.5g}"
    )


@pytest.mark.slow
def test_mm1_single_desk():
    # lambda = 0.8, mu = 1: W = 5, L = 4, utilization 0.8
    theory = mm1(0.8, 1.0)
    assert (theory["lead_time"], theory["wip"]) == pytest.approx((5.0, 4.0))
    # at rho = 0.8 successive lead times are strongly correlated: one run of n units has a
    # standard error of about sqrt(2000/n) on W, hence 8 runs of 80k units (CI half-width ~4 %)
    res = simulate(
        "single-desk", replications=8, seed=11, units=80_000, warmup=5_000, keep_records=False
    )
    assert_theory(res, "lead_time", theory["lead_time"], max_rel_halfwidth=0.06)
    assert_theory(res, "wip", theory["wip"], max_rel_halfwidth=0.06)
    assert_theory(res, "throughput", 0.8, max_rel_halfwidth=0.02)
    assert_theory(res, "utilization", theory["utilization"], max_rel_halfwidth=0.02, station="desk")


MM2 = """
name: M/M/2
stations: [{id: desk, time: {dist: exponential, mean: 1.0}, servers: 2}]
release: {arrivals: {dist: exponential, mean: 0.625}}
run: {warmup_units: 5000, units: 80000}
"""


@pytest.mark.slow
def test_mm2_erlang_c():
    # lambda = 1.6, mu = 1, c = 2: rho = 0.8, Wq = C/(c mu - lambda)
    theory = mmc(1.6, 1.0, 2)
    res = simulate(scenario(MM2), replications=8, seed=12, keep_records=False)
    assert_theory(res, "lead_time", theory["lead_time"], max_rel_halfwidth=0.06)
    assert_theory(res, "wip", theory["wip"], max_rel_halfwidth=0.06)
    assert_theory(res, "utilization", 0.8, max_rel_halfwidth=0.02, station="desk")


TANDEM = """
name: Jackson tandem
stations:
  - {id: s1, time: {dist: exponential, mean: 0.5}}
  - {id: s2, time: {dist: exponential, mean: 0.9}}
  - {id: s3, time: {dist: exponential, mean: 0.7}}
release: {arrivals: {dist: exponential, mean: 1.25}}
run: {warmup_units: 2000, units: 40000}
"""


@pytest.mark.slow
def test_tandem_exponential_line_jackson():
    theory = tandem_exponential_line(0.8, [2.0, 1 / 0.9, 1 / 0.7])
    res = simulate(scenario(TANDEM), replications=5, seed=13, keep_records=False)
    assert_theory(res, "lead_time", theory["lead_time"], max_rel_halfwidth=0.05)
    assert_theory(res, "wip", theory["wip"], max_rel_halfwidth=0.05)
    for sid, mean in (("s1", 0.5), ("s2", 0.9), ("s3", 0.7)):
        assert_theory(res, "utilization", 0.8 * mean, max_rel_halfwidth=0.03, station=sid)


BALANCED_CONWIP = """
name: balanced exponential CONWIP
stations:
  - {id: s1, time: {dist: exponential, mean: 1.0}}
  - {id: s2, time: {dist: exponential, mean: 1.0}}
  - {id: s3, time: {dist: exponential, mean: 1.0}}
release: {policy: conwip, cap: 4}
run: {warmup_units: 1000, units: 30000}
"""


@pytest.mark.slow
def test_balanced_exponential_conwip_is_practical_worst_case():
    # r_b = 1, T0 = 3, W0 = 3, w = 4: TH_pwc = 4/(3 + 4 - 1) = 2/3 (exact for this line)
    fp = factory_physics(1.0, 3.0, 4)
    res = simulate(scenario(BALANCED_CONWIP), replications=5, seed=14, keep_records=False)
    assert_theory(res, "throughput", fp["th_pwc"], max_rel_halfwidth=0.02)
    assert_theory(res, "lead_time", fp["ct_pwc"], max_rel_halfwidth=0.03)
    # saturated CONWIP: the line holds exactly w units at all times
    for k in res.kpis:
        assert k["wip"] == pytest.approx(4.0, rel=1e-9)
    # and it is clearly below the best case 1.0 and above the worst case 1/3
    assert fp["th_worst"] < res.kpi["throughput"]["ci95"][0]
    assert res.kpi["throughput"]["ci95"][1] < fp["th_best"]


@pytest.mark.parametrize("w", [1, 2, 3, 5])
def test_deterministic_conwip_line_is_best_case(w):
    # times 1, 2, 1.5: T0 = 4.5, r_b = 0.5, W0 = 2.25. TH = min(w/T0, r_b) in steady state.
    scn = scenario(
        f"""
name: deterministic CONWIP
stations:
  - {{id: a, time: 1}}
  - {{id: b, time: 2}}
  - {{id: c, time: 1.5}}
release: {{policy: conwip, cap: {w}}}
run: {{warmup_units: {10 * w}, units: {300 * w}}}
"""
    )
    fp = factory_physics(0.5, 4.5, w)
    kpis = compute_kpis(run(scn, events=False))
    # the window spans whole cycles of w units: the rate is exact up to rounding
    assert kpis["throughput"] == pytest.approx(fp["th_best"], rel=1e-9)
    assert kpis["lead_time"] == pytest.approx(fp["ct_best"], rel=1e-9)
    assert kpis["wip"] == pytest.approx(w, rel=1e-9)


@pytest.mark.slow
def test_littles_law_on_reference_line():
    res = simulate("reference-line", replications=2, seed=15, keep_records=False)
    for k in res.kpis:
        assert abs(k["littles_law_ratio"] - 1) < 0.01
        assert k["wip"] == pytest.approx(k["throughput"] * k["lead_time"], rel=0.01)


@pytest.mark.parametrize("name", ["reference-line", "conwip-line", "demo", "public-office"])
def test_station_time_balance_and_utilization(name):
    scn = scenario(name)
    if scn.run.units is not None:
        scn = with_run(scn, units=3000, warmup_units=200)
    for rep in range(2):
        rec = run(scn, seed=5, replication=rep, events=False)
        assert_station_time_balance(rec)
        kpis = compute_kpis(rec)
        for sid, u in kpis["utilization"].items():
            assert 0 <= u <= 1 + 1e-9, (sid, u)
            total = sum(
                kpis[f][sid]
                for f in ("utilization", "blocked", "starved", "setup", "down", "waiting_operator")
            )
            assert total == pytest.approx(1.0, abs=1e-9)
        for oid, u in kpis["operator_utilization"].items():
            assert 0 <= u <= 1 + 1e-9, (oid, u)
