import pytest
from django.http import QueryDict
from django.utils import translation

from zones.filters import ZoneFilter
from zones.models import Zone

pytestmark = pytest.mark.django_db


def run(query: str) -> ZoneFilter:
    return ZoneFilter(QueryDict(query), queryset=Zone.objects.published())


def slugs(filterset):
    assert filterset.is_valid(), filterset.errors
    return [zone.slug for zone in filterset.qs]


def test_repeated_parameters_mean_any_of(demo):
    found = slugs(run("focus_area=smart-port&focus_area=smart-air-traffic-management"))

    assert sorted(found) == ["miit-tianjin-binhai", "most-chengdu"]


def test_filters_combine(demo):
    assert slugs(run("program=miit&batch=1&province=guangdong")) == ["miit-shenzhen"]
    assert sorted(slugs(run("region=chengdu-chongqing&program=most"))) == [
        "most-chengdu",
        "most-chongqing",
    ]


def test_draft_zones_never_match(demo):
    assert "miit-wuhan" not in slugs(run("province=hubei"))
    assert run("program=miit&batch=3").qs.count() == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("program=nowhere", "program"),
        ("batch=abc", "batch"),
        ("batch=99999999999999999999", "batch"),
        ("ordering=--name", "ordering"),
        ("ordering=search_vector", "ordering"),
        ("q=" + "x" * 10_000, "q"),
        ("q=nul%00byte", "q"),
    ],
)
def test_bad_values_are_form_errors(demo, query, field):
    filterset = run(query)

    assert not filterset.is_valid()
    assert field in filterset.errors


def test_chinese_names_sort_by_pinyin(demo):
    with translation.override("zh-hans"):
        names = [zone.name_zh_hans for zone in run("ordering=name&program=miit").qs]

    assert names[:3] == ["北京", "成都", "广州"]


def test_facet_counts_match_the_results_they_promise(demo):
    filterset = run("program=miit")
    facets = filterset.facet_counts()

    for option in facets["province"]:
        assert option.count == len(slugs(run(f"program=miit&province={option.value}")))
    programs = {option.value: option.count for option in facets["program"]}
    assert programs == {"miit": 8, "most": 15}
