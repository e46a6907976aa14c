"""Line balancing (SALBP-1): textbook instances with known optima, hand cases, errors, properties.

Instances are from Scholl's SALBP benchmark data set:

    Scholl, A. (1993): Data of Assembly Line Balancing Problems. Schriften zur Quantitativen
    Betriebswirtschaftslehre 16/93, TH Darmstadt.
    https://assembly-line-balancing.de/salbp/benchmark-data-sets-1993/ (SALBP-data-sets.zip)

Task times and direct precedence relations ("i,j": j comes after i) are copied from the IN2
files MERTENS, BOWMAN8, JACKSON, MITCHELL, HESKIA, BUXEY and SAWYER30, as mirrored on GitHub in
Optimization-Algorithms-Book/Code-Listings ("Appendix B/data/ALBP/SALBP-data-sets/precedence
graphs/") and, for JACKSON, HESKIA and BOWMAN8, also in juanseck/GAMmALB (the two copies agree).
The optimal station counts m* per cycle time are those of Scholl's data set table (SALBP-1
optima, all proven); the same (instance, c, m*) triples are listed in public SALBP-1 SAT
benchmark scripts (e.g. the MERTENS and MITCHELL rows of a VNS project's makefile:
"MITCHELL.IN2 14 8", "MITCHELL.IN2 26 5", ...). Σt is asserted below as a check on the copy:
Mertens 29, Bowman 75, Jackson 46, Mitchell 105, Heskiaoff 1024, Buxey 324, Sawyer 324.
"""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from processfactory.levers import LeverError
from processfactory.levers.balancing import (
    BalanceResult,
    Operation,
    balance_line,
    operation_problems,
)

# (task times, direct precedence relations "i,j"), tasks numbered from 1 as in the IN2 files
INSTANCES: dict[str, tuple[str, str]] = {
    "MERTENS": ("1 5 4 3 5 6 5", "1,2 1,4 2,3 2,5 4,7 5,6"),
    "BOWMAN8": ("11 17 9 5 8 12 10 3", "1,2 2,3 2,4 3,5 3,6 4,6 5,7 6,8"),
    "JACKSON": (
        "6 2 5 7 1 2 3 6 5 5 4",
        "1,2 1,3 1,4 1,5 2,6 3,7 4,7 5,7 6,8 7,9 8,10 9,11 10,11",
    ),
    "MITCHELL": (
        "4 3 9 5 9 4 8 7 5 1 3 1 5 3 5 3 13 5 2 3 7",
        "1,2 1,3 2,21 3,4 4,5 4,21 5,6 5,7 6,8 7,8 7,14 8,9 9,10 9,11 9,12 9,13 10,15 11,15 "
        "12,15 13,17 13,18 14,19 15,16 15,18 16,17 17,20 18,19",
    ),
    "HESKIA": (
        "70 59 33 6 1 27 17 62 31 53 21 19 108 52 5 8 97 8 47 67 17 8 3 21 107 3 2 72",
        "1,3 1,4 1,5 1,8 1,19 1,21 1,22 1,23 1,24 1,26 2,6 2,17 3,28 4,28 5,28 6,7 7,18 8,9 "
        "9,10 10,11 10,12 11,15 12,13 13,14 13,16 14,28 15,28 16,28 17,28 18,28 19,20 20,28 "
        "21,28 22,28 23,28 24,25 25,28 26,27 27,28",
    ),
    "BUXEY": (
        "7 19 15 5 12 10 8 16 2 6 21 10 9 4 14 7 14 17 10 16 1 9 25 14 14 2 10 7 20",
        "1,3 1,25 2,6 2,26 3,4 4,5 5,8 5,13 6,8 7,9 7,12 7,25 8,11 8,16 9,10 10,14 10,15 11,17 "
        "12,15 13,17 14,16 15,19 16,18 17,20 18,22 19,21 20,23 21,22 22,23 23,24 23,28 24,29 "
        "25,29 26,27 27,29 28,29",
    ),
    "SAWYER30": (
        "8 7 19 10 2 6 14 10 1 4 14 15 5 12 9 10 2 10 18 16 21 14 16 7 17 9 25 7 14 2",
        "1,4 1,5 2,11 2,12 3,16 3,17 4,7 5,6 6,7 7,8 8,9 9,26 10,24 12,13 13,14 14,15 14,20 "
        "15,22 16,20 17,18 18,19 20,21 20,24 21,22 22,23 23,27 24,25 25,26 26,27 27,28 27,29 "
        "29,30",
    ),
}

