"""The ``processfactory`` command line: simulate, compare, rounds, validate, schema, scenarios.

Only typer is imported at module level so that ``processfactory --help`` starts instantly; rich,
pydantic, polars, numpy and the simulation kernel are imported inside the commands that need
them.

Exit codes: 0 success; 1 the run failed (a stuck line, an event log that cannot be written);
2 bad input (an invalid scenario, a missing file, an invalid option value).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console
    from rich.progress import Progress

    from processfactory.scenario.model import Scenario
    from processfactory.sim.replications import SimulationResult

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

app = typer.Typer(
    name="processfactory",
    help="Simulate lean production and office processes and report their KPIs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

# ---------------------------------------------------------------------------------------------
# Options shared by simulate and compare


def _positive_duration(value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise typer.BadParameter(f"must be a positive number, got {value}")
    return value


RepsOption = Annotated[
    int | None,
    typer.Option(
        "--reps",
        "-r",
        min=1,
        max=100_000,
        help="Number of replications (default: the scenario's run.replications; at most 100,000).",
    ),
]
SeedOption = Annotated[
    int | None,
    typer.Option("--seed", "-s", min=0, help="Random seed (default: the scenario's run.seed)."),
]
UnitsOption = Annotated[
    int | None,
    typer.Option("--units", "-n", min=1, help="Stop each run after this many units have exited."),
]
WarmupOption = Annotated[
    int | None,
    typer.Option("--warmup", min=0, help="Units exiting before the observed window (warm-up)."),
]
DurationOption = Annotated[
    float | None,
    typer.Option(
        "--duration",
        callback=_positive_duration,
        help="Stop each run at this time (in the scenario's time unit).",
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers",
        "-w",
        min=1,
        help="Worker processes for the replications (default: all cores; 1 = in this process).",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        envvar="PROCESSFACTORY_SCHEDULER",
        metavar="ADDRESS",
        help="Run the replications on the Dask cluster whose scheduler is at ADDRESS "
        "(e.g. tcp://10.0.0.5:8786) instead of local processes.",
    ),
]
JsonOption = Annotated[
    bool,
    typer.Option("--json", help="Print one JSON object on stdout instead of tables."),
]
NoProgressOption = Annotated[
    bool,
    typer.Option("--no-progress", help="Do not show the progress bar."),
]

# ---------------------------------------------------------------------------------------------
# Error handling and output helpers


def _error(message: str) -> None:
    """Print ``message`` to stderr, every line prefixed with ``error: ``."""
    for line in str(message).splitlines() or [""]:
        typer.echo(f"error: {line}", err=True)


def _note(message: str) -> None:
    typer.echo(f"note: {message}", err=True)


def _scenario_problems(err: Any) -> None:
    for problem in err.problems:
        _error(str(problem))


@contextmanager
def _expected_errors() -> Iterator[None]:
    """Turn the errors bad input or a failed run raise into a message and an exit code.

    Anything else propagates, so that bugs stay visible.
    """
    from processfactory.scenario.loader import ScenarioError
    from processfactory.sim.engine import SimulationError

    try:
        yield
    except ScenarioError as err:
        _scenario_problems(err)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except SimulationError as err:
        _error(f"the simulation failed: {err}")
        raise typer.Exit(EXIT_FAILED) from None


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _json_safe(value: Any) -> Any:
    """``value`` with every NaN / ±inf float replaced by None (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _json_safe(value.item())
    return value


def _print_json(obj: Any) -> None:
    typer.echo(json.dumps(_json_safe(obj), allow_nan=False, ensure_ascii=False, indent=2))


def _fmt(value: float | None) -> str:
    """A number for a table: about four significant digits, no scientific notation for
    everyday magnitudes; an em dash when missing."""
    if value is None or not math.isfinite(value):
        return "—"
    size = abs(value)
    if size == 0:
        return "0"
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.1f}"
    if size >= 10:
        return f"{value:.2f}"
    if size >= 0.001:
        return f"{value:.3f}"
    return f"{value:.2e}"


