"""Semantic checks: each wrong scenario gives its problem at the offending item, and the
scenarios the rules call fine give none."""

from __future__ import annotations

from typing import Any

import pytest

from processfactory.scenario import Scenario, check_scenario


def scenario(**fields: Any) -> Scenario:
    base: dict[str, Any] = {
        "name": "t",
        "stations": [{"id": "a", "time": 1}, {"id": "b", "time": 1}, {"id": "c", "time": 1}],
        "run": {"units": 10},
    }
    return Scenario.model_validate(base | fields)


def stations(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    """Stations a, b, c with the given extra fields merged in, by position."""
    out = [{"id": i, "time": 1} for i in "abc"]
    return [st | more for st, more in zip(out, [*extra, {}, {}, {}], strict=False)]


WRONG = [
    pytest.param(
        {"stations": [{"id": "a", "time": 1}, {"id": "a", "time": 2}]},
        "stations[1].id",
        "duplicate station id 'a'",
        id="duplicate-station",
    ),
    pytest.param(
        {"operators": [{"id": "o", "skills": ["a", "b", "c"]}, {"id": "o", "skills": ["c"]}]},
        "operators[1].id",
        "duplicate operator id 'o'",
        id="duplicate-operator",
    ),
    pytest.param(
        {"products": [{"id": "p"}, {"id": "q"}, {"id": "p"}]},
        "products[2].id",
        "duplicate product id 'p'",
        id="duplicate-product",
    ),
    pytest.param(
        {"products": [{"id": "p", "routing": ["a", "x"]}]},
        "products[0].routing[1]",
        "unknown station 'x'",
        id="routing",
    ),
    pytest.param(
        {"products": [{"id": "p", "routing": []}]},
        "products[0].routing",
        "empty",
        id="empty-routing",
    ),
    pytest.param(
        {"products": [{"id": "p", "times": {"x": 2}}]},
        "products[0].times.x",
        "unknown station 'x'",
        id="times-unknown",
    ),
    pytest.param(
        {"products": [{"id": "p", "routing": ["a", "b"], "times": {"c": 2}}]},
        "products[0].times.c",
        "not on the routing of product 'p'",
        id="times-off-routing",
    ),
    pytest.param(
        {"stations": stations({"defects": {"rate": 0.1, "detected_at": "x"}})},
        "stations[0].defects.detected_at",
        "unknown station 'x'",
        id="detected-unknown",
    ),
    pytest.param(
        {"stations": stations({"defects": {"rate": 0.1, "rework_at": "x"}})},
        "stations[0].defects.rework_at",
        "unknown station 'x'",
        id="rework-unknown",
    ),
    pytest.param(
        {"operators": [{"id": "o", "skills": ["a", "b", "c", "x"]}]},
        "operators[0].skills[3]",
        "unknown station 'x'",
        id="skill-unknown",
    ),
    pytest.param(
        {"operators": [{"id": "o", "skills": ["a", "b", "c"], "start_at": "x"}]},
        "operators[0].start_at",
        "unknown station 'x'",
        id="start-unknown",
    ),
    pytest.param(
        {
            "operators": [
                {"id": "o", "skills": ["a", "b"], "start_at": "c"},
                {"id": "p", "skills": ["c"]},
            ]
        },
        "operators[0].start_at",
        "not one of this group's skills",
        id="start-not-skill",
    ),
    pytest.param(
        {"products": [{"id": "p"}], "release": {"orders": [{"product": "p"}, {"product": "q"}]}},
        "release.orders[1].product",
        "unknown product 'q'",
        id="order-product",
    ),
    pytest.param(
        {"release": {"orders": [{"product": "q"}]}},
        "release.orders[0].product",
        "no products are given",
        id="order-product-without-products",
    ),
    pytest.param(
        {"stations": stations({}, {}, {"defects": {"rate": 0.1, "detected_at": "a"}})},
        "stations[2].defects.detected_at",
        "'a' comes before 'c' on the routing",
        id="detected-before",
    ),
    pytest.param(
        {
            "stations": stations({"defects": {"rate": 0.1, "detected_at": "c"}}),
            "products": [{"id": "p"}, {"id": "q", "routing": ["a", "b"]}],
        },
        "stations[0].defects.detected_at",
        "'c' is not on the routing of product 'q'",
        id="detected-off-routing",
    ),
    pytest.param(
        {"stations": stations({}, {"defects": {"rate": 1.0}})},
        "stations[1].defects.rate",
        "never finishes",
        id="rework-forever",
    ),
    pytest.param(
        {"operators": [{"id": "o", "skills": ["a", "c"]}]},
        "stations[1]",
        "no operator group has 'b'",
        id="unstaffed-station",
    ),
    pytest.param(
        {
            "stations": stations({"defects": {"rate": 0.1, "rework_at": "bench"}})
            + [{"id": "bench", "time": 1}],
            "products": [{"id": "p", "routing": ["a", "b", "c"]}],
            "operators": [{"id": "o", "skills": ["a", "b", "c"]}],
        },
        "stations[3]",
        "no operator group has 'bench'",
        id="unstaffed-rework-bench",
    ),
    pytest.param(
        {"run": {"warmup_units": 5}},
        "run",
        "never stops: with saturated supply",
        id="saturated-no-stop",
    ),
    pytest.param(
        {"release": {"arrivals": {"dist": "exponential", "mean": 2}}, "run": {}},
        "run",
        "never stops: with random arrivals",
        id="arrivals-no-stop",
    ),
    pytest.param(
        {
            "products": [{"id": "p", "routing": ["a", "b"]}],
            "operators": [{"id": "o", "skills": ["a", "b"]}, {"id": "idle", "skills": ["c"]}],
        },
        "operators[1].skills",
        "'idle' covers no station",
        id="idle-operator",
    ),
    pytest.param(
        {"stations": stations({}, {"process_batch": 9}), "release": {"policy": "conwip", "cap": 8}},
        "stations[1].process_batch",
        "CONWIP cap 8",
        id="conwip-process-batch",
    ),
    pytest.param(
        {"stations": stations({"transfer_batch": 10}), "release": {"policy": "conwip", "cap": 8}},
        "stations[0].transfer_batch",
        "transfer batch 10",
        id="conwip-transfer-batch",
    ),
    pytest.param(
        {
            "stations": stations({"kanban": 2, "process_batch": 3}),
            "release": {"policy": "kanban"},
        },
        "stations[0].kanban",
        "fewer than the process batch 3",
        id="kanban-process-batch",
    ),
    pytest.param(
        {
            "stations": stations({"kanban": 4}, {"kanban": 2, "transfer_batch": 5}),
            "release": {"policy": "kanban"},
        },
        "stations[1].kanban",
        "fewer than the transfer batch 5",
        id="kanban-transfer-batch",
    ),
    pytest.param(
        {"stations": stations({}, {"kanban": 2})},
        "stations[1].kanban",
        "kanban cards are only used with release policy 'kanban'",
        id="kanban-without-policy",
    ),
    pytest.param(
        {"release": {"policy": "kanban"}},
        "release.policy",
        "needs kanban cards",
        id="kanban-policy-without-cards",
    ),
    pytest.param(
        {"stations": stations({"position": [0, 0]}, {"position": [5, 0]})},
        "stations[2]",
        "station 'c' has no position",
        id="partial-positions",
    ),
    pytest.param(
        {"layout": {"transport": True}},
        "layout.transport",
        "needs distances",
        id="transport-without-positions",
    ),
]


@pytest.mark.parametrize(("fields", "path", "message"), WRONG)
def test_wrong_scenario_gives_its_problem(fields: dict[str, Any], path: str, message: str) -> None:
    found = check_scenario(scenario(**fields))
    assert [p for p, m in found if message in m] == [path], found


FINE = [
    pytest.param({}, id="plain-line"),
    pytest.param({"release": {"orders": [{"quantity": 5}]}, "run": {}}, id="orders-without-stop"),
    pytest.param(
        {"release": {"orders": [{"quantity": 5}]}, "demand": {"units": 5, "period": 60}},
        id="demand-with-orders",
    ),
    pytest.param({"run": {"units": 10, "warmup_units": 50}}, id="warmup-beyond-units"),
    pytest.param({"run": {"duration": 480}}, id="duration-only"),
    pytest.param({"products": [{"id": "p", "share": 7}]}, id="share-of-single-product"),
    pytest.param(
        {
            "stations": stations({"defects": {"rate": 0.1, "detected_at": "c", "rework_at": "a"}}),
            "products": [{"id": "p"}, {"id": "q", "routing": ["b", "c"]}],
        },
        id="detection-downstream-and-product-skipping-the-defect-station",
    ),
    pytest.param(
        {"stations": stations({}, {"defects": {"rate": 1.0, "action": "scrap"}})}, id="scrap-all"
    ),
    pytest.param(
        {
            "stations": stations({"kanban": 3, "process_batch": 3}),
            "release": {"policy": "kanban"},
        },
        id="kanban-equal-to-batch",
    ),
    pytest.param(
        {"stations": stations({}, {"process_batch": 8}), "release": {"policy": "conwip", "cap": 8}},
        id="conwip-cap-equal-to-batch",
    ),
    pytest.param(
        {
            "stations": stations({"position": [0, 0]}, {"position": [4, 0]}, {"position": [4, 3]}),
            "layout": {"transport": True},
        },
        id="full-layout",
    ),
    pytest.param(
        {"operators": [{"id": "shared", "count": 2, "skills": ["c", "a", "b"], "start_at": "a"}]},
        id="one-shared-group",
    ),
]


@pytest.mark.parametrize("fields", FINE)
def test_sound_scenario_has_no_problems(fields: dict[str, Any]) -> None:
    assert check_scenario(scenario(**fields)) == []
