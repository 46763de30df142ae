import pytest

from core.search import cjk_terms, search_query
from policies.models import PolicyDocument
from tests.factories import PolicyDocumentFactory


def test_chinese_is_indexed_as_overlapping_pairs():
    assert cjk_terms("滨海新区") == "滨海 海新 新区 区"
    assert cjk_terms("AI 冬奥，港") == "冬奥 奥 港"


def test_query_of_only_symbols_searches_nothing():
    assert search_query(" &|!():* ") is None
    assert search_query("") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["a & b", "!!!", "'quoted", '"unclosed', "foo:*", "(", "<->", "滨 & 海", "or or", "-", "\\"],
)
def test_odd_queries_run_without_error(typed):
    PolicyDocumentFactory(title_en="Smart port notice")
    query = search_query(typed)
    if query is not None:
        list(PolicyDocument.objects.filter(search_vector=query))


@pytest.mark.django_db
def test_english_search_stems_and_chinese_matches_two_characters():
    document = PolicyDocumentFactory(title_en="Smart ports", title_zh_hans="天津滨海新区智能港口")
    PolicyDocumentFactory(title_en="Unrelated", title_zh_hans="其他")

    for typed in ["smart port", "滨海", "港口", "智能港口"]:
        found = PolicyDocument.objects.filter(search_vector=search_query(typed))
        assert list(found) == [document], typed


@pytest.mark.django_db
def test_chinese_phrase_must_be_contiguous():
    PolicyDocumentFactory(title_zh_hans="滨江和海新")

    assert not PolicyDocument.objects.filter(search_vector=search_query("滨海")).exists()
