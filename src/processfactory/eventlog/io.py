"""Event log files: parquet, CSV and XES (IEEE 1849), chosen by the file's extension.

``write_event_log`` validates first, so a written file always reads back. ``read_event_log``
brings a valid file into ``EVENT_SCHEMA`` (rules in ``processfactory.eventlog.convert``) and
raises ``EventLogError`` naming the file and every problem for a malformed one.

Formats:

- ``.parquet``: the frame as is.
- ``.csv``: UTF-8 (a byte-order mark is accepted), header row, comma separated (``;`` or tab
  detected on reading from the header line); timestamps ISO 8601 with offset; empty field =
  null. Problems name file lines (the header is line 1).
- ``.xes`` / ``.xes.gz``: one ``<trace>`` per case (traces in order of their first event,
  events in time order), ``case:*`` columns as trace attributes, every other column as a typed
  event attribute (nulls are left out). Timestamps carry milliseconds, or microseconds for the
  whole file when any timestamp has a sub-millisecond part, so nothing is lost. Problems name
  events by their 1-based position in the file. Reading: ``<string>``/``<id>`` → text,
  ``<int>``, ``<float>``, ``<boolean>``, ``<date>`` → typed columns (an attribute with mixed
  types becomes text, ints mixed with floats become floats); lists and nested attributes are
  skipped; trace attributes other than ``concept:name`` become ``case:<key>`` columns.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Protocol

import numpy as np
import polars as pl

from processfactory.eventlog.convert import (
    ACTIVITY,
    CASE,
    LIFECYCLE,
    RESOURCE,
    TIMESTAMP,
    EventLogError,
    RowNames,
    coerce_event_log,
    parse_timestamps,
)

FORMATS = (".parquet", ".csv", ".xes", ".xes.gz")
_XES_CHUNK_ROWS = 50_000
_XES_ATTRIBUTE_TAGS = frozenset({"string", "date", "int", "float", "boolean", "id"})


class _Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _format_of(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    raise EventLogError(
        f"unsupported file type {path.suffix or path.name!r}; use one of {', '.join(FORMATS)}",
        str(path),
    )


# --------------------------------------------------------------------------- writing


def write_event_log(df: pl.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write an event log to ``path`` in the format its extension names (see module docstring).

    Raises ``EventLogError`` if ``df`` is not a valid event log.
    """
    target = Path(path)
    fmt = _format_of(target)
    events = coerce_event_log(df, source="event log to write")
    if fmt != ".parquet":
        nested = [f"{c!r} ({t})" for c, t in events.schema.items() if t.is_nested()]
        if nested:
            raise EventLogError(
                f"column(s) {', '.join(nested)} cannot be written as text; use .parquet",
                "event log to write",
            )
    if fmt == ".parquet":
        events.write_parquet(target)
    elif fmt == ".csv":
        events.write_csv(
            target,
            datetime_format=_datetime_format(events, TIMESTAMP),
            null_value="",
        )
    elif fmt == ".xes.gz":
        with gzip.open(target, "wb") as fh:
            _write_xes(events, fh)
    else:
        with open(target, "wb") as fh:
            _write_xes(events, fh)


def _datetime_format(df: pl.DataFrame, column: str) -> str:
    """ISO 8601 with milliseconds, or microseconds when the data needs them."""
    stamps = df[column]
    sub_ms = stamps.dt.microsecond() % 1000 != 0
    fraction = "%.6f" if bool(sub_ms.any()) else "%.3f"
    return f"%Y-%m-%dT%H:%M:%S{fraction}%:z"


def _xml_escape(expr: pl.Expr) -> pl.Expr:
    # Characters XML 1.0 cannot carry even escaped become U+FFFD; whitespace controls are
    # written as character references so parsers do not normalise them to spaces.
    return (
        expr.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
        .str.replace_all('"', "&quot;", literal=True)
        .str.replace_all("\n", "&#10;", literal=True)
        .str.replace_all("\r", "&#13;", literal=True)
        .str.replace_all("\t", "&#9;", literal=True)
        .str.replace_all(r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]", "\ufffd")
    )


