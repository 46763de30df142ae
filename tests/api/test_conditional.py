"""Conditional GET, caching headers and CORS: what lets a consumer or a shared cache skip work."""

import datetime
import time

import pytest
from django.utils import timezone

from tests.api.support import client_for
from tests.factories import ZoneFactory
from zones.models import Program, Zone

pytestmark = pytest.mark.django_db

READS = [
    "/api/v1/",
    "/api/v1/zones/",
    "/api/v1/zones/?format=csv",
    "/api/v1/zones/?format=geojson",
    "/api/v1/zones/miit-beijing/",
    "/api/v1/zones/facets/",
    "/api/v1/policies/",
    "/api/v1/policies/miit-second-batch-notice-2021/",
    "/api/v1/policies/facets/",
    "/api/v1/directives/",
    "/api/v1/focus-areas/smart-port/",
    "/api/v1/programs/miit/",
    "/api/v1/batches/miit~2/",
    "/api/v1/authorities/",
    "/api/v1/provinces/",
    "/api/v1/regions/",
    "/api/v1/changes/?since=2020-01-01T00:00:00Z",
    "/api/v1/zones/miit-beijing/versions/",
    "/api/v1/zones/miit-beijing/versions/1/",
    "/api/v1/policies/miit-second-batch-notice-2021/versions/",
    "/api/v1/policies/miit-second-batch-notice-2021/versions/1/",
    "/api/v1/zones/miit-beijing/?as_of=2099-12-31",
]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/zones/no-such-zone/versions/", "/api/v1/zones/miit-beijing/versions/99/"],
)
def test_a_conditional_read_of_a_version_that_does_not_exist_is_404_not_304(api, path):
    etag = api.get("/api/v1/zones/miit-beijing/versions/")["ETag"]

    assert api.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 404


@pytest.mark.parametrize("path", READS)
def test_every_read_sends_an_etag_and_answers_if_none_match_with_304(api, path):
    first = api.get(path)
    assert first.status_code == 200
    assert first["ETag"].startswith('"')
    assert first["Cache-Control"] == "public, max-age=60"

    again = api.get(path, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=60"


def test_a_304_reads_no_records(api, django_assert_max_num_queries):
    etag = api.get("/api/v1/zones/?program=miit")["ETag"]
    detail_etag = api.get("/api/v1/zones/miit-beijing/")["ETag"]

    # At most: the program filter's value is checked (1), then the data version is read (1).
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/zones/?program=miit", HTTP_IF_NONE_MATCH=etag).status_code == 304
    # At most the record's version (1) and the data version (1).
    with django_assert_max_num_queries(2):
        response = api.get("/api/v1/zones/miit-beijing/", HTTP_IF_NONE_MATCH=detail_etag)
        assert response.status_code == 304


def test_a_read_with_a_stale_if_match_is_a_412_in_the_error_shape(api):
    response = api.get("/api/v1/zones/miit-beijing/", HTTP_IF_MATCH='"v0-0"')

    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"


def test_lists_send_last_modified_and_answer_if_modified_since(api):
    first = api.get("/api/v1/policies/")

    again = api.get("/api/v1/policies/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


def test_saving_a_record_changes_the_etag_of_its_list_and_detail(api):
    list_etag = api.get("/api/v1/zones/")["ETag"]
    detail_etag = api.get("/api/v1/zones/miit-beijing/")["ETag"]

    zone = Zone.objects.get(slug="miit-beijing")
    zone.summary_en = "Rewritten."
    zone.save()

    assert api.get("/api/v1/zones/", HTTP_IF_NONE_MATCH=list_etag).status_code == 200
    fresh = api.get("/api/v1/zones/miit-beijing/", HTTP_IF_NONE_MATCH=detail_etag)
    assert fresh.status_code == 200
    assert fresh.json()["summary_en"] == "Rewritten."
    assert fresh["ETag"].startswith(f'"v{zone.version}-')


def test_renaming_a_related_record_changes_the_etag_of_what_nests_it(api):
    etag = api.get("/api/v1/zones/miit-beijing/")["ETag"]

    program = Program.objects.get(slug="miit")
    program.short_name_en = "MIIT zones"
    program.save()

    fresh = api.get("/api/v1/zones/miit-beijing/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert fresh.json()["program"]["short_name_en"] == "MIIT zones"


def test_a_scheduled_zone_going_live_changes_the_etag(api):
    ZoneFactory(slug="scheduled", go_live_at=timezone.now() + datetime.timedelta(seconds=1.5))
    etag = api.get("/api/v1/zones/")["ETag"]
    assert api.get("/api/v1/zones/", HTTP_IF_NONE_MATCH=etag).status_code == 304

    # Its go-live time passes: no save, no history row, only the clock moves.
    time.sleep(2)

    fresh = api.get("/api/v1/zones/", {"page_size": 100}, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert "scheduled" in [zone["slug"] for zone in fresh.json()["results"]]


def test_each_format_and_each_audience_has_its_own_etag(api, users):
    as_json = api.get("/api/v1/zones/")["ETag"]
    as_csv = api.get("/api/v1/zones/?format=csv")["ETag"]
    for_editor = client_for(users["editor"]).get("/api/v1/zones/")

    assert len({as_json, as_csv, for_editor["ETag"]}) == 3
    assert for_editor["Cache-Control"] == "private, no-store"


def test_reads_vary_on_what_changes_them(api):
    vary = {value.strip().lower() for value in api.get("/api/v1/zones/")["Vary"].split(",")}

    assert {"accept", "authorization", "cookie"} <= vary


def test_errors_are_not_cached(api):
    assert api.get("/api/v1/zones/nowhere/")["Cache-Control"] == "no-store"
    assert api.get("/api/v1/zones/?page=0")["Cache-Control"] == "no-store"


def test_head_answers_like_get_without_a_body(api):
    response = api.head("/api/v1/zones/miit-beijing/")

    assert response.status_code == 200
    assert response["ETag"]
    assert response.content == b""


def test_any_origin_may_read_but_never_with_credentials(api):
    response = api.get("/api/v1/zones/", HTTP_ORIGIN="https://maps.example.org")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "etag" in response["Access-Control-Expose-Headers"].lower()


def test_a_cross_origin_conditional_read_passes_the_preflight(api):
    response = api.options(
        "/api/v1/zones/",
        HTTP_ORIGIN="https://maps.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 200
    assert "if-none-match" in response["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response


def repeated(name: str, value: str, times: int = 101) -> str:
    return "&".join([f"{name}={value}"] * times)


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/policies/facets/?{repeated('validity', 'in_force')}",
        f"/api/v1/policies/?{repeated('validity', 'in_force')}",
        f"/api/v1/policies/?{repeated('doc_type', 'plan')}&format=csv",
        f"/api/v1/zones/facets/?{repeated('province', 'beijing')}",
        "/api/v1/zones/miit-beijing/?as_of=2021-02-30",
    ],
)
def test_a_conditional_request_with_invalid_parameters_is_refused_not_answered_304(api, path):
    # The parameters are checked first, the preconditions after: If-None-Match: * never hides
    # a request the API would refuse.
    plain = api.get(path)
    conditional = api.get(path, HTTP_IF_NONE_MATCH="*")

    assert plain.status_code == conditional.status_code == 400
    details = conditional.json()["error"]["details"]
    assert details.keys() & {"validity", "doc_type", "province", "as_of"}
