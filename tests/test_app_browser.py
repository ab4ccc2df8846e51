"""The live dashboard in a real browser (Debian's Chromium driven by Playwright).

The server is started as the facilitator would (`decentra app --port P`) on a free local port.
Chromium is installed with apt-get if it is missing; where that truly cannot be done the tests
are skipped with the reason, except under CI (CI=true), where they fail: CI must install it
(see .ci/run). Screenshots are written to results/app/ for a person to look at.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from viz.dashboard.server import HEADLESS_CHROMIUM_ARGS, free_port, running_app

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "results" / "app"
THAI = re.compile("[\u0e00-\u0e7f]")


def _chromium() -> str:
    """Debian's Chromium, installed with apt-get if missing (Playwright cannot download it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    problem = "apt-get is not available"
    if shutil.which("apt-get"):
        install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
        for command in (install, ["apt-get", "update"], install):
            done = subprocess.run(
                [*prefix, *command], env=env, capture_output=True, text=True, timeout=900
            )
            if done.returncode == 0 and command[1] == "install":
                break
            problem = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["failed"]
            problem = f"'{' '.join(command)}' failed: {problem[0]}"
    found = shutil.which("chromium")
    if found:
        return found
    reason = f"Debian's chromium is not installed and could not be installed ({problem})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must install it (.ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    """`decentra app` on a free port of 127.0.0.1, stopped after the module."""
    with (
        open(tmp_path_factory.mktemp("app") / "server.log", "w") as log,
        running_app(free_port(), output=log) as (_, url),
    ):
        yield url


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    with playwright_api.sync_playwright() as p:
        # launch() gives every browser a fresh temporary profile (user-data-dir).
        chromium = p.chromium.launch(executable_path=path, args=list(HEADLESS_CHROMIUM_ARGS))
        yield chromium
        chromium.close()


class Watched:
    """A page with every request, failed response and page error recorded."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.url = url
        self.requests: list[str] = []
        self.failures: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on(
            "response",
            lambda r: self.failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url)
        expect(self.page.locator(".decentra-year")).to_contain_text("2019", timeout=60_000)

    def pick(self, control: str, text: str) -> None:
        """Choose an item of one of the dashboard's selects by its visible text."""
        self.page.click(f".{control} .v-select__slot")
        item = self.page.locator(f".{control}-menu .v-list-item", has_text=text).first
        item.click()
        expect(self.page.locator(f".{control}-menu")).to_be_hidden()

    def year(self) -> int:
        return int(re.search(r"\d{4}", self.page.inner_text(".decentra-year")).group())

    def wait_for_year(self, year: int) -> None:
        """Wait until the shown year (the first four digits) has reached `year` (while playing)."""
        self.page.wait_for_function(
            "y => parseInt(document.querySelector('.decentra-year').textContent"
            ".match(/\\d{4}/)[0]) >= y",
            arg=year,
        )

    def step_to(self, year: int) -> None:
        while self.year() < year:
            target = self.year() + 1
            self.page.click(".decentra-step")
            expect(self.page.locator(".decentra-year")).to_contain_text(str(target))

    def figure(self, name: str, panel: str = "a") -> float:
        card = self.page.locator(f".decentra-header-{panel} .decentra-kf-{name}")
        return float(card.get_attribute("data-value"))

    def assert_healthy(self) -> None:
        """No error banner, no page error, no failed request, nothing beyond 127.0.0.1."""
        page = self.page
        assert page.locator(".v-alert.error").count() == 0
        assert "Traceback" not in page.inner_text("body")
        assert self.errors == []
        assert self.failures == []
        outside = [u for u in self.requests if not u.startswith((self.url, "data:", "blob:"))]
        assert outside == [], f"requests left 127.0.0.1: {outside[:5]}"

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SHOTS / name)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, app_url):
    watched = Watched(browser, app_url)
    yield watched
    watched.close()


def test_workshop_flow_steps_plays_and_switches_to_thai(tab):
    page = tab.page
    gdp_2019 = tab.figure("gdp")
    tab.pick("decentra-scenario", "Local finance")
    expect(page.locator(".decentra-header-a .decentra-panel-title")).to_contain_text(
        "Local finance"
    )
    for year in range(2020, 2025):  # five steps
        page.click(".decentra-step")
        expect(page.locator(".decentra-year")).to_contain_text(str(year))
    expect(page.locator(".dmap").first).to_have_attribute("data-year", "2024")
    assert tab.figure("gdp") > gdp_2019 * 1.05  # the key figures moved with the years
    assert tab.figure("gini") != pytest.approx(0.444, abs=1e-4)
    tab.shot("01_local_finance_2024_en.png")

    page.click(".decentra-play")
    expect(page.locator(".decentra-play")).to_contain_text("Pause")
    tab.wait_for_year(2027)
    page.click(".decentra-play")
    expect(page.locator(".decentra-play")).to_contain_text("Play")
    paused_at = tab.year()
    time.sleep(0.8)
    assert tab.year() == paused_at >= 2027

    page.click(".decentra-lang")
    expect(page.locator(".decentra-year")).to_contain_text("ปี")
    expect(page.locator(".decentra-header-a .decentra-kf-gini")).to_contain_text("จีนี")
    expect(page.locator(".dmap-title").first).to_contain_text("ผลิตภัณฑ์มวลรวมจังหวัดต่อหัว ปี")
    expect(page.locator(".decentra-scenario")).to_contain_text("การเงินท้องถิ่น")
    assert page.locator("path[data-code='10']").first.get_attribute("data-name") == "กรุงเทพมหานคร"
    assert THAI.search(page.inner_text(".decentra-lines-a"))
    # Sarabun (served in the page) draws the Thai text: Chromium here has no Thai font.
    assert page.evaluate("document.fonts.check('16px Sarabun', 'กรุงเทพ')")
    family = page.evaluate(
        "getComputedStyle(document.querySelector('.decentra-kf-label')).fontFamily"
    )
    assert "Sarabun" in family
    tab.shot("02_thai_after_play.png")
    tab.assert_healthy()


