"""The lever reference page (``docs/levers.md``), generated from the ``LEVER`` records.

Each lever's section is its title, the full docstring of its function, the scenario fields it
may change (``Lever.changes``) and a table of its parameters built from the params model, so
the page cannot drift from the code; a test compares the committed page with this output.
Regenerate it with::

    .venv/bin/python -m processfactory.levers.reference > docs/levers.md
"""

from __future__ import annotations

import importlib
import inspect
import sys
from typing import Any

from pydantic import BaseModel

from processfactory.levers import LEVER_MODULES
from processfactory.levers.base import Lever
from processfactory.scenario.reference import TypeText, default_text, number_text, table_lines

_INTRO = """\
# Lean levers

A lever is a lean tool written as a pure function from a scenario to a new scenario: it
changes a few fields of the process (times, batches, layout, release policy, ...) the way the
tool changes the real process, and leaves everything else as it was. Levers compose: a round
plan applies them in order, each to the result of the one before.

```python
from processfactory.levers import apply_levers
better = apply_levers(scenario, ["five_s", ("smed", {"reduction": 0.8})])
```

In a round plan written in YAML a step is `{lever: smed, reduction: 0.8}`. Parameters are
validated like a scenario (unknown or out-of-range values are errors), and every lever's result
passes the same validation as a scenario file (the model and the semantic checks of
[the scenario reference](scenario.md#checks)): a lever that does not fit a scenario (SMED on a
line without setups, kanban on a line that reworks defects) stops with an error saying why, and
what to do first. Most levers act on every station they apply to; `stations` limits them to
some (naming a station the lever cannot act on is an error).

"Changes" lists the scenario fields a lever may change, as paths in the scenario (`[*]` is any
item of a list; a path covers everything below it). The tests apply every lever and check that
it changed nothing else.

*This page is generated from the levers by `python -m processfactory.levers.reference`; do not
edit it by hand.*
"""


class _ParamTypeText(TypeText):
    """Types as the lever page writes them: bounds as ``0 ≤ x < 1``, lists with a plural item,
    nested models by their fields."""

    _PLURAL = {"id": "ids", "text": "texts", "number": "numbers", "integer": "integers"}

    def bounds(self, metadata: list[Any]) -> str:
        found = self.limits(metadata)
        low = next(((n, s) for n, s in (("ge", "≤"), ("gt", "<")) if n in found), None)
        high = next(((n, s) for n, s in (("le", "≤"), ("lt", "<")) if n in found), None)
        if low is not None and high is not None:
            low_text, high_text = number_text(found[low[0]]), number_text(found[high[0]])
            return f", {low_text} {low[1]} x {high[1]} {high_text}"
        if low is not None:
            return f" {'≥' if low[0] == 'ge' else '>'} {number_text(found[low[0]])}"
        if high is not None:
            return f" {high[1]} {number_text(found[high[0]])}"
        return ""

    def list_of(self, item: Any, metadata: list[Any]) -> str:
        words = self(item)
        return f"list of {self._PLURAL.get(words, words)}"

    def model(self, model: type[BaseModel]) -> str:
        return "{" + ", ".join(model.model_fields) + "}"


_type_text = _ParamTypeText()


def _lever_section(lever: Lever[Any]) -> str:
    doc = inspect.cleandoc(lever.function.__doc__ or "").replace("``", "`")
    lines = [f"## {lever.title}: `{lever.name}`", "", doc, "", "**Changes:**", ""]
    lines += [f"- `{path}`" for path in lever.changes]
    lines += ["", "**Parameters:**", ""]
    lines += table_lines(
        ("parameter", "type", "default", "description"),
        (
            [
                f"`{name}`",
                _type_text(field.annotation, list(field.metadata)),
                default_text(field),
                field.description or "",
            ]
            for name, field in lever.params.model_fields.items()
        ),
    )
    return "\n".join(lines) + "\n"


def available_levers() -> list[Lever[Any]]:
    """The ``LEVER`` record of every lever module that exists, in ``LEVER_MODULES`` order.

    A lever module not written yet (its module is missing) is skipped; any other import error
    is raised.
    """
    out: list[Lever[Any]] = []
    for module_name in LEVER_MODULES.values():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        lever: Lever[Any] = module.LEVER
        out.append(lever)
    return out


def _overview(levers: list[Lever[Any]]) -> str:
    lines = table_lines(
        ("lever", "tool", "what it does"),
        ([f"`{lever.name}`", lever.title, lever.summary.replace("``", "`")] for lever in levers),
    )
    return "\n".join(lines) + "\n"


def levers_reference_markdown() -> str:
    """The Markdown text of ``docs/levers.md``."""
    levers = available_levers()
    return "\n".join([_INTRO, _overview(levers), *(_lever_section(lever) for lever in levers)])


if __name__ == "__main__":
    # bytes, so the page is UTF-8 whatever the terminal's locale
    sys.stdout.buffer.write(levers_reference_markdown().encode("utf-8"))
