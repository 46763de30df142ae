import datetime
import html
import re

import pytest
from django.http import QueryDict
from rest_framework.test import APIClient

from policies.filters import PolicyFilter
from policies.models import PolicyDocument
from tests.factories import AuthorityFactory, PolicyDocumentFactory

pytestmark = pytest.mark.django_db

NOTICE = "miit-second-batch-notice-2021"


def slugs(query: str):
    filterset = PolicyFilter(QueryDict(query), queryset=PolicyDocument.objects.published())
    assert filterset.is_valid(), filterset.errors
    return [document.slug for document in filterset.qs]


@pytest.mark.parametrize(
    "typed", ["Winter Olympics", "winter olympic", "冬奥", "滨海", "国家人工智能", "smart ports"]
)
def test_the_notice_is_found_in_both_languages(demo, typed):
    from urllib.parse import urlencode

    assert NOTICE in slugs(urlencode({"q": typed}))


def test_a_document_number_finds_its_document(demo):
    assert slugs("q=国科发规〔2019〕298号") == ["most-pilot-zone-guideline-2019"]


def test_relevance_puts_the_best_match_first(demo):
    assert slugs("q=second+batch+pilot+zones")[0] == NOTICE


def test_date_range_and_validity(demo):
    found = slugs("issued_after=2019-01-01&issued_before=2019-12-31&validity=in_force")

    assert found == ["most-letter-shenzhen-2019", "miit-letter-shenzhen-jinan-qingdao-2019"]


def test_default_order_is_newest_first(demo):
    found = slugs("")

    assert found[0] == NOTICE
    assert found[-1] == "state-council-new-generation-ai-plan-2017"


def test_zone_filter_refuses_a_draft_zone(demo):
    filterset = PolicyFilter(
        QueryDict("zone=miit-wuhan"), queryset=PolicyDocument.objects.published()
    )

    assert not filterset.is_valid()
    assert "zone" in filterset.errors


@pytest.mark.parametrize(
    "query",
    ["issued_after=10000-01-01", "issued_before=2021-02-30", "doc_type=decree", "validity=1e309"],
)
def test_impossible_values_are_form_errors(demo, query):
    filterset = PolicyFilter(QueryDict(query), queryset=PolicyDocument.objects.published())

    assert not filterset.is_valid()


def test_facets_count_only_published_zones_and_tell_namesakes_apart(demo):
    filterset = PolicyFilter(QueryDict(""), queryset=PolicyDocument.objects.published())
    zones = {option.value: option for option in filterset.facet_counts()["zone"]}

    assert "miit-wuhan" not in zones
    assert zones["miit-chengdu"].label != zones["most-chengdu"].label
    assert zones["miit-beijing"].count == len(slugs("zone=miit-beijing"))


# ---- dates as precise as the source ------------------------------------------------------


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def dated():
    """Documents dated to the day, the month and the year, in one authority's list."""
    issuer = AuthorityFactory(slug="dated-issuer")
    for slug, issued_on, precision in [
        ("day-2019-08-05", datetime.date(2019, 8, 5), "day"),
        ("month-2019-08", datetime.date(2019, 8, 1), "month"),
        ("day-2019-08-01", datetime.date(2019, 8, 1), "day"),
        ("day-2019-11-02", datetime.date(2019, 11, 2), "day"),
        ("year-2019", datetime.date(2019, 1, 1), "year"),
        ("day-2020-01-01", datetime.date(2020, 1, 1), "day"),
    ]:
        PolicyDocumentFactory(
            slug=slug, issued_on=issued_on, issued_on_precision=precision, authorities=[issuer]
        )


def test_a_range_includes_a_document_whose_known_month_or_year_overlaps_it(dated):
    assert slugs("authority=dated-issuer&issued_after=2019-08-20&ordering=issued_on") == [
        "month-2019-08",
        "day-2019-11-02",
        "year-2019",
        "day-2020-01-01",
    ]
    assert slugs("authority=dated-issuer&issued_after=2019-09-01&issued_before=2019-12-31") == [
        "day-2019-11-02",
        "year-2019",
    ]
    assert slugs("authority=dated-issuer&issued_before=2019-03-31") == ["year-2019"]


def test_within_a_day_month_or_year_the_more_precise_date_sorts_first(dated):
    assert slugs("authority=dated-issuer&ordering=-issued_on") == [
        "day-2020-01-01",
        "day-2019-11-02",
        "day-2019-08-05",
        "day-2019-08-01",
        "month-2019-08",
        "year-2019",
    ]
    assert slugs("authority=dated-issuer&ordering=issued_on") == [
        "day-2019-08-01",
        "day-2019-08-05",
        "month-2019-08",
        "day-2019-11-02",
        "year-2019",
        "day-2020-01-01",
    ]


