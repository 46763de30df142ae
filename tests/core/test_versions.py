"""Public versions: every publication numbered and kept, read by number or as of a date, cited
in BibTeX, RIS and CSL-JSON, and still readable once the record is withdrawn."""

import datetime
import json
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import PublicVersion, Status, WorkingCopy
from core.services import (
    record_publish,
    record_save,
    record_withdraw,
    working_copies_go_live,
    working_copy_publish,
)
from core.versions.records import take_public_version
from policies.models import PolicyDocument
from tests import people
from tests.factories import DirectiveFactory, PolicyDocumentFactory, ZoneFactory
from zones.models import Zone

pytestmark = pytest.mark.django_db

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def at(day: str, hour: int = 12) -> datetime.datetime:
    """Noon (or ``hour``) of ``day`` in the site's time zone."""
    return datetime.datetime.fromisoformat(f"{day}T{hour:02}:00").replace(tzinfo=SHANGHAI)


def versions_of(record):
    return list(PublicVersion.objects.for_record(record).order_by("number"))


def dated(record, *days):
    """Move each version's public_from to a day (the suite cannot wait months)."""
    for version, day in zip(versions_of(record), days, strict=True):
        PublicVersion.objects.filter(pk=version.pk).update(public_from=at(day))


@pytest.fixture
def publisher():
    return people.publisher()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what the services leave for the commit (taking the version), as a real commit would."""

    def run(action, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(**kwargs)

    return run


@pytest.fixture
def edited_zone(publisher, commit):
    """A zone published on 2024-01-10 and edited by a publisher on 2024-06-01."""
    zone = ZoneFactory(status=Status.DRAFT, summary_en="Harbour cranes.", slug="harbour")
    commit(record_publish, record=zone, user=publisher)
    zone.refresh_from_db()
    zone.summary_en = "Harbour cranes and self-driving trucks."
    commit(record_save, record=zone, expected_version=zone.version, user=publisher)
    dated(zone, "2024-01-10", "2024-06-01")
    return zone


def test_first_publication_is_version_1_and_an_edit_is_version_2(edited_zone):
    first, second = versions_of(edited_zone)

    assert (first.number, second.number) == (1, 2)
    assert first.snapshot["fields"]["summary"]["en"] == "Harbour cranes."
    assert second.snapshot["fields"]["summary"]["en"] == "Harbour cranes and self-driving trucks."
    assert first.changed == []
    assert second.changed == ["summary"]


def test_a_save_that_changes_nothing_public_makes_no_version(edited_zone, publisher, commit):
    edited_zone.refresh_from_db()
    commit(record_save, record=edited_zone, expected_version=edited_zone.version, user=publisher)

    assert len(versions_of(edited_zone)) == 2


def test_the_record_page_lists_its_versions_with_what_changed(client, edited_zone):
    page = client.get("/zones/harbour/")

    assert page.status_code == 200
    text = page.content.decode()
    assert 'href="/zones/harbour/versions/1/"' in text
    assert 'href="/zones/harbour/versions/2/"' in text
    assert "changed summary" in text
    assert "first published" in text


def test_a_version_page_shows_the_record_as_that_version(client, edited_zone):
    page = client.get("/zones/harbour/versions/1/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Harbour cranes." in text
    assert "self-driving trucks" not in text
    assert "You are reading version 1 of" in text
    assert 'The current version is <a href="/zones/harbour/versions/2/">version 2' in text


def test_the_version_page_in_chinese_has_a_chinese_address_and_note(client, edited_zone):
    page = client.get("/zh-hans/zones/harbour/versions/2/")

    assert page.status_code == 200
    assert "/zh-hans/zones/harbour/versions/2/" in page.content.decode()
    assert "您正在阅读" in page.content.decode()


def test_an_unknown_version_number_is_404(client, edited_zone):
    assert client.get("/zones/harbour/versions/3/").status_code == 404
    assert client.get("/zones/harbour/versions/99999999999999999999/").status_code == 404
    assert client.get("/zones/nowhere/versions/1/").status_code == 404


@pytest.mark.parametrize(
    ("as_of", "expected", "absent"),
    [
        ("2024-03-01", "Harbour cranes.", "self-driving"),
        ("2024-06-01", "self-driving trucks", "version 1 of"),
        ("2030-01-01", "self-driving trucks", "version 1 of"),
    ],
)
def test_as_of_shows_the_version_public_at_the_end_of_that_day(
    client, edited_zone, as_of, expected, absent
):
    page = client.get(f"/zones/harbour/?as_of={as_of}")

    assert page.status_code == 200
    assert expected in page.content.decode()
    assert absent not in page.content.decode()


def test_as_of_before_the_first_publication_is_404_with_a_note(client, edited_zone):
    page = client.get("/zones/harbour/?as_of=2024-01-09")

    assert page.status_code == 404
    assert "This record was not yet public on 2024-01-09." in page.content.decode()


@pytest.mark.parametrize("value", ["2024-13-01", "yesterday", "2024-1-1", "10000-01-01", ""])
def test_a_bad_as_of_is_a_400_that_says_so(client, edited_zone, value):
    page = client.get(f"/zones/harbour/?as_of={value}")

    assert page.status_code == 400
    assert "must be a date written YYYY-MM-DD" in page.content.decode()


def test_as_of_pages_are_not_served_from_one_another_by_the_page_cache(client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    publisher = people.publisher()
    zone = ZoneFactory(status=Status.DRAFT, summary_en="Before.", slug="cached")
    record_publish(record=zone, user=publisher)
    take_public_version(Zone, zone.pk)
    zone.refresh_from_db()
    zone.summary_en = "After."
    record_save(record=zone, expected_version=zone.version, user=publisher)
    take_public_version(Zone, zone.pk)
    dated(zone, "2024-01-10", "2024-06-01")

    before = client.get("/zones/cached/?as_of=2024-03-01")
    after = client.get("/zones/cached/?as_of=2024-07-01")
    before_again = client.get("/zones/cached/?as_of=2024-03-01")

    assert "Before." in before.content.decode()
    assert "After." in after.content.decode()
    assert "Before." in before_again.content.decode()


def test_a_draft_never_has_a_public_version(client, publisher, commit):
    zone = ZoneFactory(status=Status.DRAFT, slug="unreleased")
    commit(record_save, record=zone, expected_version=zone.version, user=publisher)

    assert versions_of(zone) == []
    assert client.get("/zones/unreleased/versions/").status_code == 404
    assert client.get("/zones/unreleased/versions/1/").status_code == 404
    assert client.get("/api/v1/zones/unreleased/versions/").status_code == 404


def test_a_working_copy_is_not_a_version_until_published(client, edited_zone, publisher, commit):
    editor = people.editor()
    edited_zone.refresh_from_db()
    edited_zone.summary_en = "Pending change."
    commit(record_save, record=edited_zone, expected_version=edited_zone.version, user=editor)

    assert len(versions_of(edited_zone)) == 2
    assert "Pending change." not in client.get("/zones/harbour/versions/").content.decode()

    commit(working_copy_publish, record=edited_zone, user=publisher)

    third = versions_of(edited_zone)[-1]
    assert third.number == 3
    assert third.snapshot["fields"]["summary"]["en"] == "Pending change."


def test_a_scheduled_change_becomes_a_version_public_from_its_go_live_time(
    edited_zone, publisher, commit
):
    editor = people.editor()
    edited_zone.refresh_from_db()
    edited_zone.summary_en = "Scheduled change."
    commit(record_save, record=edited_zone, expected_version=edited_zone.version, user=editor)
    go_live = timezone.now() + datetime.timedelta(hours=1)
    commit(working_copy_publish, record=edited_zone, user=publisher, go_live_at=go_live)
    assert len(versions_of(edited_zone)) == 2

    went_live = timezone.now() - datetime.timedelta(minutes=5)
    edited_zone_copy = edited_zone.__class__.objects.get(pk=edited_zone.pk)
    WorkingCopy.objects.for_record(edited_zone_copy).update(go_live_at=went_live)
    commit(working_copies_go_live)

    third = versions_of(edited_zone)[-1]
    assert third.number == 3
    assert third.public_from == went_live


def test_a_first_publication_scheduled_for_later_shows_no_version_until_then(
    client, publisher, commit
):
    zone = ZoneFactory(status=Status.DRAFT, slug="later")
    go_live = timezone.now() + datetime.timedelta(days=2)
    commit(record_publish, record=zone, user=publisher, go_live_at=go_live)

    assert [version.public_from for version in versions_of(zone)] == [go_live]
    assert client.get("/zones/later/versions/1/").status_code == 404
    assert client.get("/api/v1/zones/later/versions/").status_code == 404


def test_a_withdrawn_record_keeps_its_versions_with_a_banner(
    client, edited_zone, publisher, commit
):
    edited_zone.refresh_from_db()
    commit(record_withdraw, record=edited_zone, user=publisher)

    live = client.get("/zones/harbour/")
    version = client.get("/zones/harbour/versions/2/")
    listing = client.get("/zones/harbour/versions/")

    assert live.status_code == 410
    assert 'href="/zones/harbour/versions/"' in live.content.decode()
    assert version.status_code == 200
    assert "This record was withdrawn on" in version.content.decode()
    assert listing.status_code == 200
    assert versions_of(edited_zone)[-1].withdrawn_at is not None


def test_republishing_a_withdrawn_record_is_a_new_version(edited_zone, publisher, commit):
    edited_zone.refresh_from_db()
    commit(record_withdraw, record=edited_zone, user=publisher)
    edited_zone.refresh_from_db()
    commit(record_publish, record=edited_zone, user=publisher)

    assert [version.number for version in versions_of(edited_zone)] == [1, 2, 3]


def test_as_of_after_a_withdrawal_says_it_had_been_withdrawn(
    client, edited_zone, publisher, commit
):
    edited_zone.refresh_from_db()
    commit(record_withdraw, record=edited_zone, user=publisher)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    page = client.get(f"/zones/harbour/?as_of={tomorrow}")

    assert page.status_code == 404
    assert "had been withdrawn" in page.content.decode()


# -- citations -------------------------------------------------------------------------------

BIBTEX_FIELD = re.compile(r"^  (\w+) = \{(.*)\},?$", re.MULTILINE)


def test_bibtex_citation_names_the_version_its_date_and_address(client, edited_zone):
    response = client.get("/zones/harbour/versions/1/cite.bib")

    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert 'filename="apz-harbour-v1.bib"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("@misc{apz-harbour-v1,\n")
    fields = dict(BIBTEX_FIELD.findall(text))
    assert fields["version"] == "1"
    assert fields["date"] == "2024-01-10"
    assert fields["year"] == "2024"
    assert fields["url"] == "http://testserver/zones/harbour/versions/1/"
    assert fields["author"] == "{AI Pilot Zones}"


def test_bibtex_escapes_braces_and_tex_specials_in_titles(client, publisher, commit):
    zone = ZoneFactory(status=Status.DRAFT, slug="odd", name_en="R&D {core} 100% _zone_")
    commit(record_publish, record=zone, user=publisher)

    text = client.get("/zones/odd/versions/1/cite.bib").content.decode()

    assert r"title = {{R\&D \{core\} 100\% \_zone\_}}" in text
    assert text.count("{") == text.count("}")


def test_ris_citation_has_its_tags_in_order(client, edited_zone):
    response = client.get("/zones/harbour/versions/2/cite.ris")

    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    lines = response.content.decode().split("\r\n")
    tags = dict(line.split("  - ", 1) for line in lines if line)
    assert lines[0] == "TY  - ELEC"
    assert lines[-2] == "ER  - "
    assert tags["TI"] == edited_zone.name_en
    assert tags["AU"] == "AI Pilot Zones"
    assert tags["PY"] == "2024"
    assert tags["DA"] == "2024/06/01"
    assert tags["UR"] == "http://testserver/zones/harbour/versions/2/"


def test_csl_json_citation_in_chinese_cites_the_chinese_title(client, edited_zone):
    response = client.get("/zh-hans/zones/harbour/versions/2/cite.json")

    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    [item] = json.loads(response.content)
    assert item["title"] == edited_zone.name_zh_hans
    assert item["version"] == "2"
    assert item["issued"] == {"date-parts": [[2024, 6, 1]]}
    assert item["URL"] == "http://testserver/zh-hans/zones/harbour/versions/2/"


def test_cite_as_on_the_record_page_cites_the_current_version(client, edited_zone):
    text = client.get("/zones/harbour/").content.decode()

    assert "version 2 of 1 June 2024" in text
    assert 'href="/zones/harbour/versions/2/cite.bib"' in text
    assert 'href="/zones/harbour/versions/2/cite.ris"' in text
    assert 'href="/zones/harbour/versions/2/cite.json"' in text


def test_cite_as_on_an_as_of_page_cites_the_version_shown(client, edited_zone):
    text = client.get("/zones/harbour/?as_of=2024-02-01").content.decode()

    assert "version 1 of 10 January 2024" in text
    assert 'href="/zones/harbour/versions/1/cite.ris"' in text


# -- documents -------------------------------------------------------------------------------


def test_a_document_version_keeps_its_directives_text(client, publisher, commit):
    document = PolicyDocumentFactory(status=Status.DRAFT, slug="notice")
    zone = ZoneFactory(name_en="Hefei")
    DirectiveFactory(document=document, zone=zone, text_en="Build a speech-AI cluster.")
    commit(record_publish, record=document, user=publisher)

    page = client.get("/policies/notice/versions/1/")

    assert page.status_code == 200
    assert "Build a speech-AI cluster." in page.content.decode()
    assert "Hefei" in page.content.decode()


def test_a_version_page_reads_a_fixed_number_of_queries(
    client, edited_zone, django_assert_max_num_queries, warm_generation
):
    with django_assert_max_num_queries(8):
        assert client.get("/zones/harbour/versions/1/").status_code == 200


# -- the API ---------------------------------------------------------------------------------


def test_the_api_lists_versions_and_reads_one(edited_zone):
    api = APIClient()

    listing = api.get("/api/v1/zones/harbour/versions/").json()["versions"]
    second = api.get("/api/v1/zones/harbour/versions/2/").json()

    assert [row["number"] for row in listing] == [1, 2]
    assert listing[1]["changed"] == ["summary"]
    assert listing[0]["html_url"] == "http://testserver/zones/harbour/versions/1/"
    assert second["record"]["fields"]["summary"]["en"] == "Harbour cranes and self-driving trucks."
    assert second["is_current"] is True
    assert second["citations"]["ris"] == "http://testserver/zones/harbour/versions/2/cite.ris"


def test_the_api_reads_a_record_as_of_a_date(edited_zone):
    api = APIClient()

    then = api.get("/api/v1/zones/harbour/?as_of=2024-03-01")
    before = api.get("/api/v1/zones/harbour/?as_of=2023-12-31")
    bad = api.get("/api/v1/zones/harbour/?as_of=2024-02-30")

    assert then.status_code == 200
    assert then.json()["number"] == 1
    assert then.json()["is_current"] is False
    assert before.status_code == 404
    assert "not yet public" in before.json()["error"]["message"]
    assert bad.status_code == 400
    assert bad.json()["error"]["details"] == {"as_of": ["Give a date written YYYY-MM-DD."]}


def test_the_api_keeps_a_withdrawn_records_versions(edited_zone, publisher, commit):
    edited_zone.refresh_from_db()
    commit(record_withdraw, record=edited_zone, user=publisher)
    api = APIClient()

    assert api.get("/api/v1/zones/harbour/").status_code == 404
    assert api.get("/api/v1/zones/harbour/versions/2/").json()["withdrawn_at"] is not None


def test_the_demo_gives_every_published_record_its_first_version(demo):
    for model in (Zone, PolicyDocument):
        published = model.objects.filter(status=Status.PUBLISHED)
        versioned = PublicVersion.objects.filter(
            content_type__model=model._meta.model_name, number=1
        )
        assert published.count() == versioned.count() > 0
