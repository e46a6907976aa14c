"""Run one replication of a compiled scenario and turn the kernel's arrays into a RunRecord."""

from __future__ import annotations

import hashlib
import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from processfactory.eventlog.record import OPERATORS_SCHEMA, RunContext, RunRecord
from processfactory.sim import codes as K
from processfactory.sim.compile import CompiledScenario, stream_rng

_STATUS_NAMES = {0: "good", 1: "scrap"}
_KERNEL: Callable[..., None] | None = None


class SimulationError(RuntimeError):
    """The run cannot go on (e.g. the line is stuck); the message says where and when."""


_SIM_DIR = Path(__file__).resolve().parent


def _kernel_cache_dirs(here: Path) -> list[Path]:
    """Where numba caches the kernel: ``__pycache__`` next to the source, and, when
    ``NUMBA_CACHE_DIR`` is set, the folder numba names after the source's folder in it."""
    dirs = [here / "__pycache__"]
    custom = os.environ.get("NUMBA_CACHE_DIR")
    if custom:
        # numba's _UserProvidedCacheLocator: <parent name>_<sha1 of the absolute folder>
        folder = os.path.abspath(here)
        digest = hashlib.sha1(folder.encode()).hexdigest()
        dirs.append(Path(custom) / f"{os.path.basename(folder)}_{digest}")
    return dirs


def _drop_stale_kernel_cache(here: Path = _SIM_DIR) -> None:
    """numba checks a cached function against its own source file only, but the kernel is
    compiled from several modules (its callees and constants are baked into run_kernel's cache
    entry): after a change to any of them, drop the cached kernel so it is compiled afresh
    instead of running stale code. Where __pycache__ is not writable numba caches elsewhere."""
    sources = [*sorted(here.glob("kernel*.py")), here / "layout.py", here / "codes.py"]
    sources.append(here.parent / "eventlog" / "schema.py")
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()
    for cache in _kernel_cache_dirs(here):
        stamp = cache / "kernel.sources"
        try:
            if stamp.exists() and stamp.read_text() == digest:
                continue
            cache.mkdir(parents=True, exist_ok=True)  # stamped before numba caches there
            for f in cache.glob("kernel*.nb[ic]"):
                f.unlink(missing_ok=True)
            # written whole or not at all: a process reading it meanwhile must not see it empty
            partial = cache / f"kernel.sources.{os.getpid()}"
            partial.write_text(digest)
            partial.replace(stamp)
        except OSError:
            pass


def kernel() -> Callable[..., None]:
    """The compiled kernel. numba is imported here, lazily, so the CLI starts instantly; with
    ``NUMBA_DISABLE_JIT=1`` the same source runs as plain Python."""
    global _KERNEL
    if _KERNEL is None:
        _drop_stale_kernel_cache()
        from processfactory.sim.kernel import run_kernel

        _KERNEL = run_kernel
    return _KERNEL


# Below this many samples in all, drawing the streams in threads costs more than it saves.
_THREADED_DRAWS_MIN = 1 << 17
# A stream is drawn this many samples at a time, always: its numbers depend on these parts
# (a distribution may consume its generator differently for one long call than for several
# short ones), never on the threads that draw them.
_PART = 1 << 14
_DRAW_POOL: tuple[int, ThreadPoolExecutor] | None = None


def _draw_threads() -> int:
    return os.cpu_count() or 1


def _draw_pool() -> ThreadPoolExecutor:
    """This process's threads for drawing streams, started once (starting them per replication
    cost as much as a third of the drawing). A forked child starts its own: threads do not
    survive a fork."""
    global _DRAW_POOL
    if _DRAW_POOL is None or _DRAW_POOL[0] != os.getpid():
        pool = ThreadPoolExecutor(
            max(_draw_threads() - 1, 1), thread_name_prefix="processfactory-draw"
        )
        _DRAW_POOL = (os.getpid(), pool)
    return _DRAW_POOL[1]