def _is_percent(key: str) -> bool:
    from processfactory.kpi.summary import KPI_LABELS

    return KPI_LABELS.get(key, (key, ""))[1] == "%"


def _scaled(key: str, value: float | None) -> float | None:
    if value is None:
        return None
    return value * 100.0 if _is_percent(key) else value


def _label_unit(key: str, scenario: Scenario) -> tuple[str, str]:
    from processfactory.kpi.summary import KPI_LABELS

    label, unit = KPI_LABELS.get(key, (key, ""))
    unit = unit.format(time_unit=scenario.time_unit, currency=scenario.costs.currency)
    return label, unit


def _ci(key: str, entry: dict[str, Any]) -> str:
    lo, hi = entry.get("ci95") or [None, None]
    if lo is None or hi is None:
        return "—"
    return f"[{_fmt(_scaled(key, lo))}, {_fmt(_scaled(key, hi))}]"


def _scalar_keys(kpi: dict[str, Any]) -> list[str]:
    """Scalar KPIs present in ``kpi``: first in the documented order, then any others."""
    from processfactory.kpi.summary import KPI_ORDER, MAP_KPIS

    known = [k for k in KPI_ORDER if k in kpi and k not in MAP_KPIS]
    extra = [k for k in kpi if k not in KPI_ORDER and "mean" in kpi[k]]
    return known + extra


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr(),
        transient=True,
    ) as progress:
        yield progress


