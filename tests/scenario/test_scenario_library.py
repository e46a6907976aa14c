"""The built-in library: every scenario validates, the reference files hold what they say,
and YAML written by dump_scenario reads back to the same scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from processfactory.scenario import (
    Scenario,
    ScenarioError,
    dump_scenario,
    library_names,
    library_path,
    load_scenario,
    parse_scenario,
    save_scenario,
)
from processfactory.scenario.distributions import Deterministic, Exponential, LogNormal

BUILT_IN = [
    "assembly",
    "conwip-line",
    "demo",
    "penny-fab",
    "public-office",
    "reference-line",
    "single-desk",
]
FACTORIES = ["assembly", "penny-fab", "public-office"]
"""Built-ins that are factory folders (scenario.yaml, rounds.yaml, notes.en.md, notes.ru.md)."""


def test_library_lists_exactly_the_built_in_scenarios() -> None:
    assert library_names() == BUILT_IN


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_library_scenario_validates(name: str) -> None:
    path = library_path(name)
    assert path.is_file() and path.suffix == ".yaml"
    scn = parse_scenario(path.read_text(encoding="utf-8"), source=path.name)
    assert scn == load_scenario(name)


@pytest.mark.parametrize("name", BUILT_IN)
def test_a_factory_folder_works_like_a_flat_scenario(name: str) -> None:
    path = library_path(name)
    if name in FACTORIES:
        folder = path.parent
        assert folder.name == name and path.name == "scenario.yaml"
        assert {p.name for p in folder.iterdir() if p.is_file()} >= {
            "scenario.yaml",
            "rounds.yaml",
            "notes.en.md",
            "notes.ru.md",
        }
        assert load_scenario(folder) == load_scenario(name)
    else:
        assert path.name == f"{name}.yaml"


@pytest.mark.parametrize("name", BUILT_IN)
def test_dump_round_trips_every_library_scenario(name: str) -> None:
    scn = load_scenario(name)
    text = dump_scenario(scn)
    assert parse_scenario(text) == scn
    assert "time_unit:" in text  # written even at its default


def test_reference_line_has_the_documented_values() -> None:
    scn = load_scenario("reference-line")
    assert [st.id for st in scn.stations] == ["s1", "s2", "s3", "s4", "s5"]
    assert scn.stations[0].buffer is None
    s2 = scn.station("s2")
    assert s2.buffer == 3
    assert s2.time == LogNormal(dist="lognormal", mean=1.2, cv=0.5)
    assert scn.release.policy == "push" and scn.release.source == "saturated"
    assert (scn.run.warmup_units, scn.run.units, scn.run.duration) == (1000, 100_000, None)


def test_conwip_line_has_the_documented_values() -> None:
    scn = load_scenario("conwip-line")
    assert scn.release.policy == "conwip" and scn.release.cap == 8
    assert scn.release.arrivals == Exponential(dist="exponential", mean=1.4286)
    assert [st.buffer for st in scn.stations] == [None, 3, 3]
    assert (scn.run.warmup_units, scn.run.units) == (1000, 50_000)


def test_single_desk_has_the_documented_values() -> None:
    scn = load_scenario("single-desk")
    assert len(scn.stations) == 1 and scn.stations[0].id == "desk"
    assert scn.stations[0].time == Exponential(dist="exponential", mean=1.0)
    assert scn.release.arrivals == Exponential(dist="exponential", mean=1.25)
    assert (scn.run.warmup_units, scn.run.units) == (10_000, 200_000)


def test_demo_is_the_described_assembly_line() -> None:
    scn = load_scenario("demo")
    assert scn.name == "Demo assembly line" and scn.time_unit == "min"
    assert len(scn.stations) == 6
    assert all(st.position is not None and st.footprint > 0 for st in scn.stations)
    assert [st.value_added for st in scn.stations].count(False) == 1
    assert any(st.transfer_batch == 5 for st in scn.stations)
    assert any(st.setup is not None and st.setup.on == "changeover" for st in scn.stations)
    wiring = scn.station("wiring")
    assert wiring.defects is not None and wiring.defects.rate == 0.05
    assert (wiring.defects.detected_at, wiring.defects.rework_at) == ("inspection", "wiring")
    final = scn.station("final")
    assert final.breakdowns is not None
    assert final.breakdowns.time_between == Exponential(dist="exponential", mean=120)
    assert final.breakdowns.repair == LogNormal(dist="lognormal", mean=8, cv=0.5)
    assert [(p.id, p.share) for p in scn.products] == [("A", 0.6), ("B", 0.4)]
    assert scn.products[1].routing is not None and len(scn.products[1].routing) == 5
    assert scn.products[1].times
    assert scn.operator_count == 5
    assert any(len(op.skills) == 2 for op in scn.operators)
    assert scn.layout.transport
    assert scn.takt_time == pytest.approx(3.2)
    assert (scn.costs.labour_rate, scn.costs.material, scn.costs.holding) == (600, 250, 5)
    assert scn.costs.currency == "RUB"
    assert (scn.run.duration, scn.run.warmup_time, scn.run.seed, scn.run.replications) == (
        480,
        30,
        7,
        10,
    )
    assert scn.release.arrivals == Exponential(dist="exponential", mean=3)
    # every station time lies around 1-3 minutes
    assert all(0.5 <= st.time.mean_time <= 3.0 for st in scn.stations)


def test_public_office_is_the_described_office() -> None:
    scn = load_scenario("public-office")
    assert [st.id for st in scn.stations] == [
        "reception",
        "document_check",
        "registration",
        "approval",
        "issue",
    ]
    # incomplete documents are made at reception, found upstairs, completed at reception
    reception = scn.station("reception")
    assert reception.defects is not None and reception.defects.rate == 0.25
    assert (reception.defects.detected_at, reception.defects.rework_at) == (
        "document_check",
        "reception",
    )
    assert reception.defects.action == "rework"
    assert scn.station("document_check").value_added is False
    # in-trays of eight between floors, one head of department approving
    assert [st.transfer_batch for st in scn.stations] == [8, 1, 8, 8, 1]
    assert scn.station("approval").servers == 1
    assert sorted({st.position[1] for st in scn.stations if st.position}) == [0, 40, 80]
    assert scn.layout.transport and scn.operator_count == 6
    registrar = next(op for op in scn.operators if op.id == "registrar")
    assert registrar.skills == ["issue", "registration"]  # they run downstairs to issue
    assert scn.release.arrivals == Exponential(dist="exponential", mean=7.5)
    assert scn.takt_time == pytest.approx(7.5)
    assert scn.run.duration == 480 and scn.time_unit == "min"


def test_rich_scenario_round_trips_through_a_file(tmp_path: Path) -> None:
    text = """