WORK_CONTENT = {
    "MERTENS": (7, 29),
    "BOWMAN8": (8, 75),
    "JACKSON": (11, 46),
    "MITCHELL": (21, 105),
    "HESKIA": (28, 1024),
    "BUXEY": (29, 324),
    "SAWYER30": (30, 324),
}

# cycle time c -> optimal number of stations m*
OPTIMA: dict[str, dict[int, int]] = {
    "MERTENS": {6: 6, 7: 5, 8: 5, 10: 3, 15: 2, 18: 2},
    "BOWMAN8": {20: 5},
    "JACKSON": {7: 8, 9: 6, 10: 5, 13: 4, 14: 4, 21: 3},
    "MITCHELL": {14: 8, 15: 8, 21: 5, 26: 5, 35: 3, 39: 3},
    "HESKIA": {138: 8, 205: 5, 216: 5, 256: 4, 324: 4, 342: 3},
    "BUXEY": {27: 13, 30: 12, 33: 11, 36: 10, 41: 8, 47: 7, 54: 7},
    "SAWYER30": {25: 14, 27: 13, 30: 12, 33: 11, 36: 10, 41: 8, 47: 7, 54: 7, 75: 5},
}

CASES = [(name, c, m) for name, optima in OPTIMA.items() for c, m in optima.items()]


def instance(name: str) -> list[Operation]:
    times_text, relations = INSTANCES[name]
    times = [int(t) for t in times_text.split()]
    after: dict[int, list[str]] = {k: [] for k in range(1, len(times) + 1)}
    for pair in relations.split():
        i, j = pair.split(",")
        after[int(j)].append(i)
    return [Operation(str(k), times[k - 1], tuple(after[k])) for k in range(1, len(times) + 1)]


def assert_feasible(result: BalanceResult, ops: list[Operation], takt: float) -> None:
    """Every operation exactly once, every station within the takt, precedence respected."""
    placed = [op for station in result.stations for op in station]
    assert sorted(placed) == sorted(op.id for op in ops)
    assert len(placed) == len(set(placed))
    time = {op.id: op.time for op in ops}
    where = {
        op: (k, i) for k, station in enumerate(result.stations) for i, op in enumerate(station)
    }
    for station, total in zip(result.stations, result.station_times, strict=True):
        assert station, "an empty station"
        assert total == pytest.approx(sum(time[op] for op in station))
        assert total <= takt * (1 + 1e-9)
    for op in ops:
        for prev in op.predecessors:
            # an earlier station, or earlier in the same station's list
            assert where[prev] < where[op.id], (prev, op.id, result.stations)
    assert result.n_stations == len(result.stations) == len(result.station_times)


def test_instances_are_copied_whole() -> None:
    for name, (n, total) in WORK_CONTENT.items():
        ops = instance(name)
        assert len(ops) == n, name
        assert sum(op.time for op in ops) == total, name
        assert operation_problems(ops) == [], name


@pytest.mark.parametrize(("name", "takt", "optimum"), CASES)
def test_exact_finds_the_known_optimum(name: str, takt: int, optimum: int) -> None:
    ops = instance(name)
    result = balance_line(ops, takt, "exact")
    assert result.n_stations == optimum
    assert result.optimal
    assert_feasible(result, ops, takt)
    assert result.lower_bound <= optimum
    assert result.theoretical_minimum == math.ceil(WORK_CONTENT[name][1] / takt)
    # well under a second: the step count is deterministic, unlike a stopwatch (the slowest
    # case, Sawyer at c = 30, takes about 19,000 steps, some 0.1 s)
    assert result.nodes < 60_000


