"""Optional server-side timings for the load check: off unless DECENTRA_APP_TIMINGS names a file.

`benchmarks/bench_app.py` sets it to split a year's latency into the model step and the
redraw on the server from what the browser adds; in a workshop nothing is written. With
timings on, the server also records how long each full garbage collection (generation 2)
takes: it stops every session while it runs.
"""

from __future__ import annotations

import gc
import json
import os
import threading
import time
from typing import IO

_lock = threading.Lock()
_full_collections: list[float] = []  # seconds, written with the next record
_started: list[float] = []


def _watch(phase: str, info: dict) -> None:
    """gc callback: time generation-2 collections (no lock, no I/O: it runs inside gc)."""
    if info.get("generation") != 2:
        return
    if phase == "start":
        _started.append(time.perf_counter())
    elif _started:
        _full_collections.append(time.perf_counter() - _started.pop())


def watch_full_collections() -> None:
    """Record full collections from now on, if timings are switched on (once per process)."""
    if os.environ.get("DECENTRA_APP_TIMINGS") and _watch not in gc.callbacks:
        gc.callbacks.append(_watch)


#: The timings file, opened once: opening it for every year took ~2% of the server's CPU under
#: the load check, and sessions queued on the lock meanwhile (~9% of its threads' time).
_file: IO[str] | None = None


def record(kind: str, seconds: float) -> None:
    """Append one timing (milliseconds) as a JSON line, if timings are switched on."""
    path = os.environ.get("DECENTRA_APP_TIMINGS")
    if not path:
        return
    lines = [json.dumps({"kind": kind, "ms": round(seconds * 1e3, 3)})]
    while _full_collections:
        lines.append(json.dumps({"kind": "full_gc", "ms": round(_full_collections.pop() * 1e3, 3)}))
    global _file
    with _lock:
        if _file is None:
            # Appending (O_APPEND): the load check may empty the file meanwhile; each write
            # then goes to its new end. Line-buffered, so each record is on disk at once.
            _file = open(path, "a", encoding="utf-8", buffering=1)
        _file.write("\n".join(lines) + "\n")
