"""Display texts in other languages: the optional `translations` of a scenario, validated and
located like every other field, with fallbacks to the scenario's own texts."""

from __future__ import annotations

from textwrap import dedent

import pytest

from processfactory.scenario import Problem, ScenarioError, parse_scenario
from processfactory.scenario.loader import load_scenario

LINE = """\
name: Two benches
description: Cut, then pack.
stations:
  - {id: cut, name: Cutting, time: 1}
  - {id: pack, time: 1}
run: {units: 5}
"""


def _parse(extra: str) -> object:
    return parse_scenario(LINE + dedent(extra).lstrip("\n"), source="s.yaml")


def _problems(extra: str) -> list[Problem]:
    with pytest.raises(ScenarioError) as info:
        _parse(extra)
    return info.value.problems


def test_texts_in_a_language_fall_back_to_the_scenario_own() -> None:
    scn = parse_scenario(
        LINE
        + dedent(
            """\
            translations:
              ru:
                name: Два участка
                stations: {cut: Резка}
            """
        ),
        source="s.yaml",
    )
    assert scn.display_name("ru") == "Два участка"
    assert scn.display_name("en") == scn.display_name() == "Two benches"
    assert scn.display_description("ru") == "Cut, then pack."  # not translated: the own text
    assert scn.station_name("cut", "ru") == "Резка"
    assert scn.station_name("cut", "en") == "Cutting"
    assert scn.station_name("pack", "ru") == "pack"  # neither translated nor named: the id
    assert scn.station_name("gone", "ru") == "gone"
    assert scn.station_names("ru") == {"cut": "Резка", "pack": "pack"}
    assert scn.translation("de") is None


def test_a_scenario_without_translations_is_unchanged() -> None:
    scn = parse_scenario(LINE, source="s.yaml")
    assert scn.translations == {}
    assert scn.display_name("ru") == "Two benches"
    assert scn.station_names("ru") == {"cut": "Cutting", "pack": "pack"}


def test_an_unknown_station_id_is_located_at_its_name() -> None:
    [problem] = _problems(
        """
        translations:
          ru:
            stations:
              cut: Резка
              sew: Шитьё
        """
    )
    assert (problem.source, problem.path) == ("s.yaml", "translations.ru.stations.sew")
    assert (problem.line, problem.column) == (11, 12)
    assert "unknown station 'sew' (stations: cut, pack)" in problem.message


def test_an_unknown_language_and_an_unknown_field_are_located() -> None:
    problems = _problems(
        """
        translations:
          de: {name: Zwei Werkbänke}
          ru: {nam: Два участка}
        """
    )
    assert [p.line for p in problems] == [8, 9]
    assert "'en' or 'ru'" in problems[0].message
    assert problems[1].path == "translations.ru.nam"
    assert problems[1].message.startswith("unknown field 'nam' (allowed: name, description,")


def test_empty_names_are_refused() -> None:
    [problem] = _problems(
        """
        translations:
          ru: {stations: {cut: ""}}
        """
    )
    assert problem.path == "translations.ru.stations.cut"


@pytest.mark.parametrize("name", ["assembly", "public-office", "penny-fab"])
def test_the_built_in_factories_name_everything_in_russian(name: str) -> None:
    scn = load_scenario(name)
    ru = scn.translations["ru"]
    assert ru.description and ru.description != scn.description
    assert set(ru.stations) == {st.id for st in scn.stations}
    for st in scn.stations:
        assert scn.station_name(st.id, "ru") != (st.name or st.id)
    assert scn.display_name("ru") != scn.name or name == "penny-fab"
