"""Round plans: play a factory round after round, each applying more lean tools, and compare.

A Process Factory training day plays the same process several times. Round 1 is the process as
it is; before each next round the group applies lean tools (levers), and the round is played
again with everything applied so far. A *round plan* is that sequence written as data, in a
``rounds.yaml`` beside the factory's ``scenario.yaml``::

    rounds:
      - name: "Round 1: as is"
        translations: {ru: {name: "Раунд 1: как есть"}}
        levers: []
      - name: "Round 2: 5S and standard work"
        levers: [five_s, standard_work]
      - name: "Round 3: quick changeover"
        levers:
          - {lever: smed, reduction: 0.8}

A round's ``translations`` give its name and description in another language (``ru``) for
reports in that language; what is left out falls back to the round's own texts. A step is a
lever name, or a mapping ``{lever: NAME, PARAM: VALUE, ...}`` with the lever's
parameters (``docs/levers.md``). Levers are applied cumulatively: round k's scenario is round
k − 1's with round k's levers applied in order. Loading a plan validates lever names and
parameters up front, and applying it to its scenario checks every step, so a typo is reported
with its file, line and field before anything is simulated.

:func:`compare_rounds` simulates every round with the same replications and seed (common random
numbers) and returns a :class:`RoundsComparison`: each round's KPIs with 95 % confidence
intervals, their % change against round 1, and the facilitator notes of the factory.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from processfactory.levers import LeverError, get_lever, lever_names
from processfactory.scenario.loader import (
    ROUND_PLAN_FILE,
    SCENARIO_FILE,
    Problem,
    ScenarioError,
    _in_line_order,
    _located,
    _parse_path,
    _position,
    _read_yaml,
    _walk,
    library_factory_dir,
    library_names,
    library_round_plan,
    load_scenario,
)
from processfactory.scenario.model import Language, Scenario
from processfactory.sim.replications import ProgressCallback, SimulationResult, simulate

NOTES_FILES = {"en": "notes.en.md", "ru": "notes.ru.md"}
"""Facilitator notes of a factory folder, by language."""

_STRING_SOURCE = "<string>"

# ---------------------------------------------------------------------------------------------
# The plan as data


class LeverStep(BaseModel):
    """One lever applied in a round: its name and its parameters as written in the plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lever: str = Field(description="Lever name (five_s, smed, kanban, ...).")
    params: dict[str, Any] = Field(
        default_factory=dict, description="The lever's parameters (default: its lean defaults)."
    )

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        # "smed" or {lever: smed, reduction: 0.8}: parameters sit beside the lever's name
        if isinstance(data, str):
            return {"lever": data}
        if isinstance(data, Mapping) and "params" not in data:
            rest = {str(k): v for k, v in data.items() if k != "lever"}
            return {"lever": data.get("lever"), "params": rest} if "lever" in data else data
        return data


class RoundTranslation(BaseModel):
    """A round's texts in one language; what is left out falls back to the round's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="Round name in this language."
    )
    description: str | None = Field(None, description="Description in this language.")


def _translated(
    translations: Mapping[Language, RoundTranslation], lang: str
) -> RoundTranslation | None:
    return next((tr for code, tr in translations.items() if code == lang), None)


def _name_in(name: str, translations: Mapping[Language, RoundTranslation], lang: str) -> str:
    tr = _translated(translations, lang)
    return tr.name if tr is not None and tr.name else name


def _description_in(
    description: str, translations: Mapping[Language, RoundTranslation], lang: str
) -> str:
    tr = _translated(translations, lang)
    return tr.description if tr is not None and tr.description else description


class Round(BaseModel):
    """One round of the game: a name, what it is about, and the levers newly applied."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(min_length=1)] = Field(description="Round name shown in tables.")
    description: str = Field("", description="What the group does before this round.")
    levers: list[LeverStep] = Field(
        default_factory=list,
        description="Levers applied before this round, in order, on top of the earlier rounds'.",
    )
    translations: dict[Language, RoundTranslation] = Field(
        default_factory=dict,
        description="The round's name and description by language ('en', 'ru').",
    )

    def name_in(self, lang: str = "en") -> str:
        """The round's name in ``lang``: its translation, else ``name``."""
        return _name_in(self.name, self.translations, lang)

    def description_in(self, lang: str = "en") -> str:
        """The round's description in ``lang``: its translation, else ``description``."""
        return _description_in(self.description, self.translations, lang)


