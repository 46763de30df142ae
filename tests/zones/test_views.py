"""The zones pages: list, filters and their counts, map view, a zone, focus areas, programs."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from core.models import Status
from tests.factories import FocusAreaFactory, ProgramFactory, ZoneFactory
from tests.site_fixtures import site_demo  # noqa: F401  (a fixture)
from zones.models import Zone

pytestmark = pytest.mark.django_db

ZONE_LINK = re.compile(r'<h3 class="card__title"><a href="/(?:zh-hans/)?zones/([a-z0-9-]+)/">')


def listed(response) -> list[str]:
    return ZONE_LINK.findall(response.text)


def count_of(response) -> int:
    return response.context["result_count"]


@pytest.fixture
def demo(site_demo):  # noqa: F811
    """The demo data, loaded once for the module."""


# ---- the list and its filters ------------------------------------------------------------


def test_the_list_shows_every_published_zone_and_no_draft(client, demo):
    response = client.get("/zones/")

    assert response.status_code == 200
    assert count_of(response) == 23
    assert "23 zones" in response.text
    slugs = listed(response)
    assert len(slugs) == 23
    assert "most-changsha" in slugs
    assert not {"miit-changsha", "miit-nanjing", "miit-wuhan"} & set(slugs)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("program=miit", 8),
        ("program=most", 15),
        ("batch=2", 5),
        ("batch=1&batch=2", 8),
        ("province=guangdong", 4),
        ("region=yangtze-river-delta", 7),
        ("focus_area=smart-port", 1),
        ("focus_area=smart-port&focus_area=healthcare", 5),
        ("q=Binhai", 1),
        ("q=滨海", 1),
        ("q=chengdu", 2),
        ("program=miit&batch=2&focus_area=smart-finance", 2),
        ("program=most&region=yangtze-river-delta", 5),
        ("province=guangdong&focus_area=computer-vision&program=miit", 1),
    ],
)
def test_each_filter_alone_and_combined_narrows_the_list(client, demo, query, expected):
    response = client.get(f"/zones/?{query}")

    assert response.status_code == 200
    assert count_of(response) == expected
    assert len(listed(response)) == expected


def test_every_listed_zone_meets_the_combined_filters(client, demo):
    response = client.get("/zones/?program=most&region=yangtze-river-delta")

    for slug in listed(response):
        zone = Zone.objects.select_related("program", "province__region").get(slug=slug)
        assert zone.program.slug == "most"
        assert zone.province.region.slug == "yangtze-river-delta"


@pytest.mark.parametrize("base", ["", "program=miit", "region=yangtze-river-delta&batch=2"])
def test_each_facet_count_is_the_number_of_results_its_choice_gives(client, demo, base, settings):
    settings.PAGE_CACHE_SECONDS = 0  # each count is read from a freshly built page's context
    """Disjunctive counts: an option's count is what choosing it (alone in its filter) gives."""
    response = client.get(f"/zones/?{base}")
    facets = response.context["facets"]
    assert set(facets) == {"program", "batch", "province", "region", "focus_area"}
    checked = 0
    for name, options in facets.items():
        other_filters = "&".join(
            part for part in base.split("&") if part and not part.startswith(f"{name}=")
        )
        for option in options:
            query = "&".join(filter(None, [other_filters, f"{name}={option.value}"]))
            assert count_of(client.get(f"/zones/?{query}")) == option.count, (name, option)
            checked += 1
    assert checked > 5


def test_facet_counts_are_shown_beside_each_choice(client, demo):
    response = client.get("/zones/?program=miit")

    assert 'name="batch" value="2" id="f-batch-2"' in response.text
    # A batch is named with its program: each program numbers its own batches.
    assert re.search(r'for="f-batch-2">MIIT batch 2 <span class="count">5</span>', response.text)
    chinese = client.get("/zh-hans/zones/?program=miit")
    assert 'for="f-batch-2">工信部先导区第2批 <span class="count">5</span>' in chinese.text
    # The chosen program stays ticked and its sibling still offers its own count.
    assert re.search(r'value="miit" id="f-program-miit" checked', response.text)
    assert re.search(r'for="f-program-most">[^<]+<span class="count">15</span>', response.text)


def test_pagination_keeps_the_filters(client):
    area = FocusAreaFactory(slug="harbour-logistics")
    ZoneFactory.create_batch(30, focus_areas=[area])
    ZoneFactory.create_batch(3)

    first = client.get("/zones/?focus_area=harbour-logistics&ordering=-name")
    second = client.get("/zones/?focus_area=harbour-logistics&ordering=-name&page=2")

    assert count_of(first) == 30
    assert len(listed(first)) == 24
    assert len(listed(second)) == 6
    assert "?focus_area=harbour-logistics&amp;ordering=-name&amp;page=2" in first.text
    assert "Page 2 of 2" in second.text
    assert not set(listed(first)) & set(listed(second))


