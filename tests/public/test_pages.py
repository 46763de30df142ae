"""Pages across the register: home, search, sitemap, robots.txt, and drafts on every surface."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from core.models import Status
from policies.models import PolicyDocument
from public.sitemaps.policies import PolicySitemap
from public.views.policies import highlight
from tests.factories import (
    DirectiveFactory,
    FocusAreaFactory,
    PolicyDocumentFactory,
    ProgramFactory,
    ZoneFactory,
)
from tests.site_fixtures import site_demo  # noqa: F401  (a fixture)
from zones.models import Zone

pytestmark = pytest.mark.django_db

NOTICE = "miit-second-batch-notice-2021"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def demo(site_demo):  # noqa: F811
    """The demo data, loaded once for the module."""


def embedded_json(text: str, element_id: str):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', text, re.S
    )
    return json.loads(match.group(1))


# ---- home -----------------------------------------------------------------------------------


def test_home_shows_counts_map_timeline_charts_and_latest_documents(client, demo):
    response = client.get("/")
    text = response.text

    assert response.status_code == 200
    assert response.context["zone_count"] == 23
    assert response.context["document_count"] == 7
    assert "<strong>23</strong> zones" in text
    features = embedded_json(text, "home-map-data")["features"]
    # One marker per place, listing every zone there: six cities hold a zone of each program.
    assert len(features) == 17
    zones = [zone for feature in features for zone in feature["properties"]["zones"]]
    assert len(zones) == len({zone["slug"] for zone in zones}) == 23
    assert {zone["program"] for zone in zones} == {"miit", "most"}
    shared = [f["properties"] for f in features if len(f["properties"]["zones"]) == 2]
    assert len(shared) == 6
    beijing = next(p for p in shared if p["zones"][0]["slug"].endswith("-beijing"))
    assert {zone["slug"] for zone in beijing["zones"]} == {"miit-beijing", "most-beijing"}
    assert {zone["url"] for zone in beijing["zones"]} == {
        "/zones/miit-beijing/",
        "/zones/most-beijing/",
    }
    # The timeline: MIIT batch 1 in 2019 with its three zones, batch 2 in 2021 with five.
    rounds = [
        (r["year"], r["program"].slug, r["batch"].number if r["batch"] else None, len(r["zones"]))
        for r in response.context["timeline"]
    ]
    assert (2019, "miit", 1, 3) in rounds
    assert (2021, "miit", 2, 5) in rounds
    # Charts: an SVG with a title for the eye and a table with the same figures.
    assert text.count('role="img"') == 2
    assert "<caption>Zones designated each year, by program</caption>" in text
    assert re.search(r"<th scope=\"row\">2021</th><td>5</td><td>2</td><td>7</td>", text)
    assert f'href="/policies/{NOTICE}/"' in text


def test_home_in_chinese(client, demo):
    response = client.get("/zh-hans/")

    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in response.text
    assert embedded_json(response.text, "home-map-data")["features"][0]["properties"]["name"]
    names = {
        zone["name"]
        for f in embedded_json(response.text, "home-map-data")["features"]
        for zone in f["properties"]["zones"]
    }
    assert "天津（滨海新区）" in names


# ---- search ---------------------------------------------------------------------------------


def group(response, kind):
    return next(g for g in response.context["groups"] if g["kind"] == kind)


@pytest.mark.parametrize("q", ["Winter Olympics", "winter olympic", "冬奥", "滨海", "国家人工智能"])
def test_the_notice_is_found_in_both_languages(client, demo, q):
    response = client.get("/search/", {"q": q})

    assert response.status_code == 200
    documents = [document.slug for document in group(response, "documents")["results"]]
    assert NOTICE in documents


def test_search_groups_zones_documents_and_directives_and_marks_matches(client, demo):
    response = client.get("/search/", {"q": "Winter Olympics"})

    assert [g["kind"] for g in response.context["groups"]] == ["zones", "documents", "directives"]
    assert [zone.slug for zone in group(response, "zones")["results"]] == ["miit-beijing"]
    directives = group(response, "directives")["results"]
    assert [(d.document.slug, d.zone.slug) for d in directives] == [(NOTICE, "miit-beijing")]
    assert "<mark>Winter</mark> <mark>Olympics</mark>" in response.text
    assert f'href="/policies/{NOTICE}/#directive-miit-beijing"' in response.text


def test_chinese_search_marks_the_chinese_words(client, demo):
    response = client.get("/zh-hans/search/", {"q": "冬奥"})

    assert "科技<mark>冬奥</mark>" in response.text


def test_search_finds_no_draft(client, demo):
    for q in ["Changsha", "长沙", "Nanjing", "南京"]:
        response = client.get("/search/", {"q": q})
        found = [zone.slug for zone in group(response, "zones")["results"]]
        assert "miit-changsha" not in found, q
        assert "miit-nanjing" not in found, q
        assert "miit-changsha" not in response.text


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "'",
        "!!!",
        "&&||",
        "a:* | b",
        "'); DROP TABLE zones_zone; --",
        "<script>alert(1)</script>",
        "\\",
        "(((",
        "-",
        "冬奥 & | ! :*",
        "a\x00b",
        "x" * 10_000,
        "🚀",
    ],
)
def test_hostile_search_input_answers_200_with_results_or_a_message(client, demo, q):
    response = client.get("/search/", {"q": q})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    context = response.context
    assert context.get("unsearchable") or "total" in context or not context["q"]


def test_a_very_long_search_is_shortened_with_a_message(client, demo):
    response = client.get("/search/", {"q": "winter " * 2000})

    assert response.status_code == 200
    assert "only its first 200 characters were used" in response.text


def test_a_query_with_nothing_searchable_gets_a_message(client, demo):
    response = client.get("/search/", {"q": "!!! ???"})

    assert "There is nothing to search for" in response.text


def test_the_empty_search_page_explains_itself(client):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "Search zones, policy documents" in response.text
    assert '<meta name="robots" content="noindex">' in response.text


# ---- sitemap and robots ---------------------------------------------------------------------


def sitemap_files(client) -> list[str]:
    """The addresses of the files the sitemap index at /sitemap.xml lists."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}sitemapindex"
    return [entry.findtext(f"{SITEMAP}loc") for entry in root.findall(f"{SITEMAP}sitemap")]


