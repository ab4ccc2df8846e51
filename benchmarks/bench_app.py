"""Load check of the live dashboard: N sessions stepping at once for T seconds.

Usage (from the repository root; needs Debian's chromium, see README "Live dashboard")::

    .venv/bin/python benchmarks/bench_app.py                  # 10 sessions, 120 s, Play speed
    .venv/bin/python benchmarks/bench_app.py --pace 0         # closed loop: the server's capacity
    .venv/bin/python benchmarks/bench_app.py --browsers 10    # every browser on this machine
    .venv/bin/python benchmarks/bench_app.py --sessions 3 --seconds 20

It starts `decentra app` on a free port and opens N sessions, each its own Solara kernel and
models, each with a scenario with policies (so every year steps two models: the scenario and its
baseline). The first `--browsers` sessions (default 1) are tabs of one headless Chromium: a tab
presses "Step one year" and waits until the year, the map and the national charts show the new
year and the browser has painted. The others are remote sessions (`remote_session.py`): the
page's own websocket messages, click → the year's frame has arrived, with no drawing on this
machine, as participants' browsers on their own laptops. A session that reaches 2050 resets
(not timed) and goes on.

Each session clicks Step `--pace` times a second, as Play does at that speed (default: Play's
speed when a tab opens), starting at staggered moments, or at once when a year took longer than
1/pace s: a room whose participants press Play. `--pace 0` is a closed loop instead: every
session steps again as soon as its year shows, so the latency is about sessions × server CPU
per step once the server is saturated (it handles the sessions on one core: Python's GIL).
With `--browsers 10` all ten Chromium tabs draw on the server's two cores: ~50 ms of CPU a
year each, four times the server's, so that measures mostly Chromium competing with the server.

Reported: the median, 95th percentile and worst latency of the tabs and of the remote sessions;
the same split on the server (model step; step plus redraw of the widgets, from
DECENTRA_APP_TIMINGS); the server's resident memory when idle, once the sessions are open, and
every 10 s until the end; the CPU time per step of the server and of every other process by kind
(Chromium's renderers, GPU and main processes; Playwright's driver and this script, which drives
the remote sessions), less sensitive to other load on the machine than the latencies. The load
average is printed before and after.
Results are printed and written to results/bench_app/<time>.json. Target: median ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright
from remote_session import ProtocolError, RemoteSession

from viz.dashboard.page import DEFAULT_SPEED
from viz.dashboard.server import HEADLESS_CHROMIUM_ARGS, free_port, running_app

ROOT = Path(__file__).resolve().parents[1]
TARGET_MEDIAN_MS = 100.0
NOT_BROWSER = ("server", "driver", "harness", "other")  # kinds of `process_cpu`
SCENARIOS = ("Local finance", "Trade corridors", "Balanced mix", "Precision poverty targeting")
#: One step, timed in the page: click, then wait until year badge, map and charts show the new
#: year, then one animation frame (the paint). It resolves to [milliseconds, year shown], so a
#: step costs the harness one round trip to the page (the tab loop needs no other query).
STEP_JS = """() => new Promise((resolve, reject) => {
  const button = document.querySelector('.decentra-step');
  if (button.disabled) { reject(new Error('Step is disabled')); return; }
  const shown = () => parseInt(
    document.querySelector('.decentra-year').textContent.match(/\\d{4}/)[0]);
  const next = String(shown() + 1);
  const done = () => {
    const map = document.querySelector('.decentra-panel-a .dmap');
    const lines = document.querySelector('.decentra-lines-a .decentra-lines');
    return String(shown()) === next && map && map.dataset.year === next
      && lines && lines.dataset.year === next;
  };
  let finished = false;
  const finish = () => {
    if (finished || !done()) return;
    finished = true;
    observer.disconnect();
    requestAnimationFrame(() => resolve([performance.now() - started, shown()]));
  };
  // Mutations anywhere in the page (a re-rendered container must not hide the new year),
  // and a slow poll as a safety net.
  const observer = new MutationObserver(finish);
  observer.observe(document.body,
                   {subtree: true, childList: true, attributes: true, characterData: true});
  const poll = setInterval(() => { finish(); if (finished) clearInterval(poll); }, 250);
  setTimeout(() => {
    if (!finished) {
      finished = true; observer.disconnect(); clearInterval(poll);
      reject(new Error('no new year after 30 s (page shows ' + shown() + ')'));
    }
  }, 30000);
  const started = performance.now();
  button.click();
})"""


def process_cpu(server_pid: int) -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by this script and each process it started, with its kind.

    Kinds: `server`; Chromium's own (`renderer`, `gpu-process`, `utility`, `zygote`, and
    `browser` for the main process); `driver` for Playwright's node process; `harness` for this
    script; `other` for anything else.
    """
    me = psutil.Process()
    used = {me.pid: ("harness", sum(me.cpu_times()[:2]))}
    for child in me.children(recursive=True):
        try:
            name = child.name().lower()
            if child.pid == server_pid:
                kind = "server"
            elif "chrom" in name:
                flag = next((a for a in child.cmdline() if a.startswith("--type=")), "")
                kind = flag.removeprefix("--type=") or "browser"
            elif "node" in name:
                kind = "driver"
            else:
                kind = "other"
            used[child.pid] = (kind, sum(child.cpu_times()[:2]))
        except psutil.NoSuchProcess:
            pass
    return used


