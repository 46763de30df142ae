"""A researcher in Chromium reads a zone as of a date before and after an edit, and downloads the
citation of the version shown in BibTeX, RIS and CSL-JSON."""

import datetime
import json
import re

import pytest

from core.models import PublicVersion, Status
from core.services import record_publish, record_save
from tests import people
from tests.factories import ZoneFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
BIBTEX_FIELD = re.compile(r"^  (\w+) = \{(.*)\},?$", re.MULTILINE)


@pytest.fixture
def edited_zone(transactional_db):
    """Published on 2024-01-10, its summary edited on 2024-06-01 (each save commits)."""
    publisher = people.publisher()
    zone = ZoneFactory(status=Status.DRAFT, slug="harbour", summary_en="Harbour cranes.")
    record_publish(record=zone, user=publisher)
    zone.refresh_from_db()
    zone.summary_en = "Harbour cranes and self-driving trucks."
    record_save(record=zone, expected_version=zone.version, user=publisher)
    versions = PublicVersion.objects.for_record(zone).order_by("number")
    for version, day in zip(versions, ("2024-01-10", "2024-06-01"), strict=True):
        moment = datetime.datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=SHANGHAI)
        PublicVersion.objects.filter(pk=version.pk).update(public_from=moment)
    return zone


def download(page, link_text: str) -> str:
    with page.expect_download() as caught:
        page.get_by_role("link", name=link_text, exact=True).click()
    return open(caught.value.path(), encoding="utf-8").read()


def test_a_reader_reads_a_zone_as_of_dates_and_downloads_its_citations(
    new_browser_page, edited_zone
):
    page = new_browser_page(accept_downloads=True)

    page.goto("/zones/harbour/?as_of=2024-03-01")
    note = page.locator(".notice--version")
    assert "You are reading version 1 of" in note.inner_text()
    assert "Harbour cranes." in page.locator(".version__fields").inner_text()
    assert "self-driving" not in page.locator(".version__fields").inner_text()

    page.goto("/zones/harbour/?as_of=2024-07-01")
    assert "You are reading version 2 of" in page.locator(".notice--version").inner_text()
    assert "self-driving trucks" in page.locator(".version__fields").inner_text()

    page.goto("/zones/harbour/?as_of=2024-03-01")
    bibtex = download(page, "BibTeX")
    ris = download(page, "RIS")
    csl = download(page, "CSL-JSON")

    fields = dict(BIBTEX_FIELD.findall(bibtex))
    assert bibtex.startswith("@misc{apz-harbour-v1,")
    assert fields["version"] == "1"
    assert fields["date"] == "2024-01-10"
    assert fields["url"].endswith("/zones/harbour/versions/1/")

    tags = dict(line.split("  - ", 1) for line in ris.splitlines() if line.strip())
    assert ris.splitlines()[0] == "TY  - ELEC"
    assert tags["DA"] == "2024/01/10"
    assert tags["UR"].endswith("/zones/harbour/versions/1/")
    assert "ER" in tags

    [item] = json.loads(csl)
    assert item["version"] == "1"
    assert item["issued"] == {"date-parts": [[2024, 1, 10]]}
    assert item["URL"].endswith("/zones/harbour/versions/1/")

    page.get_by_role("link", name="Read the current record").click()
    page.wait_for_url("**/zones/harbour/")
    assert "Harbour cranes and self-driving trucks." in page.content()
