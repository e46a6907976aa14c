"""The line balancing lever: stations merged, people freed, routings and references fixed."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from processfactory import simulate
from processfactory.cli import app
from processfactory.levers import LeverError, apply_lever, get_lever
from processfactory.levers.line_balancing import (
    LEVER,
    LineBalancingParams,
    apply_line_balancing,
)
from processfactory.scenario import dump_scenario, parse_scenario
from processfactory.scenario.distributions import Deterministic, LogNormal, Triangular
from processfactory.scenario.model import Operator, Scenario, Station

CELL = """\
name: Unbalanced cell
time_unit: min
stations:
  - {id: a, time: {dist: lognormal, mean: 4, cv: 0.2}, position: [0, 0]}
  - id: b
    time: 1
    position: [2, 0]
    defects: {rate: 0.05, detected_at: d, rework_at: c}
  - {id: c, time: {dist: triangular, low: 0.5, mode: 1, high: 1.5}, position: [4, 0]}
  - {id: d, time: {dist: gamma, mean: 4, cv: 0.3}, position: [6, 0], buffer: 2}
  - {id: pack, time: 1, position: [8, 0]}
operators:
  - {id: op_a, skills: [a]}
  - {id: op_b, skills: [b]}
  - {id: op_cd, count: 2, skills: [c, d], start_at: d}
  - {id: op_flex, skills: [d, pack], start_at: d}
products:
  - {id: std, share: 3}
  - id: special
    routing: [b, c, d, pack]
    times: {c: 2, pack: 1.5}
