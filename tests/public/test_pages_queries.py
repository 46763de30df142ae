"""Queries per page do not grow with the register: each page keeps the same cap with the demo
data and with fifty times as many zones, documents, directives and focus areas."""

import pytest

from tests.site_fixtures import site_register  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_generation")]

NOTICE = "miit-second-batch-notice-2021"

# (address, most queries allowed). The caps are what each page needs today, so that a query
# added per row (an N+1) fails here at once. The home page and the lists read the data version
# for their "Data as of" line (1); the document lists also count by year and month (1), and
# count their type and validity facets in one query while neither is chosen.
PAGES = [
    ("/", 7),
    ("/zh-hans/", 7),
    ("/zones/", 9),
    ("/zh-hans/zones/", 9),
    ("/zones/?view=map", 8),
    ("/zones/?view=map&program=most&region=yangtze-river-delta", 10),
    ("/zones/?program=miit&focus_area=smart-finance&q=manufacturing&page=1", 11),
    ("/zones/?batch=1&batch=2&province=guangdong&ordering=-approved_on", 11),
    # The zone with its focus areas, sources and latest directives and documents (1), the
    # counts of its directives and documents (2), the zones sharing its focus areas and its
    # city (2), and its published versions (1), for the versions list and "cite as".
    ("/zones/miit-beijing/", 6),
    ("/zh-hans/zones/most-chengdu/", 6),
    # The document lists count the zone facet by id and then read those zones' labels.
    ("/policies/", 11),
    ("/policies/?q=winter+olympics&zone=miit-beijing&focus_area=smart-city", 14),
    ("/policies/?authority=most&doc_type=letter&issued_after=2019-01-01&validity=in_force", 13),
    ("/zh-hans/policies/?q=滨海", 11),
    # A document with the lists of its page (one query), a page of its relations, the
    # documents sharing its zones, and its published versions.
    (f"/policies/{NOTICE}/", 4),
    (f"/policies/{NOTICE}/?page=2", 4),
    # A document with a page of relations or fewer reads them without counting them.
    ("/policies/most-pilot-zone-guideline-2019/", 3),
    ("/focus-areas/", 3),
    # The first zones as cards and all of them for the map (2), the counts of the area's
    # documents and directives (2): the page lists the latest of each.
    ("/focus-areas/intelligent-manufacturing/", 10),
    # The count of the program's documents: the page lists the latest ones.
    ("/programs/miit/", 8),
    ("/programs/most/", 8),
    ("/search/?q=winter+olympics", 12),
    ("/search/?q=滨海", 9),
    ("/policies/feed/", 2),
    ("/policies/feed/?zone=miit-beijing&doc_type=notice", 4),
    # The index: how many records and the latest change of each section (2 each).
    ("/sitemap.xml", 8),
    ("/sitemap-policies.xml", 1),
    ("/sitemap-zones.xml?p=1", 1),
    ("/robots.txt", 0),
]


@pytest.mark.parametrize(("address", "cap"), PAGES, ids=[address for address, _ in PAGES])
def test_the_page_keeps_its_query_cap(
    client,
    django_assert_max_num_queries,
    site_register,  # noqa: F811
    address,
    cap,
):
    with django_assert_max_num_queries(cap):
        response = client.get(address)

    assert response.status_code == 200


def test_the_big_register_really_is_bigger(client, site_register):  # noqa: F811
    response = client.get("/zones/")

    assert response.context["result_count"] == 23 * site_register
    assert len(response.context["object_list"]) == min(24, 23 * site_register)


# The pages `make bench` measures: a repeat anonymous read comes from the page cache without a
# query at either size.
MEASURED = [
    "/zones/",
    "/zones/miit-beijing/",
    "/policies/",
    "/policies/?authority=miit&focus_area=intelligent-manufacturing&issued_after=2019-01-01",
    "/policies/?q=winter+olympics",
    f"/policies/{NOTICE}/",
]


@pytest.mark.parametrize("address", MEASURED)
def test_a_repeat_read_of_a_measured_page_reads_nothing(
    client,
    django_assert_num_queries,
    site_register,  # noqa: F811
    address,
):
    first = client.get(address)

    with django_assert_num_queries(0):
        again = client.get(address)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert again["X-Page-Cache"] == "hit"
