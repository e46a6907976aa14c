"""Compile a Scenario into the flat arrays the kernel reads, and draw its random streams.

Random streams: each purpose (a station's operation times per product, its setups, defects,
failures and repairs, the arrivals, the product mix) owns a stream, i.e. its own
``numpy.random.Generator`` derived from the run seed and the replication number with
``SeedSequence(seed, spawn_key=(replication, stream))``. The kernel consumes a stream in order: the
k-th operation started at a station uses the k-th sample of that station's stream. Independent
simulators (the SimPy tests) can therefore replay exactly the same times.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from processfactory.scenario.model import Scenario
from processfactory.sim import codes as K

UNLIMITED = 2**62


@dataclass
class Stream:
    """One purpose's random numbers: a sampler and how many draws to prepare first."""

    name: str
    sample: Callable[..., np.ndarray]
    """``sample(rng, n, out=None)``: n draws, written into ``out`` when it is given."""
    expected: int


def _uniform(rng: np.random.Generator, n: int, out: np.ndarray | None = None) -> np.ndarray:
    return rng.random(n, out=out)


@dataclass
class CompiledScenario:
    """A scenario as arrays (see kernel.run_kernel for their meaning)."""

    scenario: Scenario
    station_ids: list[str]
    product_ids: list[str]
    operator_names: list[str]
    operator_groups: list[str]
    ip: np.ndarray
    fp: np.ndarray
    stations: dict[str, np.ndarray]
    products: dict[str, np.ndarray]
    operators: dict[str, np.ndarray]
    orders: dict[str, np.ndarray]
    streams: list[Stream]
    material: np.ndarray
    expected_units: int
    floor_area: float
    route_lengths: list[int] = field(default_factory=list)


def _distances(scn: Scenario) -> np.ndarray:
    n = len(scn.stations)
    pos = np.zeros((n, 2))
    for i, st in enumerate(scn.stations):
        if st.position is not None:
            pos[i] = st.position
    diff = pos[:, None, :] - pos[None, :, :]
    dist: np.ndarray = (
        np.abs(diff).sum(axis=2)
        if scn.layout.metric == "manhattan"
        else np.sqrt((diff**2).sum(axis=2))
    )
    return dist


def _serial_line(
    scn: Scenario,
    routes: list[list[int]],
    servers: np.ndarray,
    setup_kind: np.ndarray,
    kanban: np.ndarray,
    def_rate: np.ndarray,
    tbf_stream: np.ndarray,
    dist: np.ndarray,
) -> bool:
    """Whether the kernel may run the line by the serial-line recursion (kernel_serial)."""
    run, rel = scn.run, scn.release
    return (
        len(routes) == 1
        and routes[0] == list(range(len(scn.stations)))
        and not scn.operators
        and bool(np.all(servers == 1))
        and not np.any(setup_kind)
        and all(st.process_batch == 1 and st.transfer_batch == 1 for st in scn.stations)
        and not np.any(def_rate > 0)
        and bool(np.all(tbf_stream < 0))
        and bool(np.all(kanban < 0))
        and not np.any(dist)
        and rel.policy in ("push", "conwip")
        and rel.source in ("saturated", "arrivals")
        and run.units is not None
        and run.units >= 1
        and run.duration is None
        and run.warmup_time == 0
    )


def _expected_units(scn: Scenario, bottleneck_time: float) -> int:
    """A generous estimate of the units a run creates (the kernel asks for more if needed)."""
    run, rel = scn.run, scn.release
    if rel.source == "orders":
        return sum(o.quantity for o in rel.orders or [])
    gap = bottleneck_time
    if rel.source == "arrivals" and not isinstance(rel.arrivals, str) and rel.arrivals is not None:
        gap = min(gap, rel.arrivals.mean_time) if gap > 0 else rel.arrivals.mean_time
    estimates = []
    if run.units is not None:
        estimates.append(run.units + run.warmup_units)
    if run.duration is not None and gap > 0:
        estimates.append(math.ceil(run.duration / gap))
    n = min(estimates) if estimates else 1000
    return int(n * 1.05) + 64 + (rel.cap or 0)