demand: {units: 15, period: 60}
run: {units: 200}
"""

# six elements in a chain, 10 min in all: at takt 5 they fit in two stations, at takt 4 in three
ELEMENTS = [
    {"id": "e1", "time": 2},
    {"id": "e2", "time": 2, "after": ["e1"]},
    {"id": "e3", "time": 1, "after": ["e2"]},
    {"id": "e4", "time": 1, "after": ["e3"]},
    {"id": "e5", "time": 2, "after": ["e4"]},
    {"id": "e6", "time": 2, "after": ["e5"]},
]
SEGMENT = ["a", "b", "c", "d"]


def cell() -> Scenario:
    return parse_scenario(CELL)


def balanced(scn: Scenario, **params: object) -> Scenario:
    return apply_line_balancing(scn, LineBalancingParams.model_validate(params))


def ids(items: Sequence[Station | Operator]) -> list[str]:
    return [item.id for item in items]


def assert_loads_back(scn: Scenario) -> None:
    """The result is a scenario the loader accepts as it is."""
    assert parse_scenario(dump_scenario(scn)) == scn


def test_two_stations_do_the_work_of_four() -> None:
    before = cell()
    after = balanced(before, operations=ELEMENTS, takt=5, stations=SEGMENT)
    assert_loads_back(after)
    # e1 e2 e3 | e4 e5 e6: the first two listed stations stay, c and d go
    assert ids(after.stations) == ["a", "b", "pack"]
    a, b, pack = after.stations
    assert isinstance(a.time, LogNormal)
    assert (a.time.mean, a.time.cv) == pytest.approx((5, 0.2))
    assert b.time == Deterministic(value=5.0)
    assert pack == before.station("pack")
    assert a.position == (0, 0) and b.position == (2, 0)
    # b's defects were caught at d and reworked at c: now both at b, the last kept station
    assert b.defects is not None
    assert (b.defects.detected_at, b.defects.rework_at, b.defects.rate) == ("b", "b", 0.05)
    # op_cd (2 people) worked only the removed stations: freed; op_flex keeps packing
    assert ids(after.operators) == ["op_a", "op_b", "op_flex"]
    flex = after.operators[2]
    assert flex.skills == ["pack"] and flex.start_at is None
    assert before.operator_count == 5 and after.operator_count == 3
    # the special product now passes the kept stations; its override at c is gone
    std, special = after.products
    assert std == before.products[0]
    assert special.routing == ["a", "b", "pack"]
    assert set(special.times) == {"pack"}
    # what the lever does not touch
    for field in ("demand", "release", "layout", "costs", "run", "name", "time_unit"):
        assert getattr(after, field) == getattr(before, field), field


def test_the_takt_defaults_to_the_scenario_demand() -> None:
    before = cell()
    assert before.takt_time == 4
    after = balanced(before, operations=ELEMENTS, stations=SEGMENT)
    assert_loads_back(after)
    # e1 e2 | e3 e4 e5 | e6: three stations, only d goes
    assert ids(after.stations) == ["a", "b", "c", "pack"]
    assert [st.time.mean_time for st in after.stations[:3]] == pytest.approx([4, 4, 2])
    # c keeps its triangular family, scaled to the new mean of 2
    c = after.station("c").time
    assert isinstance(c, Triangular)
    assert (c.low, c.mode, c.high) == pytest.approx((1, 2, 3))
    b = after.station("b")
    assert b.defects is not None
    assert (b.defects.detected_at, b.defects.rework_at) == ("c", "c")
    op_cd = next(op for op in after.operators if op.id == "op_cd")
    assert op_cd.skills == ["c"] and op_cd.start_at is None and op_cd.count == 2
    assert after.products[1].routing == ["a", "b", "c", "pack"]


def test_a_given_cv_replaces_the_stations_cv() -> None:
    after = balanced(cell(), operations=ELEMENTS, takt=5, stations=SEGMENT, cv=0.1)
    a, b = after.stations[:2]
    assert isinstance(a.time, LogNormal)
    assert (a.time.mean, a.time.cv) == pytest.approx((5, 0.1))
    # a fixed time cannot vary: it becomes lognormal with the cv asked for
    assert b.time == LogNormal(dist="lognormal", mean=5.0, cv=0.1)
    fixed = balanced(cell(), operations=ELEMENTS, takt=5, stations=SEGMENT, cv=0)
    assert fixed.stations[1].time == Deterministic(value=5.0)


def test_without_elements_neighbouring_stations_are_merged() -> None:
    # station means 4, 1, 1, 4 at takt 4: a | b c | d -> a, b, c kept, d removed
    after = balanced(cell(), stations=SEGMENT)
    assert ids(after.stations) == ["a", "b", "c", "pack"]
    assert [st.time.mean_time for st in after.stations] == pytest.approx([4, 2, 4, 1])


def test_the_rpw_method_is_used_when_asked() -> None:
    # Jackson at c = 10 (see test_levers_balancing): RPW needs 6 stations, the optimum is 5
    jackson = [
        {"id": 1, "time": 6},
        {"id": 2, "time": 2, "after": [1]},
        {"id": 3, "time": 5, "after": [1]},
        {"id": 4, "time": 7, "after": [1]},
        {"id": 5, "time": 1, "after": [1]},
        {"id": 6, "time": 2, "after": [2]},
        {"id": 7, "time": 3, "after": [3, 4, 5]},
        {"id": 8, "time": 6, "after": [6]},
        {"id": 9, "time": 5, "after": [7]},
        {"id": 10, "time": 5, "after": [8]},
        {"id": 11, "time": 4, "after": [9, 10]},
    ]
    line = parse_scenario(
        "name: seven\nstations:\n"
        + "".join(f"  - {{id: s{k}, time: 6.5}}\n" for k in range(1, 8))
        + "run: {units: 100}\n"
    )
    exact = balanced(line, operations=jackson, takt=10)
    rpw = balanced(line, operations=jackson, takt=10, method="rpw")
    assert len(exact.stations) == 5 and len(rpw.stations) == 6
    assert sum(st.time.mean_time for st in exact.stations) == pytest.approx(46)


def test_the_lever_is_pure() -> None:
    before = cell()
    dumped = before.model_dump()
    after = balanced(before, operations=ELEMENTS, takt=5, stations=SEGMENT)
    assert after is not before
    assert before.model_dump() == dumped
    assert before == cell()


def test_the_lever_is_registered() -> None:
    lever = get_lever("line_balancing")
    assert lever is LEVER
    assert lever.summary.startswith("Line balancing: the work elements are reassigned")
    # parameters as a round plan writes them, numeric ids included
    steps = [{"id": 1, "time": 5}, {"id": 2, "time": 5, "after": [1]}]
    params = lever.parse_params({"operations": steps, "takt": 5, "stations": SEGMENT})
    assert params.operations is not None
    assert params.operations[1].after == ["1"]
    after = apply_lever(cell(), "line_balancing", params)
    assert ids(after.stations) == ["a", "b", "pack"]


def _refused(scn: Scenario, **params: object) -> str:
    with pytest.raises(LeverError) as info:
        balanced(scn, **params)
    message = str(info.value)
    assert message.startswith("lever 'line_balancing'")
    return message


def test_more_stations_than_listed_is_refused_with_the_count_needed() -> None:
    message = _refused(cell(), operations=ELEMENTS, takt=2, stations=SEGMENT)
    assert "need at least 5 stations at takt 2, but only 4 are listed (a, b, c, d)" in message


def test_no_takt_is_refused() -> None:
    no_demand = cell().model_copy(update={"demand": None})
    assert "no takt time" in _refused(no_demand, operations=ELEMENTS)


def test_bad_elements_are_refused_by_name() -> None:
    loop = [{"id": "x", "time": 1, "after": ["y"]}, {"id": "y", "time": 1, "after": ["x"]}]
    assert "precedence cycle (x -> y -> x)" in _refused(cell(), operations=loop)
    ghost = [{"id": "x", "time": 1, "after": ["nobody"]}]
    assert "comes after unknown operation 'nobody'" in _refused(cell(), operations=ghost)
    assert "'e1' takes 2, longer than the takt time 1.5" in _refused(
        cell(), operations=ELEMENTS, takt=1.5
    )


def test_bad_station_lists_are_refused() -> None:
    assert "unknown station(s) 'ghost'" in _refused(cell(), operations=ELEMENTS, stations=["ghost"])
    assert "'a' listed twice" in _refused(cell(), operations=ELEMENTS, stations=["a", "b", "a"])


def test_the_result_is_validated_like_a_file() -> None:
    # the only kanban cards are at s2; merging s2 into s1 would leave the kanban line without
    # any, which the loader refuses, so the lever must refuse too
    kanban = parse_scenario(
        "name: kanban pair\n"
        "stations:\n  - {id: s1, time: 1}\n  - {id: s2, time: 1, kanban: 2}\n"
        "release: {policy: kanban}\nrun: {units: 100}\n"
    )
    message = _refused(kanban, takt=2)
    assert "would make an invalid scenario" in message
    assert "kanban cards" in message


def test_balancing_raises_labour_productivity_of_an_unbalanced_line() -> None:
    # four people; the middle two are idle three quarters of every 4-minute cycle
    line = parse_scenario(
        """\
