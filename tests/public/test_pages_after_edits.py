"""What a reader sees after an edit: every publish and withdrawal shows on the next read of
every page it touches (the results, the total, the facet counts, a record's page, an API
list), through the page cache; a draft never reaches a public page, not even after a staff
preview; each address and language keeps its own links.
"""

import re
import uuid

import pytest
from django.test import override_settings

from core.models import Status
from policies.models import DocumentRelation, DocumentType, RelationKind
from tests import people
from tests.factories import PolicyDocumentFactory, ZoneFactory

pytestmark = pytest.mark.django_db


def get(client, path, **headers):
    return client.get(path, headers=headers)


def facet_count(html: str, name: str, value: str) -> int | None:
    """The count the form shows next to one option of a filter, or None if it is not offered."""
    found = re.search(rf'<label for="f-{name}-{value}">[^<]*<span class="count">(\d+)</span>', html)
    return int(found.group(1)) if found else None


def result_heading(html: str) -> str:
    return re.search(r'<h2 id="results-heading">([^<]*)</h2>', html).group(1).strip()


def test_a_publish_updates_the_results_the_total_and_the_facet_counts(client):
    PolicyDocumentFactory(title_en="Letter on compute vouchers", doc_type=DocumentType.LETTER)
    draft = PolicyDocumentFactory(
        title_en="Letter on data exchanges", doc_type=DocumentType.LETTER, status=Status.DRAFT
    )
    before = get(client, "/policies/").content.decode()
    assert facet_count(before, "doc_type", "letter") == 1
    assert result_heading(before) == "1 document"
    assert "Letter on data exchanges" not in before

    draft.status = Status.PUBLISHED
    draft.save()
    after = get(client, "/policies/").content.decode()

    assert facet_count(after, "doc_type", "letter") == 2
    assert result_heading(after) == "2 documents"
    assert "Letter on data exchanges" in after
    # Another order of the same results has the new total too.
    second_order = get(client, "/policies/?ordering=title").content.decode()
    assert result_heading(second_order) == "2 documents"


def test_a_withdrawal_leaves_no_trace_on_any_page(client):
    kept = PolicyDocumentFactory(title_en="Notice on model registries")
    gone = PolicyDocumentFactory(title_en="Notice on robot pilots")
    assert "Notice on robot pilots" in get(client, "/policies/").content.decode()
    assert get(client, f"/policies/{gone.slug}/").status_code == 200
    assert "Notice on robot pilots" in get(client, "/api/v1/policies/").content.decode()

    gone.status = Status.WITHDRAWN
    gone.save()

    page = get(client, "/policies/").content.decode()
    assert "Notice on robot pilots" not in page
    assert "Notice on model registries" in page
    assert result_heading(page) == "1 document"
    assert get(client, f"/policies/{gone.slug}/").status_code == 404
    assert get(client, f"/policies/{kept.slug}/").status_code == 200
    listed = get(client, "/api/v1/policies/").json()
    assert [item["slug"] for item in listed["results"]] == [kept.slug]
    assert listed["count"] == 1


