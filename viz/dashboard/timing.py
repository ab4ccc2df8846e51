"""Optional server-side timings for the load check: off unless DECENTRA_APP_TIMINGS names a file.

`benchmarks/bench_app.py` sets it to split a year's latency into the model step and the
redraw on the server from what the browser adds; in a workshop nothing is written.
"""

from __future__ import annotations

import json
import os
import threading

_lock = threading.Lock()


def record(kind: str, seconds: float) -> None:
    """Append one timing (milliseconds) as a JSON line, if timings are switched on."""
    path = os.environ.get("DECENTRA_APP_TIMINGS")
    if not path:
        return
    line = json.dumps({"kind": kind, "ms": round(seconds * 1e3, 3)})
    with _lock, open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