def _escape_text(text: str) -> str:
    return str(pl.select(_xml_escape(pl.lit(text))).item())


def _xes_value(df: pl.DataFrame, column: str) -> tuple[str, pl.Expr]:
    """The XES attribute tag for ``column`` and an expression for its escaped value text."""
    col = pl.col(column)
    dtype = df.schema[column]
    if isinstance(dtype, pl.Datetime):
        stamps = df[column]
        if dtype.time_zone is None:
            stamps = stamps.dt.replace_time_zone("UTC")
        fmt = _datetime_format(stamps.to_frame(), column)
        if dtype.time_zone is None:
            return "date", col.dt.replace_time_zone("UTC").dt.strftime(fmt)
        return "date", col.dt.convert_time_zone("UTC").dt.strftime(fmt)
    if dtype == pl.Date:
        return "date", col.dt.strftime("%Y-%m-%dT00:00:00.000+00:00")
    if dtype == pl.Boolean:
        return "boolean", col.cast(pl.String)
    if dtype.is_integer():
        return "int", col.cast(pl.String)
    if dtype.is_float():
        # xs:double spells infinities INF/-INF; NaN is already spelled right.
        text = col.cast(pl.Float64).cast(pl.String)
        return "float", (
            pl.when(col.is_infinite())
            .then(pl.when(col > 0).then(pl.lit("INF")).otherwise(pl.lit("-INF")))
            .otherwise(text)
        )
    return "string", _xml_escape(col.cast(pl.String))


def _attribute(df: pl.DataFrame, column: str, key: str, indent: str) -> pl.Expr:
    """One typed XES attribute line per row (empty for a null value)."""
    tag, value = _xes_value(df, column)
    head = f'\n{indent}<{tag} key="{_escape_text(key)}" value="'
    return (
        pl.when(pl.col(column).is_null())
        .then(pl.lit(""))
        .otherwise(pl.concat_str([pl.lit(head), value, pl.lit('"/>')]))
    )


