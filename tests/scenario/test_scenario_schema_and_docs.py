"""The JSON schema describes the files the loader accepts; docs/scenario.md is up to date."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from processfactory.scenario import Distribution, library_names, library_path, scenario_json_schema
from processfactory.scenario.reference import DIST_EXAMPLES, scenario_reference_markdown

REPO = Path(__file__).resolve().parents[2]


def _mini_errors(
    schema: dict[str, Any], data: Any, root: dict[str, Any], at: str = ""
) -> list[str]:
    """Errors of ``data`` against the JSON Schema keywords pydantic emits (no jsonschema here)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return _mini_errors(root["$defs"][name], data, root, at)
    if "anyOf" in schema:
        branches = [_mini_errors(s, data, root, at) for s in schema["anyOf"]]
        return [] if any(not b for b in branches) else [f"{at}: no anyOf branch matches"]
    if "oneOf" in schema:
        ok = sum(not _mini_errors(s, data, root, at) for s in schema["oneOf"])
        return [] if ok == 1 else [f"{at}: {ok} oneOf branches match"]
    errors: list[str] = []
    kinds = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "null": type(None),
        "integer": int,
        "number": (int, float),
    }
    kind = schema.get("type")
    if kind is not None:
        is_bool = isinstance(data, bool)
        if not isinstance(data, kinds[kind]) or (is_bool and kind in ("integer", "number")):
            return [f"{at}: not {kind}"]
    if "const" in schema and data != schema["const"]:
        errors.append(f"{at}: not {schema['const']!r}")
    if "enum" in schema and data not in schema["enum"]:
        errors.append(f"{at}: not in enum")
    if isinstance(data, int | float) and not isinstance(data, bool):
        if "minimum" in schema and data < schema["minimum"]:
            errors.append(f"{at}: below minimum")
        if "exclusiveMinimum" in schema and data <= schema["exclusiveMinimum"]:
            errors.append(f"{at}: not above exclusiveMinimum")
        if "maximum" in schema and data > schema["maximum"]:
            errors.append(f"{at}: above maximum")
    if isinstance(data, str) and "pattern" in schema and not re.search(schema["pattern"], data):
        errors.append(f"{at}: pattern")
    if isinstance(data, dict):
        props = schema.get("properties", {})
        errors += [f"{at}.{k}: required" for k in schema.get("required", []) if k not in data]
        for key, value in data.items():
            if key in props:
                errors += _mini_errors(props[key], value, root, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{at}.{key}: not allowed")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += _mini_errors(schema["additionalProperties"], value, root, f"{at}.{key}")
    if isinstance(data, list):
        if len(data) < schema.get("minItems", 0) or len(data) > schema.get("maxItems", len(data)):
            errors.append(f"{at}: item count")
        prefix = schema.get("prefixItems", [])
        for i, item in enumerate(data):
            sub = prefix[i] if i < len(prefix) else schema.get("items")
            if isinstance(sub, dict):
                errors += _mini_errors(sub, item, root, f"{at}[{i}]")
    return errors


def schema_errors(data: Any) -> list[str]:
    schema = scenario_json_schema()
    try:
        import jsonschema
    except ImportError:
        return _mini_errors(schema, data, schema)
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors(data)]


def test_schema_is_json_with_the_scenario_sections() -> None:
    schema = json.loads(json.dumps(scenario_json_schema()))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]
    assert schema["type"] == "object"
    assert {"stations", "release", "run"} <= set(schema["properties"])
    assert set(schema["required"]) == {"name", "stations"}
    assert {"Station", "Release", "RunControl", "LogNormal"} <= set(schema["$defs"])


def test_schema_admits_a_bare_number_where_a_distribution_goes() -> None:
    time = scenario_json_schema()["$defs"]["Station"]["properties"]["time"]
    assert {"type": "number", "minimum": 0} in time["anyOf"]


@pytest.mark.parametrize("name", library_names())
def test_schema_accepts_library_scenarios(name: str) -> None:
    data = yaml.safe_load(library_path(name).read_text(encoding="utf-8"))
    assert schema_errors(data) == []


def test_schema_accepts_bare_numbers_and_rejects_unknown_fields() -> None:
    good = {"name": "x", "stations": [{"id": "a", "time": 2.5}], "release": {"arrivals": 3}}
    assert schema_errors(good) == []
    assert schema_errors({"name": "x", "stations": [{"id": "a", "time": 2.5, "bufer": 3}]})
    assert schema_errors({"name": "x", "stations": [{"id": "a", "time": -1}]})
    assert schema_errors({"name": "x", "stations": [{"id": "a", "time": {"dist": "weibull"}}]})


def test_docs_scenario_md_is_generated_from_the_model() -> None:
    committed = (REPO / "docs" / "scenario.md").read_text(encoding="utf-8")
    assert committed == scenario_reference_markdown(), (
        "docs/scenario.md is stale: run "
        "`.venv/bin/python -m processfactory.scenario.reference > docs/scenario.md`"
    )


def test_reference_covers_every_model_and_distribution() -> None:
    text = scenario_reference_markdown()
    for section in [
        "Scenario",
        "Station",
        "Setup",
        "Defects",
        "Breakdowns",
        "Operator",
        "Layout",
        "Product",
        "Order",
        "Release",
        "Demand",
        "Costs",
        "RunControl",
        "Time distributions",
        "Example",
    ]:
        assert f"\n## {section}\n" in text
    assert (
        "| `buffer_footprint` | number ≥ 0 | `0` | Floor area of its waiting place (m²). |" in text
    )
    assert "a unit is released when the first station takes it" in text
    assert "whenever the\n  line is below its cap" in text
    assert library_path("reference-line").read_text(encoding="utf-8") in text + "\n"


def test_every_distribution_example_in_the_reference_is_valid() -> None:
    adapter: TypeAdapter[object] = TypeAdapter(Distribution)
    tags = set()
    for tag, example in DIST_EXAMPLES.items():
        for snippet in re.findall(r"`([^`]+)`", example):
            dist = adapter.validate_python(yaml.safe_load(snippet))
            assert dist.dist == tag
            tags.add(tag)
    assert tags == {
        "deterministic",
        "uniform",
        "triangular",
        "exponential",
        "normal",
        "lognormal",
        "gamma",
        "empirical",
    }


def test_library_is_shipped_as_package_data() -> None:
    import tomllib

    globs = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["processfactory"]
    package = REPO / "src" / "processfactory"
    shipped = {path for pattern in globs for path in package.glob(pattern)}
    for name in library_names():
        path = library_path(name)
        # a flat scenario sits in library/, a factory's scenario in library/<name>/
        assert "library" in (path.parent.name, path.parent.parent.name)
        folder = path.parent if path.name == "scenario.yaml" else None
        files = list(folder.iterdir()) if folder is not None else [path]
        assert all(f in shipped for f in files if f.is_file()), name