@pytest.mark.parametrize(("name", "takt", "optimum"), CASES)
def test_rpw_is_feasible_and_never_beats_the_optimum(name: str, takt: int, optimum: int) -> None:
    ops = instance(name)
    result = balance_line(ops, takt, "rpw")
    assert_feasible(result, ops, takt)
    assert result.n_stations >= optimum
    assert result.nodes == 0
    # RPW only claims optimality when its count meets the lower bound
    assert result.optimal == (result.n_stations <= result.lower_bound)


def test_exact_improves_on_rpw_where_rpw_is_not_optimal() -> None:
    # RPW needs one station more than the optimum on these (so the search really searches)
    for name, takt in [("JACKSON", 10), ("MITCHELL", 21), ("BUXEY", 27), ("SAWYER30", 27)]:
        rpw = balance_line(instance(name), takt, "rpw")
        exact = balance_line(instance(name), takt, "exact")
        assert rpw.n_stations == OPTIMA[name][takt] + 1, name
        assert not rpw.optimal
        assert exact.n_stations == OPTIMA[name][takt]
        assert exact.nodes > 0


@pytest.mark.parametrize("takt", [46.0, 1e15, 1e308])
def test_a_takt_above_the_work_content_gives_one_station_and_bounds_of_one(takt: float) -> None:
    # a huge takt must not round the bounds to 0 nor overflow 2c/3 to inf (LB3 of 8 stations)
    for method in ("rpw", "exact"):
        result = balance_line(instance("JACKSON"), takt, method)
        assert result.n_stations == 1 and result.theoretical_minimum == 1
        assert result.lower_bound == 1 and result.optimal


def test_exact_proves_optima_above_the_simple_bound() -> None:
    # Buxey c=27: ⌈324/27⌉ = 12 but 13 stations are needed; the search must prove it
    result = balance_line(instance("BUXEY"), 27)
    assert result.theoretical_minimum == 12
    assert result.n_stations == 13
    assert result.optimal
    # Mertens c=6: LB2 (four tasks longer than c/2 = 3, the 6 fills a station) gives 6 at once
    mertens = balance_line(instance("MERTENS"), 6)
    assert mertens.theoretical_minimum == 5
    assert mertens.lower_bound == 6
    assert mertens.optimal and mertens.nodes == 0


def test_rpw_by_hand_on_jackson() -> None:
    # Positional weights at c = 10: 1:46, 2:19, 4:19, 3:17, 6:17, 8:15, 5:13, 7:12, 9:9, 10:9,
    # 11:4; ties go to the longer task (4 before 2, 3 before 6). Filling stations in that order:
    result = balance_line(instance("JACKSON"), 10, "rpw")
    assert result.stations == (
        ("1", "2", "6"),
        ("4", "5"),
        ("3", "7"),
        ("8",),
        ("9", "10"),
        ("11",),
    )
    assert result.station_times == (10, 8, 8, 6, 10, 4)


def test_figures_on_a_hand_case() -> None:
    ops = [Operation("a", 3), Operation("b", 2, ("a",)), Operation("c", 4)]
    result = balance_line(ops, 5)
    assert result.stations == (("a", "b"), ("c",))
    assert result.station_times == (5, 4)
    assert result.n_stations == 2
    assert result.theoretical_minimum == 2  # ⌈9 / 5⌉
    assert result.total_time == 9
    assert result.efficiency == pytest.approx(9 / (2 * 5))
    assert result.balance_delay == pytest.approx(0.1)
    assert result.idle_time == pytest.approx(1.0)
    assert result.station_idle == (0, 1)
    assert result.smoothness_index == pytest.approx(1.0)  # √((5−5)² + (5−4)²)
    assert result.optimal
    chart = result.yamazumi
    assert chart.takt == 5
    assert [bar.station for bar in chart.bars] == [1, 2]
    assert chart.bars[0].operations == (("a", 3.0), ("b", 2.0))
    assert chart.bars[1].operations == (("c", 4.0),)
    assert [bar.total for bar in chart.bars] == [5, 4]
    data = result.to_dict()
    assert data["n_stations"] == 2
    assert data["efficiency"] == pytest.approx(0.9)
    assert data["stations"][1] == {
        "station": 2,
        "operations": [{"id": "c", "time": 4.0}],
        "time": 4.0,
        "idle": 1.0,
    }


