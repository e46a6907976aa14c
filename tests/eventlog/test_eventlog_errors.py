"""Malformed files raise EventLogError naming the file and the problem, never anything else."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from processfactory.eventlog import EventLogError, read_event_log

HEADER = "case:concept:name,concept:name,lifecycle:transition,time:timestamp\n"


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _error(path: Path) -> EventLogError:
    with pytest.raises(EventLogError) as info:
        read_event_log(path)
    assert str(path) in str(info.value)
    return info.value


def test_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", "case,concept:name,time:timestamp\n1,A,2026-01-01T08:00Z\n")
    err = _error(path)
    assert err.problems == [
        "missing required column(s) 'case:concept:name' "
        "(columns found: 'case', 'concept:name', 'time:timestamp')"
    ]


def test_bad_timestamp_on_the_third_data_row(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.csv",
        HEADER
        + "1,A,start,2026-01-01T08:00:00+00:00\n"
        + "1,A,complete,2026-01-01T08:05:00+00:00\n"
        + "2,A,complete,2026-31-01T08:07:00+00:00\n",
    )
    err = _error(path)
    # The third data row is line 4 of the file (the header is line 1).
    assert err.problems == [
        "unparseable time:timestamp on line 4 (e.g. '2026-31-01T08:07:00+00:00'); "
        "expected ISO 8601 such as 2026-01-01T08:00:00.000+00:00"
    ]


def test_line_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "q.csv",
        HEADER + '1,"two\nlines",complete,2026-01-01T08:00:00Z\n2,A,complete,noon\n',
    )
    assert "on line 4 " in _error(path).problems[0]  # not 3: the quoted break counts


def test_complete_without_start(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "p.csv",
        HEADER
        + "1,A,start,2026-01-01T08:00:00Z\n"
        + "1,A,complete,2026-01-01T08:05:00Z\n"
        + "2,A,complete,2026-01-01T08:06:00Z\n"
        + "2,A,start,2026-01-01T08:07:00Z\n",
    )
    err = _error(path)
    assert err.problems == [
        "complete without an earlier start of the same case and activity on line 4 "
        "(first: case '2', activity 'A')"
    ]


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "s.csv",
        HEADER
        + "1,A,complete,2026-01-01T08:00:00Z\n"
        + ",B,complete,2026-01-01T08:00:00Z\n"
        + "2,C,suspend,2026-01-01T08:00:00Z\n",
    )
    err = _error(path)
    assert len(err.problems) == 2
    assert "null case id (case:concept:name) on line 3" in err.problems
    assert "(3 problems)" not in str(err) and "(2 problems)" in str(err)


def test_invalid_xml(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.xes",
        '<log><trace><string key="concept:name" value="1"/><event></trace></log>',
    )
    err = _error(path)
    assert len(err.problems) == 1
    assert err.problems[0].startswith("invalid XML (mismatched tag: line 1, column ")


def test_not_xes(tmp_path: Path) -> None:
    path = _write(tmp_path / "page.xes", "<html><body/></html>")
    assert _error(path).problems == ["not an XES file: the root element is <html>, not <log>"]


def test_xes_bad_date_names_the_event(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "d.xes",
        "<log><trace><string key='concept:name' value='1'/>"
        "<event><string key='concept:name' value='A'/>"
        "<date key='time:timestamp' value='2026-01-01T08:00:00Z'/></event>"
        "<event><string key='concept:name' value='A'/>"
        "<date key='time:timestamp' value='later'/></event></trace></log>",
    )
    assert "unparseable time:timestamp on event 2 (e.g. 'later')" in _error(path).problems[0]


def test_xes_bad_int_names_the_event(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "i.xes",
        "<log><trace><string key='concept:name' value='1'/>"
        "<event><string key='concept:name' value='A'/><int key='round' value='two'/>"
        "<date key='time:timestamp' value='2026-01-01T08:00:00Z'/></event></trace></log>",
    )
    assert _error(path).problems == ["'round' is not an integer on event 1 (e.g. 'two')"]


def test_xes_trace_without_name(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "n.xes",
        "<log><trace><event><string key='concept:name' value='A'/>"
        "<date key='time:timestamp' value='2026-01-01T08:00:00Z'/></event></trace></log>",
    )
    assert _error(path).problems == ["null case id (case:concept:name) on event 1"]


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.csv", b"", "the file is empty"),
        (
            "ragged.csv",
            HEADER.encode() + b"1,A,complete,2026-01-01T08:00Z,extra\n",
            "line 2 has 5 fields, the header has 4",
        ),
        (
            "latin.csv",
            HEADER.encode("utf-8") + "1,Сборка,complete,2026-01-01\n".encode("cp1251"),
            "not UTF-8 text (first bad byte on line 2)",
        ),
        ("junk.parquet", b"PAR1 definitely not parquet", "parquet"),
        ("empty.xes", b"", "invalid XML (no element found"),
        ("bad.xes.gz", b"not gzip at all", "cannot read the file"),
        ("trunc.xes.gz", gzip.compress(b"<log><trace>", mtime=0)[:-6], "cannot read the file"),
    ],
)
def test_damaged_files(tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    err = _error(path)
    assert fragment in str(err)


def test_empty_timestamps(tmp_path: Path) -> None:
    path = _write(tmp_path / "e.csv", HEADER + "1,A,complete,\n2,A,complete,\n")
    assert _error(path).problems == ["missing time:timestamp on lines 2, 3"]


def test_header_only_csv_is_an_empty_log(tmp_path: Path) -> None:
    path = _write(tmp_path / "h.csv", HEADER)
    assert read_event_log(path).height == 0
