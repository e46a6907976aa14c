"""Lean KPIs on hand-built records whose every figure is worked out by hand below."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from kpi_records import NAN, hand_record, make_record, station, unit

from processfactory.kpi import (
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

# hand_record() (see kpi_records.py): window [2, 12], L = 10 min, 10 × 60 / 3600 = 1/6 h.
#
# unit order release exit status  va reworks due material  overlap of [release, exit) with window
#  1     0     1      5   good     2    0      6    10      [2, 5)  = 3
#  2     1     3      9   good     3    1      8    10      [3, 9)  = 6
#  3     2     4      7   scrap    1    0     10     5      [4, 7)  = 3
#  4     3     6      -   wip      1    0     11    10      [6, 12) = 6  (still inside)
#  5     0     0      2   good     1    0      3    10      exits at ws: warm-up, overlap 0
#  6    10     -      -   backlog  0    0     20     0      never released: 0
#  7     7     8     12   good     1    0      -    10      [8, 12) = 4  (exit at we counts)
#
# Exiting in (2, 12]: units 1, 2, 3, 7 — good 1, 2, 7; scrapped 3.
EXPECTED: dict[str, float] = {
    "lead_time": (4 + 6 + 3 + 4) / 4,  # 4.25
    "lead_time_median": 4.0,  # sorted 3, 4, 4, 6
    "lead_time_p90": 4 + 0.7 * (6 - 4),  # position 0.9 × 3 = 2.7 → 5.4
    "order_lead_time": (5 + 8 + 5 + 5) / 4,  # exit − order of 1, 2, 3, 7
    "throughput": 3 / 10,
    "wip": (3 + 6 + 3 + 6 + 0 + 0 + 4) / 10,  # 2.2
    "littles_law_ratio": 2.2 / (4 / 10 * 4.25),  # 22/17: the window cuts lives 1 and 4
    "labour_productivity": 3 / (2 * (1 / 6)),  # 9 units per operator-hour
    "fpy": 2 / 4,  # 1 and 7 are good without rework; 2 was reworked, 3 scrapped
    "pce": (2 / 4 + 3 / 6 + 1 / 4) / 3,  # mean of ratios (not Σva/ΣLT = 6/14)
    # labour 60 × 2 × 1/6 = 20; material of 1, 2, 3, 7 = 35; holding 6 × 2.2 × 1/6 = 2.2
    "unit_cost": (20 + 35 + 2.2) / 3,
    "walking_distance": 30 / 3,
    "walking_distance_total": 30.0,
    "floor_area": 50.0,
    "takt_time": 2.5,
    # due ≤ 12 and (exits in window or due in (2, 12]): 1 (on time), 2 (late), 3 (scrapped),
    # 4 (not out), 5 (due 3, left good at 2: on time); 6 is due after the window, 7 has no due.
    "on_time_delivery": 2 / 5,
    "demand_fulfilment": 3 / 4,
    "units_good": 3,
    "units_scrapped": 1,
    "units_released": 4,  # releases in [2, 12]: 2, 3, 4, 7
}

EXPECTED_MAPS: dict[str, dict[str, float]] = {
    "utilization": {"A": 8 / 10, "B": 12 / 20},
    "blocked": {"A": 0.5 / 10, "B": 0.0},
    "starved": {"A": 0.5 / 10, "B": 4 / 20},
    "setup": {"A": 1 / 10, "B": 2 / 20},
    "down": {"A": 0.0, "B": 1 / 20},
    "waiting_operator": {"A": 0.0, "B": 1 / 20},
    "station_cycle_time": {"A": (11 - 3) / (5 - 1), "B": NAN},  # B completed only once
    "operator_utilization": {"A#1": (6 + 1) / 10, "B#1": 4 / 10},
}


def _same(actual: float, expected: float) -> bool:
    if math.isnan(expected):
        return math.isnan(actual)
    return actual == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_every_kpi_of_the_hand_built_record() -> None:
    kpis = compute_kpis(hand_record())
    assert set(kpis) == set(EXPECTED) | set(EXPECTED_MAPS)
    for key, expected in EXPECTED.items():
        assert _same(kpis[key], expected), (key, kpis[key], expected)
    for key, expected_map in EXPECTED_MAPS.items():
        got = kpis[key]
        assert isinstance(got, dict) and set(got) == set(expected_map), key
        for sid, value in expected_map.items():
            assert _same(got[sid], value), (key, sid, got[sid], value)


def test_counts_are_ints_and_other_scalars_plain_floats() -> None:
    kpis = compute_kpis(hand_record())
    for key, value in kpis.items():
        if key.startswith("units_"):
            assert type(value) is int, key
        elif not isinstance(value, dict):
            assert type(value) is float, key


def test_individual_functions_agree_with_compute_kpis() -> None:
    record = hand_record()
    kpis = compute_kpis(record)
    assert sorted(lead_times(record).tolist()) == [3.0, 4.0, 4.0, 6.0]
    assert throughput(record) == kpis["throughput"]
    assert time_average_wip(record) == pytest.approx(kpis["wip"], rel=1e-15)
    assert littles_law_ratio(record) == pytest.approx(kpis["littles_law_ratio"], rel=1e-15)
    assert labour_productivity(record) == kpis["labour_productivity"]
    assert first_pass_yield(record) == kpis["fpy"]
    assert process_cycle_efficiency(record) == kpis["pce"]
    assert unit_cost(record) == pytest.approx(kpis["unit_cost"], rel=1e-15)
    assert station_utilization(record) == kpis["utilization"]


def test_takt_and_demand_only_when_defined() -> None:
    kpis = compute_kpis(hand_record(takt_time=None, demand_units=None))
    assert "takt_time" not in kpis
    assert "demand_fulfilment" not in kpis


@pytest.mark.parametrize(("time_unit", "hours"), [("s", 10 / 3600), ("min", 10 / 60), ("h", 10)])
def test_hours_follow_the_time_unit(time_unit: str, hours: float) -> None:
    kpis = compute_kpis(hand_record(time_unit=time_unit))
    assert kpis["labour_productivity"] == pytest.approx(3 / (2 * hours), rel=1e-12)
    # labour and holding scale with hours, material does not
    assert kpis["unit_cost"] == pytest.approx((60 * 2 * hours + 35 + 6 * 2.2 * hours) / 3)
    # time figures are in the record's own unit and do not change
    assert kpis["throughput"] == pytest.approx(0.3)


def test_unknown_time_unit_is_an_error() -> None:
    with pytest.raises(ValueError, match="time_unit"):
        compute_kpis(hand_record(time_unit="day"))


def test_wip_is_clipped_exactly_at_the_window_edges() -> None:
    # Window [10, 20], L = 10.
    record = make_record(
        [
            unit(1, order=0, release=5, exit=25, status="good"),  # spans the window: 10
            unit(2, order=0, release=12, exit=NAN, status="wip"),  # unfinished: until 20 → 8
            unit(3, order=0, release=21, exit=NAN, status="wip"),  # released after the end: 0
            unit(4, order=0, release=1, exit=9, status="good"),  # left before the start: 0
            unit(5, order=0, release=NAN, exit=NAN, status="backlog"),  # never released: 0
            unit(6, order=0, release=15, exit=18, status="good"),  # inside: 3
            unit(7, order=0, release=3, exit=10, status="good"),  # leaves at the start: 0
            unit(8, order=0, release=20, exit=NAN, status="wip"),  # released at the end: 0
        ],
        window=(10.0, 20.0),
    )
    assert time_average_wip(record) == pytest.approx((10 + 8 + 3) / 10, rel=1e-15)
    assert compute_kpis(record)["wip"] == pytest.approx(2.1, rel=1e-15)
    # units 2, 6 and 8 are released in [10, 20]; unit 3 at 21 is not
    assert compute_kpis(record)["units_released"] == 3


def test_littles_law_is_exact_when_the_window_holds_whole_lives() -> None:
    record = make_record(
        [
            unit(1, order=0, release=1, exit=4.5, status="good"),
            unit(2, order=0, release=2, exit=9, status="scrap"),
            unit(3, order=0, release=3.25, exit=3.75, status="good"),
            unit(4, order=0, release=7, exit=19.5, status="good"),
        ],
        window=(0.0, 20.0),
    )
    # WIP = Σ lives / L and TH × LT = (n / L) × (Σ lives / n): equal whatever the lives are.
    assert littles_law_ratio(record) == pytest.approx(1.0, rel=1e-14)
    assert compute_kpis(record)["littles_law_ratio"] == pytest.approx(1.0, rel=1e-14)


def test_scrapped_units_count_in_lead_time_but_not_in_throughput() -> None:
    record = make_record(
        [
            unit(1, order=0, release=0, exit=2, status="good"),
            unit(2, order=0, release=0, exit=8, status="scrap"),
        ],
        window=(0.0, 10.0),
    )
    kpis = compute_kpis(record)
    assert kpis["lead_time"] == 5.0
    assert kpis["throughput"] == 0.1
    assert kpis["fpy"] == 0.5
    assert kpis["units_scrapped"] == 1


def test_empty_window_gives_nans_without_warnings() -> None:
    record = make_record([], window=(5.0, 5.0), station_rows=[station("A", busy=0.0)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kpis = compute_kpis(record)
        for fn in (
            throughput,
            time_average_wip,
            littles_law_ratio,
            labour_productivity,
            first_pass_yield,
            process_cycle_efficiency,
            unit_cost,
        ):
            assert math.isnan(fn(record)), fn.__name__
    assert lead_times(record).size == 0
    for key in (
        "lead_time",
        "lead_time_p90",
        "throughput",
        "wip",
        "littles_law_ratio",
        "labour_productivity",
        "fpy",
        "pce",
        "unit_cost",
        "walking_distance",
        "on_time_delivery",
    ):
        assert math.isnan(kpis[key]), key
    assert kpis["units_good"] == 0
    assert math.isnan(kpis["utilization"]["A"])


def test_no_good_units_gives_nan_cost_and_walking_but_zero_throughput() -> None:
    record = make_record(
        [unit(1, order=0, release=0, exit=5, status="scrap", material=4.0)],
        window=(0.0, 10.0),
        walking_total=12.0,
        labour_rate=30.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kpis = compute_kpis(record)
    assert kpis["throughput"] == 0.0
    assert kpis["fpy"] == 0.0
    assert math.isnan(kpis["unit_cost"])
    assert math.isnan(kpis["walking_distance"])
    assert math.isnan(kpis["pce"])
    assert kpis["walking_distance_total"] == 12.0


def test_p90_uses_numpy_linear_percentile() -> None:
    exits = [3.0, 4.5, 7.0, 7.25, 11.0, 20.0, 21.5]
    record = make_record(
        [unit(i, order=0, release=1.0, exit=e, status="good") for i, e in enumerate(exits)],
        window=(0.0, 30.0),
    )
    kpis = compute_kpis(record)
    lts = np.array(exits) - 1.0
    assert kpis["lead_time_p90"] == np.percentile(lts, 90)
    assert kpis["lead_time_median"] == np.median(lts)


def test_integer_columns_and_nulls_are_tolerated() -> None:
    record = hand_record()
    record.units = record.units.with_columns(
        record.units["material_cost"].cast(int), record.units["due"].fill_nan(None)
    )
    kpis = compute_kpis(record)
    assert kpis["unit_cost"] == pytest.approx(EXPECTED["unit_cost"])
    assert kpis["on_time_delivery"] == pytest.approx(EXPECTED["on_time_delivery"])
