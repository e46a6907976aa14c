"""record_from_event_log on hand-computed logs (times in minutes)."""

from __future__ import annotations

import math

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from processfactory.eventlog import RunContext, coerce_event_log, record_from_event_log
from processfactory.eventlog.record import STATIONS_SCHEMA, UNITS_SCHEMA

NAN = math.nan
CTX = RunContext(scenario="tiny")


def _units(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=UNITS_SCHEMA, orient="row")


def _stations(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=STATIONS_SCHEMA, orient="row")


# unit, product, order_arrival, release, exit, status, value_added, walking, reworks, due, cost
# Unit 1: A 1-4, setup at B 4-5, B 5-7. Unit 2: A 4-6, B 7-9, rework, B 9-10. Unit 3: A 6-8,
# defect, a voided B start at 8.2, scrapped at 8.5.
TINY_UNITS = [
    (1, None, 0.0, 1.0, 7.0, "good", 5.0, 0.0, 0, NAN, 0.0),
    # unit 2: A 4→6 and B 7→9 add value; the B redo 9→10 after the rework event does not
    (2, None, 0.5, 4.0, 10.0, "good", 4.0, 0.0, 1, NAN, 0.0),
    (3, None, 2.0, 6.0, 8.5, "scrap", 2.0, 0.0, 0, NAN, 0.0),
]


def test_tiny_log_default_window(tiny_log: pl.DataFrame) -> None:
    record = record_from_event_log(tiny_log, CTX)
    assert (record.window_start, record.window_end) == (0.0, 10.0)
    assert_frame_equal(record.units, _units(TINY_UNITS))
    # station, servers, busy, setup, blocked, starved, down, waiting_operator, completions,
    # first_completion, last_completion; window length 10.
    expected = _stations(
        [
            ("A", 1, 7.0, 0.0, 0.0, 3.0, 0.0, 0.0, 3, 4.0, 8.0),
            ("B", 1, 5.0, 1.0, 0.0, 4.0, 0.0, 0.0, 3, 7.0, 10.0),
        ]
    )
    assert_frame_equal(record.stations, expected)
    assert record.context is CTX
    assert record.events is not None and record.events.height == tiny_log.height
    assert record.operators.height == 0


def test_tiny_log_window_servers_and_value_added(tiny_log: pl.DataFrame) -> None:
    record = record_from_event_log(
        tiny_log, CTX, window=(2.0, 9.0), value_added={"B": False}, servers={"A": 2, "C": 3}
    )
    assert record.window_length == 7.0
    units = record.units
    assert units["value_added"].to_list() == [3.0, 2.0, 2.0]  # only A is value-adding
    assert units["exit"].to_list() == [7.0, 10.0, 8.5]  # units are not cut by the window
    expected = _stations(
        [
            # A: 1-4, 4-6, 6-8 clipped to [2, 9] = 2 + 2 + 2; 2 servers.
            ("A", 2, 6.0, 0.0, 0.0, 8.0, 0.0, 0.0, 3, 4.0, 8.0),
            # B: 5-7, 7-9, 9-10 clipped = 2 + 2 + 0; setup 4-5; completion at 10 is outside.
            ("B", 1, 4.0, 1.0, 0.0, 2.0, 0.0, 0.0, 2, 7.0, 9.0),
            # C has no events: idle all window.
            ("C", 3, 0.0, 0.0, 0.0, 21.0, 0.0, 0.0, 0, NAN, NAN),
        ]
    )
    assert_frame_equal(record.stations, expected)


