"""write_event_log / read_event_log: round trips, the XES layout, foreign files."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from eventlog_helpers import SORT_KEY, raw_events

from processfactory.eventlog import (
    EVENT_SCHEMA,
    EventLogError,
    read_event_log,
    write_event_log,
)
from processfactory.eventlog.schema import EV_COMPLETE, EV_EXIT, EV_RELEASE, EV_START

NS = "{http://www.xes-standard.org/}"
FORMATS = ["parquet", "csv", "xes", "xes.gz"]


def tricky_log() -> pl.DataFrame:
    """Interleaved cases, sub-millisecond times, nulls, markup and non-ASCII text."""
    rows = [
        (0.0, 2, EV_RELEASE, -1, -1, -1),
        (0.0, 1, EV_RELEASE, -1, -1, -1),
        (0.1234567, 1, EV_START, 0, 0, -1),
        (0.5, 2, EV_START, 1, 1, 0),
        (1.0, 2, EV_COMPLETE, 1, 1, 0),
        (2.75, 1, EV_COMPLETE, 0, 0, -1),
        (3.0, 1, EV_EXIT, -1, -1, -1),
    ]
    df = raw_events(rows, ['Сборка & "пайка" <1>', "B\tline\n2"], ["Иванов И.И."])
    return df.with_columns(
        voided=pl.Series([False, False, False, False, False, False, True]),
        round=pl.Series([1, 1, 1, 2, 2, 1, 1], dtype=pl.Int32),
    )


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(SORT_KEY)


@pytest.mark.parametrize("ext", FORMATS)
def test_round_trip_gives_an_equal_frame(tmp_path: Path, ext: str) -> None:
    df = tricky_log()
    path = tmp_path / f"log.{ext}"
    write_event_log(df, path)
    back = read_event_log(path)
    assert back.schema == pl.Schema(EVENT_SCHEMA)
    assert back.height == df.height
    assert _sorted(back).equals(_sorted(df))


@pytest.mark.parametrize("ext", FORMATS)
def test_round_trip_of_the_tiny_log(tmp_path: Path, ext: str, tiny_log: pl.DataFrame) -> None:
    path = tmp_path / f"tiny.{ext}"
    write_event_log(tiny_log, path)
    assert _sorted(read_event_log(path)).equals(_sorted(tiny_log))


def test_xes_layout(tmp_path: Path) -> None:
    df = tricky_log()
    path = tmp_path / "log.xes"
    write_event_log(df, path)
    root = ET.parse(path).getroot()
    assert root.tag == f"{NS}log"
    assert root.get("xes.version") == "1849-2016"
    prefixes = {e.get("prefix") for e in root.findall(f"{NS}extension")}
    assert prefixes == {"concept", "lifecycle", "time", "org"}

    traces = root.findall(f"{NS}trace")
    names = [t.find(f"{NS}string[@key='concept:name']").get("value") for t in traces]
    assert sorted(names) == ["1", "2"]  # one trace per case
    for trace in traces:
        times = [
            float(e.find(f"{NS}float[@key='time']").get("value"))
            for e in trace.findall(f"{NS}event")
        ]
        assert times == sorted(times)

    first = traces[names.index("1")].findall(f"{NS}event")[1]  # the start at 0.1234567 min
    attrs = {(c.tag.removeprefix(NS), c.get("key")): c.get("value") for c in first}
    assert attrs[("string", "concept:name")] == 'Сборка & "пайка" <1>'
    assert attrs[("string", "lifecycle:transition")] == "start"
    assert attrs[("string", "station")] == 'Сборка & "пайка" <1>'
    assert attrs[("string", "org:resource")] == 'Сборка & "пайка" <1>#0'
    assert attrs[("float", "time")] == "0.1234567"
    assert attrs[("int", "round")] == "1"
    assert attrs[("boolean", "voided")] == "false"
    # 0.1234567 min = 7.407402 s: sub-millisecond, so the file carries microseconds.
    assert attrs[("date", "time:timestamp")] == "2026-01-01T08:00:07.407402+00:00"

    text = path.read_text(encoding="utf-8")
    assert "&amp; &quot;пайка&quot; &lt;1&gt;" in text
    assert "B&#9;line&#10;2" in text  # whitespace controls survive attribute normalisation


def test_xes_uses_milliseconds_when_enough(tmp_path: Path) -> None:
    df = raw_events([(0.5, 1, EV_RELEASE, -1, -1, -1)], ["A"])
    path = tmp_path / "ms.xes"
    write_event_log(df, path)
    stamps = re.findall(r'key="time:timestamp" value="([^"]+)"', path.read_text())
    assert stamps[-1] == "2026-01-01T08:00:30.000+00:00"


def test_xes_gz_is_gzip(tmp_path: Path) -> None:
    path = tmp_path / "log.xes.gz"
    write_event_log(tricky_log(), path)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        assert fh.readline().startswith("<?xml")


def test_csv_timestamps_are_iso_8601(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    write_event_log(tricky_log(), path)
    first = path.read_text(encoding="utf-8").splitlines()[1]
    assert "2026-01-01T08:00:00.000000+00:00" in first


def test_write_rejects_an_invalid_frame(tmp_path: Path) -> None:
    df = tricky_log().drop("time:timestamp")
    with pytest.raises(EventLogError, match="missing required column"):
        write_event_log(df, tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_unsupported_extension(tmp_path: Path) -> None:
    with pytest.raises(EventLogError, match="unsupported file type '.json'"):
        write_event_log(tricky_log(), tmp_path / "x.json")
    (tmp_path / "y.txt").write_text("x")
    with pytest.raises(EventLogError, match="unsupported file type"):
        read_event_log(tmp_path / "y.txt")


def test_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_event_log(tmp_path / "nope.csv")


def test_foreign_csv_semicolons_bom_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "foreign.csv"
    path.write_text(
        "case:concept:name;concept:name;time:timestamp;org:resource;cost\n"
        "A-1;Register;2026-03-02T09:00:00Z;Anna;10\n"
        "A-1;Approve;2026-03-02 09:30:00;;12\n"
        "A-2;Register;2026-03-02T12:15:00+03:00;Boris;\n",
        encoding="utf-8-sig",
    )
    df = read_event_log(path)
    assert list(df.columns) == [*EVENT_SCHEMA, "cost"]  # extra columns are kept, after
    assert df["lifecycle:transition"].to_list() == ["complete"] * 3
    assert df["time"].to_list() == [0.0, 30.0, 15.0]  # minutes since the earliest timestamp
    assert df["time:timestamp"][2] == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    assert df["org:resource"].to_list() == ["Anna", None, "Boris"]
    assert df["station"].to_list() == [None] * 3
    assert df["round"].to_list() == [1, 1, 1]
    assert df["voided"].to_list() == [False] * 3


def test_foreign_xes_without_time_or_namespace(tmp_path: Path) -> None:
    path = tmp_path / "foreign.xes"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <string key="concept:name" value="an enterprise log"/>
  <trace>
    <string key="concept:name" value="order 1"/>
    <string key="customer" value="ACME"/>
    <event>
      <string key="concept:name" value="Paint"/>
      <string key="lifecycle:transition" value="start"/>
      <date key="time:timestamp" value="2026-01-05T10:00:00.000+01:00"/>
      <list key="tags"><values><string key="t" value="x"/></values></list>
    </event>
    <event>
      <string key="concept:name" value="Paint"/>
      <string key="lifecycle:transition" value="complete"/>
      <date key="time:timestamp" value="2026-01-05T10:45:00.000+01:00"/>
      <int key="cost" value="7"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="order 2"/>
    <event>
      <string key="concept:name" value="Ship"/>
      <date key="time:timestamp" value="2026-01-05T09:30:00Z"/>
    </event>
  </trace>
</log>
""",
        encoding="utf-8",
    )
    df = read_event_log(path)
    assert df["case:concept:name"].to_list() == ["order 1", "order 1", "order 2"]
    assert df["lifecycle:transition"].to_list() == ["start", "complete", "complete"]
    assert df["time"].to_list() == [0.0, 45.0, 30.0]  # minutes since 09:00 UTC
    assert df["station"].to_list() == ["Paint", "Paint", None]
    assert df["case:customer"].to_list() == ["ACME", "ACME", None]
    assert df["cost"].to_list() == [None, 7, None]
    assert "t" not in df.columns and "tags" not in df.columns  # nested values are skipped


def test_xes_chunk_edges_keep_traces_whole(
    tmp_path: Path, monkeypatch, tiny_log: pl.DataFrame
) -> None:  # noqa: ANN001
    import processfactory.eventlog.io as log_io

    # Tiny chunks put trace boundaries on, before and after chunk edges.
    for rows in (1, 2, 3, 5):
        monkeypatch.setattr(log_io, "_XES_CHUNK_ROWS", rows)
        path = tmp_path / f"chunk{rows}.xes"
        write_event_log(tiny_log, path)
        root = ET.parse(path).getroot()
        assert len(root.findall(f"{NS}trace")) == 3
        assert len(root.findall(f"{NS}trace/{NS}event")) == tiny_log.height
        assert _sorted(read_event_log(path)).equals(_sorted(tiny_log))


def test_nested_columns_need_parquet(tmp_path: Path) -> None:
    df = tricky_log().with_columns(tags=pl.lit(["a", "b"]))
    with pytest.raises(EventLogError, match="'tags' .* cannot be written as text"):
        write_event_log(df, tmp_path / "x.csv")
    write_event_log(df, tmp_path / "x.parquet")
    assert read_event_log(tmp_path / "x.parquet")["tags"].to_list()[0] == ["a", "b"]
