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
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from processfactory.levers import LEVER_MODULES
from processfactory.levers.base import Lever

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


def _num(value: float) -> str:
    return f"{value:g}"


def _bounds(metadata: list[Any]) -> str:
    found: dict[str, float] = {}
    for item in metadata:
        for name in ("ge", "gt", "le", "lt"):
            value = getattr(item, name, None)
            if value is not None:
                found[name] = value
    low = next(((n, s) for n, s in (("ge", "≤"), ("gt", "<")) if n in found), None)
    high = next(((n, s) for n, s in (("le", "≤"), ("lt", "<")) if n in found), None)
    if low is not None and high is not None:
        return f", {_num(found[low[0]])} {low[1]} x {high[1]} {_num(found[high[0]])}"
    if low is not None:
        return f" {'≥' if low[0] == 'ge' else '>'} {_num(found[low[0]])}"
    if high is not None:
        return f" {high[1]} {_num(found[high[0]])}"
    return ""


_PLURAL = {"id": "ids", "text": "texts", "number": "numbers", "integer": "integers"}


def _type_text(tp: Any, metadata: list[Any] | None = None) -> str:
    """Readable type of a parameter (no '|': it would split the table cell)."""
    metadata = list(metadata or [])
    origin, args = get_origin(tp), get_args(tp)
    if origin is Annotated:
        extra = [m for a in args[1:] for m in (a.metadata if isinstance(a, FieldInfo) else [a])]
        return _type_text(args[0], [*metadata, *extra])
    if origin in (Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if len(members) == 1:
            return _type_text(members[0], metadata)
        return " or ".join(_type_text(m) for m in members)
    if origin is Literal:
        words = [f"`{a}`" for a in args]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    if origin is list:
        item = _type_text(args[0])
        return f"list of {_PLURAL.get(item, item)}"
    if origin is dict:
        return f"mapping {_type_text(args[0])} → {_type_text(args[1])}"
    if origin is tuple:
        return "[" + ", ".join(_type_text(a) for a in args) + "]"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "{" + ", ".join(tp.model_fields) + "}"
    if tp is str:
        return "id" if any(getattr(m, "pattern", None) for m in metadata) else "text"
    if tp is bool:
        return "true/false"
    if tp is int:
        return "integer" + _bounds(metadata)
    if tp is float:
        return "number" + _bounds(metadata)
    return getattr(tp, "__name__", str(tp))


def _default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int | float):
        return f"`{_num(value)}`"
    if isinstance(value, BaseModel):
        return "defaults"
    return f"`{value}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _lever_section(lever: Lever[Any]) -> str:
    doc = inspect.cleandoc(lever.function.__doc__ or "").replace("``", "`")
    lines = [f"## {lever.title}: `{lever.name}`", "", doc, "", "**Changes:**", ""]
    lines += [f"- `{path}`" for path in lever.changes]
    lines += ["", "**Parameters:**", ""]
    lines += ["| parameter | type | default | description |", "| --- | --- | --- | --- |"]
    for name, field in lever.params.model_fields.items():
        cells = [
            f"`{name}`",
            _type_text(field.annotation, list(field.metadata)),
            _default_text(field),
            field.description or "",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
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
    lines = ["| lever | tool | what it does |", "| --- | --- | --- |"]
    for lever in levers:
        cells = [f"`{lever.name}`", lever.title, lever.summary.replace("``", "`")]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def levers_reference_markdown() -> str:
    """The Markdown text of ``docs/levers.md``."""
    levers = available_levers()
    return "\n".join([_INTRO, _overview(levers), *(_lever_section(lever) for lever in levers)])


if __name__ == "__main__":
    # bytes, so the page is UTF-8 whatever the terminal's locale
    sys.stdout.buffer.write(levers_reference_markdown().encode("utf-8"))