def test_smoothness_index_uses_the_longest_station() -> None:
    ops = [Operation("a", 4), Operation("b", 2, ("a",)), Operation("c", 3, ("b",))]
    result = balance_line(ops, 5)
    assert result.station_times == (4, 5)  # a | b, c
    assert result.smoothness_index == pytest.approx(1.0)
    assert result.efficiency == pytest.approx(9 / 10)


def test_float_times_fit_despite_rounding() -> None:
    # 0.1 + 0.1 + 0.1 > 0.3 in binary floating point; the tolerance must let them share
    ops = [Operation("a", 0.1), Operation("b", 0.1, ("a",)), Operation("c", 0.1, ("b",))]
    for method in ("rpw", "exact"):
        result = balance_line(ops, 0.3, method)
        assert result.n_stations == 1
        assert result.theoretical_minimum == 1
        assert result.efficiency == pytest.approx(1.0)


def test_predecessors_given_as_a_list_are_kept_as_a_tuple() -> None:
    op = Operation("b", 1.0, ["a"])  # type: ignore[arg-type]
    assert op.predecessors == ("a",)


def test_node_limit_returns_the_best_found_unproven() -> None:
    ops = instance("JACKSON")
    cut = balance_line(ops, 10, node_limit=0)  # no search at all: the RPW solution
    assert cut.n_stations == 6
    assert not cut.optimal
    assert_feasible(cut, ops, 10)
    assert balance_line(ops, 10).n_stations == 5
    buxey = instance("BUXEY")
    short = balance_line(buxey, 30, node_limit=200)  # the proof needs some 7,000 steps
    assert not short.optimal
    assert short.n_stations >= 12
    assert short.nodes == 201  # stopped at the first step past the limit
    assert_feasible(short, buxey, 30)


# ------------------------------------------------------------------------------ errors


def _error(ops: list[Operation], takt: float = 10, method: str = "exact") -> str:
    with pytest.raises(LeverError) as info:
        balance_line(ops, takt, method)  # type: ignore[arg-type]
    return str(info.value)


def test_a_cycle_is_refused_with_its_members_named() -> None:
    ops = [
        Operation("start", 1),
        Operation("a", 1, ("start", "c")),
        Operation("b", 1, ("a",)),
        Operation("c", 1, ("b",)),
        Operation("end", 1, ("c",)),
    ]
    message = _error(ops)
    assert "operations[1].after[1]" in message
    assert "'a', 'b', 'c' form a precedence cycle (a -> b -> c -> a)" in message
    assert "'start'" not in message and "'end'" not in message


def test_a_self_loop_and_two_separate_cycles_are_each_reported() -> None:
    ops = [
        Operation("x", 1, ("y",)),
        Operation("y", 1, ("x",)),
        Operation("z", 1, ("z",)),
    ]
    message = _error(ops)
    assert "(x -> y -> x)" in message
    assert "operation 'z' comes after itself" in message


def test_an_unknown_predecessor_is_refused() -> None:
    message = _error([Operation("a", 1), Operation("b", 1, ("a", "ghost"))])
    assert "operations[1].after[1]: operation 'b' comes after unknown operation 'ghost'" in message


def test_an_operation_longer_than_the_takt_is_refused() -> None:
    message = _error([Operation("a", 3), Operation("weld", 12, ("a",))], takt=10)
    assert "operations[1].time: operation 'weld' takes 12, longer than the takt time 10" in message
    # exactly the takt is fine
    assert balance_line([Operation("a", 10)], 10).n_stations == 1


