"""The scenario reference page (``docs/scenario.md``), generated from the pydantic models.

The tables come from the models' field types, defaults and descriptions, so the page cannot
drift from what the loader accepts; a test compares the committed page with this output.
Regenerate it with::

    .venv/bin/python -m processfactory.scenario.reference > docs/scenario.md
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AliasChoices, BaseModel
from pydantic.fields import FieldInfo

from processfactory.scenario.distributions import Distribution
from processfactory.scenario.loader import library_path
from processfactory.scenario.model import (
    Breakdowns,
    Costs,
    Defects,
    Demand,
    Identifier,
    Layout,
    Operator,
    Order,
    Product,
    Release,
    RunControl,
    Scenario,
    Setup,
    Station,
    Translation,
)

SECTIONS: list[type[BaseModel]] = [
    Scenario,
    Station,
    Setup,
    Defects,
    Breakdowns,
    Operator,
    Layout,
    Product,
    Order,
    Release,
    Demand,
    Costs,
    RunControl,
    Translation,
]

DIST_EXAMPLES: dict[str, str] = {
    "deterministic": "`2.5` or `{dist: deterministic, value: 2.5}`",
    "uniform": "`{dist: uniform, low: 1, high: 3}`",
    "triangular": "`{dist: triangular, low: 1, mode: 1.5, high: 3}`",
    "exponential": "`{dist: exponential, mean: 4}`",
    "normal": "`{dist: normal, mean: 2, cv: 0.2}`",
    "lognormal": "`{dist: lognormal, mean: 1.2, cv: 0.5}`",
    "gamma": "`{dist: gamma, mean: 3, cv: 0.7}`",
    "empirical": "`{dist: empirical, values: [1.2, 1.4, 1.1, 2.0]}`",
}

_INTRO = """\
# Scenario reference

A scenario describes a process as data: its stations in routing order, their times and waiting
places, the people who work there, the floor layout, how work is released, what the customer
wants, what it costs and how long to run. It is written in YAML and loaded with
`processfactory.scenario.load_scenario` (a file path, or the name of a built-in scenario such as
`demo`).

*This page is generated from the scenario model by
`python -m processfactory.scenario.reference`; do not edit it by hand.*

## Units

- **Time**: every time (operation, setup, inter-arrival, repair, due dates, run duration) is in
  the scenario's `time_unit`: `s`, `min` (the default) or `h`.
- **Distance**: metres (station `position`); walking speed in metres per second.
- **Area**: square metres (`footprint`, `buffer_footprint`).
- **Money**: the currency named in `costs.currency`; labour per operator-hour, holding per unit
  of WIP per hour.

## How work flows

- A unit follows a **routing**: the stations it visits, in order. When no `products` are given,
  the stations as listed form the routing of the single product. A product may give its own
  `routing` (a subset or another order of the station ids) and its own operation `times`.
- Each station has `servers` identical workplaces and a `buffer` of waiting places in front of
  it. A station whose next buffer is full keeps its finished unit and is blocked.
- **Release**: with `push` units enter as orders arrive (random `arrivals`, or a fixed list of
  `orders`). With saturated supply (`arrivals: saturated`, the default without orders) there is
  always work waiting: a unit is released when the first station takes it. Under `conwip` at
  most `cap` units are in the line; with saturated supply a new unit is released whenever the
  line is below its cap. Under `kanban` a station starts a unit only with a free card.
- **Operators**: without `operators` every server is self-staffed. Operator groups with several
  skills walk between their stations over the layout.
- **Run**: a run stops after `run.units` observed units or at `run.duration`, whichever comes
  first; a run with a fixed list of orders also ends when every order is done. The warm-up
  (`warmup_units`, `warmup_time`) is excluded from the KPIs.

## Engine rules in detail

These are the exact rules of the simulation engine; a facilitator can predict a run by hand
from them (the test suite does, for tiny cases).

- **Queues** are first in, first out. A station's `buffer` counts units waiting, not those on
  a server; with `buffer: 0` a unit passes only straight to an idle server. Blocked units
  enter a freed place in the order they blocked.
- **Process batch**: a server starts when `process_batch` units wait and processes them
  together in one operation time (each unit is credited that time as value added). At the end
  of an order list, when nothing else can happen, partial batches are started.
- **Transfer batch**: finished units wait at their station until `transfer_batch` are done,
  then move together (one trip is walked); while they cannot all enter the next buffer, the
  station's next finished unit waits and its server is blocked. With `layout.transport: true` a
  move takes distance ÷ walking speed.
- **Setup**: `on: changeover` before a unit of another product than the server's previous one
  (and before the first); `on: batch` before every process batch. The operator stays for the
  setup and the operation.
- **Defects**: after each operation a defect happens with probability `rate`. It is caught at
  `detected_at` (default: where it happens); then the unit is scrapped, or reworked at
  `rework_at` (default: the station that made it) and continues its routing after the station
  that caught it. Rework is not value added. Rework under policy `kanban` is refused.
- **Breakdowns**: the station fails after `time_between` of running clock and all its servers
  stop for `repair`; work in progress resumes where it stopped.