@pytest.mark.parametrize(
    "query",
    [
        "batch=abc",
        "batch=99999999999999999999",
        "province=atlantis",
        "ordering=drop+table",
        "focus_area=%00",
        "q=" + "x" * 10_000,
        "q=a%00b",
    ],
)
def test_a_bad_filter_value_gives_the_page_with_a_form_error(client, demo, query):
    response = client.get(f"/zones/?{query}")

    assert response.status_code == 400
    assert "Some filters could not be used" in response.text
    assert 'class="field-error"' in response.text or "form-errors" in response.text
    assert listed(response) == []


@pytest.mark.parametrize("q", ['"smart port', "port -tianjin", "a | b & !c", "'); drop", "<b>x"])
def test_search_operators_and_symbols_in_the_list_never_error(client, demo, q):
    response = client.get("/zones/", {"q": q})

    assert response.status_code == 200
    assert "<b>x" not in response.text


def test_names_sort_alphabetically_in_english_and_by_pinyin_in_chinese(client):
    program = ProgramFactory(slug="pinyin-test")
    ZoneFactory(program=program, name_en="Alpha", name_zh_hans="重庆")  # chóng qìng
    ZoneFactory(program=program, name_en="Bravo", name_zh_hans="长沙")  # cháng shā
    ZoneFactory(program=program, name_en="Zulu", name_zh_hans="阿里")  # ā lǐ

    english = client.get("/zones/?program=pinyin-test")
    chinese = client.get("/zh-hans/zones/?program=pinyin-test")

    assert [zone.name_en for zone in english.context["object_list"]] == ["Alpha", "Bravo", "Zulu"]
    assert [zone.name_zh_hans for zone in chinese.context["object_list"]] == [
        "阿里",
        "长沙",
        "重庆",
    ]
    assert chinese.text.index("阿里") < chinese.text.index("长沙") < chinese.text.index("重庆")


def test_the_demo_zones_follow_pinyin_order_in_chinese(client, demo):
    chinese = client.get("/zh-hans/zones/")

    keys = [zone.name_pinyin for zone in chinese.context["object_list"]]
    assert len(keys) == 23
    assert keys == sorted(keys)


def test_ordering_by_designation_date(client, demo):
    response = client.get("/zones/?ordering=-approved_on&program=miit")

    dates = [zone.approved_on for zone in response.context["object_list"]]
    assert dates == sorted(dates, reverse=True)


def test_the_map_view_shows_every_zone_of_the_result_on_one_map(client, demo):
    response = client.get("/zones/?view=map&program=most")

    assert response.status_code == 200
    features = json.loads(
        re.search(
            r'<script id="zones-map-data" type="application/json">(.*?)</script>',
            response.text,
            re.S,
        ).group(1)
    )["features"]
    assert len(features) == 15
    assert {feature["properties"]["program"] for feature in features} == {"most"}
    assert features[0]["properties"]["url"].startswith("/zones/most-")
    # Readers without the map get the same zones as a list.
    assert response.text.count('class="compact-list"') == 1
    assert 'name="view" value="map"' in response.text


def test_a_live_filter_request_gets_the_results_partial_and_the_language_switch(client, demo):
    response = client.get("/zones/?program=miit", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="browse"')
    assert "8 zones" in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert 'href="/zh-hans/zones/?program=miit"' in response.text
    assert "HX-Request" in response["Vary"]


def test_the_back_button_gets_a_whole_page(client, demo):
    response = client.get(
        "/zones/?program=miit",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )

    assert "<html" in response.text


def test_the_language_switch_keeps_the_page_and_its_filters(client, demo):
    english = client.get("/zones/?program=miit&focus_area=smart-finance")
    chinese = client.get("/zh-hans/zones/?program=miit&focus_area=smart-finance")

    assert 'href="/zh-hans/zones/?program=miit&amp;focus_area=smart-finance"' in english.text
    assert 'href="/zones/?program=miit&amp;focus_area=smart-finance"' in chinese.text
    assert '<html lang="zh-Hans"' in chinese.text
    assert "<summary>筛选</summary>" in chinese.text
    assert "3 个先导区和试验区" in chinese.text


def test_canonical_and_hreflang_alternates_name_both_languages(client, demo):
    response = client.get("/zones/?program=miit&q=&page=1")

    assert '<link rel="canonical" href="http://testserver/zones/?program=miit">' in response.text
    assert (
        '<link rel="alternate" hreflang="zh-Hans" href="http://testserver/zh-hans/zones/?program=miit">'
        in response.text
    )
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/zones/?program=miit">'
        in (response.text)
    )