class RoundPlan(BaseModel):
    """The rounds of a factory, in playing order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field("", description="Free text for the facilitator.")
    rounds: Annotated[list[Round], Field(min_length=1)] = Field(description="Rounds in order.")

    _source: str = PrivateAttr(_STRING_SOURCE)
    _spots: dict[str, tuple[int, int]] = PrivateAttr(default_factory=dict)

    @property
    def source(self) -> str:
        """The file (or ``<string>``) the plan was read from, for error messages."""
        return self._source

    def problem(self, path: str, message: str) -> Problem:
        """A problem located at ``path`` (``rounds[1].levers[0]``) of the plan's YAML."""
        line, column = self._spots.get(path, (None, None))
        return Problem(self._source, line, column, path, message)


# ---------------------------------------------------------------------------------------------
# Loading


def _did_you_mean(word: str, choices: list[str]) -> str:
    """``; did you mean 'X'?`` for the closest of ``choices``, or nothing when none is close."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _allowed(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = RoundPlan
    if len(loc) >= 3 and loc[0] == "rounds":
        model = Round
        if len(loc) >= 5 and loc[2] == "levers":
            model = LeverStep
        elif len(loc) >= 5 and loc[2] == "translations":
            model = RoundTranslation
    return list(model.model_fields)


def _plan_message(err: Mapping[str, Any]) -> str:
    kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed(loc)
        hint = _did_you_mean(str(loc[-1]), allowed)
        return f"unknown field '{loc[-1]}' (allowed: {', '.join(allowed)}){hint}"
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind == "model_type" and len(loc) == 4 and loc[2] == "levers":
        return (
            "a lever step is a lever name or a mapping {lever: NAME, PARAM: VALUE, ...}"
            f", got {value!r}"
        )
    got = f", got {value!r}" if isinstance(value, str | int | float | bool) else ""
    return f"{err['msg']}{got}"


def _param_problems(
    plan_problem: Callable[[str, str], Problem],
    step_path: str,
    step: LeverStep,
    fallback: str,
) -> list[Problem]:
    """Each invalid parameter of a step, located at its own key when the plan has one."""
    lever = get_lever(step.lever)
    try:
        lever.params.model_validate(step.params)
    except ValidationError as exc:
        out = []
        allowed = list(lever.params.model_fields)
        for err in exc.errors(include_url=False):
            loc = list(err["loc"])
            path = step_path
            for segment in loc:
                path += f"[{segment}]" if isinstance(segment, int) else f".{segment}"
            if err["type"] == "extra_forbidden" and len(loc) == 1:
                hint = _did_you_mean(str(loc[0]), allowed)
                message = (
                    f"unknown parameter '{loc[0]}' of lever '{step.lever}' "
                    f"(allowed: {', '.join(allowed)}){hint}"
                )
            else:
                value = err.get("input")
                got = f", got {value!r}" if isinstance(value, str | int | float | bool) else ""
                message = f"lever '{step.lever}': {err['msg']}{got}"
            out.append(plan_problem(path, message))
        return out
    return [plan_problem(step_path, fallback)]  # pragma: no cover - parse_params agreed it failed


def _spots(root: yaml.Node, plan: RoundPlan) -> dict[str, tuple[int, int]]:
    """Line and column of every round, step and step parameter of the plan."""
    spots: dict[str, tuple[int, int]] = {}

    def mark(loc: list[str | int], *, on_key: bool = False) -> None:
        spot = _walk(root, loc)
        node = spot.key if on_key and spot.key is not None else spot.node
        spots[spot.path] = _position(node)

    for i, rnd in enumerate(plan.rounds):
        mark(["rounds", i])
        mark(["rounds", i, "levers"])
        for j, step in enumerate(rnd.levers):
            mark(["rounds", i, "levers", j])
            mark(["rounds", i, "levers", j, "lever"])
            for key in step.params:
                mark(["rounds", i, "levers", j, key], on_key=True)
    return spots


def _step_problems(root: yaml.Node, data: dict[str, Any], source: str) -> list[Problem]:
    """Unknown levers and invalid lever parameters, read from the raw YAML data.

    Read from the data rather than the validated plan so that they are reported together with
    any structural problem of the plan.
    """
    problems: list[Problem] = []

    def problem(path: str, message: str, *, on_key: bool = False) -> Problem:
        spot = _walk(root, _parse_path(path))
        line, column = _position(spot.key if on_key and spot.key is not None else spot.node)
        return Problem(source, line, column, path, message)

    def key_problem(path: str, message: str) -> Problem:
        return problem(path, message, on_key=True)

    rounds = data.get("rounds")
    for i, rnd in enumerate(rounds if isinstance(rounds, list) else []):
        levers = rnd.get("levers") if isinstance(rnd, dict) else None
        for j, raw in enumerate(levers if isinstance(levers, list) else []):
            path = f"rounds[{i}].levers[{j}]"
            try:
                step = LeverStep.model_validate(raw)
            except ValidationError:
                continue  # a structural problem, reported by the model's validation
            try:
                lever = get_lever(step.lever)
            except LeverError:
                hint = _did_you_mean(step.lever, lever_names())
                known = ", ".join(lever_names())
                message = f"unknown lever '{step.lever}' (levers: {known}){hint}"
                where = f"{path}.lever" if isinstance(raw, dict) else path
                problems.append(problem(where, message))
                continue
            try:
                lever.parse_params(step.params)
            except LeverError as err:
                problems += _param_problems(key_problem, path, step, str(err))
    return problems


def parse_round_plan(text: str, source: str = _STRING_SOURCE) -> RoundPlan:
    """Parse and validate a round plan from YAML text.

    Lever names and parameters are checked here (``get_lever(name).parse_params``), so an
    unknown lever or a bad parameter fails before any simulation. Raises
    :class:`~processfactory.scenario.loader.ScenarioError` listing every problem, each located by
    file, line, column and field path.
    """
    root, data, problems = _read_yaml(text, source)
    if root is None:
        message = "the round plan is empty (it needs 'rounds', a list of rounds)"
        raise ScenarioError([Problem(source, None, None, "", message)])
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        line, column = _position(root)
        found = "a list" if isinstance(root, yaml.SequenceNode) else repr(data)
        message = f"the top level must be a mapping with 'rounds' (a list of rounds), not {found}"
        raise ScenarioError([Problem(source, line, column, "", message)])
    problems += _step_problems(root, data, source)
    try:
        plan = RoundPlan.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            on_key = err["type"] == "extra_forbidden"
            problems.append(
                _located(root, source, list(err["loc"]), _plan_message(err), on_key=on_key)
            )
        raise ScenarioError(_in_line_order(problems)) from None
    if problems:
        raise ScenarioError(_in_line_order(problems))
    plan._source = source
    plan._spots = _spots(root, plan)
    return plan


def load_round_plan(path: str | os.PathLike[str]) -> RoundPlan:
    """Load and validate a round plan file (see :func:`parse_round_plan`)."""
    source = os.fspath(path)
    try:
        text = Path(source).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            [Problem(source, None, None, "", f"cannot read the round plan: {exc}")]
        ) from None
    return parse_round_plan(text, source=source)


# ---------------------------------------------------------------------------------------------
# Applying


def round_scenarios(scenario: Scenario, plan: RoundPlan) -> list[Scenario]:
    """Each round's scenario: the levers of every round so far applied cumulatively, in order.

    Raises :class:`ScenarioError` located at the plan's step when a lever cannot be applied to
    this scenario (e.g. it names a station the scenario does not have).
    """
    out: list[Scenario] = []
    problems: list[Problem] = []
    current = scenario
    for i, rnd in enumerate(plan.rounds):
        for j, step in enumerate(rnd.levers):
            try:
                current = get_lever(step.lever)(current, step.params)
            except LeverError as err:
                message = f"cannot apply lever '{step.lever}' in round '{rnd.name}': {err}"
                problems.append(plan.problem(f"rounds[{i}].levers[{j}]", message))
        out.append(current)
    if problems:
        raise ScenarioError(_in_line_order(problems))
    return out


# ---------------------------------------------------------------------------------------------
# Comparing


@dataclass(frozen=True)
class RoundResult:
    """One simulated round."""

    name: str
    description: str
    levers: list[str]
    """Lever names applied in this round (new in this round), in order."""
    applied: list[str]
    """Every lever applied so far (cumulative), in order."""
    scenario: Scenario
    """The round's scenario."""
    result: SimulationResult
    """The round's KPIs over replications, with the run records (for charts and reports)."""
    translations: Mapping[Language, RoundTranslation] = field(default_factory=dict)
    """The round's name and description by language (from the round plan)."""

    def name_in(self, lang: str = "en") -> str:
        """The round's name in ``lang``: its translation, else ``name``."""
        return _name_in(self.name, self.translations, lang)

    def description_in(self, lang: str = "en") -> str:
        """The round's description in ``lang``: its translation, else ``description``."""
        return _description_in(self.description, self.translations, lang)