def test_an_api_page_keeps_its_etag_and_answers_304_until_a_change(client):
    PolicyDocumentFactory()
    first = get(client, "/api/v1/policies/")
    again = get(client, "/api/v1/policies/")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"] == "application/json"

    conditional = get(client, "/api/v1/policies/", **{"If-None-Match": first["ETag"]})
    assert conditional.status_code == 304

    PolicyDocumentFactory()
    changed = get(client, "/api/v1/policies/", **{"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed.json()["count"] == 2


def test_languages_partials_and_addresses_are_kept_apart(client):
    PolicyDocumentFactory(title_en="Notice on compute vouchers", title_zh_hans="算力券通知")
    english = get(client, "/policies/").content.decode()
    chinese = get(client, "/zh-hans/policies/").content.decode()
    partial = get(client, "/policies/", **{"HX-Request": "true"}).content.decode()
    filtered = get(client, "/policies/?q=vouchers").content.decode()

    assert "Notice on compute vouchers" in english
    assert "算力券通知" in chinese
    assert "Notice on compute vouchers" not in chinese
    assert "<html" in english
    assert "<html" not in partial
    assert 'id="browse"' in partial
    assert 'value="vouchers"' in filtered
    assert 'value="vouchers"' not in english


def test_a_rejected_filter_still_answers_400_when_repeated(client):
    assert get(client, "/policies/?issued_after=yesterday").status_code == 400
    assert get(client, "/policies/?issued_after=yesterday").status_code == 400


def test_a_staff_preview_of_a_draft_never_reaches_the_public(client):
    document = PolicyDocumentFactory(title_en="Notice on secret pilots", status=Status.DRAFT)
    public_url = f"/policies/{document.slug}/"
    assert get(client, public_url).status_code == 404

    staff = people.client_for(people.editor())
    preview = staff.get(f"/admin/preview/policies/{document.slug}/")
    assert preview.status_code == 200
    assert "Notice on secret pilots" in preview.content.decode()

    assert get(client, public_url).status_code == 404
    document.status = Status.PUBLISHED
    document.save()
    published = get(client, public_url)
    assert published.status_code == 200
    assert "preview-banner" not in published.content.decode()


# -- capped related lists -------------------------------------------------------------------


def test_a_zone_page_lists_the_latest_documents_and_links_to_all_of_them(client):
    zone = ZoneFactory(slug="crowded-zone", name_en="Crowded zone")
    for number in range(1, 26):
        PolicyDocumentFactory(
            slug=f"zone-notice-{number:02}",
            title_en=f"Zone notice {number:02}",
            issued_on=f"2020-01-{number:02}",
            zones=[zone],
        )

    page = get(client, f"/zones/{zone.slug}/").content.decode()

    shown = re.findall(r"Zone notice (\d\d)", page)
    # The latest twenty, oldest first, as the whole list would show them.
    assert shown == [f"{number:02}" for number in range(6, 26)]
    assert '<a href="/policies/?zone=crowded-zone">and 5 more</a>' in page
    everything = get(client, "/policies/?zone=crowded-zone").content.decode()
    assert result_heading(everything) == "25 documents"


def test_a_zone_page_with_few_documents_shows_them_all_without_a_more_link(client):
    zone = ZoneFactory(slug="quiet-zone")
    for number in range(1, 4):
        PolicyDocumentFactory(title_en=f"Quiet notice {number}", zones=[zone])

    page = get(client, f"/zones/{zone.slug}/").content.decode()

    assert len(re.findall(r"Quiet notice \d", page)) == 3
    assert "more</a>" not in page


def test_a_much_cited_document_pages_through_its_relations(client):
    founding = PolicyDocumentFactory(slug="founding-notice", title_en="Founding notice")
    for number in range(1, 26):
        citing = PolicyDocumentFactory(
            slug=f"citing-{number:02}",
            title_en=f"Citing measure {number:02}",
            issued_on=f"2022-03-{number:02}",
        )
        DocumentRelation.objects.create(
            from_document=citing, kind=RelationKind.CITES, to_document=founding
        )
    draft = PolicyDocumentFactory(title_en="Citing draft", status=Status.DRAFT)
    DocumentRelation.objects.create(
        from_document=draft, kind=RelationKind.CITES, to_document=founding
    )

    first = get(client, f"/policies/{founding.slug}/").content.decode()
    second = get(client, f"/policies/{founding.slug}/?page=2").content.decode()

    first_shown = re.findall(r"Citing measure (\d\d)", first)
    second_shown = re.findall(r"Citing measure (\d\d)", second)
    # Newest first, twenty a page, every public one once, the draft never.
    assert first_shown == [f"{number:02}" for number in range(25, 5, -1)]
    assert second_shown == [f"{number:02}" for number in range(5, 0, -1)]
    assert "Is cited by" in first
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    assert "Page 2 of 2" in second
    assert "Citing draft" not in first + second
    # A page number out of range shows the last page rather than an error.
    assert get(client, f"/policies/{founding.slug}/?page=99").status_code == 200
    assert get(client, f"/policies/{founding.slug}/?page=x").status_code == 200


# -- the navigation and the footer -----------------------------------------------------------


def current_section(html: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def test_the_navigation_marks_the_section_of_each_page_in_each_language(client):
    zone = ZoneFactory(slug="marked-zone")
    document = PolicyDocumentFactory(zones=[zone])
    pages = [
        ("/zones/", ["/zones/"]),
        (f"/zones/{zone.slug}/", ["/zones/"]),
        ("/policies/", ["/policies/"]),
        (f"/policies/{document.slug}/", ["/policies/"]),
        ("/focus-areas/", ["/focus-areas/"]),
        ("/", []),
        ("/zh-hans/policies/", ["/zh-hans/policies/"]),
        ("/zh-hans/zones/", ["/zh-hans/zones/"]),
        ("/policies/", ["/policies/"]),
    ]
    for path, expected in pages:
        html = get(client, path).content.decode()
        assert current_section(html) == expected, path
        footer = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)
        assert ("Atom feed of documents" in footer) == (not path.startswith("/zh-hans/")), path


# -- the Redis backend production uses (operations/redis_cache.py) ---------------------------


def test_pages_kept_in_redis_are_served_and_rebuilt_after_a_publish(client):
    from django.core.cache import caches

    prefix = f"apz-test-{uuid.uuid4().hex}"
    redis_cache = {
        "default": {
            "BACKEND": "operations.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(CACHES=redis_cache):
        try:
            caches["default"].set("ping", 1, 5)
        except Exception:
            pytest.skip("no Redis on 127.0.0.1:6379")
        PolicyDocumentFactory(title_en="Notice on shared caches")
        first = get(client, "/policies/")
        again = get(client, "/policies/")
        assert again.content == first.content
        draft = PolicyDocumentFactory(title_en="Notice on second thoughts", status=Status.DRAFT)
        draft.status = Status.PUBLISHED
        draft.save()
        after = get(client, "/policies/").content.decode()
        assert "Notice on second thoughts" in after
        assert result_heading(after) == "2 documents"
        # Only this test's keys: clear() would empty the whole Redis database.
        client = caches["default"]._cache.get_client(write=True)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


# -- what surrounds the content: title, links, language switch -------------------------------


def head_links(html: str) -> dict[str, str]:
    """The canonical address, the alternates by language and the feed link of a page."""
    links = {"canonical": re.search(r'<link rel="canonical" href="([^"]*)">', html).group(1)}
    for lang, href in re.findall(r'<link rel="alternate" hreflang="([^"]*)" href="([^"]*)">', html):
        links[lang] = href
    links["feed"] = re.search(r'type="application/atom\+xml"[^>]*href="([^"]*)"', html).group(1)
    return links


def test_a_renamed_zone_shows_its_new_name_everywhere_on_its_next_read(client):
    zone = ZoneFactory(slug="renamed-zone", name_en="Old Harbour", summary_en="Old summary text.")
    before = get(client, f"/zones/{zone.slug}/").content.decode()
    assert "<title>Old Harbour · AI Pilot Zones</title>" in before
    assert get(client, f"/zones/{zone.slug}/").content.decode() == before

    zone.name_en = "New Harbour"
    zone.summary_en = "New summary text."
    zone.save()

    after = get(client, f"/zones/{zone.slug}/").content.decode()
    assert "<title>New Harbour · AI Pilot Zones</title>" in after
    assert '<meta name="description" content="New summary text.">' in after
    assert "<h1>New Harbour</h1>" in after
    assert "Old Harbour" not in after
    assert "Old summary text." not in after
    assert after.count("<html") == 1
    assert after.rstrip().endswith("</html>")


def test_each_address_keeps_its_own_links_and_language_switch(client):
    first = ZoneFactory(slug="first-zone", name_en="First")
    second = ZoneFactory(slug="second-zone", name_en="Second")
    for _ in range(2):  # the second round is served from the page cache
        pages = {
            path: get(client, path).content.decode()
            for path in (
                f"/zones/{first.slug}/",
                f"/zones/{second.slug}/",
                f"/zones/{first.slug}/?ref=mail",
                f"/zh-hans/zones/{first.slug}/",
            )
        }
        english = head_links(pages[f"/zones/{first.slug}/"])
        assert english["canonical"].endswith("/zones/first-zone/")
        assert english["zh-Hans"].endswith("/zh-hans/zones/first-zone/")
        assert english["feed"] == "/policies/feed/?zone=first-zone"
        other = head_links(pages[f"/zones/{second.slug}/"])
        assert other["canonical"].endswith("/zones/second-zone/")
        assert other["feed"] == "/policies/feed/?zone=second-zone"
        assert "<h1>Second</h1>" in pages[f"/zones/{second.slug}/"]
        # A parameter the page does not read is no part of its address.
        assert head_links(pages[f"/zones/{first.slug}/?ref=mail"])["canonical"].endswith(
            "/zones/first-zone/"
        )
        chinese = pages[f"/zh-hans/zones/{first.slug}/"]
        assert '<html lang="zh-Hans"' in chinese
        assert head_links(chinese)["canonical"].endswith("/zh-hans/zones/first-zone/")
        switch = re.search(r'<nav class="language-switch".*?</nav>', chinese, re.S).group(0)
        assert 'href="/zones/first-zone/"' in switch


def test_a_list_page_read_again_after_a_publish_shows_the_new_results_and_total(client):
    PolicyDocumentFactory(title_en="Notice on data labelling")
    first = get(client, "/policies/?q=labelling").content.decode()
    assert result_heading(first) == "1 document"
    PolicyDocumentFactory(title_en="Second notice on data labelling")
    again = get(client, "/policies/?q=labelling").content.decode()
    assert result_heading(again) == "2 documents"
    assert "Second notice on data" in again
    assert 'value="labelling"' in again
    assert head_links(again)["canonical"].endswith("/policies/?q=labelling")
