"""Replications: results depend on (scenario, seed, replication) only — not on workers."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pytest

import processfactory as pf


def _means(result: pf.SimulationResult) -> list[float]:
    return [k["lead_time"] for k in result.kpis]


def test_it_gives_the_same_replications_in_one_process_and_in_a_pool() -> None:
    one = pf.simulate("reference-line", replications=6, seed=4, units=3_000, warmup=300, workers=1)
    with ThreadPoolExecutor(max_workers=2) as executor:
        pooled = pf.simulate(
            "reference-line", replications=6, seed=4, units=3_000, warmup=300, executor=executor
        )
    assert _means(one) == _means(pooled)
    assert one.kpi == pooled.kpi


def test_it_forks_worker_processes_for_large_runs_with_the_same_result() -> None:
    # 4 x 60,000 units is above the threshold where simulate uses a process pool
    kwargs = {"replications": 4, "seed": 9, "units": 60_000, "warmup": 1_000}
    serial = pf.simulate("single-desk", workers=1, keep_records=False, **kwargs)
    forked = pf.simulate("single-desk", workers=2, keep_records=False, **kwargs)
    assert _means(serial) == _means(forked)


def test_replication_r_is_the_same_whatever_the_number_of_replications() -> None:
    three = pf.simulate("conwip-line", replications=3, seed=2, units=2_000, warmup=100, workers=1)
    five = pf.simulate("conwip-line", replications=5, seed=2, units=2_000, warmup=100, workers=1)
    assert _means(five)[:3] == _means(three)
    assert len(set(_means(five))) == 5


def test_it_refuses_zero_replications() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        pf.simulate("single-desk", replications=0)


def test_it_keeps_the_event_log_of_replication_zero_only() -> None:
    res = pf.simulate(
        "single-desk", replications=2, seed=1, units=200, warmup=0, events=True, workers=1
    )
    assert res.records[0].events is not None and res.records[0].events.height > 400
    assert res.records[1].events is None
    assert math.isclose(res.kpi["littles_law_ratio"]["mean"], 1.0, rel_tol=0.05)
