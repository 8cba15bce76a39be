"""Browser tests: Playwright's sync API (from PyPI) driving Debian's Chromium against
pytest-django's live server. Without a `chromium` on PATH every test here is skipped with the
reason below; install it with `apt-get update && apt-get install -y chromium`."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls (creating
# users, reading a device's key) are still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    skip = pytest.mark.skip(
        reason="Debian's chromium is not installed (shutil.which('chromium') "
        "is None): apt-get update && apt-get install -y chromium"
    )
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def e2e_settings(settings: Any) -> Any:
    # The live server is plain http on localhost, and production settings mark cookies Secure;
    # switch that off for these tests only so the browser sends them back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.DEMO_MODE = False
    return settings


def _page(browser: Any, base_url: str, *, bypass_csp: bool) -> tuple[Any, Any]:
    context = browser.new_context(viewport=PHONE, base_url=base_url, bypass_csp=bypass_csp)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors  # type: ignore[attr-defined]
    return context, page


@pytest.fixture
def page(
    browser: Any, live_server: Any, transactional_db: None, e2e_settings: Any
) -> Iterator[Any]:
    """A phone-sized page under the site's real Content-Security-Policy: any inline script or
    style the pages tried to use would be blocked and reported in `page.console_errors`."""
    context, page = _page(browser, live_server.url, bypass_csp=False)
    yield page
    context.close()


@pytest.fixture
def axe_page(
    browser: Any, live_server: Any, transactional_db: None, e2e_settings: Any
) -> Iterator[Any]:
    """A page for accessibility checks. `add_script_tag` injects axe-core as an inline script,
    which our CSP (rightly) refuses, so this context bypasses the CSP; the `page` fixture
    checks the pages under the real policy."""
    context, page = _page(browser, live_server.url, bypass_csp=True)
    yield page
    context.close()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.0/2.1 A and AA violations on the current page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {runOnly: {type: 'tag', "
        "values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}))"
    )
    violations = json.loads(result)["violations"]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def print_in_spanish(
    page: Any,
    *,
    language: Any,
    button: str,
    url: str,
    title: str,
    says: Iterable[str],
    never: Iterable[str],
    printed_heading: str,
) -> None:
    """The steps every Spanish printout takes in the browser (decision 0064): choose Español in
    `language` (the printout's *Language of the printout* select, a Locator), press `button`,
    and land on the printout (`url`, a regular expression ending in `?lang=es`). It is a Spanish
    document (`<html lang="es">`, its title `title`), its text says each of `says` and none of
    `never`, the staff bar above it is marked English, axe-core finds no serious or critical
    violation, and on paper only the printout is left (`printed_heading` shows, the bar does
    not). The page is left in screen media, on the printout."""
    language.select_option("es")
    page.get_by_role("button", name=button).click()
    page.wait_for_url(re.compile(url))
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.title() == title
    text = page.locator("main").inner_text()
    for phrase in says:
        assert phrase in text, phrase
    for phrase in never:
        assert phrase not in text, phrase
    assert page.locator(".hl-printout-bar").get_attribute("lang") == "en"
    assert run_axe(page) == [], page.url
    page.emulate_media(media="print")
    assert not page.locator(".hl-printout-bar").is_visible()
    assert page.get_by_role("heading", name=printed_heading).is_visible()
    page.emulate_media(media="screen")


def screenshot(page: Any, name: str, *, height: int | None = None) -> None:
    """Every run takes the screenshot (so a page that cannot render fails here); the user
    guide's copies in docs/screenshots are replaced only by `make screenshots`, so an ordinary
    test run leaves the working tree clean. `height`: only the top of a long page, so many
    pixels high."""
    folder = SCREENSHOTS if os.environ.get("HARBORLINE_SCREENSHOTS") == "1" else _scratch()
    folder.mkdir(parents=True, exist_ok=True)
    if height is not None:
        width = page.evaluate("document.documentElement.clientWidth")
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=str(folder / name), full_page=True, clip=clip)
        return
    page.screenshot(path=str(folder / name), full_page=True)


def _scratch() -> Path:
    import tempfile

    return Path(tempfile.gettempdir()) / "harborline-screenshots"
