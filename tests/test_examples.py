"""Every example runs and shows what its docstring promises."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load(name: str) -> dict:
    return runpy.run_path(str(EXAMPLES / name), run_name="example")


@pytest.mark.slow
def test_batches_inflate_lead_time_and_wip_not_throughput() -> None:
    results = load("compare_batch_sizes.py")["main"]()
    assert results[10]["lead_time"] > 2 * results[1]["lead_time"]
    assert results[10]["wip"] > 2 * results[1]["wip"]
    assert results[10]["throughput"] == pytest.approx(results[1]["throughput"], rel=0.03)


@pytest.mark.slow
def test_conwip_frontier_follows_the_practical_worst_case() -> None:
    for cap, simulated, pwc in load("conwip_frontier.py")["main"]():
        assert simulated == pytest.approx(pwc, rel=0.04), cap


def test_every_example_is_tested() -> None:
    names = {p.name for p in EXAMPLES.glob("*.py")}
    source = Path(__file__).read_text(encoding="utf-8")
    assert all(name in source for name in names), names
