"""KPIs: lean figures of one run, summaries over replications, and queueing theory.

``compute_kpis`` reduces a ``RunRecord`` to its lean KPIs; ``summarize`` gives their means and
95 % confidence intervals over replications; ``theory`` holds the queueing and Factory Physics
formulas that tests and reports compare the measured figures with.
"""

from processfactory.kpi.lean import (
    STATION_FRACTIONS,
    compute_kpis,
    first_pass_yield,
    labour_productivity,
    lead_times,
    littles_law_ratio,
    process_cycle_efficiency,
    station_utilization,
    throughput,
    time_average_wip,
    unit_cost,
)
from processfactory.kpi.summary import (
    CONFIDENCE,
    KPI_DEFINITIONS,
    KPI_LABELS,
    KPI_ORDER,
    MAP_KPIS,
    percent_change,
    render_kpi_docs,
    summarize,
)
from processfactory.kpi.theory import (
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

__all__ = [
    "CONFIDENCE",
    "KPI_DEFINITIONS",
    "KPI_LABELS",
    "KPI_ORDER",
    "MAP_KPIS",
    "STATION_FRACTIONS",
    "bottleneck_rate",
    "compute_kpis",
    "critical_wip",
    "factory_physics",
    "first_pass_yield",
    "kingman_queue_time",
    "labour_productivity",
    "lead_times",
    "little_law_check",
    "littles_law_ratio",
    "mm1",
    "mmc",
    "percent_change",
    "process_cycle_efficiency",
    "raw_process_time",
    "render_kpi_docs",
    "station_utilization",
    "summarize",
    "tandem_exponential_line",
    "throughput",
    "time_average_wip",
    "unit_cost",
]