def _run(
    scenario: Scenario,
    progress: Progress | None,
    *,
    reps: int | None,
    seed: int | None,
    units: int | None,
    warmup: int | None,
    duration: float | None = None,
    events: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
) -> SimulationResult:
    from processfactory.sim.replications import simulate

    callback: Callable[[int, int], None] | None = None
    if progress is not None:
        total = reps if reps is not None else scenario.run.replications
        task = progress.add_task(f"Simulating {scenario.name}", total=total)

        def callback(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

    return simulate(
        scenario,
        reps,
        seed,
        units=units,
        warmup=warmup,
        duration=duration,
        events=events,
        keep_records=events,
        workers=workers,
        scheduler=scheduler,
        progress=callback,
    )


# ---------------------------------------------------------------------------------------------
# simulate


def _kpi_table(result: SimulationResult) -> Any:
    from rich.table import Table

    scenario = result.scenario
    table = Table(
        title=f"{scenario.name}: {result.replications} replication(s), seed {result.seed}",
        title_justify="left",
    )
    table.add_column("KPI")
    table.add_column("Unit")
    table.add_column("Mean", justify="right")
    table.add_column("95% CI", justify="right")
    for key in _scalar_keys(result.kpi):
        entry = result.kpi[key]
        label, unit = _label_unit(key, scenario)
        table.add_row(label, unit, _fmt(_scaled(key, entry.get("mean"))), _ci(key, entry))
    return table


_STATION_KPIS = ["utilization", "blocked", "starved", "setup", "down", "waiting_operator"]
# short headers so that the station table fits an 80-column terminal
_STATION_HEADERS = {
    "utilization": "Util.",
    "blocked": "Blocked",
    "starved": "Starved",
    "setup": "Setup",
    "down": "Down",
    "waiting_operator": "No oper.",
}


def _mean_of(kpi: dict[str, Any], key: str, sub: str) -> float | None:
    entry = (kpi.get(key) or {}).get(sub)
    return None if entry is None else entry.get("mean")


def _station_table(result: SimulationResult) -> Any:
    from rich import box
    from rich.table import Table

    scenario, kpi = result.scenario, result.kpi
    table = Table(
        title="Stations (means over replications; share of time in %)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("Station", no_wrap=True)
    for key in _STATION_KPIS:
        table.add_column(_STATION_HEADERS[key], justify="right")
    _, unit = _label_unit("station_cycle_time", scenario)
    table.add_column(f"Cycle time ({unit})", justify="right")
    ids = [st.id for st in scenario.stations]
    ids += [sid for sid in (kpi.get("utilization") or {}) if sid not in ids]
    for sid in ids:
        cells = [_fmt(_scaled(key, _mean_of(kpi, key, sid))) for key in _STATION_KPIS]
        cells.append(_fmt(_mean_of(kpi, "station_cycle_time", sid)))
        table.add_row(sid, *cells)
    return table


def _operator_table(result: SimulationResult) -> Any | None:
    from rich.table import Table

    per_operator = result.kpi.get("operator_utilization") or {}
    if not per_operator:
        return None
    label, _ = _label_unit("operator_utilization", result.scenario)
    table = Table(title="Operators (means over replications)", title_justify="left")
    table.add_column("Operator")
    table.add_column(f"{label} %", justify="right")
    table.add_column("95% CI", justify="right")
    for oid, entry in per_operator.items():
        table.add_row(
            oid,
            _fmt(_scaled("operator_utilization", entry.get("mean"))),
            _ci("operator_utilization", entry),
        )
    return table


def _check_events_path(value: Path | None) -> Path | None:
    if value is None:
        return None
    from processfactory.eventlog.io import FORMATS

    if not any(value.name.lower().endswith(ext) for ext in FORMATS):
        raise typer.BadParameter(
            f"unsupported file type {value.suffix or value.name!r}; use one of {', '.join(FORMATS)}"
        )
    if not value.parent.is_dir():
        raise typer.BadParameter(f"the folder {str(value.parent)!r} does not exist")
    return value


def _write_events(result: SimulationResult, path: Path, *, quiet_stdout: bool) -> None:
    from processfactory.eventlog.convert import EventLogError
    from processfactory.eventlog.io import write_event_log

    events = result.records[0].events if result.records else None
    if events is None:
        _error("the run kept no event log to write")
        raise typer.Exit(EXIT_FAILED)
    try:
        write_event_log(events, path)
    except EventLogError as err:
        _error(f"cannot write the event log to {path}: {err}")
        raise typer.Exit(EXIT_FAILED) from None
    except OSError as err:
        _error(f"cannot write the event log to {path}: {err.strerror or err}")
        raise typer.Exit(EXIT_FAILED) from None
    n_cases = events["case:concept:name"].n_unique()
    message = f"Wrote {events.height:,} events of {n_cases:,} cases (replication 0) to {path}"
    typer.echo(message, err=quiet_stdout)


@app.command()
def simulate(
    file: Annotated[str, typer.Argument(help="Scenario YAML file or built-in scenario name.")],
    reps: RepsOption = None,
    seed: SeedOption = None,
    units: UnitsOption = None,
    warmup: WarmupOption = None,
    duration: DurationOption = None,
    as_json: JsonOption = False,
    events: Annotated[
        Path | None,
        typer.Option(
            "--events",
            callback=_check_events_path,
            help="Write replication 0's event log here (.parquet, .csv, .xes or .xes.gz).",
        ),
    ] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    no_progress: NoProgressOption = False,
) -> None:
    """Simulate a scenario and print its KPIs with 95% confidence intervals."""
    with _expected_errors():
        from processfactory.scenario.loader import load_scenario

        scenario = load_scenario(file)
        with _progress_bar(not (as_json or no_progress)) as progress:
            result = _run(
                scenario,
                progress,
                reps=reps,
                seed=seed,
                units=units,
                warmup=warmup,
                duration=duration,
                events=events is not None,
                workers=workers,
                scheduler=scheduler,
            )
    good = (result.kpi.get("units_good") or {}).get("mean")
    if not good:
        _note(
            "no good unit exited in the observed window, so most KPIs are empty; "
            "check --units, --warmup and --duration against the scenario's run section"
        )
    if as_json:
        _print_json(result.to_json())
    else:
        console = _stdout()
        console.print(_kpi_table(result))
        console.print(_station_table(result))
        operators = _operator_table(result)
        if operators is not None:
            console.print(operators)
    if events is not None:
        _write_events(result, events, quiet_stdout=as_json)


# ---------------------------------------------------------------------------------------------
# compare


def _fmt_change(change: float | None) -> str:
    if change is None:
        return "—"
    shown = round(change, 1)
    return "0.0%" if shown == 0 else f"{shown:+.1f}%"


def _compare_rows(results: Sequence[SimulationResult]) -> list[tuple[str, str, list[Any]]]:
    """(label, unit, [mean per scenario]) rows: scalar KPIs, then utilization per station."""
    first = results[0]
    keys: list[str] = []
    for res in results:
        keys += [k for k in _scalar_keys(res.kpi) if k not in keys]
    from processfactory.kpi.summary import KPI_ORDER

    order = {k: i for i, k in enumerate(KPI_ORDER)}
    keys.sort(key=lambda k: order.get(k, len(order)))
    rows: list[tuple[str, str, list[Any]]] = []
    for key in keys:
        label, unit = _label_unit(key, first.scenario)
        means = [_scaled(key, (res.kpi.get(key) or {}).get("mean")) for res in results]
        rows.append((label, unit, means))
    stations: list[str] = []
    for res in results:
        stations += [sid for sid in (res.kpi.get("utilization") or {}) if sid not in stations]
    for sid in stations:
        label, unit = _label_unit("utilization", first.scenario)
        means = [_scaled("utilization", _mean_of(res.kpi, "utilization", sid)) for res in results]
        rows.append((f"{label}: {sid}", unit, means))
    return rows


@app.command()
def compare(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Two or more scenario YAML files or built-in names; the first is the baseline."
        ),
    ],
    reps: RepsOption = None,
    seed: SeedOption = None,
    units: UnitsOption = None,
    warmup: WarmupOption = None,
    duration: DurationOption = None,
    as_json: JsonOption = False,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    no_progress: NoProgressOption = False,
) -> None:
    """Simulate scenarios and show their KPIs side by side, with % change vs the first."""
    if len(files) < 2:
        raise typer.BadParameter("give at least two scenarios to compare", param_hint="FILES")
    with _expected_errors():
        from processfactory.scenario.loader import ScenarioError, load_scenario

        scenarios: list[Scenario] = []
        problems: list[Any] = []
        for file in files:
            try:
                scenarios.append(load_scenario(file))
            except ScenarioError as err:
                problems += err.problems
        if problems:
            raise ScenarioError(problems)
        if len({s.time_unit for s in scenarios}) > 1:
            pairs = zip(files, scenarios, strict=True)
            units_used = ", ".join(f"{file}: {scn.time_unit}" for file, scn in pairs)
            _error(
                f"the scenarios use different time units ({units_used}); "
                "time KPIs are not comparable"
            )
            raise typer.Exit(EXIT_BAD_INPUT)
        results: list[SimulationResult] = []
        with _progress_bar(not (as_json or no_progress)) as progress:
            for scenario in scenarios:
                results.append(
                    _run(
                        scenario,
                        progress,
                        reps=reps,
                        seed=seed,
                        units=units,
                        warmup=warmup,
                        duration=duration,
                        workers=workers,
                        scheduler=scheduler,
                    )
                )
    if as_json:
        _print_json(
            {
                "scenarios": [
                    {
                        "scenario": res.scenario.name,
                        "file": file,
                        "replications": res.replications,
                        "seed": res.seed,
                        "kpi": res.kpi,
                    }
                    for file, res in zip(files, results, strict=True)
                ]
            }
        )
        return

    from rich import box
    from rich.table import Table

    from processfactory.kpi.summary import percent_change

    names = [res.scenario.name for res in results]
    if len(set(names)) < len(names):  # two files with the same scenario name: show the files
        names = list(files)
    table = Table(
        title=f"Comparison (means over replications; % change is relative to {names[0]})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("KPI")
    table.add_column("Unit")
    for name in names:
        table.add_column(name, justify="right")
    for name in names[1:]:
        table.add_column(
            f"% change vs first: {name}" if len(names) > 2 else "% change vs first", justify="right"
        )
    for label, unit, means in _compare_rows(results):
        changes = []
        for mean in means[1:]:
            change = percent_change(means[0], mean)
            changes.append(_fmt_change(change))
        table.add_row(label, unit, *[_fmt(m) for m in means], *changes)
    console = _stdout()
    console.print(table)
    for file, res in zip(files, results, strict=True):
        console.print(f"{file}: {res.replications} replication(s), seed {res.seed}")


# ---------------------------------------------------------------------------------------------
# rounds

_ROUNDS_HEADLINE = [
    "labour_productivity",
    "demand_fulfilment",
    "lead_time",
    "wip",
    "throughput",
    "fpy",
    "walking_distance",
    "floor_area",
]
"""The KPIs a round debrief starts with, in this order (labour productivity leads)."""


def _check_lang(value: str) -> str:
    if value not in ("en", "ru"):
        raise typer.BadParameter(f"must be 'en' or 'ru', got {value!r}")
    return value


def _round_cell(key: str, entry: dict[str, Any] | None, change: str | None) -> str:
    """A KPI of one round: its mean, '± half-width of the 95% CI' and the % change on three
    lines (narrow columns fit five rounds in a terminal), scaled to % where it is a fraction."""
    if not entry or entry.get("mean") is None:
        lines = ["—"]
    else:
        mean = entry["mean"]
        lines = [_fmt(_scaled(key, mean))]
        lo, hi = entry.get("ci95") or [None, None]
        if lo is not None and hi is not None:
            half = (hi - lo) / 2
            # the spread of a constant (floor area, takt) is rounding noise, not a CI
            tiny = abs(half) <= 1e-9 * max(abs(mean), 1e-300)
            lines.append(f"± {'0' if tiny else _fmt(_scaled(key, half))}")
    if change is not None:
        lines.append(change)
    return "\n".join(lines)


def _rounds_table(comparison: Any, lang: str = "en") -> Any:
    """The rounds' KPI table; the factory and round names in ``lang``."""
    from rich import box
    from rich.table import Table

    rounds = comparison.rounds
    first = rounds[0].scenario
    table = Table(
        title=(
            f"{comparison.title_in(lang)}: раундов {len(rounds)}, прогонов на раунд "
            f"{comparison.replications}, seed {comparison.seed} (среднее ± полуширина 95 % "
            "доверительного интервала, изменение к раунду 1)"
            if lang == "ru"
            else f"{comparison.title_in(lang)}: {len(rounds)} rounds, "
            f"{comparison.replications} replication(s) "
            f"each, seed {comparison.seed} (mean, ± half-width of the 95% CI, % change vs "
            "round 1)"
        ),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("Показатель (ед. изм.)" if lang == "ru" else "KPI (unit)", min_width=12)
    for rnd in rounds:
        table.add_column(rnd.name_in(lang), justify="right")
    from processfactory.reports.labels import check_lang, kpi_label, kpi_unit

    language = check_lang(lang)
    keys: list[str] = []
    for rnd in rounds:
        keys += [k for k in _scalar_keys(rnd.result.kpi) if k not in keys]
    keys = [k for k in _ROUNDS_HEADLINE if k in keys] + [
        k for k in keys if k not in _ROUNDS_HEADLINE
    ]
    for key in keys:
        label = kpi_label(key, language)
        unit = kpi_unit(key, language, time_unit=first.time_unit, currency=first.costs.currency)
        changes = comparison.percent_change(key)
        cells = [
            _round_cell(key, rnd.result.kpi.get(key), _fmt_change(changes[k]) if k else None)
            for k, rnd in enumerate(rounds)
        ]
        table.add_row(f"{label}\n({unit})", *cells, end_section=True)
    return table


@app.command()
def rounds(
    name_or_file: Annotated[
        str,
        typer.Argument(
            metavar="NAME_OR_FILE",
            help=(
                "Built-in factory name, factory folder, or scenario YAML file with a rounds.yaml "
                "beside it."
            ),
        ),
    ],
    reps: RepsOption = None,
    seed: SeedOption = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write the debrief report (HTML) to this file."),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Write the rounds' KPIs as an Excel workbook to this file."),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            callback=_check_lang,
            help="Language of the report and of the factory and round names: en or ru.",
        ),
    ] = "en",
    as_json: JsonOption = False,
    workers: WorkersOption = None,
    no_progress: NoProgressOption = False,
) -> None:
    """Play every round of a factory's round plan and compare the rounds' KPIs."""
    with _expected_errors():
        from processfactory.rounds import compare_rounds, load_factory

        factory = load_factory(name_or_file)  # bad input fails here, before any simulation
        n = reps if reps is not None else factory.scenario.run.replications
        with _progress_bar(not (as_json or no_progress)) as progress:
            callback: Callable[[int, int], None] | None = None
            if progress is not None:
                total = n * len(factory.plan.rounds)
                task = progress.add_task(
                    f"Playing {len(factory.plan.rounds)} rounds of {factory.scenario.name}",
                    total=total,
                )

                def callback(done: int, total: int) -> None:
                    progress.update(task, completed=done, total=total)

            # the report's value-stream maps and spaghetti diagrams are drawn from event logs
            comparison = compare_rounds(
                name_or_file,
                reps,
                seed,
                workers=workers,
                progress=callback,
                events=report is not None,
            )
    if as_json:
        _print_json(comparison.to_json())
    else:
        console = _stdout()
        console.print(_rounds_table(comparison, lang))
        for rnd in comparison.rounds:
            levers = ", ".join(rnd.levers) if rnd.levers else "no new lever"
            console.print(f"{rnd.name_in(lang)}: {levers}")
    try:
        if report is not None:
            from processfactory.reports import write_debrief_html

            write_debrief_html(comparison, report, lang=lang)
            typer.echo(f"Wrote the debrief report to {report}", err=True)
        if xlsx is not None:
            from processfactory.reports import write_debrief_xlsx

            write_debrief_xlsx(comparison, xlsx, lang=lang)
            typer.echo(f"Wrote the rounds workbook to {xlsx}", err=True)
    except OSError as err:
        _error(f"cannot write the report: {err.strerror or err}")
        raise typer.Exit(EXIT_FAILED) from None