name: Unbalanced line
stations:
  - {id: s1, time: {dist: lognormal, mean: 4, cv: 0.1}}
  - {id: s2, time: {dist: lognormal, mean: 1, cv: 0.1}}
  - {id: s3, time: {dist: lognormal, mean: 1, cv: 0.1}}
  - {id: s4, time: {dist: lognormal, mean: 4, cv: 0.1}}
operators:
  - {id: o1, skills: [s1]}
  - {id: o2, skills: [s2]}
  - {id: o3, skills: [s3]}
  - {id: o4, skills: [s4]}
demand: {units: 15, period: 60}
run: {units: 2000, warmup_units: 200}
"""
    )
    after = balanced(line, operations=ELEMENTS)  # takt 4: stations of 4, 4 and 2 minutes
    assert ids(after.stations) == ["s1", "s2", "s3"]
    assert after.operator_count == 3
    kpi_before = simulate(line, replications=5, seed=1, workers=1).kpi
    kpi_after = simulate(after, replications=5, seed=1, workers=1).kpi
    productivity = [k["labour_productivity"]["mean"] for k in (kpi_before, kpi_after)]
    throughput = [k["throughput"]["mean"] for k in (kpi_before, kpi_after)]
    # the same output (the pace is still set by 4-minute stations) from 3 people instead of 4
    assert throughput[1] == pytest.approx(throughput[0], rel=0.05)
    assert productivity[1] / productivity[0] == pytest.approx(4 / 3, rel=0.05)


# ------------------------------------------------------------------------------ the CLI command

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "balancing" / "jackson.yaml"


def _balance(*args: str) -> Result:
    return CliRunner().invoke(app, ["balance", *args])


def test_cli_balances_the_jackson_example() -> None:
    result = _balance(str(EXAMPLE))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Jackson (11 elements): takt 10 s, method exact" in out
    assert "Stations: 5 (theoretical minimum ⌈Σt ÷ takt⌉ = ⌈46 ÷ 10⌉ = 5, lower bound 5)" in out
    assert "Balance efficiency: 92.0% (balance delay 8.0%, idle 4 s per cycle)" in out
    assert "Optimal: yes" in out
    rows = [line.split() for line in out.splitlines() if re.match(r"\s+[1-9]\s", line)]
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5"]


def test_cli_rpw_is_not_claimed_optimal() -> None:
    result = _balance(str(EXAMPLE), "--method", "rpw")
    assert result.exit_code == 0, result.output
    assert "Stations: 6 " in result.stdout
    assert "Optimal: not proven (RPW heuristic; use --method exact)" in result.stdout


def test_cli_json_with_a_takt_override() -> None:
    result = _balance(str(EXAMPLE), "--takt", "7", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["time_unit"] == "s"
    assert data["takt"] == 7
    assert data["n_stations"] == 8  # Jackson at c = 7: m* = 8 (Scholl 1993)
    assert data["optimal"] is True
    assert data["theoretical_minimum"] == 7
    assert data["efficiency"] == pytest.approx(46 / 56)
    placed = [op["id"] for st in data["stations"] for op in st["operations"]]
    assert sorted(placed, key=int) == [str(k) for k in range(1, 12)]
    assert all(st["time"] <= 7 and st["idle"] == 7 - st["time"] for st in data["stations"])


BROKEN = """\
takt: 8
operations:
  - {id: a, time: 3, after: [c]}
  - {id: b, time: 1, after: [a]}
  - {id: c, time: 4, after: [b]}
  - {id: d, time: 9, after: [zz]}