def compile_scenario(scn: Scenario) -> CompiledScenario:
    """Turn a validated scenario into kernel arrays (no randomness drawn yet)."""
    st_index = {st.id: i for i, st in enumerate(scn.stations)}
    n_st = len(scn.stations)
    products = scn.products
    if products:
        prod_ids = [p.id for p in products]
        routes = [
            [st_index[s] for s in (p.routing or [st.id for st in scn.stations])] for p in products
        ]
        shares = np.array([p.share for p in products], dtype=np.float64)
    else:
        prod_ids = ["default"]
        routes = [list(range(n_st))]
        shares = np.ones(1)
    n_prod = len(prod_ids)
    max_len = max(len(r) for r in routes)
    route = np.full((n_prod, max_len), -1, np.int64)
    for p, r in enumerate(routes):
        route[p, : len(r)] = r
    route_len = np.array([len(r) for r in routes], np.int64)

    streams: list[Stream] = []

    def add(name: str, sample: Callable[..., np.ndarray], expected: float) -> int:
        streams.append(Stream(name, sample, max(int(expected), 16)))
        return len(streams) - 1

    # visits per station per unit, to size the streams
    share = shares / shares.sum()
    visits = np.zeros(n_st)
    for p, r in enumerate(routes):
        for s in r:
            visits[s] += share[p]
    for i, st in enumerate(scn.stations):
        if st.defects is not None and st.defects.action == "rework":
            rw = st_index[st.defects.rework_at] if st.defects.rework_at else i
            visits[rw] += visits[i] * st.defects.rate / max(1e-9, 1 - st.defects.rate)

    # bottleneck time per unit (mean operation time per unit of the slowest station)
    load = [
        visits[i] * st.time.mean_time / (st.servers * st.process_batch)
        for i, st in enumerate(scn.stations)
    ]
    bottleneck_time = max(load) if load else 0.0
    expected_units = _expected_units(scn, bottleneck_time)
    slack = 1.05

    op_stream = np.zeros((n_prod, n_st), np.int64)
    for s, st in enumerate(scn.stations):
        sid = add(
            f"{st.id}.time", st.time.sample, visits[s] * expected_units * slack / st.process_batch
        )
        op_stream[:, s] = sid
    for p, prod in enumerate(products):
        for station_id, dist in prod.times.items():
            s = st_index[station_id]
            expected = share[p] * expected_units * slack
            op_stream[p, s] = add(f"{prod.id}.{station_id}.time", dist.sample, expected)

    setup_kind = np.zeros(n_st, np.int64)
    setup_stream = np.full(n_st, -1, np.int64)
    def_rate = np.zeros(n_st)
    def_stream = np.full(n_st, -1, np.int64)
    def_detect = np.arange(n_st, dtype=np.int64)
    def_scrap = np.zeros(n_st, np.int64)
    def_rework = np.arange(n_st, dtype=np.int64)
    tbf_stream = np.full(n_st, -1, np.int64)
    rep_stream = np.full(n_st, -1, np.int64)
    kanban = np.full(n_st, -1, np.int64)
    for s, st in enumerate(scn.stations):
        n_ops = visits[s] * expected_units * slack
        if st.setup is not None:
            setup_kind[s] = 1 if st.setup.on == "batch" else 2
            n_setups = n_ops / st.process_batch if st.setup.on == "batch" else n_ops / 4
            setup_stream[s] = add(f"{st.id}.setup", st.setup.time.sample, n_setups)
        if st.defects is not None and st.defects.rate > 0:
            d = st.defects
            def_rate[s] = d.rate
            def_stream[s] = add(f"{st.id}.defects", _uniform, n_ops)
            def_detect[s] = st_index[d.detected_at] if d.detected_at else s
            def_scrap[s] = 1 if d.action == "scrap" else 0
            def_rework[s] = st_index[d.rework_at] if d.rework_at else s
        if st.breakdowns is not None:
            horizon = expected_units * bottleneck_time
            n_fail = horizon / max(st.breakdowns.time_between.mean_time, 1e-9) + 8
            tbf_stream[s] = add(f"{st.id}.failures", st.breakdowns.time_between.sample, n_fail)
            rep_stream[s] = add(f"{st.id}.repairs", st.breakdowns.repair.sample, n_fail)
        if scn.release.policy == "kanban" and st.kanban is not None:
            kanban[s] = st.kanban

    rel = scn.release
    arrival_stream = -1
    if rel.source == "arrivals":
        assert rel.arrivals is not None and not isinstance(rel.arrivals, str)
        arrival_stream = add("arrivals", rel.arrivals.sample, expected_units)
    product_stream = -1
    if n_prod > 1:
        product_stream = add("product_mix", _uniform, expected_units)

    # orders, sorted by arrival (stable, so equal times keep their listed order)
    orders = sorted(rel.orders or [], key=lambda o: o.at)
    prod_pos = {pid: i for i, pid in enumerate(prod_ids)}
    ord_time = np.array([o.at for o in orders], np.float64)
    ord_qty = np.array([o.quantity for o in orders], np.int64)
    ord_prod = np.array([prod_pos[o.product] if o.product else 0 for o in orders], np.int64)
    ord_due = np.array([np.nan if o.due is None else o.due for o in orders], np.float64)

    # operators: one row per person
    op_names: list[str] = []
    op_groups: list[str] = []
    skill_rows: list[list[int]] = []
    start_rows: list[int] = []
    for op in scn.operators:
        skills = [st_index[s] for s in op.skills]
        start = st_index[op.start_at] if op.start_at else skills[0]
        for k in range(op.count):
            op_names.append(f"{op.id}#{k + 1}")
            op_groups.append(op.id)
            skill_rows.append(skills)
            start_rows.append(start)
    n_ops = len(op_names)
    width = max([len(r) for r in skill_rows], default=1)
    op_prio = np.full((n_ops, width), -1, np.int64)
    op_can = np.zeros((n_ops, n_st), np.int64)
    for o, row in enumerate(skill_rows):
        op_prio[o, : len(row)] = row
        op_can[o, row] = 1
    op_start = np.array(start_rows, np.int64)

    servers = np.array([st.servers for st in scn.stations], np.int64)
    first = np.zeros(n_st + 1, np.int64)
    first[1:] = np.cumsum(servers)
    is_first = np.zeros(n_st, np.int64)
    for r in routes:
        is_first[r[0]] = 1

    ip = np.zeros(K.N_IP, np.int64)
    ip[K.IP_POLICY] = {"push": 0, "conwip": 1, "kanban": 2}[rel.policy]
    ip[K.IP_SOURCE] = {"saturated": 0, "arrivals": 1, "orders": 2}[rel.source]
    ip[K.IP_CAP] = rel.cap or 0
    ip[K.IP_STOP_UNITS] = scn.run.units if scn.run.units is not None else -1
    ip[K.IP_WARMUP_UNITS] = scn.run.warmup_units
    ip[K.IP_USE_OPS] = 1 if n_ops else 0
    ip[K.IP_TRANSPORT] = 1 if scn.layout.transport else 0
    ip[K.IP_ARRIVAL_STREAM] = arrival_stream
    ip[K.IP_PRODUCT_STREAM] = product_stream
    ip[K.IP_N_ORDERS] = len(orders)
    fp = np.zeros(K.N_FP, np.float64)
    fp[K.FP_DURATION] = scn.run.duration if scn.run.duration is not None else np.inf
    fp[K.FP_WARMUP_TIME] = scn.run.warmup_time
    metres_per_time_unit = scn.layout.walking_speed * scn.seconds_per_time_unit
    fp[K.FP_TIME_PER_METRE] = 1.0 / metres_per_time_unit
    distances = _distances(scn)
    ip[K.IP_SERIAL] = int(
        _serial_line(scn, routes, servers, setup_kind, kanban, def_rate, tbf_stream, distances)
    )
    ip[K.IP_DRAWN] = -1

    material = np.array(
        [(p.material_cost if p.material_cost is not None else scn.costs.material) for p in products]
        if products
        else [scn.costs.material],
        np.float64,
    )
    floor_area = float(sum(st.footprint + st.buffer_footprint for st in scn.stations))

    return CompiledScenario(
        scenario=scn,
        station_ids=[st.id for st in scn.stations],
        product_ids=prod_ids,
        operator_names=op_names,
        operator_groups=op_groups,
        ip=ip,
        fp=fp,
        stations={
            "st_servers": servers,
            "st_first": first,
            "st_cap": np.array(
                [UNLIMITED if st.buffer is None else st.buffer for st in scn.stations], np.int64
            ),
            "st_pbatch": np.array([st.process_batch for st in scn.stations], np.int64),
            "st_tbatch": np.array([st.transfer_batch for st in scn.stations], np.int64),
            "st_setup_kind": setup_kind,
            "st_setup_stream": setup_stream,
            "st_kanban": kanban,
            "st_va": np.array([1 if st.value_added else 0 for st in scn.stations], np.int64),
            "st_def_rate": def_rate,
            "st_def_stream": def_stream,
            "st_def_detect": def_detect,
            "st_def_scrap": def_scrap,
            "st_def_rework": def_rework,
            "st_tbf_stream": tbf_stream,
            "st_rep_stream": rep_stream,
            "st_is_first": is_first,
        },
        products={
            "route": route,
            "route_len": route_len,
            "op_stream": op_stream,
            "prod_cum_share": np.cumsum(share),
        },
        operators={
            "op_prio": op_prio,
            "op_can": op_can,
            "op_start": op_start,
            "dist": distances,
        },
        orders={"ord_time": ord_time, "ord_qty": ord_qty, "ord_prod": ord_prod, "ord_due": ord_due},
        streams=streams,
        material=material,
        expected_units=expected_units,
        floor_area=floor_area,
        route_lengths=[len(r) for r in routes],
    )


def stream_seed(seed: int, replication: int, stream: int) -> np.random.SeedSequence:
    """The seed sequence of one stream of one replication."""
    return np.random.SeedSequence(seed, spawn_key=(replication, stream))


def stream_rng(seed: int, replication: int, stream: int) -> np.random.Generator:
    """The generator of one stream of one replication: numpy's SFC64, a small, fast chaotic
    generator that passes the standard statistical batteries (a fifth faster than the default
    PCG64 at drawing normals, which lognormal times are made of)."""
    return np.random.Generator(np.random.SFC64(stream_seed(seed, replication, stream)))


__all__ = ["CompiledScenario", "Stream", "compile_scenario", "stream_rng", "stream_seed"]
