"""Serve the dashboard with Solara's server, offline and on the loopback interface by default.

Solara reads its settings from the environment when it is imported, so `serve` sets them first:
production mode (no check against solara.dev), no telemetry (it would call mixpanel.com),
browser assets from the locally installed `solara-assets` through Solara's own proxy, and a
CDN address on the loopback interface so that a missing asset fails here, visibly, instead of
being fetched from the internet.
"""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..labels import check_lang

APP = "viz.app"
OFFLINE_CDN = "http://127.0.0.1:9/no-cdn-offline/"  # discard port: refused at once
#: Flags for driving Debian's headless Chromium against the app (browser tests, load check):
#: without the networking ones it keeps trying hosts this closed machine refuses.
HEADLESS_CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class ServeError(Exception):
    """The server cannot start (port taken, bad host): one readable line for the CLI."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (for tests and the load check)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_app(
    port: int,
    *,
    env: dict[str, str] | None = None,
    output: IO[str] | int = subprocess.DEVNULL,
    start_timeout_s: float = 60.0,
) -> Iterator[tuple[subprocess.Popen, str]]:
    """`decentra app --port PORT` in a subprocess, as a facilitator starts it (browser tests,
    load check): yields the process and its URL once the page is served; stops it after.

    Fails with the log's name if the app exits or has not served the page in time.
    """
    server = subprocess.Popen(
        [sys.executable, "-m", "decentra.cli", "app", "--port", str(port)],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log = getattr(output, "name", "its output (not kept)")
                    raise RuntimeError(f"the app did not start; see {log}") from None
                time.sleep(0.3)
        yield server, url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def check_port(host: str, port: int) -> None:
    """Fail early, in words, if the address cannot be bound."""
    if not 1 <= port <= 65535:
        raise ServeError(f"--port {port}: allowed: 1–65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise ServeError(f"--host {host!r}: not an address of this machine ({err})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn does: connections of a previous run in TIME_WAIT do not block the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            raise ServeError(
                f"cannot listen on {host}:{port} ({err.strerror}); "
                "is the dashboard already running? choose another --port"
            ) from None


def offline_environment(lang: str) -> dict[str, str]:
    """The environment Solara needs for an offline workshop (see the module docstring)."""
    return {
        "SOLARA_APP": APP,
        "SOLARA_MODE": "production",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_ASSETS_CDN": OFFLINE_CDN,
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_THEME_TITLE": "decentra",
        "SOLARA_CHECK_HOOKS": "off",
        "DECENTRA_APP_LANG": check_lang(lang),
    }


def freeze_startup_objects() -> None:
    """Import the app, then hide what the imports made from the garbage collector (gc.freeze).

    Solara, matplotlib, pandas and the model leave about a million long-lived objects. With them
    in view, a full collection was rare and took ~150 ms (every session waits meanwhile), and
    what only a full collection frees piled up in between: a reset leaves the old models in
    reference cycles (agents and model), 1–4 MB of records each, so a busy server grew by
    tens of MB a minute. Frozen, they are never scanned; full collections look at what the
    sessions made, run when that grows, and cost little. Call after the environment is set.

    The model's compiled kernels are loaded (compiled, the first time after installing) here
    too, so the room's first Step does not wait for them.
    """
    import solara.server.starlette  # noqa: F401  (the server and its app, as uvicorn loads them)

    import viz.app  # noqa: F401
    from model.jit import warm_up

    from .timing import watch_full_collections

    warm_up()
    gc.collect()
    gc.freeze()
    watch_full_collections()


def serve(host: str = "127.0.0.1", port: int = 8765, lang: str = "en") -> None:
    """Run the dashboard until interrupted (blocks). Binds to `host` only."""
    check_port(host, port)
    os.environ.update(offline_environment(lang))
    # Solara warns on every page load served over plain http to a host other than "localhost"
    # (about iframe cookies); the dashboard is not embedded, so the warning is only noise.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    import uvicorn  # imported after the environment is set: Solara reads it on import

    freeze_startup_objects()
    uvicorn.run(
        "solara.server.starlette:app",
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        ws_max_size=64 * 2**20,
        # Compressing every frame cost ~15% of the server's CPU under load; the browser is
        # on this machine or the room's network, where a few kB a year need no compression.
        ws_per_message_deflate=False,
    )
