"""The maps in Chromium: a zone's own small map shows the region around it, and a place that
holds a zone of each program is one marker listing both."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import ProgramFactory, ZoneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_programs_in_one_city(transactional_db):
    """Shanghai holds a zone of each program; Urumqi in the far west and Sanya in the far
    south hold one each."""
    shanghai = {"latitude": Decimal("31.23000"), "longitude": Decimal("121.47000")}
    ZoneFactory(slug="port-a", name_en="Port A", program=ProgramFactory(), **shanghai)
    ZoneFactory(slug="port-b", name_en="Port B", program=ProgramFactory(), **shanghai)
    ZoneFactory(
        slug="far-west",
        name_en="Far West",
        latitude=Decimal("43.83000"),
        longitude=Decimal("87.62000"),
    )
    ZoneFactory(
        slug="far-south",
        name_en="Far South",
        latitude=Decimal("18.25000"),
        longitude=Decimal("109.51000"),
    )


def opened_zoom(page, map_id: str) -> float:
    expect(page.locator(f"#{map_id}.map--ready")).to_have_count(1)
    return float(page.locator(f"#{map_id}").get_attribute("data-zoom"))


def test_a_zones_small_map_shows_the_region_around_it(browser_page, two_programs_in_one_city):
    browser_page.goto("/zones/?view=map")
    country = opened_zoom(browser_page, "zones-map")

    browser_page.goto("/zones/port-a/")
    expect(browser_page.locator("#zone-map .zone-marker")).to_have_count(1)
    # Zoom 5: the zone's province and its neighbours, closer than the map of the country
    # and not down to the streets.
    assert opened_zoom(browser_page, "zone-map") == 5
    assert country < 5
    assert browser_page.console_errors == []


def test_a_place_with_two_zones_is_one_marker_that_lists_both(
    browser_page, two_programs_in_one_city
):
    browser_page.goto("/zones/?view=map")

    markers = browser_page.locator("#zones-map .zone-marker")
    expect(markers).to_have_count(3)
    shared = browser_page.locator("#zones-map .zone-marker--shared")
    expect(shared).to_have_count(1)
    shared.dispatch_event("click")
    expect(browser_page.locator(".leaflet-popup-content a")).to_have_text(["Port A", "Port B"])