def test_bad_times_ids_takt_and_method_are_refused() -> None:
    assert "operation 'a' must take a positive time, got 0" in _error([Operation("a", 0)])
    assert "got -1" in _error([Operation("a", -1)])
    assert "got nan" in _error([Operation("a", math.nan)])
    duplicate = _error([Operation("a", 1), Operation("a", 2)])
    assert "operations[1].id: duplicate operation id 'a' (already used by operations[0])" in (
        duplicate
    )
    assert "takt: the takt time must be a positive number, got 0" in _error([Operation("a", 1)], 0)
    assert "no operations to balance" in _error([])
    assert "unknown balancing method 'magic'" in _error([Operation("a", 1)], method="magic")


def test_every_problem_is_reported_at_once() -> None:
    problems = operation_problems(
        [
            Operation("a", 20, ("b",)),
            Operation("b", -1, ("a", "nowhere")),
        ],
        10,
    )
    paths = [path for path, _ in problems]
    assert paths == [
        "operations[0].time",  # longer than the takt
        "operations[1].time",  # negative
        "operations[1].after[1]",  # unknown
        "operations[0].after[0]",  # the cycle a <-> b, found despite the unknown reference
    ]


# ------------------------------------------------------------------------------ properties


def brute_force_minimum(ops: list[Operation], takt: float) -> int:
    """The optimum by enumeration: every solution is a precedence-feasible sequence cut into
    consecutive stations, and for a fixed sequence filling each station as far as it goes
    (next fit) needs the fewest stations."""
    best = len(ops)
    for order in itertools.permutations(ops):
        done: set[str] = set()
        feasible = True
        for op in order:
            if not done.issuperset(op.predecessors):
                feasible = False
                break
            done.add(op.id)
        if not feasible:
            continue
        stations, load = 1, 0.0
        for op in order:
            if load + op.time > takt:
                stations, load = stations + 1, 0.0
            load += op.time
        best = min(best, stations)
    return best


@st.composite
def small_problems(draw: st.DrawFn, max_ops: int = 7) -> tuple[list[Operation], int]:
    n = draw(st.integers(1, max_ops))
    times = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    density = draw(st.sampled_from([0.0, 0.2, 0.4, 0.7]))
    ops = []
    for j in range(n):
        # edges only from lower to higher numbers: always a DAG
        preds = [str(i) for i in range(j) if draw(st.floats(0, 1)) < density]
        ops.append(Operation(str(j), times[j], tuple(preds)))
    takt = draw(st.integers(max(times), max(times) + sum(times)))
    # shuffle the input order so that it is not always a topological order
    order = draw(st.permutations(range(n)))
    return [ops[k] for k in order], takt


@settings(max_examples=80, deadline=None)
@given(small_problems())
def test_exact_is_optimal_and_rpw_feasible_on_small_graphs(
    problem: tuple[list[Operation], int],
) -> None:
    ops, takt = problem
    exact = balance_line(ops, takt, "exact")
    rpw = balance_line(ops, takt, "rpw")
    assert_feasible(exact, ops, takt)
    assert_feasible(rpw, ops, takt)
    assert exact.optimal
    assert exact.n_stations == brute_force_minimum(ops, takt)
    assert exact.lower_bound <= exact.n_stations <= rpw.n_stations
    for result in (exact, rpw):
        total = sum(op.time for op in ops)
        assert result.efficiency == pytest.approx(total / (result.n_stations * takt))
        assert [bar.total for bar in result.yamazumi.bars] == pytest.approx(
            list(result.station_times)
        )


@settings(max_examples=30, deadline=None)
@given(small_problems(max_ops=14))
def test_exact_never_loses_to_rpw_on_larger_graphs(problem: tuple[list[Operation], int]) -> None:
    ops, takt = problem
    exact = balance_line(ops, takt, "exact")
    rpw = balance_line(ops, takt, "rpw")
    assert_feasible(exact, ops, takt)
    assert exact.n_stations <= rpw.n_stations
    assert exact.optimal
    assert exact.n_stations >= exact.lower_bound >= exact.theoretical_minimum
