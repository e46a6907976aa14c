"""`processfactory rounds`: the KPI table per round, its JSON, and clear errors for bad input;
`processfactory scenarios` says which built-ins have a round plan."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from processfactory.cli import app

SMALL = ["--reps", "4", "--seed", "3", "--workers", "1"]
WIDE = {"COLUMNS": "200"}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args), env=WIDE)


@pytest.fixture(scope="module")
def assembly_json(runner: CliRunner) -> dict[str, object]:
    result = _invoke(runner, "rounds", "assembly", *SMALL, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_json_has_the_factory_and_every_round(assembly_json: dict[str, object]) -> None:
    from processfactory.rounds import load_factory

    plan = load_factory("assembly").plan
    assert set(assembly_json) == {"factory", "rounds"}
    assert assembly_json["factory"] == "assembly"
    rounds = assembly_json["rounds"]
    assert isinstance(rounds, list)
    assert [r["name"] for r in rounds] == [r.name for r in plan.rounds]
    assert [r["levers"] for r in rounds] == [[s.lever for s in r.levers] for r in plan.rounds]
    for rnd in rounds:
        assert set(rnd) == {"name", "levers", "kpi"}
        fulfilment = rnd["kpi"]["demand_fulfilment"]
        lo, hi = fulfilment["ci95"]
        assert 0 < fulfilment["mean"] <= 1.0 and lo <= fulfilment["mean"] <= hi


def test_json_kpis_are_those_of_simulate_json(
    runner: CliRunner, assembly_json: dict[str, object]
) -> None:
    # round 1 applies no lever: it is the scenario itself, simulated with the same reps and seed
    alone = _invoke(runner, "simulate", "assembly", *SMALL, "--json")
    assert alone.exit_code == 0, alone.output
    rounds = assembly_json["rounds"]
    assert isinstance(rounds, list)
    assert rounds[0]["kpi"] == json.loads(alone.stdout)["kpi"]
    # and every round's KPIs have the same keys and the same {mean, ci95} objects
    for rnd in rounds[1:]:
        for key, entry in rnd["kpi"].items():
            if "mean" in entry:
                assert set(entry) == {"mean", "ci95"} and len(entry["ci95"]) == 2, key


def test_json_is_reproducible(runner: CliRunner, assembly_json: dict[str, object]) -> None:
    again = _invoke(runner, "rounds", "assembly", *SMALL, "--json")
    assert json.loads(again.stdout) == assembly_json
    other = _invoke(runner, "rounds", "assembly", "--reps", "4", "--seed", "4", "--json")
    assert json.loads(other.stdout) != assembly_json


def test_table_leads_with_labour_productivity_and_shows_changes(
    runner: CliRunner, assembly_json: dict[str, object]
) -> None:
    result = _invoke(runner, "rounds", "assembly", *SMALL)
    assert result.exit_code == 0, result.output
    out = result.stdout
    rounds = assembly_json["rounds"]
    assert isinstance(rounds, list)
    for rnd in rounds:
        assert rnd["name"] in out
    order = [
        "Labour productivity",
        "Demand fulfilment",
        "Lead time (mean)",
        "Work in process",
        "Throughput",
        "First-pass yield",
        "Walking distance per unit",
        "Floor area",
    ]
    positions = [out.index(label) for label in order]
    assert positions == sorted(positions)
    assert "4 replication(s)" in out and "seed 3" in out
    # the labour productivity row: the means, ± half-widths and % changes of the JSON
    lp = [r["kpi"]["labour_productivity"] for r in rounds]
    block = out[positions[0] : positions[1]]
    first, last = lp[0]["mean"], lp[-1]["mean"]
    assert f"{first:.3f}" in block or f"{first:.2f}" in block
    change = (last - first) / first * 100
    assert f"{change:+.1f}%" in block
    half = (lp[0]["ci95"][1] - lp[0]["ci95"][0]) / 2
    assert re.search(rf"± {half:.3f}|± {half:.2f}", block)
    # fractions are shown as percentages
    fulfilment = rounds[0]["kpi"]["demand_fulfilment"]["mean"] * 100
    assert f"{fulfilment:.2f}" in out[positions[1] : positions[2]]
    assert "Round 5: pull: conwip" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["rounds", "no-such-factory"], "no such file, folder or built-in factory"),
        (["rounds", "demo"], "built-in scenario 'demo' has no round plan"),
        (["rounds", "assembly", "--lang", "de"], "must be 'en' or 'ru'"),
        (["rounds", "assembly", "--reps", "0"], "--reps"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(
    runner: CliRunner, args: list[str], words: str
) -> None:
    result = _invoke(runner, *args)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output
    if args[1] != "assembly":
        assert len(result.stderr.strip().splitlines()) == 1


def test_an_invalid_round_plan_exits_2_with_its_location(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "line"
    folder.mkdir()
    (folder / "scenario.yaml").write_text(
        "name: Desk\nstations: [{id: a, time: 1}]\nrun: {duration: 60}\n", encoding="utf-8"
    )
    (folder / "rounds.yaml").write_text(
        "rounds:\n  - name: one\n  - name: two\n    levers: [fives]\n", encoding="utf-8"
    )
    result = _invoke(runner, "rounds", str(folder))
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {folder / 'rounds.yaml'}:4:14: rounds[1].levers[0]: ")
    assert "unknown lever 'fives'" in line and "did you mean 'five_s'" in line
    assert "Traceback" not in result.output


def test_a_scenario_file_with_a_plan_beside_it_is_played(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "desk.yaml").write_text(
        "name: Desk\nstations: [{id: a, time: {dist: exponential, mean: 1}}]\n"
        "release: {arrivals: {dist: exponential, mean: 1.25}}\n"
        "run: {duration: 600, replications: 3}\n",
        encoding="utf-8",
    )
    (tmp_path / "rounds.yaml").write_text(
        "rounds:\n  - name: as is\n  - name: steadier\n    levers: [standard_work]\n",
        encoding="utf-8",
    )
    result = _invoke(runner, "rounds", str(tmp_path / "desk.yaml"), "--json", "--workers", "1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["factory"] == "desk"
    lead = [r["kpi"]["lead_time"]["mean"] for r in data["rounds"]]
    assert lead[1] < lead[0]  # halving the spread of service times shortens the queue
    assert "demand_fulfilment" not in data["rounds"][0]["kpi"]  # no demand given


def test_scenarios_shows_the_rounds_of_each_factory(runner: CliRunner) -> None:
    from processfactory.rounds import load_factory
    from processfactory.scenario.loader import library_names, library_round_plan

    result = _invoke(runner, "scenarios")
    assert result.exit_code == 0, result.output
    assert "Rounds" in result.stdout
    for name in library_names():
        line = next(row for row in result.stdout.splitlines() if f" {name} " in row)
        cells = [cell.strip() for cell in re.split(r"[│┃]", line) if cell.strip()]
        if library_round_plan(name) is None:
            assert cells[-1] == "—", line
        else:
            assert cells[-1] == str(len(load_factory(name).plan.rounds)), line


def test_help_lists_the_rounds_command(runner: CliRunner) -> None:
    result = _invoke(runner, "--help")
    assert result.exit_code == 0
    assert re.search(r"\brounds\b", result.stdout)
    detail = _invoke(runner, "rounds", "--help")
    for option in ("--reps", "--seed", "--report", "--xlsx", "--lang", "--json"):
        assert option in detail.stdout


def test_report_and_workbook_are_written_with_every_chart_drawn(
    runner: CliRunner, tmp_path: Path
) -> None:
    html, xlsx = tmp_path / "debrief.html", tmp_path / "debrief.xlsx"
    result = _invoke(
        runner, "rounds", "penny-fab", "--reps", "2", "--seed", "3", "--workers", "1",
        "--report", str(html), "--xlsx", str(xlsx), "--lang", "ru", "--no-progress",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = html.read_text(encoding="utf-8")
    assert '<html lang="ru"' in text
    # the rounds were simulated with their event logs, so no chart is left out for want of one
    assert 'class="chart-missing"' not in text
    assert text.count('data-chart="value-stream-map"') == 5
    import openpyxl

    workbook = openpyxl.load_workbook(xlsx)  # in the language asked for, like the report
    assert workbook.sheetnames[0] == "Показатели" and "Определения" in workbook.sheetnames


def test_table_in_russian_names_the_factory_and_the_rounds_in_russian(runner: CliRunner) -> None:
    args = ("rounds", "public-office", "--reps", "1", "--seed", "3")
    result = _invoke(runner, *args, "--lang", "ru")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Офис госуслуг: раундов 4" in out and "Public-service office" not in out
    assert "Раунд 4: офис одного окна" in out and "one-stop office" not in out
    assert "Производительность труда" in out and "Labour productivity" not in out
    english = _invoke(runner, *args).stdout
    assert "Public-service office: 4 rounds" in english and "Round 4: one-stop office" in english
    assert "Раунд" not in english
