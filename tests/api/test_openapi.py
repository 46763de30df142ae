"""What the OpenAPI schema promises a reader of /api/docs/, and how the docs page is served."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from api.schema_view import SchemaView

pytestmark = pytest.mark.django_db

ZONE_FILTERS = {"q", "program", "batch", "province", "region", "focus_area", "ordering"}
POLICY_FILTERS = {
    "q",
    "authority",
    "doc_type",
    "zone",
    "focus_area",
    "program",
    "issued_after",
    "issued_before",
    "validity",
    "ordering",
}
DIRECTIVE_FILTERS = {"q", "zone", "document", "focus_area", "program"}


@pytest.fixture
def openapi(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def parameters(operation, where="query"):
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == where}


def test_lists_document_the_pages_filters_and_paging(openapi):
    paths = openapi["paths"]
    for path, filters in [
        ("/api/v1/zones/", ZONE_FILTERS),
        ("/api/v1/policies/", POLICY_FILTERS),
        ("/api/v1/directives/", DIRECTIVE_FILTERS),
    ]:
        query = parameters(paths[path]["get"])
        assert filters | {"page", "page_size", "format"} == set(query), path
        assert query["page_size"]["schema"]["maximum"] == 100
    zone_query = parameters(paths["/api/v1/zones/"]["get"])
    assert set(zone_query["format"]["schema"]["enum"]) == {"json", "csv", "geojson"}
    assert zone_query["program"]["explode"] is True
    assert zone_query["program"]["schema"]["items"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    assert set(zone_query["ordering"]["schema"]["enum"]) >= {"name", "-name", "relevance"}
    facets = parameters(paths["/api/v1/zones/facets/"]["get"])
    assert set(facets) >= ZONE_FILTERS


def test_every_operation_documents_its_errors_with_an_example(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"400", "401", "404", "429"}
            if method == "get":
                expected |= {"200", "304", "406"}
            else:
                expected |= {"403", "412", "413", "428"}
            assert expected <= codes, (method, path, expected - codes)
            bad_request = operation["responses"]["400"]["content"]["application/json"]
            assert bad_request["schema"] == {"$ref": "#/components/schemas/Error"}
            assert bad_request["examples"]


def test_reads_document_conditional_requests_and_writes_document_if_match(openapi):
    zone = openapi["paths"]["/api/v1/zones/{slug}/"]
    assert "If-None-Match" in parameters(zone["get"], "header")
    assert "ETag" in zone["get"]["responses"]["200"]["headers"]
    assert "If-Match" in parameters(zone["patch"], "header")
    assert "If-Match" in parameters(
        openapi["paths"]["/api/v1/zones/{slug}/publish/"]["post"], "header"
    )


@pytest.mark.parametrize("path", ["/api/v1/zones/{slug}/", "/api/v1/policies/{slug}/"])
def test_a_record_documents_as_of_and_the_version_it_answers_with(openapi, path):
    read = openapi["paths"][path]["get"]
    as_of = parameters(read)["as_of"]
    answer = read["responses"]["200"]["content"]["application/json"]["schema"]
    shapes = openapi["components"]["schemas"][answer["$ref"].rsplit("/", 1)[1]]["oneOf"]

    assert as_of["schema"] == {"type": "string", "format": "date"}
    assert "end of this day" in as_of["description"]
    assert {"$ref": "#/components/schemas/Version"} in shapes
    assert len(shapes) == 2


def test_lists_document_csv_and_zones_geojson_bodies(openapi):
    zones = openapi["paths"]["/api/v1/zones/"]["get"]["responses"]["200"]["content"]
    policies = openapi["paths"]["/api/v1/policies/"]["get"]["responses"]["200"]["content"]

    assert set(zones) == {"application/json", "text/csv", "application/geo+json"}
    assert set(policies) == {"application/json", "text/csv"}
    assert zones["application/geo+json"]["schema"]["$ref"].endswith("/FeatureCollection")


def test_reads_need_no_credentials_and_writes_do(openapi):
    zones = openapi["paths"]["/api/v1/zones/"]

    # A public read shows no lock in the docs: it lists no security requirement at all.
    assert "security" not in zones["get"]
    assert "security" not in openapi
    assert all("security" not in path["get"] for path in openapi["paths"].values() if "get" in path)
    assert {} not in zones["post"]["security"]
    assert {"tokenAuth": []} in zones["post"]["security"]


def test_the_docs_page_loads_only_files_the_app_serves(api):
    page = api.get("/api/docs/").content.decode()

    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    for source in sources:
        assert source.startswith(("/static/", "/api/docs/?script")), source
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    # No inline script or style: the site's CSP (script-src 'self' 'nonce-…') would block them.
    assert not re.search(r"<script>|<script [^>]*>[^<]+</script>|<style", page)
    script = api.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()


def test_the_schema_is_built_once_per_process_and_language(api, monkeypatch):
    builds = []
    build = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        builds.append(translation.get_language())
        return build(self, *args, **kwargs)

    monkeypatch.setattr(SchemaView, "built", {})
    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    first = api.get("/api/schema/?format=json")
    second = api.get("/api/schema/?format=json")
    chinese = api.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    api.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert first.status_code == second.status_code == chinese.status_code == 200
    assert first.content == second.content
    assert builds == ["en", "zh-hans"]
