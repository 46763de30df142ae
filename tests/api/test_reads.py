"""Reading the register through the API: what each resource shows, and what it never shows."""

import pytest

from core.models import Status
from tests.api.support import client_for, read_csv
from tests.factories import DirectiveFactory, PolicyDocumentFactory, ZoneFactory
from zones.models import Program, Zone

pytestmark = pytest.mark.django_db

NOTICE = "miit-second-batch-notice-2021"


def slugs(response, field="slug"):
    assert response.status_code == 200, response.content[:500]
    return [item[field] for item in response.json()["results"]]


def test_the_zone_list_holds_every_published_zone_and_no_draft(api):
    response = api.get("/api/v1/zones/", {"page_size": 100})

    found = slugs(response)
    assert response.json()["count"] == 23 == len(found)
    assert {"miit-changsha", "miit-nanjing", "miit-wuhan"}.isdisjoint(found)


def test_a_zone_shows_both_languages_its_pages_and_its_related_records(api, client):
    zone = api.get("/api/v1/zones/miit-tianjin-binhai/").json()

    assert zone["name_en"] == "Tianjin (Binhai New Area)"
    assert zone["name_zh_hans"] == "天津（滨海新区）"
    assert zone["url"] == "http://testserver/api/v1/zones/miit-tianjin-binhai/"
    assert zone["html_url"] == "http://testserver/zones/miit-tianjin-binhai/"
    assert client.get("/zones/miit-tianjin-binhai/").status_code == 200
    assert zone["program"]["slug"] == "miit"
    assert zone["program"]["name_zh_hans"] == "国家人工智能创新应用先导区"
    assert zone["batch"]["key"] == "miit~2"
    assert api.get(zone["batch"]["url"]).json()["number"] == 2
    assert "smart-port" in [area["slug"] for area in zone["focus_areas"]]
    assert zone["province"]["slug"] == "tianjin"
    assert zone["approved_on_precision"] in {"day", "month", "year"}


