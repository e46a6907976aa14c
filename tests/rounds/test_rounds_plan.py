"""Round plans: loading with located errors, cumulative application, and where factories are
found (built-in name, factory folder, scenario file with a rounds.yaml beside it)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from processfactory import rounds as rounds_module
from processfactory.levers import apply_lever, apply_levers
from processfactory.rounds import (
    compare_rounds,
    load_factory,
    load_round_plan,
    parse_round_plan,
    round_scenarios,
)
from processfactory.scenario.loader import (
    ScenarioError,
    library_factory_dir,
    library_names,
    library_path,
    library_round_plan,
    load_scenario,
    parse_scenario,
)

LINE = """\
name: Two benches
time_unit: s
stations:
  - id: cut
    time: {dist: lognormal, mean: 20, cv: 0.5}
    transfer_batch: 4
    setup: {time: 30, on: changeover}
    position: [0, 0]
    footprint: 3
    buffer_footprint: 4
  - id: pack
    time: {dist: lognormal, mean: 15, cv: 0.5}
    defects: {rate: 0.2, action: rework}
    position: [12, 0]
    footprint: 3
    buffer_footprint: 4
layout: {transport: true}
products: [{id: a}, {id: b}]
release: {arrivals: {dist: exponential, mean: 30}}
demand: {units: 20, period: 600}
run: {duration: 600, seed: 3, replications: 3}
"""

PLAN = """\
rounds:
  - name: as is
  - name: tidy
    description: 5S only.
    levers: [five_s]
  - name: quick
    levers:
      - {lever: smed, reduction: 0.5}
      - one_piece_flow
  - name: cell
    levers: [{lever: cell_layout, pitch: 2}]
