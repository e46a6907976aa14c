"""Replications: run a scenario many times, in parallel, and summarise its KPIs.

Replication r of seed s draws its random numbers from ``SeedSequence(s, spawn_key=(r, k))``, so
a replication's result depends only on (scenario, seed, r) — not on how many workers ran it or
in which order. Replications go through an executor: local worker processes by default.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

from processfactory.eventlog.record import RunRecord
from processfactory.scenario.model import Scenario
from processfactory.sim.compile import CompiledScenario, compile_scenario

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each finished batch of replications."""

# Below this many units in total a pool costs more than it saves.
_PARALLEL_MIN_UNITS = 200_000


@dataclass
class SimulationResult:
    """KPIs of a scenario over replications.

    ``kpi`` maps every KPI to ``{"mean": x, "ci95": [lo, hi]}`` (per-station KPIs to a map of
    those); ``kpis`` holds each replication's own values; ``records`` the run records when kept.
    """

    scenario: Scenario
    replications: int
    seed: int
    kpi: dict[str, Any]
    kpis: list[dict[str, Any]]
    records: list[RunRecord] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The object ``processfactory simulate --json`` prints."""
        return {
            "scenario": self.scenario.name,
            "replications": self.replications,
            "seed": self.seed,
            "kpi": self.kpi,
        }


def _with_overrides(
    scenario: Scenario, units: int | None, warmup: int | None, duration: float | None
) -> Scenario:
    update: dict[str, Any] = {}
    if units is not None:
        update["units"] = units
    if warmup is not None:
        update["warmup_units"] = warmup
    if duration is not None:
        update["duration"] = duration
    if not update:
        return scenario
    return scenario.model_copy(update={"run": scenario.run.model_copy(update=update)})


def _run_batch(
    compiled: CompiledScenario,
    seed: int,
    replications: Sequence[int],
    events: bool,
    keep_records: bool,
    threads: int | None = None,
) -> list[tuple[int, dict[str, Any], RunRecord | None]]:
    from processfactory.kpi.lean import compute_kpis
    from processfactory.sim.engine import run_replication

    out = []
    for r in replications:
        record = run_replication(compiled, seed, r, events=events and r == 0, threads=threads)
        out.append((r, compute_kpis(record), record if keep_records else None))
    return out


# Seconds to wait for a Dask scheduler before giving up with a clear error.
_DASK_CONNECT_TIMEOUT = 10.0


def _dask_executor(address: str) -> tuple[Executor, Callable[[], None]]:
    """An executor on the Dask cluster whose scheduler is at ``address``, and its closer."""
    from processfactory.sim.engine import SimulationError

    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - distributed is a pinned dependency
        raise SimulationError(
            "a Dask scheduler was given but Dask's `distributed` package is not installed"
        ) from None
    try:
        client = Client(  # type: ignore[no-untyped-call]
            address, timeout=_DASK_CONNECT_TIMEOUT, set_as_default=False
        )
    except (OSError, TimeoutError, ValueError) as err:
        raise SimulationError(f"cannot reach the Dask scheduler at {address}: {err}") from None
    return client.get_executor(), client.close  # type: ignore[no-untyped-call]


def _batches(n: int, size: int) -> Iterator[list[int]]:
    for start in range(0, n, size):
        yield list(range(start, min(n, start + size)))


def simulate(
    scenario: Scenario | str | os.PathLike[str],
    replications: int | None = None,
    seed: int | None = None,
    *,
    units: int | None = None,
    warmup: int | None = None,
    duration: float | None = None,
    events: bool = False,
    keep_records: bool = True,
    workers: int | None = None,
    executor: Executor | None = None,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
) -> SimulationResult:
    """Simulate ``replications`` runs of a scenario and summarise their KPIs.

    ``scenario`` is a Scenario, a YAML path or a built-in name. ``replications`` and ``seed``
    default to the scenario's ``run`` section; ``units``/``warmup``/``duration`` override it.
    ``events=True`` keeps the full event log of replication 0 (``records[0].events``).
    ``workers`` local processes run the replications (default: all cores; 1 = in this process);
    an ``executor`` (any ``concurrent.futures.Executor``) can be given instead, or the address
    of a Dask ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``) whose workers then run them.
    """
    from processfactory.kpi.summary import summarize

    if not isinstance(scenario, Scenario):
        from processfactory.scenario.loader import load_scenario

        scenario = load_scenario(scenario)
    scenario = _with_overrides(scenario, units, warmup, duration)
    n = replications if replications is not None else scenario.run.replications
    if n < 1:
        raise ValueError(f"replications must be at least 1, got {n}")
    seed = scenario.run.seed if seed is None else seed
    if scheduler is not None and executor is not None:
        raise ValueError("give either an executor or a Dask scheduler address, not both")
    compiled = compile_scenario(scenario)
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    total_units = n * compiled.expected_units
    parallel = (
        executor is not None
        or scheduler is not None
        or (n_workers > 1 and n > 1 and total_units >= _PARALLEL_MIN_UNITS)
    )

    results: list[tuple[int, dict[str, Any], RunRecord | None]] = []
    if not parallel:
        for batch in _batches(n, 1):
            results.extend(_run_batch(compiled, seed, batch, events, keep_records))
            if progress is not None:
                progress(len(results), n)
    else:
        own = executor is None
        close_cluster: Callable[[], None] | None = None
        if scheduler is not None:
            executor, close_cluster = _dask_executor(scheduler)
            own = False
        if own:
            # Load the compiled kernel before forking so workers inherit it instead of each
            # loading numba and its cache again (~0.5 s per process).
            from processfactory.sim.engine import kernel

            kernel()
            executor = ProcessPoolExecutor(max_workers=n_workers, mp_context=get_context("fork"))
        assert executor is not None
        size = max(1, n // (n_workers * 4))
        try:
            futures = [
                executor.submit(_run_batch, compiled, seed, batch, events, keep_records, 1)
                for batch in _batches(n, size)
            ]
            for fut in as_completed(futures):
                results.extend(fut.result())
                if progress is not None:
                    progress(len(results), n)
        finally:
            if own:
                executor.shutdown(cancel_futures=True)
            if close_cluster is not None:
                close_cluster()
    results.sort(key=lambda item: item[0])
    kpis = [k for _, k, _ in results]
    records = [rec for _, _, rec in results if rec is not None]
    return SimulationResult(
        scenario=scenario,
        replications=n,
        seed=seed,
        kpi=summarize(kpis),
        kpis=kpis,
        records=records,
    )


def warm_up_kernel() -> None:
    """Load (or compile, the first time) the kernel, e.g. at web start-up."""
    from processfactory.scenario.loader import load_scenario

    scn = load_scenario("single-desk")
    simulate(scn, replications=1, units=10, warmup=0, workers=1)


__all__ = ["ProgressCallback", "SimulationResult", "simulate", "warm_up_kernel"]
