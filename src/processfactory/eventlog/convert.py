"""Build event logs in ``EVENT_SCHEMA``: from the engine's raw arrays, and from foreign frames.

``events_from_raw`` turns the engine's parallel numpy arrays into the event log.
``coerce_event_log`` / ``validate_event_log`` take any frame with the XES/pm4py column names
(a CSV read as text, a parquet file, a parsed XES file) and either bring it into
``EVENT_SCHEMA`` or list precisely what is wrong with it.

Rules for foreign logs (see ``coerce_event_log``):

- required columns: ``case:concept:name``, ``concept:name``, ``time:timestamp``;
- ``lifecycle:transition`` may be absent (every event is then ``complete``); present values are
  compared case-insensitively and must be ``start`` or ``complete`` (null means ``complete``);
- timestamps are ISO 8601 strings or datetimes; naive ones are taken as UTC;
- ``time`` absent (or entirely empty): computed as time since the earliest timestamp, in units of
  ``seconds_per_time_unit`` seconds (minutes by default);
- ``station`` absent: the activity for activities that have ``start`` events (operations),
  except the engine's own activities (``setup``, ``move``, ...); null otherwise;
- ``round`` absent or null: 1; ``voided`` absent or null: False;
- a ``complete`` must follow a ``start`` of the same case and activity whenever the log has
  ``start`` events for that activity (the k-th start pairs with the k-th complete in time
  order; voided events are ignored).

Columns outside ``EVENT_SCHEMA`` are kept, after the schema's columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import polars as pl

from processfactory.eventlog.schema import (
    DEFAULT_BASE_TIME,
    EV_COMPLETE,
    EV_START,
    EVENT_SCHEMA,
    RAW_KINDS,
)

CASE = "case:concept:name"
ACTIVITY = "concept:name"
LIFECYCLE = "lifecycle:transition"
TIMESTAMP = "time:timestamp"
RESOURCE = "org:resource"

REQUIRED_COLUMNS = (CASE, ACTIVITY, TIMESTAMP)
LIFECYCLES = ("start", "complete")
MAX_LISTED_ROWS = 20

# Activities the engine writes for things other than a station's operation: they never name a
# station, even when they come in start/complete pairs (setup, move).
NON_STATION_ACTIVITIES = frozenset(a for a, _ in RAW_KINDS.values() if a is not None)

_TIMESTAMP_DTYPE = EVENT_SCHEMA[TIMESTAMP]
_ISO_FAST_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%#z"


class EventLogError(ValueError):
    """An event log that cannot be read or used; ``problems`` lists every finding, one each."""

    def __init__(self, problems: str | Sequence[str], source: str | None = None) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        head = f"{source}: " if source else ""
        if len(self.problems) == 1:
            message = f"{head}invalid event log: {self.problems[0]}"
        else:
            listed = "\n".join(f"  - {p}" for p in self.problems)
            message = f"{head}invalid event log ({len(self.problems)} problems):\n{listed}"
        super().__init__(message)


# --------------------------------------------------------------------------- raw engine arrays


def _kind_table(n_kinds: int) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """Per raw kind: index into a kind-activity list (or -1 for station kinds) and lifecycle."""
    kind_activities: list[str] = []
    activity_index = np.full(n_kinds, -1, dtype=np.int64)
    lifecycle_index = np.zeros(n_kinds, dtype=np.int64)
    for code, (activity, lifecycle) in RAW_KINDS.items():
        if activity is not None:
            activity_index[code] = len(kind_activities)
            kind_activities.append(activity)
        lifecycle_index[code] = LIFECYCLES.index(lifecycle)
    return activity_index, kind_activities, lifecycle_index, list(LIFECYCLES)


def events_from_raw(
    time: np.ndarray,
    unit: np.ndarray,
    kind: np.ndarray,
    station: np.ndarray,
    server: np.ndarray,
    operator: np.ndarray,
    *,
    station_ids: list[str],
    operator_names: list[str],
    base_time: datetime = DEFAULT_BASE_TIME,
    seconds_per_time_unit: float = 60.0,
    round: int = 1,  # noqa: A002 - the public name mirrors the schema column
) -> pl.DataFrame:
    """The engine's raw events as an event log in ``EVENT_SCHEMA`` (rows in input order).

    ``time`` is run time in time units; ``time:timestamp`` = ``base_time`` + ``time`` ×
    ``seconds_per_time_unit`` seconds, rounded to the microsecond. ``station``/``operator``
    index ``station_ids``/``operator_names`` (-1 = none); ``server`` is the server within the
    station (-1 = none). ``org:resource`` is the operator, else ``<station>#<server>``.
    """
    arrays = {
        "time": np.asarray(time, dtype=np.float64),
        "unit": np.asarray(unit, dtype=np.int64),
        "kind": np.asarray(kind, dtype=np.int64),
        "station": np.asarray(station, dtype=np.int64),
        "server": np.asarray(server, dtype=np.int64),
        "operator": np.asarray(operator, dtype=np.int64),
    }
    lengths = {name: a.shape for name, a in arrays.items()}
    if len(set(lengths.values())) != 1 or any(len(s) != 1 for s in lengths.values()):
        raise ValueError(f"raw event arrays must be 1-D and of equal length, got {lengths}")
    t, kd, st, sv, op = (arrays[k] for k in ("time", "kind", "station", "server", "operator"))
    n = t.shape[0]
    n_stations, n_operators = len(station_ids), len(operator_names)
    n_kinds = max(RAW_KINDS) + 1
    if n:
        _check_range("kind", kd, 0, n_kinds - 1, valid=np.isin(kd, list(RAW_KINDS)))
        _check_range("station", st, -1, n_stations - 1)
        _check_range("operator", op, -1, n_operators - 1)
        if sv.min() < -1:
            raise ValueError(f"raw event server index {sv.min()} is below -1")
        if not np.isfinite(t).all():
            raise ValueError("raw event times must be finite")

    kind_activity, kind_activities, kind_lifecycle, lifecycles = _kind_table(n_kinds)
    is_operation = (kd == EV_START) | (kd == EV_COMPLETE)
    if n and (is_operation & (st < 0)).any():
        raise ValueError("an operation start/complete without a station (station = -1)")
    # One lookup table for the activity: the stations first, then the other kinds' names, so
    # a single gather builds the whole column without per-row Python work.
    activity_idx = np.where(is_operation, st, n_stations + kind_activity[kd])
    activity_names = pl.Series([*station_ids, *kind_activities], dtype=pl.String)
    activity = activity_names.gather(activity_idx)
    lifecycle = pl.Series(lifecycles, dtype=pl.String).gather(kind_lifecycle[kd])

    station_names = pl.Series(station_ids, dtype=pl.String)
    station_col = _gather_or_null(station_names, st)

    # Resource names: operators first, then every station#server combination that occurs. The
    # combinations are few (stations × servers), so they are named in Python once.
    max_server = int(sv.max()) if n else -1
    per_station = max_server + 1
    server_names = [f"{sid}#{k}" for sid in station_ids for k in range(per_station)]
    resource_names = pl.Series([*operator_names, *server_names], dtype=pl.String)
    has_server = (st >= 0) & (sv >= 0)
    resource_idx = np.where(
        op >= 0,
        op,
        np.where(has_server, n_operators + st * per_station + sv, -1),
    )
    resource = _gather_or_null(resource_names, resource_idx)

    offset_us = np.rint(t * (seconds_per_time_unit * 1e6)).astype(np.int64)
    base_us = _epoch_microseconds(base_time)
    timestamp = (
        pl.Series(TIMESTAMP, base_us + offset_us, dtype=pl.Int64)
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("UTC")
    )

    return pl.DataFrame(
        {
            CASE: pl.Series(arrays["unit"]).cast(pl.String),
            ACTIVITY: activity,
            LIFECYCLE: lifecycle,
            TIMESTAMP: timestamp,
            "time": pl.Series(t, dtype=pl.Float64),
            "station": station_col,
            RESOURCE: resource,
            "round": pl.repeat(round, n, dtype=pl.Int32, eager=True),
            "voided": pl.repeat(False, n, dtype=pl.Boolean, eager=True),
        },
        schema=EVENT_SCHEMA,
    )


def _check_range(
    name: str, values: np.ndarray, low: int, high: int, valid: np.ndarray | None = None
) -> None:
    bad = (values < low) | (values > high)
    if valid is not None:
        bad |= ~valid
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"raw event {name} code {int(values[first])} at index {first} is outside "
            f"[{low}, {high}]"
        )


def _gather_or_null(names: pl.Series, idx: np.ndarray) -> pl.Series:
    """``names[idx]`` with null wherever ``idx`` is negative."""
    positions = pl.Series(idx, dtype=pl.Int64)
    positions = pl.select(pl.when(positions >= 0).then(positions)).to_series()
    if names.len() == 0:
        return pl.repeat(None, len(idx), dtype=pl.String, eager=True)
    return names.gather(positions)


def _epoch_microseconds(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


# --------------------------------------------------------------------------- foreign frames


class RowNames:
    """How problems name rows: ``row 3`` for a frame, ``line 4`` for a CSV file, ``event 3`` XES.

    ``numbers`` maps 0-based frame rows to the numbers shown (None: 1-based row position).
    """

    def __init__(self, label: str = "row", numbers: np.ndarray | None = None) -> None:
        self.label = label
        self.numbers = numbers

    def describe(self, rows: np.ndarray, examples: Sequence[str] | None = None) -> str:
        """``rows 3, 7 (e.g. 'x')``, at most ``MAX_LISTED_ROWS`` listed, then a count."""
        shown = rows[:MAX_LISTED_ROWS]
        numbers = self.numbers[shown] if self.numbers is not None else shown + 1
        text = ", ".join(str(int(x)) for x in numbers)
        plural = "s" if len(rows) > 1 else ""
        more = f" and {len(rows) - len(shown)} more" if len(rows) > len(shown) else ""
        sample = ""
        if examples:
            sample = " (e.g. " + ", ".join(repr(e) for e in examples[:3]) + ")"
        return f"{self.label}{plural} {text}{more}{sample}"


def validate_event_log(
    df: pl.DataFrame, *, rows: RowNames | None = None, seconds_per_time_unit: float = 60.0
) -> list[str]:
    """Every problem that stops ``df`` from being an event log (empty list: it is one).

    Rows are named 1-based in frame order (``rows`` renames them, e.g. as file lines).
    """
    return _coerce(df, rows or RowNames(), seconds_per_time_unit)[1]


def coerce_event_log(
    df: pl.DataFrame,
    *,
    source: str | None = None,
    rows: RowNames | None = None,
    seconds_per_time_unit: float = 60.0,
) -> pl.DataFrame:
    """``df`` in ``EVENT_SCHEMA`` (rules in the module docstring); raises ``EventLogError``.

    ``seconds_per_time_unit`` is used only when ``time`` has to be computed from timestamps.
    """
    out, problems = _coerce(df, rows or RowNames(), seconds_per_time_unit)
    if problems or out is None:
        raise EventLogError(problems, source)
    return out


def _coerce(
    df: pl.DataFrame, rows: RowNames, seconds_per_time_unit: float
) -> tuple[pl.DataFrame | None, list[str]]:
    problems: list[str] = []
    n = df.height
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        names = ", ".join(repr(c) for c in missing)
        found = ", ".join(repr(c) for c in df.columns[:15]) or "none"
        if df.width > 15:
            found += f" and {df.width - 15} more"
        problems.append(f"missing required column(s) {names} (columns found: {found})")

    cols: dict[str, pl.Series] = {}
    for name in (CASE, ACTIVITY, "station", RESOURCE):
        if name in df.columns:
            text = _as_text(df[name], problems)
            if text is not None:
                cols[name] = text
    for name, what in ((CASE, "null case id"), (ACTIVITY, "missing activity")):
        if name in cols:
            _report(problems, rows, f"{what} ({name}) on", cols[name].is_null())

    if LIFECYCLE in df.columns:
        text = _as_text(df[LIFECYCLE], problems)
        if text is not None:
            lifecycle = text.str.strip_chars().str.to_lowercase().fill_null("complete")
            bad = ~lifecycle.is_in(LIFECYCLES)
            if bad.any():
                values = text.filter(bad).unique(maintain_order=True).to_list()
                _report(
                    problems,
                    rows,
                    f"{LIFECYCLE} must be 'start' or 'complete', not "
                    + ", ".join(repr(v) for v in values[:5])
                    + ", on",
                    bad,
                )
            cols[LIFECYCLE] = lifecycle
    else:
        cols[LIFECYCLE] = pl.repeat("complete", n, dtype=pl.String, eager=True)

    if TIMESTAMP in df.columns:
        stamps = _as_timestamp(df[TIMESTAMP], rows, problems)
        if stamps is not None:
            cols[TIMESTAMP] = stamps

    time = _as_number(df, "time", pl.Float64, rows, problems)
    absent = "time" not in df.columns or (time is not None and n > 0 and time.null_count() == n)
    if absent:
        time = None
        if TIMESTAMP in cols:
            stamps = cols[TIMESTAMP]
            earliest = stamps.min()
            if earliest is None:  # no rows, or no timestamps (already reported)
                time = pl.repeat(None, n, dtype=pl.Float64, eager=True)
            else:
                elapsed = (stamps - earliest).dt.total_microseconds().cast(pl.Float64)
                time = elapsed / (1e6 * seconds_per_time_unit)
    elif time is not None:
        _report(problems, rows, "missing time on", time.is_null())
        _report(problems, rows, "time is not finite on", ~time.is_finite().fill_null(True))
    if time is not None:
        cols["time"] = time

    round_col = _as_number(df, "round", pl.Int32, rows, problems)
    cols["round"] = (
        round_col.fill_null(1)
        if round_col is not None
        else pl.repeat(1, n, dtype=pl.Int32, eager=True)
    )
    voided = _as_boolean(df, "voided", rows, problems)
    cols["voided"] = (
        voided.fill_null(False)
        if voided is not None
        else pl.repeat(False, n, dtype=pl.Boolean, eager=True)
    )
    if RESOURCE not in cols:
        cols[RESOURCE] = pl.repeat(None, n, dtype=pl.String, eager=True)

    core = all(k in cols for k in (CASE, ACTIVITY, LIFECYCLE, TIMESTAMP))
    if core and "station" not in cols:
        cols["station"] = _default_station(cols[ACTIVITY], cols[LIFECYCLE])
    if core:
        # Pairing is checked on the usable rows even when others are broken, so one pass
        # reports every kind of problem.
        clock = cols.get("time")
        if clock is None:
            clock = cols[TIMESTAMP].dt.epoch("us").cast(pl.Float64)
        probe = pl.DataFrame(
            {
                CASE: cols[CASE],
                ACTIVITY: cols[ACTIVITY],
                LIFECYCLE: cols[LIFECYCLE],
                "time": clock,
                "station": cols["station"],
            }
        )
        usable = (
            cols[CASE].is_not_null()
            & cols[ACTIVITY].is_not_null()
            & cols[LIFECYCLE].is_in(LIFECYCLES)
            & clock.is_not_null()
            & ~clock.is_nan()
            & ~cols["voided"]
        )
        _check_pairs(probe, usable, rows, problems)
    if not core or "time" not in cols or problems:
        return None, problems

    out = pl.DataFrame([cols[name].alias(name).cast(dtype) for name, dtype in EVENT_SCHEMA.items()])
    extras = [c for c in df.columns if c not in EVENT_SCHEMA]
    if extras:
        out = out.hstack(df.select(extras))
    return out, problems


def _report(problems: list[str], rows: RowNames, what: str, mask: pl.Series) -> None:
    if mask.any():
        problems.append(f"{what} {rows.describe(np.flatnonzero(mask.to_numpy()))}")


def _as_text(series: pl.Series, problems: list[str]) -> pl.Series | None:
    if series.dtype == pl.String:
        return series
    try:
        return series.cast(pl.String)
    except (pl.exceptions.PolarsError, TypeError, ValueError):
        problems.append(f"column {series.name!r} has type {series.dtype}, not text")
        return None


def _as_number(
    df: pl.DataFrame,
    name: str,
    dtype: type[pl.DataType],
    rows: RowNames,
    problems: list[str],
) -> pl.Series | None:
    if name not in df.columns:
        return None
    series = df[name]
    kind = "an integer" if dtype == pl.Int32 else "a number"
    if series.dtype == pl.String:
        text = series.str.strip_chars()
        parsed = text.cast(pl.Float64, strict=False)
        bad = parsed.is_null() & text.is_not_null() & (text != "")
        if dtype == pl.Int32:
            bad = bad | (parsed.is_not_null() & (parsed.round() != parsed))
        if bad.any():
            examples = series.filter(bad).head(3).to_list()
            idx = np.flatnonzero(bad.to_numpy())
            problems.append(f"{name} is not {kind} on {rows.describe(idx, examples)}")
            return None
        return parsed.cast(dtype)
    if series.dtype.is_numeric() or series.dtype == pl.Boolean:
        if dtype == pl.Int32 and series.dtype.is_float():
            bad = series.is_not_null() & (series.round() != series)
            if bad.any():
                idx = np.flatnonzero(bad.to_numpy())
                problems.append(f"{name} is not {kind} on {rows.describe(idx)}")
                return None
        try:
            return series.cast(dtype)
        except pl.exceptions.PolarsError:
            problems.append(f"column {name!r} values do not fit {dtype}")
            return None
    if series.dtype == pl.Null:
        return series.cast(dtype)
    problems.append(f"column {name!r} has type {series.dtype}, not {kind}")
    return None


_TRUE = ("true", "1", "yes", "t", "y")
_FALSE = ("false", "0", "no", "f", "n", "")


def _as_boolean(
    df: pl.DataFrame, name: str, rows: RowNames, problems: list[str]
) -> pl.Series | None:
    if name not in df.columns:
        return None
    series = df[name]
    if series.dtype in (pl.Boolean, pl.Null):
        return series.cast(pl.Boolean)
    if series.dtype.is_numeric():
        return series != 0
    if series.dtype == pl.String:
        text = series.str.strip_chars().str.to_lowercase()
        bad = text.is_not_null() & ~text.is_in([*_TRUE, *_FALSE])
        if bad.any():
            examples = series.filter(bad).head(3).to_list()
            idx = np.flatnonzero(bad.to_numpy())
            problems.append(f"{name} is not true/false on {rows.describe(idx, examples)}")
            return None
        return pl.select(
            pl.when(text.is_null()).then(None).otherwise(text.is_in(_TRUE))
        ).to_series()
    problems.append(f"column {name!r} has type {series.dtype}, not true/false")
    return None


def parse_timestamps(text: pl.Series) -> tuple[pl.Series, np.ndarray]:
    """ISO 8601 strings as ``Datetime(us, UTC)``, and the 0-based rows that did not parse.

    Offsets are honoured; strings without an offset are taken as UTC. Nulls stay null and are
    not counted as unparseable.
    """
    fast = text.str.to_datetime(_ISO_FAST_FORMAT, time_unit="us", time_zone="UTC", strict=False)
    # The fast path misses space separators, naive times and bare dates; Python's ISO parser
    # handles those, and it only runs on the (usually zero) rows the fast path left.
    missed = np.flatnonzero((fast.is_null() & text.is_not_null()).to_numpy())
    if len(missed) == 0:
        return fast, missed
    values = text.gather(missed).to_list()
    parsed: list[datetime | None] = []
    bad: list[int] = []
    for row, value in zip(missed, values, strict=True):
        moment = _parse_iso(value)
        if moment is None:
            bad.append(int(row))
        parsed.append(moment)
    fixed = pl.Series(parsed, dtype=pl.Datetime("us", "UTC"))
    out = fast.scatter(missed, fixed)
    return out, np.asarray(bad, dtype=np.int64)


def _parse_iso(value: str) -> datetime | None:
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _as_timestamp(series: pl.Series, rows: RowNames, problems: list[str]) -> pl.Series | None:
    dtype = series.dtype
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            series = series.dt.replace_time_zone("UTC")
        else:
            series = series.dt.convert_time_zone("UTC")
        out = series.cast(_TIMESTAMP_DTYPE)
    elif dtype == pl.Date:
        out = series.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    elif dtype == pl.String:
        out, bad = parse_timestamps(series)
        if len(bad):
            examples = series.gather(bad[:3]).to_list()
            problems.append(
                f"unparseable {TIMESTAMP} on {rows.describe(bad, examples)}; expected ISO 8601 "
                "such as 2026-01-01T08:00:00.000+00:00"
            )
            return None
    else:
        problems.append(f"column {TIMESTAMP!r} has type {dtype}, not a date-time")
        return None
    _report(problems, rows, f"missing {TIMESTAMP} on", out.is_null())
    return out


def _default_station(activity: pl.Series, lifecycle: pl.Series) -> pl.Series:
    operations = activity.filter(lifecycle == "start").unique()
    operations = operations.filter(~operations.is_in(list(NON_STATION_ACTIVITIES)))
    return pl.select(pl.when(activity.is_in(operations.implode())).then(activity)).to_series()


def pair_operations(events: pl.DataFrame, *, by_station: bool = False) -> pl.DataFrame:
    """Start/complete pairs of ``events`` (in ``EVENT_SCHEMA``; filter voided rows first).

    Only activities with ``start`` events take part. Within a case and activity (and station,
    with ``by_station``), in time order then row order, the k-th start pairs with the k-th
    complete. Columns: case, activity, ``station`` (the start's, else the complete's),
    ``start``, ``complete`` (times; ``complete`` null for an operation still open, ``start``
    null for a complete without one), ``_row`` and ``_complete_row`` (0-based rows in
    ``events``; null for a missing partner).
    """
    key = [CASE, ACTIVITY, "station"] if by_station else [CASE, ACTIVITY]
    indexed = events.select(CASE, ACTIVITY, LIFECYCLE, "time", "station").with_row_index("_row")
    starts_of = indexed.filter(pl.col(LIFECYCLE) == "start")[ACTIVITY].unique()
    sub = indexed.filter(pl.col(ACTIVITY).is_in(starts_of.implode()))
    starts = _nth_in_group(sub.filter(pl.col(LIFECYCLE) == "start"), key).select(
        *key, "_k", "_row", start="time", _start_station="station"
    )
    completes = _nth_in_group(sub.filter(pl.col(LIFECYCLE) == "complete"), key).select(
        *key, "_k", _complete_row="_row", complete="time", _complete_station="station"
    )
    pairs = starts.join(completes, on=[*key, "_k"], how="full", coalesce=True, nulls_equal=True)
    return pairs.select(
        CASE,
        ACTIVITY,
        pl.coalesce("_start_station", "_complete_station").alias("station"),
        "start",
        "complete",
        pl.col("_row").cast(pl.Int64),
        pl.col("_complete_row").cast(pl.Int64),
    )


def _nth_in_group(frame: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    """``frame`` sorted by ``key``, time and row, with ``_k`` = position in its key group."""
    frame = frame.sort([*key, "time", "_row"], nulls_last=True)
    # Groups are contiguous after the sort, so a position is the distance to the group's first
    # row: linear, and much faster than a windowed count over string keys.
    changed = [pl.col(c).ne_missing(pl.col(c).shift(1)) for c in key]
    new_group = pl.any_horizontal(changed)
    position = pl.int_range(pl.len(), dtype=pl.Int64)
    first = pl.when(new_group | (position == 0)).then(position).forward_fill()
    return frame.with_columns(_k=position - first)


def _check_pairs(
    events: pl.DataFrame, usable: pl.Series, rows: RowNames, problems: list[str]
) -> None:
    live = events.with_row_index("_orig").filter(usable)
    pairs = pair_operations(live.drop("_orig"))
    # A complete comes too early if it has no start partner or its partner starts later.
    bad = pairs.filter(
        pl.col("_complete_row").is_not_null()
        & (pl.col("start").is_null() | (pl.col("start") > pl.col("complete")))
    )
    if bad.height:
        orig = live["_orig"].to_numpy()
        idx = np.sort(orig[bad["_complete_row"].to_numpy()])
        first = bad.sort("_complete_row").row(0, named=True)
        problems.append(
            "complete without an earlier start of the same case and activity on "
            f"{rows.describe(idx)} (first: case {first[CASE]!r}, activity {first[ACTIVITY]!r})"
        )


__all__ = [
    "EventLogError",
    "RowNames",
    "coerce_event_log",
    "events_from_raw",
    "pair_operations",
    "parse_timestamps",
    "validate_event_log",
]
