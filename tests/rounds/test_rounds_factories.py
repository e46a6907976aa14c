"""The built-in factories: every one plays all its rounds, and the improvement the training
promises shows, last round against round 1, with 95 % confidence intervals that do not overlap.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from processfactory.kpi.theory import bottleneck_rate, factory_physics, raw_process_time
from processfactory.rounds import RoundsComparison, compare_rounds, load_factory
from processfactory.scenario.loader import library_names, library_round_plan

FACTORIES = [name for name in library_names() if library_round_plan(name) is not None]
IMPROVED = ["assembly", "public-office"]


@cache
def played(name: str) -> RoundsComparison:
    """Each factory is played once per test session, with its own replications and seed."""
    return compare_rounds(name, workers=1)


def _ci(comparison: RoundsComparison, k: int, kpi: str) -> tuple[float, float, float]:
    entry: dict[str, Any] = comparison.rounds[k].result.kpi[kpi]
    lo, hi = entry["ci95"]
    assert lo is not None and hi is not None, (kpi, entry)
    return float(entry["mean"]), float(lo), float(hi)


def test_the_built_in_factories_are_there() -> None:
    assert FACTORIES == ["assembly", "penny-fab", "public-office"]


@pytest.mark.parametrize("name", FACTORIES)
def test_every_round_of_every_factory_runs(name: str) -> None:
    comparison = played(name)
    factory = load_factory(name)
    assert [r.name for r in comparison.rounds] == [r.name for r in factory.plan.rounds]
    assert len(comparison.rounds) >= 4
    for rnd in comparison.rounds:
        kpi = rnd.result.kpi
        assert kpi["units_good"]["mean"] > 0, rnd.name
        if rnd.scenario.demand is not None:
            assert kpi["demand_fulfilment"]["mean"] > 0, rnd.name
    # every round after the first applies at least one lever, and they add up
    for before, after in zip(comparison.rounds, comparison.rounds[1:], strict=False):
        assert after.levers and after.applied == before.applied + after.levers


@pytest.mark.parametrize("name", FACTORIES)
def test_every_factory_has_facilitator_notes_for_every_round(name: str) -> None:
    comparison = played(name)
    assert set(comparison.notes) == {"en", "ru"}
    english, russian = comparison.notes["en"], comparison.notes["ru"]
    for k, rnd in enumerate(comparison.rounds, start=1):
        assert rnd.name in english, rnd.name
        assert f"Раунд {k}" in russian, k
    for group in comparison.rounds[0].scenario.operators:
        assert f"`{group.id}`" in english and f"`{group.id}`" in russian, group.id


@pytest.mark.parametrize("name", IMPROVED)
def test_the_training_factories_are_for_a_group_of_12_to_16(name: str) -> None:
    notes = played(name).notes
    assert "12–16" in notes["en"] and "12–16" in notes["ru"]
    scenario = played(name).rounds[0].scenario
    assert 5 <= scenario.operator_count <= 8  # the rest of the group has roles off the line


@pytest.mark.parametrize("name", IMPROVED)
def test_labour_productivity_rises_by_at_least_30_percent(name: str) -> None:
    comparison = played(name)
    first, lo1, hi1 = _ci(comparison, 0, "labour_productivity")
    last, lo2, hi2 = _ci(comparison, -1, "labour_productivity")
    assert last >= 1.3 * first
    assert lo2 > hi1


@pytest.mark.parametrize("name", IMPROVED)
@pytest.mark.parametrize("kpi", ["lead_time", "wip"])
def test_lead_time_and_wip_fall_by_at_least_half(name: str, kpi: str) -> None:
    comparison = played(name)
    first, lo1, hi1 = _ci(comparison, 0, kpi)
    last, lo2, hi2 = _ci(comparison, -1, kpi)
    assert last <= 0.5 * first
    assert hi2 < lo1


@pytest.mark.parametrize("name", IMPROVED)
def test_first_pass_yield_rises(name: str) -> None:
    comparison = played(name)
    first, lo1, hi1 = _ci(comparison, 0, "fpy")
    last, lo2, hi2 = _ci(comparison, -1, "fpy")
    assert last > first and lo2 > hi1


@pytest.mark.parametrize("name", IMPROVED)
@pytest.mark.parametrize("kpi", ["walking_distance", "floor_area"])
def test_walking_and_floor_area_fall(name: str, kpi: str) -> None:
    comparison = played(name)
    first, lo1, hi1 = _ci(comparison, 0, kpi)
    last, lo2, hi2 = _ci(comparison, -1, kpi)
    assert last < first and hi2 < lo1


@pytest.mark.parametrize("name", IMPROVED)
def test_the_debrief_leads_with_labour_productivity_per_round(name: str) -> None:
    comparison = played(name)
    changes = comparison.percent_change("labour_productivity")
    assert changes[0] == 0.0
    assert all(c is not None and c > 0 for c in changes[1:]), changes


def test_round_1_of_assembly_misses_the_customer_demand() -> None:
    comparison = played("assembly")
    mean, lo, hi = _ci(comparison, 0, "demand_fulfilment")
    assert mean < 1 and hi < 1
    ordered = comparison.rounds[0].result.records[0].context.demand_units
    assert ordered == comparison.rounds[0].scenario.demand.units
    # the last round meets it
    assert _ci(comparison, -1, "demand_fulfilment")[0] > 0.95


def test_the_assembly_line_starts_with_the_classic_wastes() -> None:
    scenario = played("assembly").rounds[0].scenario
    stations = scenario.stations
    assert 6 <= len(stations) <= 8
    assert max(st.transfer_batch for st in stations) >= 5  # large batches
    assert scenario.release.policy == "push"
    assert any(st.setup is not None for st in stations)  # long changeovers
    defects = [st.defects for st in stations if st.defects is not None]
    assert defects and all(d.detected_at == "inspection" for d in defects)  # found at the end
    assert scenario.layout.transport and all(st.position is not None for st in stations)
    times = [st.time.mean_time for st in stations if st.value_added]
    assert max(times) > 1.5 * min(times)  # unbalanced work


def test_the_office_has_in_trays_rework_and_floors() -> None:
    scenario = played("public-office").rounds[0].scenario
    ids = [st.id for st in scenario.stations]
    assert ids == ["reception", "document_check", "registration", "approval", "issue"]
    assert scenario.time_unit == "min" and scenario.run.duration == 480  # a working day
    assert sum(st.transfer_batch > 1 for st in scenario.stations) >= 2  # in-tray batching
    reception = scenario.station("reception")
    assert reception.defects is not None and reception.defects.rework_at == "reception"
    assert reception.defects.detected_at == "document_check"
    floors = {st.position[1] for st in scenario.stations if st.position is not None}
    assert len(floors) == 3


def test_penny_fab_is_hopp_and_spearmans_line() -> None:
    scenario = played("penny-fab").rounds[0].scenario
    assert [(st.time.mean_time, st.servers) for st in scenario.stations] == [
        (2, 1),
        (5, 2),
        (10, 6),
        (3, 2),
    ]
    assert raw_process_time(scenario) == pytest.approx(20)
    assert bottleneck_rate(scenario) == pytest.approx(0.4)  # tail stamping: 2 machines / 5 h


def test_penny_fab_rounds_lie_on_the_factory_physics_frontier() -> None:
    comparison = played("penny-fab")
    by_cap: dict[int, list[float]] = {}
    for rnd in comparison.rounds:
        scenario = rnd.scenario
        assert scenario.release.policy == "conwip" and scenario.release.cap is not None
        w = scenario.release.cap
        fp = factory_physics(bottleneck_rate(scenario), raw_process_time(scenario), w)
        th = rnd.result.kpi["throughput"]["mean"]
        assert fp["th_pwc"] * 0.98 <= th <= fp["th_best"] * 1.02, (rnd.name, th, fp)
        assert rnd.result.kpi["wip"]["mean"] == pytest.approx(w, rel=0.01)
        by_cap.setdefault(w, []).append(th)
    caps = sorted(by_cap)
    assert len(caps) >= 4
    firsts = [by_cap[w][0] for w in caps]
    assert firsts == sorted(firsts)  # more WIP, more throughput, up to r_b
    # the same WIP with less variable operations gets closer to the best case
    assert any(len(ths) > 1 and ths[-1] > ths[0] * 1.03 for ths in by_cap.values())
