"""Fixtures for the event log tests."""

from __future__ import annotations

import polars as pl
import pytest
from eventlog_helpers import tiny_log_frame


@pytest.fixture
def tiny_log() -> pl.DataFrame:
    return tiny_log_frame()