# ---------------------------------------------------------------------------------------------
# validate, schema, scenarios


@app.command()
def validate(
    files: Annotated[
        list[str], typer.Argument(help="Scenario YAML files (or built-in names) to check.")
    ],
) -> None:
    """Check scenario files and report every problem with its file, line and field."""
    from processfactory.scenario.loader import ScenarioError, load_scenario

    failed = 0
    for file in files:
        try:
            scenario = load_scenario(file)
        except ScenarioError as err:
            failed += 1
            _scenario_problems(err)
            continue
        n = len(scenario.stations)
        typer.echo(f"OK {file}: {scenario.name}, {n} station{'s' if n != 1 else ''}")
    if failed:
        typer.echo(f"{failed} of {len(files)} file(s) invalid", err=True)
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the schema to this file instead of stdout."),
    ] = None,
) -> None:
    """Print the JSON Schema of scenario files (for editors and other tools)."""
    from processfactory.scenario.loader import scenario_json_schema

    text = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        _error(f"cannot write {output}: {err.strerror or err}")
        raise typer.Exit(EXIT_FAILED) from None
    typer.echo(f"Wrote the scenario JSON Schema to {output}", err=True)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios (use their names wherever a scenario file is expected)."""
    from rich.table import Table

    from processfactory.rounds import load_round_plan
    from processfactory.scenario.loader import library_names, library_round_plan, load_scenario

    table = Table(title="Built-in scenarios", title_justify="left")
    table.add_column("Name")
    table.add_column("Title")
    table.add_column("Stations", justify="right")
    table.add_column("Release")
    table.add_column("Rounds", justify="right")
    for name in library_names():
        scn = load_scenario(name)
        release = scn.release
        policy: str = release.policy
        if release.policy == "conwip":
            policy += f" (cap {release.cap})"
        plan_path = library_round_plan(name)
        n_rounds = "—" if plan_path is None else str(len(load_round_plan(plan_path).rounds))
        table.add_row(
            name, scn.name, str(len(scn.stations)), f"{policy}, {release.source}", n_rounds
        )
    _stdout().print(table)


# ---------------------------------------------------------------------------------------------
# balance


def _balance_method(value: str) -> str:
    if value not in ("rpw", "exact"):
        raise typer.BadParameter(f"must be 'rpw' or 'exact', got {value!r}")
    return value


def _num(value: float) -> str:
    """A time or count as written by hand: 10, 9.5, 0.25 (no float noise such as 9.999999)."""
    return f"{round(value, 6):g}"


def _load_bar(time: float, takt: float, width: int = 20) -> str:
    """A text bar of the station's load against the takt (one character = takt ÷ width)."""
    filled = min(width, round(width * time / takt))
    return "█" * filled + "·" * (width - filled)


