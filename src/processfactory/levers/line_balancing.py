"""Line balancing: spread the work elements over as few stations as the takt time allows.

The lever (:func:`apply_line_balancing`) balances work elements with
:func:`processfactory.levers.balancing.balance_line` and rewrites the scenario's stations to
match. This module also reads the input file of the ``processfactory balance`` command
(:func:`load_balancing_input`): ``{takt, time_unit, operations: [{id, time, after}]}``.
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from processfactory.levers.balancing import (
    BalanceResult,
    Method,
    Operation,
    balance_line,
    operation_problems,
)
from processfactory.levers.base import Lever, LeverError, LeverParams, revalidate, selected_stations
from processfactory.levers.timing import scale_time
from processfactory.scenario.distributions import Deterministic, Distribution, LogNormal
from processfactory.scenario.model import Identifier, Scenario

_LEVER = "line_balancing"


def _number_as_text(value: object) -> object:
    # textbook instances number their elements: `id: 3` and `after: [1, 2]` mean "3", "1", "2"
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


ElementId = Annotated[
    str,
    BeforeValidator(_number_as_text),
    Field(
        min_length=1,
        max_length=64,
        description="Id of a work element: any short text, or a number.",
    ),
]


class WorkElement(BaseModel):
    """A work element: the smallest piece of work that is not split between two people."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ElementId
    time: float = Field(
        gt=0, allow_inf_nan=False, description="Mean time of the element (time_unit)."
    )
    after: list[ElementId] = Field(
        default_factory=list,
        description=(
            "Elements that must be done before this one (in the same or an earlier station)."
        ),
    )

    def operation(self) -> Operation:
        """The element as a :class:`~processfactory.levers.balancing.Operation`."""
        return Operation(self.id, self.time, tuple(self.after))


class LineBalancingParams(LeverParams):
    """Parameters of line balancing."""

    operations: list[WorkElement] | None = Field(
        None,
        min_length=1,
        description=(
            "Work elements to balance: [{id, time, after: [ids]}], times in the scenario's "
            "time_unit. Default: each listed station's current work content (its mean "
            "operation time) as one element, in line order, so balancing can only merge "
            "neighbouring stations."
        ),
    )
    takt: float | None = Field(
        None,
        gt=0,
        allow_inf_nan=False,
        description=(
            "Takt time (time_unit per unit): no station may get more work than this. Default: "
            "the scenario's takt time, demand.period ÷ demand.units."
        ),
    )
    method: Method = Field(
        "exact",
        description=(
            "'exact': branch and bound, proven minimal number of stations (it falls back to the "
            "best solution found, at worst the RPW one, if the search is cut off); 'rpw': the "
            "ranked positional weight heuristic."
        ),
    )
    cv: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description=(
            "Coefficient of variation of the new station times. Default: each kept station "
            "keeps its current cv."
        ),
    )
    stations: list[Identifier] | None = Field(
        None,
        description=(
            "Stations the elements are spread over now, normally consecutive ones; taken in the "
            "scenario's station (routing) order. Default: every station."
        ),
    )


# ---------------------------------------------------------------------------------------------
# The lever


def _fail(message: str) -> LeverError:
    return LeverError(f"lever '{_LEVER}': {message}")


def _listed(scenario: Scenario, params: LineBalancingParams) -> list[str]:
    try:
        chosen = selected_stations(scenario, params)
    except LeverError as exc:
        raise _fail(str(exc)) from None
    repeated = sorted({sid for sid in chosen if chosen.count(sid) > 1})
    if repeated:
        raise _fail(f"station(s) {', '.join(repr(s) for s in repeated)} listed twice")
    order = {st.id: k for k, st in enumerate(scenario.stations)}
    return sorted(chosen, key=order.__getitem__)


def _elements(
    scenario: Scenario, params: LineBalancingParams, listed: list[str]
) -> list[Operation]:
    if params.operations is not None:
        return [element.operation() for element in params.operations]
    return [
        Operation(sid, scenario.station(sid).time.mean_time, (listed[k - 1],) if k else ())
        for k, sid in enumerate(listed)
    ]


def _station_time(current: Distribution, mean: float, cv: float | None) -> Distribution:
    """A station time of the given mean, in the current time's family where it can be.

    The current time is rescaled with :func:`processfactory.levers.timing.scale_time` (mean ×
    new/old, cv × wanted/current); when that cannot be done (a fixed or zero time asked to
    vary, or a bounded family asked for a spread that would need negative times) the new
    time is lognormal with the wanted cv, or fixed when the cv is 0.
    """
    old_mean, old_cv = current.mean_time, math.sqrt(current.cv2)
    wanted = old_cv if cv is None else cv
    if old_mean > 0 and (old_cv > 0 or wanted == 0):
        cv_factor = 1.0 if cv is None or old_cv == 0 else wanted / old_cv
        try:
            return scale_time(current, mean / old_mean, cv_factor)
        except ValueError:
            pass
    if wanted == 0:
        return Deterministic(value=mean)
    return LogNormal(dist="lognormal", mean=mean, cv=wanted)


