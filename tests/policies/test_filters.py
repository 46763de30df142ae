import pytest
from django.http import QueryDict

from policies.filters import PolicyFilter
from policies.models import PolicyDocument

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