def sitemap_urls(client) -> dict:
    """Every <url> of every file of the sitemap, by its address."""
    urls = {}
    for address in sitemap_files(client):
        response = client.get(address.removeprefix("http://testserver"))
        assert response.status_code == 200, address
        root = ET.fromstring(response.content)
        for url in root.findall(f"{SITEMAP}url"):
            urls[url.findtext(f"{SITEMAP}loc")] = url
    return urls


def test_the_sitemap_lists_published_records_in_both_languages_with_lastmod(client, demo):
    urls = sitemap_urls(client)

    assert "http://testserver/zones/miit-tianjin-binhai/" in urls
    assert "http://testserver/zh-hans/zones/miit-tianjin-binhai/" in urls
    assert f"http://testserver/policies/{NOTICE}/" in urls
    assert "http://testserver/programs/miit/" in urls
    assert "http://testserver/focus-areas/smart-port/" in urls
    assert "http://testserver/" in urls
    zone = urls["http://testserver/zones/miit-tianjin-binhai/"]
    assert zone.findtext(f"{SITEMAP}lastmod")
    alternates = {link.get("hreflang"): link.get("href") for link in zone.findall(f"{XHTML}link")}
    assert alternates["zh-hans"] == "http://testserver/zh-hans/zones/miit-tianjin-binhai/"
    assert alternates["x-default"] == "http://testserver/zones/miit-tianjin-binhai/"
    assert not [url for url in urls if "miit-changsha" in url or "miit-wuhan" in url]
    zone_urls = [url for url in urls if re.search(r"/zones/[a-z0-9-]+/$", url)]
    assert len(zone_urls) == 23 * 2