_XES_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<global scope="trace">
\t\t<string key="concept:name" value="__INVALID__"/>
\t</global>
\t<global scope="event">
\t\t<string key="concept:name" value="__INVALID__"/>
\t\t<string key="lifecycle:transition" value="complete"/>
\t\t<date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
\t</global>
\t<classifier name="Activity" keys="concept:name"/>
\t<classifier name="Activity with lifecycle" keys="concept:name lifecycle:transition"/>
\t<string key="concept:name" value="processfactory event log"/>
"""


def _write_xes(events: pl.DataFrame, fh: _Writable) -> None:
    """Stream ``events`` (coerced) as XES; the XML text is built column-wise, not per row."""
    ordered = (
        events.with_row_index("_i")
        .with_columns(
            _first=pl.col(TIMESTAMP).min().over(CASE),
            _first_i=pl.col("_i").min().over(CASE),
        )
        .sort(["_first", "_first_i", TIMESTAMP, "time", "_i"])
        .drop("_i", "_first", "_first_i")
    )
    trace_columns = [c for c in ordered.columns if c.startswith("case:") and c != CASE]
    event_columns = [c for c in ordered.columns if not c.startswith("case:")]
    # The standard keys first, in the order XES tools print them.
    standard = [ACTIVITY, LIFECYCLE, TIMESTAMP, RESOURCE]
    event_columns = [c for c in standard if c in event_columns] + [
        c for c in event_columns if c not in standard
    ]

    new_trace = pl.col(CASE) != pl.col(CASE).shift(1)
    end_trace = pl.col(CASE) != pl.col(CASE).shift(-1)
    trace_attrs = [_attribute(ordered, CASE, "concept:name", "\t\t")] + [
        _attribute(ordered, c, c.removeprefix("case:"), "\t\t") for c in trace_columns
    ]
    trace_open = pl.concat_str([pl.lit("\t<trace>"), *trace_attrs])
    event_xml = pl.concat_str(
        [
            pl.lit("\n\t\t<event>"),
            *[_attribute(ordered, c, c, "\t\t\t") for c in event_columns],
            pl.lit("\n\t\t</event>"),
        ]
    )
    line = pl.concat_str(
        [
            pl.when(new_trace.fill_null(True)).then(trace_open).otherwise(pl.lit("")),
            event_xml,
            pl.when(end_trace.fill_null(True)).then(pl.lit("\n\t</trace>\n")).otherwise(pl.lit("")),
        ]
    )
    fh.write(_XES_HEADER.encode("utf-8"))
    for start in range(0, ordered.height, _XES_CHUNK_ROWS):
        fh.write("".join(_render_chunk(ordered, start, line)).encode("utf-8"))
    fh.write(b"</log>\n")


def _render_chunk(ordered: pl.DataFrame, start: int, line: pl.Expr) -> list[str]:
    # Trace boundaries come from shift(±1), so each chunk is rendered with one neighbouring
    # row of context on each side and the context rows are dropped afterwards.
    lo = max(start - 1, 0)
    window = ordered.slice(lo, _XES_CHUNK_ROWS + 2 if start else _XES_CHUNK_ROWS + 1)
    texts = window.select(line.alias("xml"))["xml"]
    skip = start - lo
    texts = texts.slice(skip, min(_XES_CHUNK_ROWS, ordered.height - start))
    return texts.to_list()


# --------------------------------------------------------------------------- reading


def read_event_log(
    path: str | os.PathLike[str], *, seconds_per_time_unit: float = 60.0
) -> pl.DataFrame:
    """An event log file as a frame in ``EVENT_SCHEMA`` (extra columns kept after it).

    ``seconds_per_time_unit`` applies only when the file has no ``time`` column: ``time`` is
    then computed from the timestamps as time since the earliest one, in minutes by default.
    Raises ``EventLogError`` (naming the file and every problem) for a malformed file and
    ``FileNotFoundError`` for a missing one.
    """
    source = Path(path)
    fmt = _format_of(source)
    if not source.exists():
        raise FileNotFoundError(f"event log file not found: {source}")
    if fmt == ".parquet":
        raw, rows = _read_parquet(source), RowNames("row")
    elif fmt == ".csv":
        raw, rows = _read_csv(source)
    else:
        raw, rows = _read_xes(source, gz=fmt == ".xes.gz")
    return coerce_event_log(
        raw, source=str(source), rows=rows, seconds_per_time_unit=seconds_per_time_unit
    )


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        return pl.read_parquet(path)
    except Exception as exc:  # polars/arrow raise many types for a damaged file
        raise EventLogError(f"not a readable parquet file ({_short(exc)})", str(path)) from exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _csv_header(path: Path) -> tuple[str, list[str]]:
    """The separator (``,``, ``;`` or tab, whichever the header line uses most) and header."""
    with open(path, "rb") as fh:
        head = fh.readline(65536).decode("utf-8-sig", errors="replace").rstrip("\r\n")
    counts = {sep: head.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda s: counts[s])
    separator = best if counts[best] else ","
    try:
        names = next(csv.reader([head], delimiter=separator), [])
    except csv.Error:
        names = []
    return separator, [n.strip() for n in names]


def _read_csv(path: Path) -> tuple[pl.DataFrame, RowNames]:
    separator, header = _csv_header(path)
    repeated = sorted({n for n in header if header.count(n) > 1})
    if repeated:
        names = ", ".join(repr(n) for n in repeated)
        raise EventLogError(f"the header repeats column name(s) {names}", str(path))
    try:
        # Everything is read as text so validation, not inference, decides types and can name
        # the offending lines (inference would turn a bad timestamp into a whole-column error).
        raw = pl.read_csv(path, infer_schema=False, separator=separator)
    except pl.exceptions.NoDataError as exc:
        raise EventLogError("the file is empty", str(path)) from exc
    except Exception as exc:  # polars reports malformed CSV with several exception types
        raise EventLogError(_csv_failure(path, separator, exc), str(path)) from exc
    stripped = [c.strip() for c in raw.columns]
    if len(set(stripped)) != len(stripped):  # a header the line-based check could not parse
        raise EventLogError("the header repeats column names", str(path))
    raw = raw.rename(dict(zip(raw.columns, stripped, strict=True)))
    text_cols = [c for c, t in raw.schema.items() if t == pl.String]
    if raw.height and text_cols:
        # Quoted fields may span lines; count their line breaks so problems name real lines.
        breaks = (
            raw.select(
                pl.sum_horizontal(
                    pl.col(text_cols).str.count_matches("\n", literal=True).fill_null(0)
                )
            )
            .to_series()
            .to_numpy()
        )
        lines = 2 + np.arange(raw.height) + np.concatenate([[0], np.cumsum(breaks)[:-1]])
    else:
        lines = 2 + np.arange(raw.height)
    return raw, RowNames("line", lines)


def _csv_failure(path: Path, separator: str, exc: Exception) -> str:
    """Why polars could not read the CSV, located with the standard library where possible."""
    # Only on the error path, so reading the whole file into memory is acceptable.
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return f"the file is not UTF-8 text (first bad byte on line {line}); save it as UTF-8"
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        header = next(reader, [])
        for record in reader:
            if record and len(record) != len(header):
                return (
                    f"line {reader.line_num} has {len(record)} fields, the header has {len(header)}"
                )
    except csv.Error as err:
        return f"not a readable CSV file ({err})"
    return f"not a readable CSV file ({_short(exc)})"


class _Attributes:
    """Typed attributes in long form (owner, tag, key, value), pivoted to columns at the end.

    Long lists keep the per-attribute Python work to four appends; the pivot is vectorised.
    """

    def __init__(self) -> None:
        self.owner: list[int] = []
        self.tag: list[str] = []
        self.key: list[str] = []
        self.value: list[str] = []

    def collect(self, owner: int, element: ET.Element) -> None:
        for child in element:
            tag = _ATTRIBUTE_TAG.get(child.tag)
            if tag is None:
                continue
            attrib = child.attrib
            key, value = attrib.get("key"), attrib.get("value")
            if key is None or value is None:
                continue
            self.owner.append(owner)
            self.tag.append(tag)
            self.key.append(key)
            self.value.append(value)

    def columns(self, n_owners: int, rows: RowNames, problems: list[str]) -> dict[str, pl.Series]:
        """One typed column per key, one row per owner (null where an owner lacks the key)."""
        if not self.owner:
            return {}
        long = pl.DataFrame(
            {"_owner": self.owner, "tag": self.tag, "key": self.key, "value": self.value},
            schema={"_owner": pl.Int64, "tag": pl.String, "key": pl.String, "value": pl.String},
        )
        tags = {k: set(v) for k, v in long.group_by("key").agg(pl.col("tag").unique()).iter_rows()}
        wide = long.pivot(on="key", index="_owner", values="value", aggregate_function="last")
        every = pl.DataFrame({"_owner": pl.int_range(n_owners, dtype=pl.Int64, eager=True)})
        wide = every.join(wide, on="_owner", how="left", maintain_order="left")
        out: dict[str, pl.Series] = {}
        for key in long["key"].unique(maintain_order=True).to_list():
            typed = _typed(wide[key], tags[key], rows, problems)
            if typed is not None:
                out[key] = typed
        return out


# Attribute tags with and without the XES namespace, mapped to the plain tag.
_ATTRIBUTE_TAG = {
    **{t: t for t in _XES_ATTRIBUTE_TAGS},
    **{f"{{http://www.xes-standard.org/}}{t}": t for t in _XES_ATTRIBUTE_TAGS},
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _root_tag(fh: _Readable) -> str | None:
    """The first element's tag, read from the file's head only."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start",))
    while chunk := fh.read(1 << 16):
        parser.feed(chunk)
        for event in parser.read_events():
            elem = event[-1]
            if isinstance(elem, ET.Element):
                return _local(elem.tag)
    return None


