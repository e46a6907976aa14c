"""The ``processfactory`` command line, run in-process through typer's CliRunner.

Runs are small (single-desk, 2,000 units, 3 replications); the first simulation in a fresh
process pays the numba cache load.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner, Result

from processfactory.cli import app

SMALL = ["--units", "2000", "--warmup", "200", "--reps", "3", "--seed", "1"]
REQUIRED_KPIS = [
    "throughput",
    "lead_time",
    "lead_time_p90",
    "wip",
    "littles_law_ratio",
    "labour_productivity",
    "fpy",
    "pce",
    "unit_cost",
    "walking_distance",
]

BROKEN_YAML = """\
name: Broken desk
stations:
  - id: desk
    time: {dist: exponential, mean: -2}
    colour: red
"""


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def single_desk_json(runner: CliRunner) -> str:
    result = _invoke(runner, "simulate", "single-desk", *SMALL, "--json")
    assert result.exit_code == 0, result.output
    return result.stdout


def _check_entry(key: str, entry: object) -> None:
    assert isinstance(entry, dict), key
    mean, ci = entry["mean"], entry["ci95"]
    assert isinstance(mean, float) and math.isfinite(mean), key
    assert isinstance(ci, list) and len(ci) == 2, key
    lo, hi = ci
    assert lo is not None and hi is not None, key
    assert lo <= mean <= hi, (key, entry)


def test_simulate_json_is_one_valid_object_with_every_kpi(single_desk_json: str) -> None:
    # strict parsing: NaN/Infinity are not JSON and must have become null
    data = json.loads(single_desk_json, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert set(data) == {"scenario", "replications", "seed", "kpi"}
    assert data["scenario"] == "Single desk"
    assert data["replications"] == 3
    assert data["seed"] == 1
    kpi = data["kpi"]
    for key in REQUIRED_KPIS:
        _check_entry(key, kpi[key])
    assert set(kpi["utilization"]) == {"desk"}
    _check_entry("utilization.desk", kpi["utilization"]["desk"])
    assert 0.0 < kpi["utilization"]["desk"]["mean"] < 1.0  # a fraction, not a percentage
    assert kpi["units_good"]["mean"] == 2000.0  # --units reached the engine


def test_simulate_json_is_reproducible_and_depends_on_the_seed(
    runner: CliRunner, single_desk_json: str
) -> None:
    again = _invoke(runner, "simulate", "single-desk", *SMALL, "--json")
    assert again.exit_code == 0, again.output
    assert again.stdout == single_desk_json
    other_seed = [*SMALL[:-1], "2"]
    other = _invoke(runner, "simulate", "single-desk", *other_seed, "--json")
    assert other.exit_code == 0, other.output
    assert json.loads(other.stdout)["kpi"] != json.loads(single_desk_json)["kpi"]


def test_simulate_table_shows_labels_percentages_and_stations(
    runner: CliRunner, single_desk_json: str
) -> None:
    result = _invoke(runner, "simulate", "single-desk", *SMALL)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Labour productivity" in out
    assert "units/operator-hour" in out
    assert "desk" in out
    # utilization is a fraction in the JSON and a percentage in the table
    util = json.loads(single_desk_json)["kpi"]["utilization"]["desk"]["mean"]
    assert f"{util * 100:.2f}" in out
    fpy_row = next(line for line in out.splitlines() if "First-pass yield" in line)
    assert "100.0" in fpy_row and "%" in fpy_row
    assert not out.lstrip().startswith("{")


def test_simulate_events_writes_an_xes_columned_parquet(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "log.parquet"
    result = _invoke(runner, "simulate", "single-desk", *SMALL, "--json", "--events", str(target))
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # the message about the file does not pollute the JSON
    df = pl.read_parquet(target)
    for column in ("case:concept:name", "concept:name", "lifecycle:transition", "time:timestamp"):
        assert column in df.columns
    assert df.height > 2000
    assert str(target) in result.stderr
    match = re.search(r"([\d,]+) events of ([\d,]+) cases", result.stderr)
    assert match is not None, result.stderr
    assert int(match.group(1).replace(",", "")) == df.height
    assert int(match.group(2).replace(",", "")) == df["case:concept:name"].n_unique()


def test_simulate_events_rejects_an_unknown_extension(runner: CliRunner, tmp_path: Path) -> None:
    result = _invoke(runner, "simulate", "single-desk", "--events", str(tmp_path / "log.txt"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not (tmp_path / "log.txt").exists()


def test_compare_shows_percent_change_vs_first(runner: CliRunner) -> None:
    args = ["--units", "2000", "--warmup", "200", "--reps", "2", "--seed", "1"]
    result = _invoke(runner, "compare", "single-desk", "conwip-line", *args)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "% change" in out
    assert "Single desk" in out and "CONWIP line" in out
    assert re.search(r"[+-]\d+\.\d%", out), out


def test_compare_json_lists_every_scenario(runner: CliRunner) -> None:
    args = ["--units", "1000", "--warmup", "100", "--reps", "2", "--seed", "3", "--json"]
    result = _invoke(runner, "compare", "single-desk", "conwip-line", *args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    entries = data["scenarios"]
    assert [e["scenario"] for e in entries] == ["Single desk", "CONWIP line"]
    assert [e["file"] for e in entries] == ["single-desk", "conwip-line"]
    assert set(entries[1]["kpi"]["utilization"]) == {"s1", "s2", "s3"}
    _check_entry("throughput", entries[0]["kpi"]["throughput"])


def test_compare_needs_two_scenarios(runner: CliRunner) -> None:
    result = _invoke(runner, "compare", "single-desk")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_validate_reports_every_problem_with_location(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    result = _invoke(runner, "validate", str(broken), "single-desk")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    err = result.stderr
    # negative mean: line 4; unknown field: line 5 -- each with file, line and field path
    assert re.search(rf"{re.escape(str(broken))}:4:\d+: stations\[0\]\.time\.mean: ", err), err
    assert re.search(rf"{re.escape(str(broken))}:5:\d+: stations\[0\]\.colour: ", err), err
    assert "unknown field 'colour'" in err
    # the valid file is still checked and reported
    assert "OK single-desk: Single desk, 1 station" in result.stdout


def test_validate_ok(runner: CliRunner) -> None:
    result = _invoke(runner, "validate", "single-desk", "reference-line")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "OK single-desk: Single desk, 1 station",
        "OK reference-line: Reference line, 5 stations",
    ]


def test_simulate_an_invalid_scenario_exits_2_with_its_problems(
    runner: CliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN_YAML, encoding="utf-8")
    result = _invoke(runner, "simulate", str(broken), "--units", "100")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.count("error: ") == 2
    assert result.stdout == ""


def test_missing_file_exits_2_and_lists_builtins(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = _invoke(runner, "simulate", str(missing))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(missing) in result.stderr
    assert "single-desk" in result.stderr  # the built-in names are offered


@pytest.mark.parametrize(
    "args",
    [
        ["--reps", "0"],
        ["--units", "0"],
        ["--warmup", "-1"],
        ["--duration", "0"],
        ["--seed", "-1"],
        ["--workers", "0"],
    ],
)
def test_invalid_option_values_are_usage_errors(runner: CliRunner, args: list[str]) -> None:
    result = _invoke(runner, "simulate", "single-desk", *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert args[0] in result.output


def test_schema_prints_valid_json(runner: CliRunner, tmp_path: Path) -> None:
    result = _invoke(runner, "schema")
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert "stations" in schema["properties"]
    assert "name" in schema["required"]
    target = tmp_path / "schema.json"
    written = _invoke(runner, "schema", "-o", str(target))
    assert written.exit_code == 0, written.output
    assert json.loads(target.read_text(encoding="utf-8")) == schema
    assert written.stdout == ""


def test_scenarios_lists_the_library(runner: CliRunner) -> None:
    from processfactory.scenario.loader import library_names

    result = _invoke(runner, "scenarios")
    assert result.exit_code == 0, result.output
    for name in library_names():
        assert name in result.stdout
    conwip = next(line for line in result.stdout.splitlines() if "conwip-line" in line)
    assert "CONWIP line" in conwip and "conwip" in conwip and "3" in conwip


def test_help_runs_as_a_subprocess_and_lists_the_commands() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "processfactory.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for command in ("simulate", "compare", "validate", "schema", "scenarios"):
        assert re.search(rf"\b{command}\b", proc.stdout), proc.stdout
    assert "Traceback" not in proc.stderr


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['processfactory', '--help']\n"
        "from processfactory import cli\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('numba', 'polars', 'numpy', 'pydantic', 'scipy',\n"
        "         'processfactory.sim.engine', 'processfactory.scenario.loader')\n"
        "         if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr


def test_a_stuck_line_exits_1_with_the_message(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import processfactory.sim.replications as replications
    from processfactory.sim.engine import SimulationError

    def stuck(*args: object, **kwargs: object) -> None:
        raise SimulationError("the line is stuck at t=12.5: station desk waits forever")

    monkeypatch.setattr(replications, "simulate", stuck)
    result = _invoke(runner, "simulate", "single-desk", "--units", "100")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "the line is stuck at t=12.5" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("kind", ["eventlog", "oserror"])
def test_failing_to_write_events_exits_1(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kind: str
) -> None:
    import processfactory.eventlog.io as eventlog_io
    from processfactory.eventlog.convert import EventLogError

    def broken(df: object, path: object) -> None:
        if kind == "eventlog":
            raise EventLogError("column 'time' has nulls", "event log to write")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(eventlog_io, "write_event_log", broken)
    target = tmp_path / "log.csv"
    result = _invoke(
        runner, "simulate", "single-desk", "--units", "200", "--reps", "1", "--events", str(target)
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    expected = "column 'time' has nulls" if kind == "eventlog" else "No space left on device"
    assert expected in result.stderr
    assert str(target) in result.stderr


def test_unexpected_exceptions_are_not_swallowed(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import processfactory.sim.replications as replications

    def bug(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(replications, "simulate", bug)
    result = _invoke(runner, "simulate", "single-desk", "--units", "100")
    assert result.exit_code == 1
    assert isinstance(result.exception, ZeroDivisionError)