def test_the_sitemap_index_splits_a_big_section_into_files_that_together_list_every_record(
    client, monkeypatch
):
    monkeypatch.setattr(PolicySitemap, "records_per_file", 2)
    for number in range(5):
        PolicyDocumentFactory(slug=f"notice-{number}")
    PolicyDocumentFactory(slug="draft-notice", status=Status.DRAFT)
    public = list(PolicyDocument.objects.published().values_list("slug", flat=True))

    files = [address for address in sitemap_files(client) if "sitemap-policies" in address]
    urls = sitemap_urls(client)

    pages = -(-len(public) // 2)
    assert files == ["http://testserver/sitemap-policies.xml"] + [
        f"http://testserver/sitemap-policies.xml?p={number}" for number in range(2, pages + 1)
    ]
    listed = sorted(url for url in urls if re.search(r"/policies/[a-z0-9-]+/$", url))
    assert listed == sorted(
        [f"http://testserver/policies/{slug}/" for slug in public]
        + [f"http://testserver/zh-hans/policies/{slug}/" for slug in public]
    )
    assert "draft-notice" not in str(listed)
    assert client.get(f"/sitemap-policies.xml?p={pages + 1}").status_code == 404
    assert client.get("/sitemap-policies.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.text
    assert "Sitemap: http://testserver/sitemap.xml" in response.text


# ---- a draft never shows -------------------------------------------------------------------


def test_a_draft_never_appears_on_any_page_feed_sitemap_map_count_or_search(client, settings):
    area = FocusAreaFactory(slug="deep-sea", name_en="Deep sea mining")
    program = ProgramFactory(slug="open-program", name_en="Open program")
    public_zone = ZoneFactory(
        slug="open-zone", name_en="Open harbour", program=program, focus_areas=[area]
    )
    ZoneFactory(
        slug="atlantis",
        name_en="Atlantis",
        name_zh_hans="亚特兰蒂斯",
        program=program,
        status=Status.DRAFT,
        focus_areas=[area],
    )
    hidden_program = ProgramFactory(
        slug="hidden-program", name_en="Hidden program", status=Status.DRAFT
    )
    ZoneFactory(
        slug="hidden-zone", name_en="Shadow harbour", program=hidden_program, focus_areas=[area]
    )
    document = PolicyDocumentFactory(
        slug="open-notice", title_en="Open notice", zones=[public_zone], focus_areas=[area]
    )
    DirectiveFactory(document=document, zone=public_zone, text_en="Build the open harbour.")
    PolicyDocumentFactory(
        slug="secret-notice",
        title_en="Secret notice about Atlantis",
        status=Status.DRAFT,
        zones=[public_zone],
        focus_areas=[area],
    )

    pages = [
        "/",
        "/zh-hans/",
        "/zones/",
        "/zones/?view=map",
        "/zones/?focus_area=deep-sea",
        "/zones/open-zone/",
        "/policies/",
        "/policies/?focus_area=deep-sea",
        "/policies/open-notice/",
        "/focus-areas/",
        "/focus-areas/deep-sea/",
        "/programs/open-program/",
        "/search/?q=harbour",
        "/search/?q=notice",
        "/policies/feed/",
        "/policies/feed/?focus_area=deep-sea",
        "/sitemap.xml",
        *(address.removeprefix("http://testserver") for address in sitemap_files(client)),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for secret in [
            'atlantis"',
            "/atlantis/",
            "亚特兰蒂斯",
            "Shadow harbour",
            "hidden-zone",
            "Hidden program",
            "secret-notice",
            "Secret notice",
        ]:
            assert secret not in response.text, (page, secret)
        assert "Atlantis</a>" not in response.text, page

    # The counts the views work out, read from their context: pages built afresh, not cached.
    settings.PAGE_CACHE_SECONDS = 0
    # A search for the draft finds nothing (the query itself is echoed, so look at the results).
    for q in ["Atlantis", "亚特兰蒂斯", "Secret", "Shadow"]:
        found = client.get("/search/", {"q": q})
        assert found.context["total"] == 0, q
        assert "/atlantis/" not in found.text

    zones = client.get("/zones/?focus_area=deep-sea")
    assert zones.context["result_count"] == 1
    assert {o.value: o.count for o in zones.context["facets"]["focus_area"]}["deep-sea"] == 1
    policies = client.get("/policies/?focus_area=deep-sea")
    assert policies.context["result_count"] == 1
    home = client.get("/")
    places = embedded_json(home.text, "home-map-data")["features"]
    slugs = {zone["slug"] for place in places for zone in place["properties"]["zones"]}
    assert "atlantis" not in slugs
    assert "hidden-zone" not in slugs
    assert client.get("/programs/hidden-program/").status_code == 404
    assert client.get("/policies/secret-notice/").status_code == 404


def test_a_missing_page_answers_404_in_the_readers_language(client):
    english = client.get("/zones/nowhere/")
    chinese = client.get("/zh-hans/zones/nowhere/")

    assert english.status_code == 404
    assert "Page not found" in english.text
    assert '<meta name="robots" content="noindex">' in english.text
    assert chinese.status_code == 404
    assert "找不到页面" in chinese.text


# ---- the umbrella name in Chinese -----------------------------------------------------------


def test_chinese_pages_name_both_programs_zones_not_only_miits(client, demo):
    """先导区 are MIIT's zones and 试验区 MOST's: the count, the navigation and the search box
    of the Chinese pages name both."""
    text = client.get("/zh-hans/").text

    assert "<strong>23</strong> 个先导区和试验区" in text
    nav = re.search(r'<nav class="site-nav".*?</nav>', text, re.S).group(0)
    assert ">先导区和试验区</a>" in nav
    assert 'placeholder="搜索先导区、试验区和文件"' in text


def test_an_excluded_word_is_never_marked():
    document = PolicyDocumentFactory(title_en="Tianjin smart port", title_zh_hans="天津智能港口")

    highlight([document], "port -Tianjin", {"title": True})
    english = document.title_html
    with translation.override("zh-hans"):
        highlight([document], "港口 -天津", {"title": True})

    assert "<mark>port</mark>" in english
    assert "<mark>Tianjin</mark>" not in english
    assert document.title_html == "天津智能<mark>港口</mark>"


def test_the_results_page_echoes_the_query_once_without_doubled_quotes(client, demo):
    response = client.get("/search/", {"q": '"smart port" -Tianjin'})
    text = response.text.replace("&quot;", '"')

    assert 'results for <strong class="query">"smart port" -Tianjin</strong>.' in text
    assert '“"' not in text
    assert text.count('value=""smart port" -Tianjin"') == 1


def test_a_focus_area_label_finds_the_zones_tagged_with_it(client, demo):
    response = client.get("/search/", {"q": "intelligent manufacturing"})
    chinese = client.get("/zh-hans/zones/", {"q": "智能制造"})

    tagged = set(
        Zone.objects.published()
        .filter(focus_areas__slug="intelligent-manufacturing")
        .values_list("slug", flat=True)
    )
    assert len(tagged) >= 2
    assert tagged <= {zone.slug for zone in group(response, "zones")["results"]}
    assert tagged <= {zone.slug for zone in chinese.context["object_list"]}


def test_a_zone_is_found_by_a_focus_area_given_to_it_later_or_renamed(client):
    zone = ZoneFactory(slug="port-zone", name_en="Harbour city")
    area = FocusAreaFactory(name_en="Smart logistics", name_zh_hans="智慧物流")

    zone.focus_areas.add(area)
    assert "port-zone" in client.get("/zones/", {"q": "logistics"}).text
    area.name_en = "Cold chain"
    area.save()
    assert "port-zone" in client.get("/zones/", {"q": "cold chain"}).text
    zone.focus_areas.remove(area)
    assert "port-zone" not in client.get("/zones/", {"q": "cold chain"}).text


DATA_AS_OF = re.compile(r'<p class="data-as-of muted">([^<]*)<time datetime="([^"]+)">')


@pytest.mark.parametrize(
    "path", ["/", "/zones/", "/policies/", "/zh-hans/", "/zh-hans/zones/", "/zh-hans/policies/"]
)
def test_the_home_page_and_the_lists_say_when_the_data_last_changed(client, path):
    ZoneFactory(slug="as-of-zone")
    api_as_of = client.get("/api/v1/zones/").json()["data_as_of"]

    stamp = DATA_AS_OF.search(client.get(path).text)

    assert stamp, path
    words, moment = stamp.groups()
    assert words == ("数据截至 " if path.startswith("/zh-hans/") else "Data as of ")
    # HTML's datetime allows no fraction of a second; the moment is the API lists' data_as_of.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", moment)
    assert datetime.datetime.fromisoformat(moment) == datetime.datetime.fromisoformat(api_as_of)