def test_the_csv_link_carries_the_filters(client, demo):
    response = client.get("/zones/?program=miit&batch=2&page=1")

    assert 'href="/api/v1/zones/?program=miit&amp;batch=2&amp;format=csv"' in response.text


# ---- a zone ---------------------------------------------------------------------------------


def test_the_zone_page_gives_the_facts_directives_documents_and_sources(client, demo):
    response = client.get("/zones/miit-tianjin-binhai/")
    text = response.text

    assert response.status_code == 200
    assert "<h1>Tianjin (Binhai New Area)</h1>" in text
    assert "National AI Innovation and Application Pilot Zones" in text
    assert "Batch 2" in text
    assert "Beijing–Tianjin–Hebei" in text
    assert '<time datetime="2021-02-19">19 February 2021</time>' in text
    assert "Smart port" in text
    # Its directive, linked to the paragraph of its document.
    assert 'href="/policies/miit-second-batch-notice-2021/#directive-miit-tianjin-binhai"' in text
    assert "smart ports and smart communities" in text
    assert "Documents concerning this zone" in text
    assert "English text of the MIIT notice on the second batch" in text
    assert "Cite as" in text
    assert "http://testserver/zones/miit-tianjin-binhai/" in text
    assert "last changed" in text.lower()
    assert 'href="/policies/feed/?zone=miit-tianjin-binhai"' in text


def test_a_date_known_only_to_the_year_is_shown_as_the_year(client, demo):
    response = client.get("/zones/most-beijing/")

    assert '<time datetime="2019">2019</time>' in response.text
    assert "1 January" not in response.text


def test_documents_concerning_a_zone_are_in_date_order(client, demo):
    response = client.get("/zones/most-shenzhen/")

    dates = [document.issued_on for document in response.context["documents"]]
    assert dates == sorted(dates)
    assert len(dates) >= 1


def test_related_zones_name_the_same_city_in_the_other_program_but_never_a_draft(client, demo):
    chengdu = client.get("/zones/most-chengdu/")
    changsha = client.get("/zones/most-changsha/")

    assert [zone.slug for zone in chengdu.context["namesakes"]] == ["miit-chengdu"]
    assert "The same city in the other program" in chengdu.text
    assert changsha.context["namesakes"] == []
    assert "miit-changsha" not in changsha.text
    related = chengdu.context["related_zones"]
    assert related
    assert all(zone.slug != "most-chengdu" for zone in related)


def test_related_zones_share_the_most_focus_areas_first_then_go_by_name(client):
    areas = FocusAreaFactory.create_batch(3)
    ZoneFactory(slug="home", name_en="Home", city_en="Elsewhere", focus_areas=areas)
    ZoneFactory(slug="two-b", name_en="Beta", focus_areas=areas[:2])
    ZoneFactory(slug="two-a", name_en="alpha", focus_areas=areas[1:])
    ZoneFactory(slug="one", name_en="Aardvark", focus_areas=areas[:1])
    ZoneFactory(slug="elsewhere", name_en="Elsewhere", focus_areas=[FocusAreaFactory()])
    ZoneFactory(slug="hidden", name_en="Hidden", status=Status.DRAFT, focus_areas=areas)

    response = client.get("/zones/home/")

    related = response.context["related_zones"]
    assert [(zone.slug, zone.shared_count) for zone in related] == [
        ("two-a", 2),
        ("two-b", 2),
        ("one", 1),
    ]
    assert "2 shared focus areas" in response.text


def test_a_zone_without_focus_areas_has_no_related_zones(client):
    ZoneFactory(slug="bare", focus_areas=[])
    ZoneFactory(slug="other", focus_areas=[FocusAreaFactory()])

    response = client.get("/zones/bare/")

    assert response.status_code == 200
    assert list(response.context["related_zones"]) == []


def test_a_draft_zone_and_a_zone_of_a_draft_program_are_not_found(client, demo):
    hidden_program = ProgramFactory(status=Status.DRAFT)
    ZoneFactory(slug="in-hidden-program", program=hidden_program)

    assert client.get("/zones/miit-changsha/").status_code == 404
    assert client.get("/zones/in-hidden-program/").status_code == 404


def test_a_zone_without_a_chinese_summary_falls_back_to_english_with_a_note(client):
    ZoneFactory(slug="english-only", summary_en="Only in English.", summary_zh_hans="")
    ZoneFactory(slug="both", summary_en="In English.", summary_zh_hans="有中文。")

    fallback = client.get("/zh-hans/zones/english-only/")
    translated = client.get("/zh-hans/zones/both/")
    english = client.get("/zones/english-only/")

    assert '<p lang="en">Only in English.</p>' in fallback.text
    assert 'class="fallback-note"' in fallback.text
    assert "有中文。" in translated.text
    assert 'class="fallback-note"' not in translated.text
    assert 'class="fallback-note"' not in english.text


