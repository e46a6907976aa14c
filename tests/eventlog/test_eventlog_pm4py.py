"""pm4py, an independent XES reader, reads what write_event_log exports."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from eventlog_helpers import tiny_log_frame
from test_eventlog_io import tricky_log

from processfactory.eventlog import write_event_log

pm4py = pytest.importorskip("pm4py")

PM4PY_COLUMNS = {"case:concept:name", "concept:name", "time:timestamp", "lifecycle:transition"}
KEYS = ["case:concept:name", "concept:name", "lifecycle:transition", "time:timestamp"]


def _read(path: Path, variant: str | None) -> object:
    with warnings.catch_warnings():
        # pm4py warns that an optional Rust importer is missing; irrelevant here.
        warnings.simplefilter("ignore")
        if variant is None:
            return pm4py.read_xes(str(path))
        return pm4py.read_xes(str(path), variant=variant)


@pytest.mark.parametrize("make", [tiny_log_frame, tricky_log], ids=["tiny", "tricky"])
def test_pm4py_default_reader_gets_the_same_events(
    tmp_path: Path, make: Callable[[], pl.DataFrame]
) -> None:
    df = make()
    path = tmp_path / "log.xes"
    write_event_log(df, path)
    log = _read(path, None)
    assert hasattr(log, "columns"), f"pm4py returned {type(log)}, expected a DataFrame"
    assert set(log.columns) >= PM4PY_COLUMNS
    assert len(log) == df.height
    assert log["case:concept:name"].nunique() == df["case:concept:name"].n_unique()
    stamps = [t.to_pydatetime() for t in log["time:timestamp"]]
    theirs = sorted(
        zip(
            log["case:concept:name"],
            log["concept:name"],
            log["lifecycle:transition"],
            stamps,
            strict=True,
        )
    )
    assert theirs == sorted(df.select(KEYS).rows())


@pytest.mark.parametrize("variant", ["chunk_regex", "line_by_line"])
def test_pm4py_text_readers_count_the_same_cases_and_events(tmp_path: Path, variant: str) -> None:
    # These pm4py readers split the text with regular expressions and keep entities such as
    # &amp; unexpanded, so only the shape is compared.
    df = tricky_log()
    path = tmp_path / "log.xes"
    write_event_log(df, path)
    log = _read(path, variant)
    assert set(log.columns) >= PM4PY_COLUMNS
    assert len(log) == df.height
    assert log["case:concept:name"].nunique() == df["case:concept:name"].n_unique()
