"""The demo run's HTML replication report in a real headless Chromium: it loads with no console
or page errors, its tables and charts render, a count's drill-down link brings its case list into
view, and a full-page screenshot is kept as a test artifact."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from pipeline.fonts import cjk_font_path

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
APT_TIMEOUT = 1200  # seconds for `apt-get update` or `apt-get install`
SCREENSHOT = REPO / "test-artifacts" / "replication.png"
DISTRIBUTIONS = ("year", "level", "domain", "leader_rank")
BEYOND_SECTIONS = ("beyond-adjust", "beyond-coverage", "beyond-link-rot", "beyond-sensitivity",
                   "beyond-past-window")
VIEWPORT = {"width": 1280, "height": 900}
FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>{fonts}</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""
IN_VIEWPORT = """e => { const r = e.getBoundingClientRect();
                       return r.height > 0 && r.top < innerHeight && r.bottom > 0; }"""

pytestmark = pytest.mark.slow


def find_chromium() -> str | None:
    """Debian's Chromium, else a `chromium` on PATH."""
    if DEBIAN_CHROMIUM.is_file() and os.access(DEBIAN_CHROMIUM, os.X_OK):
        return str(DEBIAN_CHROMIUM)
    return shutil.which("chromium")


def _apt_get(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(["apt-get", *args], capture_output=True, text=True, check=False,
                          timeout=APT_TIMEOUT, env=env)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; Debian's `chromium` package is installed when it is missing and
    this runs as root with apt-get, otherwise the browser tests are skipped with the reason."""
    found = find_chromium()
    if found is not None:
        return found
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(f"no Chromium ({DEBIAN_CHROMIUM} or `chromium` on PATH) and no way to install "
                    "it here (needs root and apt-get): install Debian's `chromium` package")
    result = _apt_get("install", "-y", "chromium")
    if result.returncode != 0:
        update = _apt_get("update")
        if update.returncode != 0:
            pytest.skip(f"apt-get update failed, so Chromium could not be installed: "
                        f"{update.stderr.strip()[-500:]}")
        result = _apt_get("install", "-y", "chromium")
    found = find_chromium()
    if found is None:
        pytest.skip(f"apt-get install -y chromium gave no Chromium (exit {result.returncode}): "
                    f"{result.stderr.strip()[-500:]}")
    return found


@pytest.fixture(scope="module")
def browser_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for Chromium with a fontconfig that adds the bundled CJK font, so Chinese
    text in the screenshot is drawn rather than shown as boxes on machines without CJK fonts."""
    folder = tmp_path_factory.mktemp("fontconfig")
    config = folder / "fonts.conf"
    config.write_text(FONTCONFIG.format(fonts=cjk_font_path().parent, cache=folder / "cache"),
                      encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


@pytest.fixture(scope="module")
def report_page(chromium: str, demo_run: Path,
                browser_env: dict[str, str]) -> Iterator[tuple[Any, list[str]]]:
    """The demo run's replication.html open in headless Chromium (over file://), with every
    console error, page error and failed request it produced."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Python Playwright is needed: pip install playwright")
    report = demo_run / "reports" / "replication.html"
    problems: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS,
                                             env=browser_env)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.on("console", lambda message: problems.append(
                f"console {message.type}: {message.text}") if message.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on("requestfailed", lambda request: problems.append(
                f"request failed: {request.url[:200]} ({request.failure})"))
            page.goto(report.as_uri(), wait_until="load")
            yield page, problems
        finally:
            browser.close()


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0, locator
    return box


def _image_rendered(image: Any) -> None:
    """The image is visible, laid out with a size and decoded (a broken data URI is not)."""
    assert image.is_visible()
    _box(image)
    assert image.evaluate("e => e.complete && e.naturalWidth > 0 && e.naturalHeight > 0")


def test_report_loads_without_console_or_page_errors(report_page) -> None:
    page, problems = report_page
    assert "replication report" in page.title()
    assert problems == []


def test_distribution_tables_and_charts_are_visible(report_page) -> None:
    page, _ = report_page
    for key in DISTRIBUTIONS:
        assert page.locator(f"h2#{key}").is_visible(), key
        table = page.locator(f"xpath=//h2[@id='{key}']/following-sibling::table[1]")
        assert table.is_visible(), key
        _box(table)
        assert table.locator("tr").count() >= 3, f"{key}: header and category rows"
        _image_rendered(page.locator(f"xpath=//h2[@id='{key}']/following-sibling::figure[1]/img"))
    broken = page.eval_on_selector_all(
        "img", "images => images.filter(e => !(e.complete && e.naturalWidth > 0)).map(e => e.alt)")
    assert broken == []


def test_sections_beyond_the_paper_are_visible_with_their_charts(report_page) -> None:
    page, _ = report_page
    for anchor in BEYOND_SECTIONS:
        heading = page.locator(f"h3#{anchor}")
        assert heading.is_visible(), anchor
        assert heading.locator("xpath=following-sibling::p[@class='how'][1]").is_visible()
    for anchor in ("beyond-coverage", "beyond-sensitivity", "beyond-past-window"):
        chart = page.locator(f"xpath=//h3[@id='{anchor}']/following-sibling::figure[1]/img")
        _image_rendered(chart)


def test_a_count_link_brings_its_case_list_into_view(report_page) -> None:
    page, _ = report_page
    page.evaluate("window.scrollTo(0, 0)")
    links = page.locator("xpath=//h2[@id='level']/following-sibling::table[1]"
                         "//a[starts-with(@href, '#cases-level-')]")
    counts = [int(text) for text in links.all_inner_texts()]
    link = links.nth(counts.index(max(counts)))
    anchor = link.get_attribute("href").removeprefix("#")
    target = page.locator(f'[id="{anchor}"]')
    assert not target.evaluate(IN_VIEWPORT), "the case list starts out of view"
    link.click()
    page.wait_for_function("anchor => location.hash === '#' + anchor", arg=anchor)
    page.wait_for_function(f"() => ({IN_VIEWPORT})(document.getElementById({anchor!r}))")
    assert target.is_visible()
    entries = target.locator("li a[href^='#case-']")
    assert entries.count() == max(counts) > 0
    assert entries.first.is_visible()
    case_anchor = entries.first.get_attribute("href").removeprefix("#")
    entries.first.click()
    case = page.locator(f'[id="{case_anchor}"]')
    page.wait_for_function(f"() => ({IN_VIEWPORT})(document.getElementById({case_anchor!r}))")
    assert case.locator("h4").is_visible()


def test_full_page_screenshot_is_saved(report_page) -> None:
    page, problems = report_page
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    header = SCREENSHOT.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = (int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big"))
    assert width == VIEWPORT["width"] and height > 5 * VIEWPORT["height"]
    assert problems == []