def test_a_draft_zone_is_not_found_and_says_so_in_the_error_shape(api):
    response = api.get("/api/v1/zones/miit-wuhan/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response["Content-Type"] == "application/json"


def test_a_zone_of_a_draft_program_is_hidden_with_its_program(api):
    program = Program.objects.get(slug="most")
    program.status = Status.DRAFT
    program.save()

    assert api.get("/api/v1/zones/most-chengdu/").status_code == 404
    assert "most-chengdu" not in slugs(api.get("/api/v1/zones/", {"page_size": 100}))
    assert api.get("/api/v1/programs/most/").status_code == 404


def test_a_document_nests_its_authorities_and_directives_of_public_zones_only(api):
    document = api.get(f"/api/v1/policies/{NOTICE}/").json()

    assert [authority["slug"] for authority in document["authorities"]] == ["miit"]
    directive_zones = [directive["zone"]["slug"] for directive in document["directives"]]
    assert directive_zones[0] == "miit-beijing"
    assert "miit-tianjin-binhai" in directive_zones
    assert document["directives"][0]["url"].endswith(f"/api/v1/directives/{NOTICE}~miit-beijing/")
    assert document["html_url"] == f"http://testserver/policies/{NOTICE}/"
    assert document["title_zh_hans"].startswith("工业和信息化部")
    assert "body_en" in document
    assert "principles" in document


def test_a_document_never_nests_a_draft_zone_or_its_directive(api):
    draft_zone = ZoneFactory(slug="unreleased-zone", status=Status.DRAFT)
    document = PolicyDocumentFactory(slug="public-document", zones=[draft_zone])
    DirectiveFactory(document=document, zone=draft_zone)

    shown = api.get("/api/v1/policies/public-document/").json()

    assert shown["zones"] == []
    assert shown["directives"] == []
    exported = read_csv(api.get("/api/v1/policies/?format=csv"))
    assert all("unreleased-zone" not in row["zones"] for row in exported)
    assert api.get("/api/v1/directives/", {"zone": "unreleased-zone"}).status_code == 400
    assert api.get("/api/v1/directives/public-document~unreleased-zone/").status_code == 404


def test_a_superseding_document_is_shown_only_while_public(api):
    newer = PolicyDocumentFactory(slug="newer", status=Status.DRAFT)
    older = PolicyDocumentFactory(slug="older", superseded_by=newer)

    assert api.get("/api/v1/policies/older/").json()["superseded_by"] is None
    newer.status = Status.PUBLISHED
    newer.save()
    assert api.get("/api/v1/policies/older/").json()["superseded_by"]["slug"] == "newer"
    assert older.pk


def test_directives_are_looked_up_by_document_and_zone(api):
    response = api.get(f"/api/v1/directives/{NOTICE}~miit-tianjin-binhai/")

    directive = response.json()
    assert directive["key"] == f"{NOTICE}~miit-tianjin-binhai"
    assert directive["document"]["slug"] == NOTICE
    assert directive["zone"]["slug"] == "miit-tianjin-binhai"
    assert directive["text_en"]
    assert directive["text_zh_hans"]
    assert directive["html_url"].endswith(f"/policies/{NOTICE}/#directive-miit-tianjin-binhai")


def test_directives_filter_by_zone_document_focus_area_program_and_words(api):
    by_zone = slugs(api.get("/api/v1/directives/", {"zone": "miit-beijing"}), "key")
    by_program = slugs(api.get("/api/v1/directives/", {"program": "miit"}), "key")
    by_document = slugs(api.get("/api/v1/directives/", {"document": NOTICE}), "key")
    by_words = slugs(api.get("/api/v1/directives/", {"q": "滨海"}), "key")

    assert by_zone == [f"{NOTICE}~miit-beijing"]
    assert len(by_document) == 5
    assert set(by_zone) < set(by_program)
    assert by_words == [f"{NOTICE}~miit-tianjin-binhai"]
    assert api.get("/api/v1/directives/", {"focus_area": "smart-port"}).json()["count"] >= 1


def test_batches_are_looked_up_by_program_and_number_and_drafts_stay_hidden(api):
    assert api.get("/api/v1/batches/miit~1/").json()["zone_count"] == 3
    assert api.get("/api/v1/batches/miit~3/").status_code == 404
    assert "miit~3" not in slugs(api.get("/api/v1/batches/"), "key")


def test_reference_lists_give_the_values_the_filters_take(api):
    provinces = slugs(api.get("/api/v1/provinces/", {"page_size": 100}))
    regions = slugs(api.get("/api/v1/regions/"))
    authorities = api.get("/api/v1/authorities/").json()["results"]

    assert "guangdong" in provinces
    assert "yangtze-river-delta" in regions or regions
    for province in provinces:
        assert api.get("/api/v1/zones/", {"province": province}).status_code == 200
    most = next(item for item in authorities if item["slug"] == "most")
    assert most["document_count"] == 4
    assert most["html_url"] == "http://testserver/policies/?authority=most"


def test_focus_areas_count_public_zones_and_documents(api):
    focus_areas = api.get("/api/v1/focus-areas/", {"page_size": 100}).json()["results"]
    smart_port = next(item for item in focus_areas if item["slug"] == "smart-port")

    zones = api.get(smart_port["zones_url"]).json()
    assert smart_port["zone_count"] == zones["count"] > 0
    assert smart_port["html_url"] == "http://testserver/focus-areas/smart-port/"


def test_every_zone_links_to_its_english_and_its_chinese_page(api, client):
    zone = api.get("/api/v1/zones/miit-beijing/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert zone["html_url"] == "http://testserver/zones/miit-beijing/"
    assert zone["html_url_zh_hans"] == "http://testserver/zh-hans/zones/miit-beijing/"
    assert client.get("/zh-hans/zones/miit-beijing/").status_code == 200
    assert zone["name_en"] == "Beijing"
    assert zone["name_zh_hans"] == "北京"


def test_the_api_root_lists_every_resource(api):
    root = api.get("/api/v1/").json()

    for resource in ("zones", "policies", "directives", "focus-areas", "programs", "batches"):
        assert api.get(root[resource]).status_code == 200
    assert root["schema"].endswith("/api/schema/")


def test_staff_who_may_view_see_drafts_through_the_api(api, users):
    editor = client_for(users["editor"])

    assert editor.get("/api/v1/zones/miit-wuhan/").json()["status"] == "draft"
    assert editor.get("/api/v1/zones/", {"page_size": 100}).json()["count"] == 26
    assert Zone.objects.published().count() == 23
