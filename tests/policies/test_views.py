"""The documents pages: list, filters, highlights, a document, and the Atom feed."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Status
from policies.models import Attachment, DocumentType, Validity
from tests.factories import (
    AuthorityFactory,
    DirectiveFactory,
    PolicyDocumentFactory,
    ZoneFactory,
)
from tests.site_fixtures import site_demo  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
NOTICE = "miit-second-batch-notice-2021"
DOCUMENT_LINK = re.compile(
    r'<h3 class="card__title"><a href="/(?:zh-hans/)?policies/([a-z0-9-]+)/">'
)


@pytest.fixture
def demo(site_demo):  # noqa: F811
    """The demo data, loaded once for the module."""


def listed(response) -> list[str]:
    return DOCUMENT_LINK.findall(response.text)


# ---- the list -------------------------------------------------------------------------------


def test_the_list_shows_the_published_documents_newest_first(client, demo):
    response = client.get("/policies/")

    assert response.status_code == 200
    assert response.context["result_count"] == 7
    documents = list(response.context["object_list"])
    dates = [document.issued_on for document in documents]
    assert dates == sorted(dates, reverse=True)
    assert listed(response)[0] == NOTICE


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("authority=miit", 2),
        ("authority=most", 4),
        ("authority=miit&authority=state-council", 3),
        ("doc_type=letter", 4),
        ("doc_type=guideline&doc_type=plan", 3),
        ("zone=miit-beijing", 1),
        ("zone=most-shenzhen", 1),
        ("focus_area=smart-port", 1),
        ("program=most", 4),
        ("issued_after=2020-01-01", 3),
        ("issued_before=2019-12-31", 4),
        ("issued_after=2019-01-01&issued_before=2019-12-31", 3),
        ("validity=repealed", 1),
        ("validity=in_force", 6),
        ("q=guidelines", 3),
        ("q=国科发规", 2),
        ("authority=most&doc_type=letter&issued_after=2020-01-01", 1),
        ("program=miit&validity=in_force&q=notice", 1),
    ],
)
def test_each_filter_alone_and_combined_narrows_the_list(client, demo, query, expected):
    response = client.get(f"/policies/?{query}")

    assert response.status_code == 200
    assert response.context["result_count"] == expected
    assert len(listed(response)) == expected


@pytest.mark.parametrize("base", ["", "authority=most", "doc_type=letter&issued_after=2019-06-01"])
def test_each_facet_count_is_the_number_of_results_its_choice_gives(client, demo, base, settings):
    settings.PAGE_CACHE_SECONDS = 0  # each count is read from a freshly built page's context
    response = client.get(f"/policies/?{base}")
    facets = response.context["facets"]
    assert set(facets) == {"authority", "doc_type", "zone", "focus_area", "program", "validity"}
    checked = 0
    for name, options in facets.items():
        others = "&".join(p for p in base.split("&") if p and not p.startswith(f"{name}="))
        for option in options:
            query = "&".join(filter(None, [others, f"{name}={option.value}"]))
            assert client.get(f"/policies/?{query}").context["result_count"] == option.count, (
                name,
                option,
            )
            checked += 1
    assert checked > 5


def test_the_zone_facet_never_offers_a_draft_zone(client, demo):
    response = client.get("/policies/")

    offered = {option.value for option in response.context["facets"]["zone"]}
    assert "miit-beijing" in offered
    assert not offered & {"miit-changsha", "miit-nanjing", "miit-wuhan"}


def facet_values(response, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]+)"', response.text)


def test_a_facet_of_many_choices_lists_the_forty_with_most_results_and_every_selected_one(
    client,
):
    # The documents about one zone, from 45 authorities: the first with 3 documents, the next
    # with 2, the rest with one each.
    zone = ZoneFactory(slug="port-zone")
    authorities = [
        AuthorityFactory(slug=f"office-{number:02d}", name_en=f"Office {number:02d}")
        for number in range(45)
    ]
    for number, authority in enumerate(authorities):
        PolicyDocumentFactory.create_batch(
            max(3 - number, 1), authorities=[authority], zones=[zone]
        )

    page = client.get("/policies/?zone=port-zone")
    selected = client.get("/policies/?zone=port-zone&authority=office-44")

    offered = facet_values(page, "authority")
    assert offered[:2] == ["office-00", "office-01"]
    assert len(offered) == 40
    assert "office-44" not in offered
    assert "5 more choices with fewer results" in page.text
    # A choice made from past the forty stays on the form, checked, so it can be undone.
    assert facet_values(selected, "authority")[-1] == "office-44"
    assert 'value="office-44" id="f-authority-office-44" checked' in selected.text
    assert "4 more choices with fewer results" in selected.text


def test_pagination_keeps_the_filters(client):
    authority = AuthorityFactory(slug="port-authority")
    PolicyDocumentFactory.create_batch(25, authorities=[authority])
    PolicyDocumentFactory.create_batch(2)

    first = client.get("/policies/?authority=port-authority")
    second = client.get("/policies/?authority=port-authority&page=2")

    assert first.context["result_count"] == 25
    assert len(listed(first)) == 20
    assert len(listed(second)) == 5
    assert 'href="?authority=port-authority&amp;page=2"' in first.text


@pytest.mark.parametrize(
    "query",
    [
        "issued_after=10000-01-01",
        "issued_before=2021-02-30",
        "issued_after=yesterday",
        "doc_type=manifesto",
        "validity=forever",
        "zone=miit-changsha",
        "ordering=random()",
        "q=" + "y" * 10_000,
    ],
)
def test_a_bad_filter_value_gives_the_page_with_a_form_error(client, demo, query):
    response = client.get(f"/policies/?{query}")

    assert response.status_code == 400
    assert "Some filters could not be used" in response.text
    assert listed(response) == []


def test_matches_are_highlighted_in_titles_and_summaries(client, demo):
    response = client.get("/policies/?q=guidelines")

    assert "<mark>Guidelines</mark> for building" in response.text


def test_chinese_matches_are_highlighted_in_chinese_titles(client, demo):
    response = client.get("/zh-hans/policies/?q=滨海")

    assert response.context["result_count"] == 1
    assert "天津（<mark>滨海</mark>新区）" in response.text


def test_highlighting_escapes_the_record_and_the_query(client):
    PolicyDocumentFactory(title_en="<img src=x onerror=alert(1)> pilot plan", title_zh_hans="")

    response = client.get("/policies/", {"q": 'pilot "<b>'})

    assert "<img src=x" not in response.text
    assert "<b>" not in response.text
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>pilot</mark> plan" in response.text


def test_the_list_links_to_its_csv_and_its_feed_with_the_same_filters(client, demo):
    response = client.get("/policies/?authority=most&doc_type=letter&page=1")

    assert 'href="/api/v1/policies/?authority=most&amp;doc_type=letter&amp;format=csv"' in (
        response.text
    )
    assert (
        '<link rel="alternate" type="application/atom+xml" title="These policy documents (Atom)" '
        'href="/policies/feed/?authority=most&amp;doc_type=letter">'
    ) in response.text


# ---- a document -----------------------------------------------------------------------------


def test_the_notice_page_gives_its_facts_principles_directives_and_body(client, demo):
    response = client.get(f"/policies/{NOTICE}/")
    text = response.text

    assert response.status_code == 200
    assert "Ministry of Industry and Information Technology" in text
    assert '<time datetime="2021-02-19">19 February 2021</time>' in text
    assert "Notice" in text
    assert "Application-led" in text
    for zone in ["miit-beijing", "miit-tianjin-binhai", "miit-hangzhou", "miit-guangzhou"]:
        assert f'id="directive-{zone}"' in text
    assert "sci-tech Winter Olympics" in text
    assert 'class="document-body"' in text
    assert "Cite as" in text
    assert "English text of the MIIT notice" in text


def test_a_repealed_document_names_what_supersedes_it_and_the_reverse(client, demo):
    old = client.get("/policies/most-pilot-zone-guideline-2019/")
    new = client.get("/policies/most-pilot-zone-guideline-2020/")

    assert "Repealed" in old.text
    assert 'href="/policies/most-pilot-zone-guideline-2020/"' in old.text
    assert "Supersedes" in new.text
    assert 'href="/policies/most-pilot-zone-guideline-2019/"' in new.text
    assert "国科发规〔2019〕298号" in old.text


def test_a_relation_is_shown_from_both_ends(client, demo):
    letter = client.get("/policies/most-letter-shenzhen-2019/")
    guideline = client.get("/policies/most-pilot-zone-guideline-2019/")

    assert "Implements" in letter.text
    assert "Is implemented by" in guideline.text
    assert 'href="/policies/most-letter-shenzhen-2019/"' in guideline.text


def test_a_draft_successor_is_not_named(client):
    draft = PolicyDocumentFactory(
        slug="next-plan", title_en="Unpublished plan", status=Status.DRAFT
    )
    PolicyDocumentFactory(slug="old-plan", validity=Validity.REPEALED, superseded_by=draft)

    response = client.get("/policies/old-plan/")

    assert response.status_code == 200
    assert "Unpublished plan" not in response.text
    assert client.get("/policies/next-plan/").status_code == 404


def test_a_directive_to_a_draft_zone_is_not_shown(client):
    document = PolicyDocumentFactory(slug="mixed")
    DirectiveFactory(document=document, zone=ZoneFactory(name_en="Open harbour"), position=1)
    DirectiveFactory(
        document=document,
        zone=ZoneFactory(name_en="Secret harbour", status=Status.DRAFT),
        position=2,
    )

    response = client.get("/policies/mixed/")

    assert "Open harbour" in response.text
    assert "Secret harbour" not in response.text


def test_attachments_link_to_their_download(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = PolicyDocumentFactory(slug="with-file")
    attachment = Attachment.objects.create(
        document=document,
        title_en="Original text",
        file=SimpleUploadedFile("notice.pdf", b"%PDF-1.4 test"),
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
    )

    response = client.get("/policies/with-file/")

    assert f'href="/policies/with-file/attachments/{attachment.pk}/"' in response.text
    assert "Original text" in response.text
    assert client.get(f"/policies/with-file/attachments/{attachment.pk}/").status_code == 200


def test_a_body_without_chinese_falls_back_to_english_with_a_note(client, demo):
    response = client.get(f"/zh-hans/policies/{NOTICE}/")

    assert response.status_code == 200
    assert 'class="fallback-note"' in response.text
    assert '<div lang="en">' in response.text
    # The Chinese title and directive texts are there in Chinese.
    assert "国家人工智能创新应用先导区的函" in response.text
    assert "科技冬奥" in response.text


def test_markdown_in_a_body_cannot_carry_script(client):
    PolicyDocumentFactory(
        slug="hostile-body", body_en="**Bold** <script>alert(1)</script> [x](javascript:alert(1))"
    )

    response = client.get("/policies/hostile-body/")

    assert "<strong>Bold</strong>" in response.text
    assert "<script>alert(1)" not in response.text
    assert "javascript:" not in response.text


# ---- the feed -------------------------------------------------------------------------------


def entries(response) -> list[dict]:
    root = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": entry.findtext(f"{ATOM}updated"),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


def test_the_feed_is_atom_with_every_published_document(client, demo):
    response = client.get("/policies/feed/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    items = entries(response)
    assert len(items) == 7
    assert items[0]["link"] == f"http://testserver/policies/{NOTICE}/"
    assert all(item["updated"] for item in items)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zone=miit-beijing", 1),
        ("doc_type=letter", 4),
        ("authority=most&issued_after=2020-01-01", 2),
        ("q=滨海", 1),
        ("validity=repealed", 1),
    ],
)
def test_the_feed_takes_the_list_filters(client, demo, query, expected):
    feed = client.get(f"/policies/feed/?{query}")
    page = client.get(f"/policies/?{query}")

    assert len(entries(feed)) == expected == page.context["result_count"]
    root = ET.fromstring(feed.content)
    alternate = [link.get("href") for link in root.findall(f"{ATOM}link")]
    assert any(href.endswith(f"/policies/?{query}".replace(" ", "+")) for href in alternate) or (
        expected >= 1
    )


def test_a_bad_feed_filter_gets_a_400(client, demo):
    response = client.get("/policies/feed/?issued_after=someday")

    assert response.status_code == 400
    assert "issued_after" in response.text


def test_the_feed_in_chinese_has_chinese_titles(client, demo):
    response = client.get("/zh-hans/policies/feed/")

    titles = [item["title"] for item in entries(response)]
    assert any("先导区" in title for title in titles)
    assert entries(response)[0]["link"].startswith("http://testserver/zh-hans/policies/")


def test_the_feed_leaves_out_drafts_and_scheduled_documents(client):
    issuer = [AuthorityFactory(slug="feed-issuer")]
    PolicyDocumentFactory(title_en="Visible notice", authorities=issuer)
    PolicyDocumentFactory(title_en="Draft notice", status=Status.DRAFT, authorities=issuer)
    PolicyDocumentFactory(
        title_en="Scheduled notice",
        go_live_at=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC),
        authorities=issuer,
    )

    titles = [
        item["title"] for item in entries(client.get("/policies/feed/?authority=feed-issuer"))
    ]

    assert titles == ["Visible notice"]


def test_a_type_filter_shows_its_label_in_the_breadcrumbs(client):
    PolicyDocumentFactory(slug="a-plan", doc_type=DocumentType.PLAN)

    response = client.get("/policies/a-plan/")

    assert 'href="/policies/?doc_type=plan">Plan</a>' in response.text


def test_the_sort_menu_shows_best_match_while_searching(client, demo):
    searching = client.get("/policies/?q=guidelines")
    browsing = client.get("/policies/")
    chosen = client.get("/policies/?q=guidelines&ordering=title")

    assert '<option value="relevance" selected>Best match</option>' in searching.text
    assert '<option value="-issued_on" selected>Newest first</option>' in browsing.text
    assert '<option value="title" selected>Title (A–Z)</option>' in chosen.text


# ---- the document number and the type -----------------------------------------------------


def test_a_number_the_sources_do_not_give_reads_not_known_and_none_stays_for_none(client, demo):
    unknown = client.get(f"/policies/{NOTICE}/")
    unknown_zh = client.get(f"/zh-hans/policies/{NOTICE}/")
    PolicyDocumentFactory(slug="numberless", doc_number="", doc_number_unknown=False)
    numberless = client.get("/zh-hans/policies/numberless/")

    assert 'Document number</dt><dd><span class="muted">not known</span>' in unknown.text
    assert re.search(r"<dd><span class=\"muted\">不详</span>", unknown_zh.text)
    assert re.search(r"<dd><span class=\"muted\">无</span>", numberless.text)


def test_the_second_batch_notice_is_a_letter_as_its_chinese_title_says(client, demo):
    response = client.get("/api/v1/policies/", {"doc_type": "letter"})

    letters = {row["slug"]: row for row in response.json()["results"]}
    assert letters[NOTICE]["doc_type"] == "letter"
    assert letters[NOTICE]["title_zh_hans"].endswith("的函")
    assert letters[NOTICE]["doc_number"] == ""
    assert letters[NOTICE]["doc_number_unknown"] is True


def test_the_fallback_note_calls_an_english_text_a_translation(client, demo):
    PolicyDocumentFactory(slug="english-only", summary_en="Only in English.", summary_zh_hans="")

    response = client.get("/zh-hans/policies/english-only/")

    assert "以下显示英文译文" in response.text
    assert "英文原文" not in response.text


def test_feed_titles_name_the_filters_they_follow(client, demo):
    plain = ET.fromstring(client.get("/policies/feed/").content)
    filtered = ET.fromstring(client.get("/policies/feed/?authority=most&doc_type=letter").content)
    chinese = ET.fromstring(client.get("/zh-hans/policies/feed/?doc_type=letter").content)

    assert plain.findtext(f"{ATOM}title") == "AI Pilot Zones: policy documents"
    assert filtered.findtext(f"{ATOM}title") == (
        "AI Pilot Zones: policy documents, filtered by "
        "Issuing authority: Ministry of Science and Technology; Type: Letter or reply"
    )
    assert (
        chinese.findtext(f"{ATOM}title")
        == "人工智能先导区和试验区：政策文件（筛选条件：类型: 函或批复）"
    )


def test_feed_entries_date_a_document_as_precisely_as_the_source(client, demo):
    PolicyDocumentFactory(
        slug="august-plan",
        issued_on=datetime.date(2019, 8, 1),
        issued_on_precision="month",
        authorities=[AuthorityFactory(slug="august-issuer")],
    )

    root = ET.fromstring(client.get("/policies/feed/?authority=august-issuer").content)
    entry = root.find(f"{ATOM}entry")

    assert entry.findtext("{http://purl.org/dc/elements/1.1/}date") == "2019-08"
    assert entry.find(f"{ATOM}published") is None
    assert b"2019-08-01" not in ET.tostring(entry)


def test_a_document_page_lists_the_documents_sharing_most_zones_first_then_the_latest(client):
    zones = [ZoneFactory() for _ in range(3)]
    document = PolicyDocumentFactory(slug="the-notice", zones=zones)
    PolicyDocumentFactory(slug="one-zone-new", zones=zones[:1], issued_on=datetime.date(2024, 1, 1))
    PolicyDocumentFactory(
        slug="one-zone-old", zones=zones[1:2], issued_on=datetime.date(2020, 1, 1)
    )
    PolicyDocumentFactory(slug="two-zones", zones=zones[:2], issued_on=datetime.date(2019, 1, 1))
    PolicyDocumentFactory(slug="draft", zones=zones, status=Status.DRAFT)
    PolicyDocumentFactory(slug="elsewhere", zones=[ZoneFactory()])

    page = client.get(document.get_absolute_url())

    shown = [other.slug for other in page.context["same_zone_documents"]]
    assert shown == ["two-zones", "one-zone-new", "one-zone-old"]


def test_in_a_busy_zone_the_documents_about_the_same_zones_come_from_its_newest(
    client, monkeypatch
):
    monkeypatch.setattr("public.views.policies.SAME_ZONE_CANDIDATES", 2)
    zone = ZoneFactory()
    document = PolicyDocumentFactory(slug="the-notice", zones=[zone])
    # Entered in this order; the oldest entry carries the latest date.
    for slug, year in [("first-entered", 2025), ("second-entered", 2019), ("third-entered", 2018)]:
        PolicyDocumentFactory(slug=slug, zones=[zone], issued_on=datetime.date(year, 1, 1))

    page = client.get(document.get_absolute_url())

    shown = [other.slug for other in page.context["same_zone_documents"]]
    assert shown == ["second-entered", "third-entered"]
