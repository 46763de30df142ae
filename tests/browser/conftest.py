"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Tests that use them skip, saying why, only when no Chromium is installed.
"""

import os
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
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
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"No Chromium at {CHROMIUM}: install Debian's chromium to run browser tests.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls tests make between
    # steps are still synchronous, so Django's async guard would refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_browser_page(browser, live_server):
    """Opens pages in fresh browser contexts (separate cookies: separate people)."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            locale="en-GB",
            **context_options,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        # For tests that assert a page is clean: script errors and Content-Security-Policy
        # violations (the console), and assets that failed to load (a page's own status is the
        # test's business, and browsers ask for a favicon nobody links).
        page.console_errors = []
        page.failed_assets = []
        page.on("console", lambda message: _note_console_error(page, message))
        page.on("response", lambda response: _note_failed_asset(page, response))
        return page

    yield open_page
    for context in contexts:
        context.close()
    # Let the live server finish what the pages had in flight (a presence ping, a go-live
    # check) before the test database is flushed: a flush meeting such a request deadlocks.
    time.sleep(1)


def _note_console_error(page, message):
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.console_errors.append(message.text)


def _note_failed_asset(page, response):
    request = response.request
    if (
        response.status >= 400
        and request.resource_type != "document"
        and not request.url.endswith("/favicon.ico")
    ):
        page.failed_assets.append(f"{response.status} {request.url}")


@pytest.fixture
def browser_page(new_browser_page):
    return new_browser_page()


@pytest.fixture
def screenshots(request):
    """Saves numbered screenshots under test-artifacts/<test name>/ (git-ignored)."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    taken = []

    def shoot(page, name):
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    return shoot