class _Streams:
    """The replication's random streams, grown on demand (a stream's prefix never changes).

    All streams live in one buffer, ``samples`` (the kernel reads it in place): stream k is
    ``samples[start[k]:start[k] + len[k]]``, drawn from its own generator in parts of ``_PART``
    samples. With ``threads`` > 1 (default: all cores) a large replication is drawn part by
    part, the first part of every stream first, by the process's draw threads (one fewer than
    cores; numpy releases the GIL while it fills an array) and by the caller whenever it waits:
    the caller builds the kernel's state meanwhile, and the serial-line recursion starts on the
    first parts while the rest are drawn (``drawn``). Each stream's numbers are the same either
    way. Workers running replications in parallel pass ``threads=1``: the cores are busy already.
    """

    def __init__(
        self, compiled: CompiledScenario, seed: int, replication: int, threads: int | None = None
    ) -> None:
        self.compiled = compiled
        streams = compiled.streams
        self.rngs = [stream_rng(seed, replication, k) for k in range(len(streams))]
        self._layout([s.expected for s in streams])
        # the parts, the first part of every stream first; part p of a stream is drawn only
        # after its part p - 1 (one generator), whichever thread draws it
        parts = [-(-int(n) // _PART) for n in self.len]
        self._tasks = [(k, p) for p in range(max(parts)) for k in range(len(parts)) if p < parts[k]]
        self._done: list[list[threading.Event]] = []
        self._workers: list[Future[None]] = []
        self._error: BaseException | None = None
        threaded = (threads or os.cpu_count() or 1) > 1 and len(self._tasks) > 1
        if threaded and int(self.len.sum()) >= _THREADED_DRAWS_MIN:
            self._done = [[threading.Event() for _ in range(n)] for n in parts]
            self._claim = itertools.count()
            # the caller draws too whenever it waits: one thread fewer than cores
            pool = _draw_pool()
            self._workers = [pool.submit(self._work) for _ in range(_draw_threads() - 1)]
        else:
            for k, p in self._tasks:
                self._draw(k, p)

    def _draw(self, k: int, p: int) -> None:
        a, n = int(self.start[k]), int(self.len[k])
        lo, hi = p * _PART, min((p + 1) * _PART, n)
        self.compiled.streams[k].sample(self.rngs[k], hi - lo, out=self.samples[a + lo : a + hi])

    def _draw_next(self) -> bool:
        """Draw the next part nobody has taken yet; False when none is left."""
        t = next(self._claim)
        if t >= len(self._tasks) or self._error is not None:
            return False
        k, p = self._tasks[t]
        try:
            if p:
                self._done[k][p - 1].wait()
            if self._error is None:
                self._draw(k, p)
        except BaseException as exc:
            # nobody may wait for a part that will never come
            self._error = exc
            for events in self._done:
                for event in events:
                    event.set()
            raise
        self._done[k][p].set()
        return True

    def _work(self) -> None:
        while self._draw_next():
            pass

    def drawn(self, after: int = 0) -> int:
        """Wait until more than ``after`` leading samples of every stream are drawn (drawing
        meanwhile); return how many, or -1 once every stream is drawn whole."""
        if not self._done:
            return -1
        upto = -1
        for events in self._done:
            n = len(events)
            p = min(after // _PART, n - 1)
            while not events[p].is_set() and self._draw_next():
                pass
            events[p].wait()
            while p + 1 < n and events[p + 1].is_set():
                p += 1
            if p + 1 < n:
                upto = (p + 1) * _PART if upto < 0 else min(upto, (p + 1) * _PART)
        if upto < 0 or self._error is not None:
            self.ready()
        return upto

    def ready(self) -> None:
        """Wait until every stream is drawn (they may be drawn in the background)."""
        if self._done:
            while self._error is None and self._draw_next():
                pass
            for worker in self._workers:
                worker.result()
            if self._error is not None:
                raise self._error
        self._done = []

    def _layout(self, lens: list[int]) -> None:
        self.len = np.array(lens, np.int64)
        self.start = np.zeros(len(lens), np.int64)
        self.start[1:] = np.cumsum(self.len)[:-1]
        self.samples = np.empty(max(int(self.len.sum()), 1), np.float64)

    def stream(self, k: int) -> np.ndarray:
        """The samples of stream k drawn so far (waits for them)."""
        self.ready()
        return self.samples[self.start[k] : self.start[k] + self.len[k]]

    def grow(self, k: int) -> None:
        parts = [self.stream(j) for j in range(len(self.len))]
        extra = self.compiled.streams[k].sample(self.rngs[k], max(int(self.len[k]), 64))
        parts[k] = np.concatenate([parts[k], np.asarray(extra, dtype=np.float64)])
        self._layout([len(p) for p in parts])
        for j, part in enumerate(parts):
            self.stream(j)[:] = part


class _State:
    """The kernel's two flat arrays and named row-major views into them (kernel.py, layout);
    the random samples, the third array of the state, stay in the streams' own buffer."""

    INT_GROUPS = ("UI", "GI", "STI", "OPI", "PI", "ORI", "SMI", "EVI", "HI", "TD")
    FLOAT_GROUPS = ("UF", "GF", "STF", "OPF", "PF", "ORF", "EVF", "HF", "RF")

    def __init__(self, shapes: dict[str, tuple[int, int]]) -> None:
        from processfactory.sim import layout as KK

        self.KK = KK
        n_int = KK.HEADER_END + sum(r * c for g, (r, c) in shapes.items() if g in self.INT_GROUPS)
        n_float = KK.Y_SIZE + sum(r * c for g, (r, c) in shapes.items() if g in self.FLOAT_GROUPS)
        self.IA = np.zeros(n_int, np.int64)
        self.FA = np.zeros(n_float, np.float64)
        self.views: dict[str, np.ndarray] = {}
        off_i, off_f = KK.HEADER_END, KK.Y_SIZE
        for g, (rows, cols) in shapes.items():
            h = getattr(KK, f"H_{g}")
            arr: np.ndarray
            if g in self.INT_GROUPS:
                base, arr = off_i, self.IA
                off_i += rows * cols
            else:
                base, arr = off_f, self.FA
                off_f += rows * cols
            self.IA[h] = base
            self.IA[h + 1] = cols
            self.views[g] = arr[base : base + rows * cols].reshape(rows, cols)

    def __getitem__(self, group: str) -> np.ndarray:
        return self.views[group]


def _ring_length(compiled: CompiledScenario) -> int:
    """Columns of the serial-line recursion's rings: a power of two longer than any finite
    buffer and the CONWIP cap, and at least one per station and per saved scalar."""
    from processfactory.sim import layout as KK
    from processfactory.sim.compile import UNLIMITED

    caps = [int(b) + 1 for b in compiled.stations["st_cap"] if b < UNLIMITED]
    need = max([len(compiled.station_ids), int(compiled.ip[K.IP_CAP]) + 1, KK.RF_SAVED, *caps])
    return 1 << (need - 1).bit_length()


def _build_state(
    compiled: CompiledScenario,
    streams: _Streams,
    u_cap: int,
    ev_cap: int,
    events: bool,
    serial: bool = False,
) -> _State:
    """Allocate and fill the kernel's state (see the layout at the top of kernel.py)."""
    from processfactory.sim import layout as KK

    st, pr, ops, orders = compiled.stations, compiled.products, compiled.operators, compiled.orders
    n_st = len(compiled.station_ids)
    n_srv = int(st["st_first"][-1])
    n_ops = len(compiled.operator_names)
    n_prod = len(compiled.product_ids)
    max_pb = int(st["st_pbatch"].max())
    max_tb = int(st["st_tbatch"].max())
    n_prio = ops["op_prio"].shape[1]
    route = pr["route"]
    n_orders = len(orders["ord_time"])
    # the serial-line recursion needs no calendar and only the units' first rows
    h_cap = 1 if serial else 64 + u_cap + 4 * n_st
    state = _State(
        {
            "UI": (KK.U_REWORK + 1 if serial else KK.UI_ROWS, u_cap),
            "UF": (KK.UF_ROWS, u_cap),
            "GI": (KK.GI_ROWS + max_pb, n_srv),
            "GF": (KK.GF_ROWS, n_srv),
            "STI": (KK.STI_ROWS + max_tb, n_st + 1),
            "STF": (KK.ST_DIST + n_st, n_st + 1),
            "OPI": (KK.OP_CAN + n_st + n_prio, n_ops),
            "OPF": (KK.OP_ACC_END, n_ops),
            "PI": (KK.P_OPSTREAM + n_st + route.shape[1], n_prod),
            "PF": (KK.PF_ROWS, n_prod),
            "ORI": (KK.ORI_ROWS, n_orders),
            "ORF": (KK.ORF_ROWS, n_orders),
            "SMI": (KK.SMI_ROWS, len(streams.len)),
            "EVI": (KK.EVI_ROWS, ev_cap),
            "HI": (KK.HI_ROWS, h_cap),
            "EVF": (1, ev_cap),
            "HF": (1, h_cap),
            "TD": (1, n_st + 1),
            "RF": (n_st + KK.RF_ROWS_EXTRA, _ring_length(compiled)) if serial else (1, 1),
        }
    )
    IA, FA = state.IA, state.FA
    IA[KK.XP : KK.XP + K.N_IP] = compiled.ip
    IA[KK.XP + K.IP_LOG] = 1 if events else 0
    IA[KK.XP + K.IP_N_PRIO] = n_prio
    IA[KK.XP + K.IP_SERIAL] = 1 if serial else 0
    IA[KK.XI + 17] = -1
    IA[KK.XI + 18] = -1
    FA[KK.YP : KK.YP + K.N_FP] = compiled.fp

    if not serial:
        UI = state["UI"]
        for row in (KK.U_NEXT, KK.U_PEND_DET, KK.U_PEND_ORG, KK.U_CARD):
            UI[row] = -1
    GI = state["GI"]
    GI[KK.SRV_ST] = np.repeat(np.arange(n_st), st["st_servers"])
    for row in (KK.SRV_OP, KK.SRV_LAST_PROD, KK.SRV_NEXT_AW):
        GI[row] = -1
    state["GF"][KK.SRV_TIME] = np.inf

    STI = state["STI"]
    STI[KK.ST_FIRST] = st["st_first"]
    for name in (
        "st_servers", "st_cap", "st_pbatch", "st_tbatch", "st_setup_kind", "st_setup_stream",
        "st_kanban", "st_va", "st_def_stream", "st_def_detect", "st_def_scrap", "st_def_rework",
        "st_tbf_stream", "st_rep_stream", "st_is_first",
    ):  # fmt: skip
        STI[getattr(KK, name.upper()), :n_st] = st[name]
    for row in (KK.Q_HEAD, KK.Q_TAIL, KK.W_HEAD, KK.W_TAIL, KK.AW_HEAD, KK.AW_TAIL):
        STI[row] = -1
    STF = state["STF"]
    STF[KK.ST_DEF_RATE, :n_st] = st["st_def_rate"]
    STF[KK.ST_FIRST_COMPL] = np.nan
    STF[KK.ST_LAST_COMPL] = np.nan
    STF[KK.ST_DIST : KK.ST_DIST + n_st, :n_st] = ops["dist"].T

    OPI = state["OPI"]
    OPI[KK.OP_START] = ops["op_start"]
    OPI[KK.OP_LOC] = ops["op_start"]
    OPI[KK.OP_CAN : KK.OP_CAN + n_st] = ops["op_can"].T
    OPI[KK.OP_CAN + n_st :] = ops["op_prio"].T

    PI = state["PI"]
    PI[KK.ROUTE_LEN] = pr["route_len"]
    PI[KK.P_OPSTREAM : KK.P_OPSTREAM + n_st] = pr["op_stream"].T
    PI[KK.P_OPSTREAM + n_st :] = route.T
    state["PF"][KK.PROD_CUM_SHARE] = pr["prod_cum_share"]

    ORI, ORF = state["ORI"], state["ORF"]
    ORI[KK.ORD_QTY] = orders["ord_qty"]
    ORI[KK.ORD_PROD] = orders["ord_prod"]
    ORF[KK.ORD_TIME] = orders["ord_time"]
    ORF[KK.ORD_DUE] = orders["ord_due"]

    SMI = state["SMI"]
    SMI[KK.S_START] = streams.start
    SMI[KK.S_LEN] = streams.len
    return state


def run_replication(
    compiled: CompiledScenario,
    seed: int,
    replication: int = 0,
    *,
    events: bool = False,
    round_number: int = 1,
    threads: int | None = None,
) -> RunRecord:
    """Simulate one replication and return its run record (same inputs, same record).

    ``threads`` draw the random streams of a large replication (default: all cores)."""
    run = kernel()
    from processfactory.sim import layout as KK

    streams = _Streams(compiled, seed, replication, threads)
    u_cap = compiled.expected_units + 16
    n_steps = max(compiled.route_lengths)
    ev_cap = u_cap * (2 * n_steps + 4) if events else 1
    # the serial-line recursion (kernel_serial) writes no event log
    serial = bool(compiled.ip[K.IP_SERIAL]) and not events
    while True:
        state = _build_state(compiled, streams, u_cap, ev_cap, events, serial)
        X, Y = state.IA, state.FA
        if serial:
            # the recursion reads every stream in unit order: it runs on the parts drawn so
            # far while the draw threads go on, pausing where they have not got to yet
            drawn = 0
            while True:
                drawn = streams.drawn(drawn)
                X[KK.XP + K.IP_DRAWN] = drawn
                run((X, Y, streams.samples))
                if drawn < 0 or X[KK.XO + K.IO_STATUS] != K.PAUSED:
                    break
        else:
            streams.ready()
            run((X, Y, streams.samples))
        status = int(X[KK.XO + K.IO_STATUS])
        if status == K.NEED_SAMPLES:
            streams.grow(int(X[KK.XO + K.IO_NEED]))
        elif status == K.NEED_UNITS:
            u_cap *= 2
            if events:
                ev_cap = u_cap * (2 * n_steps + 4)
        elif status == K.NEED_EVENTS:
            ev_cap *= 2
        elif status == K.TIE:
            serial = False
        elif status == K.STUCK:
            raise SimulationError(_stuck_message(compiled, X, Y))
        else:
            break
    return _record(compiled, seed, replication, round_number, state, events)


def _stuck_message(compiled: CompiledScenario, X: np.ndarray, Y: np.ndarray) -> str:
    from processfactory.sim import layout as KK

    t = Y[KK.YO + K.FO_WINDOW_END]
    n = int(X[KK.XO + K.IO_N_UNITS])
    return (
        f"scenario '{compiled.scenario.name}': the line is stuck at time {t:g} "
        f"{compiled.scenario.time_unit} with {n} units created — nothing can "
        "move (check kanban cards, CONWIP cap against batch sizes, and operator skills)"
    )


def _labels(names: list[str], codes: np.ndarray) -> pl.Series:
    """The string column names[codes]. Codes mostly come in long runs (units leave in order:
    good, good, ..., then the WIP), so the column is built run by run when there are few runs;
    otherwise gathered from a tiny Series (either is far faster than a string per unit)."""
    labels = pl.Series(names, dtype=pl.String)
    if len(names) == 1:
        return labels.new_from_index(0, len(codes))  # one product: nothing to look up
    cuts = np.flatnonzero(codes[1:] != codes[:-1]) + 1
    if len(codes) == 0 or len(cuts) > 64:
        return labels.gather(codes)
    bounds = [0, *cuts.tolist(), len(codes)]
    runs = [labels.new_from_index(int(codes[a]), b - a) for a, b in itertools.pairwise(bounds)]
    return pl.concat(runs, rechunk=True)


def _record(
    compiled: CompiledScenario,
    seed: int,
    replication: int,
    round_number: int,
    state: _State,
    events: bool,
) -> RunRecord:
    from processfactory.sim import layout as KK

    X, Y = state.IA, state.FA
    UI, UF, STI, STF, OPF = state["UI"], state["UF"], state["STI"], state["STF"], state["OPF"]
    EVI, ev_t = state["EVI"], state["EVF"][0]
    n_st = len(compiled.station_ids)
    io = X[KK.XO : KK.XO + K.N_IO]
    fo = Y[KK.YO : KK.YO + K.N_FO]
    units = {
        "u_prod": UI[KK.U_PROD],
        "u_status": UI[KK.U_STATUS],
        "u_rework": UI[KK.U_REWORK],
        "u_order": UF[KK.U_ORDER],
        "u_release": UF[KK.U_RELEASE],
        "u_exit": UF[KK.U_EXIT],
        "u_va": UF[KK.U_VA],
        "u_walk": UF[KK.U_WALK],
        "u_due": UF[KK.U_DUE],
    }
    stats = {
        "acc": STF[KK.ST_ACC : KK.ST_ACC_END, :n_st].T,
        "op_acc": OPF[KK.OP_ACC : KK.OP_ACC_END].T,
        "op_dist": OPF[KK.OP_DIST],
        "st_compl": STI[KK.ST_COMPL, :n_st],
        "st_first_compl": STF[KK.ST_FIRST_COMPL, :n_st],
        "st_last_compl": STF[KK.ST_LAST_COMPL, :n_st],
    }
    log = {
        "ev_t": ev_t,
        "ev_u": EVI[KK.EV_U],
        "ev_k": EVI[KK.EV_K],
        "ev_s": EVI[KK.EV_S],
        "ev_srv": EVI[KK.EV_SRV],
        "ev_op": EVI[KK.EV_OP],
    }
    scn = compiled.scenario
    n = int(io[K.IO_N_UNITS])
    prod = units["u_prod"][:n]
    status = _labels(["backlog", "wip", "good", "scrap"], units["u_status"][:n])
    product = _labels(compiled.product_ids, prod)
    units_df = pl.DataFrame(
        {
            "unit": np.arange(n, dtype=np.int64),
            "product": product,
            "order_arrival": units["u_order"][:n],
            "release": units["u_release"][:n],
            "exit": units["u_exit"][:n],
            "status": status,
            "value_added": units["u_va"][:n],
            "walking": units["u_walk"][:n],
            "reworks": units["u_rework"][:n].astype(np.int32),
            "due": units["u_due"][:n],
            "material_cost": (
                np.full(n, compiled.material[0])
                if len(compiled.material) == 1
                else compiled.material[prod]
            ),
        }
    )
    acc = stats["acc"]
    stations_df = pl.DataFrame(
        {
            "station": compiled.station_ids,
            "servers": compiled.stations["st_servers"],
            "busy": acc[:, K.BUSY],
            "setup": acc[:, K.SETUP],
            "blocked": acc[:, K.BLOCKED],
            "starved": acc[:, K.IDLE],
            "down": acc[:, K.ACC_DOWN],
            "waiting_operator": acc[:, K.WAIT_OP],
            "completions": stats["st_compl"],
            "first_completion": stats["st_first_compl"],
            "last_completion": stats["st_last_compl"],
        }
    )
    n_ops = len(compiled.operator_names)
    op_acc = stats["op_acc"][:n_ops]
    operators_df = pl.DataFrame(
        {
            "operator": compiled.operator_names,
            "group": compiled.operator_groups,
            "busy": op_acc[:, K.OP_BUSY],
            "setup": op_acc[:, K.OP_SETUP],
            "walking": op_acc[:, K.OP_WALK],
            "idle": op_acc[:, K.OP_IDLE],
            "distance": stats["op_dist"][:n_ops],
        },
        schema=OPERATORS_SCHEMA,
    )
    events_df = None
    if events:
        from processfactory.eventlog.convert import events_from_raw

        m = int(io[K.IO_N_EVENTS])
        events_df = events_from_raw(
            log["ev_t"][:m],
            log["ev_u"][:m],
            log["ev_k"][:m].astype(np.int8),
            log["ev_s"][:m].astype(np.int32),
            log["ev_srv"][:m].astype(np.int32),
            log["ev_op"][:m].astype(np.int32),
            station_ids=compiled.station_ids,
            operator_names=compiled.operator_names,
            seconds_per_time_unit=scn.seconds_per_time_unit,
            round=round_number,
        )
    window_start, window_end = float(fo[K.FO_WINDOW_START]), float(fo[K.FO_WINDOW_END])
    demand_units: int | None = None
    if scn.release.orders is not None:
        demand_units = sum(o.quantity for o in scn.release.orders)
    elif scn.demand is not None:
        # units ordered in the observed window: demand over the planned round, or over the window
        # the run took when it stops after a number of units
        if scn.run.duration is not None:
            window = scn.run.duration - scn.run.warmup_time
        else:
            window = window_end - window_start
        demand_units = int(round(scn.demand.units * window / scn.demand.period))
    context = RunContext(
        scenario=scn.name,
        time_unit=scn.time_unit,
        operators=scn.operator_count,
        labour_rate=scn.costs.labour_rate,
        holding_cost=scn.costs.holding,
        currency=scn.costs.currency,
        takt_time=scn.takt_time,
        demand_units=demand_units,
        floor_area=compiled.floor_area,
        seed=seed,
        replication=replication,
        round=round_number,
    )
    return RunRecord(
        context=context,
        window_start=window_start,
        window_end=window_end,
        units=units_df,
        stations=stations_df,
        operators=operators_df,
        events=events_df,
        walking_total=float(fo[K.FO_WALK_TOTAL]),
    )


def describe_kernel() -> dict[str, Any]:
    """Whether the kernel runs compiled, for diagnostics."""
    return {"jit": os.environ.get("NUMBA_DISABLE_JIT") != "1"}


__all__ = ["SimulationError", "describe_kernel", "kernel", "run_replication"]
