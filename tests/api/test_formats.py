"""CSV and GeoJSON, as a spreadsheet or a mapping library reads them."""

import datetime
import json
import re

import pytest
from django.http import StreamingHttpResponse

from tests.api.support import read_csv
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "zones",
    "policies",
    "directives",
    "focus-areas",
    "programs",
    "batches",
    "authorities",
    "provinces",
    "regions",
]


@pytest.mark.parametrize("resource", LISTS)
def test_every_list_exports_its_whole_filtered_list_as_csv(api, resource):
    listed = api.get(f"/api/v1/{resource}/").json()["count"]

    response = api.get(f"/api/v1/{resource}/", {"format": "csv"})

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert len(read_csv(response)) == listed


def test_the_zone_csv_has_both_languages_and_flattened_related_names(api):
    response = api.get("/api/v1/zones/", {"program": "miit", "format": "csv"})
    rows = {row["slug"]: row for row in read_csv(response)}

    tianjin = rows["miit-tianjin-binhai"]
    assert tianjin["name_zh_hans"] == "天津（滨海新区）"
    assert tianjin["program_name_en"] == "National AI Innovation and Application Pilot Zones"
    assert tianjin["batch"] == "2"
    assert "smart-port" in tianjin["focus_areas"].split("; ")
    assert "智能港口" in tianjin["focus_areas_zh_hans"].split("; ")
    assert tianjin["html_url"] == "http://testserver/zones/miit-tianjin-binhai/"
    assert float(tianjin["longitude"]) > float(tianjin["latitude"])
    assert "miit-wuhan" not in rows


def test_the_csv_starts_with_a_byte_order_mark_so_spreadsheets_read_chinese(api):
    response = api.get("/api/v1/zones/", {"format": "csv"})

    assert b"".join(response.streaming_content).startswith("\ufeffslug,".encode())


def test_the_policy_csv_lists_authorities_and_public_zones(api):
    rows = read_csv(api.get("/api/v1/policies/", {"format": "csv", "zone": "miit-beijing"}))

    assert [row["slug"] for row in rows] == ["miit-second-batch-notice-2021"]
    assert rows[0]["authorities"] == "miit"
    assert rows[0]["authorities_zh_hans"] == "工业和信息化部"
    assert "miit-beijing" in rows[0]["zones"].split("; ")


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_made_text(api):
    ZoneFactory(slug="formula", name_en='=HYPERLINK("http://evil.example")')

    rows = read_csv(api.get("/api/v1/zones/", {"format": "csv", "q": "formula"}))

    assert rows[0]["name_en"] == '\'=HYPERLINK("http://evil.example")'


def test_csv_is_also_chosen_by_the_accept_header(api):
    response = api.get("/api/v1/zones/", HTTP_ACCEPT="text/csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(read_csv(response)) == 23


def test_zones_as_geojson_are_points_in_longitude_latitude_order(api):
    response = api.get("/api/v1/zones/", {"format": "geojson", "program": "miit"})

    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    features = {feature["properties"]["slug"]: feature for feature in collection["features"]}
    assert len(features) == 8
    beijing = features["miit-beijing"]
    assert beijing["geometry"]["type"] == "Point"
    longitude, latitude = beijing["geometry"]["coordinates"]
    assert 115 < longitude < 118
    assert 39 < latitude < 41
    assert beijing["properties"]["name_zh_hans"] == "北京"
    assert beijing["properties"]["program"] == "miit"
    assert beijing["properties"]["url"] == "http://testserver/zones/miit-beijing/"


def test_a_zone_without_a_position_is_left_off_the_map_but_not_the_list(api):
    ZoneFactory(slug="nowhere", latitude=None, longitude=None)

    collection = api.get("/api/v1/zones/", {"format": "geojson"}).json()
    listed = api.get("/api/v1/zones/", {"page_size": 100}).json()

    assert "nowhere" not in [f["properties"]["slug"] for f in collection["features"]]
    assert "nowhere" in [zone["slug"] for zone in listed["results"]]


def test_geojson_is_also_chosen_by_the_accept_header(api):
    response = api.get("/api/v1/zones/", HTTP_ACCEPT="application/geo+json")

    assert response.json()["type"] == "FeatureCollection"


@pytest.mark.parametrize(
    ("path", "format_"),
    [
        ("/api/v1/policies/", "geojson"),
        ("/api/v1/zones/", "xml"),
        ("/api/v1/zones/miit-beijing/", "csv"),
        ("/api/v1/zones/facets/", "csv"),
    ],
)
def test_a_format_a_resource_does_not_offer_is_a_400_naming_the_choices(api, path, format_):
    response = api.get(path, {"format": format_})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "format" in response.json()["error"]["details"]


def test_an_unacceptable_accept_header_is_a_406_in_the_error_shape(api):
    response = api.get("/api/v1/zones/", HTTP_ACCEPT="application/xml")

    assert response.status_code == 406
    assert response.json()["error"]["code"] == "not_acceptable"


def test_errors_are_json_even_when_csv_was_asked_for(api):
    response = api.get("/api/v1/zones/", {"format": "csv", "program": "nowhere"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["details"]["program"]


def test_head_of_a_csv_export_reads_no_records(api, django_assert_max_num_queries, warm_generation):
    with django_assert_max_num_queries(1):
        response = api.head("/api/v1/zones/", {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["ETag"] == api.get("/api/v1/zones/", {"format": "csv"})["ETag"]


def test_csv_and_json_write_dates_as_precisely_as_the_source(api):
    zones = {row["slug"]: row for row in read_csv(api.get("/api/v1/zones/", {"format": "csv"}))}
    documents = {
        row["slug"]: row for row in read_csv(api.get("/api/v1/policies/", {"format": "csv"}))
    }
    listed = {
        zone["slug"]: zone
        for zone in api.get("/api/v1/zones/", {"page_size": 100}).json()["results"]
    }
    guideline = api.get("/api/v1/policies/most-pilot-zone-guideline-2019/").json()

    assert zones["most-beijing"]["approved_on"] == "2019"
    assert zones["miit-tianjin-binhai"]["approved_on"] == "2021-02-19"
    assert documents["most-pilot-zone-guideline-2019"]["issued_on"] == "2019-08"
    assert listed["most-beijing"]["approved_on"] == listed["most-beijing"]["approved"] == "2019"
    assert guideline["issued_on"] == guideline["issued"] == "2019-08"
    assert "2019-01-01" not in api.get("/api/v1/zones/", {"program": "most"}).content.decode()


ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")


def test_csv_timestamps_are_iso_8601(api):
    rows = read_csv(api.get("/api/v1/zones/", {"format": "csv"}))

    for row in rows:
        assert re.fullmatch(
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}", row["updated_at"]
        )


def test_list_responses_say_when_the_data_last_changed(api):
    body = api.get("/api/v1/zones/").json()
    changed = ZoneFactory(slug="late-arrival").updated_at

    assert datetime.datetime.fromisoformat(body["data_as_of"]) <= changed
    later = api.get("/api/v1/policies/").json()["data_as_of"]
    assert datetime.datetime.fromisoformat(later) == changed.replace(microsecond=0)
