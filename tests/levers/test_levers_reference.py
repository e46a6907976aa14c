"""docs/levers.md is generated from the LEVER records and is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lever_helpers import module_exists

from processfactory.levers import LEVER_MODULES, get_lever
from processfactory.levers.reference import available_levers, levers_reference_markdown

REPO = Path(__file__).resolve().parents[2]


def test_docs_levers_md_is_generated_from_the_levers() -> None:
    committed = (REPO / "docs" / "levers.md").read_text(encoding="utf-8")
    assert committed == levers_reference_markdown(), (
        "docs/levers.md is stale: run "
        "`.venv/bin/python -m processfactory.levers.reference > docs/levers.md`"
    )


def test_module_entry_point_prints_the_page() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "processfactory.levers.reference"],
        capture_output=True,
        check=True,
        cwd=REPO,
    )
    assert out.stdout.decode("utf-8") == levers_reference_markdown()


def test_every_existing_lever_has_its_section_in_order() -> None:
    page = levers_reference_markdown()
    names = [name for name in LEVER_MODULES if module_exists(name)]
    assert [lever.name for lever in available_levers()] == names
    at = [page.index(f"## {get_lever(n).title}: `{n}`") for n in names]
    assert at == sorted(at)
    for name in names:
        lever = get_lever(name)
        section = page[page.index(f"## {lever.title}: `{name}`") :]
        section = section.split("\n## ", 1)[0]
        # the whole docstring, every declared change and every parameter with its default
        first = (lever.function.__doc__ or "").strip().splitlines()[0].replace("``", "`")
        assert first in section
        for change in lever.changes:
            assert f"- `{change}`" in section
        for field_name, field in lever.params.model_fields.items():
            row = next(
                line for line in section.splitlines() if line.startswith(f"| `{field_name}` |")
            )
            assert (field.description or "").replace("|", "\\|") in row


def test_smed_section_is_exact() -> None:
    page = levers_reference_markdown()
    assert "| `reduction` | number, 0 ≤ x < 1 | `0.75` | Share of the setup time removed" in page
    assert "| `cards` | integer ≥ 1 | `2` |" in page
    assert "| `origin` | [number, number] | — |" in page
    assert "| `detect_at_source` | true/false | `true` |" in page
    assert "- `stations[*].setup.time`\n" in page


def test_a_missing_lever_module_is_skipped_but_a_broken_one_is_not(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(LEVER_MODULES, "ghost", "processfactory.levers.ghost_lever")
    assert [lever.name for lever in available_levers()] == [
        name for name in LEVER_MODULES if name != "ghost" and module_exists(name)
    ]
    # a module that exists but imports something missing is an error, not a skip
    (tmp_path / "broken_lever_for_test.py").write_text("import no_such_dependency_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(LEVER_MODULES, "ghost", "broken_lever_for_test")
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_xyz"):
        available_levers()
