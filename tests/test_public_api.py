"""The curated public API: exactly these names, each importable, and importing is light."""

from __future__ import annotations

import subprocess
import sys

import processfactory

EXPECTED = {
    "RunContext",
    "RunRecord",
    "Scenario",
    "ScenarioError",
    "SimulationError",
    "SimulationResult",
    "__version__",
    "apply_levers",
    "compare_rounds",
    "compute_kpis",
    "lever_names",
    "write_debrief_html",
    "write_debrief_xlsx",
    "dump_scenario",
    "library_names",
    "load_scenario",
    "parse_scenario",
    "read_event_log",
    "record_from_event_log",
    "simulate",
    "summarize",
    "write_event_log",
}


def test_it_exports_exactly_the_curated_names() -> None:
    assert set(processfactory.__all__) == EXPECTED


def test_it_resolves_every_exported_name() -> None:
    for name in processfactory.__all__:
        assert getattr(processfactory, name) is not None


def test_it_rejects_unknown_names() -> None:
    try:
        processfactory.no_such_thing  # noqa: B018
    except AttributeError as err:
        assert "no_such_thing" in str(err)
    else:  # pragma: no cover
        raise AssertionError("unknown attribute did not raise")


def test_it_does_not_import_numba_or_django_on_import() -> None:
    code = (
        "import sys, processfactory; "
        "print(any(m.split('.')[0] in {'numba', 'django', 'polars'} for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_core_never_imports_django() -> None:
    from pathlib import Path

    src = Path(processfactory.__file__).parent
    for path in src.rglob("*.py"):
        if "web" in path.relative_to(src).parts:  # the Django app sits on top of the core
            continue
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path