"""


def _factory(folder: Path, plan: str = PLAN, scenario: str = LINE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scenario.yaml").write_text(scenario, encoding="utf-8")
    (folder / "rounds.yaml").write_text(plan, encoding="utf-8")
    return folder


def _problem(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_round_plan(text, source="rounds.yaml")
    return info.value


# --- the plan as data ------------------------------------------------------------------------


def test_steps_are_names_or_mappings_with_parameters() -> None:
    plan = parse_round_plan(PLAN)
    assert [r.name for r in plan.rounds] == ["as is", "tidy", "quick", "cell"]
    assert plan.rounds[0].levers == [] and plan.rounds[1].description == "5S only."
    quick = plan.rounds[2].levers
    assert [(s.lever, s.params) for s in quick] == [
        ("smed", {"reduction": 0.5}),
        ("one_piece_flow", {}),
    ]
    assert plan.rounds[3].levers[0].params == {"pitch": 2}


def test_levers_are_applied_cumulatively_in_order() -> None:
    base = parse_scenario(LINE)
    scenarios = round_scenarios(base, parse_round_plan(PLAN))
    assert len(scenarios) == 4
    assert scenarios[0] == base
    tidy = apply_lever(base, "five_s")
    assert scenarios[1] == tidy
    quick = apply_levers(tidy, [("smed", {"reduction": 0.5}), "one_piece_flow"])
    assert scenarios[2] == quick
    assert scenarios[3] == apply_lever(quick, "cell_layout", {"pitch": 2})
    # each round keeps what the earlier rounds did: 5S times, half setups, no batches
    cut = scenarios[3].station("cut")
    assert cut.time.mean_time == pytest.approx(20 * 0.85)
    assert cut.setup is not None and cut.setup.time.mean_time == pytest.approx(15)
    assert cut.transfer_batch == 1
    pack = scenarios[3].station("pack").position
    assert cut.position is not None and pack is not None
    assert abs(pack[0] - cut.position[0]) + abs(pack[1] - cut.position[1]) == pytest.approx(2)


def test_unknown_lever_is_located_and_suggests_the_name() -> None:
    err = _problem("rounds:\n  - name: one\n    levers: [five_s, smde]\n")
    (problem,) = err.problems
    assert (problem.source, problem.line, problem.column) == ("rounds.yaml", 3, 22)
    assert problem.path == "rounds[0].levers[1]"
    assert "unknown lever 'smde'" in problem.message and "did you mean 'smed'" in problem.message


def test_unknown_lever_in_a_mapping_points_at_the_name() -> None:
    err = _problem("rounds:\n  - name: one\n    levers:\n      - {lever: kanbn, cards: 2}\n")
    (problem,) = err.problems
    assert (problem.line, problem.column) == (4, 17)
    assert problem.path == "rounds[0].levers[0].lever"
    assert "did you mean 'kanban'" in problem.message


def test_invalid_parameters_are_located_at_their_key() -> None:
    text = (
        "rounds:\n"
        "  - name: one\n"
        "    levers:\n"
        "      - lever: smed\n"
        "        reduction: 1.5\n"
        "      - {lever: five_s, time_factr: 0.9}\n"
    )
    err = _problem(text)
    assert [(p.line, p.path) for p in err.problems] == [
        (5, "rounds[0].levers[0].reduction"),
        (6, "rounds[0].levers[1].time_factr"),
    ]
    first, second = err.problems
    assert first.column == 9
    assert "lever 'smed'" in first.message and "less than 1" in first.message
    assert "unknown parameter 'time_factr' of lever 'five_s'" in second.message
    assert "did you mean 'time_factor'" in second.message
    assert str(err).splitlines()[0].startswith("rounds.yaml:5:9: rounds[0].levers[0].reduction: ")


@pytest.mark.parametrize(
    ("text", "line", "path", "words"),
    [
        ("rounds: []\n", 1, "rounds", "at least 1"),
        ("rounds:\n  - levers: [five_s]\n", 2, "rounds[0].name", "missing required field 'name'"),
        ("rounds:\n  - name: a\n    lever: [five_s]\n", 3, "rounds[0].lever", "did you mean"),
        ("rounds:\n  - name: a\n    levers: [3]\n", 3, "rounds[0].levers[0]", "lever name"),
        ("rounds:\n  - name: a\nround: 2\n", 3, "round", "did you mean 'rounds'"),
        ("- name: a\n", 1, "", "top level must be a mapping"),
        ("rounds:\n  - name: a\n  - name: [b\n", 3, "", "broken YAML"),
    ],
)
def test_structural_errors_are_located(text: str, line: int, path: str, words: str) -> None:
    problem = _problem(text).problems[0]
    assert (problem.line, problem.path) == (line, path), problem
    assert words in problem.message


def test_an_empty_plan_says_what_it_needs() -> None:
    (problem,) = _problem("").problems
    assert "empty" in problem.message and "rounds" in problem.message


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = "rounds:\n  - name: a\n    levers: [nope]\n  - levers: [smed]\n    extra: 1\n"
    err = _problem(text)
    lines = [p.line for p in err.problems]
    assert lines == sorted(lines) and len(lines) == 3


def test_a_lever_that_does_not_fit_the_scenario_fails_before_simulating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = "rounds:\n  - name: a\n  - name: b\n    levers:\n      - {lever: tpm}\n"
    folder = _factory(tmp_path / "line", plan=plan)

    def no_simulation(*args: object, **kwargs: object) -> None:
        raise AssertionError("simulated before the plan was checked")

    monkeypatch.setattr(rounds_module, "simulate", no_simulation)
    with pytest.raises(ScenarioError) as info:
        compare_rounds(folder)
    (problem,) = info.value.problems
    assert problem.source == str(folder / "rounds.yaml")
    assert (problem.line, problem.path) == (5, "rounds[1].levers[0]")
    assert "tpm" in problem.message and "breakdowns" in problem.message


def test_a_station_the_scenario_lacks_is_reported_at_its_step() -> None:
    plan = parse_round_plan("rounds:\n  - name: a\n    levers: [{lever: five_s, stations: [x]}]\n")
    with pytest.raises(ScenarioError) as info:
        round_scenarios(parse_scenario(LINE), plan)
    (problem,) = info.value.problems
    assert (problem.line, problem.path) == (3, "rounds[0].levers[0]")
    assert "'x'" in problem.message


# --- finding factories -----------------------------------------------------------------------


def test_the_library_holds_factory_folders_beside_flat_scenarios() -> None:
    names = library_names()
    assert {"assembly", "public-office", "penny-fab", "demo"} <= set(names)
    for name in ("assembly", "public-office", "penny-fab"):
        folder = library_factory_dir(name)
        assert folder is not None and folder.name == name
        assert library_path(name) == folder / "scenario.yaml"
        assert library_round_plan(name) == folder / "rounds.yaml"
        assert load_scenario(name) == load_scenario(folder) == load_scenario(library_path(name))
    assert library_factory_dir("demo") is None and library_round_plan("demo") is None
    assert library_path("demo").name == "demo.yaml"


def test_a_built_in_scenario_error_names_the_factory_file(monkeypatch: pytest.MonkeyPatch) -> None:
    from processfactory.scenario import loader

    monkeypatch.setattr(loader, "parse_scenario", lambda text, source: source)
    assert loader.load_scenario("assembly") == "assembly/scenario.yaml"
    assert loader.load_scenario("demo") == "demo.yaml"


def test_a_factory_is_found_by_name_folder_or_scenario_file(tmp_path: Path) -> None:
    folder = _factory(tmp_path / "bench")
    by_folder = load_factory(folder)
    by_file = load_factory(folder / "scenario.yaml")
    assert by_folder.name == by_file.name == "bench"
    assert by_folder.plan == by_file.plan and by_folder.scenario == by_file.scenario
    assert by_folder.notes == {}
    (folder / "notes.en.md").write_text("# Notes\n", encoding="utf-8")
    assert load_factory(folder).notes == {"en": "# Notes\n"}
    other = folder / "variant.yaml"
    other.write_text(LINE.replace("Two benches", "Variant"), encoding="utf-8")
    variant = load_factory(other)
    assert (variant.name, variant.scenario.name) == ("variant", "Variant")
    built_in = load_factory("assembly")
    assert built_in.name == "assembly" and set(built_in.notes) == {"en", "ru"}


@pytest.mark.parametrize(
    ("what", "words"),
    [
        ("demo", "built-in scenario 'demo' has no round plan"),
        ("no-such-factory", "no such file, folder or built-in factory"),
    ],
)
def test_what_is_not_a_factory_is_a_clear_error(what: str, words: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_factory(what)
    (problem,) = info.value.problems
    assert words in problem.message
    assert "assembly" in problem.message and "penny-fab" in problem.message


def test_a_scenario_file_without_a_plan_beside_it_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "line.yaml"
    path.write_text(LINE, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"no round plan: expected .*rounds\.yaml"):
        load_factory(path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ScenarioError, match="no scenario.yaml and rounds.yaml"):
        load_factory(empty)


def test_problems_of_scenario_and_plan_are_reported_together(tmp_path: Path) -> None:
    folder = _factory(
        tmp_path / "broken",
        plan="rounds:\n  - name: a\n    levers: [nope]\n",
        scenario=LINE.replace("mean: 20,", "mean: -20,"),
    )
    with pytest.raises(ScenarioError) as info:
        load_factory(folder)
    sources = {Path(p.source).name for p in info.value.problems}
    assert sources == {"scenario.yaml", "rounds.yaml"}


def test_load_round_plan_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read the round plan"):
        load_round_plan(tmp_path / "rounds.yaml")


# --- comparing -------------------------------------------------------------------------------


def test_compare_rounds_runs_every_round_with_the_same_seed(tmp_path: Path) -> None:
    folder = _factory(tmp_path / "bench")
    seen: list[tuple[int, int]] = []
    comparison = compare_rounds(
        folder, replications=3, seed=5, workers=1, progress=lambda d, t: seen.append((d, t))
    )
    assert [r.name for r in comparison.rounds] == ["as is", "tidy", "quick", "cell"]
    assert comparison.factory == "bench" and comparison.title == "Two benches"
    assert (comparison.replications, comparison.seed) == (3, 5)
    assert [r.levers for r in comparison.rounds] == [
        [],
        ["five_s"],
        ["smed", "one_piece_flow"],
        ["cell_layout"],
    ]
    assert comparison.rounds[3].applied == ["five_s", "smed", "one_piece_flow", "cell_layout"]
    assert seen[-1] == (12, 12) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    for rnd in comparison.rounds:
        assert rnd.result.seed == 5 and rnd.result.replications == 3
        assert len(rnd.result.records) == 3  # kept for charts and reports
        assert rnd.result.records[0].events is None  # no event log unless asked
        assert "demand_fulfilment" in rnd.result.kpi
    # round 1 is exactly the scenario simulated on its own
    alone = rounds_module.simulate(load_scenario(folder), 3, 5, workers=1)
    assert comparison.rounds[0].result.kpi == alone.kpi
    # one-piece flow walks every unit 12 m; the cell puts the benches 2 m apart
    walk = [float(w or "nan") for w in comparison.mean("walking_distance")]
    assert walk[2] > 2 * walk[1] and walk[3] < walk[2] / 3
    change = comparison.percent_change("walking_distance")
    assert change[0] == 0.0 and change[3] == pytest.approx((walk[3] / walk[0] - 1) * 100)
    data = comparison.to_json()
    assert set(data) == {"factory", "rounds"}
    assert [set(r) for r in data["rounds"]] == [{"name", "levers", "kpi"}] * 4
    assert data["rounds"][2]["levers"] == ["smed", "one_piece_flow"]


def test_events_are_kept_only_when_asked(tmp_path: Path) -> None:
    folder = _factory(tmp_path / "bench", plan="rounds:\n  - name: only\n")
    comparison = compare_rounds(folder, replications=2, workers=1, events=True)
    assert comparison.rounds[0].result.records[0].events is not None


def test_demand_fulfilment_is_added_for_runs_that_stop_after_a_number_of_units(
    tmp_path: Path,
) -> None:
    scenario = LINE.replace("run: {duration: 600,", "run: {units: 40, warmup_units: 5,")
    folder = _factory(tmp_path / "units", plan="rounds:\n  - name: only\n", scenario=scenario)
    result = compare_rounds(folder, replications=3, workers=1).rounds[0].result
    for rec, kpis in zip(result.records, result.kpis, strict=True):
        ordered = round(20 * (rec.window_end - rec.window_start) / 600)  # units ordered in it
        assert rec.context.demand_units == ordered
        assert kpis["demand_fulfilment"] == pytest.approx(kpis["units_good"] / ordered)
    mean = result.kpi["demand_fulfilment"]["mean"]
    assert math.isfinite(mean) and mean > 0