def test_imported_log_without_exit_events() -> None:
    log = coerce_event_log(
        pl.DataFrame(
            {
                "case:concept:name": ["x", "x", "y", "x", "x", "y", "y", "z"],
                "concept:name": ["A", "A", "A", "B", "B", "A", "B", "Call"],
                "lifecycle:transition": [
                    "start",
                    "complete",
                    "start",
                    "start",
                    "complete",
                    "complete",
                    "start",
                    "complete",
                ],  # fmt: skip
                "time:timestamp": [f"2026-01-01T08:{m:02d}:00Z" for m in (0, 2, 3, 2, 5, 4, 6, 1)],
            }
        )
    )
    record = record_from_event_log(log, CTX, window=(0.0, 8.0))
    # Case ids are not integers: numbered by first event (x at 0, z at 1, y at 3).
    expected_units = _units(
        [
            (0, None, 0.0, 0.0, 5.0, "good", 5.0, 0.0, 0, NAN, 0.0),
            (1, None, 1.0, 1.0, 1.0, "good", 0.0, 0.0, 0, NAN, 0.0),
            # y's B operation is still open: wip, no exit.
            (2, None, 3.0, 3.0, NAN, "wip", 1.0, 0.0, 0, NAN, 0.0),
        ]
    )
    assert_frame_equal(record.units, expected_units)
    expected_stations = _stations(
        [
            ("A", 1, 3.0, 0.0, 0.0, 5.0, 0.0, 0.0, 2, 2.0, 4.0),
            # The open B operation (from 6) keeps B busy to the window's end.
            ("B", 1, 5.0, 0.0, 0.0, 3.0, 0.0, 0.0, 1, 5.0, 5.0),
        ]
    )
    assert_frame_equal(record.stations, expected_stations)


def test_backlog_and_product_column() -> None:
    log = coerce_event_log(
        pl.DataFrame(
            {
                "case:concept:name": ["1", "2", "2", "2"],
                "concept:name": ["order", "order", "release", "exit"],
                "time:timestamp": [f"2026-01-01T08:0{m}:00Z" for m in (0, 1, 2, 3)],
                "product": [None, "gear", None, None],
            }
        )
    )
    units = record_from_event_log(log, CTX).units
    assert units["status"].to_list() == ["backlog", "good"]
    assert units["release"].is_nan().to_list() == [True, False]
    assert units["order_arrival"].to_list() == [0.0, 1.0]
    assert units["product"].to_list() == [None, "gear"]


def test_bad_window() -> None:
    with pytest.raises(ValueError, match="before its start"):
        record_from_event_log(
            coerce_event_log(
                pl.DataFrame(
                    {
                        "case:concept:name": ["1"],
                        "concept:name": ["A"],
                        "time:timestamp": ["2026-01-01T08:00:00Z"],
                    }
                )
            ),
            CTX,
            window=(5.0, 1.0),
        )


def test_setups_without_a_unit_pair_per_station() -> None:
    from eventlog_helpers import raw_events

    from processfactory.eventlog.schema import (
        EV_COMPLETE,
        EV_EXIT,
        EV_RELEASE,
        EV_SETUP_COMPLETE,
        EV_SETUP_START,
        EV_START,
    )

    # Setups logged with unit -1 overlap at A (0-5) and B (1-2); by case and activity alone
    # the first setup start would pair with B's completion.
    rows = [
        (0.0, -1, EV_SETUP_START, 0, 0, -1),
        (1.0, -1, EV_SETUP_START, 1, 0, -1),
        (2.0, -1, EV_SETUP_COMPLETE, 1, 0, -1),
        (5.0, -1, EV_SETUP_COMPLETE, 0, 0, -1),
        (5.0, 4, EV_RELEASE, -1, -1, -1),
        (5.0, 4, EV_START, 0, 0, -1),
        (6.0, 4, EV_COMPLETE, 0, 0, -1),
        (6.0, 4, EV_EXIT, -1, -1, -1),
    ]
    record = record_from_event_log(raw_events(rows, ["A", "B"]), CTX)
    assert record.units["unit"].to_list() == [4]  # -1 is not a unit
    setup = dict(record.stations.select("station", "setup").iter_rows())
    assert setup == {"A": 5.0, "B": 1.0}


def test_empty_log() -> None:
    empty = coerce_event_log(
        pl.DataFrame(
            schema={
                "case:concept:name": pl.String,
                "concept:name": pl.String,
                "time:timestamp": pl.Datetime("us", "UTC"),
            }
        )
    )
    record = record_from_event_log(empty, CTX, servers={"A": 2})
    assert record.window_length == 0.0
    assert record.units.height == 0 and record.units.schema == pl.Schema(UNITS_SCHEMA)
    assert record.stations["station"].to_list() == ["A"]
    assert record.stations["starved"].to_list() == [0.0]
