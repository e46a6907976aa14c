"""Event logs: build them from the engine, read and write them, reduce them to a RunRecord."""

from processfactory.eventlog.convert import (
    EventLogError,
    coerce_event_log,
    events_from_raw,
    validate_event_log,
)
from processfactory.eventlog.io import read_event_log, write_event_log
from processfactory.eventlog.record import RunContext, RunRecord
from processfactory.eventlog.reduce import record_from_event_log
from processfactory.eventlog.schema import EVENT_SCHEMA

__all__ = [
    "EVENT_SCHEMA",
    "EventLogError",
    "RunContext",
    "RunRecord",
    "coerce_event_log",
    "events_from_raw",
    "read_event_log",
    "record_from_event_log",
    "validate_event_log",
    "write_event_log",
]
