"""``processfactory chart KIND FILE -o OUT``, run in-process through typer's CliRunner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from chart_helpers import TINY_YAML, svg_marks, svg_texts, tiny_log
from typer.testing import CliRunner, Result

from processfactory.charts import CHARTS
from processfactory.cli import CHART_KINDS, app
from processfactory.eventlog.io import write_event_log

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args))


def _bad_input(result: Result) -> str:
    """The one-line error of a bad-input exit (code 2, no traceback)."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture(scope="module")
def tiny_yaml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenario") / "tiny.yaml"
    path.write_text(TINY_YAML, encoding="utf-8")
    return path


def test_the_cli_knows_every_chart_kind() -> None:
    assert list(CHART_KINDS) == list(CHARTS)


def test_chart_of_a_scenario_simulates_it_with_events(
    runner: CliRunner, tiny_yaml: Path, tmp_path: Path
) -> None:
    out = tmp_path / "vsm.svg"
    result = _invoke(runner, "chart", "vsm", str(tiny_yaml), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout
    svg = out.read_text(encoding="utf-8")
    # the tiny line has three stations, so three process boxes
    assert len(svg_marks(svg, "boxes")) == 3
    assert "Value stream map" in svg_texts(svg)


def test_chart_in_russian_as_png_and_html(runner: CliRunner, tmp_path: Path) -> None:
    png = tmp_path / "lt.png"
    args = ["--seed", "3", "--units", "300", "--lang", "ru"]
    result = _invoke(runner, "chart", "lead-time", "single-desk", "-o", str(png), *args)
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(PNG_MAGIC)
    page = tmp_path / "wip.html"
    result = _invoke(runner, "chart", "wip", "single-desk", "-o", str(page), *args)
    assert result.exit_code == 0, result.output
    text = page.read_text(encoding="utf-8")
    assert "<title>Незавершённое производство во времени</title>" in text
    assert "<script src" not in text


def test_the_seed_changes_the_run(runner: CliRunner, tmp_path: Path) -> None:
    outs: list[str] = []
    for seed in ("1", "1", "2"):
        out = tmp_path / f"cc-{len(outs)}.svg"
        result = _invoke(
            runner, "chart", "control-chart", "single-desk", "-n", "200", "-s", seed, "-o", str(out)
        )
        assert result.exit_code == 0, result.output
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]
    assert outs[0] != outs[2]


def test_the_plan_needs_no_run(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "plan.svg"
    result = _invoke(runner, "chart", "yamazumi-plan", "demo", "-o", str(out))
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    assert len(svg_marks(svg, "bars")) == 6
    assert "Takt 3.20 min" in svg_texts(svg)


def test_chart_of_an_event_log(runner: CliRunner, tmp_path: Path) -> None:
    log = tmp_path / "tiny.csv"
    write_event_log(tiny_log(), log)
    out = tmp_path / "cfd.svg"
    result = _invoke(runner, "chart", "cumulative-flow", str(log), "-o", str(out))
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    # released, done at a, b and c (the log's own station ids), exited
    assert {"Released", "Done: a", "Done: b", "Done: c", "Exited"} <= set(svg_texts(svg))


def test_an_event_log_cannot_draw_a_chart_that_needs_the_scenario(
    runner: CliRunner, tmp_path: Path
) -> None:
    log = tmp_path / "tiny.parquet"
    write_event_log(tiny_log(), log)
    for kind in ("vsm", "spaghetti", "frontier", "yamazumi"):
        line = _bad_input(_invoke(runner, "chart", kind, str(log), "-o", str(tmp_path / "x.svg")))
        assert "needs the scenario" in line and str(log) in line
    assert not (tmp_path / "x.svg").exists()


def test_unknown_kind_lists_the_kinds(runner: CliRunner, tmp_path: Path) -> None:
    line = _bad_input(_invoke(runner, "chart", "pie", "demo", "-o", str(tmp_path / "x.svg")))
    assert "unknown chart kind 'pie'" in line
    for kind in CHARTS:
        assert kind in line


def test_unknown_output_suffix_says_which_work(runner: CliRunner, tmp_path: Path) -> None:
    line = _bad_input(_invoke(runner, "chart", "wip", "demo", "-o", str(tmp_path / "x.jpg")))
    assert "'.jpg'" in line and ".svg, .png, .html" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["wip", "no-such-scenario"], "no-such-scenario"),
        (["wip", "missing.csv"], "not found"),
        (["spaghetti", "single-desk", "-n", "20"], "no station positions"),
        (["wip", "demo", "--lang", "de"], "unknown language 'de'"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    runner: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    result = _invoke(runner, "chart", *args, "-o", str(tmp_path / "out.svg"))
    assert message in _bad_input(result)


def test_a_missing_output_folder_is_bad_input(runner: CliRunner, tmp_path: Path) -> None:
    line = _bad_input(_invoke(runner, "chart", "wip", "demo", "-o", str(tmp_path / "no" / "x.svg")))
    assert "does not exist" in line


def test_a_broken_event_log_is_bad_input(runner: CliRunner, tmp_path: Path) -> None:
    log = tmp_path / "broken.csv"
    log.write_text("case:concept:name,concept:name\n1,a\n", encoding="utf-8")
    line = _bad_input(_invoke(runner, "chart", "wip", str(log), "-o", str(tmp_path / "x.svg")))
    assert "time:timestamp" in line


def test_chart_help_stays_light() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['processfactory', 'chart', '--help']\n"
        "from processfactory import cli\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('HEAVY', [m for m in ('altair', 'vl_convert', 'polars', 'processfactory.charts')\n"
        "      if m in sys.modules])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "HEAVY []" in proc.stdout, proc.stdout + proc.stderr
    assert "yamazumi-plan" in proc.stdout and "--lang" in proc.stdout
