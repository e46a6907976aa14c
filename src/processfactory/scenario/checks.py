"""Semantic checks of a scenario: what the pydantic model alone cannot see.

The model validates each field on its own; these checks look across fields (ids that refer to
other objects, routings, release policy versus batches, layout completeness) and find scenarios
that are well-formed but wrong: a reference to a station that does not exist, a unit that can
never finish, a line that deadlocks or a run that never stops.

Each problem is reported as ``(path, message)`` with the path in the loader's form
(``stations[2].defects.detected_at``) so that the loader can point at the offending YAML line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from processfactory.scenario.model import (
    Identifier,
    Operator,
    Product,
    Release,
    Scenario,
    Station,
)

Finding = tuple[str, str]


def _names(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def _duplicates(kind: str, section: str, ids: list[str]) -> list[Finding]:
    out: list[Finding] = []
    first: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if ident in first:
            out.append(
                (
                    f"{section}[{i}].id",
                    f"duplicate {kind} id '{ident}' (already used by {section}[{first[ident]}])",
                )
            )
        else:
            first[ident] = i
    return out


def _routings(scn: Scenario) -> list[tuple[str, str | None, list[str]]]:
    """(path of the routing, product id or None, station ids) for every routing of the mix."""
    every = [st.id for st in scn.stations]
    if not scn.products:
        return [("stations", None, every)]
    out: list[tuple[str, str | None, list[str]]] = []
    for i, prod in enumerate(scn.products):
        if prod.routing is None:
            out.append((f"products[{i}]", prod.id, every))
        else:
            out.append((f"products[{i}].routing", prod.id, list(prod.routing)))
    return out


def _of_routing(product: str | None) -> str:
    return "the routing" if product is None else f"the routing of product '{product}'"


def _references(scn: Scenario, known: set[str]) -> list[Finding]:
    out: list[Finding] = []
    listing = _names(st.id for st in scn.stations)

    def unknown(path: str, what: str, ident: str) -> None:
        out.append((path, f"{what} names unknown station '{ident}' (stations: {listing})"))

    for i, prod in enumerate(scn.products):
        routing = prod.routing if prod.routing is not None else [st.id for st in scn.stations]
        if prod.routing is not None and not prod.routing:
            out.append(
                (f"products[{i}].routing", "the routing is empty: name at least one station")
            )
        for j, ident in enumerate(prod.routing or []):
            if ident not in known:
                unknown(f"products[{i}].routing[{j}]", "the routing", ident)
        for ident in prod.times:
            path = f"products[{i}].times.{ident}"
            if ident not in known:
                unknown(path, "a time override", ident)
            elif ident not in routing:
                out.append(
                    (
                        path,
                        f"time override for station '{ident}', which is not on the routing of "
                        f"product '{prod.id}'",
                    )
                )
    for k, st in enumerate(scn.stations):
        if st.defects is None:
            continue
        if st.defects.detected_at is not None and st.defects.detected_at not in known:
            unknown(f"stations[{k}].defects.detected_at", "detected_at", st.defects.detected_at)
        if st.defects.rework_at is not None and st.defects.rework_at not in known:
            unknown(f"stations[{k}].defects.rework_at", "rework_at", st.defects.rework_at)
    for i, op in enumerate(scn.operators):
        for j, ident in enumerate(op.skills):
            if ident not in known:
                unknown(f"operators[{i}].skills[{j}]", "a skill", ident)
        if op.start_at is not None:
            if op.start_at not in known:
                unknown(f"operators[{i}].start_at", "start_at", op.start_at)
            elif op.start_at not in op.skills:
                out.append(
                    (
                        f"operators[{i}].start_at",
                        f"start_at '{op.start_at}' is not one of this group's skills "
                        f"({_names(op.skills)})",
                    )
                )
    product_ids = [p.id for p in scn.products]
    for i, order in enumerate(scn.release.orders or []):
        if order.product is not None and order.product not in product_ids:
            have = f"products: {_names(product_ids)}" if product_ids else "no products are given"
            out.append(
                (
                    f"release.orders[{i}].product",
                    f"the order names unknown product '{order.product}' ({have})",
                )
            )
    return out


def _translations(scn: Scenario, known: set[str]) -> list[Finding]:
    listing = _names(st.id for st in scn.stations)
    return [
        (
            f"translations.{lang}.stations.{ident}",
            f"a translated name names unknown station '{ident}' (stations: {listing})",
        )
        for lang, tr in scn.translations.items()
        for ident in tr.stations
        if ident not in known
    ]


def _detection_order(
    scn: Scenario, known: set[str], routings: list[tuple[str, str | None, list[str]]]
) -> list[Finding]:
    out: list[Finding] = []
    for k, st in enumerate(scn.stations):
        detector = st.defects.detected_at if st.defects is not None else None
        # an unknown detector is already reported as a missing reference
        if detector is None or detector == st.id or detector not in known:
            continue
        for _, product, route in routings:
            if st.id not in route:
                continue
            path = f"stations[{k}].defects.detected_at"
            made = route.index(st.id)
            if detector not in route:
                out.append(
                    (
                        path,
                        f"'{detector}' is not on {_of_routing(product)}, which visits '{st.id}': "
                        "the defect would never be detected",
                    )
                )
            elif detector not in route[made:]:
                out.append(
                    (
                        path,
                        f"'{detector}' comes before '{st.id}' on {_of_routing(product)}: a defect "
                        "can only be detected at or after the station that makes it",
                    )
                )
    return out


def _visited(scn: Scenario, routings: list[tuple[str, str | None, list[str]]]) -> set[str]:
    """Stations a unit can visit: its routing, plus rework stations off the routing."""
    on_routing = {s for _, _, route in routings for s in route}
    rework = {
        st.defects.rework_at
        for st in scn.stations
        if st.id in on_routing
        and st.defects is not None
        and st.defects.action == "rework"
        and st.defects.rework_at is not None
    }
    return on_routing | rework


def _never_finishing(
    scn: Scenario, routings: list[tuple[str, str | None, list[str]]]
) -> list[Finding]:
    out: list[Finding] = []
    for k, st in enumerate(scn.stations):
        if st.defects is not None and st.defects.rate >= 1.0 and st.defects.action == "rework":
            out.append(
                (
                    f"stations[{k}].defects.rate",
                    "defect rate 1 with action 'rework': every unit is reworked again and again "
                    "and never finishes (use a rate below 1, or action 'scrap')",
                )
            )
    if scn.operators:
        skilled = {s for op in scn.operators for s in op.skills}
        visited = _visited(scn, routings)
        for k, st in enumerate(scn.stations):
            if st.id in visited and st.id not in skilled:
                out.append(
                    (
                        f"stations[{k}]",
                        f"no operator group has '{st.id}' among its skills: units can never pass "
                        "this station",
                    )
                )
    if scn.release.source != "orders" and scn.run.units is None and scn.run.duration is None:
        supply = "saturated supply" if scn.release.source == "saturated" else "random arrivals"
        out.append(
            (
                "run",
                f"the run never stops: with {supply} give run.units (units to observe) or "
                "run.duration (time to stop)",
            )
        )
    return out


def _idle_operators(
    scn: Scenario, routings: list[tuple[str, str | None, list[str]]]
) -> list[Finding]:
    visited = _visited(scn, routings)
    return [
        (
            f"operators[{i}].skills",
            f"operator group '{op.id}' covers no station of any routing "
            f"(skills: {_names(op.skills)})",
        )
        for i, op in enumerate(scn.operators)
        if not visited.intersection(op.skills)
    ]


def _deadlocks(scn: Scenario) -> list[Finding]:
    out: list[Finding] = []
    release = scn.release
    for k, st in enumerate(scn.stations):
        field = "process_batch" if st.process_batch >= st.transfer_batch else "transfer_batch"
        need = max(st.process_batch, st.transfer_batch)
        label = field.replace("_", " ")
        if release.policy == "conwip" and release.cap is not None and release.cap < need:
            out.append(
                (
                    f"stations[{k}].{field}",
                    f"{label} {need} is larger than the CONWIP cap {release.cap}: the batch can "
                    "never fill and the line deadlocks",
                )
            )
        if st.kanban is not None:
            if release.policy != "kanban":
                out.append(
                    (
                        f"stations[{k}].kanban",
                        "kanban cards are only used with release policy 'kanban' "
                        f"(the policy is '{release.policy}')",
                    )
                )
            elif st.kanban < need:
                out.append(
                    (
                        f"stations[{k}].kanban",
                        f"{st.kanban} kanban cards are fewer than the {label} {need}: the batch "
                        "can never fill and the station deadlocks",
                    )
                )
    if release.policy == "kanban":
        # A unit sent back for rework keeps its kanban card while it waits to be redone, so a
        # station whose cards are all held by units waiting for rework can never start again.
        for k, st in enumerate(scn.stations):
            if st.defects is not None and st.defects.action == "rework" and st.defects.rate > 0:
                out.append(
                    (
                        f"stations[{k}].defects.action",
                        "rework is not supported with release policy 'kanban' (a reworked unit "
                        "keeps its card and can deadlock the station); use action 'scrap' or "
                        "policy 'conwip'",
                    )
                )
    if release.policy == "kanban" and all(st.kanban is None for st in scn.stations):
        out.append(
            (
                "release.policy",
                "policy 'kanban' needs kanban cards: set `kanban` on at least one station",
            )
        )
    return out


def _layout(scn: Scenario) -> list[Finding]:
    placed = [st.position is not None for st in scn.stations]
    out: list[Finding] = []
    if any(placed) and not all(placed):
        out.extend(
            (
                f"stations[{k}]",
                f"station '{st.id}' has no position while others have one: give every station "
                "a position [x, y] (metres), or none",
            )
            for k, st in enumerate(scn.stations)
            if st.position is None
        )
    if scn.layout.transport and not any(placed):
        out.append(
            (
                "layout.transport",
                "transport needs distances: give every station a position [x, y] (metres)",
            )
        )
    return out


def check_scenario(scn: Scenario) -> list[tuple[str, str]]:
    """Semantic problems of a validated scenario as ``(path, message)``; empty when it is sound.

    Paths name the offending item with its index (``operators[1].skills[0]``), in the same form
    as the loader's problem paths.
    """
    known = {st.id for st in scn.stations}
    routings = _routings(scn)
    return [
        *_duplicates("station", "stations", [st.id for st in scn.stations]),
        *_duplicates("operator", "operators", [op.id for op in scn.operators]),
        *_duplicates("product", "products", [p.id for p in scn.products]),
        *_references(scn, known),
        *_translations(scn, known),
        *_detection_order(scn, known, routings),
        *_never_finishing(scn, routings),
        *_idle_operators(scn, routings),
        *_deadlocks(scn),
        *_layout(scn),
    ]


# ---------------------------------------------------------------------------------------------
# The references of a scenario the model rejected

# what a broken station becomes while its references are checked: only its id matters
_STAND_IN_TIME = {"dist": "deterministic", "value": 1.0}
# list sections: their item model, and what stands in for a broken item's required fields
# (None: an operator that cannot be mended goes; nothing refers to it)
_ITEMS: dict[str, tuple[type[BaseModel], dict[str, Any] | None]] = {
    "stations": (Station, {"time": _STAND_IN_TIME}),
    "products": (Product, {}),
    "operators": (Operator, None),
}
_IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)
_ITEM_PATH = re.compile(rf"\b({'|'.join(_ITEMS)})\[(\d+)\]")


def _salvaged(item: Any, model: type[BaseModel], stand_in: dict[str, Any] | None) -> Any:
    """A broken item without its broken fields (a required one stood in for), or, when that
    does not validate, only its id and the stand-ins; None when it goes."""
    if not isinstance(item, dict):
        return None
    fixed = dict(item)
    for _ in range(len(item) + 1):
        try:
            model.model_validate(fixed)
        except ValidationError as exc:
            fields = {err["loc"][0] if err["loc"] else "" for err in exc.errors()}
        else:
            return fixed
        replace = {f: v for f, v in (stand_in or {}).items() if f in fields and fixed.get(f) != v}
        drop = fields - replace.keys()
        if "" in fields or "id" in fields or not drop <= fixed.keys():
            break
        fixed = {f: v for f, v in fixed.items() if f not in drop} | replace
    if stand_in is None:
        return None
    try:
        return {"id": _IDENTIFIER.validate_python(item.get("id")), **stand_in}
    except ValidationError:
        return None


def _valid_parts(data: dict[str, Any]) -> tuple[Scenario, dict[str, list[int]]] | None:
    """The scenario made of ``data``'s valid parts, and for each list section the index in
    ``data`` of every item kept. A broken item or release loses its broken fields (see
    ``_salvaged``), and any other broken section takes its default. None when even that does
    not validate (the station list itself is missing or empty, say)."""
    parts = {"name": "", **data}
    if "release" in parts:
        release = _salvaged(parts.pop("release"), Release, None)
        parts |= {"release": release} if release is not None else {}
    kept: dict[str, list[int]] = {}
    for key, (model, stand_in) in _ITEMS.items():
        items = parts.get(key)
        if isinstance(items, list):
            salvaged = [_salvaged(it, model, stand_in) for it in items]
            kept[key] = [i for i, it in enumerate(salvaged) if it is not None]
            parts[key] = [it for it in salvaged if it is not None]
    for _ in range(len(parts)):
        try:
            return Scenario.model_validate(parts), kept
        except ValidationError as exc:
            broken = {err["loc"][0] for err in exc.errors() if err["loc"]}
            if not broken or broken & _ITEMS.keys():
                return None
            for section in broken:
                parts.pop(str(section), None)
            parts.setdefault("name", "")
    return None


def check_valid_parts(data: dict[str, Any]) -> list[Finding]:
    """The id problems (duplicates, references to unknown stations or products, translations)
    and idle operators of a scenario the model rejected, found on its valid parts, so that one
    reading of the file reports them beside the field errors. The other checks need the whole
    scenario: a part left out could make them see a problem that is not there."""
    valid = _valid_parts(data)
    if valid is None:
        return []
    scn, kept = valid
    known = {st.id for st in scn.stations}
    findings = [
        *_duplicates("station", "stations", [st.id for st in scn.stations]),
        *_duplicates("operator", "operators", [op.id for op in scn.operators]),
        *_duplicates("product", "products", [p.id for p in scn.products]),
        *_references(scn, known),
        *_translations(scn, known),
    ]
    if len(scn.products) == len(data.get("products") or ()):
        # (a product left out would take its routing's stations out of the visited ones)
        findings += _idle_operators(scn, _routings(scn))

    def in_data(match: re.Match[str]) -> str:
        return f"{match[1]}[{kept[match[1]][int(match[2])]}]"

    return [(_ITEM_PATH.sub(in_data, path), _ITEM_PATH.sub(in_data, m)) for path, m in findings]


__all__ = ["check_scenario", "check_valid_parts"]