- **Kanban**: a station holds a card for each unit it started until that unit starts at its
  next station (or leaves the line); it starts a unit only with a free card. With saturated
  supply, or orders waiting, the first station pulls new units itself.
- **Operators**: a server that takes work calls the nearest idle operator with the skill (ties:
  the first listed); the operator walks there at `layout.walking_speed` and is free again at the
  end of the operation (not while the unit is blocked). A freed operator first serves servers
  waiting for an operator at their skill stations, in the order of the skills.
- **Walking distance** counts every trip once: each move of a unit or a transfer batch between
  stations, and every operator's walk.
- **Random numbers**: each station's operation times (per product when overridden), setups,
  defects, failures, repairs, the arrivals and the product mix have their own stream, derived
  from `run.seed` and the replication number; the k-th operation started at a station uses the
  k-th draw of its stream. The same seed gives the same run, bit for bit.

## Checks

Loading reports every problem at once, each as `file:line:column: path: message`, e.g.
`line.yaml:12:5: stations[1].time.mean: Input should be greater than 0, got -1`. Beyond types
and ranges, the loader checks that:

- station, operator and product ids are unique, and every reference names an existing station
  (routings, product time overrides, `detected_at`, `rework_at`, operator skills and
  `start_at`, which must also be one of the group's skills) or product (orders);
- a product time override is for a station on that product's routing;
- a defect is detected at or after the station that makes it, on every routing that visits it;
- every unit can finish: no defect rate 1 with rework, every station on a routing can be
  worked by some operator group (when groups are given), and the run has a stop condition
  (`run.units` or `run.duration`) unless work comes as a fixed list of orders;
- every operator group covers some station of a routing;
- nothing deadlocks: a CONWIP cap or a station's kanban cards are at least its process and
  transfer batch; kanban cards are only set under policy `kanban`, which needs at least one,
  and kanban is not combined with rework;
- either every station has a `position` or none has, and `layout.transport` has positions.

When some fields are wrong, the ids, references and operator groups are still checked in the
same reading, on the rest of the file (a station whose own fields are wrong still counts by its
id). The other checks wait until the fields are right, as they need the whole scenario.
"""


def number_text(value: float) -> str:
    """A number as a reference page writes it: ``2.5``, ``1``, ``1e-06`` (no float noise)."""
    return f"{value:g}"


def table_cell(text: str) -> str:
    """``text`` made safe for one Markdown table cell: ``|`` escaped, line breaks folded."""
    return text.replace("|", "\\|").replace("\n", " ")


def table_lines(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """A Markdown table as lines: the header, the rule under it and one line per row."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(table_cell(c) for c in row) + " |" for row in rows]
    return lines


def _flat_metadata(extra: tuple[Any, ...]) -> list[Any]:
    return [m for e in extra for m in (e.metadata if isinstance(e, FieldInfo) else [e])]


def _dist_members() -> set[Any]:
    return set(get_args(get_args(Distribution)[0]))


def _anchor(model: type[BaseModel]) -> str:
    return f"[{model.__name__}](#{model.__name__.lower()})"


class TypeText:
    """Readable type of a pydantic field for a reference table (no '|': it would split the cell).

    Calling it walks the annotation (``Annotated``, unions, literals, lists, mappings, tuples,
    nested models and plain types); how a page writes bounds, lists and nested models are the
    methods :meth:`bounds`, :meth:`list_of` and :meth:`model`. This class writes them the way
    ``docs/scenario.md`` does; the lever page (``processfactory.levers.reference``) overrides
    them.
    """

    def __call__(self, tp: Any, metadata: list[Any] | None = None) -> str:
        metadata = list(metadata or [])
        origin, args = get_origin(tp), get_args(tp)
        if origin is Annotated:
            return self(args[0], [*metadata, *_flat_metadata(args[1:])])
        if origin in (Union, types.UnionType):
            members = [a for a in args if a is not type(None)]
            if len(members) == 1:
                return self(members[0], metadata)
            if set(members) == _dist_members():
                return "[distribution](#time-distributions)"
            return " or ".join(self(m) for m in members)
        if origin is Literal:
            words = [f"`{a}`" for a in args]
            return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
        if origin is list:
            return self.list_of(args[0], metadata)
        if origin is dict:
            return f"mapping {self(args[0])} → {self(args[1])}"
        if origin is tuple:
            return "[" + ", ".join(self(a) for a in args) + "]"
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return self.model(tp)
        if tp is str:
            if any(getattr(m, "pattern", None) for m in metadata):
                return "id"
            return "text"
        if tp is bool:
            return "true/false"
        if tp is int:
            return "integer" + self.bounds(metadata)
        if tp is float:
            return "number" + self.bounds(metadata)
        return getattr(tp, "__name__", str(tp))

    @staticmethod
    def limits(metadata: list[Any]) -> dict[str, float]:
        """The constraints in a field's metadata: ``ge``, ``gt``, ``le``, ``lt``, ``min_length``."""
        found: dict[str, float] = {}
        for item in metadata:
            for name in ("ge", "gt", "le", "lt", "min_length"):
                value = getattr(item, name, None)
                if value is not None:
                    found[name] = value
        return found

    def bounds(self, metadata: list[Any]) -> str:
        """The range a number (or the length a list) must keep: `` 0–1``, `` > 0``, ..."""
        found = self.limits(metadata)
        if "ge" in found and "le" in found:
            return f" {number_text(found['ge'])}–{number_text(found['le'])}"
        text = ""
        for name, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            if name in found:
                text += f" {sign} {number_text(found[name])}"
        if "min_length" in found:
            text += f" (at least {found['min_length']})"
        return text

    def list_of(self, item: Any, metadata: list[Any]) -> str:
        """A list of ``item`` with the bounds in ``metadata``."""
        return f"list of {self(item)}{self.bounds(metadata)}"

    def model(self, model: type[BaseModel]) -> str:
        """A nested model: a link to its section."""
        return _anchor(model)


_type_text = TypeText()


def _field_type(field: FieldInfo) -> str:
    annotation = field.annotation
    members = set(get_args(annotation)) - {type(None)}
    if members and members == _dist_members():
        return "[distribution](#time-distributions)"
    return _type_text(annotation, list(field.metadata))


def default_text(field: FieldInfo) -> str:
    """A field's default as a reference table shows it: ``**required**``, ``—`` for none, ..."""
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "—"
    if isinstance(value, BaseModel):
        return "defaults"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int | float):
        return f"`{number_text(value)}`"
    if isinstance(value, str):
        return f"`{value}`" if value else '`""`'
    if isinstance(value, list | dict):
        return "`[]`" if isinstance(value, list) else "`{}`"
    return f"`{value}`"  # pragma: no cover - every default of the models is covered above


