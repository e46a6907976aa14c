"""The event log's fixed schema (XES / pm4py column names) and the engine's raw event codes.

Columns of an event log (polars DataFrame), one row per event:

- ``case:concept:name`` (String): the unit (case) id.
- ``concept:name`` (String): the activity: a station id for an operation, or one of
  ``order``, ``release``, ``setup``, ``defect``, ``rework``, ``move``, ``exit``, ``scrap``.
- ``lifecycle:transition`` (String): ``start`` or ``complete``.
- ``time:timestamp`` (Datetime µs, UTC): ``base_time`` + ``time``.
- ``time`` (Float64): time since the start of the run, in the run's time unit.
- ``station`` (String, null for events outside stations).
- ``org:resource`` (String, null when nobody did it): the operator, or ``<station>#<server>``.
- ``round`` (Int32): the round of a training day (1 for a plain simulation).
- ``voided`` (Boolean): a trainer voided the event (it is kept, never deleted); False for
  simulated events.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

EVENT_SCHEMA: dict[str, type[pl.DataType] | pl.DataType] = {
    "case:concept:name": pl.String,
    "concept:name": pl.String,
    "lifecycle:transition": pl.String,
    "time:timestamp": pl.Datetime("us", "UTC"),
    "time": pl.Float64,
    "station": pl.String,
    "org:resource": pl.String,
    "round": pl.Int32,
    "voided": pl.Boolean,
}

DEFAULT_BASE_TIME = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)

# Raw event kinds written by the engine (int8 codes) -> (activity, lifecycle).
# For kinds whose activity is None the activity is the station id.
EV_ORDER = 0
EV_RELEASE = 1
EV_START = 2
EV_COMPLETE = 3
EV_SETUP_START = 4
EV_SETUP_COMPLETE = 5
EV_DEFECT = 6
EV_MOVE_START = 7
EV_MOVE_COMPLETE = 8
EV_EXIT = 9
EV_SCRAP = 10
EV_REWORK = 11

RAW_KINDS: dict[int, tuple[str | None, str]] = {
    EV_ORDER: ("order", "complete"),
    EV_RELEASE: ("release", "complete"),
    EV_START: (None, "start"),
    EV_COMPLETE: (None, "complete"),
    EV_SETUP_START: ("setup", "start"),
    EV_SETUP_COMPLETE: ("setup", "complete"),
    EV_DEFECT: ("defect", "complete"),
    EV_MOVE_START: ("move", "start"),
    EV_MOVE_COMPLETE: ("move", "complete"),
    EV_EXIT: ("exit", "complete"),
    EV_SCRAP: ("scrap", "complete"),
    EV_REWORK: ("rework", "complete"),
}

__all__ = [
    "DEFAULT_BASE_TIME",
    "EVENT_SCHEMA",
    "EV_COMPLETE",
    "EV_DEFECT",
    "EV_EXIT",
    "EV_MOVE_COMPLETE",
    "EV_MOVE_START",
    "EV_ORDER",
    "EV_RELEASE",
    "EV_REWORK",
    "EV_SCRAP",
    "EV_SETUP_COMPLETE",
    "EV_SETUP_START",
    "EV_START",
    "RAW_KINDS",
]
