"""Bad input gets a clear 400 naming the parameter, never a 5xx; every error has one shape."""

from urllib.parse import urlencode

import pytest

from tests.api.support import client_for

pytestmark = pytest.mark.django_db


def error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()["error"]
    assert body["code"]
    assert body["message"]
    return body


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("zones", {"program": "nowhere"}, "program"),
        ("zones", {"program": "bad\x00slug"}, "program"),
        ("zones", {"program": "x" * 10_000}, "program"),
        ("zones", {"program": ["miit"] * 101}, "program"),
        ("zones", {"batch": "abc"}, "batch"),
        ("zones", {"batch": "99999999999999999999"}, "batch"),
        ("zones", {"ordering": "--name"}, "ordering"),
        ("zones", {"ordering": "search_vector"}, "ordering"),
        ("zones", {"q": "x" * 10_000}, "q"),
        ("zones", {"q": "nul\x00byte"}, "q"),
        ("zones", {"page": "0"}, "page"),
        ("zones", {"page": "-1"}, "page"),
        ("zones", {"page": "1e3"}, "page"),
        ("zones", {"page": "99999999999999999999999"}, "page"),
        ("zones", {"page_size": "101"}, "page_size"),
        ("zones", {"page_size": "0"}, "page_size"),
        ("policies", {"issued_after": "10000-01-01"}, "issued_after"),
        ("policies", {"issued_before": "2021-02-30"}, "issued_before"),
        ("policies", {"doc_type": "poem"}, "doc_type"),
        ("policies", {"validity": "\x00"}, "validity"),
        ("policies", {"zone": "miit-wuhan"}, "zone"),
        ("directives", {"document": "nowhere"}, "document"),
        ("focus-areas", {"page": "x"}, "page"),
        ("focus-areas", {"format": "csv", "page_size": "0"}, "page_size"),
        ("policies", {"issued_before": ""}, "issued_before"),
        ("zones", {"ordering": ""}, "ordering"),
        ("zones", {"batch": ""}, "batch"),
        ("zones", {"page": ""}, "page"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it(api, path, query, parameter):
    response = api.get(f"/api/v1/{path}/?{urlencode(query, doseq=True)}")

    body = error(response, 400)
    assert body["code"] == "invalid_parameter"
    assert list(body["details"]) == [parameter]
    assert parameter in body["message"]


def test_every_bad_parameter_is_named_at_once(api):
    response = api.get("/api/v1/zones/?program=nowhere&batch=0&page=x&page_size=500")

    assert set(error(response, 400)["details"]) == {"program", "batch", "page", "page_size"}


def test_an_empty_search_is_no_search(api):
    assert api.get("/api/v1/zones/?q=").json()["count"] == 23


def test_unknown_parameters_are_ignored(api):
    plain = api.get("/api/v1/zones/").json()
    with_extras = api.get("/api/v1/zones/?colour=blue&utm_source=x").json()

    assert with_extras["results"] == plain["results"]
    assert with_extras["count"] == plain["count"]


def test_a_page_past_the_last_is_a_404(api):
    body = error(api.get("/api/v1/zones/?page=99"), 404)

    assert body["code"] == "not_found"
    assert "99" in body["message"]


def test_an_unknown_record_is_a_404(api):
    assert error(api.get("/api/v1/policies/nowhere/"), 404)["code"] == "not_found"
    assert error(api.get("/api/v1/batches/miit~99/"), 404)["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/api/v1/nowhere/", "/api/v2/zones/", "/api/v1/zones/a/b/c/", "/api/v1/batches/miit/"]
)
def test_an_unknown_address_under_the_api_is_a_404_in_the_api_shape(api, path):
    assert error(api.get(path), 404)["code"] == "not_found"


def test_a_missing_trailing_slash_redirects(api):
    response = api.get("/api/v1/zones?program=miit")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/zones/?program=miit"


def test_a_method_a_route_does_not_offer_is_a_405_with_allow(api, users):
    response = client_for(users["superuser"]).delete("/api/v1/zones/miit-beijing/")

    body = error(response, 405)
    assert body["code"] == "method_not_allowed"
    assert "DELETE" not in response["Allow"]
    assert "PATCH" in response["Allow"]


def test_anonymous_clients_are_throttled_with_a_429_and_retry_after(api, settings, users):
    settings.API_ANON_THROTTLE_RATE = "3/minute"

    statuses = [api.get("/api/v1/zones/").status_code for _ in range(4)]
    signed_in = client_for(users["nobody"]).get("/api/v1/zones/")

    assert statuses == [200, 200, 200, 429]
    throttled = api.get("/api/v1/zones/")
    assert error(throttled, 429)["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    assert signed_in.status_code == 200


def test_an_empty_throttle_rate_turns_throttling_off(api, settings):
    settings.API_ANON_THROTTLE_RATE = ""

    assert {api.get("/api/v1/").status_code for _ in range(20)} == {200}
