"""Throughput against WIP for a CONWIP line: the Factory Physics frontier, simulated.

Run: python examples/conwip_frontier.py
Prints simulated throughput next to the best, practical-worst and worst cases for each cap.
"""

from __future__ import annotations

import processfactory as pf
from processfactory.kpi.theory import bottleneck_rate, factory_physics, raw_process_time

LINE = """
name: Balanced exponential line
time_unit: min
stations:
  - {id: a, time: {dist: exponential, mean: 2.0}}
  - {id: b, time: {dist: exponential, mean: 2.0}}
  - {id: c, time: {dist: exponential, mean: 2.0}}
  - {id: d, time: {dist: exponential, mean: 2.0}}
release: {policy: conwip, cap: %(cap)d}
run: {units: 20000, warmup_units: 1000, seed: 11}
"""


def main() -> list[tuple[int, float, float]]:
    rows = []
    for cap in (1, 2, 4, 8, 16):
        scenario = pf.parse_scenario(LINE % {"cap": cap})
        th = pf.simulate(scenario, replications=3, workers=1).kpi["throughput"]["mean"]
        fp = factory_physics(bottleneck_rate(scenario), raw_process_time(scenario), cap)
        rows.append((cap, th, fp["th_pwc"]))
        print(
            f"w={cap:>2}: simulated {th:.3f}  best {fp['th_best']:.3f}  "
            f"practical worst {fp['th_pwc']:.3f}  worst {fp['th_worst']:.3f} units/min"
        )
    return rows


if __name__ == "__main__":
    main()