def _summary(model: type[BaseModel]) -> str:
    return inspect.cleandoc(model.__doc__ or "").split("\n\n")[0].replace("\n", " ")


def _description(field: FieldInfo) -> str:
    if field.description:
        return field.description
    models = [
        m
        for m in get_args(field.annotation) or (field.annotation,)
        if isinstance(m, type) and issubclass(m, BaseModel)
    ]
    return _summary(models[0]) if models else ""


def _model_section(model: type[BaseModel]) -> str:
    lines = [f"## {model.__name__}", "", inspect.cleandoc(model.__doc__ or ""), ""]
    lines += table_lines(
        ("field", "type", "default", "description"),
        (
            [f"`{name}`", _field_type(field), default_text(field), _description(field)]
            for name, field in model.model_fields.items()
        ),
    )
    return "\n".join(lines) + "\n"


def _param_text(name: str, field: FieldInfo) -> str:
    text = f"`{name}`"
    if isinstance(field.validation_alias, AliasChoices):
        others = [c for c in field.validation_alias.choices if c != name]
        text += "".join(f" (or `{c}`)" for c in others)
    kind = _type_text(field.annotation, list(field.metadata))
    if field.is_required():
        return f"{text}: {kind}"
    return f"{text}: {kind}, optional"


def _distribution_section() -> str:
    lines = [
        "## Time distributions",
        "",
        "Every time field takes a distribution, written in the scenario's `time_unit`. Spread is",
        "given the way it is measured on the floor: a mean and a coefficient of variation",
        "(cv = standard deviation ÷ mean). A bare number is a deterministic time: `time: 2.5`",
        "always takes 2.5. Samples are never negative.",
        "",
    ]
    rows = []
    for cls in get_args(get_args(Distribution)[0]):
        tag = get_args(cls.model_fields["dist"].annotation)[0]
        params = "; ".join(
            _param_text(name, field) for name, field in cls.model_fields.items() if name != "dist"
        )
        meaning = " ".join((cls.__doc__ or "").split()).replace("``", "`")
        rows.append([f"`{tag}`", params, meaning, DIST_EXAMPLES[tag]])
    lines += table_lines(("dist", "parameters", "meaning", "example"), rows)
    return "\n".join(lines) + "\n"


def _example_section() -> str:
    text = library_path("reference-line").read_text(encoding="utf-8").rstrip("\n")
    intro = (
        "The built-in `reference-line` scenario: five stations in a row with finite buffers,\n"
        "saturated supply, and a run of 100 000 observed units after a warm-up of 1 000."
    )
    return f"## Example\n\n{intro}\n\n```yaml\n{text}\n```\n"


def scenario_reference_markdown() -> str:
    """The Markdown text of ``docs/scenario.md``."""
    id_field = get_args(Identifier)[1]
    rule = (id_field.description or "").split(": ", 1)[-1].rstrip(".")
    longest = next(m.max_length for m in id_field.metadata if hasattr(m, "max_length"))
    id_note = f"An **id** uses {rule}, at most {longest} characters."
    parts = [_INTRO, id_note + "\n"]
    parts += [_model_section(model) for model in SECTIONS]
    parts += [_distribution_section(), _example_section()]
    return "\n".join(parts)


if __name__ == "__main__":
    # bytes, so the page is UTF-8 whatever the terminal's locale
    sys.stdout.buffer.write(scenario_reference_markdown().encode("utf-8"))