name: Everything
description: |
  Two lines
  of notes.
time_unit: s
stations:
  - {id: a, time: {dist: deterministic, mean: 4}, setup: {time: 30, on: batch}, process_batch: 3}
  - id: b
    time: {dist: empirical, values: [1, 2, 3.5]}
    defects: {rate: 0.1, action: scrap}
    kanban: 4
  - {id: c, time: {dist: normal, mean: 5, sd: 1}, value_added: false}
products:
  - {id: p, material_cost: 12}
  - {id: q, routing: [a, c], times: {c: 7}}
release:
  policy: kanban
  orders: [{product: q, quantity: 5, at: 10, due: 300}, {quantity: 2}]
demand: {units: 10, period: 3600}
"""
    scn = parse_scenario(text)
    assert scn.stations[0].time == Deterministic(value=4)
    assert scn.stations[0].setup is not None and scn.stations[0].setup.on == "batch"
    path = tmp_path / "everything.yaml"
    save_scenario(scn, path)
    assert load_scenario(path) == scn
    assert "description: |" in path.read_text(encoding="utf-8")
    # a deterministic time is written as the bare-number shorthand
    assert "time: 4.0" in dump_scenario(scn)


def test_a_file_wins_over_a_built_in_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("demo").write_text("name: Local\nstations: [{id: a, time: 1}]\nrun: {units: 5}\n")
    assert load_scenario("demo").name == "Local"
    assert load_scenario("reference-line.yaml") == load_scenario("reference-line")


def test_missing_file_lists_the_built_in_scenarios(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(missing)
    (problem,) = info.value.problems
    assert problem.source == str(missing) and problem.line is None
    assert "does not exist" in problem.message
    assert all(name in problem.message for name in BUILT_IN)


def test_unknown_library_name_raises() -> None:
    with pytest.raises(ScenarioError, match="built-in"):
        library_path("no-such-line")


def test_load_reports_the_file_name_in_problems(tmp_path: Path) -> None:
    path = tmp_path / "line.yaml"
    path.write_text("name: x\nstations:\n  - {id: a, time: -1}\nrun: {units: 1}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}:3:")


def test_scenario_model_is_exported() -> None:
    assert isinstance(load_scenario("single-desk"), Scenario)