def test_the_zone_page_in_chinese(client, demo):
    response = client.get("/zh-hans/zones/miit-tianjin-binhai/")

    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in response.text
    assert "天津（滨海新区）" in response.text
    assert '<p class="alt-name" lang="en">Tianjin (Binhai New Area)</p>' in response.text
    assert 'href="/zones/miit-tianjin-binhai/"' in response.text


# ---- focus areas and programs ---------------------------------------------------------------


def test_the_focus_area_list_counts_only_published_records(client, demo):
    response = client.get("/focus-areas/")

    areas = {area.slug: area for area in response.context["focus_areas"]}
    # Healthcare: Shanghai (Pudong), Jinan–Qingdao, Chengdu (MIIT) and one more published zone.
    published = Zone.objects.published().filter(focus_areas__slug="healthcare").count()
    assert areas["healthcare"].zone_count == published
    assert areas["smart-port"].zone_count == 1
    assert areas["smart-port"].document_count == 1


def test_a_focus_area_only_drafts_mention_is_not_listed(client, demo):
    secret = FocusAreaFactory(slug="quantum-dreams", name_en="Quantum dreams")
    ZoneFactory(status=Status.DRAFT, focus_areas=[secret])

    assert "Quantum dreams" not in client.get("/focus-areas/").text


def test_focus_areas_sort_by_pinyin_in_chinese(client, demo):
    response = client.get("/zh-hans/focus-areas/")

    keys = [area.name_pinyin for area in response.context["focus_areas"]]
    assert keys == sorted(keys)
    names = [area.name_en.lower() for area in client.get("/focus-areas/").context["focus_areas"]]
    assert names == sorted(names)


def test_the_focus_area_page_lists_its_zones_documents_and_directives(client, demo):
    response = client.get("/focus-areas/smart-port/")

    assert response.status_code == 200
    assert [zone.slug for zone in response.context["zones"]] == ["miit-tianjin-binhai"]
    assert "miit-second-batch-notice-2021" in response.text
    assert 'href="/zones/?focus_area=smart-port"' in response.text
    assert 'href="/policies/feed/?focus_area=smart-port"' in response.text


def test_the_program_page_lists_its_batches_zones_and_documents(client, demo):
    response = client.get("/programs/miit/")

    assert response.status_code == 200
    assert len(response.context["zones"]) == 8
    assert [batch.number for batch, _count in response.context["batches"]] == [1, 2]
    assert [count for _batch, count in response.context["batches"]] == [3, 5]
    assert "miit-changsha" not in response.text
    assert "<title" in response.text
    assert "Zones designated each year in this program" in response.text


def test_a_draft_program_is_not_found(client):
    ProgramFactory(slug="hidden", status=Status.DRAFT)

    assert client.get("/programs/hidden/").status_code == 404


def test_with_a_rejected_value_the_other_filters_still_offer_their_choices(client, demo):
    response = client.get("/zones/?batch=abc&program=miit")

    assert response.status_code == 400
    facets = response.context["facets"]
    assert {option.value: option.count for option in facets["batch"]} == {"1": 3, "2": 5}
    assert [option.value for option in facets["program"] if option.selected] == ["miit"]


# ---- the zones feed -------------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_zones_feed_takes_the_list_filters_and_names_them(client, demo):
    feed = client.get("/zones/feed/?program=miit&batch=2")
    page = client.get("/zones/?program=miit&batch=2")
    root = ET.fromstring(feed.content)

    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    links = [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]
    assert sorted(links) == sorted(
        f"http://testserver{zone.get_absolute_url()}" for zone in page.context["object_list"]
    )
    assert len(links) == 5
    assert root.findtext(f"{ATOM}title") == (
        "AI Pilot Zones: zones, filtered by "
        "Program: National AI Innovation and Application Pilot Zones; Batch: 2"
    )
    assert 'href="/zones/feed/?program=miit&amp;batch=2"' in page.text


def test_the_zones_feed_gives_every_zone_newest_first_and_refuses_bad_filters(client, demo):
    root = ET.fromstring(client.get("/zones/feed/").content)
    dates = [entry.findtext(f"{DC}date") for entry in root.findall(f"{ATOM}entry")]

    assert root.findtext(f"{ATOM}title") == "AI Pilot Zones: zones"
    assert len(dates) == 23
    assert dates == sorted(dates, reverse=True)
    assert client.get("/zones/feed/?batch=abc").status_code == 400
    assert 'href="/zones/feed/"' in client.get("/").text


DC = "{http://purl.org/dc/elements/1.1/}"
