"""Round names and descriptions in other languages: `translations` of a round, validated with
the plan's located errors, and carried to the comparison for Russian tables and reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from processfactory.rounds import (
    compare_rounds,
    load_factory,
    parse_round_plan,
    round_scenarios,
)
from processfactory.scenario.loader import ScenarioError

LINE = """\
name: Two benches
time_unit: s
stations:
  - {id: cut, name: Cutting, time: {dist: lognormal, mean: 20, cv: 0.5}}
  - {id: pack, name: Packing, time: {dist: lognormal, mean: 15, cv: 0.5}}
release: {arrivals: {dist: exponential, mean: 30}}
run: {duration: 600, seed: 3, replications: 2}
translations:
  ru:
    name: Два участка
    stations: {cut: Резка, pack: Упаковка}
"""

PLAN = """\
rounds:
  - name: as is
    description: The line as it is.
    translations:
      ru: {name: как есть, description: Линия как она есть.}
  - name: tidy
    translations:
      ru: {name: порядок}
    levers: [five_s]
  - name: quick
    description: Quicker.
    levers: [standard_work]
"""


def test_round_texts_in_a_language_fall_back_to_the_round_own() -> None:
    plan = parse_round_plan(PLAN, source="rounds.yaml")
    assert [r.name_in("ru") for r in plan.rounds] == ["как есть", "порядок", "quick"]
    assert [r.name_in("en") for r in plan.rounds] == ["as is", "tidy", "quick"]
    assert [r.description_in("ru") for r in plan.rounds] == ["Линия как она есть.", "", "Quicker."]
    assert plan.rounds[0].description_in() == "The line as it is."


@pytest.mark.parametrize(
    ("text", "line", "path", "words"),
    [
        (
            "rounds:\n  - name: a\n    translations:\n      ru: {nme: б}\n",
            4,
            "rounds[0].translations.ru.nme",
            "unknown field 'nme' (allowed: name, description); did you mean 'name'?",
        ),
        (
            "rounds:\n  - name: a\n    translations:\n      de: {name: b}\n",
            4,
            "rounds[0].translations.de",
            "'en' or 'ru'",
        ),
        (
            "rounds:\n  - name: a\n    translations: {ru: {name: ''}}\n",
            3,
            "rounds[0].translations.ru.name",
            "at least 1 character",
        ),
    ],
)
def test_bad_translations_are_located(text: str, line: int, path: str, words: str) -> None:
    with pytest.raises(ScenarioError) as info:
        parse_round_plan(text, source="rounds.yaml")
    problem = info.value.problems[0]
    assert (problem.source, problem.line, problem.path) == ("rounds.yaml", line, path), problem
    assert words in problem.message


def test_the_comparison_gives_the_texts_of_a_language(tmp_path: Path) -> None:
    folder = tmp_path / "bench"
    folder.mkdir()
    (folder / "scenario.yaml").write_text(LINE, encoding="utf-8")
    (folder / "rounds.yaml").write_text(PLAN, encoding="utf-8")
    comparison = compare_rounds(folder, replications=1, seed=1, workers=1)
    assert comparison.title == comparison.title_in("en") == "Two benches"
    assert comparison.title_in("ru") == "Два участка"
    assert [r.name for r in comparison.rounds] == ["as is", "tidy", "quick"]
    assert [r.name_in("ru") for r in comparison.rounds] == ["как есть", "порядок", "quick"]
    assert comparison.rounds[0].description_in("ru") == "Линия как она есть."
    # every round's scenario keeps the scenario's translations through the levers
    for rnd in comparison.rounds:
        assert rnd.scenario.station_names("ru") == {"cut": "Резка", "pack": "Упаковка"}
    assert comparison.to_json()["rounds"][0]["name"] == "as is"


@pytest.mark.parametrize("name", ["assembly", "public-office", "penny-fab"])
def test_the_built_in_round_plans_have_russian_texts(name: str) -> None:
    factory = load_factory(name)
    for rnd in factory.plan.rounds:
        assert "Round" not in rnd.name_in("ru")
        assert rnd.name_in("ru") in factory.notes["ru"]  # the notes' round headings
        if rnd.description:
            assert rnd.description_in("ru") != rnd.description


def test_assembly_rounds_are_named_in_russian_and_balancing_drops_the_freed_station() -> None:
    factory = load_factory("assembly")
    assert [r.name_in("ru") for r in factory.plan.rounds] == [
        "Раунд 1: как есть",
        "Раунд 2: 5S, стандартизированная работа",
        "Раунд 3: SMED, защита от ошибок",
        "Раунд 4: сбалансированная поточная ячейка",
        "Раунд 5: вытягивание",
    ]
    scenarios = round_scenarios(factory.scenario, factory.plan)
    assert "shade" in scenarios[2].translations["ru"].stations
    balanced = scenarios[3]  # line balancing frees the shade bench
    assert "shade" not in {st.id for st in balanced.stations}
    assert set(balanced.translations["ru"].stations) == {st.id for st in balanced.stations}
    assert balanced.display_name("ru") == "Сборка настольной лампы"
