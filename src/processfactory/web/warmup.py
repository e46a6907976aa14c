"""Load the simulation kernel when the web app starts, not on the first prediction.

numba loads the compiled kernel from its cache in about a second, but compiles it afresh after
an installation or an upgrade (about a minute). Started in a background thread when the server
starts, so the server answers at once and a facilitator's first "Predict" finds the kernel
ready (or waits only for the rest of the load). ``PF_WARM_KERNEL=0`` turns it off.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

_started = threading.Lock()
_thread: threading.Thread | None = None


def _warm(report: Callable[[str], None]) -> None:
    from processfactory.sim.replications import warm_up_kernel

    t0 = time.perf_counter()
    try:
        warm_up_kernel()
    except Exception:  # the first prediction will show the problem to whoever asks for it
        log.exception("could not load the simulation kernel")
        return
    report(f"Simulation kernel ready ({time.perf_counter() - t0:.1f} s).")


def warm_up_enabled() -> bool:
    return os.environ.get("PF_WARM_KERNEL", "1") != "0"


def start_kernel_warm_up(report: Callable[[str], None] | None = None) -> threading.Thread | None:
    """Start loading the kernel in a daemon thread, once per process; None when turned off.
    ``report`` gets one line when it is ready (default: the log)."""
    global _thread
    if not warm_up_enabled():
        return None
    with _started:
        if _thread is None:
            _thread = threading.Thread(
                target=_warm, args=(report or log.info,), name="kernel-warm-up", daemon=True
            )
            _thread.start()
    return _thread


__all__ = ["start_kernel_warm_up", "warm_up_enabled"]
