"""Reading, validating and writing scenario YAML, and the built-in scenario library.

A facilitator edits YAML by hand, so every problem is reported with the file, line, column and
field path where it is, in words a non-programmer can act on, and all problems are reported at
once (a YAML that has five mistakes should not take five runs to fix). Validation has three
layers: the YAML itself (syntax, duplicate keys), the pydantic model (types, ranges, unknown
fields) and the semantic checks of :mod:`processfactory.scenario.checks` (references between
objects, routings that cannot finish, deadlocks). When the model rejects some fields, the
checks of ids and references still run on the valid parts, in the same reading.
"""

from __future__ import annotations

import difflib
import os
import re
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from processfactory.scenario.checks import check_scenario, check_valid_parts
from processfactory.scenario.distributions import Deterministic, Distribution
from processfactory.scenario.model import Identifier, Scenario

_PACKAGE = "processfactory.scenario"
_LIBRARY_DIR = "library"
_STRING_SOURCE = "<string>"


@dataclass(frozen=True)
class Problem:
    """One problem of a scenario, located in its YAML text.

    ``line`` and ``column`` are 1-based (``None`` when unknown); ``path`` names the field like
    ``stations[1].time.mean`` and is empty for the document as a whole.
    """

    source: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [part for part in (where, self.path) if part]
        return ": ".join([*parts, self.message])


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` lists everything found, one per problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    def __reduce__(self) -> tuple[type[ScenarioError], tuple[list[Problem]]]:
        # the default would rebuild from the joined message and lose the Problem objects
        return (type(self), (self.problems,))


# ---------------------------------------------------------------------------------------------
# YAML dialect


_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Loader(yaml.SafeLoader):  # type: ignore[misc,unused-ignore]
    """SafeLoader with YAML 1.2 booleans.

    YAML 1.1 reads on/off/yes/no as booleans, which turns the Setup key ``on`` into ``True``
    and a station named ``no`` into ``False``; pydantic still accepts yes/no as booleans.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class _Dumper(yaml.SafeDumper):  # type: ignore[misc,unused-ignore]
    """SafeDumper that never writes anchors and writes multi-line text as a literal block."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


# ---------------------------------------------------------------------------------------------
# Locating a pydantic `loc` or a check path in the YAML node tree

Loc = Sequence[str | int]


def _is_branch(segment: str | int) -> bool:
    """Whether a loc segment is pydantic's name of a union branch rather than a key."""
    return isinstance(segment, str) and segment != "[key]" and bool(re.search(r"[\[\(]", segment))


def _join(path: str, segment: str | int) -> str:
    if isinstance(segment, int):
        return f"{path}[{segment}]"
    return f"{path}.{segment}" if path else segment


def _parse_path(path: str) -> list[str | int]:
    return [
        int(index) if index else key for index, key in re.findall(r"\[(\d+)\]|([^.\[\]]+)", path)
    ]


def _entry(node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """(key node, value node) of ``key``, following ``<<`` merge keys.

    The last entry wins, as in the loaded data: construction moves merged entries in front of
    the mapping's own, and a duplicate key keeps its last value.
    """
    for key_node, value_node in reversed(node.value):
        is_key = key_node.tag != _MERGE_TAG and isinstance(key_node, yaml.ScalarNode)
        if is_key and key_node.value == key:
            return key_node, value_node
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE_TAG:
            merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in merged:
                if isinstance(source, yaml.MappingNode) and (found := _entry(source, key)):
                    return found
    return None


def _tag_of(node: yaml.MappingNode) -> str | None:
    found = _entry(node, "dist")
    return found[1].value if found and isinstance(found[1], yaml.ScalarNode) else None


@dataclass(frozen=True)
class _Spot:
    path: str
    node: yaml.Node
    key: yaml.Node | None  # key node of the last mapping entry walked into


def _walk(root: yaml.Node, loc: Loc) -> _Spot:
    """Follow ``loc`` through the node tree as far as the YAML has it.

    Segments pydantic inserts (union branch names, discriminator tags, the ``value`` of a bare
    number) are skipped; a segment the YAML lacks is added to the path and the walk stops at
    the node that lacks it, which is where the facilitator has to add it.
    """
    path, node, key = "", root, None
    for segment in loc:
        if segment == "[key]":
            node = key if key is not None else node
            continue
        if isinstance(node, yaml.SequenceNode) and isinstance(segment, int):
            path = _join(path, segment)
            if not 0 <= segment < len(node.value):
                break
            node, key = node.value[segment], None
            continue
        if isinstance(node, yaml.MappingNode):
            found = _entry(node, str(segment))
            if found is None and segment == "value":
                found = _entry(node, "mean")  # Deterministic accepts `mean` for `value`
            if found is not None:
                key, node = found
                path = _join(path, segment if found[0].value == str(segment) else "mean")
                continue
            if _is_branch(segment) or segment == _tag_of(node):
                continue
            path = _join(path, segment)
            break
        if _is_branch(segment) or not isinstance(node, yaml.CollectionNode):
            # a scalar standing for a whole object (a bare-number time): nothing deeper to show
            continue
        break
    return _Spot(path, node, key)


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# ---------------------------------------------------------------------------------------------
# Types along a loc, to name allowed fields and recognise distributions in messages


def _members(tp: Any) -> list[Any]:
    """Members of a (possibly nested, annotated, optional) union; ``[tp]`` for a plain type."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _members(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return [member for arg in get_args(tp) for member in _members(arg)]
    return [] if tp is type(None) else [tp]


_DIST_TYPES: list[type[BaseModel]] = _members(Distribution)
_DIST_TAGS: dict[str, type[BaseModel]] = {
    get_args(cls.model_fields["dist"].annotation)[0]: cls for cls in _DIST_TYPES
}


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _types_at(loc: Loc) -> list[Any]:
    """Candidate types at ``loc`` of the Scenario model (empty when the loc leaves the model)."""
    candidates: list[Any] = [Scenario]
    for segment in loc:
        if _is_branch(segment):
            want_literal = str(segment).startswith("literal[")
            candidates = [c for c in candidates if (get_origin(c) is Literal) == want_literal]
            continue
        if isinstance(segment, str) and segment in _DIST_TAGS and _DIST_TAGS[segment] in candidates:
            candidates = [_DIST_TAGS[segment]]
            continue
        following: list[Any] = []
        for tp in candidates:
            origin, args = get_origin(tp), get_args(tp)
            if _is_model(tp) and isinstance(segment, str) and segment in tp.model_fields:
                following += _members(tp.model_fields[segment].annotation)
            elif origin is list and isinstance(segment, int):
                following += _members(args[0])
            elif origin is tuple and isinstance(segment, int) and args:
                following += _members(args[min(segment, len(args) - 1)])
            elif origin is dict:
                following += _members(args[0] if segment == "[key]" else args[1])
        if not following:
            return []
        candidates = following
    return candidates


def _fields(model: type[BaseModel]) -> list[str]:
    return [name for name in model.model_fields if name != "dist" or model not in _DIST_TYPES]


_DIST_EXAMPLE = "{dist: lognormal, mean: 1.2, cv: 0.5}"
_DIST_WORDS = f"a time distribution (a number, or a mapping such as {_DIST_EXAMPLE})"
_ID_PATTERN = next(
    m.pattern for m in get_args(Identifier)[1].metadata if getattr(m, "pattern", None)
)
_SCALARS = (str, int, float, bool)


def _got(value: Any) -> str:
    return f", got {value!r}" if isinstance(value, _SCALARS) else ""


def _message(err: dict[str, Any]) -> str:
    """A readable message for one pydantic error."""
    kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        parents = [tp for tp in _types_at(loc[:-1]) if _is_model(tp)]
        name = loc[-1]
        if not parents:
            return f"unknown field '{name}'"
        allowed = _fields(parents[0])
        if parents[0] in _DIST_TYPES:
            tag = get_args(parents[0].model_fields["dist"].annotation)[0]
            text = f"unknown parameter '{name}' of distribution '{tag}' (allowed: "
        else:
            text = f"unknown field '{name}' (allowed: "
        text += ", ".join(allowed) + ")"
        close = difflib.get_close_matches(str(name), allowed, n=1)
        return text + (f"; did you mean '{close[0]}'?" if close else "")
    if kind == "missing":
        name = loc[-1]
        if isinstance(name, int):
            return f"missing value number {name + 1}"
        parents = [tp for tp in _types_at(loc[:-1]) if _is_model(tp)]
        if parents and parents[0] in _DIST_TYPES:
            tag = get_args(parents[0].model_fields["dist"].annotation)[0]
            return f"distribution '{tag}' needs '{name}'"
        return f"missing required field '{name}'"
    if kind == "union_tag_invalid":
        return f"unknown distribution '{ctx.get('tag')}' (allowed: {', '.join(_DIST_TAGS)})"
    if kind == "union_tag_not_found":
        return (
            f"a time distribution needs 'dist' (one of: {', '.join(_DIST_TAGS)}), "
            "or write a bare number for a fixed time"
        )
    if kind in ("model_attributes_type", "model_type", "dict_type"):
        expected = _types_at(loc)
        if any(tp in _DIST_TYPES for tp in expected):
            return f"expected {_DIST_WORDS}{_got(value)}"
        models = [tp for tp in expected if _is_model(tp)]
        if models:
            return f"expected a mapping with fields {', '.join(_fields(models[0]))}{_got(value)}"
    if kind == "union_mismatch":
        return str(err["msg"])
    if kind in ("value_error", "assertion_error"):
        return str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == _ID_PATTERN:
        return (
            f"{value!r} is not a valid id: use letters, digits, '_' or '-', "
            "starting with a letter or '_'"
        )
    return f"{err['msg']}{_got(value)}"


def _value_at(data: Any, loc: Loc) -> Any:
    for segment in loc:
        try:
            data = data[segment]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _merge_union_errors(errors: list[dict[str, Any]], data: Any) -> list[dict[str, Any]]:
    """Keep only the union branch that explains an error.

    For a union field (``arrivals``: 'saturated' or a distribution) pydantic reports why every
    branch failed. The branch that got deepest into the value is the one the author meant; when
    none got past the value itself, the branches are merged into one "expected A or B" error.
    """
    groups: dict[tuple[Any, ...], list[tuple[int, dict[str, Any]]]] = {}
    order: list[dict[str, Any] | tuple[Any, ...]] = []
    for err in errors:
        loc = tuple(err["loc"])
        at = next((i for i, segment in enumerate(loc) if _is_branch(segment)), None)
        if at is None:
            order.append(err)
            continue
        if loc[:at] not in groups:
            groups[loc[:at]] = []
            order.append(loc[:at])
        groups[loc[:at]].append((at, err))
    out: list[dict[str, Any]] = []
    for item in order:
        if isinstance(item, dict):
            out.append(item)
            continue
        value = _value_at(data, item)
        branches: dict[str, list[dict[str, Any]]] = {}
        for at, err in groups[item]:
            branch = err["loc"][at]
            # a literal only ever matches a scalar: its complaint about a mapping is noise
            if branch.startswith("literal[") and isinstance(value, dict | list):
                continue
            branches.setdefault(branch, []).append(err)
        if not branches:
            out.extend(err for _, err in groups[item])
            continue
        depth = {b: max(len(e["loc"]) for e in errs) for b, errs in branches.items()}
        deepest = max(depth.values())
        best = [b for b in branches if depth[b] == deepest]
        if len(best) == 1 or deepest > len(item) + 1:
            out.extend(err for b in best for err in branches[b])
            continue
        words = []
        for b in best:
            first = branches[b][0]
            if b.startswith("literal["):
                words.append(str((first.get("ctx") or {}).get("expected", b)))
            elif "tagged-union[" in b:
                words.append(_DIST_WORDS)
            else:
                words.append(str(first["msg"]).removeprefix("Input should be "))
        out.append(
            {
                "type": "union_mismatch",
                "loc": item,
                "msg": f"expected {' or '.join(words)}{_got(value)}",
                "input": value,
            }
        )
    return out


# ---------------------------------------------------------------------------------------------
# Parsing


def _yaml_problem(exc: yaml.YAMLError, source: str) -> Problem:
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return Problem(source, None, None, "", f"broken YAML: {exc}")
    mark, context = exc.problem_mark, exc.context_mark
    problem = str(exc.problem or "unreadable YAML")
    line, column = mark.line + 1, mark.column + 1
    if context is not None and "flow" in (exc.context or "") and problem.startswith("expected ','"):
        opener = "[" if "sequence" in exc.context else "{"
        closer = "]" if opener == "[" else "}"
        start = f"line {context.line + 1}, column {context.column + 1}"
        if "<stream end>" in problem:
            # the end of the file is no place to point at: the unclosed bracket is
            line, column = context.line + 1, context.column + 1
            return Problem(
                source, line, column, "", f"broken YAML: the '{opener}' here is never closed"
            )
        text = (
            f"broken YAML: {problem} (a ',' is missing here, or the '{opener}' at {start} "
            f"is not closed with '{closer}')"
        )
        return Problem(source, line, column, "", text)
    if not exc.context:
        return Problem(source, line, column, "", f"broken YAML: {problem}")
    where = f" (line {context.line + 1})" if context is not None else ""
    if problem.startswith("but "):  # PyYAML splits one sentence over context and problem
        text = f"broken YAML: {exc.context}{where}, {problem}"
    else:
        text = f"broken YAML: {problem} ({exc.context}{where})"
    return Problem(source, line, column, "", text)


def _duplicate_keys(root: yaml.Node, source: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[int] = set()

    def visit(node: yaml.Node, path: str) -> None:
        if id(node) in seen:  # aliases share nodes and may even be recursive
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                    visit(value_node, path)
                    continue
                key = key_node.value
                if key in first:
                    line, column = _position(key_node)
                    problems.append(
                        Problem(
                            source,
                            line,
                            column,
                            _join(path, key),
                            f"duplicate key '{key}' (first given at line {first[key]}); "
                            "only the last one would count",
                        )
                    )
                else:
                    first[key] = key_node.start_mark.line + 1
                visit(value_node, _join(path, key))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                visit(item, _join(path, i))

    visit(root, "")
    return problems


def _located(root: yaml.Node, source: str, loc: Loc, message: str, *, on_key: bool) -> Problem:
    spot = _walk(root, loc)
    node = spot.key if on_key and spot.key is not None else spot.node
    line, column = _position(node)
    return Problem(source, line, column, spot.path, message)


def _in_line_order(problems: list[Problem]) -> list[Problem]:
    return sorted(dict.fromkeys(problems), key=lambda p: (p.line or 0, p.column or 0))


def _whole_document(source: str, message: str, node: yaml.Node | None = None) -> ScenarioError:
    line, column = _position(node) if node is not None else (None, None)
    return ScenarioError([Problem(source, line, column, "", message)])


def _read_yaml(text: str, source: str) -> tuple[yaml.Node | None, Any, list[Problem]]:
    """(root node, loaded data, duplicate-key problems) of one YAML document."""
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return None, None, []
            # before construction, which rewrites mappings with merge keys in place
            duplicates = _duplicate_keys(root, source)
            return root, loader.construct_document(root), duplicates
        finally:
            loader.dispose()
    except yaml.reader.ReaderError as exc:
        # raised before any mark exists: the line is counted from the character offset
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        message = f"broken YAML: character #x{exc.character:04x} is not allowed in YAML"
        raise ScenarioError([Problem(source, line, column, "", message)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([_yaml_problem(exc, source)]) from None


def parse_scenario(text: str, source: str = _STRING_SOURCE) -> Scenario:
    """Parse and validate a scenario from YAML text.

    Raises :class:`ScenarioError` listing every problem found (YAML, model and semantic
    checks), each located by ``source`` file name, line, column and field path.
    """
    root, data, problems = _read_yaml(text, source)
    if root is None:
        raise _whole_document(source, "the scenario is empty (it needs at least name and stations)")
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        found = "a list" if isinstance(root, yaml.SequenceNode) else repr(data)
        message = f"the top level must be a mapping of fields (name, stations, ...), not {found}"
        raise _whole_document(source, message, root)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        errors = _merge_union_errors([dict(e) for e in exc.errors(include_url=False)], data)
        problems += [
            _located(root, source, e["loc"], _message(e), on_key=e["type"] == "extra_forbidden")
            for e in errors
        ]
        # what can be checked on the valid parts is reported in the same reading
        findings = check_valid_parts(data)
    else:
        findings = check_scenario(scenario)
    problems += [
        replace(_located(root, source, _parse_path(path), message, on_key=False), path=path)
        for path, message in findings
    ]
    if problems:
        raise ScenarioError(_in_line_order(problems))
    return scenario


# ---------------------------------------------------------------------------------------------
# Files and the built-in library


def _library_dir() -> Any:
    return resources.files(_PACKAGE).joinpath(_LIBRARY_DIR)


SCENARIO_FILE = "scenario.yaml"
"""The scenario of a factory folder (a built-in factory, or any folder of the same shape)."""
ROUND_PLAN_FILE = "rounds.yaml"
"""The round plan of a factory folder, beside its scenario."""


def _library_entries() -> dict[str, Any]:
    """Built-in name -> its scenario file: a flat ``NAME.yaml`` or a folder ``NAME/scenario.yaml``.

    A folder is a *factory*: its scenario, its round plan (``rounds.yaml``) and the facilitator
    notes (``notes.en.md``, ``notes.ru.md``).
    """
    entries: dict[str, Any] = {}
    for entry in _library_dir().iterdir():
        if entry.name.endswith(".yaml") and entry.is_file():
            entries[entry.name.removesuffix(".yaml")] = entry
        elif entry.is_dir() and entry.joinpath(SCENARIO_FILE).is_file():
            entries[entry.name] = entry.joinpath(SCENARIO_FILE)
    return entries


def library_names() -> list[str]:
    """Names of the built-in scenarios and factories (``demo``, ``assembly``, ...), sorted."""
    return sorted(_library_entries())


def _unknown_builtin(name: str) -> ScenarioError:
    return ScenarioError(
        [
            Problem(
                name,
                None,
                None,
                "",
                f"no built-in scenario of this name (built-in: {', '.join(library_names())})",
            )
        ]
    )


def library_path(name: str) -> Path:
    """Path of the built-in scenario ``name`` (a factory's ``scenario.yaml`` for a factory).

    Raises :class:`ScenarioError` for unknown names.
    """
    entry = _library_entries().get(name)
    if entry is None:
        raise _unknown_builtin(name)
    return Path(str(entry))


def library_factory_dir(name: str) -> Path | None:
    """The folder of the built-in factory ``name``; None for a flat built-in scenario.

    Raises :class:`ScenarioError` for unknown names.
    """
    path = library_path(name)
    return path.parent if path.name == SCENARIO_FILE else None


def library_round_plan(name: str) -> Path | None:
    """The round plan (``rounds.yaml``) of the built-in ``name``, or None if it has none."""
    folder = library_factory_dir(name)
    if folder is None or not (folder / ROUND_PLAN_FILE).is_file():
        return None
    return folder / ROUND_PLAN_FILE


def _builtin_source(name: str) -> str:
    """How problems in a built-in scenario name their file (``demo.yaml``, ``assembly/...``)."""
    path = library_path(name)
    return f"{name}/{SCENARIO_FILE}" if path.name == SCENARIO_FILE else f"{name}.yaml"


def _read_file(path: Path, source: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            [Problem(source, None, None, "", f"cannot read the file: {exc}")]
        ) from None


def load_scenario(path_or_name: str | os.PathLike[str]) -> Scenario:
    """Load a scenario from a YAML file, a factory folder (its ``scenario.yaml``), or a built-in
    scenario or factory by name (e.g. ``"demo"``, ``"assembly"``).

    An existing file or folder wins over a built-in name. Raises :class:`ScenarioError`.
    """
    source = os.fspath(path_or_name)
    path = Path(source)
    if path.is_file():
        return parse_scenario(_read_file(path, source), source=source)
    if path.is_dir() and (path / SCENARIO_FILE).is_file():
        inner = os.path.join(source, SCENARIO_FILE)
        return parse_scenario(_read_file(path / SCENARIO_FILE, inner), source=inner)
    name = source.removesuffix(".yaml")
    if path.parent == Path(".") and name in library_names():
        text = library_path(name).read_text(encoding="utf-8")
        return parse_scenario(text, source=_builtin_source(name))
    what = (
        f"is a directory without a {SCENARIO_FILE}, not a scenario file"
        if path.is_dir()
        else "file does not exist"
    )
    raise ScenarioError(
        [
            Problem(
                source, None, None, "", f"{what} (built-in scenarios: {', '.join(library_names())})"
            )
        ]
    )


# ---------------------------------------------------------------------------------------------
# Writing


def _plain(value: Any) -> Any:
    """Plain YAML data of a model value, leaving out fields at their default."""
    if isinstance(value, Deterministic):
        return value.value  # the bare-number shorthand reads best and re-validates the same
    if isinstance(value, BaseModel):
        out: dict[str, Any] = {}
        for name, field in type(value).model_fields.items():
            item = getattr(value, name)
            if field.is_required() or item != field.get_default(call_default_factory=True):
                out[name] = _plain(item)
        return out
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def dump_scenario(scn: Scenario) -> str:
    """The scenario as YAML, fields in model order and defaults left out.

    ``time_unit`` is always written, since every time in the file is meaningless without it.
    ``parse_scenario(dump_scenario(s)) == s``.
    """
    data = _plain(scn)
    data.setdefault("time_unit", scn.time_unit)
    data = {key: data[key] for key in Scenario.model_fields if key in data}
    return str(
        yaml.dump(
            data,
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=None,
            width=100,
        )
    )


def save_scenario(scn: Scenario, path: str | os.PathLike[str]) -> None:
    """Write the scenario as YAML (UTF-8) to ``path``."""
    Path(path).write_text(dump_scenario(scn), encoding="utf-8")


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the scenario file, for editors and other tools."""
    schema = Scenario.model_json_schema()
    schema.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "processfactory scenario",
        **schema,
    }


__all__ = [
    "ROUND_PLAN_FILE",
    "SCENARIO_FILE",
    "Problem",
    "ScenarioError",
    "dump_scenario",
    "library_factory_dir",
    "library_names",
    "library_path",
    "library_round_plan",
    "load_scenario",
    "parse_scenario",
    "save_scenario",
    "scenario_json_schema",
]
