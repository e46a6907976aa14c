"""Replications on a Dask cluster (``simulate(scheduler=...)``, ``--scheduler``).

A real local cluster: a scheduler and two worker processes of their own, reached by address as a
remote cluster would be; the replications must come back exactly as one local process makes them.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import processfactory as pf
from processfactory.cli import app
from processfactory.sim import replications
from processfactory.sim.engine import SimulationError

RUN = {"replications": 6, "seed": 4, "units": 3_000, "warmup": 300}


@pytest.mark.slow
def test_replications_on_a_dask_cluster_are_the_local_ones() -> None:
    from distributed import LocalCluster

    # the workers load the compiled kernel from the cache; on a fresh clone compile it once here
    # rather than in both workers at the same time
    replications.warm_up_kernel()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = pf.simulate("reference-line", scheduler=cluster.scheduler_address, **RUN)
    local = pf.simulate("reference-line", workers=1, **RUN)
    assert [k["lead_time"] for k in remote.kpis] == [k["lead_time"] for k in local.kpis]
    assert remote.kpi == local.kpi
    assert len(remote.records) == 6


def test_an_unreachable_scheduler_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr(replications, "_DASK_CONNECT_TIMEOUT", 1.0)
    with pytest.raises(
        SimulationError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        pf.simulate("single-desk", scheduler="tcp://127.0.0.1:9", **RUN)
    result = CliRunner().invoke(
        app,
        ["simulate", "single-desk", "--reps", "2", "--no-progress"],
        env={"PROCESSFACTORY_SCHEDULER": "tcp://127.0.0.1:9"},
    )
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def test_an_executor_and_a_scheduler_together_are_refused() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as ex, pytest.raises(ValueError, match="not both"):
        pf.simulate("single-desk", executor=ex, scheduler="tcp://127.0.0.1:9", **RUN)