def test_the_list_page_states_the_rule_for_dates_of_a_month_or_a_year(client, dated):
    english = client.get("/policies/", {"authority": "dated-issuer"})
    chinese = client.get("/zh-hans/policies/", {"authority": "dated-issuer"})

    assert "included when that month or year overlaps these dates" in english.text
    assert "与所选日期范围有重叠即会列出" in chinese.text


def test_facets_count_documents_by_year_or_by_month_where_known(api_client, dated):
    by_year = api_client.get("/api/v1/policies/facets/", {"authority": "dated-issuer"})
    by_month = api_client.get(
        "/api/v1/policies/facets/", {"authority": "dated-issuer", "bucket": "month"}
    )
    wrong = api_client.get("/api/v1/policies/facets/", {"bucket": "week"})

    assert by_year.json()["issued"] == {
        "bucket": "year",
        "periods": [{"period": "2019", "count": 5}, {"period": "2020", "count": 1}],
    }
    assert by_month.json()["issued"]["periods"] == [
        {"period": "2019-08", "count": 3},
        {"period": "2019-11", "count": 1},
        {"period": "2019", "count": 1},
        {"period": "2020-01", "count": 1},
    ]
    assert wrong.status_code == 400
    assert "bucket" in wrong.json()["error"]["details"]


def test_the_api_counts_periods_under_every_filter_but_the_date_range(api_client, dated):
    def periods(**dates):
        query = {"authority": "dated-issuer", "bucket": "month", **dates}
        return api_client.get("/api/v1/policies/facets/", query).json()["issued"]["periods"]

    everything = periods()
    chosen = periods(issued_after="2020-01-01", issued_before="2020-01-31")

    # Like any facet's counts, the other periods stay: they say what choosing them would give.
    assert chosen == everything
    assert len(everything) == 4


def test_the_home_chart_counts_what_the_api_counts_by_year(client, api_client, dated):
    periods = api_client.get("/api/v1/policies/facets/").json()["issued"]["periods"]
    chart = client.get("/").context["documents_chart"]

    assert [(period["period"], period["count"]) for period in periods] == [
        (category, chart.series[0].values[category]) for category in chart.categories
    ]


PERIOD_LINK = re.compile(
    r'<a href="\?([^"]*)"(?: aria-current="true")?>([^<]+)</a> <span class="count">(\d+)</span>'
)


def date_facet(page) -> list[tuple[str, str, int]]:
    """The list page's date facet: (link's query, label, count) in the order shown."""
    facet = page.text.split('<ul class="period-options">', 1)[1].split("</fieldset>", 1)[0]
    return [
        (html.unescape(query), label, int(count))
        for query, label, count in PERIOD_LINK.findall(facet)
    ]


def test_the_list_page_counts_documents_by_year_and_month_as_the_api_does(
    client, api_client, dated
):
    facet = date_facet(client.get("/policies/", {"authority": "dated-issuer"}))
    by_year = api_client.get("/api/v1/policies/facets/", {"authority": "dated-issuer"})
    by_month = api_client.get(
        "/api/v1/policies/facets/", {"authority": "dated-issuer", "bucket": "month"}
    )

    assert [(label, count) for _query, label, count in facet] == [
        ("2020", 1),
        ("January 2020", 1),
        ("2019", 5),
        ("August 2019", 3),
        ("November 2019", 1),
    ]
    years = {period["period"]: period["count"] for period in by_year.json()["issued"]["periods"]}
    months = {p["period"]: p["count"] for p in by_month.json()["issued"]["periods"]}
    assert years == {"2019": 5, "2020": 1}
    assert {"2020-01": 1, "2019-08": 3, "2019-11": 1}.items() <= months.items()
    assert "2019年8月" in client.get("/zh-hans/policies/", {"authority": "dated-issuer"}).text


def test_a_period_of_the_date_facet_filters_the_list_to_the_range_overlapping_it(client, dated):
    facet = date_facet(client.get("/policies/", {"authority": "dated-issuer", "page": "1"}))
    links = {label: query for query, label, _count in facet}

    year = client.get(f"/policies/?{links['2019']}")
    month = client.get(f"/policies/?{links['August 2019']}")

    assert links["2019"] == (
        "authority=dated-issuer&issued_after=2019-01-01&issued_before=2019-12-31"
    )
    assert year.context["result_count"] == 5
    # August's three, and the document known only to 2019, whose year overlaps August.
    assert [document.slug for document in month.context["object_list"]] == [
        "day-2019-08-05",
        "day-2019-08-01",
        "month-2019-08",
        "year-2019",
    ]
    # The other periods keep their counts: choosing one shows what it would give.
    assert [(label, count) for _query, label, count in date_facet(month)] == [
        (label, count) for _query, label, count in facet
    ]
    assert 'aria-current="true">August 2019</a>' in month.text
    assert "apply every filter but these dates" in month.text