class CpuMeter:
    """CPU seconds by kind of process over the timed phase.

    Processes are sampled while the tabs step (`sample`), so a renderer that ends with its tab
    still counts with its last reading: measuring only at the end would miss the renderers,
    which do most of the browsers' work.
    """

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.start = process_cpu(server_pid)
        self.last = dict(self.start)

    def sample(self) -> None:
        self.last.update(process_cpu(self.server_pid))

    def spent(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for pid, (kind, cpu) in self.last.items():
            totals[kind] = totals.get(kind, 0.0) + cpu - self.start.get(pid, (kind, 0.0))[1]
        return totals


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
    }


class Clock:
    """When every tab is ready the stepping starts, and it stops at the same time for all."""

    def __init__(self, tabs: int, seconds: float) -> None:
        self.tabs, self.seconds = tabs, seconds
        self.opened = 0
        self.all_open = asyncio.Event()
        self.stop_at = float("inf")

    def tab_ready(self) -> None:
        self.opened += 1
        if self.opened == self.tabs:
            self.stop_at = time.monotonic() + self.seconds
            self.all_open.set()


async def next_tick(tick: float, pace: float) -> float:
    """Wait for the click due at `tick` (at once if behind) and return when the next one is
    due: `pace` clicks a second, as Play; with pace 0 (closed loop) nothing waits."""
    if pace <= 0:
        return tick
    await asyncio.sleep(max(tick - time.monotonic(), 0.0))
    return max(tick, time.monotonic() - 1.0 / pace) + 1.0 / pace


async def tab(
    browser,
    url: str,
    scenario: str,
    clock: Clock,
    samples: list[float],
    lost: list[str],
    notes: list[str],
    pace: float = 0.0,
    offset_s: float = 0.0,
) -> int:
    """One browser tab: pick a scenario, then step (resetting at 2050) until the clock stops;
    `pace` steps a second (0: again as soon as a year shows), the first `offset_s` later."""
    context = await browser.new_context(viewport={"width": 1600, "height": 1000})
    page = await context.new_page()
    page.on(
        "console",
        lambda m: (
            notes.append(f"{scenario}: {m.type}: {m.text[:160]}")
            if m.type in ("error", "warning") and "module.exports" not in m.text
            else None
        ),
    )
    await page.goto(url)
    await page.wait_for_selector(".decentra-year", timeout=60_000)
    await page.click(".decentra-scenario .v-select__slot")
    await page.click(f".decentra-scenario-menu .v-list-item:has-text('{scenario}')")
    await page.wait_for_selector(f".decentra-header-a .decentra-panel-title:has-text('{scenario}')")
    await page.wait_for_selector(".decentra-scenario-menu", state="hidden")
    clock.tab_ready()
    await clock.all_open.wait()
    resets = steps = 0
    year = int((await page.get_attribute(".decentra-panel-a .dmap", "data-year")) or 0)
    await asyncio.sleep(offset_s)
    tick = time.monotonic()
    while time.monotonic() < clock.stop_at:
        tick = await next_tick(tick, pace)
        if year >= 2050:
            await page.click(".decentra-reset")
            await page.wait_for_selector(".decentra-panel-a .dmap[data-year='2019']")
            await page.wait_for_selector(".decentra-step:not([disabled])")
            resets += 1
            steps, year = 0, 2019
            continue
        try:
            latency, year = await page.evaluate(STEP_JS)
            samples.append(latency)
            steps += 1
        except PlaywrightError as err:  # a year that never showed: count it, say it, go on
            after = f"reset {resets}" if resets else "start"
            lost.append(
                f"{scenario} at {year} ({steps} steps after {after}): {str(err).splitlines()[0]}"
            )
            year = int((await page.get_attribute(".decentra-panel-a .dmap", "data-year")) or 0)
            if year < 2050:
                await page.wait_for_selector(".decentra-step:not([disabled])")
    return resets  # the context stays open until the browser closes (its CPU is still read)