"""


def test_cli_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = _balance(str(path))
    assert result.exit_code == 2
    err = result.stderr
    assert "Traceback" not in err and result.stdout == ""
    assert err.count("error: ") == 3
    assert f"{path}:3:30: operations[0].after[0]: the operations 'a', 'b', 'c' form a" in err
    assert f"{path}:6:19: operations[3].time: operation 'd' takes 9, longer than the takt" in err
    assert f"{path}:6:30: operations[3].after[0]: operation 'd' comes after unknown" in err


def test_cli_reports_field_errors_and_missing_takt(tmp_path: Path) -> None:
    path = tmp_path / "fields.yaml"
    path.write_text("takts: 8\noperations:\n  - {id: a, time: -3}\n", encoding="utf-8")
    result = _balance(str(path))
    assert result.exit_code == 2
    assert "fields.yaml:1:1: takts: unknown field 'takts'" in result.stderr
    assert "did you mean 'takt'?" in result.stderr
    assert "fields.yaml:3:19: operations[0].time: Input should be greater than 0" in result.stderr
    path.write_text("operations:\n  - {id: a, time: 3}\n", encoding="utf-8")
    result = _balance(str(path))
    assert result.exit_code == 2
    assert "takt: no takt time: give `takt` in the file, or the --takt option" in result.stderr
    assert _balance(str(path), "--takt", "3").exit_code == 0


def test_cli_refuses_bad_options_and_missing_files(tmp_path: Path) -> None:
    missing = _balance(str(tmp_path / "nowhere.yaml"))
    assert missing.exit_code == 2
    assert "nowhere.yaml: file does not exist" in missing.stderr
    assert _balance(str(EXAMPLE), "--method", "magic").exit_code == 2
    assert _balance(str(EXAMPLE), "--takt", "0").exit_code == 2
    too_short = _balance(str(EXAMPLE), "--takt", "5")  # element 4 takes 7
    assert too_short.exit_code == 2
    assert "operation '4' takes 7, longer than the takt time 5" in too_short.stderr