def _routing(route: list[str], listed: set[str], kept: list[str]) -> list[str]:
    """The kept stations in place of the listed ones, where the route first meets one."""
    at = next(k for k, sid in enumerate(route) if sid in listed)
    before = [sid for sid in route[:at] if sid not in listed]
    after = [sid for sid in route[at:] if sid not in listed]
    return [*before, *kept, *after]


def apply_line_balancing(scenario: Scenario, params: LineBalancingParams) -> Scenario:
    """Line balancing: the work elements are reassigned to as few stations as the takt allows.

    A line whose stations carry unequal work runs at the pace of the slowest one while the
    others wait: their people are idle part of every cycle. Balancing spreads the work
    elements (`operations`, with their precedence `after`) over the stations so that none has
    more than the takt time of work, using as few stations as possible, and frees the people
    of the stations no longer needed. Labour productivity rises; the line still keeps the takt.

    The elements are balanced by `processfactory.levers.balancing.balance_line` at
    `takt` (default: the scenario's takt from `demand`; an error without either) with `method`
    ('exact' branch and bound by default, falling back to its best solution, at worst the
    ranked positional weight one, when cut off). The balance needs k stations; the listed
    `stations` (default: all, taken in the scenario's order; an error if fewer than k) are
    then rewritten:

    - `stations[*].time`: the first k listed stations get, in order, the balanced stations'
      work: mean = the sum of their elements' times, cv = `cv` or the station's current cv, in
      the station's current distribution family wherever it can express that (rescaled by
      `processfactory.levers.timing.scale_time`), else lognormal (fixed when cv = 0). Each
      station stays one workplace with its other fields (servers, buffer, setup, defects,
      breakdowns, position) unchanged.
    - `stations`: the other listed stations are removed, with everything that is theirs
      (buffer, setup, defects, breakdowns, kanban cards, position).
    - `products[*].routing`: a routing that visits any listed station visits the k kept
      stations instead, in order, where it met the first of them (the kept stations now do
      all of the elements' work); routings that visit none are unchanged.
    - `products[*].times`: overrides for listed stations are dropped: they described the old
      work content, and the elements now give every product's work there.
    - `operators[*].skills`, `operators[*].start_at`, `operators`: removed stations leave the
      skill lists; a group left with no skill is removed, which is the people freed by
      balancing; a group that started at a removed station starts at its first skill.
    - `stations[*].defects.detected_at`, `stations[*].defects.rework_at`: a reference to a
      removed station points to the last kept station, which now does the end of the
      balanced work and comes after every station of the balanced stretch.
    - `translations`: the translated names of removed stations are dropped.

    The result is validated as the scenario loader validates a file. Without `operations`,
    each listed station's mean time is one element and the elements form a chain in line
    order: balancing then merges neighbouring stations whose work fits in one takt.
    """
    listed = _listed(scenario, params)
    takt = params.takt if params.takt is not None else scenario.takt_time
    if takt is None:
        raise _fail("no takt time: give `takt`, or a `demand` (units per period) in the scenario")
    operations = _elements(scenario, params, listed)
    try:
        result: BalanceResult = balance_line(operations, takt, params.method)
    except LeverError as exc:
        raise _fail(str(exc)) from None
    k = result.n_stations
    if k > len(listed):
        how = "at least" if result.optimal else "(best balance found)"
        raise _fail(
            f"the elements need {how} {k} stations at takt {takt:g}, but only {len(listed)} "
            f"are listed ({', '.join(listed)}): list {k} stations, or raise the takt"
        )
    kept, removed = listed[:k], set(listed[k:])
    listed_set = set(listed)
    last = kept[-1]
    new_mean = dict(zip(kept, result.station_times, strict=True))

    def moved(ref: str | None) -> str | None:
        return last if ref in removed else ref

    stations = []
    for st in scenario.stations:
        if st.id in removed:
            continue
        update: dict[str, Any] = {}
        if st.id in new_mean:
            update["time"] = _station_time(st.time, new_mean[st.id], params.cv)
        if st.defects is not None and (
            st.defects.detected_at in removed or st.defects.rework_at in removed
        ):
            update["defects"] = st.defects.model_copy(
                update={
                    "detected_at": moved(st.defects.detected_at),
                    "rework_at": moved(st.defects.rework_at),
                }
            )
        stations.append(st.model_copy(update=update) if update else st)

    products = []
    for prod in scenario.products:
        update = {}
        if listed_set.intersection(prod.times):
            update["times"] = {s: d for s, d in prod.times.items() if s not in listed_set}
        if prod.routing is not None and listed_set.intersection(prod.routing):
            update["routing"] = _routing(list(prod.routing), listed_set, kept)
        products.append(prod.model_copy(update=update) if update else prod)

    operators = []
    for group in scenario.operators:
        skills = [sid for sid in group.skills if sid not in removed]
        if not skills:
            continue  # the people freed by balancing
        if len(skills) == len(group.skills):
            operators.append(group)
            continue
        start_at = None if group.start_at in removed else group.start_at
        operators.append(group.model_copy(update={"skills": skills, "start_at": start_at}))

    translations = {
        lang: tr.model_copy(
            update={"stations": {s: n for s, n in tr.stations.items() if s not in removed}}
        )
        if removed.intersection(tr.stations)
        else tr
        for lang, tr in scenario.translations.items()
    }
    balanced = scenario.model_copy(
        update={
            "stations": stations,
            "products": products,
            "operators": operators,
            "translations": translations,
        }
    )
    return revalidate(balanced, _LEVER)