def _balance_optimal_note(result: Any) -> str:
    if result.optimal and result.n_stations <= result.lower_bound:
        return "yes (meets the lower bound)"
    if result.optimal:
        return "yes (proven by branch and bound)"
    if result.method == "rpw":
        return "not proven (RPW heuristic; use --method exact)"
    return f"not proven (search stopped after {result.nodes:,} steps; best found)"


@app.command()
def balance(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="YAML file of work elements: {takt, time_unit, operations: [{id, time, after}]}.",
        ),
    ],
    takt: Annotated[
        float | None,
        typer.Option(
            "--takt",
            callback=_positive_duration,
            help="Takt time (in the file's time unit); overrides the file's takt.",
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            callback=_balance_method,
            help="'exact' (branch and bound, proven minimum) or 'rpw' (ranked positional weight).",
        ),
    ] = "exact",
    as_json: JsonOption = False,
) -> None:
    """Balance a line: assign work elements to the fewest stations that meet the takt time."""
    with _expected_errors():
        from processfactory.levers.balancing import balance_line
        from processfactory.levers.line_balancing import load_balancing_input

        problem = load_balancing_input(file, takt)
    assert problem.takt is not None  # checked by load_balancing_input
    result = balance_line(
        problem.operation_list(),
        problem.takt,
        "rpw" if method == "rpw" else "exact",
    )
    unit = problem.time_unit
    if as_json:
        _print_json({"file": str(file), "time_unit": unit, **result.to_dict()})
        return

    from rich import box
    from rich.table import Table

    title = f"{problem.name or file.name}: takt {_num(result.takt)} {unit}, method {method}"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Station", justify="right")
    table.add_column("Operations")
    table.add_column(f"Time ({unit})", justify="right")
    table.add_column(f"Idle ({unit})", justify="right")
    table.add_column("Load vs takt")
    for k, (ops, time) in enumerate(zip(result.stations, result.station_times, strict=True)):
        table.add_row(
            str(k + 1),
            ", ".join(ops),
            _num(time),
            _num(result.takt - time),
            _load_bar(time, result.takt),
        )
    console = _stdout()
    console.print(table)
    console.print(
        f"Stations: {result.n_stations} (theoretical minimum ⌈Σt ÷ takt⌉ = "
        f"⌈{_num(result.total_time)} ÷ {_num(result.takt)}⌉ = {result.theoretical_minimum}, "
        f"lower bound {result.lower_bound})"
    )
    console.print(
        f"Balance efficiency: {result.efficiency * 100:.1f}% (balance delay "
        f"{result.balance_delay * 100:.1f}%, idle {_num(result.idle_time)} {unit} per cycle)"
    )
    console.print(f"Smoothness index: {result.smoothness_index:.3g} (0 = all stations equal)")
    console.print(f"Optimal: {_balance_optimal_note(result)}")


