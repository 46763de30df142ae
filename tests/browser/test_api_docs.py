"""The interactive API docs work in a browser under the site's Content-Security-Policy, with
every asset served by the app."""

import shutil
import threading
from urllib.parse import urlparse
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium is installed to drive"),
]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass

    def handle(self):
        super().handle()
        # The server thread's own database connection must not outlive the test.
        connections.close_all()


@pytest.fixture
def site(django_db_setup, django_db_blocker):
    """The app served over HTTP from a thread, static files included, as in development."""
    with django_db_blocker.unblock():
        server = make_server(
            "127.0.0.1",
            0,
            StaticFilesHandler(WSGIHandler()),
            server_class=WSGIServer,
            handler_class=QuietHandler,
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def page(browser):
    """A page in the session's one Chromium (tests/browser/conftest.py)."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_the_api_docs_run_under_the_csp_with_local_assets(site, page, tmp_path):
    shot = tmp_path / "api-docs.png"
    violations, errors, hosts = [], [], set()
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => (window.__violations = window.__violations || []).push(e.violatedDirective))"
    )

    response = page.goto(f"{site}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_text("/api/v1/zones/", exact=True).first.wait_for()

    # A reader opens the zones list and tries it.
    page.locator("#operations-zones-zones_list button.opblock-summary-control").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    page.screenshot(path=shot, full_page=True)

    violations += page.evaluate("window.__violations || []")
    assert violations == []
    assert errors == []
    assert hosts == {urlparse(site).netloc}
    assert status.inner_text().strip() == "200"
    assert '"count"' in page.locator(".live-responses-table tbody .microlight").first.inner_text()