LEVER = Lever(
    name=_LEVER,
    title="Line balancing",
    function=apply_line_balancing,
    params=LineBalancingParams,
    changes=(
        "stations",
        "stations[*].time",
        "stations[*].defects.detected_at",
        "stations[*].defects.rework_at",
        "products[*].routing",
        "products[*].times",
        "operators",
        "operators[*].skills",
        "operators[*].start_at",
        "translations",
    ),
)


# ---------------------------------------------------------------------------------------------
# The input file of `processfactory balance`


class BalancingInput(BaseModel):
    """A line balancing problem as written in a file: the takt and the work elements."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(None, description="Name shown above the result.")
    takt: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="Takt time (time_unit per unit)."
    )
    time_unit: Literal["s", "min", "h"] = Field("min", description="Unit of every time.")
    operations: list[WorkElement] = Field(min_length=1, description="The work elements.")

    def operation_list(self) -> list[Operation]:
        """The elements as :class:`~processfactory.levers.balancing.Operation` objects."""
        return [element.operation() for element in self.operations]


def _input_message(err: Mapping[str, Any]) -> str:
    """A readable message for one pydantic error of a balancing input file."""
    from processfactory.scenario.loader import _message

    loc = tuple(err["loc"])
    if err["type"] == "extra_forbidden":
        model: type[BaseModel] = WorkElement if loc[0] == "operations" else BalancingInput
        allowed = list(model.model_fields)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field '{loc[-1]}' (allowed: {', '.join(allowed)}){hint}"
    # the scenario loader's wording for the rest (missing fields, ranges, types)
    return _message(dict(err))


def parse_balancing_input(
    text: str, source: str = "<string>", takt: float | None = None
) -> BalancingInput:
    """Parse and check a balancing problem from YAML text; ``takt`` overrides the file's.

    Raises :class:`processfactory.scenario.loader.ScenarioError` listing every problem (YAML,
    fields, unknown or cyclic predecessors, elements longer than the takt), each located by
    line, column and field path like the scenario loader's.
    """
    from processfactory.scenario.loader import (
        Problem,
        ScenarioError,
        _in_line_order,
        _located,
        _parse_path,
        _position,
        _read_yaml,
    )

    root, data, problems = _read_yaml(text, source)
    if root is None or not isinstance(data, dict):
        line, column = _position(root) if root is not None else (None, None)
        message = "the file must be a mapping with takt, time_unit and operations"
        raise ScenarioError([Problem(source, line, column, "", message)])
    try:
        problem = BalancingInput.model_validate(data)
    except ValidationError as exc:
        problems += [
            _located(
                root, source, e["loc"], _input_message(e), on_key=e["type"] == "extra_forbidden"
            )
            for e in exc.errors(include_url=False)
        ]
        raise ScenarioError(_in_line_order(problems)) from None
    if takt is not None:
        problem = problem.model_copy(update={"takt": takt})
    findings = operation_problems(problem.operation_list(), problem.takt)
    if problem.takt is None:
        findings.append(("takt", "no takt time: give `takt` in the file, or the --takt option"))
    for path, message in findings:
        spot = _located(root, source, _parse_path(path), message, on_key=False)
        problems.append(replace(spot, path=path))
    if problems:
        raise ScenarioError(_in_line_order(problems))
    return problem


def load_balancing_input(path: str | os.PathLike[str], takt: float | None = None) -> BalancingInput:
    """Read a balancing problem file (see :func:`parse_balancing_input`)."""
    from processfactory.scenario.loader import Problem, ScenarioError

    source = os.fspath(path)
    file = Path(source)
    if not file.is_file():
        what = "is a directory, not a file" if file.is_dir() else "file does not exist"
        raise ScenarioError([Problem(source, None, None, "", what)])
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        message = f"cannot read the file: {exc}"
        raise ScenarioError([Problem(source, None, None, "", message)]) from None
    return parse_balancing_input(text, source, takt)


__all__ = [
    "LEVER",
    "BalancingInput",
    "LineBalancingParams",
    "WorkElement",
    "apply_line_balancing",
    "load_balancing_input",
    "parse_balancing_input",
]
