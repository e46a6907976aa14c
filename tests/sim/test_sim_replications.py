"""Replications: results depend on (scenario, seed, replication) only — not on workers."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import polars as pl
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


def test_a_large_replication_draws_the_same_numbers_in_threads(monkeypatch) -> None:
    import numpy as np

    from processfactory.sim import engine
    from processfactory.sim.compile import compile_scenario

    scn = pf.load_scenario("reference-line")
    compiled = compile_scenario(
        scn.model_copy(update={"run": scn.run.model_copy(update={"units": 40_000})})
    )
    assert sum(s.expected for s in compiled.streams) >= engine._THREADED_DRAWS_MIN
    alone = engine._Streams(compiled, 5, 2, threads=1)
    threaded = engine._Streams(compiled, 5, 2, threads=2)
    threaded.ready()  # drawn in the background until then
    np.testing.assert_array_equal(alone.samples, threaded.samples)
    # the drawing threads are started once per process, and again in a forked child
    assert engine._draw_pool() is engine._draw_pool()
    parent = engine._draw_pool()
    monkeypatch.setattr(engine.os, "getpid", lambda: -1)
    assert engine._draw_pool() is not parent


def test_a_stream_that_runs_out_grows_with_its_prefix_unchanged() -> None:
    import numpy as np

    from processfactory.sim.compile import compile_scenario, stream_rng
    from processfactory.sim.engine import _Streams

    compiled = compile_scenario(pf.load_scenario("conwip-line"))
    streams = _Streams(compiled, 3, 1, threads=1)
    before = [streams.stream(k).copy() for k in range(len(streams.len))]
    streams.grow(1)
    assert streams.len[1] == 2 * len(before[1])
    for k, old in enumerate(before):
        np.testing.assert_array_equal(streams.stream(k)[: len(old)], old)
    # the grown stream is the same sequence drawn at once
    at_once = compiled.streams[1].sample(stream_rng(3, 1, 1), int(streams.len[1]))
    np.testing.assert_array_equal(streams.stream(1), at_once)


@pytest.mark.parametrize(
    "codes", [[], [2], [2, 2, 2, 1, 1, 0], [3, 2] * 100, [0, 1, 2, 3, 3, 2, 1, 0]]
)
def test_unit_labels_are_the_codes_names(codes: list[int]) -> None:
    import numpy as np

    from processfactory.sim.engine import _labels

    names = ["backlog", "wip", "good", "scrap"]
    col = _labels(names, np.array(codes, np.int64))
    assert col.to_list() == [names[c] for c in codes]
    assert col.dtype == pl.String and col.n_chunks() == 1
