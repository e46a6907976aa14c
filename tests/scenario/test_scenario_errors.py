"""Problems in a scenario are reported with file, line, column and path, all at once."""

from __future__ import annotations

import pickle
from textwrap import dedent

import pytest
import yaml

from processfactory.scenario import Problem, ScenarioError, parse_scenario
from processfactory.scenario.loader import library_names, library_path


def problems(text: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(dedent(text).lstrip("\n"), source="s.yaml")
    return info.value.problems


def only(text: str) -> Problem:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def test_problem_text_has_file_line_column_path_and_message() -> None:
    problem = Problem(
        "reference.yaml", 12, 5, "stations[1].time.mean", "Input should be greater than 0"
    )
    assert (
        str(problem) == "reference.yaml:12:5: stations[1].time.mean: Input should be greater than 0"
    )
    assert str(Problem("a.yaml", None, None, "", "empty")) == "a.yaml: empty"
    assert str(Problem("a.yaml", 3, None, "run", "m")) == "a.yaml:3: run: m"


def test_scenario_error_is_a_value_error_with_one_line_per_problem() -> None:
    err = ScenarioError([Problem("a", 1, 1, "x", "one"), Problem("a", 2, 1, "", "two")])
    assert isinstance(err, ValueError)
    assert str(err) == "a:1:1: x: one\na:2:1: two"
    assert pickle.loads(pickle.dumps(err)).problems == err.problems


def test_unclosed_bracket_points_at_the_bracket() -> None:
    problem = only(
        """
        name: x
        stations: [{id: a, time: 1}
        """
    )
    assert (problem.line, problem.column, problem.path) == (2, 11, "")
    assert "never closed" in problem.message


def test_unclosed_bracket_before_more_text_names_both_places() -> None:
    problem = only(
        """
        name: x
        stations: [{id: a, time: 1}
        run: {units: 5}
        """
    )
    assert (problem.line, problem.column) == (3, 1)
    assert "line 2, column 11" in problem.message and "']'" in problem.message


def test_tab_indentation_is_broken_yaml() -> None:
    problem = only("name: x\n\tstations: []\n")
    assert problem.line == 2 and problem.message.startswith("broken YAML")


def test_unknown_field_lists_the_allowed_ones() -> None:
    problem = only(
        """
        name: x
        stations:
          - id: a
            time: 1
            bufer: 3
        run: {units: 5}
        """
    )
    assert (problem.line, problem.column, problem.path) == (5, 5, "stations[0].bufer")
    assert problem.message.startswith(
        "unknown field 'bufer' (allowed: id, name, time, servers, buffer, value_added,"
    )
    assert "did you mean 'buffer'?" in problem.message


def test_negative_time_mean_is_located_at_the_mean() -> None:
    problem = only(
        """
        name: x
        stations:
          - {id: a, time: 1}
          - id: b
            time:
              dist: lognormal
              mean: -1
              cv: 0.5
        run: {units: 5}
        """
    )
    assert (problem.line, problem.column, problem.path) == (7, 13, "stations[1].time.mean")
    assert (
        str(problem) == "s.yaml:7:13: stations[1].time.mean: Input should be greater than 0, got -1"
    )


def test_negative_bare_number_time() -> None:
    problem = only("name: x\nstations: [{id: a, time: -2}]\nrun: {units: 5}\n")
    assert (problem.line, problem.path) == (2, "stations[0].time")
    assert "greater than or equal to 0" in problem.message


def test_negative_buffer() -> None:
    problem = only(
        """
        name: x
        stations:
          - {id: a, time: 1}
          - {id: b, time: 1, buffer: -1}
        run: {units: 5}
        """
    )
    assert (problem.line, problem.path) == (4, "stations[1].buffer")
    assert "greater than or equal to 0" in problem.message and "got -1" in problem.message


def test_routing_naming_a_missing_station() -> None:
    problem = only(
        """
        name: x
        stations:
          - {id: a, time: 1}
          - {id: b, time: 1}
        products:
          - id: p
            routing: [a, bb]
        run: {units: 5}
        """
    )
    assert (problem.line, problem.path) == (7, "products[0].routing[1]")
    assert "unknown station 'bb'" in problem.message and "a, b" in problem.message


def test_defect_rate_one_with_rework_never_finishes() -> None:
    problem = only(
        """
        name: x
        stations:
          - {id: a, time: 1}
          - id: b
            time: 1
            defects:
              rate: 1
        run: {units: 5}
        """
    )
    assert (problem.line, problem.path) == (7, "stations[1].defects.rate")
    assert "never finishes" in problem.message


def test_operator_whose_skills_cover_no_station() -> None:
    problem = only(
        """
        name: x
        stations:
          - {id: a, time: 1}
          - {id: b, time: 1}
        products: [{id: p, routing: [a]}]
        operators:
          - {id: left, skills: [a]}
          - {id: right, skills: [b]}
        run: {units: 5}
        """
    )
    assert (problem.line, problem.path) == (8, "operators[1].skills")
    assert "'right' covers no station" in problem.message


def test_saturated_release_without_stop_condition() -> None:
    problem = only(
        """
        name: x
        stations: [{id: a, time: 1}]
        release: {policy: push, arrivals: saturated}
        run: {seed: 3}
        """
    )
    assert (problem.line, problem.path) == (4, "run")
    assert "never stops" in problem.message


def test_conwip_cap_below_a_process_batch_deadlocks() -> None:
    problem = only(
        """
        name: x
        stations:
          - {id: a, time: 1}
          - id: oven
            time: 10
            process_batch: 12
        release: {policy: conwip, cap: 8}
        run: {units: 5}
        """
    )
    assert (problem.line, problem.path) == (6, "stations[1].process_batch")
    assert "CONWIP cap 8" in problem.message and "deadlock" in problem.message


def test_duplicate_yaml_key() -> None:
    problem = only(
        """
        name: x
        stations:
          - id: a
            time: 1
            buffer: 2
            buffer: 3
        run: {units: 5}
        """
    )
    assert (problem.line, problem.column, problem.path) == (6, 5, "stations[0].buffer")
    assert "duplicate key 'buffer' (first given at line 5)" in problem.message


def test_several_problems_are_reported_together_in_line_order() -> None:
    found = problems(
        """
        name: x
        stations:
          - {id: a, time: {dist: exponential, mean: 0}}
          - {id: b, time: 1, buffer: -1, bufer: 2}
        release: {policy: pull}
        """
    )
    assert [(p.line, p.path) for p in found] == [
        (3, "stations[0].time.mean"),
        (4, "stations[1].buffer"),
        (4, "stations[1].bufer"),
        (5, "release.policy"),
    ]
    assert all(p.source == "s.yaml" for p in found)


def test_several_semantic_problems_are_reported_together() -> None:
    found = problems(
        """
        name: x
        stations:
          - {id: a, time: 1}
          - {id: a, time: 1}
        operators: [{id: o, skills: [a, zz]}]
        """
    )
    # `run` is absent, so its problem points at the document start
    assert [(p.line, p.path) for p in found] == [
        (1, "run"),
        (4, "stations[1].id"),
        (5, "operators[0].skills[1]"),
    ]
    assert "duplicate station id 'a'" in found[1].message


def test_field_errors_and_reference_errors_are_reported_in_one_reading() -> None:
    found = problems(
        """
        name: x
        stations:
          - {id: a, time: {dist: lognormal, mean: 1}}
          - {id: b, time: 1, bufer: 2}
          - {id: b, time: 1}
        operators:
          - {id: broken, skills: []}
          - {id: o, count: 0, skills: [a, zz]}
        products:
          - {id: p, share: -1, routing: [a, c]}
        release: {policy: push, orders: [{product: q}], colour: red}
        run: {units: 10}
        """
    )
    assert [(p.line, p.path) for p in found] == [
        (3, "stations[0].time.cv"),
        (4, "stations[1].bufer"),
        (5, "stations[2].id"),
        (7, "operators[0].skills"),
        (8, "operators[1].count"),
        # the operator before it is left out, and this one still has its own index
        (8, "operators[1].skills[1]"),
        (10, "products[0].share"),
        (10, "products[0].routing[1]"),
        (11, "release.orders[0].product"),
        (11, "release.colour"),
    ]
    assert found[2].message == "duplicate station id 'b' (already used by stations[1])"
    assert "unknown station 'zz'" in found[5].message
    assert "unknown station 'c'" in found[7].message
    assert "unknown product 'q'" in found[8].message


def test_a_broken_station_is_still_known_by_its_id() -> None:
    # the routing, the skills and the rework all name `b`, whose own time is wrong: one problem
    found = only(
        """
        name: x
        stations:
          - {id: a, time: 1, defects: {rate: 0.1, action: rework, rework_at: b}}
          - {id: b, time: {dist: gamma, mean: -2, cv: 1}}
        operators: [{id: o, skills: [b, a]}]
        products: [{id: p, routing: [a, b], times: {b: 2}}]
        run: {units: 10}
        """
    )
    assert found.path == "stations[1].time.mean"


def test_checks_that_need_the_whole_scenario_wait_for_it() -> None:
    # the first operator's skills are broken, so it is left out: `a` is not then said to lack one
    found = only(
        """
        name: x
        stations: [{id: a, time: 1}, {id: b, time: 1}]
        operators: [{id: o, skills: a}, {id: p, skills: [b]}]
        run: {units: 10}
        """
    )
    assert found.path == "operators[0].skills"


@pytest.mark.parametrize("name", library_names())
def test_one_broken_time_in_a_built_in_scenario_is_its_only_problem(name: str) -> None:
    data = yaml.safe_load(library_path(name).read_text(encoding="utf-8"))
    data["stations"][-1]["time"] = {"dist": "exponential", "mean": -1}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(yaml.safe_dump(data, allow_unicode=True), source="s.yaml")
    paths = [p.path for p in info.value.problems]
    assert paths == [f"stations[{len(data['stations']) - 1}].time.mean"]


def test_missing_field_points_at_the_mapping_that_lacks_it() -> None:
    problem = only(
        """
        name: x
        stations:
          - id: a
            buffer: 2
        run: {units: 5}
        """
    )
    assert (problem.line, problem.column, problem.path) == (3, 5, "stations[0].time")
    assert problem.message == "missing required field 'time'"


def test_missing_distribution_parameter_names_the_distribution() -> None:
    problem = only(
        "name: x\nstations: [{id: a, time: {dist: lognormal, mean: 1}}]\nrun: {units: 1}\n"
    )
    assert problem.path == "stations[0].time.cv"
    assert problem.message == "distribution 'lognormal' needs 'cv'"


def test_unknown_distribution_lists_the_known_ones() -> None:
    problem = only(
        "name: x\nstations: [{id: a, time: {dist: weibull, mean: 1}}]\nrun: {units: 1}\n"
    )
    assert problem.path == "stations[0].time"
    assert problem.message.startswith("unknown distribution 'weibull' (allowed: deterministic,")


def test_arrivals_typo_gets_one_problem_naming_both_choices() -> None:
    problem = only(
        "name: x\nstations: [{id: a, time: 1}]\nrelease: {arrivals: saturate}\nrun: {units: 1}\n"
    )
    assert (problem.line, problem.path) == (3, "release.arrivals")
    assert "'saturated' or a time distribution" in problem.message
    assert problem.message.endswith("got 'saturate'")


def test_arrivals_distribution_error_is_not_drowned_by_the_literal() -> None:
    problem = only(
        "name: x\nstations: [{id: a, time: 1}]\n"
        "release: {arrivals: {dist: exponential, mean: -3}}\nrun: {units: 1}\n"
    )
    assert problem.path == "release.arrivals.mean"
    assert "greater than 0" in problem.message


def test_model_level_rule_is_reported_without_its_prefix() -> None:
    problem = only(
        "name: x\nstations: [{id: a, time: 1}]\nrelease:\n  policy: conwip\nrun: {units: 1}\n"
    )
    assert (problem.line, problem.path) == (4, "release")
    assert problem.message == "policy 'conwip' needs a cap (most units in the line)"


def test_invalid_id_says_what_an_id_may_contain() -> None:
    problem = only("name: x\nstations: [{id: 'station 1', time: 1}]\nrun: {units: 1}\n")
    assert problem.path == "stations[0].id"
    assert "letters, digits" in problem.message


def test_top_level_must_be_a_mapping() -> None:
    problem = only("- a\n- b\n")
    assert (problem.line, problem.path) == (1, "")
    assert "mapping" in problem.message


def test_empty_document() -> None:
    assert "empty" in only("# nothing yet\n").message


def test_setup_on_is_a_key_not_a_yaml_boolean() -> None:
    scn = parse_scenario(
        "name: x\nstations: [{id: a, time: 1, setup: {time: 2, on: batch}, value_added: no}]\n"
        "run: {units: 1}\n"
    )
    assert scn.stations[0].setup is not None and scn.stations[0].setup.on == "batch"
    assert scn.stations[0].value_added is False


def test_merge_keys_point_at_the_overriding_value() -> None:
    problem = only(
        """
        name: x
        stations:
          - &std {id: a, time: 1, buffer: 3}
          - {<<: *std, id: b, buffer: -1}
        run: {units: 5}
        """
    )
    assert (problem.line, problem.column, problem.path) == (4, 31, "stations[1].buffer")


def test_control_character_is_located_although_yaml_gives_no_mark() -> None:
    problem = only("name: x\nstations: \x07\n")
    assert (problem.line, problem.column) == (2, 11)
    assert "#x0007" in problem.message


def test_a_second_yaml_document_is_broken_yaml() -> None:
    problem = only("name: x\n---\nname: y\n")
    assert problem.line == 2 and "single document" in problem.message