def _read_xes(path: Path, gz: bool) -> tuple[pl.DataFrame, RowNames]:
    events, traces = _Attributes(), _Attributes()
    trace_of_event: list[int | None] = []
    n_events = n_traces = 0
    opener = gzip.open if gz else open
    try:
        with opener(path, "rb") as fh:
            root = _root_tag(fh)
            if root is not None and root != "log":
                raise EventLogError(
                    f"not an XES file: the root element is <{root}>, not <log>", str(path)
                )
            fh.seek(0)
            # Only end events: an element's attributes are complete when it ends, and skipping
            # start events halves the Python work per element.
            for _, elem in ET.iterparse(fh, events=("end",)):
                tag = _local(elem.tag)
                if tag == "event":
                    events.collect(n_events, elem)
                    n_events += 1
                    elem.clear()
                elif tag == "trace":
                    traces.collect(n_traces, elem)
                    trace_of_event.extend([n_traces] * (n_events - len(trace_of_event)))
                    n_traces += 1
                    elem.clear()
    except ET.ParseError as exc:
        raise EventLogError(f"invalid XML ({exc})", str(path)) from exc
    except (LookupError, UnicodeError) as exc:  # the XML declaration names a bad encoding
        raise EventLogError(f"invalid XML ({_short(exc)})", str(path)) from exc
    except (OSError, EOFError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise EventLogError(f"cannot read the file ({_short(exc)})", str(path)) from exc
    # Events after the last trace are outside any trace and have no case.
    trace_of_event.extend([None] * (n_events - len(trace_of_event)))

    problems: list[str] = []
    rows = RowNames("event")
    columns: dict[str, pl.Series] = {}
    trace_index = pl.Series(trace_of_event, dtype=pl.Int64)
    for key, values in traces.columns(n_traces, RowNames("trace"), problems).items():
        name = CASE if key == "concept:name" else f"case:{key}"
        per_trace = values.cast(pl.String) if name == CASE else values
        columns[name] = per_trace.gather(trace_index).alias(name)
    if CASE not in columns:
        columns[CASE] = pl.repeat(None, n_events, dtype=pl.String, eager=True).alias(CASE)
    for key, values in events.columns(n_events, rows, problems).items():
        if key not in columns:
            columns[key] = values.alias(key)
    if problems:
        raise EventLogError(problems, str(path))
    order = [CASE] + [c for c in columns if c != CASE]
    return pl.DataFrame([columns[c] for c in order]), rows


def _typed(
    text: pl.Series, tags: set[str], rows: RowNames, problems: list[str]
) -> pl.Series | None:
    """XES attribute values (text) as the column type their tags imply; mixed tags stay text."""
    name = text.name
    if name == TIMESTAMP:
        # Kept as text so validation can name the events whose dates do not parse.
        return text
    if tags <= {"int"}:
        target: type[pl.DataType] = pl.Int64
    elif tags <= {"int", "float"}:
        target = pl.Float64
    elif tags == {"boolean"}:
        lowered = text.str.strip_chars().str.to_lowercase()
        bad = lowered.is_not_null() & ~lowered.is_in(["true", "false", "1", "0"])
        if bad.any():
            idx = np.flatnonzero(bad.to_numpy())
            examples = text.gather(idx[:3]).to_list()
            problems.append(f"{name!r} is not true/false on {rows.describe(idx, examples)}")
            return None
        return (
            pl.select(pl.when(lowered.is_null()).then(None).otherwise(lowered.is_in(["true", "1"])))
            .to_series()
            .alias(name)
        )
    elif tags == {"date"}:
        stamps, unparsed = parse_timestamps(text)
        if len(unparsed):
            examples = text.gather(unparsed[:3]).to_list()
            problems.append(f"unparseable date {name!r} on {rows.describe(unparsed, examples)}")
            return None
        return stamps.alias(name)
    else:
        return text
    parsed = text.str.strip_chars().cast(target, strict=False)
    bad = parsed.is_null() & text.is_not_null()
    if bad.any():
        idx = np.flatnonzero(bad.to_numpy())
        examples = text.gather(idx[:3]).to_list()
        kind = "an integer" if target == pl.Int64 else "a number"
        problems.append(f"{name!r} is not {kind} on {rows.describe(idx, examples)}")
        return None
    return parsed


__all__ = ["FORMATS", "read_event_log", "write_event_log"]