# ---------------------------------------------------------------------------------------------
# chart

# the kinds of processfactory.charts.CHARTS, named here so that --help needs no chart import
# (a test keeps the two lists equal)
CHART_KINDS = (
    "yamazumi",
    "yamazumi-plan",
    "cumulative-flow",
    "wip",
    "lead-time",
    "control-chart",
    "frontier",
    "vsm",
    "spaghetti",
)
CHART_LANGS = ("en", "ru")


def _bad_input(message: str) -> typer.Exit:
    _error(message)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command()
def chart(
    kind: Annotated[str, typer.Argument(help=f"Chart kind: {', '.join(CHART_KINDS)}.")],
    file: Annotated[
        str,
        typer.Argument(
            help="Scenario YAML file or built-in name (simulated once, with its event log), or "
            "an event log file (.parquet, .csv, .xes, .xes.gz)."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Chart file to write: .svg, .png or .html.")
    ],
    seed: SeedOption = None,
    units: UnitsOption = None,
    duration: DurationOption = None,
    lang: Annotated[
        str, typer.Option("--lang", help="Language of titles and axes: en or ru.")
    ] = "en",
) -> None:
    """Draw one chart of a scenario's run (or of an event log) as SVG, PNG or HTML."""
    if lang not in CHART_LANGS:
        raise _bad_input(f"unknown language {lang!r}; use one of {', '.join(CHART_LANGS)}")
    from processfactory.charts import CHARTS, ChartError
    from processfactory.charts.render import output_format, save

    if kind not in CHARTS:
        raise _bad_input(f"unknown chart kind {kind!r}; use one of {', '.join(CHARTS)}")
    chart_kind = CHARTS[kind]
    try:
        output_format(output)
    except ChartError as err:
        raise _bad_input(str(err)) from None
    if not output.parent.is_dir():
        raise _bad_input(f"the folder {str(output.parent)!r} for {output} does not exist")

    from processfactory.eventlog.io import FORMATS

    scenario: Scenario | None = None
    record: Any = None
    if file.lower().endswith(FORMATS):
        if chart_kind.needs_scenario:
            raise _bad_input(
                f"the {kind} chart needs the scenario, and {file} is an event log; give the "
                "scenario file or built-in name instead"
            )
        if any(v is not None for v in (seed, units, duration)):
            _note("--seed, --units and --duration apply only to a scenario; ignored")
        from processfactory.eventlog.convert import EventLogError
        from processfactory.eventlog.io import read_event_log
        from processfactory.eventlog.record import RunContext
        from processfactory.eventlog.reduce import record_from_event_log

        try:
            events = read_event_log(file)
            record = record_from_event_log(events, RunContext(scenario=Path(file).stem))
        except (EventLogError, FileNotFoundError) as err:
            raise _bad_input(" ".join(str(err).split())) from None
        name = file
    else:
        with _expected_errors():
            from processfactory.scenario.loader import load_scenario

            scenario = load_scenario(file)
            if chart_kind.needs_record:
                from processfactory.sim.replications import simulate as run_scenario

                result = run_scenario(
                    scenario,
                    1,
                    seed,
                    units=units,
                    duration=duration,
                    events=True,
                    keep_records=True,
                    workers=1,
                )
                record = result.records[0]
        name = scenario.name
    try:
        drawn = chart_kind.build(scenario, record, lang=lang)
        save(drawn, output)
    except ChartError as err:
        raise _bad_input(" ".join(str(err).split())) from None
    except OSError as err:
        _error(f"cannot write {output}: {err.strerror or err}")
        raise typer.Exit(EXIT_FAILED) from None
    typer.echo(f"Wrote the {kind} chart of {name} to {output}")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="processfactory")


if __name__ == "__main__":
    main()