@dataclass(frozen=True)
class RoundsComparison:
    """Every round of a factory, simulated with the same replications and seed."""

    factory: str
    """The factory's name: the built-in name, or the folder / file it was read from."""
    title: str
    """The scenario's display name."""
    notes: dict[str, str]
    """Facilitator notes by language (``{"en": ..., "ru": ...}``); empty when there are none."""
    rounds: list[RoundResult]
    plan: RoundPlan | None = None
    replications: int = 0
    seed: int = 0
    source: str = field(default="")
    """Where the scenario was read from (a built-in name or a path)."""

    def title_in(self, lang: str = "en") -> str:
        """The factory's display name in ``lang``: the scenario's translation, else ``title``."""
        if self.rounds:
            tr = self.rounds[0].scenario.translation(lang)
            if tr is not None and tr.name:
                return tr.name
        return self.title

    def mean(self, kpi: str) -> list[float | None]:
        """The mean of a scalar KPI in each round (None where it is missing)."""
        return [(r.result.kpi.get(kpi) or {}).get("mean") for r in self.rounds]

    def percent_change(self, kpi: str) -> list[float | None]:
        """% change of a KPI's mean in each round against round 1 (0 for round 1 itself)."""
        from processfactory.kpi.summary import percent_change

        means = self.mean(kpi)
        return [percent_change(means[0], m) for m in means]

    def to_json(self) -> dict[str, Any]:
        """The object ``processfactory rounds --json`` prints.

        ``{"factory": name, "rounds": [{"name", "levers", "kpi"}]}`` with each round's ``kpi``
        in the format of ``processfactory simulate --json``.
        """
        return {
            "factory": self.factory,
            "rounds": [
                {"name": r.name, "levers": list(r.levers), "kpi": r.result.kpi} for r in self.rounds
            ],
        }


