"""One-piece flow vs batches: the same line with transfer batches of 10 and of 1.

Run: python examples/compare_batch_sizes.py
Shows how moving units in batches inflates lead time and WIP at the same throughput.
"""

from __future__ import annotations

import processfactory as pf

LINE = """
name: Batch line
time_unit: min
stations:
  - {id: cut, time: {dist: lognormal, mean: 1.0, cv: 0.3}, transfer_batch: %(batch)d}
  - {id: weld, time: {dist: lognormal, mean: 1.1, cv: 0.3}, transfer_batch: %(batch)d}
  - {id: paint, time: {dist: lognormal, mean: 0.9, cv: 0.3}}
release: {policy: push, arrivals: {dist: exponential, mean: 1.3}}
run: {duration: 2400, warmup_time: 240, seed: 3}
"""


def main() -> dict[int, dict[str, float]]:
    results = {}
    for batch in (10, 1):
        scenario = pf.parse_scenario(LINE % {"batch": batch})
        kpi = pf.simulate(scenario, replications=5, workers=1).kpi
        results[batch] = {k: kpi[k]["mean"] for k in ("throughput", "lead_time", "wip")}
        print(
            f"transfer batch {batch:>2}: throughput {results[batch]['throughput']:.3f}/min, "
            f"lead time {results[batch]['lead_time']:.1f} min, WIP {results[batch]['wip']:.1f}"
        )
    return results


if __name__ == "__main__":
    main()
