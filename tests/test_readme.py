"""The README's quick-start snippet runs and its assertions hold."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_it_has_a_python_quick_start() -> None:
    snippets = python_snippets()
    assert snippets, "README has no python snippet"
    assert "pf.simulate" in snippets[0]


def test_it_runs_the_quick_start_snippet(capsys) -> None:
    exec(compile(python_snippets()[0], str(README), "exec"), {})
    assert "lead time" in capsys.readouterr().out


def test_it_documents_both_make_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text


def test_it_runs_the_debrief_snippet(tmp_path, monkeypatch) -> None:
    snippet = next(s for s in python_snippets() if "compare_rounds" in s)
    monkeypatch.chdir(tmp_path)
    exec(compile(snippet, str(README), "exec"), {})
    html = (tmp_path / "debrief.html").read_text(encoding="utf-8")
    assert '<html lang="ru"' in html and "Penny Fab" in html
    assert (tmp_path / "debrief.xlsx").read_bytes()[:2] == b"PK"
