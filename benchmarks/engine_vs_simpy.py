"""Benchmark: the compiled engine against SimPy on the reference line, measured in one run.

Prints
1. units/s of the engine (one process, KPIs computed from the run record; the line qualifies for
   the kernel's serial-line path), of the same line forced through the event calendar, and of an
   equivalent SimPy model fed the same random numbers, each the best of seven runs (shared
   machines are noisy), and the ratios; the mean lead times are printed so the comparison is
   seen to be of the same model;
2. wall time of 1,000 replications × 10,000 units with ``processfactory.simulate`` (all cores);
3. the kernel's first-compile time (a fresh numba cache in a temporary folder) and the start-up
   of ``processfactory simulate`` with a warm cache, plus ``processfactory --help``.

Run with ``make bench`` (or ``python benchmarks/engine_vs_simpy.py [--quick]``).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from simpy_line import run_simpy_line  # noqa: E402

import processfactory as pf  # noqa: E402
from processfactory.kpi.lean import compute_kpis  # noqa: E402
from processfactory.sim import codes as K  # noqa: E402
from processfactory.sim.compile import compile_scenario  # noqa: E402
from processfactory.sim.engine import _Streams, run_replication  # noqa: E402


def _engine_rate(units: int, repeats: int, calendar: bool = False) -> tuple[float, float]:
    scn = pf.load_scenario("reference-line")
    scn = scn.model_copy(
        update={"run": scn.run.model_copy(update={"units": units, "warmup_units": 0})}
    )
    compiled = compile_scenario(scn)
    if calendar:
        # the same line through the event calendar (the path every other line takes)
        ip = compiled.ip.copy()
        ip[K.IP_SERIAL] = 0
        compiled = dataclasses.replace(compiled, ip=ip)
    compute_kpis(run_replication(compiled, 0, 0))  # load the kernel before timing
    best = float("inf")
    lead = float("nan")
    for r in range(repeats):
        t0 = time.perf_counter()
        record = run_replication(compiled, 1, r)
        kpi = compute_kpis(record)
        best = min(best, time.perf_counter() - t0)
        lead = kpi["lead_time"]
    return units / best, lead


def _simpy_rate(units: int, repeats: int) -> tuple[float, float]:
    scn = pf.load_scenario("reference-line")
    scn = scn.model_copy(
        update={"run": scn.run.model_copy(update={"units": units, "warmup_units": 0})}
    )
    compiled = compile_scenario(scn)
    streams = _Streams(compiled, 1, 0)
    op_times = [np.asarray(streams.stream(k)[: units + 64]) for k in range(len(scn.stations))]
    buffers = [st.buffer for st in scn.stations]
    best = float("inf")
    lead = float("nan")
    for _ in range(repeats):
        lead_times, elapsed = run_simpy_line(op_times, buffers, units)
        best = min(best, elapsed)
        lead = float(np.mean(lead_times))
    return units / best, lead


def _timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs, no compile timing")
    args = parser.parse_args()
    engine_units = 20_000 if args.quick else 100_000
    simpy_units = 5_000 if args.quick else 20_000
    reps = 100 if args.quick else 1_000

    print("Reference line (5 stations, lognormal cv 0.5, buffers 3, saturated push)")
    e_rate, e_lead = _engine_rate(engine_units, 7)
    c_rate, c_lead = _engine_rate(engine_units // 4, 7, calendar=True)
    s_rate, s_lead = _simpy_rate(simpy_units, 7)
    print(f"  engine   : {e_rate:12,.0f} units/s   (mean lead time {e_lead:.3f} min)")
    print(f"  calendar : {c_rate:12,.0f} units/s   (the same line forced through the calendar)")
    print(f"  SimPy    : {s_rate:12,.0f} units/s   (mean lead time {s_lead:.3f} min)")
    print(f"  ratio    : {e_rate / s_rate:12.1f}x SimPy   (calendar: {c_rate / s_rate:.1f}x)")

    t0 = time.perf_counter()
    pf.simulate(
        "reference-line", replications=reps, seed=1, units=10_000, warmup=0, keep_records=False
    )
    wall = time.perf_counter() - t0
    print(f"\n{reps:,} replications x 10,000 units on {os.cpu_count()} cores: {wall:.2f} s")

    cli = [sys.executable, "-m", "processfactory.cli"]
    if not args.quick:
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "NUMBA_CACHE_DIR": cache}
            first = _timed([*cli, "simulate", "single-desk", "--units", "100", "--reps", "1"], env)
        print(f"\nfirst simulate with an empty numba cache (compile): {first:.1f} s")
    warm = min(
        _timed([*cli, "simulate", "single-desk", "--units", "1000", "--warmup", "0", "--reps", "1"])
        for _ in range(3)
    )
    help_time = min(_timed([*cli, "--help"]) for _ in range(3))
    print(f"first simulate with a warm cache (whole process): {warm:.2f} s")
    print(f"processfactory --help: {help_time:.2f} s")


if __name__ == "__main__":
    main()
