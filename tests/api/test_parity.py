"""The API list, its CSV and the public page list give the same records in the same order for
the same query string: they share one FilterSet."""

from urllib.parse import urlencode

import pytest

from tests.api.support import read_csv

pytestmark = pytest.mark.django_db

ZONE_QUERIES = [
    {},
    {"program": "miit"},
    {"program": "most", "ordering": "-name"},
    {"ordering": "-approved_on"},
    {"ordering": "approved_on"},
    {"q": "port"},
    {"q": "滨海"},
    {"q": "intelligent", "ordering": "name"},
    {"focus_area": ["smart-port", "smart-air-traffic-management"]},
    {"region": "chengdu-chongqing"},
    {"batch": ["1", "2"]},
    {"province": "guangdong", "ordering": "approved_on"},
    {"program": "miit", "unknown": "ignored"},
]

POLICY_QUERIES = [
    {},
    {"authority": "most"},
    {"doc_type": ["letter", "plan"]},
    {"zone": "miit-beijing"},
    {"focus_area": "smart-port"},
    {"program": "miit"},
    {"issued_after": "2019-01-01", "issued_before": "2019-12-31"},
    {"validity": "in_force"},
    {"ordering": "title"},
    {"ordering": "-title"},
    {"ordering": "issued_on"},
    {"q": "pilot zones"},
    {"q": "冬奥"},
    {"q": "国科发规〔2019〕298号"},
]


def page_list(client, path, query) -> list[str]:
    """Every record of the public page list, page after page, as the template receives them."""
    slugs, page = [], 1
    while True:
        response = client.get(f"{path}?{urlencode({**query, 'page': page}, doseq=True)}")
        assert response.status_code == 200
        slugs += [record.slug for record in response.context["object_list"]]
        page_obj = response.context.get("page_obj")
        if page_obj is None or not page_obj.has_next():
            return slugs
        page += 1


def api_list(api, path, query) -> list[str]:
    slugs, url = [], f"{path}?{urlencode({**query, 'page_size': 7}, doseq=True)}"
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.json()
        slugs += [item["slug"] for item in response.json()["results"]]
        url = response.json()["next"]
    return slugs


def csv_list(api, path, query) -> list[str]:
    response = api.get(f"{path}?{urlencode({**query, 'format': 'csv'}, doseq=True)}")
    return [row["slug"] for row in read_csv(response)]


@pytest.mark.parametrize("query", ZONE_QUERIES, ids=lambda query: urlencode(query, doseq=True))
def test_zones_api_csv_and_page_agree(api, client, query):
    on_page = page_list(client, "/zones/", query)

    assert api_list(api, "/api/v1/zones/", query) == on_page
    assert csv_list(api, "/api/v1/zones/", query) == on_page


@pytest.mark.parametrize("query", POLICY_QUERIES, ids=lambda query: urlencode(query, doseq=True))
def test_policies_api_csv_and_page_agree(api, client, query):
    on_page = page_list(client, "/policies/", query)

    assert api_list(api, "/api/v1/policies/", query) == on_page
    assert csv_list(api, "/api/v1/policies/", query) == on_page


def test_the_parity_queries_are_not_all_empty(api, client, settings):
    """Agreement on empty lists would prove nothing: most of the queries find records."""
    # The lists are read from their context, so each is built afresh: with the page cache, a
    # query with a parameter no page reads is the same page as the one without it.
    settings.PAGE_CACHE_SECONDS = 0
    found = [page_list(client, "/zones/", query) for query in ZONE_QUERIES]
    found += [page_list(client, "/policies/", query) for query in POLICY_QUERIES]

    assert sum(1 for slugs in found if slugs) >= len(found) - 2
    assert len({tuple(slugs) for slugs in found}) > len(found) // 2
