"""events_from_raw, validate_event_log and coerce_event_log on frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from eventlog_helpers import raw_events

from processfactory.eventlog import (
    EVENT_SCHEMA,
    EventLogError,
    coerce_event_log,
    events_from_raw,
    validate_event_log,
)
from processfactory.eventlog.schema import (
    DEFAULT_BASE_TIME,
    EV_COMPLETE,
    EV_DEFECT,
    EV_EXIT,
    EV_MOVE_COMPLETE,
    EV_MOVE_START,
    EV_ORDER,
    EV_RELEASE,
    EV_REWORK,
    EV_SCRAP,
    EV_SETUP_COMPLETE,
    EV_SETUP_START,
    EV_START,
)

# (time, unit, kind, station, server, operator) covering every raw kind and resource rule.
RAW = [
    (0.0, 7, EV_ORDER, -1, -1, -1),
    (0.25, 7, EV_RELEASE, -1, -1, -1),
    (1.0, 7, EV_SETUP_START, 1, 2, 0),
    (1.5, 7, EV_SETUP_COMPLETE, 1, 2, 0),
    (1.5, 7, EV_START, 1, 2, -1),
    (2.000001, 7, EV_COMPLETE, 1, 2, -1),
    (2.0, 7, EV_DEFECT, 1, -1, -1),
    (2.5, 7, EV_REWORK, 1, -1, 1),
    (3.0, 7, EV_MOVE_START, 0, -1, 1),
    (3.5, 7, EV_MOVE_COMPLETE, 0, -1, 1),
    (4.0, 8, EV_EXIT, -1, -1, -1),
    (60.0, 8, EV_SCRAP, 0, 0, -1),
]


def test_events_from_raw_gives_exact_columns() -> None:
    df = raw_events(RAW, ["cut", "weld"], ["fitter#1", "fitter#2"], round=3)

    assert list(df.columns) == list(EVENT_SCHEMA)
    assert df.schema == pl.Schema(EVENT_SCHEMA)
    assert df["case:concept:name"].to_list() == ["7"] * 10 + ["8", "8"]
    assert df["concept:name"].to_list() == [
        "order", "release", "setup", "setup", "weld", "weld",
        "defect", "rework", "move", "move", "exit", "scrap",
    ]  # fmt: skip
    assert df["lifecycle:transition"].to_list() == [
        "complete", "complete", "start", "complete", "start", "complete",
        "complete", "complete", "start", "complete", "complete", "complete",
    ]  # fmt: skip
    assert df["station"].to_list() == [
        None, None, "weld", "weld", "weld", "weld", "weld", "weld", "cut", "cut", None, "cut",
    ]  # fmt: skip
    assert df["org:resource"].to_list() == [
        None, None, "fitter#1", "fitter#1", "weld#2", "weld#2",
        None, "fitter#2", "fitter#2", "fitter#2", None, "cut#0",
    ]  # fmt: skip
    expected_stamps = [DEFAULT_BASE_TIME + timedelta(minutes=row[0]) for row in RAW]
    # 2.000001 min is 120.00006 s: the microsecond must survive.
    assert expected_stamps[5].microsecond == 60
    assert df["time:timestamp"].to_list() == expected_stamps
    assert df["time"].to_list() == [row[0] for row in RAW]
    assert df["round"].to_list() == [3] * len(RAW)
    assert df["voided"].to_list() == [False] * len(RAW)


def test_events_from_raw_base_time_and_unit() -> None:
    base = datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC)
    df = raw_events(
        [(1.5, 1, EV_RELEASE, -1, -1, -1)], ["A"], base_time=base, seconds_per_time_unit=3600.0
    )
    assert df["time:timestamp"].item() == base + timedelta(hours=1.5)
    assert df["time"].item() == 1.5


def test_events_from_raw_empty() -> None:
    df = raw_events([], ["A"])
    assert df.height == 0
    assert df.schema == pl.Schema(EVENT_SCHEMA)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((0.0, 1, 99, -1, -1, -1), "kind code 99"),
        ((0.0, 1, EV_START, 5, 0, -1), "station code 5"),
        ((0.0, 1, EV_RELEASE, -1, -1, 3), "operator code 3"),
        ((0.0, 1, EV_START, -1, -1, -1), "without a station"),
        ((float("nan"), 1, EV_RELEASE, -1, -1, -1), "finite"),
    ],
)
def test_events_from_raw_rejects_bad_codes(row: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        raw_events([row], ["A", "B"], ["x"])


def test_events_from_raw_rejects_unequal_lengths() -> None:
    a = np.zeros(3)
    with pytest.raises(ValueError, match="equal length"):
        events_from_raw(
            a, a.astype(np.int64), np.zeros(2, np.int8), a, a, a,
            station_ids=["A"], operator_names=[],
        )  # fmt: skip


def test_events_from_raw_matches_a_reference_on_random_codes() -> None:
    n = 100_000
    rng = np.random.default_rng(3)
    stations = [f"S{i}" for i in range(10)]
    operators = [f"g#{i}" for i in range(4)]
    kind = rng.choice([EV_START, EV_COMPLETE, EV_RELEASE, EV_SETUP_START], n).astype(np.int8)
    station = rng.integers(-1, 10, n).astype(np.int32)
    station[(kind == EV_START) | (kind == EV_COMPLETE)] %= 10  # operations need a station
    server = rng.integers(-1, 3, n).astype(np.int32)
    operator = rng.integers(-1, 4, n).astype(np.int32)
    df = events_from_raw(
        np.sort(rng.random(n) * 1000), rng.integers(0, 5000, n), kind, station, server,
        operator, station_ids=stations, operator_names=operators,
    )  # fmt: skip
    names = np.array(stations + [None], dtype=object)[station]  # -1 picks None
    other = np.where(kind == EV_RELEASE, "release", "setup")
    is_op = (kind == EV_START) | (kind == EV_COMPLETE)
    assert df["concept:name"].to_list() == np.where(is_op, names, other).tolist()
    assert df["station"].to_list() == names.tolist()
    expected_resource = [
        operators[o] if o >= 0 else (f"{stations[s]}#{k}" if s >= 0 and k >= 0 else None)
        for s, k, o in zip(station.tolist(), server.tolist(), operator.tolist(), strict=True)
    ]
    assert df["org:resource"].to_list() == expected_resource


def _frame(**overrides: list) -> pl.DataFrame:
    data: dict[str, list] = {
        "case:concept:name": ["1", "1", "2", "2"],
        "concept:name": ["A", "A", "A", "A"],
        "lifecycle:transition": ["start", "complete", "start", "complete"],
        "time:timestamp": [
            "2026-01-01T08:00:00+00:00",
            "2026-01-01T08:02:30+00:00",
            "2026-01-01T08:03:00+00:00",
            "2026-01-01T08:04:00+00:00",
        ],
    }
    data.update(overrides)
    return pl.DataFrame(data)


def test_validate_accepts_a_minimal_log_and_fills_defaults() -> None:
    df = _frame()
    assert validate_event_log(df) == []
    out = coerce_event_log(df)
    assert out.schema == pl.Schema(EVENT_SCHEMA)
    assert out["time"].to_list() == [0.0, 2.5, 3.0, 4.0]  # minutes since the earliest
    assert out["station"].to_list() == ["A"] * 4  # A has start/complete pairs
    assert out["round"].to_list() == [1] * 4
    assert out["voided"].to_list() == [False] * 4
    assert out["org:resource"].to_list() == [None] * 4


def test_validate_defaults_lifecycle_to_complete_and_no_station() -> None:
    df = _frame().drop("lifecycle:transition")
    out = coerce_event_log(df)
    assert out["lifecycle:transition"].to_list() == ["complete"] * 4
    assert out["station"].to_list() == [None] * 4  # no starts: not an operation


def test_validate_missing_column() -> None:
    problems = validate_event_log(_frame().drop("concept:name"))
    assert len(problems) == 1
    assert "missing required column(s) 'concept:name'" in problems[0]


def test_validate_null_case_and_bad_lifecycle_rows() -> None:
    df = _frame(
        **{
            "case:concept:name": ["1", None, "2", "2"],
            "lifecycle:transition": ["start", "complete", "begin", "complete"],
        }
    )
    problems = validate_event_log(df)
    assert "null case id (case:concept:name) on row 2" in problems
    assert any("not 'begin', on row 3" in p for p in problems)


def test_validate_complete_without_start() -> None:
    df = _frame(**{"lifecycle:transition": ["start", "complete", "complete", "start"]})
    problems = validate_event_log(df)
    assert problems == [
        "complete without an earlier start of the same case and activity on row 3 "
        "(first: case '2', activity 'A')"
    ]


def test_validate_voided_events_do_not_pair() -> None:
    df = _frame(voided=[True, False, False, False])
    problems = validate_event_log(df)
    assert len(problems) == 1 and "on row 2 " in problems[0]


def test_validate_lists_at_most_twenty_rows() -> None:
    n = 25
    df = pl.DataFrame(
        {
            "case:concept:name": ["1"] * n,
            "concept:name": ["A"] * n,
            "time:timestamp": ["not a date"] * n,
        }
    )
    (problem,) = validate_event_log(df)
    listed = ", ".join(str(i) for i in range(1, 21))
    assert f"rows {listed} and 5 more" in problem


def test_validate_bad_types() -> None:
    df = _frame(round=["1", "x", "2", "1.5"], voided=["true", "false", "maybe", "0"])
    problems = validate_event_log(df)
    assert "round is not an integer on rows 2, 4 (e.g. 'x', '1.5')" in problems
    assert "voided is not true/false on row 3 (e.g. 'maybe')" in problems


def test_coerce_raises_event_log_error_with_problems() -> None:
    with pytest.raises(EventLogError) as info:
        coerce_event_log(_frame().drop("time:timestamp"), source="demo")
    assert str(info.value).startswith("demo: invalid event log: missing required column(s)")
    assert info.value.problems and isinstance(info.value, ValueError)


def test_coerce_converts_offsets_and_naive_timestamps_to_utc() -> None:
    df = _frame(
        **{
            "time:timestamp": [
                "2026-01-01T11:00:00+03:00",
                "2026-01-01 08:02:30",
                "2026-01-01T08:03:00Z",
                datetime(2026, 1, 1, 8, 4).isoformat(),
            ]
        }
    )
    out = coerce_event_log(df)
    assert out["time"].to_list() == [0.0, 2.5, 3.0, 4.0]
    assert out["time:timestamp"][0] == datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
