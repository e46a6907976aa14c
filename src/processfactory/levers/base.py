"""What every lever shares: parameters as data, the record of a lever, and the check of its result.

A lever is a lean tool written as a pure function ``Scenario -> Scenario``: it returns a new
scenario and never changes the one it is given (scenarios are frozen pydantic models). Its
parameters are a frozen pydantic model with the lean-practice defaults, so a round plan written
in YAML (``{lever: smed, reduction: 0.8}``) is validated with the same messages as a scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from processfactory.scenario.checks import check_scenario
from processfactory.scenario.model import Identifier, Scenario, Station


class LeverParams(BaseModel):
    """Parameters common to levers: which stations the lever acts on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stations: list[Identifier] | None = Field(
        None, description="Stations the lever acts on (default: every station it applies to)."
    )


P = TypeVar("P", bound=LeverParams)


class LeverError(ValueError):
    """A lever cannot be applied: unknown name, bad parameters, or a scenario it does not fit."""


@dataclass(frozen=True)
class Lever(Generic[P]):
    """A lean tool: its name in round plans, its title in reports, its function and parameters."""

    name: str
    title: str
    function: Callable[[Scenario, P], Scenario]
    params: type[P]
    changes: tuple[str, ...]
    """Scenario fields the lever may change, as paths with ``[*]`` for any list item
    (e.g. ``"stations[*].setup.time"``). Tests check that a lever changes nothing else."""

    @property
    def summary(self) -> str:
        """First paragraph of the lever function's docstring."""
        doc = self.function.__doc__ or ""
        return doc.strip().split("\n\n", 1)[0].replace("\n", " ")

    def parse_params(self, values: Mapping[str, Any] | P | None = None) -> P:
        """Validate parameters given as a mapping (e.g. from YAML); raises :class:`LeverError`."""
        if isinstance(values, self.params):
            return values
        try:
            return self.params.model_validate(dict(values or {}))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'parameters'}: {err['msg']}"
                for err in exc.errors()
            )
            raise LeverError(f"lever '{self.name}': {problems}") from None

    def __call__(
        self, scenario: Scenario, params: Mapping[str, Any] | P | None = None, **values: Any
    ) -> Scenario:
        """Apply the lever: ``LEVERS['smed'](scenario, reduction=0.8)``."""
        if values:
            params = {**dict(params or {}), **values}
        return self.function(scenario, self.parse_params(params))


def selected_stations(scenario: Scenario, params: LeverParams) -> list[str]:
    """The station ids a lever acts on; raises :class:`LeverError` for ids not in the scenario."""
    known = [st.id for st in scenario.stations]
    if params.stations is None:
        return known
    unknown = [sid for sid in params.stations if sid not in known]
    if unknown:
        raise LeverError(
            f"unknown station(s) {', '.join(repr(s) for s in unknown)}; "
            f"the scenario has {', '.join(known)}"
        )
    return list(params.stations)


def any_station(station: Station) -> bool:
    """The ``fits`` of :func:`fitting_stations` for a lever that can act on every station."""
    return True


def fitting_stations(
    scenario: Scenario,
    params: LeverParams,
    lever: str,
    fits: Callable[[Station], bool],
    needs: str,
) -> list[str]:
    """The selected stations the lever applies to, in scenario order; raises :class:`LeverError`.

    A station named explicitly in ``params.stations`` that does not fit (``fits`` is false) is
    an error naming it and what it lacks (``needs``, e.g. "a setup"); with the default selection
    (every station) the stations that do not fit are left alone, and it is an error only when
    no station fits, since the lever would then change nothing.
    """
    try:
        chosen = selected_stations(scenario, params)
    except LeverError as exc:
        raise LeverError(f"lever '{lever}': {exc}") from None
    if params.stations is not None:
        misfits = [sid for sid in chosen if not fits(scenario.station(sid))]
        if misfits:
            names = ", ".join(repr(s) for s in misfits)
            raise LeverError(f"lever '{lever}' acts only on stations with {needs}: not on {names}")
        return chosen
    out = [sid for sid in chosen if fits(scenario.station(sid))]
    if not out:
        raise LeverError(
            f"lever '{lever}' acts only on stations with {needs}, and scenario "
            f"'{scenario.name}' has none: it would change nothing"
        )
    return out


def with_stations_changed(
    scenario: Scenario,
    lever: str,
    chosen: Collection[str],
    change: Callable[[Station], Station],
    **fields: Any,
) -> Scenario:
    """The lever's result: ``change`` applied to the stations in ``chosen``, validated again.

    Stations not in ``chosen`` are kept as they are, in their order; ``fields`` replace other
    top-level fields of the scenario at the same time (``release=...``). The result goes
    through :func:`revalidate`, so a change the scenario checks refuse raises
    :class:`LeverError` naming ``lever``.
    """
    stations = [change(st) if st.id in chosen else st for st in scenario.stations]
    return revalidate(scenario.model_copy(update={"stations": stations, **fields}), lever)


def with_release_policy(
    scenario: Scenario,
    lever: str,
    policy: str,
    cap: int | None,
    cards: Mapping[str, int | None],
) -> Scenario:
    """The lever's result: release ``policy`` with ``cap``, and the stations in ``cards`` given
    that many kanban cards (None: no cards), validated again (:func:`with_stations_changed`)."""
    release = scenario.release.model_copy(update={"policy": policy, "cap": cap})
    return with_stations_changed(
        scenario,
        lever,
        cards,
        lambda st: st.model_copy(update={"kanban": cards[st.id]}),
        release=release,
    )


def revalidate(scenario: Scenario, lever: str) -> Scenario:
    """The scenario validated again as the loader validates a file; raises :class:`LeverError`.

    ``model_copy`` does not validate, so a lever's result is dumped and validated by the
    pydantic model (types, ranges, cross-field rules) and then by
    :func:`processfactory.scenario.checks.check_scenario` (references, deadlocks, ...), the two
    layers :func:`processfactory.scenario.loader.parse_scenario` runs after reading YAML. The
    validated copy is returned; it equals the input when nothing is wrong.
    """
    data: dict[str, Any] = scenario.model_dump()
    try:
        checked = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise LeverError(f"lever '{lever}' would make an invalid scenario: {problems}") from None
    findings = check_scenario(checked)
    if findings:
        problems = "; ".join(f"{path}: {message}" for path, message in findings)
        raise LeverError(f"lever '{lever}' would make an invalid scenario: {problems}")
    return checked