def test_province_selection_and_side_by_side(tab):
    page = tab.page
    page.click("path[data-code='50']")  # Chiang Mai
    province = page.locator(".decentra-province")
    expect(province).to_contain_text("Chiang Mai")
    expect(province.locator(".decentra-partner-channel")).to_have_count(4)
    expect(page.locator(".dmap-selected")).to_have_count(1)
    assert page.locator(".dmap-partner").count() > 0  # its main trade partners, outlined

    tab.pick("decentra-scenario", "Trade corridors")
    expect(page.locator(".decentra-budget-input input")).to_be_enabled()  # the baseline has none
    page.click(".decentra-side-by-side label")
    expect(page.locator(".dmap")).to_have_count(2)
    tab.pick("decentra-second", "Bangkok first")
    tab.pick("decentra-network", "Trade and investment")
    tab.step_to(2027)
    for panel in ("a", "b"):
        expect(page.locator(f".decentra-panel-{panel} .dmap")).to_have_attribute(
            "data-year", "2027"
        )
    assert page.locator(".decentra-panel-b .dmap-arrows path").count() > 0
    expect(page.locator(".decentra-header-b .decentra-panel-title")).to_contain_text(
        "Bangkok first"
    )
    assert tab.figure("gdp", "a") != tab.figure("gdp", "b")  # two scenarios, one year
    expect(province).to_contain_text("Chiang Mai")
    tab.shot("03_side_by_side_trade_network.png")
    tab.assert_healthy()


def test_budget_beyond_the_allowed_range_is_refused_and_the_app_keeps_running(tab):
    page = tab.page
    tab.pick("decentra-scenario", "Local finance")
    tab.step_to(2021)
    field = page.locator(".decentra-budget-input input")
    field.fill("3000000")
    field.press("Enter")
    refused = page.locator(".decentra-message.decentra-refused")
    expect(refused).to_contain_text("out of range")
    expect(refused).to_contain_text("allowed")
    expect(page.locator(".decentra-budget-input")).to_contain_text("out of range")
    assert tab.year() == 2021  # the run was kept
    tab.shot("04_budget_refused.png")
    tab.step_to(2022)
    field.fill("80000")
    field.press("Enter")
    expect(page.locator(".decentra-message.decentra-refused")).to_have_count(0)
    expect(page.locator(".decentra-year")).to_contain_text("2019")  # accepted: restarted
    tab.step_to(2020)
    assert page.locator(".v-alert.error").count() == 0


def test_two_sessions_keep_separate_models(browser, app_url):
    one, two = Watched(browser, app_url), Watched(browser, app_url)
    try:
        one.step_to(2022)
        one.page.click(".decentra-play")
        one.wait_for_year(2024)
        one.page.click(".decentra-play")
        expect(one.page.locator(".decentra-play")).to_contain_text("Play")
        assert two.year() == 2019  # the other tab's play did not move this model
        played = one.year()
        two.step_to(2020)
        assert one.year() == played and two.year() == 2020
        one.assert_healthy()
        two.assert_healthy()
    finally:
        one.close()
        two.close()


def test_the_load_checks_remote_session_drives_its_own_model(tab, app_url):
    """`benchmarks/remote_session.py` (the load check's participants on other machines) sends
    the page's own messages: it picks a scenario and steps its own model, not a tab's."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from remote_session import RemoteSession
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))

    async def remote_steps() -> tuple[str, list[int], list[float]]:
        session = RemoteSession(app_url)
        try:
            await session.open("Local finance")
            picked, years, latencies = session.scenario_shown, [], []
            for _ in range(3):
                latencies.append(await session.step())
                years.append(session.year)
            await session.reset()
            years.append(session.year)
            return picked, years, latencies
        finally:
            await session.close()

    tab.step_to(2020)
    # Playwright's sync API keeps its own event loop in this thread: the remote one gets another.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        picked, years, latencies = pool.submit(asyncio.run, remote_steps()).result(timeout=120)
    assert picked == "Local finance"
    assert years == [2020, 2021, 2022, 2019]
    assert all(0 < ms < 30_000 for ms in latencies)
    assert tab.year() == 2020  # the tab's model did not move
    tab.assert_healthy()
