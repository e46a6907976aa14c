"""Properties of the lean KPIs over random unit tables (Hypothesis)."""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from kpi_records import NAN, make_record, station, unit

from processfactory.kpi import MAP_KPIS, compute_kpis, summarize

times = st.floats(0.0, 100.0, allow_nan=False)
durations = st.floats(0.0, 60.0, allow_nan=False)


@st.composite
def unit_rows(draw: st.DrawFn, inside: tuple[float, float] | None = None) -> dict[str, object]:
    """A unit in any state; with ``inside`` = (ws, we), one whose whole life is in the window."""
    uid = draw(st.integers(0, 10**6))
    if inside is not None:
        ws, we = inside
        release = draw(st.floats(ws, we, allow_nan=False))
        exit_ = draw(st.floats(release, we, allow_nan=False))
        if exit_ <= ws:  # a zero-length life at ws does not exit in (ws, we]
            exit_ = we
        kind = draw(st.sampled_from(["good", "scrap"]))
    else:
        kind = draw(st.sampled_from(["good", "scrap", "wip", "backlog"]))
        release = NAN if kind == "backlog" else draw(times)
        exit_ = release + draw(durations) if kind in ("good", "scrap") else NAN
    lead = exit_ - release if math.isfinite(exit_) else 0.0
    return unit(
        uid,
        order=(release if math.isfinite(release) else 0.0) - draw(st.floats(0.0, 5.0)),
        release=release,
        exit=exit_,
        status=kind,
        va=lead * draw(st.floats(0.0, 1.0)),
        reworks=draw(st.integers(0, 2)),
        due=draw(st.one_of(st.just(NAN), times)),
        material=draw(st.floats(0.0, 10.0)),
    )


@st.composite
def records(draw: st.DrawFn):
    ws = draw(st.floats(0.0, 50.0))
    we = ws + draw(st.floats(0.5, 100.0))
    length = we - ws
    stations = [
        station(
            f"s{i}",
            servers=(servers := draw(st.integers(1, 3))),
            busy=draw(st.floats(0.0, 1.0)) * servers * length,
            completions=draw(st.integers(0, 5)),
            first=ws,
            last=we,
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    return make_record(
        draw(st.lists(unit_rows(), max_size=40)),
        window=(ws, we),
        station_rows=stations,
        operators=draw(st.integers(1, 5)),
        labour_rate=draw(st.floats(0.0, 100.0)),
        holding_cost=draw(st.floats(0.0, 10.0)),
        demand_units=draw(st.integers(1, 50)),
        walking_total=draw(st.floats(0.0, 500.0)),
    )


def _in_range(value: float, lo: float, hi: float) -> bool:
    return math.isnan(value) or lo - 1e-12 <= value <= hi + 1e-12


@settings(max_examples=100, deadline=None)
@given(records())
def test_kpis_stay_in_their_ranges(record) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kpis = compute_kpis(record)
    assert _in_range(kpis["fpy"], 0, 1)
    assert _in_range(kpis["pce"], 0, 1)  # value added never exceeds the lead time here
    assert _in_range(kpis["on_time_delivery"], 0, 1)
    assert kpis["wip"] >= 0
    assert kpis["throughput"] >= 0
    assert kpis["units_good"] + kpis["units_scrapped"] <= record.units.height
    for sid, util in kpis["utilization"].items():
        assert 0 <= util <= 1 + 1e-12, sid
    if kpis["units_good"] + kpis["units_scrapped"] > 0:
        assert kpis["lead_time_median"] <= kpis["lead_time_p90"] + 1e-12
        assert kpis["lead_time"] <= kpis["order_lead_time"] + 1e-9  # orders precede release


@settings(max_examples=100, deadline=None)
@given(records())
def test_wip_and_percentiles_match_a_slow_reference(record) -> None:
    kpis = compute_kpis(record)
    ws, we = record.window_start, record.window_end
    area = 0.0
    lts = []
    for row in record.units.iter_rows(named=True):
        release, exit_ = row["release"], row["exit"]
        if math.isnan(release):
            continue
        end = we if math.isnan(exit_) else min(exit_, we)
        area += max(0.0, end - max(release, ws))
        if not math.isnan(exit_) and ws < exit_ <= we:
            lts.append(exit_ - release)
    assert math.isclose(kpis["wip"], area / (we - ws), rel_tol=1e-12, abs_tol=1e-12)
    if lts:
        assert kpis["lead_time_p90"] == np.percentile(lts, 90)
        assert kpis["lead_time_median"] == np.percentile(lts, 50)
    else:
        assert math.isnan(kpis["lead_time_p90"])


@st.composite
def whole_life_records(draw: st.DrawFn):
    ws = draw(st.floats(0.0, 50.0))
    we = ws + draw(st.floats(1.0, 100.0))
    rows = draw(st.lists(unit_rows(inside=(ws, we)), min_size=1, max_size=40))
    return make_record(rows, window=(ws, we))


@settings(max_examples=100, deadline=None)
@given(whole_life_records())
def test_littles_law_holds_when_all_lives_are_inside_the_window(record) -> None:
    kpis = compute_kpis(record)
    if kpis["wip"] > 0:  # all lives of zero length: 0/0
        assert math.isclose(kpis["littles_law_ratio"], 1.0, rel_tol=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.lists(records(), min_size=1, max_size=5))
def test_summary_of_random_runs_has_means_inside_their_intervals(recs) -> None:
    out = summarize([compute_kpis(r) for r in recs])
    for key, value in out.items():
        cells = value.values() if key in MAP_KPIS else [value]
        for cell in cells:
            lo, hi = cell["ci95"]
            if lo is not None:
                assert lo <= cell["mean"] + 1e-9 and cell["mean"] <= hi + 1e-9, key