async def remote(
    url: str,
    scenario: str,
    clock: Clock,
    samples: list[float],
    lost: list[str],
    pace: float = 0.0,
    offset_s: float = 0.0,
) -> int:
    """One participant on another machine (`RemoteSession`: the page's websocket messages, no
    drawing): the same scenario, pacing and resets as `tab`; a sample is click → frame arrived."""
    session = RemoteSession(url)
    await session.open(scenario)
    clock.tab_ready()
    await clock.all_open.wait()
    resets = steps = 0
    await asyncio.sleep(offset_s)
    tick = time.monotonic()
    try:
        while time.monotonic() < clock.stop_at:
            tick = await next_tick(tick, pace)
            if session.year >= 2050:
                await session.reset()
                resets, steps = resets + 1, 0
                continue
            try:
                samples.append(await session.step())
                steps += 1
            except ProtocolError as err:
                after = f"reset {resets}" if resets else "start"
                lost.append(
                    f"{scenario} (remote) at {session.year} ({steps} steps after {after}): {err}"
                )
    finally:
        await session.close()
    return resets


async def run(args: argparse.Namespace) -> dict:
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("bench_app: Debian's chromium is not installed (apt-get install -y chromium)")
    load_before = [round(x, 2) for x in os.getloadavg()]
    port = free_port()
    timings = Path(tempfile.mkdtemp()) / "timings.jsonl"
    env = {**os.environ, "DECENTRA_APP_TIMINGS": str(timings)}
    with running_app(port, env=env) as (server, url):
        process = psutil.Process(server.pid)
        memory = {"idle_mb": process.memory_info().rss / 2**20}
        samples: list[float] = []  # the browser tabs': click → painted
        remote_samples: list[float] = []  # the remote sessions': click → frame arrived
        lost: list[str] = []
        notes: list[str] = []
        clock = Clock(args.sessions, args.seconds)
        async with async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=chromium, args=list(HEADLESS_CHROMIUM_ARGS)
            )
            offsets = [k / (args.sessions * args.pace) if args.pace > 0 else 0.0 for k in
                       range(args.sessions)]  # fmt: skip

            def session(k: int):  # the first --browsers sessions are tabs, the others remote
                scenario = SCENARIOS[k % len(SCENARIOS)]
                if k < args.browsers:
                    return tab(browser, url, scenario, clock, samples, lost, notes, args.pace,
                               offsets[k])  # fmt: skip
                return remote(url, scenario, clock, remote_samples, lost, args.pace, offsets[k])

            tasks = [asyncio.create_task(session(k)) for k in range(args.sessions)]
            opening = asyncio.create_task(clock.all_open.wait())
            await asyncio.wait([opening, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for failed in (t for t in tasks if t.done() and t.exception()):
                raise RuntimeError("a tab could not open the dashboard") from failed.exception()
            await opening
            memory["tabs_open_mb"] = process.memory_info().rss / 2**20
            timings.write_text("")  # keep only the timed phase
            cpu_before = sum(process.cpu_times()[:2])
            meter = CpuMeter(server.pid)
            started = time.monotonic()
            trace = [{"t_s": 0, "rss_mb": round(memory["tabs_open_mb"], 1)}]
            while not all(t.done() for t in tasks):
                await asyncio.sleep(0.5)
                meter.sample()
                elapsed = time.monotonic() - started
                if elapsed - trace[-1]["t_s"] >= 10:
                    trace.append(
                        {
                            "t_s": round(elapsed),
                            "rss_mb": round(process.memory_info().rss / 2**20, 1),
                        }
                    )
            resets = [t.result() for t in tasks]
            duration = time.monotonic() - started
            memory["end_mb"] = process.memory_info().rss / 2**20
            server_cpu_s = sum(process.cpu_times()[:2]) - cpu_before
            meter.sample()
            children_cpu_s = meter.spent()
            browsers_cpu_s = sum(v for k, v in children_cpu_s.items() if k not in NOT_BROWSER)
            await browser.close()
        steps = len(samples) + len(remote_samples)
        server_side: dict[str, list[float]] = {}
        for line in timings.read_text().splitlines():
            record = json.loads(line)
            server_side.setdefault(record["kind"], []).append(record["ms"])
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
            "load_average_before": load_before,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "sessions": args.sessions,
            "pace_years_per_s": args.pace or "closed loop",
            "seconds": round(duration, 1),
            "browser_tabs": args.browsers,
            "remote_sessions": args.sessions - args.browsers,
            "steps": steps,
            "clicks_sent": steps + len(lost),
            "clicks_seen_by_server": len(server_side.get("step_and_redraw", [])),
            "steps_per_s": round(steps / duration, 1),
            "resets": sum(resets),
            "lost_steps": lost,
            "browser_console": notes[:50],
            "browser_latency": summary(samples),
            "remote_latency": summary(remote_samples),
            "server_model_step": summary(server_side.get("model_step", [])),
            "server_step_and_redraw": summary(server_side.get("step_and_redraw", [])),
            "server_full_gc": summary(server_side.get("full_gc", [])),
            "server_cpu_ms_per_step": round(1e3 * server_cpu_s / max(steps, 1), 1),
            "browsers_cpu_ms_per_step": round(1e3 * browsers_cpu_s / max(len(samples), 1), 1),
            "cpu_ms_per_step_by_process": {
                kind: round(1e3 * cpu / max(steps, 1), 1)
                for kind, cpu in sorted(children_cpu_s.items())
            },
            "memory_mb": {k: round(v, 1) for k, v in memory.items()},
            "memory_growth_while_stepping_mb": round(memory["end_mb"] - memory["tabs_open_mb"], 1),
            "memory_trace": trace,
            "target_median_ms": TARGET_MEDIAN_MS,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10, help="sessions (default 10)")
    parser.add_argument("--seconds", type=float, default=120.0, help="stepping time (default 120)")
    parser.add_argument(
        "--browsers",
        type=int,
        default=1,
        help="how many of the sessions are headless Chromium tabs on this machine; the others "
        "are remote sessions (participants' own laptops: the page's websocket messages, no "
        "drawing here). Default 1; --browsers 10 puts every browser on the server's cores",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=float(DEFAULT_SPEED),
        help="Step clicks a second per session, as Play at that speed (default "
        f"{DEFAULT_SPEED}, Play's speed when a tab opens); 0: a closed loop, each session "
        "steps again as soon as its year shows (the server's capacity)",
    )
    args = parser.parse_args()
    if not 0 <= args.browsers <= args.sessions:
        parser.error(f"--browsers must be between 0 and --sessions ({args.sessions})")
    result = asyncio.run(run(args))
    out = ROOT / "results" / "bench_app"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    b, s, m = result["browser_latency"], result["server_step_and_redraw"], result["memory_mb"]
    r = result["remote_latency"]
    step, gc = result["server_model_step"], result["server_full_gc"]
    print(
        f"{result['sessions']} sessions x {result['seconds']} s "
        f"({result['browser_tabs']} browser tabs here, {result['remote_sessions']} remote) "
        f"(pace: {result['pace_years_per_s']}): {result['steps']} steps "
        f"({result['steps_per_s']}/s), {result['resets']} resets, "
        f"load average before {result['load_average_before']}, at end "
        f"{result['load_average_at_end']}"
    )
    if b["n"]:
        print(
            f"browser tabs (click -> year, map, charts painted): {b['n']} years, median "
            f"{b['median_ms']} ms, p95 {b['p95_ms']} ms, worst {b['max_ms']} ms "
            f"(target median <= {TARGET_MEDIAN_MS:.0f})"
        )
    if r["n"]:
        print(
            f"remote sessions (click -> year's frame arrived): {r['n']} years, median "
            f"{r['median_ms']} ms, p95 {r['p95_ms']} ms, worst {r['max_ms']} ms"
        )
    print(
        f"server step + redraw: median {s.get('median_ms')} ms, p95 {s.get('p95_ms')} ms, "
        f"worst {s.get('max_ms')} ms; model step alone: median {step.get('median_ms')} ms; "
        f"server CPU {result['server_cpu_ms_per_step']} ms per step"
        + (f" (Chromium: {result['browsers_cpu_ms_per_step']} ms per tab step)" if b["n"] else "")
    )
    by_process = ", ".join(f"{k} {v}" for k, v in result["cpu_ms_per_step_by_process"].items())
    print(f"CPU ms per step (all sessions' steps) of this benchmark's processes: {by_process}")
    print(
        f"steps whose year never showed (30 s): {len(result['lost_steps'])}; Step clicks sent "
        f"{result['clicks_sent']}, handled by the server {result['clicks_seen_by_server']}"
    )
    for line in result["lost_steps"][:5] + result["browser_console"][:10]:
        print("   ", line)
    print(
        f"server full garbage collections (every session waits): {gc.get('n', 0)}, "
        f"median {gc.get('median_ms', '-')} ms, worst {gc.get('max_ms', '-')} ms"
    )
    print(
        f"server memory: idle {m['idle_mb']} MB, tabs open {m['tabs_open_mb']} MB, end "
        f"{m['end_mb']} MB (growth while stepping {result['memory_growth_while_stepping_mb']} MB)"
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
