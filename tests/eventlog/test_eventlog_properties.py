"""Hypothesis properties: reduction of consistent serial lines; file round trips."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from eventlog_helpers import SORT_KEY, raw_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processfactory.eventlog import (
    RunContext,
    read_event_log,
    record_from_event_log,
    write_event_log,
)
from processfactory.eventlog.schema import EV_COMPLETE, EV_EXIT, EV_RELEASE, EV_START

TOL = 1e-9
durations = st.floats(min_value=0.0, max_value=10.0, allow_nan=False, allow_infinity=False)


@st.composite
def serial_lines(draw: st.DrawFn) -> tuple[list[tuple], list[list[float]], int]:
    """A one-server-per-station flow line: each unit visits every station in order."""
    n_stations = draw(st.integers(1, 4))
    n_units = draw(st.integers(1, 6))
    gaps = draw(st.lists(durations, min_size=n_units, max_size=n_units))
    work = draw(
        st.lists(
            st.lists(durations, min_size=n_stations, max_size=n_stations),
            min_size=n_units,
            max_size=n_units,
        )
    )
    rows: list[tuple] = []
    free = [0.0] * n_stations
    release = 0.0
    for unit in range(n_units):
        release += gaps[unit]
        rows.append((release, unit, EV_RELEASE, -1, -1, -1))
        ready = release
        for j, d in enumerate(work[unit]):
            start = max(ready, free[j])
            done = start + d
            rows += [(start, unit, EV_START, j, 0, -1), (done, unit, EV_COMPLETE, j, 0, -1)]
            free[j] = ready = done
        rows.append((ready, unit, EV_EXIT, -1, -1, -1))
    order = draw(st.permutations(range(len(rows))))  # the reduction must not rely on row order
    return [rows[i] for i in order], work, n_stations


@settings(max_examples=150, deadline=None)
@given(serial_lines())
def test_serial_line_reduction(line: tuple[list[tuple], list[list[float]], int]) -> None:
    rows, work, n_stations = line
    events = raw_events(rows, [f"S{j}" for j in range(n_stations)])
    record = record_from_event_log(events, RunContext(scenario="prop"))
    units = record.units.sort("unit")
    assert units["status"].to_list() == ["good"] * len(work)
    for u, (va, release, exit_) in enumerate(units.select("value_added", "release", "exit").rows()):
        assert math.isclose(va, sum(work[u]), rel_tol=1e-12, abs_tol=TOL)
        assert exit_ - release >= va - TOL
    window = record.window_length
    stations = record.stations
    for busy, servers, starved in stations.select("busy", "servers", "starved").rows():
        assert busy <= servers * window + TOL
        assert math.isclose(starved, max(0.0, servers * window - busy), abs_tol=TOL)
    # The window spans the whole log, so every operation is counted exactly once.
    assert math.isclose(stations["busy"].sum(), sum(map(sum, work)), rel_tol=1e-12, abs_tol=TOL)
    assert stations["completions"].sum() == len(work) * n_stations


# Text that XML 1.0 can carry (no other C0 controls, no surrogates), markup included.
xml_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
        + "\ufffe\uffff",
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    names=st.lists(xml_text, min_size=1, max_size=3, unique=True),
    operators=st.lists(xml_text, max_size=2),
    times=st.lists(st.floats(min_value=0, max_value=1e5, allow_nan=False), min_size=1, max_size=8),
)
def test_round_trip_arbitrary_text(
    names: list[str], operators: list[str], times: list[float]
) -> None:
    rows = [
        (t, i % 3, EV_RELEASE if i % 2 else EV_EXIT, i % len(names), 0,
         (i % len(operators)) if operators else -1)
        for i, t in enumerate(times)
    ]  # fmt: skip
    df = raw_events(rows, names, operators)
    with tempfile.TemporaryDirectory() as tmp:
        for ext in ("csv", "xes", "parquet"):
            path = Path(tmp) / f"log.{ext}"
            write_event_log(df, path)
            back = read_event_log(path)
            assert back.sort(SORT_KEY).equals(df.sort(SORT_KEY)), ext


_VALID_CSV = (
    "case:concept:name,concept:name,lifecycle:transition,time:timestamp,time,round,voided\n"
    "1,A,start,2026-01-01T08:00:00.000+00:00,0.0,1,false\n"
    "1,A,complete,2026-01-01T08:01:00.000+00:00,1.0,1,false\n"
    '2,"B, ""x""",complete,2026-01-01T08:02:00.000+00:00,2.0,2,true\n'
)
_VALID_XES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1849-2016">'
    '<trace><string key="concept:name" value="1"/>'
    '<event><string key="concept:name" value="A"/>'
    '<string key="lifecycle:transition" value="start"/>'
    '<date key="time:timestamp" value="2026-01-01T08:00:00.000+00:00"/>'
    '<float key="time" value="0.0"/><int key="round" value="1"/>'
    '<boolean key="voided" value="false"/></event>'
    '<event><string key="concept:name" value="A"/>'
    '<string key="lifecycle:transition" value="complete"/>'
    '<date key="time:timestamp" value="2026-01-01T08:01:00.000+00:00"/></event>'
    "</trace></log>\n"
)


@settings(max_examples=200, deadline=None)
@given(
    ext=st.sampled_from(["csv", "xes"]),
    cut=st.tuples(st.integers(0, 600), st.integers(0, 40)),
    insert=st.text(alphabet='<>"&,;\n:/=-0123456789abcTZ é', max_size=6),
)
def test_damaged_files_raise_only_event_log_error(
    ext: str, cut: tuple[int, int], insert: str
) -> None:
    from processfactory.eventlog import EventLogError

    text = _VALID_CSV if ext == "csv" else _VALID_XES
    at, length = cut
    at %= len(text)
    damaged = text[:at] + insert + text[at + length :]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"log.{ext}"
        path.write_text(damaged, encoding="utf-8")
        try:
            read_event_log(path)
        except EventLogError as err:
            assert str(path) in str(err) and err.problems


@settings(max_examples=150, deadline=None)
@given(ext=st.sampled_from(["csv", "xes", "xes.gz", "parquet"]), data=st.binary(max_size=200))
def test_random_bytes_raise_only_event_log_error(ext: str, data: bytes) -> None:
    from processfactory.eventlog import EventLogError

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"junk.{ext}"
        path.write_bytes(data)
        try:
            read_event_log(path)
        except EventLogError as err:
            assert err.problems
