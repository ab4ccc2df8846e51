"""A dashboard session driven over Solara's websocket, as the server sees a remote browser.

The load check (bench_app.py) needs ten sessions stepping at once. Ten headless Chromium tabs on
the server's own two cores measure mostly Chromium: each tab spends ~50 ms of CPU drawing a
year, four times what the server spends on it. In a workshop every participant's browser runs on
their own laptop and the server only steps models and sends widget updates. `RemoteSession` is
that participant as the server sees it: it opens a session the way the page does (Jupyter
messaging over `/jupyter/api/kernels/<id>/channels`, then Solara's `run`), keeps the widgets'
state from the messages it receives, picks a scenario by setting the select's `v_model`, and
steps by sending the Step button's `click` event, exactly the messages a browser sends. A year
is done when the new year's frame has arrived (the browser would draw it then).

It costs the harness about 2 ms of CPU a year (mostly parsing the year's JSON; measured with ten
remote sessions: 2.3 ms a step, against ~55 ms for a Chromium tab), so the server and one real
browser tab keep the cores.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import websockets


class ProtocolError(RuntimeError):
    """The page's widgets or messages are not what this client expects."""


class RemoteSession:
    """One dashboard session over the websocket; `await open(...)`, then `step()`."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.page_id = str(uuid.uuid4())  # Jupyter's session id (one per page)
        self.kernel_id = str(uuid.uuid4())
        self.cookie = f"solara-session-id={uuid.uuid4()}"
        self.widgets: dict[str, dict[str, Any]] = {}  # comm id → widget state
        self.year = 0  # the year of the latest frame of panel A
        self.scenario_shown = ""  # the scenario name in that frame's header
        self._frame_arrived = asyncio.Event()
        self._rendered = asyncio.Event()
        self._ws: websockets.ClientConnection | None = None
        self._reader: asyncio.Task | None = None

    # ------------------------------------------------------------------ messages
    def _message(self, msg_type: str, content: dict) -> str:
        header = {
            "date": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "msg_id": str(uuid.uuid4()),
            "msg_type": msg_type,
            "session": self.page_id,
            "username": "",
            "version": "5.2",
        }
        return json.dumps(
            {
                "buffers": [],
                "channel": "shell",
                "content": content,
                "header": header,
                "metadata": {},
                "parent_header": {},
            }
        )

    async def _send(self, msg_type: str, content: dict) -> None:
        assert self._ws is not None, "open() first"
        await self._ws.send(self._message(msg_type, content))

    async def _read(self) -> None:
        assert self._ws is not None
        async for raw in self._ws:
            if isinstance(raw, bytes):  # binary buffers: none of the widgets used here has them
                continue
            message = json.loads(raw)
            kind = message.get("msg_type") or message["header"]["msg_type"]
            content = message.get("content", {})
            if kind == "comm_open":
                self.widgets[content["comm_id"]] = dict(content["data"].get("state", {}))
            elif kind == "comm_msg":
                data = content.get("data", {})
                method = data.get("method")
                if method in ("update", "echo_update"):
                    state = data.get("state", {})
                    self.widgets.setdefault(content["comm_id"], {}).update(state)
                    if "frame" in state:
                        frame = json.loads(state["frame"])
                        panel = frame["panels"][0]
                        self.year = int(panel["map"]["year"])
                        self.scenario_shown = panel["header"]["name"]
                        self._frame_arrived.set()
                elif method == "finished":
                    self._rendered.set()

    # ------------------------------------------------------------------ widgets
    def _widget(self, css_class: str) -> str:
        for comm_id, state in self.widgets.items():
            if css_class in str(state.get("class_", "")).split():
                return comm_id
        raise ProtocolError(f"no widget with class {css_class!r} on the page")

    async def _until(self, condition, timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            self._frame_arrived.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError(f"{what}: not seen after {timeout_s:.0f} s")
            try:
                await asyncio.wait_for(self._frame_arrived.wait(), min(left, 0.25))
            except TimeoutError:
                pass

    # ------------------------------------------------------------------ the session
    async def open(self, scenario: str | None = None, timeout_s: float = 60.0) -> None:
        """Open the page's session (the server builds its models) and pick `scenario`, given
        by its label as the picker shows it."""
        host = self.base_url.split("://", 1)[1]
        self._ws = await websockets.connect(
            f"ws://{host}/jupyter/api/kernels/{self.kernel_id}/channels?session_id={self.page_id}",
            additional_headers={"Cookie": self.cookie},
            max_size=None,
            compression=None,
        )
        self._reader = asyncio.create_task(self._read())
        control = str(uuid.uuid4())
        await self._send("kernel_info_request", {})
        await self._send(
            "comm_open", {"comm_id": control, "target_name": "solara.control", "data": {}}
        )
        run = {"path": "/", "dark": False, "themes": {}, "appName": None}
        await self._send("comm_msg", {"comm_id": control, "data": {"method": "run", "args": run}})
        await asyncio.wait_for(self._rendered.wait(), timeout_s)
        await self._until(lambda: self.year > 0, timeout_s, "the first year's frame")
        if scenario is not None:
            select = self._widget("decentra-scenario")
            items = self.widgets[select].get("items", [])
            value = next((i["value"] for i in items if i.get("text") == scenario), None)
            if value is None:
                labels = ", ".join(str(i.get("text")) for i in items)
                raise ProtocolError(f"no scenario {scenario!r}; the picker offers: {labels}")
            await self._update(select, {"v_model": value})
            await self._until(
                lambda: self.scenario_shown == scenario and self.year == 2019,
                timeout_s,
                f"scenario {scenario} in 2019",
            )

    async def _update(self, comm_id: str, state: dict) -> None:
        data = {"method": "update", "state": state, "buffer_paths": []}
        await self._send("comm_msg", {"comm_id": comm_id, "data": data})

    async def _click(self, css_class: str) -> None:
        comm_id = self._widget(css_class)
        event = {"event": "click", "data": {"type": "click", "button": 0}}
        await self._send("comm_msg", {"comm_id": comm_id, "data": {"method": "custom",
                                                                   "content": event}})  # fmt: skip

    async def step(self, timeout_s: float = 30.0) -> float:
        """Click Step one year; milliseconds until the next year's frame has arrived."""
        target = self.year + 1
        started = time.perf_counter()
        await self._click("decentra-step")
        await self._until(lambda: self.year >= target, timeout_s, f"year {target}")
        return (time.perf_counter() - started) * 1e3

    async def reset(self, timeout_s: float = 30.0) -> None:
        """Click Reset to 2019 and wait for 2019's frame."""
        await self._click("decentra-reset")
        await self._until(lambda: self.year == 2019, timeout_s, "2019 after reset")

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            try:
                await self._reader
            except websockets.ConnectionClosed:
                pass
