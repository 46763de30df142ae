"""The public site in Chromium, as a reader uses it on a desktop and on a phone.

Each journey goes home → zones → a focus-area filter → a zone → its notice → search →
Chinese, and on every page checks that the browser logged no error, that no request failed,
and that axe-core finds no serious or critical accessibility violation. Screenshots of every
page go to ``test-artifacts/`` for a person to look at.
"""

import re
import shutil
from pathlib import Path

import pytest

from tests.factories import ZoneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    # The narrowest phone the site is designed for.
    "narrow": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
}

if CHROMIUM is None:
    pytest.skip("no Chromium found at /usr/bin/chromium or on PATH", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture(scope="module")
def site_chromium(browser):
    """The session's one Chromium (tests/browser/conftest.py): Playwright's sync API allows a
    single instance per thread."""
    return browser


@pytest.fixture
def site_demo_committed(transactional_db):
    from policies.demo import demo_load

    demo_load()


class Visit:
    """A browser tab that records what went wrong and checks each page it reaches."""

    def __init__(self, browser, device: str, base_url: str, **options):
        self.context = browser.new_context(**DEVICES[device], **options)
        self.page = self.context.new_page()
        self.device = device
        self.base_url = base_url
        self.problems: list[str] = []
        self.axe = Axe()
        self.page.on(
            "console",
            lambda message: (
                message.type == "error" and self.problems.append(f"console: {message.text}")
            ),
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self.note_failed_request)
        self.page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.problems.append(f"{response.status}: {response.url}")
            ),
        )

    def note_failed_request(self, request):
        # Chromium cancels a page's favicon fetch when the next navigation starts first; that
        # is the browser moving on, not an asset failing to load.
        if request.failure == "net::ERR_ABORTED" and "/favicon." in request.url:
            return
        self.problems.append(f"failed: {request.url} {request.failure}")

    def goto(self, path: str):
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")

    def check(self, name: str, *, scan: bool = True):
        """No error so far, no serious accessibility violation here; a screenshot to look at.

        The scan needs script in the page, so a visit without JavaScript skips it (the same
        pages are scanned with it).
        """
        self.page.wait_for_load_state("networkidle")
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=ARTIFACTS / f"site-{self.device}-{name}.png", full_page=True)
        assert self.problems == [], f"{name}: {self.problems}"
        if not scan:
            return
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
        violations = [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(node["target"][0] for node in violation["nodes"][:3])
            for violation in self.axe.run(self.page).response["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]
        assert violations == [], f"{name}: {violations}"
        assert self.problems == [], f"{name}: {self.problems}"

    def close(self):
        self.context.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_reader_goes_from_home_to_a_notice_and_on_to_chinese(
    site_chromium, live_server, site_demo_committed, device
):
    visit = Visit(site_chromium, device, live_server.url)
    page = visit.page
    try:
        # Home: the counts, and a map of every published zone, one marker per place: six
        # cities hold a zone of each program, so 23 zones are 17 markers.
        visit.goto("/")
        expect(page.locator("h1")).to_have_text("China's national AI pilot zones")
        expect(page.locator("#home-map .zone-marker")).to_have_count(17)
        expect(page.locator("#home-map .zone-marker--shared")).to_have_count(6)
        page.locator("#home-map .zone-marker--shared").first.dispatch_event("click")
        expect(page.locator(".leaflet-popup-content a")).to_have_count(2)
        page.locator("#home-map .leaflet-popup-close-button").click()
        expect(page.locator(".stats")).to_contain_text("23 zones")
        visit.check("1-home")
        page.locator("#home-map .zone-marker").first.dispatch_event("click")
        popup_link = page.locator(".leaflet-popup-content a").first
        expect(popup_link).to_have_attribute("href", re.compile(r"^/zones/[a-z0-9-]+/$"))

        # Zones, then a focus area: the list and the counts update without a page load.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Zones").click()
        expect(page).to_have_url(re.compile(r"/zones/$"))
        expect(page.locator("#results-heading")).to_have_text("23 zones")
        visit.check("2-zones")
        panel = page.locator("#filters-panel")
        if device == "phone":
            expect(panel).not_to_have_attribute("open", "")
            panel.locator("summary").click()
        page.get_by_label(re.compile(r"^Smart finance")).check()
        expect(page).to_have_url(re.compile(r"/zones/\?focus_area=smart-finance&ordering=name$"))
        expect(page.locator("#results-heading")).to_have_text("4 zones")
        expect(page.get_by_label(re.compile(r"^Smart finance"))).to_be_checked()
        visit.check("3-zones-smart-finance")

        # The back button returns to the unfiltered list, forward to the filtered one.
        page.go_back()
        expect(page.locator("#results-heading")).to_have_text("23 zones")
        page.go_forward()
        expect(page.locator("#results-heading")).to_have_text("4 zones")

        # A zone, and the notice that addresses it.
        page.locator("#results").get_by_role("link", name="Hangzhou", exact=True).click()
        expect(page.locator("h1")).to_have_text("Hangzhou")
        expect(page.locator("#zone-map .zone-marker")).to_have_count(1)
        visit.check("4-zone")
        page.locator(".directive h3 a").first.click()
        expect(page).to_have_url(
            re.compile(r"/policies/miit-second-batch-notice-2021/#directive-miit-hangzhou$")
        )
        expect(page.locator("h1")).to_contain_text("Notice supporting Beijing")
        visit.check("5-notice")

        # Search from the header, in Chinese characters.
        search = page.get_by_role("search").first.get_by_label("Search the register")
        if not search.is_visible():
            search = page.locator("#site-search-q")
        search.fill("冬奥")
        search.press("Enter")
        expect(page).to_have_url(re.compile(r"/search/\?q="))
        expect(page.locator(".search-group").nth(1)).to_contain_text("Notice supporting Beijing")
        visit.check("6-search")

        # Switch to Chinese: the same page, the same query.
        page.get_by_role("navigation", name="Language").get_by_role("link", name="中文").click()
        expect(page).to_have_url(re.compile(r"/zh-hans/search/\?q=%E5%86%AC%E5%A5%A5$"))
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
        expect(page.locator("h1")).to_have_text("搜索名录")
        expect(page.locator(".search-group").nth(1)).to_contain_text("工业和信息化部关于支持建设")
        expect(page.locator(".search-group mark").first).to_have_text("冬奥")
        visit.check("7-search-chinese")

        # And the Chinese zones map shows the same 23 zones, at their 17 places.
        visit.goto("/zh-hans/zones/?view=map")
        expect(page.locator("#zones-map .zone-marker")).to_have_count(17)
        expect(page.locator(".compact-list li")).to_have_count(23)
        visit.check("8-zones-map-chinese")
    finally:
        visit.close()


@pytest.mark.parametrize("device", ["desktop", "narrow"])
def test_every_other_page_passes_the_accessibility_scan(
    site_chromium, live_server, site_demo_committed, device
):
    visit = Visit(site_chromium, device, live_server.url)
    try:
        for name, path in [
            ("policies", "/policies/?q=pilot+zones&authority=most"),
            ("policy-repealed", "/policies/most-pilot-zone-guideline-2019/"),
            ("focus-areas", "/focus-areas/"),
            ("focus-area", "/focus-areas/intelligent-manufacturing/"),
            ("program", "/programs/miit/"),
            ("zones-error", "/zones/?batch=abc"),
            ("home-chinese", "/zh-hans/"),
            ("notice-chinese", "/zh-hans/policies/miit-second-batch-notice-2021/"),
        ]:
            if name == "zones-error":
                response = visit.page.goto(live_server.url + path)
                assert response.status == 400
                visit.problems.clear()  # the 400 is the point of this page
            else:
                visit.goto(path)
            visit.check(f"9-{name}")
    finally:
        visit.close()


def test_filters_work_without_javascript(site_chromium, live_server, site_demo_committed):
    visit = Visit(site_chromium, "desktop", live_server.url, java_script_enabled=False)
    page = visit.page
    try:
        visit.goto("/policies/")
        page.get_by_label(re.compile(r"^Letter or reply")).check()
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"doc_type=letter"))
        expect(page.locator("#results-heading")).to_have_text("4 documents")
        page.get_by_role("link", name="中文").click()
        expect(page.locator("#results-heading")).to_have_text("4 份文件")
        visit.check("10-no-javascript-chinese", scan=False)
    finally:
        visit.close()


def test_a_zone_name_with_markup_shows_as_text_in_the_maps_tooltip_and_popup(
    site_chromium, live_server, transactional_db
):
    name = '<b id="x">Bold</b> Harbour'
    zone = ZoneFactory(slug="bold-harbour", name_en=name)
    visit = Visit(site_chromium, "desktop", live_server.url)
    page = visit.page
    try:
        visit.goto(f"/zones/{zone.slug}/")
        marker = page.locator("#zone-map .zone-marker")
        expect(marker).to_have_count(1)

        marker.hover()
        expect(page.locator(".leaflet-tooltip")).to_have_text(name)
        marker.dispatch_event("click")
        expect(page.locator(".leaflet-popup-content a")).to_have_text(name)

        expect(page.locator("#x")).to_have_count(0)
        expect(page.locator(".leaflet-tooltip b, .leaflet-popup-content b")).to_have_count(0)
        visit.check("markup-in-a-zone-name", scan=False)
    finally:
        visit.close()
