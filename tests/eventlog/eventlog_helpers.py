"""Builders shared by the event log tests (a module of its own so no conftest is imported)."""

from __future__ import annotations

import numpy as np
import polars as pl

from processfactory.eventlog import events_from_raw
from processfactory.eventlog.schema import (
    EV_COMPLETE,
    EV_DEFECT,
    EV_EXIT,
    EV_ORDER,
    EV_RELEASE,
    EV_REWORK,
    EV_SCRAP,
    EV_SETUP_COMPLETE,
    EV_SETUP_START,
    EV_START,
)

SORT_KEY = ["case:concept:name", "time", "lifecycle:transition", "concept:name"]


def raw_events(
    rows: list[tuple[float, int, int, int, int, int]],
    station_ids: list[str],
    operator_names: list[str] | None = None,
    **kwargs: object,
) -> pl.DataFrame:
    """``events_from_raw`` over rows of (time, unit, kind, station, server, operator)."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * 6
    return events_from_raw(
        np.array(cols[0], dtype=np.float64),
        np.array(cols[1], dtype=np.int64),
        np.array(cols[2], dtype=np.int8),
        np.array(cols[3], dtype=np.int32),
        np.array(cols[4], dtype=np.int32),
        np.array(cols[5], dtype=np.int32),
        station_ids=station_ids,
        operator_names=operator_names or [],
        **kwargs,  # type: ignore[arg-type]
    )


# Two stations A (0) and B (1), three units; times in minutes. Hand-computed expectations live
# in test_eventlog_reduce.py.
TINY_ROWS: list[tuple[float, int, int, int, int, int]] = [
    (0.0, 1, EV_ORDER, -1, -1, -1),
    (0.5, 2, EV_ORDER, -1, -1, -1),
    (1.0, 1, EV_RELEASE, -1, -1, -1),
    (1.0, 1, EV_START, 0, 0, 0),
    (2.0, 3, EV_ORDER, -1, -1, -1),
    (4.0, 1, EV_COMPLETE, 0, 0, 0),
    (4.0, 1, EV_SETUP_START, 1, 0, 1),
    (4.0, 2, EV_RELEASE, -1, -1, -1),
    (4.0, 2, EV_START, 0, 0, 0),
    (5.0, 1, EV_SETUP_COMPLETE, 1, 0, 1),
    (5.0, 1, EV_START, 1, 0, 1),
    (6.0, 2, EV_COMPLETE, 0, 0, 0),
    (6.0, 3, EV_RELEASE, -1, -1, -1),
    (6.0, 3, EV_START, 0, 0, 0),
    (7.0, 1, EV_COMPLETE, 1, 0, 1),
    (7.0, 1, EV_EXIT, -1, -1, -1),
    (7.0, 2, EV_START, 1, 0, 1),
    (8.0, 3, EV_COMPLETE, 0, 0, 0),
    (8.0, 3, EV_DEFECT, 0, 0, -1),
    (8.2, 3, EV_START, 1, 0, 1),  # voided by the fixture below
    (8.5, 3, EV_SCRAP, -1, -1, -1),
    (9.0, 2, EV_COMPLETE, 1, 0, 1),
    (9.0, 2, EV_REWORK, 1, 0, -1),
    (9.0, 2, EV_START, 1, 0, 1),
    (10.0, 2, EV_COMPLETE, 1, 0, 1),
    (10.0, 2, EV_EXIT, -1, -1, -1),
]
VOIDED_ROW = 19


def tiny_log_frame() -> pl.DataFrame:
    """The tiny log with its row ``VOIDED_ROW`` voided by a trainer."""
    df = raw_events(TINY_ROWS, ["A", "B"], ["op#0", "op#1"])
    voided = np.zeros(df.height, dtype=bool)
    voided[VOIDED_ROW] = True
    return df.with_columns(voided=pl.Series(voided))