@dataclass(frozen=True)
class Factory:
    """A scenario with its round plan and notes, as found on disk or in the library."""

    name: str
    scenario: Scenario
    plan: RoundPlan
    notes: dict[str, str]


def _not_a_factory(source: str, why: str) -> ScenarioError:
    factories = [n for n in library_names() if library_round_plan(n) is not None]
    message = f"{why} (built-in factories with round plans: {', '.join(factories)})"
    return ScenarioError([Problem(source, None, None, "", message)])


def _notes(folder: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for lang, name in NOTES_FILES.items():
        path = folder / name
        if path.is_file():
            out[lang] = path.read_text(encoding="utf-8")
    return out


def load_factory(name_or_path: str | os.PathLike[str]) -> Factory:
    """A factory by built-in name, factory folder, or scenario file with ``rounds.yaml`` beside.

    Raises :class:`ScenarioError` when there is no such factory or no round plan, or when the
    scenario or the plan is invalid (the plan is applied once here, so a lever that does not fit
    the scenario is reported before anything is simulated).
    """
    source = os.fspath(name_or_path)
    path = Path(source)
    if path.is_file():
        scenario_path = path
        name = path.parent.resolve().name if path.name == SCENARIO_FILE else path.stem
        plan_path = path.parent / ROUND_PLAN_FILE
        if not plan_path.is_file():
            raise _not_a_factory(source, f"no round plan: expected {plan_path} beside the scenario")
    elif path.is_dir():
        scenario_path, plan_path = path / SCENARIO_FILE, path / ROUND_PLAN_FILE
        name = path.resolve().name
        missing = [p.name for p in (scenario_path, plan_path) if not p.is_file()]
        if missing:
            what = " and ".join(missing)
            raise _not_a_factory(source, f"the folder is not a factory: it has no {what}")
    elif path.parent == Path(".") and source in library_names():
        library_plan = library_round_plan(source)
        folder = library_factory_dir(source)
        if library_plan is None or folder is None:
            raise _not_a_factory(source, f"the built-in scenario '{source}' has no round plan")
        scenario = load_scenario(source)
        plan = load_round_plan(library_plan)
        round_scenarios(scenario, plan)
        return Factory(source, scenario, plan, _notes(folder))
    else:
        raise _not_a_factory(source, "no such file, folder or built-in factory")
    problems: list[Problem] = []
    scenario_or_none: Scenario | None = None
    plan_or_none: RoundPlan | None = None
    try:
        scenario_or_none = load_scenario(scenario_path)
    except ScenarioError as err:
        problems += err.problems
    try:
        plan_or_none = load_round_plan(plan_path)
    except ScenarioError as err:
        problems += err.problems
    if problems or scenario_or_none is None or plan_or_none is None:
        raise ScenarioError(problems)
    round_scenarios(scenario_or_none, plan_or_none)
    return Factory(name, scenario_or_none, plan_or_none, _notes(scenario_path.parent))


def _offset(progress: ProgressCallback, before: int, total: int) -> ProgressCallback:
    def callback(done: int, _total: int) -> None:
        progress(before + done, total)

    return callback


def compare_rounds(
    name_or_path: str | os.PathLike[str],
    replications: int | None = None,
    seed: int | None = None,
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    events: bool = False,
) -> RoundsComparison:
    """Simulate every round of a factory and compare them.

    ``name_or_path`` is a built-in factory name (``assembly``), a factory folder, or a scenario
    YAML file with a ``rounds.yaml`` beside it. Every round runs ``replications`` replications
    (default: round 1's ``run.replications``) with the same ``seed`` (default: its ``run.seed``),
    keeping the run records; ``events=True`` also keeps replication 0's event log of each round.
    ``progress(done, total)`` counts replications over all rounds.
    """
    factory = load_factory(name_or_path)
    scenarios = round_scenarios(factory.scenario, factory.plan)
    n = replications if replications is not None else factory.scenario.run.replications
    seed = factory.scenario.run.seed if seed is None else seed
    total = n * len(scenarios)
    rounds: list[RoundResult] = []
    applied: list[str] = []
    for k, (rnd, scn) in enumerate(zip(factory.plan.rounds, scenarios, strict=True)):
        callback = None if progress is None else _offset(progress, k * n, total)
        result = simulate(
            scn, n, seed, events=events, keep_records=True, workers=workers, progress=callback
        )
        new = [step.lever for step in rnd.levers]
        applied += new
        rounds.append(
            RoundResult(
                name=rnd.name,
                description=rnd.description,
                levers=new,
                applied=list(applied),
                scenario=scn,
                result=result,
                translations=dict(rnd.translations),
            )
        )
    return RoundsComparison(
        factory=factory.name,
        title=factory.scenario.name,
        notes=factory.notes,
        rounds=rounds,
        plan=factory.plan,
        replications=n,
        seed=seed,
        source=os.fspath(name_or_path),
    )


__all__ = [
    "NOTES_FILES",
    "Factory",
    "LeverStep",
    "Round",
    "RoundPlan",
    "RoundTranslation",
    "RoundResult",
    "RoundsComparison",
    "compare_rounds",
    "load_factory",
    "load_round_plan",
    "parse_round_plan",
    "round_scenarios",
]
